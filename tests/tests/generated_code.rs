//! Pins the code `cargo xtask generate` writes from the spec.
//!
//! `cargo xtask generate --check` only proves the generated files match the spec; this snapshot
//! makes a spec change that alters them fail `cargo test --workspace` until someone has looked at
//! the new code and accepted it (`cargo insta review`, or `INSTA_UPDATE=always cargo test -p
//! amperity-workspace-tests --test generated_code`), so API changes cannot ride along unseen.
#![forbid(unsafe_code)]

use amperity_workspace_tests::workspace_root;

fn snapshot_generated_file(name: &str, relative_path: &str, spec: &str) {
    let path = workspace_root().join(relative_path);
    let code = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    insta::with_settings!({
        description => format!(
            "{relative_path}, generated from {spec} by `cargo xtask generate`. \
             Accept a change only after reviewing the spec change behind it."
        ),
        omit_expression => true,
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, code);
    });
}

#[test]
fn client_code_is_reviewed() {
    snapshot_generated_file(
        "amperity_generated_rs",
        "crates/amperity/src/generated.rs",
        "spec/openapi.yaml",
    );
    snapshot_generated_file(
        "amperity_generated_profile_rs",
        "crates/amperity/src/generated_profile.rs",
        "spec/profile.yaml",
    );
}

#[test]
fn httpmock_helpers_are_reviewed() {
    snapshot_generated_file(
        "amperity_httpmock_generated_rs",
        "crates/amperity-httpmock/src/generated.rs",
        "spec/openapi.yaml",
    );
    snapshot_generated_file(
        "amperity_httpmock_generated_profile_rs",
        "crates/amperity-httpmock/src/generated_profile.rs",
        "spec/profile.yaml",
    );
}

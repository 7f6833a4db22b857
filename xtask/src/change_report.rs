//! The API change report that `cargo xtask generate` prints: the spec in the working tree against
//! its committed version (or `--base REV`), classified by `api_diff`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::api_diff::{self, report, rust_items::RustItems};
use crate::generate::Spec;

/// The report for one spec, as text. Without an explicit `base`, a tree that is not a git
/// checkout (or a spec that does not parse) gives a one-line note instead, since generating must
/// still work there.
pub fn for_spec(root: &Path, spec: Spec, base: Option<&str>) -> Result<String> {
    match build(root, &spec, base.unwrap_or("HEAD")) {
        Ok(text) => Ok(text),
        Err(error) if base.is_none() => Ok(format!(
            "API change report for {} skipped: {error:#}\n",
            spec.path
        )),
        Err(error) => Err(error),
    }
}

fn build(root: &Path, spec: &Spec, rev: &str) -> Result<String> {
    let head_text = std::fs::read_to_string(root.join(spec.path))
        .with_context(|| format!("reading {}", spec.path))?;
    let head = parse_openapi(&head_text).with_context(|| format!("parsing {}", spec.path))?;
    let base = match git_show(root, rev, spec.path)? {
        Some(text) => {
            parse_openapi(&text).with_context(|| format!("parsing {rev}:{}", spec.path))?
        }
        // A new spec: everything in it is an addition.
        None => empty_openapi(&head),
    };
    let items = git_show(root, rev, spec.client)?
        .map(|source| RustItems::parse(&source))
        .unwrap_or_default();
    let changes = api_diff::compare(&base, &head);
    let title = format!("API changes in {} since {rev}", spec.path);
    Ok(report::render(&title, &changes, &items, spec.crate_path))
}

/// Parses an OpenAPI 3.0 document written in YAML or JSON.
pub fn parse_openapi(text: &str) -> Result<openapiv3::OpenAPI> {
    let value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)?
    } else {
        serde_yaml::from_str(text)?
    };
    serde_json::from_value(value).context("not an OpenAPI 3.0 document")
}

/// A document with no operations and the same version as `like`, to compare a new spec with.
fn empty_openapi(like: &openapiv3::OpenAPI) -> openapiv3::OpenAPI {
    openapiv3::OpenAPI {
        openapi: like.openapi.clone(),
        info: like.info.clone(),
        ..Default::default()
    }
}

/// The contents of `path` at git revision `rev`, or `None` when the revision has no such file.
/// An unknown revision, or no git at all, is an error.
pub fn git_show(root: &Path, rev: &str, path: &str) -> Result<Option<String>> {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .context("running git")
    };
    let commit = format!("{rev}^{{commit}}");
    let verify = git(&["rev-parse", "--verify", "--quiet", &commit])?;
    if !verify.status.success() {
        bail!("`{rev}` is not a commit of this repository");
    }
    let object = format!("{rev}:{path}");
    if !git(&["cat-file", "-e", &object])?.status.success() {
        return Ok(None);
    }
    let shown = git(&["show", &object])?;
    if !shown.status.success() {
        bail!(
            "git show {object}: {}",
            String::from_utf8_lossy(&shown.stderr).trim()
        );
    }
    String::from_utf8(shown.stdout)
        .map(Some)
        .with_context(|| format!("{object} is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::SPEC;

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// A repository whose first commit has the workspace's spec and generated client, and whose
    /// second removes `with_total` from the operation.
    fn repository() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for path in [SPEC.path, SPEC.client] {
            let to = dir.path().join(path);
            std::fs::create_dir_all(to.parent().expect("a parent")).expect("directories");
            std::fs::copy(workspace.join(path), to).expect("a copy");
        }
        git(dir.path(), &["init", "--quiet"]);
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "--quiet", "-m", "first"]);
        let spec = dir.path().join(SPEC.path);
        let text = std::fs::read_to_string(&spec).expect("the spec");
        // GET /segments's: the only list whose parameters end with `WithTotal`.
        let edited = text.replace(
            "        - $ref: \"#/components/parameters/WithTotal\"\n      responses:\n",
            "      responses:\n",
        );
        assert_ne!(text, edited);
        std::fs::write(&spec, edited).expect("the edited spec");
        git(dir.path(), &["commit", "--quiet", "-am", "second"]);
        dir
    }

    #[test]
    fn the_report_compares_with_head_or_with_the_base_given() {
        let dir = repository();
        let against_head = for_spec(dir.path(), SPEC, None).expect("a report");
        assert_eq!(
            against_head,
            "API changes in spec/openapi.yaml since HEAD: none\n"
        );

        let against_first = for_spec(dir.path(), SPEC, Some("HEAD~1")).expect("a report");
        assert!(
            against_first.starts_with("API changes in spec/openapi.yaml since HEAD~1: 1 breaking"),
            "{against_first}"
        );
        assert!(
            against_first.contains(
                "  GET /segments: query parameter `with_total` removed\n      \
                 Rust: amperity::builder::ListSegments::with_total\n"
            ),
            "{against_first}"
        );
    }

    #[test]
    fn an_unknown_base_is_an_error_and_no_git_history_is_a_note() {
        let dir = repository();
        let error = for_spec(dir.path(), SPEC, Some("no-such-rev")).expect_err("unknown rev");
        assert!(
            error.to_string().contains("`no-such-rev` is not a commit"),
            "{error}"
        );

        std::fs::remove_dir_all(dir.path().join(".git")).expect("the history removed");
        let note = for_spec(dir.path(), SPEC, None).expect("a note, not an error");
        assert!(
            note.starts_with("API change report for spec/openapi.yaml skipped: "),
            "{note}"
        );
    }

    #[test]
    fn a_spec_new_at_the_base_reports_every_operation_as_added() {
        let dir = repository();
        git(dir.path(), &["rm", "--quiet", "--cached", SPEC.path]);
        git(dir.path(), &["commit", "--quiet", "-m", "untrack"]);
        let report = for_spec(dir.path(), SPEC, None).expect("a report");
        assert!(
            report.contains("  GET /segments: endpoint added\n"),
            "{report}"
        );
    }
}

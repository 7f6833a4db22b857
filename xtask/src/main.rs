//! Workspace automation, run as `cargo xtask <command>`.
//!
//! `cargo xtask generate [--base REV]` prints the API change report (the spec against its
//! committed version) and turns `spec/openapi.yaml` into the committed generated Rust;
//! `cargo xtask generate --check` prints the same report and fails, with a diff, when the
//! committed files are stale;
//! `cargo xtask upstream-diff PATH` compares the spec with an Amperity-published OpenAPI file;
//! `cargo xtask docs` builds the documentation site under `target/docs/`;
//! `cargo xtask bench [--quick]` runs the benchmarks and writes BENCHMARKS.md.
#![forbid(unsafe_code)]

mod api_diff;
mod bench;
mod change_report;
mod docs;
mod generate;
mod process;
mod upstream_diff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check] [--base REV] \
                     | cargo xtask upstream-diff PATH \
                     | cargo xtask docs \
                     | cargo xtask bench [--quick] [--only PARTS]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate", rest @ ..] => match generate::Options::parse(rest) {
            Ok(options) => generate::run(&workspace_root(), &options),
            Err(error) => {
                eprintln!("error: {error:#}\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        ["upstream-diff", path] => upstream_diff::run(&workspace_root(), Path::new(path)),
        ["bench", rest @ ..] => bench::run(&workspace_root(), rest),
        ["docs"] => docs::run(&workspace_root()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask always lives one level below it.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

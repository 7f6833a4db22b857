//! Workspace automation, run as `cargo xtask <command>`.
//!
//! `cargo xtask generate` turns `spec/openapi.yaml` into the committed generated Rust;
//! `cargo xtask generate --check` fails, with a diff, when the committed files are stale;
//! `cargo xtask bench [--quick]` runs the benchmarks and writes BENCHMARKS.md.
#![forbid(unsafe_code)]

mod bench;
mod bench_build;
mod bench_export;
mod bench_load;
mod bench_report;
mod bench_sdk;
mod bench_util;
mod docs;
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check] | cargo xtask bench [--quick] [--only PARTS] \
                     | cargo xtask docs";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["generate"] => generate::run(&workspace_root(), generate::Mode::Write),
        ["generate", "--check"] => generate::run(&workspace_root(), generate::Mode::Check),
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

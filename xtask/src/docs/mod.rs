//! `cargo xtask docs`: one browsable, offline documentation site under `target/docs/`.
//!
//! - `api/index.html` and `api/profile/index.html`: the API references, one per spec of
//!   `generate::SPECS` (the control plane's `spec/openapi.yaml` and the Profile API's
//!   `spec/profile.yaml`), rendered by Redocly's `build-docs` (see [`api`]);
//! - `cli/`: the command-line reference, written by the CLI's own hidden `amperity docs` from its
//!   clap definitions (Markdown and man pages), with the Markdown rendered to `cli/index.html`;
//! - `sdk/`: the `amperity` crate's rustdoc;
//! - `index.html`: links to all of them, each API reference with its API and version, under the
//!   README's first section (its quick start), rendered from README.md at build time.
//!
//! Every page is checked for scripts, styles and fonts from the network before the build counts
//! as done; `tests/browser` then opens the pages in a real browser.

mod api;
mod offline;
mod site;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, ensure};

use crate::process::{self, cargo};

/// The site's directory under cargo's target directory.
const SITE_DIR: &str = "docs";

/// Builds the whole site under `target/docs/` and prints what it wrote.
pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    let target_dir = process::target_dir(root)?;
    let out = target_dir.join(SITE_DIR);
    if out.exists() {
        fs::remove_dir_all(&out).with_context(|| format!("removing {}", out.display()))?;
    }
    fs::create_dir_all(&out)?;
    let readme = site::Readme::read(root)?;

    println!("==> API references (Redocly build-docs)");
    let references = api::build_all(root, &target_dir, &out, &readme.title)?;

    println!("==> CLI reference (amperity docs)");
    let cli_dir = out.join("cli");
    run_inherited(
        Command::new(cargo())
            .args(["run", "--package", "amperity-cli", "--", "docs", "--out"])
            .arg(&cli_dir)
            .current_dir(root),
        "cargo run -p amperity-cli -- docs",
    )?;
    site::write_cli_page(&cli_dir, &readme.title)?;

    println!("==> SDK reference (cargo doc -p amperity --no-deps)");
    run_inherited(
        Command::new(cargo())
            .args(["doc", "--package", "amperity", "--no-deps"])
            .current_dir(root),
        "cargo doc -p amperity --no-deps",
    )?;
    let rustdoc = target_dir.join("doc");
    ensure!(
        rustdoc.join("amperity/index.html").is_file(),
        "cargo doc wrote no {}",
        rustdoc.join("amperity/index.html").display()
    );
    copy_dir(&rustdoc, &out.join("sdk"))?;

    println!("==> index");
    site::write_index(root, &out, &readme, &references)?;

    // The pages this build wrote itself must stand on their own too (each API page was checked
    // as soon as Redocly wrote it).
    for page in [out.join("index.html"), out.join("cli/index.html")] {
        offline::check(&page)?;
    }

    println!(
        "\n==> written ({:.0} s), every page self-contained:",
        started.elapsed().as_secs_f64()
    );
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut rows = vec![(
        out.join("index.html"),
        "the index: quick start, links to the references".to_owned(),
    )];
    for reference in &references {
        rows.push((
            out.join(reference.href()),
            format!(
                "{} reference ({} {}), Redoc (@redocly/cli {})",
                reference.page.name,
                reference.page.spec,
                reference.version,
                api::REDOCLY_VERSION
            ),
        ));
    }
    rows.extend([
        (
            out.join("cli/index.html"),
            "CLI reference, from `amperity docs`".to_owned(),
        ),
        (
            cli_dir.join("amperity.md"),
            "the same, as Markdown".to_owned(),
        ),
    ]);
    for page in site::man_pages(&cli_dir)? {
        rows.push((page, "man page (man -l FILE)".to_owned()));
    }
    rows.push((
        out.join("sdk/amperity/index.html"),
        "SDK reference, rustdoc".to_owned(),
    ));
    for (path, what) in &rows {
        ensure!(path.is_file(), "{} was not written", path.display());
        println!("  {:<44} {what} ({})", shown(path), size(path)?);
    }
    println!(
        "\nopen file://{} in a browser (it needs no server and no network)",
        out.join("index.html").display()
    );
    Ok(())
}

/// Runs a build step with its output on the terminal (cargo shows its own progress).
fn run_inherited(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("starting {what}"))?;
    ensure!(status.success(), "{what} failed with {status}");
    Ok(())
}

/// Copies the directory `from` to `to`, recursively; cargo's `.lock` files stay behind.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_dir(&source, &target)?;
        } else if entry.file_name() != ".lock" {
            fs::copy(&source, &target).with_context(|| format!("copying {}", source.display()))?;
        }
    }
    Ok(())
}

/// A file's size for people.
fn size(path: &Path) -> Result<String> {
    let bytes = fs::metadata(path)?.len();
    Ok(if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.0} KiB", (bytes as f64 / 1024.0).ceil())
    })
}

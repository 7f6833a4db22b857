//! Part 4: what building the SDK costs: a clean build of `crates/amperity`, its dependencies,
//! and the time of `cargo xtask generate`.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::types::{Env, Row, Section, TrendRow};
use super::util;
use crate::process::{cargo, run_checked, run_with_timeout};

/// Measures the build cost: the section for the report, and the row for the trend table.
pub fn run(env: &Env) -> Result<(Section, TrendRow)> {
    let root = &env.root;
    let clean_dir = util::work_dir(&env.target_dir, "clean-build")?;
    let _ = std::fs::remove_dir_all(&clean_dir);
    let started = Instant::now();
    run_checked(
        Command::new(cargo())
            .args(["build", "--quiet", "-p", "amperity"])
            .env("CARGO_TARGET_DIR", &clean_dir)
            .current_dir(root),
        Duration::from_secs(3600),
    )?;
    let clean_build_s = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&clean_dir);
    println!("  clean dev build of amperity: {clean_build_s:.0} s");

    let tree = run_checked(
        Command::new(cargo())
            .args(["tree", "-p", "amperity", "-e", "normal", "--prefix", "none"])
            .current_dir(root),
        Duration::from_secs(300),
    )?;
    let dependencies = count_dependencies(&tree.stdout);

    // Once to build xtask's generate path if needed, then the measured run. `--check` renders
    // exactly what `generate` writes, and compares instead of writing, so the tree is untouched.
    let generate = || {
        let started = Instant::now();
        let finished = run_with_timeout(
            Command::new(cargo())
                .args(["xtask", "generate", "--check"])
                .current_dir(root),
            Duration::from_secs(600),
        )?;
        Ok::<_, anyhow::Error>((started.elapsed().as_secs_f64(), finished.status.success()))
    };
    generate()?;
    let (generate_s, up_to_date) = generate()?;

    let rustc = run_checked(
        Command::new("rustc").arg("--version"),
        Duration::from_secs(60),
    )
    .map(|f| f.stdout.trim().to_owned())
    .unwrap_or_default();
    let row = TrendRow {
        date: date(),
        commit: commit(env),
        profile: "dev".into(),
        clean_build_s,
        dependencies,
        generate_s,
        rustc,
    };
    let rows = vec![
        Row::info(
            "Clean build of `crates/amperity` (dev profile, fresh target dir)",
            format!("{clean_build_s:.0} s"),
        ),
        Row::info(
            "Crates `amperity` depends on (normal edges, unique)",
            dependencies.to_string(),
        ),
        Row::info(
            "`cargo xtask generate --check` (xtask already built)",
            format!(
                "{generate_s:.2} s{}",
                if up_to_date {
                    ""
                } else {
                    " (the generated files are stale!)"
                }
            ),
        ),
    ];
    let notes = vec![format!(
        "`cargo build -p amperity` (dev profile, default jobs) in an empty `CARGO_TARGET_DIR`, \
         with every crate already downloaded; other processes on this machine compete for its \
         {} cores, so compare trend rows with care. Dependencies: unique package ids in \
         `cargo tree -p amperity -e normal --prefix none`, without amperity itself. The \
         generate time is that of the second of two runs (so cargo only checks that xtask is up \
         to date), of the `--check` mode that renders the same files as `generate` but leaves \
         the tree alone.",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    )];
    Ok((
        Section {
            title: "4. Build cost".into(),
            rows,
            notes,
        },
        row,
    ))
}

/// Unique `name vX.Y.Z` entries of `cargo tree --prefix none` output, less the root.
fn count_dependencies(tree: &str) -> usize {
    let ids: BTreeSet<String> = tree
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect();
    ids.len().saturating_sub(1)
}

/// The UTC date and time, `2026-11-28 17:30`.
fn date() -> String {
    run_checked(
        Command::new("date").args(["-u", "+%Y-%m-%d %H:%M"]),
        Duration::from_secs(10),
    )
    .map(|f| f.stdout.trim().to_owned())
    .unwrap_or_else(|_| "?".into())
}

/// The short commit, with `+changes` when tracked files differ from it.
fn commit(env: &Env) -> String {
    let git = |args: &[&str]| {
        run_checked(
            Command::new("git").args(args).current_dir(&env.root),
            Duration::from_secs(30),
        )
        .map(|f| f.stdout.trim().to_owned())
        .unwrap_or_default()
    };
    let head = git(&["rev-parse", "--short", "HEAD"]);
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty();
    if dirty {
        format!("{head}+changes")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_unique_ids_without_the_root() {
        let tree = "amperity v0.1.0 (/w/crates/amperity)\nbytes v1.12.2\nserde v1.0.226\n\
                    serde_derive v1.0.226 (proc-macro)\nbytes v1.12.2\nserde v1.0.226 (*)\n";
        assert_eq!(count_dependencies(tree), 3);
    }
}

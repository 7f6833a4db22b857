//! `cargo xtask bench [--quick] [--only SECTION,...]`: the performance benchmarks.
//!
//! 1. `export`: every segment of a 1,000,000-segment amperity-mock to CSV, `amperity` vs the
//!    seed's Python example (`bench/export_segments.py`), and the CLI's peak RSS at two sizes;
//! 2. `load`: requests per second of amperity-mock, Prism and a bare hyper server under wrk;
//! 3. `sdk`: sequential page fetches through the SDK vs raw reqwest, and a criterion benchmark of
//!    page decoding;
//! 4. `build`: clean builds of `crates/amperity` side by side with a crate of progenitor's raw
//!    output for the same spec (the ratio has a goal), what the crates only the SDK uses cost,
//!    the dependency counts and the time of `cargo xtask generate`, appended to a trend table.
//!
//! A full run of every section rewrites the results in BENCHMARKS.md (keeping what is written
//! around them) and appends a row to its build-cost trend. `--quick` (smaller sizes, one run,
//! no clean builds) and `--only` write to `target/bench/report.md` instead; `--only build` runs
//! the clean builds and skips the release builds the other parts need. Every ratio is printed
//! with its goal. All load goes to 127.0.0.1; every child process has a time limit.
//!
//! This file parses the arguments, installs the tools, builds, runs the parts and writes the
//! report. Each part is a module (`export`, `load`, `sdk`, `build`) that returns a
//! [`types::Section`]; `report` prints and writes them; `util` holds the servers, measurements,
//! wrk and statistics they share; `types` the types and constants all of them share. Modules
//! import only `types`, `util` and [`crate::process`], never each other or this file.

mod build;
mod export;
mod load;
mod report;
mod sdk;
mod types;
mod util;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use self::types::{Env, PRISM_VERSION, Plan, REQUESTS_VERSION};
use self::util::load_average;
use crate::process::{self, cargo, run_checked};

const USAGE: &str = "usage: cargo xtask bench [--quick] [--only export,load,sdk,build]";

/// One part of the benchmarks, as `--only` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Export,
    Load,
    Sdk,
    Build,
}

const PARTS: [Part; 4] = [Part::Export, Part::Load, Part::Sdk, Part::Build];

impl Part {
    fn parse(name: &str) -> Option<Part> {
        PARTS.into_iter().find(|part| part.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            Part::Export => "export",
            Part::Load => "load",
            Part::Sdk => "sdk",
            Part::Build => "build",
        }
    }
}

/// `cargo xtask bench ARGS`: runs the parts asked for and writes their report.
pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let mut plan = Plan::full();
    let mut parts: Vec<Part> = PARTS.to_vec();
    let mut only = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--quick" => plan = Plan::quick(),
            "--only" => {
                let names = rest.next().context(USAGE)?;
                parts = names
                    .split(',')
                    .map(|name| {
                        Part::parse(name.trim())
                            .with_context(|| format!("unknown part {name:?}; {USAGE}"))
                    })
                    .collect::<Result<_>>()?;
                only = true;
            }
            other => bail!("unknown argument {other:?}; {USAGE}"),
        }
    }
    let started = Instant::now();
    let load_before = load_average();

    let target_dir = process::target_dir(root)?;
    println!("==> tools");
    install_tools(root, &target_dir, &parts)?;
    // The build part builds what it measures itself.
    let release = parts.iter().any(|part| *part != Part::Build);
    if release {
        println!("==> release build (amperity, amperity-mock, fixed-bytes-server, SDK benches)");
    }
    let env = build_release(root, &target_dir, plan.clone(), release)?;

    let machine = report::machine(root, &env);
    let mut sections = Vec::new();
    let mut trend = None;
    for part in &parts {
        println!("==> {}", part.name());
        let section = match part {
            Part::Export => export::run(&env)?,
            Part::Load => load::run(&env)?,
            Part::Sdk => sdk::run(&env)?,
            Part::Build => {
                let (section, row) = build::run(&env)?;
                trend = row;
                section
            }
        };
        report::print_section(&section);
        sections.push(section);
    }
    let elapsed = started.elapsed();
    let load = format!("{load_before} before, {} after", load_average());
    let full = !plan.quick && !only;
    let results = report::render_results(&machine, &sections, &plan, elapsed, &load);
    let path = if full {
        let path = root.join("BENCHMARKS.md");
        report::update_benchmarks_md(&path, &results, trend.as_ref())?;
        path
    } else {
        let path = util::work_dir(&target_dir, "")?.join("report.md");
        std::fs::write(&path, &results)?;
        path
    };
    println!(
        "\n==> summary ({:.0} s; load average {load})",
        elapsed.as_secs_f64()
    );
    report::print_summary(&sections, &plan);
    println!("\nwritten: {}", path.display());
    Ok(())
}

/// Installs what the baselines and measurements need, when it is not there yet: GNU time and wrk
/// (apt), requests (pip), Prism (npm, under the target directory).
fn install_tools(root: &Path, target_dir: &Path, parts: &[Part]) -> Result<()> {
    let mut apt = Vec::new();
    if !Path::new("/usr/bin/time").exists() {
        apt.push("time");
    }
    if parts.contains(&Part::Load) && which("wrk").is_none() {
        apt.push("wrk");
    }
    if !apt.is_empty() {
        println!("installing {} with apt-get", apt.join(" "));
        run_checked(
            Command::new("apt-get").args(["update", "-qq"]),
            Duration::from_secs(300),
        )?;
        run_checked(
            Command::new("apt-get")
                .args(["install", "-y", "-qq", "--no-install-recommends"])
                .args(&apt)
                .env("DEBIAN_FRONTEND", "noninteractive"),
            Duration::from_secs(300),
        )
        .context("apt-get install (run as root, or install GNU time and wrk yourself)")?;
    }
    if parts.contains(&Part::Export) {
        let installed = run_checked(
            Command::new("python3").args([
                "-c",
                "import importlib.metadata as m\ntry: print(m.version('requests'))\nexcept Exception: print('')",
            ]),
            Duration::from_secs(60),
        )?;
        if installed.stdout.trim() != REQUESTS_VERSION {
            println!("installing requests=={REQUESTS_VERSION} with pip");
            run_checked(
                Command::new("python3").args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    &format!("requests=={REQUESTS_VERSION}"),
                ]),
                Duration::from_secs(300),
            )?;
        }
    }
    if parts.contains(&Part::Load) {
        let prefix = target_dir.join("bench-tools");
        let prism = prefix.join("node_modules/.bin/prism");
        let current = if prism.exists() {
            run_checked(
                Command::new(&prism).arg("--version"),
                Duration::from_secs(60),
            )
            .map(|f| f.stdout.trim().to_owned())
            .unwrap_or_default()
        } else {
            String::new()
        };
        if current != PRISM_VERSION {
            println!("installing @stoplight/prism-cli@{PRISM_VERSION} with npm");
            let package = format!("@stoplight/prism-cli@{PRISM_VERSION}");
            process::npm_install(root, &prefix, &package)?;
        }
    }
    Ok(())
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}

/// Release builds of everything the bench runs; with `build` false, only where they would be
/// (for `--only build`, whose part runs none of them).
fn build_release(root: &Path, target_dir: &Path, plan: Plan, build: bool) -> Result<Env> {
    let release = target_dir.join("release");
    let mut env = Env {
        root: root.to_owned(),
        target_dir: target_dir.to_owned(),
        logs: util::work_dir(target_dir, "logs")?,
        cli: release.join("amperity"),
        mock: release.join("amperity-mock"),
        fixed_bytes_server: release.join("fixed-bytes-server"),
        prism: target_dir.join("bench-tools/node_modules/.bin/prism"),
        sdk_overhead: PathBuf::new(),
        decode: PathBuf::new(),
        plan,
    };
    if !build {
        return Ok(env);
    }
    let limit = Duration::from_secs(3600);
    run_checked(
        Command::new(cargo())
            .args(["build", "--release", "--quiet"])
            .args([
                "-p",
                "amperity-cli",
                "-p",
                "amperity-mock",
                "-p",
                "fixed-bytes-server",
            ])
            .current_dir(root),
        limit,
    )?;
    let finished = run_checked(
        Command::new(cargo())
            .args(["bench", "--no-run", "--quiet", "--message-format=json"])
            .args([
                "-p",
                "amperity",
                "--bench",
                "decode",
                "--bench",
                "sdk_overhead",
            ])
            .current_dir(root),
        limit,
    )?;
    let mut executables = std::collections::HashMap::new();
    for line in finished.stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if let (Some(name), Some(executable)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) {
            executables.insert(name.to_owned(), PathBuf::from(executable));
        }
    }
    let bench = |name: &str| {
        executables
            .get(name)
            .cloned()
            .with_context(|| format!("cargo bench --no-run built no {name} executable"))
    };
    env.sdk_overhead = bench("sdk_overhead")?;
    env.decode = bench("decode")?;
    Ok(env)
}

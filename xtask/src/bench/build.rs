//! Part 4: what building the SDK costs: clean builds of `crates/amperity` side by side with a
//! crate of progenitor's raw output for the same spec, what the crates only the SDK uses cost,
//! and the time of `cargo xtask generate`.
//!
//! The raw crate is written at bench time under `target/bench/raw-progenitor`: progenitor (the
//! workspace's pinned version, as a library) with its default settings except the builder
//! interface, on the spec as `cargo xtask generate` loads it, in a crate of its own (an empty
//! `[workspace]`) that depends only on what that output needs, with the workspace's dependency
//! lines and its Cargo.lock, so that every shared crate is the same version with the same
//! features.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

use super::types::{Env, Row, Section, TrendRow};
use super::util::{self, median};
use crate::generate;
use crate::process::{cargo, run_checked, run_with_timeout};

/// The goal: a clean build of the SDK at most this many times that of progenitor's raw output.
const RATIO_GOAL: f64 = 1.10;

/// The raw crate's package name.
const RAW_NAME: &str = "raw-progenitor";

/// Crates that progenitor's output may name besides the ones it always needs, and that the raw
/// crate then depends on: `format: date-time` / `uuid` and `pattern` in the spec, paginated
/// streams.
const OPTIONAL_CRATES: [&str; 4] = ["chrono", "uuid", "regress", "futures"];

/// Measures the build cost: the section for the report, and the row for the trend table when
/// the clean builds ran (not with `--quick`).
pub fn run(env: &Env) -> Result<(Section, Option<TrendRow>)> {
    let root = &env.root;
    let rounds = env.plan.build_rounds;

    let raw = write_raw_crate(env)?;
    // Resolves the raw crate against the copied Cargo.lock, and writes its lock file before
    // the timed builds.
    let raw_tree = dependency_ids(&tree(&raw.dir, &["--offline"])?);
    let sdk_tree = dependency_ids(&tree(root, &["-p", "amperity"])?);
    let extra: Vec<&String> = sdk_tree.difference(&raw_tree).collect();
    let lock_mismatches = lock_mismatches(
        &read(&root.join("Cargo.lock"))?,
        &read(&raw.dir.join("Cargo.lock"))?,
    );
    println!(
        "  raw progenitor crate: {} lines, depends on {}; {} crates, {} only in amperity's tree",
        raw.lines,
        raw.dependencies.join(", "),
        raw_tree.len(),
        extra.len()
    );

    // Clean builds, alternating which goes first in each round.
    let mut sdk_builds = Vec::new();
    let mut raw_builds = Vec::new();
    for round in 0..rounds {
        let sdk = || clean_build(env, "amperity", root, &["-p", "amperity"]);
        let raw_build = || clean_build(env, RAW_NAME, &raw.dir, &["--locked", "--offline"]);
        let (s, r) = if round % 2 == 0 {
            let s = sdk()?;
            (s, raw_build()?)
        } else {
            let r = raw_build()?;
            (sdk()?, r)
        };
        println!(
            "  round {}: amperity {:.1} s ({:.0} s CPU), raw progenitor {:.1} s ({:.0} s CPU): {:.2}×",
            round + 1,
            s.wall_s,
            s.cpu_s,
            r.wall_s,
            r.cpu_s,
            s.wall_s / r.wall_s
        );
        sdk_builds.push(s);
        raw_builds.push(r);
    }

    let (generate_s, up_to_date) = generate_time(root)?;

    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut trend = None;
    if rounds > 0 {
        let (clean_build_s, raw_ratio) =
            side_by_side(&sdk_builds, &raw_builds, &mut rows, &mut notes);
        notes.push(raw_crate_note(&raw, &lock_mismatches));
        extra_crates(&sdk_builds, &raw_builds, &extra, &mut rows, &mut notes);
        notes.push(format!(
            "- Clean builds of `amperity`, wall / CPU (s): {}",
            pairs(&sdk_builds)
        ));
        notes.push(format!(
            "- Clean builds of the raw crate, wall / CPU (s): {}",
            pairs(&raw_builds)
        ));
        trend = Some(TrendRow {
            date: date(),
            commit: commit(env),
            profile: "dev".into(),
            clean_build_s,
            raw_ratio,
            dependencies: sdk_tree.len(),
            generate_s,
            rustc: rustc_version(),
        });
    } else {
        rows.push(Row::info(
            "Clean builds (`amperity` and progenitor's raw output)",
            "not run with `--quick`",
        ));
        notes.push(raw_crate_note(&raw, &lock_mismatches));
        notes.push(format!(
            "- Crates only `amperity` depends on ({}): {}",
            extra.len(),
            ids(&extra)
        ));
    }
    rows.push(Row::info(
        "Crates `amperity` / the raw crate depend on (normal edges, unique)",
        format!("{} / {}", sdk_tree.len(), raw_tree.len()),
    ));
    rows.push(Row::goal(
        "Raw crate's dependencies at the workspace's Cargo.lock versions",
        if lock_mismatches.is_empty() {
            "all".to_owned()
        } else {
            format!("not: {}", lock_mismatches.join(", "))
        },
        "all",
        lock_mismatches.is_empty(),
    ));
    rows.push(Row::info(
        "`cargo xtask generate --check` (xtask already built)",
        format!(
            "{generate_s:.2} s{}",
            if up_to_date {
                ""
            } else {
                " (the generated files are stale!)"
            }
        ),
    ));
    notes.push(
        "Dependencies: unique package ids in `cargo tree -e normal --prefix none`, without the \
         root. The generate time is that of the second of two runs (so cargo only checks that \
         xtask is up to date), of the `--check` mode that renders the same files as `generate` \
         but leaves the tree alone."
            .to_owned(),
    );
    Ok((
        Section {
            title: "4. Build cost".into(),
            rows,
            notes,
        },
        trend,
    ))
}

/// The rows and notes of the clean builds side by side; returns the median of `amperity`'s builds
/// and the median of the per-round ratios.
fn side_by_side(
    sdk: &[CleanBuild],
    raw: &[CleanBuild],
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) -> (f64, f64) {
    let rounds = sdk.len();
    let walls = |builds: &[CleanBuild]| builds.iter().map(|b| b.wall_s).collect::<Vec<f64>>();
    let cpus = |builds: &[CleanBuild]| builds.iter().map(|b| b.cpu_s).collect::<Vec<f64>>();
    let ratios = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| a / b).collect::<Vec<f64>>();
    let (sdk_walls, raw_walls) = (walls(sdk), walls(raw));
    let (sdk_cpus, raw_cpus) = (cpus(sdk), cpus(raw));
    let wall_ratios = ratios(&sdk_walls, &raw_walls);
    let cpu_ratios = ratios(&sdk_cpus, &raw_cpus);
    let (sdk_s, raw_s, ratio) = (median(&sdk_walls), median(&raw_walls), median(&wall_ratios));
    rows.push(Row::info(
        format!(
            "Clean build of `crates/amperity` (dev profile, fresh target dir), median of {rounds}"
        ),
        format!("{sdk_s:.1} s ({})", spread(&sdk_walls, "s")),
    ));
    rows.push(Row::info(
        format!("Clean build of progenitor's raw output for the same spec, median of {rounds}"),
        format!("{raw_s:.1} s ({})", spread(&raw_walls, "s")),
    ));
    rows.push(Row::goal(
        "`amperity` / raw progenitor, clean build (median of the per-round ratios)",
        format!("{ratio:.2}× ({})", spread(&wall_ratios, "×")),
        format!("≤ {RATIO_GOAL:.2}×"),
        ratio <= RATIO_GOAL,
    ));
    rows.push(Row::info(
        "`amperity` / raw progenitor (ratio of the medians)",
        format!("{:.2}×", sdk_s / raw_s),
    ));
    rows.push(Row::info(
        "`amperity` / raw progenitor, CPU time (user+sys of cargo and its children; median of \
         the per-round ratios)",
        format!(
            "{:.2}× ({}; {:.0} s vs {:.0} s, medians)",
            median(&cpu_ratios),
            spread(&cpu_ratios, "×"),
            median(&sdk_cpus),
            median(&raw_cpus)
        ),
    ));
    notes.push(format!(
        "Side by side, {rounds} rounds: `cargo build -p amperity` in the workspace and \
         `cargo build --locked --offline` of the raw crate, each in an empty `CARGO_TARGET_DIR` \
         (dev profile, default jobs, every crate already downloaded), alternating which goes \
         first. Values are medians with the range in parentheses. The goal is judged on the \
         median of the per-round ratios, since the two builds of a round share the machine's \
         load of the moment; other processes on this machine compete for its {} cores, so \
         compare trend rows with care, and the CPU time (which waiting for a core does not \
         inflate) with them.",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    ));
    notes.push(format!(
        "- Ratios per round, wall (CPU): {}",
        wall_ratios
            .iter()
            .zip(&cpu_ratios)
            .map(|(w, c)| format!("{w:.2}× ({c:.2}×)"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    (sdk_s, ratio)
}

/// The rows and notes of what the crates only `amperity` depends on cost.
fn extra_crates(
    sdk: &[CleanBuild],
    raw: &[CleanBuild],
    extra: &[&String],
    rows: &mut Vec<Row>,
    notes: &mut Vec<String>,
) {
    let cost = UnitCost::of(sdk, raw, extra);
    rows.push(Row::info(
        "Crates only `amperity` builds: cargo's unit times, summed (median of the builds)",
        format!(
            "{:.1} s of {:.1} s ({:.0} %)",
            cost.extra_s,
            cost.sdk_total_s,
            100.0 * cost.extra_s / cost.sdk_total_s
        ),
    ));
    rows.push(Row::info(
        "Crates both build: unit times in `amperity`'s build / in the raw crate's",
        format!("{:.1} s / {:.1} s", cost.shared_sdk_s, cost.shared_raw_s),
    ));
    rows.push(Row::info(
        "The `amperity` crate itself / the raw crate itself (unit time)",
        format!("{:.1} s / {:.1} s", cost.own_sdk_s, cost.own_raw_s),
    ));
    notes.push(
        "Unit times are those of `cargo build --timings` (the `UNIT_DATA` of \
         `cargo-timing.html`: each compiled target and build script, from start to end, so \
         their sum exceeds the wall time on more than one core); medians over the builds. \
         Crates only `amperity` builds are the packages of its build that the raw crate's build \
         does not compile, build dependencies included; a crate both build counts as shared \
         even where `amperity` enables more of its features (tokio, for one)."
            .to_owned(),
    );
    notes.push(format!(
        "- Crates only `amperity` depends on ({}, normal edges, `cargo tree -e normal` of both): \
         {}",
        extra.len(),
        ids(extra)
    ));
    notes.push(format!(
        "- The packages only `amperity`'s build compiles, slowest first (unit time, median): {}",
        cost.per_crate
            .iter()
            .map(|(name, s)| format!("{name} {s:.1} s"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    notes.push(format!(
        "- Packages both build that take longest more in `amperity`'s build (unit time, \
         median in its build − in the raw crate's; features, or more units competing for the \
         cores): {}",
        cost.shared_more
            .iter()
            .map(|(name, s)| format!("{name} {s:+.1} s"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
}

/// `` `a v1`, `b v2` ``.
fn ids(ids: &[&String]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The raw crate, as written.
struct RawCrate {
    dir: PathBuf,
    /// Its dependencies, by name.
    dependencies: Vec<String>,
    /// Lines of the formatted output.
    lines: usize,
    /// The progenitor that wrote it: the workspace's pin, as its Cargo.lock has it.
    progenitor: String,
}

fn raw_crate_note(raw: &RawCrate, lock_mismatches: &[String]) -> String {
    format!(
        "The raw crate (`{}`, written at bench time): progenitor {}'s output for {}, a module each, as \
         `cargo xtask generate` loads it (the same operations), with progenitor's default \
         settings except `InterfaceStyle::Builder` and `TagStyle::Merged`, and without what \
         xtask adds ({} lines after prettyplease). It depends on {}, with the workspace's \
         dependency lines (so reqwest has the SDK's features) and a copy of its Cargo.lock{}.",
        RAW_NAME,
        raw.progenitor,
        generate::SPECS
            .iter()
            .map(|s| format!("`{}`", s.path))
            .collect::<Vec<_>>()
            .join(" and "),
        raw.lines,
        raw.dependencies
            .iter()
            .map(|d| format!("`{d}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if lock_mismatches.is_empty() {
            " (every version the same)"
        } else {
            " (but see the versions that differ)"
        }
    )
}

/// Writes the raw crate under the target directory: Cargo.toml, the workspace's Cargo.lock, and
/// progenitor's output as `src/lib.rs`.
fn write_raw_crate(env: &Env) -> Result<RawCrate> {
    let root = &env.root;
    // One module per spec, as the SDK has: `src/<spec file stem>.rs`.
    let mut modules = Vec::new();
    for spec_files in generate::SPECS {
        let spec = generate::load_spec(&root.join(spec_files.path))?;
        let mut settings = GenerationSettings::new();
        settings
            .with_interface(InterfaceStyle::Builder)
            .with_tag(TagStyle::Merged);
        let tokens = Generator::new(&settings)
            .generate_tokens(&spec)
            .map_err(|e| anyhow::anyhow!("progenitor could not generate the raw crate: {e}"))?;
        let file: syn::File = syn::parse2(tokens).context("progenitor's output does not parse")?;
        let stem = Path::new(spec_files.path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("spec")
            .replace('-', "_");
        modules.push((stem, prettyplease::unparse(&file)));
    }
    let code: String = modules.iter().map(|(_, code)| code.as_str()).collect();

    let manifest = read(&root.join("Cargo.toml"))?;
    let workspace_lock = read(&root.join("Cargo.lock"))?;
    let mut dependencies: Vec<String> = ["progenitor-client", "reqwest", "serde", "serde_json"]
        .map(str::to_owned)
        .to_vec();
    dependencies.extend(
        OPTIONAL_CRATES
            .iter()
            .filter(|name| names_crate(&code, name))
            .map(|name| (*name).to_owned()),
    );
    let mut lines = dependencies
        .iter()
        .map(|name| dependency_line(&manifest, &workspace_lock, name))
        .collect::<Result<Vec<_>>>()?;
    // With reqwest's `rustls-no-provider`, no client can be built until a crypto provider is
    // installed: the raw crate gets the SDK's, the workspace's `rustls` line with its provider.
    if lines
        .iter()
        .any(|line| line.contains("\"rustls-no-provider\""))
    {
        lines.push(dependency_line(&manifest, &workspace_lock, "rustls")?);
        dependencies.push("rustls".to_owned());
    }

    let dir = util::work_dir(&env.target_dir, RAW_NAME)?;
    let src = dir.join("src");
    std::fs::create_dir_all(&src)?;
    let cargo_toml = format!(
        "# Written by `cargo xtask bench` (xtask/src/bench/build.rs): progenitor's raw output for\n\
         # {}, to compare build times with the SDK's.\n\
         [package]\nname = \"{RAW_NAME}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n\n\
         # A workspace of its own, even under the SDK's target directory.\n[workspace]\n",
        generate::SPECS.map(|s| s.path).join(" and "),
        lines.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), cargo_toml)?;
    std::fs::write(dir.join("Cargo.lock"), &workspace_lock)?;
    let mut lib = String::new();
    for (stem, module) in &modules {
        std::fs::write(src.join(format!("{stem}.rs")), module)?;
        lib.push_str(&format!("pub mod {stem};\n"));
    }
    std::fs::write(src.join("lib.rs"), lib)?;
    let progenitor = lock_versions(&workspace_lock)
        .remove("progenitor")
        .unwrap_or_default()
        .join(", ");
    Ok(RawCrate {
        dir,
        dependencies,
        lines: code.lines().count(),
        progenitor,
    })
}

/// Whether `code` names the crate `name` as the root of a path (`chrono::`, `::chrono::`).
fn names_crate(code: &str, name: &str) -> bool {
    let needle = format!("{}::", name.replace('-', "_"));
    code.match_indices(&needle).any(|(at, _)| {
        code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// The raw crate's line for `name`: the workspace's `[workspace.dependencies]` line when it has
/// one (same version, same features), else the version in the workspace's Cargo.lock, pinned.
fn dependency_line(manifest: &str, lock: &str, name: &str) -> Result<String> {
    let mut in_table = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_table = trimmed == "[workspace.dependencies]";
            continue;
        }
        if in_table
            && let Some((key, value)) = trimmed.split_once('=')
            && key.trim() == name
        {
            let value = value.trim();
            // Multi-line tables would need a TOML parser; every line of the workspace is one.
            if value.starts_with('{') && !value.ends_with('}') {
                bail!("the workspace's `{name}` dependency spans several lines");
            }
            return Ok(format!("{name} = {value}"));
        }
    }
    let versions = lock_versions(lock);
    match versions.get(name).map(Vec::as_slice) {
        Some([version]) => Ok(format!("{name} = \"={version}\"")),
        Some(many) => bail!(
            "progenitor's output names {name}, which Cargo.lock has in several versions ({})",
            many.join(", ")
        ),
        None => bail!(
            "progenitor's output names {name}, which neither the workspace's Cargo.toml nor its Cargo.lock has"
        ),
    }
}

/// Package name → versions in a Cargo.lock.
fn lock_versions(lock: &str) -> BTreeMap<String, Vec<String>> {
    let mut versions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"').to_owned());
        } else if let Some(value) = line.strip_prefix("version = ")
            && let Some(name) = name.take()
        {
            versions
                .entry(name)
                .or_default()
                .push(value.trim_matches('"').to_owned());
        }
    }
    versions
}

/// The raw crate's packages (`name version`) that the workspace's Cargo.lock does not have.
fn lock_mismatches(workspace: &str, raw: &str) -> Vec<String> {
    let workspace = lock_versions(workspace);
    lock_versions(raw)
        .into_iter()
        .filter(|(name, _)| name != RAW_NAME)
        .flat_map(|(name, versions)| versions.into_iter().map(move |v| (name.clone(), v)))
        .filter(|(name, version)| !workspace.get(name).is_some_and(|v| v.contains(version)))
        .map(|(name, version)| format!("{name} {version}"))
        .collect()
}

/// `cargo tree -e normal --prefix none` in `dir`.
fn tree(dir: &Path, args: &[&str]) -> Result<String> {
    Ok(run_checked(
        Command::new(cargo())
            .args(["tree", "-e", "normal", "--prefix", "none"])
            .args(args)
            .current_dir(dir),
        Duration::from_secs(300),
    )?
    .stdout)
}

/// Unique `name vX.Y.Z` entries of `cargo tree --prefix none` output, less the root (the first
/// line).
fn dependency_ids(tree: &str) -> BTreeSet<String> {
    let mut lines = tree.lines();
    let root = lines.next().and_then(package_id);
    lines
        .filter_map(package_id)
        .filter(|id| Some(id) != root.as_ref())
        .collect()
}

fn package_id(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    Some(format!("{} {}", words.next()?, words.next()?))
}

/// One clean build: its wall and CPU time, and cargo's time for each package (summed over its
/// units).
struct CleanBuild {
    wall_s: f64,
    /// User + system time of cargo and every process it waited for.
    cpu_s: f64,
    /// `name vX.Y.Z` → seconds.
    units: BTreeMap<String, f64>,
}

/// `cargo build --timings ARGS` in `dir`, in an empty target directory of its own.
fn clean_build(env: &Env, name: &str, dir: &Path, args: &[&str]) -> Result<CleanBuild> {
    let target = util::work_dir(&env.target_dir, &format!("clean-build-{name}"))?;
    let _ = std::fs::remove_dir_all(&target);
    let cpu_before = children_cpu_seconds()?;
    let started = Instant::now();
    run_checked(
        Command::new(cargo())
            .args(["build", "--quiet", "--timings"])
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(dir),
        Duration::from_secs(3600),
    )?;
    let wall_s = started.elapsed().as_secs_f64();
    let cpu_s = children_cpu_seconds()? - cpu_before;
    let html = read(&target.join("cargo-timings/cargo-timing.html"))?;
    let units = unit_times(&html)?;
    let _ = std::fs::remove_dir_all(&target);
    Ok(CleanBuild {
        wall_s,
        cpu_s,
        units,
    })
}

/// CPU seconds (user + system) of this process's children that have ended and been waited for,
/// with theirs: `cutime` and `cstime` of `/proc/self/stat` (10 ms resolution). The difference
/// across one `cargo build` is the CPU time of cargo, rustc and the build scripts.
fn children_cpu_seconds() -> Result<f64> {
    let stat = read(Path::new("/proc/self/stat"))?;
    let parse = || {
        // The fields follow the command name's closing parenthesis; cutime and cstime are
        // fields 16 and 17 of the line, 14 and 15 after the name.
        let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
        let ticks = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
        // USER_HZ is 100 on every Linux this runs on.
        Some(ticks as f64 / 100.0)
    };
    parse().context("/proc/self/stat has no cutime and cstime")
}

/// The time of each package in a `cargo-timing.html`, from its `const UNIT_DATA = [...];`.
fn unit_times(html: &str) -> Result<BTreeMap<String, f64>> {
    let start = html
        .find("const UNIT_DATA = ")
        .context("cargo-timing.html has no UNIT_DATA")?
        + "const UNIT_DATA = ".len();
    let end = start
        + html[start..]
            .find("];")
            .context("cargo-timing.html: UNIT_DATA does not end")?
        + 1;
    let units: Vec<serde_json::Value> =
        serde_json::from_str(&html[start..end]).context("cargo-timing.html: UNIT_DATA")?;
    let mut times = BTreeMap::new();
    for unit in units {
        let (Some(name), Some(version), Some(duration)) = (
            unit["name"].as_str(),
            unit["version"].as_str(),
            unit["duration"].as_f64(),
        ) else {
            bail!("cargo-timing.html: a unit without name, version or duration: {unit}");
        };
        *times.entry(format!("{name} v{version}")).or_insert(0.0) += duration;
    }
    Ok(times)
}

/// Where the unit time of `amperity`'s builds goes, against the raw crate's: medians over the
/// builds.
struct UnitCost {
    sdk_total_s: f64,
    /// Packages that only `amperity`'s build compiles.
    extra_s: f64,
    /// Packages both builds compile.
    shared_sdk_s: f64,
    shared_raw_s: f64,
    own_sdk_s: f64,
    own_raw_s: f64,
    /// The packages behind `extra_s` (grouped under the crates only `amperity` depends on, by
    /// name), slowest first.
    per_crate: Vec<(String, f64)>,
    /// Packages both build, by how much longer they take in `amperity`'s build (medians), the
    /// largest differences first.
    shared_more: Vec<(String, f64)>,
}

impl UnitCost {
    fn of(sdk: &[CleanBuild], raw: &[CleanBuild], extra: &[&String]) -> UnitCost {
        let raw_packages: BTreeSet<&str> = raw
            .iter()
            .flat_map(|b| b.units.keys().map(String::as_str))
            .collect();
        let is_own = |id: &str, name: &str| id.split_whitespace().next() == Some(name);
        let sum = |builds: &[CleanBuild], keep: &dyn Fn(&str) -> bool| {
            median(
                &builds
                    .iter()
                    .map(|b| {
                        b.units
                            .iter()
                            .filter(|(id, _)| keep(id))
                            .map(|(_, s)| s)
                            .sum()
                    })
                    .collect::<Vec<f64>>(),
            )
        };
        let only_sdk = |id: &str| !is_own(id, "amperity") && !raw_packages.contains(id);
        let shared = |id: &str| raw_packages.contains(id) && !is_own(id, RAW_NAME);
        let mut per_package: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for build in sdk {
            for (id, s) in &build.units {
                if only_sdk(id) {
                    per_package.entry(id.clone()).or_default().push(*s);
                }
            }
        }
        let mut per_crate: Vec<(String, f64)> = per_package
            .into_iter()
            .map(|(id, times)| {
                let label = if extra.iter().any(|e| **e == id) {
                    id
                } else {
                    format!("{id} (build dependency)")
                };
                (label, median(&times))
            })
            .collect();
        per_crate.sort_by(|a, b| b.1.total_cmp(&a.1));
        let package_median = |builds: &[CleanBuild], id: &str| {
            median(
                &builds
                    .iter()
                    .filter_map(|b| b.units.get(id).copied())
                    .collect::<Vec<f64>>(),
            )
        };
        let mut shared_more: Vec<(String, f64)> = raw_packages
            .iter()
            .filter(|id| shared(id))
            .map(|id| {
                let more = package_median(sdk, id) - package_median(raw, id);
                ((*id).to_owned(), more)
            })
            .filter(|(_, more)| more.is_finite())
            .collect();
        shared_more.sort_by(|a, b| b.1.total_cmp(&a.1));
        shared_more.truncate(8);
        UnitCost {
            sdk_total_s: sum(sdk, &|_| true),
            extra_s: sum(sdk, &only_sdk),
            shared_sdk_s: sum(sdk, &shared),
            shared_raw_s: sum(raw, &|id| !is_own(id, RAW_NAME)),
            own_sdk_s: sum(sdk, &|id| is_own(id, "amperity")),
            own_raw_s: sum(raw, &|id| is_own(id, RAW_NAME)),
            per_crate,
            shared_more,
        }
    }
}

/// `min–max` of `values`, with a unit.
fn spread(values: &[f64], unit: &str) -> String {
    let min = util::min(values);
    let max = values.iter().copied().fold(f64::NAN, f64::max);
    if unit == "×" {
        format!("{min:.2}–{max:.2}×")
    } else {
        format!("{min:.1}–{max:.1} {unit}")
    }
}

/// `wall / cpu` of each build, in order.
fn pairs(builds: &[CleanBuild]) -> String {
    builds
        .iter()
        .map(|b| format!("{:.1} / {:.1}", b.wall_s, b.cpu_s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Twice `cargo xtask generate --check`: once to build xtask's generate path if needed, then the
/// measured run. `--check` renders exactly what `generate` writes, and compares instead of
/// writing, so the tree is untouched. Returns the time and whether the files are up to date.
fn generate_time(root: &Path) -> Result<(f64, bool)> {
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
    generate()
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn rustc_version() -> String {
    run_checked(
        Command::new("rustc").arg("--version"),
        Duration::from_secs(60),
    )
    .map(|f| f.stdout.trim().to_owned())
    .unwrap_or_default()
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
        let ids = dependency_ids(tree);
        assert_eq!(ids.len(), 3);
        assert!(ids.contains("serde_derive v1.0.226"));
    }

    #[test]
    fn unit_times_add_up_each_package_s_units() {
        let html = r#"<script>
const UNIT_DATA = [
  {"i": 0, "name": "ring", "version": "0.17.14", "target": " build script", "start": 0.1,
   "duration": 1.5, "sections": [["codegen", {"start": 0.0, "end": 1.5}]]},
  {"i": 1, "name": "ring", "version": "0.17.14", "target": "", "start": 2.0, "duration": 7.25},
  {"i": 2, "name": "amperity", "version": "0.1.0", "target": "", "start": 9.0, "duration": 3.0}
];
const CONCURRENCY_DATA = [];
</script>"#;
        let times = unit_times(html).unwrap();
        assert_eq!(times.len(), 2);
        assert_eq!(times["ring v0.17.14"], 8.75);
        assert_eq!(times["amperity v0.1.0"], 3.0);
        assert!(unit_times("<html></html>").is_err());
    }

    #[test]
    fn raw_dependencies_take_the_workspace_line_or_the_locked_version() {
        let manifest = "[workspace]\nmembers = []\n\n[workspace.dependencies]\n\
                        reqwest = { version = \"=0.13.5\", default-features = false, features = [\"json\"] }\n\
                        serde_json = \"=1.0.154\"\n\n[profile.release]\nserde = \"nope\"\n";
        let lock = "[[package]]\nname = \"uuid\"\nversion = \"1.18.1\"\n\n\
                    [[package]]\nname = \"regress\"\nversion = \"0.10.4\"\n\n\
                    [[package]]\nname = \"regress\"\nversion = \"0.11.0\"\n";
        assert_eq!(
            dependency_line(manifest, lock, "reqwest").unwrap(),
            "reqwest = { version = \"=0.13.5\", default-features = false, features = [\"json\"] }"
        );
        assert_eq!(
            dependency_line(manifest, lock, "serde_json").unwrap(),
            "serde_json = \"=1.0.154\""
        );
        assert_eq!(
            dependency_line(manifest, lock, "uuid").unwrap(),
            "uuid = \"=1.18.1\""
        );
        // Only [workspace.dependencies] counts; two locked versions are ambiguous.
        assert!(dependency_line(manifest, lock, "serde").is_err());
        assert!(dependency_line(manifest, lock, "regress").is_err());
    }

    #[test]
    fn a_crate_is_named_only_as_the_root_of_a_path() {
        let code = "let x: ::chrono::DateTime<Utc>; let y = my_uuid::new(); regress::Regex::new";
        assert!(names_crate(code, "chrono"));
        assert!(names_crate(code, "regress"));
        assert!(!names_crate(code, "uuid"));
        assert!(!names_crate(code, "futures"));
    }

    #[test]
    fn lock_mismatches_are_raw_packages_at_versions_the_workspace_lacks() {
        let workspace = "[[package]]\nname = \"serde\"\nversion = \"1.0.229\"\n\n\
                         [[package]]\nname = \"bytes\"\nversion = \"1.12.2\"\n";
        let raw = "[[package]]\nname = \"raw-progenitor\"\nversion = \"0.0.0\"\n\n\
                   [[package]]\nname = \"serde\"\nversion = \"1.0.229\"\n\n\
                   [[package]]\nname = \"bytes\"\nversion = \"1.12.3\"\n";
        assert_eq!(lock_mismatches(workspace, raw), ["bytes 1.12.3"]);
    }
}

//! Part 3: what the SDK costs over raw reqwest, and what decoding a page costs.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use super::types::{Env, Row, Section, TENANT, TOKEN};
use super::util::{self, median, min};
use crate::process::run_checked;

const OVERHEAD_GOAL: f64 = 1.05;

/// Compares the SDK with raw reqwest, then runs the criterion decoding benchmark.
pub fn run(env: &Env) -> Result<Section> {
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    overhead(env, &mut rows, &mut notes)?;
    decode(env, &mut rows, &mut notes)?;
    Ok(Section {
        title: "3. SDK overhead and page decoding".into(),
        rows,
        notes,
    })
}

fn overhead(env: &Env, rows: &mut Vec<Row>, notes: &mut Vec<String>) -> Result<()> {
    let plan = &env.plan;
    let limit = 1000u32;
    // One page more than the walk reads, so that every page read has a next_token.
    let segments = u64::from(plan.sdk_pages) * u64::from(limit) + 1;
    let mock = util::start_mock(env, segments.max(plan.export_segments))?;
    let finished = run_checked(
        Command::new(&env.sdk_overhead)
            .arg("--base-url")
            .arg(format!("http://{}/api", mock.addr()))
            .args(["--tenant", TENANT, "--token", TOKEN])
            .args(["--pages", &plan.sdk_pages.to_string()])
            .args(["--limit", &limit.to_string()])
            .args(["--rounds", &plan.sdk_rounds.to_string()]),
        Duration::from_secs(600),
    )?;
    drop(mock);
    let line = finished
        .stdout
        .lines()
        .last()
        .context("sdk_overhead printed nothing")?;
    let report: serde_json::Value = serde_json::from_str(line)?;
    let series = |key: &str| -> Vec<f64> {
        report[key]
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (sdk, raw, raw_gen) = (series("sdk_s"), series("raw_s"), series("raw_generated_s"));
    let (token_only, sdk_pages) = (series("raw_token_only_s"), series("sdk_pages_s"));
    let (sdk_cpu, raw_cpu, raw_gen_cpu) = (
        series("sdk_cpu_s"),
        series("raw_cpu_s"),
        series("raw_generated_cpu_s"),
    );
    // Walks of one round run back to back, so they share the machine's load of that moment: the
    // median of per-round ratios is steadier than the ratio of medians on a busy machine.
    let paired =
        |a: &[f64], b: &[f64]| median(&a.iter().zip(b).map(|(a, b)| a / b).collect::<Vec<_>>());
    let ratio = paired(&sdk, &raw);
    let pages = plan.sdk_pages;
    let per_page = |s: f64| format!("{:.3} ms/page", s * 1000.0 / f64::from(pages));
    rows.push(Row::info(
        format!("Raw reqwest + plain structs: {pages} pages of {limit}, wall (median)"),
        format!("{:.3} s ({})", median(&raw), per_page(median(&raw))),
    ));
    rows.push(Row::info(
        "SDK `list_segments().page()`: same walk, wall (median)",
        format!("{:.3} s ({})", median(&sdk), per_page(median(&sdk))),
    ));
    rows.push(Row::goal(
        "SDK / raw reqwest (wall, median of per-round ratios)",
        format!("{ratio:.3}×"),
        format!("≤ {OVERHEAD_GOAL}× (at most 5% slower)"),
        ratio <= OVERHEAD_GOAL,
    ));
    rows.push(Row::info(
        "SDK / raw reqwest (ratio of wall medians)",
        format!("{:.3}×", median(&sdk) / median(&raw)),
    ));
    rows.push(Row::info(
        "SDK / raw reqwest (fastest walks)",
        format!("{:.3}×", min(&sdk) / min(&raw)),
    ));
    if !sdk_cpu.is_empty() && !raw_cpu.is_empty() {
        rows.push(Row::info(
            "SDK / raw reqwest (client CPU time, median of per-round ratios)",
            format!(
                "{:.3}× ({:.3} s vs {:.3} s)",
                paired(&sdk_cpu, &raw_cpu),
                median(&sdk_cpu),
                median(&raw_cpu)
            ),
        ));
    }
    rows.push(Row::info(
        "SDK / raw reqwest decoding into the same generated types (the SDK layer alone)",
        format!("{:.3}×", paired(&sdk, &raw_gen)),
    ));
    rows.push(Row::info(
        "Raw reqwest decoding into the generated `SegmentPage` / plain structs",
        format!("{:.3}×", paired(&raw_gen, &raw)),
    ));
    if !raw_gen_cpu.is_empty() && !raw_cpu.is_empty() {
        rows.push(Row::info(
            "The same, client CPU time",
            format!("{:.3}×", paired(&raw_gen_cpu, &raw_cpu)),
        ));
    }
    rows.push(Row::info(
        "Raw reqwest reading only `next_token` (HTTP + server, no decoding), wall (median)",
        format!(
            "{:.3} s ({})",
            median(&token_only),
            per_page(median(&token_only))
        ),
    ));
    rows.push(Row::info(
        "SDK `pages()` stream (requests run ahead of decoding), idle caller, wall (median)",
        format!(
            "{:.3} s ({})",
            median(&sdk_pages),
            per_page(median(&sdk_pages))
        ),
    ));
    notes.push(format!(
        "SDK overhead: `crates/amperity/benches/sdk_overhead.rs` (release) walks {pages} pages \
         of `limit={limit}` one request at a time against a release amperity-mock \
         (`--rate-limit 0`), {} rounds, rotating the order of five ways each round after an \
         untimed warm-up: the SDK (`client.list_segments().limit({limit}).next_token(token).page()`, default \
         retries, pacing off), raw reqwest (the same reqwest, `bytes()` then \
         `serde_json::from_slice` into plain structs), raw reqwest decoding into the SDK's \
         generated `SegmentPage`, raw reqwest reading only `next_token`, and the SDK's \
         `pages()` stream, each with its own connection pool. Ratios are medians of the ratios \
         within each round (walks of one round run back to back and share the machine's load \
         of the moment). Client CPU time is the whole process's, from \
         `/proc/self/task/*/schedstat`.",
        plan.sdk_rounds
    ));
    let list = |v: &[f64]| {
        v.iter()
            .map(|s| format!("{:.3}", s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    notes.push(format!("- SDK walks (s): {}", list(&sdk)));
    notes.push(format!("- raw reqwest walks (s): {}", list(&raw)));
    notes.push(format!(
        "- raw reqwest + generated types walks (s): {}",
        list(&raw_gen)
    ));
    notes.push(format!(
        "- raw reqwest, token only (s): {}",
        list(&token_only)
    ));
    notes.push(format!("- SDK `pages()` walks (s): {}", list(&sdk_pages)));
    Ok(())
}

fn decode(env: &Env, rows: &mut Vec<Row>, notes: &mut Vec<String>) -> Result<()> {
    let plan = &env.plan;
    let home = util::work_dir(&env.target_dir, "criterion")?;
    run_checked(
        Command::new(&env.decode)
            .args(["--bench", "--noplot"])
            .arg("--warm-up-time")
            .arg(plan.criterion_warmup.as_secs_f64().to_string())
            .arg("--measurement-time")
            .arg(plan.criterion_measurement.as_secs_f64().to_string())
            .env("CRITERION_HOME", &home)
            .current_dir(&env.root),
        Duration::from_secs(600),
    )?;
    let dir = |name: &str| home.join("decode_page_1000").join(name).join("new");
    let read_json = |path: PathBuf| -> Result<serde_json::Value> {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    };
    // criterion's median estimate, in ns per page.
    let estimate = |name: &str| -> Result<f64> {
        read_json(dir(name).join("estimates.json"))?["median"]["point_estimate"]
            .as_f64()
            .with_context(|| format!("no median estimate for {name}"))
    };
    // The fastest sample, in ns per page: other load on the machine only ever adds time, so this
    // is the steadier figure for comparing decoders measured one after the other.
    let fastest = |name: &str| -> Result<f64> {
        let sample = read_json(dir(name).join("sample.json"))?;
        let numbers = |key: &str| -> Vec<f64> {
            sample[key]
                .as_array()
                .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
                .unwrap_or_default()
        };
        let per_iteration: Vec<f64> = numbers("times")
            .iter()
            .zip(numbers("iters"))
            .map(|(time, iters)| time / iters)
            .collect();
        Ok(min(&per_iteration))
    };
    let us = |ns: f64| format!("{:.0} µs", ns / 1000.0);
    let mut figures = Vec::new();
    for (name, label) in [
        (
            "generated",
            "Decode 1000 segments into `amperity::types::SegmentPage` (generated, `flatten` extras)",
        ),
        (
            "plain",
            "Decode the same page into plain structs (no `flatten`)",
        ),
        (
            "borrowed",
            "Decode into plain structs borrowing from the body",
        ),
    ] {
        let (median_ns, fastest_ns) = (estimate(name)?, fastest(name)?);
        rows.push(Row::info(
            label,
            format!(
                "{} median, {} fastest sample ({:.0} ns/segment)",
                us(median_ns),
                us(fastest_ns),
                fastest_ns / 1000.0
            ),
        ));
        figures.push((median_ns, fastest_ns));
    }
    let (generated, plain) = (figures[0], figures[1]);
    rows.push(Row::info(
        "Cost of forward compatibility: generated / plain (fastest samples; medians)",
        format!(
            "{:.2}× ({:.2}×)",
            generated.1 / plain.1,
            generated.0 / plain.0
        ),
    ));
    notes.push(
        "Decoding: criterion (`cargo bench -p amperity --bench decode`): its median estimate and \
         the fastest of its samples (the steadier of the two when other processes come and go \
         between one decoder's measurement and the next); the body is a \
         1000-segment page built from amperity-mock's data (its names include quotes, commas, \
         backslashes and non-ASCII text). The generated types keep unknown fields in \
         `#[serde(flatten)] extra` maps, which serde implements by buffering each object's \
         unknown keys; the plain structs drop unknown fields."
            .to_owned(),
    );
    Ok(())
}

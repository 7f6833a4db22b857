//! Printing results and writing them into BENCHMARKS.md.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use super::types::{Env, PRISM_VERSION, Plan, Row, Section, TrendRow, Verdict};
use crate::process::run_with_timeout;

const RESULTS_START: &str = "<!-- bench:results:start -->";
const RESULTS_END: &str = "<!-- bench:results:end -->";
const TREND_START: &str = "<!-- bench:trend:start -->";
const TREND_END: &str = "<!-- bench:trend:end -->";
const TREND_HEADER: &str = "| Date (UTC) | Commit | Profile | Clean build of `amperity` | `amperity` / raw progenitor | Dependencies | `xtask generate` | rustc |\n\
                            | --- | --- | --- | --- | --- | --- | --- | --- |\n";
/// What a trend row gets in a column added after it was written.
const NOT_MEASURED: &str = "–";

/// The machine, as a markdown list.
pub fn machine(root: &Path, env: &Env) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("?", |(_, model)| model.trim())
        .to_owned();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or("?".to_owned(), |kib| {
            format!("{:.1} GiB", kib / 1024.0 / 1024.0)
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // Not `run_checked`: `wrk --version` prints its version and exits with 1.
    let version = |program: &str, args: &[&str]| {
        run_with_timeout(
            Command::new(program).args(args).current_dir(root),
            Duration::from_secs(60),
        )
        .map(|f| {
            let text = if f.stdout.trim().is_empty() {
                f.stderr
            } else {
                f.stdout
            };
            text.lines().next().unwrap_or("").trim().to_owned()
        })
        .unwrap_or_else(|_| "?".into())
    };
    let mut out = String::new();
    let _ = writeln!(out, "- CPU: {model}, {cores} cores (`nproc`)");
    let _ = writeln!(out, "- Memory: {memory}");
    let _ = writeln!(out, "- Kernel: Linux {kernel}");
    let _ = writeln!(out, "- {}", version("rustc", &["--version"]));
    let _ = writeln!(out, "- {}", version("python3", &["--version"]));
    let _ = writeln!(out, "- {}", version("wrk", &["--version"]));
    let _ = writeln!(
        out,
        "- node {}, Prism {PRISM_VERSION} (`{}`)",
        version("node", &["--version"]),
        env.prism.strip_prefix(root).unwrap_or(&env.prism).display()
    );
    out
}

/// Prints one part's rows as it finishes.
pub fn print_section(section: &Section) {
    println!("  -- {}", section.title);
    for row in &section.rows {
        print_row(row);
    }
}

fn print_row(row: &Row) {
    match row.verdict {
        Verdict::Info => println!("     {}: {}", row.metric, row.value),
        verdict => println!(
            "     {}: {}   goal {}   [{}]",
            row.metric,
            row.value,
            row.goal,
            verdict.label()
        ),
    }
}

/// Every goal with its figure, then a count.
pub fn print_summary(sections: &[Section], plan: &Plan) {
    let goals: Vec<&Row> = sections
        .iter()
        .flat_map(|s| &s.rows)
        .filter(|row| row.verdict != Verdict::Info)
        .collect();
    for row in &goals {
        print_row(row);
    }
    let missed = goals
        .iter()
        .filter(|r| r.verdict == Verdict::Missed)
        .count();
    println!("  {} goal(s), {missed} missed", goals.len());
    if plan.quick && missed > 0 {
        // At the smoke sizes fixed costs weigh more (the export's 10x is set for 1,000,000
        // segments), so a miss here is a hint to run the full benchmark, not a verdict.
        println!(
            "  --quick runs at smaller sizes; the goals are judged by a full `cargo xtask bench`"
        );
    }
}

/// The results section of BENCHMARKS.md (between its markers).
pub fn render_results(
    machine: &str,
    sections: &[Section],
    plan: &Plan,
    elapsed: Duration,
    load: &str,
) -> String {
    let mut out = String::new();
    let kind = if plan.quick { " (`--quick`)" } else { "" };
    let _ = writeln!(out, "## Latest run{kind}\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask bench`{kind} in {:.0} s; load average (1, 5, 15 min) {load}. \
         The load average counts the benchmark's own builds and servers too; wall times also \
         carry the noise of anything else that ran, so CPU times are given next to them where \
         that matters.\n",
        elapsed.as_secs_f64()
    );
    let _ = writeln!(out, "{machine}");
    for section in sections {
        let _ = writeln!(out, "### {}\n", section.title);
        let _ = writeln!(out, "| Metric | Value | Goal | |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for row in &section.rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&row.metric),
                cell(&row.value),
                cell(&row.goal),
                row.verdict.label()
            );
        }
        out.push('\n');
        let mut in_list = false;
        for note in &section.notes {
            let item = note.starts_with("- ");
            if in_list && !item {
                out.push('\n');
            }
            let _ = writeln!(out, "{note}");
            if !item {
                out.push('\n');
            }
            in_list = item;
        }
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn trend_line(row: &TrendRow) -> String {
    format!(
        "| {} | {} | {} | {:.0} s | {:.2}× | {} | {:.2} s | {} |\n",
        row.date,
        row.commit,
        row.profile,
        row.clean_build_s,
        row.raw_ratio,
        row.dependencies,
        row.generate_s,
        row.rustc
    )
}

/// The cells of a markdown table row, trimmed.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_owned()).collect()
}

/// Rewrites the trend table between its markers under [`TREND_HEADER`] when its header is an
/// older one: each row keeps its cells under their column names, and gets [`NOT_MEASURED`] in
/// the columns added since.
fn migrate_trend(text: &mut String) -> Result<()> {
    let start = text.find(TREND_START).context("no trend start marker")? + TREND_START.len();
    let end = text.find(TREND_END).context("no trend end marker")?;
    let table: Vec<&str> = text[start..end]
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .collect();
    let Some((header, rest)) = table.split_first() else {
        return Ok(());
    };
    let new_header = TREND_HEADER.lines().next().unwrap_or_default();
    if header.trim() == new_header {
        return Ok(());
    }
    let old_columns = cells(header);
    let mut migrated = format!("\n{TREND_HEADER}");
    // The first of `rest` is the `| --- |` line.
    for row in rest.iter().skip(1) {
        let old = cells(row);
        let new: Vec<String> = cells(new_header)
            .iter()
            .map(|column| {
                old_columns
                    .iter()
                    .position(|c| c == column)
                    .and_then(|i| old.get(i).cloned())
                    .unwrap_or_else(|| NOT_MEASURED.to_owned())
            })
            .collect();
        migrated.push_str(&format!("| {} |\n", new.join(" | ")));
    }
    text.replace_range(start..end, &migrated);
    Ok(())
}

/// Replaces the results between their markers and appends `trend` to the trend table, keeping
/// everything else in the file; creates the file from a template when it has no markers.
pub fn update_benchmarks_md(path: &Path, results: &str, trend: Option<&TrendRow>) -> Result<()> {
    let existing = std::fs::read_to_string(path).unwrap_or_default();
    let mut text = if existing.contains(RESULTS_START) && existing.contains(TREND_END) {
        existing
    } else {
        template()
    };
    let start = text
        .find(RESULTS_START)
        .context("no results start marker")?
        + RESULTS_START.len();
    let end = text.find(RESULTS_END).context("no results end marker")?;
    text.replace_range(start..end, &format!("\n{results}"));
    if let Some(trend) = trend {
        migrate_trend(&mut text)?;
        let end = text.find(TREND_END).context("no trend end marker")?;
        text.insert_str(end, &trend_line(trend));
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

fn template() -> String {
    format!(
        "# Benchmarks\n\n\
         Figures from `cargo xtask bench` (about 6 minutes once the release builds are warm, \
         and about 5 more for the build part's clean builds); \
         `cargo xtask bench --quick` is a smoke run with smaller sizes that writes \
         `target/bench/report.md` instead of this file. The results section below is rewritten \
         by every full run; the build-cost trend gets one row per run.\n\n\
         {RESULTS_START}\n{RESULTS_END}\n\n\
         ## Build cost trend\n\n\
         {TREND_START}\n{TREND_HEADER}{TREND_END}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_replaced_and_trend_rows_appended() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-md-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("BENCHMARKS.md");
        let row = TrendRow {
            date: "2026-01-01 00:00".into(),
            commit: "abc1234".into(),
            profile: "dev".into(),
            clean_build_s: 100.0,
            raw_ratio: 1.15,
            dependencies: 200,
            generate_s: 1.5,
            rustc: "rustc 1.95.0".into(),
        };
        update_benchmarks_md(&path, "first results\n", Some(&row)).unwrap();
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("\n## Findings\n\nhand-written\n");
        std::fs::write(&path, text).unwrap();
        update_benchmarks_md(&path, "second results\n", Some(&row)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("second results") && !text.contains("first results"));
        assert_eq!(text.matches("| abc1234 |").count(), 2);
        assert!(text.contains("hand-written"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_older_trend_table_gets_the_new_column_with_a_dash_in_old_rows() {
        let mut text = format!(
            "{TREND_START}\n\
             | Date (UTC) | Commit | Profile | Clean build of `amperity` | Dependencies | `xtask generate` | rustc |\n\
             | --- | --- | --- | --- | --- | --- | --- |\n\
             | 2026-11-29 03:38 | ccaeb97 | dev | 41 s | 129 | 0.10 s | rustc 1.95.0 |\n\
             {TREND_END}\n"
        );
        migrate_trend(&mut text).unwrap();
        assert!(text.contains(TREND_HEADER), "{text}");
        assert!(
            text.contains(
                "| 2026-11-29 03:38 | ccaeb97 | dev | 41 s | – | 129 | 0.10 s | rustc 1.95.0 |\n"
            ),
            "{text}"
        );
        let once = text.clone();
        migrate_trend(&mut text).unwrap();
        assert_eq!(text, once, "a current table stays as it is");
    }
}

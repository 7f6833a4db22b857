//! Part 1: exporting every segment to CSV, the `amperity` CLI against the seed's Python example.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::types::{Env, REQUESTS_VERSION, Row, Section, TENANT, TOKEN};
use super::util::{self, Measurement, measure, median, mib};

/// Goals of this part.
const SPEEDUP_GOAL: f64 = 10.0;
const RSS_LIMIT_KIB: u64 = 64 * 1024;
/// "About the same" peak RSS at both sizes: the larger export may use at most this much more.
const RSS_GROWTH_LIMIT: f64 = 1.25;

/// One run of one side, with what the server spent on it.
struct Run {
    measurement: Measurement,
    server_cpu_s: Option<f64>,
}

/// Runs the export comparison and the CLI's memory at two sizes.
pub fn run(env: &Env) -> Result<Section> {
    let plan = &env.plan;
    let dir = util::work_dir(&env.target_dir, "export")?;
    let cli_csv = dir.join("cli.csv");
    let python_csv = dir.join("python.csv");
    let big = plan.export_segments;
    let small = plan.rss_small_segments;
    // Generous, but finite: the Python baseline takes about 10 s per million segments.
    let limit = Duration::from_secs(60 + big / 10_000);

    let mock = util::start_mock(env, big)?;
    let base_url = format!("http://{}/api", mock.addr());
    let cli = cli_command(env, &base_url, &cli_csv);
    let python = python_command(env, &base_url, &python_csv);
    let mut cli_runs = Vec::new();
    let mut python_runs = Vec::new();
    for i in 0..plan.export_runs {
        // Alternate which side goes first, so that neither always follows the other.
        let order: [(&[String], &mut Vec<Run>); 2] = if i % 2 == 0 {
            [(&python, &mut python_runs), (&cli, &mut cli_runs)]
        } else {
            [(&cli, &mut cli_runs), (&python, &mut python_runs)]
        };
        for (argv, runs) in order {
            let before = mock.cpu_seconds();
            let measurement = measure(&env.root, argv, limit)?;
            let server_cpu_s = before
                .zip(mock.cpu_seconds())
                .map(|(before, after)| after - before);
            runs.push(Run {
                measurement,
                server_cpu_s,
            });
        }
        println!(
            "  run {}: python {:.2} s, cli {:.2} s",
            i + 1,
            python_runs[i].measurement.wall_s,
            cli_runs[i].measurement.wall_s
        );
    }
    let check = compare_csv(&python_csv, &cli_csv)?;
    drop(mock);

    let small_mock = util::start_mock(env, small)?;
    let small_url = format!("http://{}/api", small_mock.addr());
    let small_csv = dir.join("cli-small.csv");
    let small_cli = cli_command(env, &small_url, &small_csv);
    let mut small_runs = Vec::new();
    for _ in 0..plan.export_runs {
        let measurement = measure(&env.root, &small_cli, limit)?;
        small_runs.push(Run {
            measurement,
            server_cpu_s: None,
        });
    }
    let small_rows = count_rows(&std::fs::read(&small_csv)?);
    drop(small_mock);
    if small_rows != small {
        bail!("the CLI wrote {small_rows} rows for {small} segments");
    }

    let stat = |runs: &[Run], f: fn(&Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let wall = |r: &Run| r.measurement.wall_s;
    let cpu = |r: &Run| r.measurement.cpu_s;
    let rss = |r: &Run| r.measurement.max_rss_kib as f64;
    let server = |r: &Run| r.server_cpu_s.unwrap_or(f64::NAN);
    let (cli_wall, python_wall) = (stat(&cli_runs, wall), stat(&python_runs, wall));
    let (cli_cpu, python_cpu) = (stat(&cli_runs, cpu), stat(&python_runs, cpu));
    let speedup = python_wall / cli_wall;
    let cpu_ratio = python_cpu / cli_cpu;
    let rss_big = stat(&cli_runs, rss) as u64;
    let rss_small = stat(&small_runs, rss) as u64;
    let growth = rss_big as f64 / rss_small as f64;
    let (n_big, n_small) = (count_label(big), count_label(small));

    let mut rows = vec![
        Row::info(
            format!("Python baseline, {n_big} segments: wall (median)"),
            format!("{python_wall:.2} s"),
        ),
        Row::info(
            format!("`amperity` CLI, {n_big} segments: wall (median)"),
            format!("{cli_wall:.2} s"),
        ),
        Row::goal(
            "CLI speed-up over Python (wall medians)",
            format!("{speedup:.1}×"),
            format!("≥ {SPEEDUP_GOAL}×"),
            speedup >= SPEEDUP_GOAL,
        ),
        Row::info(
            "CLI speed-up over Python (median of the ratios within each pair of runs)",
            format!(
                "{:.1}×",
                median(
                    &python_runs
                        .iter()
                        .zip(&cli_runs)
                        .map(|(p, c)| p.measurement.wall_s / c.measurement.wall_s)
                        .collect::<Vec<_>>()
                )
            ),
        ),
        Row::info(
            "CLI speed-up over Python (CPU time user+sys, medians)",
            format!("{cpu_ratio:.1}× ({python_cpu:.2} s vs {cli_cpu:.2} s)"),
        ),
        Row::info(
            "Server CPU per export (median): Python run / CLI run",
            format!(
                "{:.2} s / {:.2} s",
                stat(&python_runs, server),
                stat(&cli_runs, server)
            ),
        ),
        Row::goal(
            format!("CLI peak RSS, {n_small} segments (median)"),
            mib(rss_small),
            "< 64 MiB",
            rss_small < RSS_LIMIT_KIB,
        ),
        Row::goal(
            format!("CLI peak RSS, {n_big} segments (median)"),
            mib(rss_big),
            "< 64 MiB",
            rss_big < RSS_LIMIT_KIB,
        ),
        Row::goal(
            format!("CLI peak RSS growth, {n_small} → {n_big}"),
            format!("{growth:.2}×"),
            format!("about the same (≤ {RSS_GROWTH_LIMIT}×)"),
            growth <= RSS_GROWTH_LIMIT,
        ),
        Row::info(
            format!("Python peak RSS, {n_big} segments (median)"),
            mib(stat(&python_runs, rss) as u64),
        ),
        Row::goal(
            "CSV rows: Python / CLI",
            format!("{} / {}", check.python_rows, check.cli_rows),
            format!("equal ({big} + header)"),
            check.python_rows == check.cli_rows && check.cli_rows == big,
        ),
        Row::info(
            "CSV content identical (after CRLF → LF)",
            if check.identical { "yes" } else { "no" },
        ),
    ];
    if !check.identical {
        rows.push(Row::info("First differing line", check.first_difference));
    }

    let per_run = |runs: &[Run]| {
        runs.iter()
            .map(|r| {
                format!(
                    "{:.2} s / {:.2} s CPU / {}",
                    r.measurement.wall_s,
                    r.measurement.cpu_s,
                    mib(r.measurement.max_rss_kib)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let notes = vec![
        format!(
            "Each side exported all {n_big} segments of one `amperity-mock --segments {big} \
             --rate-limit 0` (release build, tenant and token required) {} times, alternating \
             which side went first. CLI: `amperity --base-url URL --tenant T --token X \
             --rate-limit 0 segments list --all --limit 1000 --format csv --output FILE`. \
             Python: `bench/export_segments.py` (the seed's example — `requests.request` per \
             page, `csv.DictWriter` with the first entry's keys as header — looping over \
             `next_token`; requests=={}). Wall time, CPU time and peak RSS of each process from \
             `bench/measure.py` (GNU time). Server CPU from `/proc/PID/stat` of the mock.",
            env.plan.export_runs, REQUESTS_VERSION,
        ),
        format!(
            "- Python runs (wall / CPU / peak RSS): {}",
            per_run(&python_runs)
        ),
        format!("- CLI runs, {n_big}: {}", per_run(&cli_runs)),
        format!("- CLI runs, {n_small}: {}", per_run(&small_runs)),
    ];
    Ok(Section {
        title: format!("1. Bulk export to CSV ({n_big} segments)"),
        rows,
        notes,
    })
}

fn cli_command(env: &Env, base_url: &str, output: &Path) -> Vec<String> {
    [
        env.cli.display().to_string(),
        "--base-url".into(),
        base_url.into(),
        "--tenant".into(),
        TENANT.into(),
        "--token".into(),
        TOKEN.into(),
        "--rate-limit".into(),
        "0".into(),
        "segments".into(),
        "list".into(),
        "--all".into(),
        "--limit".into(),
        "1000".into(),
        "--format".into(),
        "csv".into(),
        "--output".into(),
        output.display().to_string(),
    ]
    .into()
}

fn python_command(env: &Env, base_url: &str, output: &Path) -> Vec<String> {
    [
        "python3".into(),
        env.root
            .join("bench/export_segments.py")
            .display()
            .to_string(),
        "--base-url".into(),
        base_url.into(),
        "--tenant".into(),
        TENANT.into(),
        "--token".into(),
        TOKEN.into(),
        "--limit".into(),
        "1000".into(),
        "--output".into(),
        output.display().to_string(),
    ]
    .into()
}

struct CsvCheck {
    python_rows: u64,
    cli_rows: u64,
    identical: bool,
    first_difference: String,
}

/// Row counts (records after the header) and whether the files say the same thing; Python's csv
/// module ends lines with CRLF, the csv crate with LF.
fn compare_csv(python: &Path, cli: &Path) -> Result<CsvCheck> {
    let read =
        |path: &Path| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
    let python_bytes = read(python)?;
    let cli_bytes = read(cli)?;
    let python_text = String::from_utf8_lossy(&python_bytes).replace("\r\n", "\n");
    let cli_text = String::from_utf8_lossy(&cli_bytes);
    let identical = python_text == cli_text;
    let first_difference = if identical {
        String::new()
    } else {
        python_text
            .lines()
            .zip(cli_text.lines())
            .enumerate()
            .find(|(_, (p, c))| p != c)
            .map(|(i, (p, c))| format!("line {}: python {p:?}, cli {c:?}", i + 1))
            .unwrap_or_else(|| "one file is a prefix of the other".into())
    };
    Ok(CsvCheck {
        python_rows: count_rows(python_text.as_bytes()),
        cli_rows: count_rows(cli_text.as_bytes()),
        identical,
        first_difference,
    })
}

/// Records after the header line, counted as CSV records: a line break inside quotes does not
/// end a record.
fn count_rows(csv: &[u8]) -> u64 {
    let mut records = 0u64;
    let mut quoted = false;
    let mut last = b'\n';
    for &byte in csv {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => records += 1,
            _ => {}
        }
        last = byte;
    }
    if last != b'\n' {
        records += 1; // No line break after the last record.
    }
    records.saturating_sub(1)
}

/// 1000000 → "1,000,000".
pub fn count_label(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_counted_as_csv_records() {
        assert_eq!(count_rows(b"id,name\n"), 0);
        assert_eq!(count_rows(b"id,name\na,b\nc,\"d\ne\"\n"), 2);
        assert_eq!(count_rows(b"id,name\r\na,b\r\nc,d"), 2);
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count_label(1_000_000), "1,000,000");
        assert_eq!(count_label(100), "100");
        assert_eq!(count_label(10_000), "10,000");
    }
}

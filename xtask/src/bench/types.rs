//! The types and constants every part of `cargo xtask bench` shares: what a run measures
//! ([`Plan`]) and where things are ([`Env`]), what a part reports ([`Section`], [`Row`],
//! [`Verdict`], [`TrendRow`]), the pinned baseline versions and the bench's tenant and token.
//! It imports nothing from the other bench modules, so that they can all import it.

use std::path::PathBuf;
use std::time::Duration;

/// Pinned versions of what the baselines need.
pub const REQUESTS_VERSION: &str = "2.34.2";
pub const PRISM_VERSION: &str = "5.16.0";

/// The tenant and token every benchmark client sends, and that the mock requires.
pub const TENANT: &str = "bench";
pub const TOKEN: &str = "bench-token";

/// Sizes and repetitions of one run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub quick: bool,
    /// Segments exported by both the CLI and the Python baseline.
    pub export_segments: u64,
    /// The smaller tenant the CLI's memory is also measured at.
    pub rss_small_segments: u64,
    /// Alternating runs of each side of the export comparison.
    pub export_runs: usize,
    /// Rounds of alternating wrk runs against amperity-mock and the bare server.
    pub wrk_rounds: usize,
    pub wrk_duration: Duration,
    pub wrk_warmup: Duration,
    pub wrk_threads: u32,
    pub wrk_connections: u32,
    /// Pages per walk and rounds in the SDK overhead comparison.
    pub sdk_pages: u32,
    pub sdk_rounds: u32,
    /// criterion's warm-up and measurement time per decoder.
    pub criterion_warmup: Duration,
    pub criterion_measurement: Duration,
    /// Rounds of clean builds of the SDK and of progenitor's raw output, alternating; none
    /// with `--quick`, which still writes the raw crate and compares dependency trees.
    pub build_rounds: usize,
}

impl Plan {
    /// The sizes of a full run, the one that writes BENCHMARKS.md.
    pub fn full() -> Self {
        Plan {
            quick: false,
            export_segments: 1_000_000,
            rss_small_segments: 100_000,
            export_runs: 5,
            wrk_rounds: 3,
            wrk_duration: Duration::from_secs(10),
            wrk_warmup: Duration::from_secs(2),
            wrk_threads: 2,
            wrk_connections: 32,
            sdk_pages: 200,
            sdk_rounds: 30,
            criterion_warmup: Duration::from_secs(1),
            criterion_measurement: Duration::from_secs(3),
            build_rounds: 3,
        }
    }

    /// The smaller sizes and single runs of `--quick`.
    pub fn quick() -> Self {
        Plan {
            quick: true,
            export_segments: 100_000,
            rss_small_segments: 10_000,
            export_runs: 1,
            wrk_rounds: 1,
            wrk_duration: Duration::from_secs(2),
            wrk_warmup: Duration::from_secs(1),
            sdk_pages: 50,
            sdk_rounds: 2,
            criterion_warmup: Duration::from_millis(300),
            criterion_measurement: Duration::from_secs(1),
            build_rounds: 0,
            ..Plan::full()
        }
    }
}

/// Where things are.
pub struct Env {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub plan: Plan,
    pub logs: PathBuf,
    pub cli: PathBuf,
    pub mock: PathBuf,
    pub fixed_bytes_server: PathBuf,
    pub prism: PathBuf,
    pub sdk_overhead: PathBuf,
    pub decode: PathBuf,
}

/// Whether a goal was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// A figure with no goal of its own.
    Info,
}

impl Verdict {
    pub fn of(met: bool) -> Self {
        if met { Verdict::Met } else { Verdict::Missed }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "MISSED",
            Verdict::Info => "",
        }
    }
}

/// One line of a results table.
#[derive(Debug, Clone)]
pub struct Row {
    pub metric: String,
    pub value: String,
    pub goal: String,
    pub verdict: Verdict,
}

impl Row {
    pub fn info(metric: impl Into<String>, value: impl Into<String>) -> Self {
        Row {
            metric: metric.into(),
            value: value.into(),
            goal: String::new(),
            verdict: Verdict::Info,
        }
    }

    pub fn goal(
        metric: impl Into<String>,
        value: impl Into<String>,
        goal: impl Into<String>,
        met: bool,
    ) -> Self {
        Row {
            metric: metric.into(),
            value: value.into(),
            goal: goal.into(),
            verdict: Verdict::of(met),
        }
    }
}

/// The results of one part.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
    /// Markdown paragraphs or lists under the table: method, caveats, per-run figures.
    pub notes: Vec<String>,
}

/// One row of the build-cost trend.
#[derive(Debug, Clone)]
pub struct TrendRow {
    pub date: String,
    pub commit: String,
    pub profile: String,
    /// The median of the clean builds of `amperity`.
    pub clean_build_s: f64,
    /// Clean build of `amperity` / of progenitor's raw output for the same spec (median of the
    /// per-round ratios).
    pub raw_ratio: f64,
    pub dependencies: usize,
    pub generate_s: f64,
    pub rustc: String,
}

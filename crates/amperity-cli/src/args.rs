//! The command line, as clap parses it.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// List and export Amperity segments.
#[derive(Debug, Parser)]
#[command(
    name = "amperity",
    version,
    about,
    after_help = "Exit codes: 0 success, 1 failure, 2 usage or configuration error, \
                  4 authentication or permission denied (HTTP 401/403)."
)]
pub struct Cli {
    /// Connection and behaviour shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that apply to every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Tenant ID, sent as the `amperity-tenant` header.
    #[arg(long, global = true, env = "AMPERITY_TENANT", hide_env_values = true)]
    pub tenant: Option<String>,

    /// Access token (prefer the environment variable: flags show up in process lists).
    #[arg(long, global = true, env = "AMPERITY_TOKEN", hide_env_values = true)]
    pub token: Option<SecretArg>,

    /// Base URL of the API, instead of the region's (http only on loopback).
    #[arg(long, global = true, env = "AMPERITY_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// Where the tenant is hosted, which decides the base URL.
    #[arg(long, global = true, value_enum, default_value_t = RegionArg::Aws)]
    pub region: RegionArg,

    /// Seconds one attempt may take, from sending to the last byte of the answer.
    #[arg(long, global = true, value_name = "SECS", value_parser = parse_seconds, default_value = "30")]
    pub timeout: Duration,

    /// Retries of a failed request (connection errors, 408, 429, 5xx); 0 disables retrying.
    #[arg(long, global = true, value_name = "N", default_value_t = 2)]
    pub max_retries: u32,

    /// At most this many requests per second; 0 disables pacing.
    #[arg(long, global = true, value_name = "RPS", default_value_t = amperity::DEFAULT_REQUESTS_PER_SECOND)]
    pub rate_limit: u32,

    /// Run against an embedded mock tenant on loopback: no account needed.
    #[arg(long, global = true, conflicts_with = "base_url")]
    pub mock: bool,

    /// More diagnostics on stderr (-v info, -vv debug, -vvv trace). The token is never shown.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with segments.
    Segments {
        /// What to do with segments.
        #[command(subcommand)]
        command: SegmentsCommand,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Write the command-line reference (man pages and Markdown) from these definitions.
    ///
    /// Hidden: `cargo xtask docs` runs it to build the documentation site, so the reference is
    /// always the `--help` of this very binary.
    #[command(hide = true)]
    Docs(DocsArgs),
}

/// Flags of the hidden `docs` command.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The directory to write into (created if missing): `amperity.md` and `man/*.1`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Segment commands.
#[derive(Debug, Subcommand)]
pub enum SegmentsCommand {
    /// List segments: one page, or every page with --all.
    List(ListArgs),
}

/// Flags of `segments list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Segments per page (the API's `limit`).
    #[arg(long, value_name = "N")]
    pub limit: Option<NonZeroU32>,

    /// Follow `next_token` through every page, writing each page as it arrives.
    #[arg(long)]
    pub all: bool,

    /// Ask for the total count and show it (table footer, or on stderr for other formats).
    #[arg(long)]
    pub with_total: bool,

    /// Output format; `table` prints tab-separated lines when stdout is not a terminal.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write to this file instead of stdout (replaced only when the command succeeds).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table on a terminal; tab-separated lines otherwise.
    Table,
    /// One JSON array of segments.
    Json,
    /// One JSON segment per line.
    Ndjson,
    /// CSV with a header: id, name, then other fields in first-seen order.
    Csv,
}

/// The `--region` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegionArg {
    /// Amazon AWS.
    Aws,
    /// Microsoft Azure.
    Azure,
    /// Australia.
    Au,
}

impl From<RegionArg> for amperity::Region {
    fn from(region: RegionArg) -> Self {
        match region {
            RegionArg::Aws => amperity::Region::Aws,
            RegionArg::Azure => amperity::Region::Azure,
            RegionArg::Au => amperity::Region::Au,
        }
    }
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!(
            "{text} is out of range: give more than 0 and at most 86400 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A secret given as a flag or an environment variable: `Debug` never shows it, so printing the
/// parsed command line (in a log, a panic message) cannot leak it.
#[derive(Clone)]
pub struct SecretArg(String);

impl SecretArg {
    /// The secret itself, for the one place that hands it to the SDK.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::str::FromStr for SecretArg {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn timeouts_must_be_positive_and_finite() {
        assert_eq!(parse_seconds("1.5").unwrap(), Duration::from_millis(1500));
        for bad in ["0", "-1", "NaN", "inf", "soon", "1e9"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_parsed_command_line_never_shows_the_token() {
        let cli = Cli::try_parse_from([
            "amperity",
            "--token",
            "secret-token-123",
            "segments",
            "list",
        ])
        .expect("valid arguments");
        let shown = format!("{cli:?}");
        assert!(!shown.contains("secret-token-123"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        let token = cli.global.token.as_ref().map(|t| t.expose());
        assert_eq!(token, Some("secret-token-123"));
    }
}

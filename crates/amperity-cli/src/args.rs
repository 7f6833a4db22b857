//! The command line, as clap parses it.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::lists::{
    AuditEventsList, CampaignsList, IngestJobsList, ProfileIndexesList, ProfilesList, SegmentsList,
    WorkflowsList,
};

/// Amperity from the command line: list and export segments, audit events, campaigns, ingest jobs
/// and workflow runs; start, follow and stop workflow runs; look up customer profiles.
#[derive(Debug, Parser)]
#[command(
    name = "amperity",
    version,
    about,
    after_help = "Settings come from, in order: flags, then environment variables, then the \
                  profile (--profile, AMPERITY_PROFILE, else `default`) in the config file \
                  (AMPERITY_CONFIG, else ~/.config/amperity/config.toml on Linux), then \
                  defaults. `amperity auth status` shows where each came from.\n\n\
                  Exit codes: 0 success, 1 failure, 2 usage or configuration error, \
                  4 authentication or permission denied (HTTP 401/403, credentials refused, \
                  token expired), 5 a workflow run followed with --wait failed, 6 it was \
                  stopped or canceled, 130 interrupted."
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

    /// A fixed access token (prefer the environment variable: flags show up in process lists).
    /// It expires; for unattended jobs use OAuth client credentials.
    #[arg(long, global = true, env = "AMPERITY_TOKEN", hide_env_values = true)]
    pub token: Option<SecretArg>,

    /// OAuth client id of an API key; its secret comes from AMPERITY_CLIENT_SECRET or the
    /// profile.
    #[arg(long, global = true, env = "AMPERITY_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,

    /// OAuth token endpoint, as Amperity's "OAuth credentials" dialog shows it (default: the one
    /// under the base URL).
    #[arg(long, global = true, env = "AMPERITY_TOKEN_URL", value_name = "URL")]
    pub token_url: Option<String>,

    /// Profile of the config file to use (default: the one named `default`, if any).
    #[arg(long, global = true, env = "AMPERITY_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// Base URL of the API, instead of the region's (http only on loopback).
    #[arg(long, global = true, env = "AMPERITY_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// Where the tenant is hosted, which decides the base URL [default: aws].
    #[arg(long, global = true, value_enum, env = "AMPERITY_REGION")]
    pub region: Option<RegionArg>,

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

    /// More diagnostics on stderr (-v info, -vv debug, -vvv trace). Secrets and tokens are
    /// never shown.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Where each of the flags above got its value (command line, environment, default),
    /// filled in from clap's matches after parsing.
    #[arg(skip)]
    pub origins: std::collections::HashMap<&'static str, clap::parser::ValueSource>,

    /// Set for `auth login`, which may name a profile that does not exist yet.
    #[arg(skip)]
    pub creating_profile: bool,
}

impl GlobalArgs {
    /// The argument ids whose origin matters to settings resolution.
    pub const SOURCED: [&'static str; 8] = [
        "tenant",
        "token",
        "client_id",
        "token_url",
        "profile",
        "base_url",
        "region",
        "mock",
    ];
}

/// The commands: one per operation of the API, grouped by resource.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Segments defined in a tenant.
    Segments {
        /// What to do with segments.
        #[command(subcommand)]
        command: SegmentsCommand,
    },
    /// The log of user activity in a tenant (and its sandboxes).
    AuditEvents {
        /// What to do with audit events.
        #[command(subcommand)]
        command: AuditEventsCommand,
    },
    /// Campaigns defined in a tenant.
    Campaigns {
        /// What to do with campaigns.
        #[command(subcommand)]
        command: CampaignsCommand,
    },
    /// Jobs that loaded data into a tenant's tables, with per-table and per-file counts.
    Ingest {
        /// What to look at.
        #[command(subcommand)]
        command: IngestCommand,
    },
    /// Runs of workflows (courier groups, orchestration groups, campaigns, ...), to follow,
    /// start and stop.
    Workflows {
        /// What to do with workflow runs.
        #[command(subcommand)]
        command: WorkflowsCommand,
    },
    /// Customer profiles and the indexes that hold them, from the Profile API (version
    /// 2025-07-31). Not the profiles of the config file: those are --profile's.
    Profiles {
        /// What to do with customer profiles.
        #[command(subcommand)]
        command: ProfilesCommand,
    },
    /// Credentials: save a profile, check it, print a token.
    Auth {
        /// What to do.
        #[command(subcommand)]
        command: AuthCommand,
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

/// Credential commands.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Write or update a profile in the config file: tenant, region or base URL, client id, and
    /// where the client secret comes from. Asks for what the flags leave out when run in a
    /// terminal; the secret is never echoed. Checks the credentials before saving.
    Login(AuthLogin),
    /// Show the profile, tenant, base URL and credentials in use, where each setting came
    /// from, and when the access token expires.
    Status,
    /// Print a fresh access token on stdout, for use with curl and other tools.
    Token,
}

/// Flags of `auth login`. Tenant, region, base URL, client id and token URL are the global
/// flags (`--tenant`, ...); only values given as flags (or typed in) are saved.
#[derive(Debug, Args)]
pub struct AuthLogin {
    /// Keep the secret in this environment variable: the profile records its name only.
    #[arg(long, value_name = "VAR", group = "secret_source")]
    pub client_secret_env: Option<String>,

    /// Read the secret from this file, which must be readable by its owner only.
    #[arg(long, value_name = "PATH", group = "secret_source")]
    pub client_secret_file: Option<PathBuf>,

    /// Read the secret from standard input (one line) and store it in a file next to the config
    /// file, readable by its owner only.
    #[arg(long, group = "secret_source")]
    pub client_secret_stdin: bool,

    /// Save without asking the token endpoint whether the credentials work.
    #[arg(long)]
    pub no_verify: bool,
}

/// Segment commands.
#[derive(Debug, Subcommand)]
pub enum SegmentsCommand {
    /// List segments: one page, or every page with --all.
    List(SegmentsList),
}

/// Audit event commands.
#[derive(Debug, Subcommand)]
pub enum AuditEventsCommand {
    /// List audit events: one page, or every page with --all.
    List(AuditEventsList),
}

/// Campaign commands.
#[derive(Debug, Subcommand)]
pub enum CampaignsCommand {
    /// List campaigns: one page, or every page with --all.
    List(CampaignsList),
}

/// Ingest commands.
#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Ingest jobs.
    Jobs {
        /// What to do with ingest jobs.
        #[command(subcommand)]
        command: IngestJobsCommand,
    },
}

/// Ingest job commands.
#[derive(Debug, Subcommand)]
pub enum IngestJobsCommand {
    /// List the ingest jobs that started within a time window of at most 7 days.
    List(IngestJobsList),
    /// Show one ingest job, with a summary of every table it loaded and every file it read.
    Get(IngestJobGet),
}

/// Workflow run commands.
#[derive(Debug, Subcommand)]
pub enum WorkflowsCommand {
    /// List workflow runs: one page, or every page with --all.
    List(WorkflowsList),
    /// Show one workflow run.
    Get(WorkflowsGet),
    /// Start a run of a workflow and print its id; with --wait, follow it to its end.
    Start(WorkflowsStart),
    /// Stop a running workflow run (stopping it twice stops it once).
    Stop(WorkflowsStop),
}

/// Profile API commands.
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// List the customer profiles of an index, optionally only those with given attribute
    /// values: one page, or every page with --all.
    List(ProfilesList),
    /// Show one customer profile of an index.
    Get(ProfilesGet),
    /// The indexes of the tenant: each the published result of a query, whose fields are the
    /// attributes of its profiles.
    Indexes {
        /// What to do with indexes.
        #[command(subcommand)]
        command: ProfileIndexesCommand,
    },
}

/// Profile API index commands.
#[derive(Debug, Subcommand)]
pub enum ProfileIndexesCommand {
    /// List the indexes of the tenant: one page, or every page with --all.
    List(ProfileIndexesList),
    /// Show one index.
    Get(ProfileIndexGet),
}

/// Flags of every list that pages.
#[derive(Debug, Args)]
pub struct PagingArgs {
    /// The maximum number of records in one page of results. Each list replaces this help with
    /// its API's description of `limit` (`lists::Api::LIMIT`).
    #[arg(long, value_name = "N")]
    pub limit: Option<NonZeroU32>,

    /// Follow `next_token` through every page, writing each page as it arrives.
    #[arg(long)]
    pub all: bool,

    /// The opaque cursor from the previous page's `next_token`. Omit it for the first page. It
    /// cannot be null or empty. For example: `ABCd1fghIJk2l3M`.
    #[arg(long, value_name = "CURSOR")]
    pub next_token: Option<String>,

    /// Continue PATH.partial, the file an interrupted export kept, and put it in place as PATH
    /// when done (the resume command an interrupted export prints has it).
    #[arg(long, requires = "next_token", requires = "output")]
    pub append: bool,

    /// `true` adds `total`, the count of all results, to the response. Counting can be
    /// expensive when there are many pages. Shown in the table footer, or on stderr.
    #[arg(long)]
    pub with_total: bool,
}

/// Flags of every list: format and destination.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format; `table` prints tab-separated lines when stdout is not a terminal.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write to this file instead of stdout. It is written as PATH.partial and renamed to PATH
    /// only when the command succeeds.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

/// Flags of `ingest jobs get`.
#[derive(Debug, Args)]
pub struct IngestJobGet {
    /// The identifier of the ingest job, for example `isj-20240701-48815-6dcXdk`.
    #[arg(value_name = "JOB_ID")]
    pub job_id: String,

    /// Output format; `table` prints tab-separated lines when stdout is not a terminal.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Flags of `profiles indexes get`.
#[derive(Debug, Args)]
pub struct ProfileIndexGet {
    /// The ID of the index, for example `idx-xyz789` (in Amperity: Destinations, Profile API, the
    /// index's menu, Copy index ID).
    #[arg(value_name = "INDEX_ID")]
    pub index_id: String,

    /// Output format; `table` prints tab-separated lines when stdout is not a terminal.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Flags of `profiles get`.
#[derive(Debug, Args)]
pub struct ProfilesGet {
    /// The ID of the index, for example `idx-xyz789` (in Amperity: Destinations, Profile API, the
    /// index's menu, Copy index ID).
    #[arg(long = "index", value_name = "INDEX_ID")]
    pub index_id: String,

    /// The ID of the customer profile in the index, for example `cl-abc123`.
    #[arg(value_name = "PROFILE_ID")]
    pub profile_id: String,

    /// Output format; `table` prints tab-separated lines when stdout is not a terminal.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Flags of `workflows get`.
#[derive(Debug, Args)]
pub struct WorkflowsGet {
    /// The identifier of the workflow run, for example `wf-20240603-12345-MNabc`.
    #[arg(value_name = "WORKFLOW_ID")]
    pub workflow_id: String,

    /// How much to return: `overview` (the default) for the run's `created_at`, `ended_at`,
    /// `id`, `name`, `state`, `tenant` and `type`; `verbose` for every field, its tasks included.
    #[arg(long, value_name = "VIEW")]
    pub view: Option<String>,

    /// Output format; `table` prints tab-separated lines when stdout is not a terminal.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Flags of `workflows stop`.
#[derive(Debug, Args)]
pub struct WorkflowsStop {
    /// The identifier of the workflow run, for example `wf-20240603-12345-MNabc`.
    #[arg(value_name = "WORKFLOW_ID")]
    pub workflow_id: String,

    /// Output format; `table` prints tab-separated lines when stdout is not a terminal.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Flags of `workflows start`.
#[derive(Debug, Args)]
pub struct WorkflowsStart {
    /// The configuration ID of the workflow to run: a courier group (`cg-...`), an
    /// orchestration group (`og-...`) or a campaign (`cc-...`).
    #[arg(value_name = "CONFIG_ID")]
    pub config_id: String,

    /// The start (inclusive) of the time window of the files that the couriers pull, an ISO
    /// 8601 timestamp in UTC: complete (`2026-10-01T00:00:00Z`) or partial (`2026-10-01`).
    /// Courier groups only.
    #[arg(long, value_name = "TIME")]
    pub range_from: Option<String>,

    /// The end (exclusive) of the time window of the files that the couriers pull, an ISO
    /// 8601 timestamp in UTC: complete (`2026-10-07T00:00:00Z`) or partial (`2026-10-07`).
    /// Courier groups only, and only with `range_from`.
    #[arg(long, value_name = "TIME", requires = "range_from")]
    pub range_to: Option<String>,

    /// What a run of a courier group does: `full`, `refresh` or `source`. Without it, the run
    /// uses the mode configured for the scheduled workflow.
    #[arg(long, value_name = "MODE")]
    pub run_mode: Option<String>,

    /// Follow the run until it ends: exit 0 when it succeeds, 5 when it fails, 6 when it is
    /// stopped or canceled. Ctrl-C stops waiting and leaves the run running.
    #[arg(long)]
    pub wait: bool,

    /// Seconds between two looks at the run while waiting (each is one request, well within the
    /// API's 10 per second).
    #[arg(long, value_name = "SECS", value_parser = parse_seconds, default_value = crate::show::DEFAULT_POLL_SECONDS)]
    pub poll_interval: Duration,

    /// `table` prints the run's id alone (what a script captures); `json` prints the run, and
    /// with --wait the finished run too, one object per line.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table on a terminal; tab-separated lines otherwise.
    Table,
    /// One JSON array of records (one object for a command that shows one record).
    Json,
    /// One JSON record per line.
    Ndjson,
    /// CSV: a header of the first records' fields, one row per record, nested values as JSON.
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

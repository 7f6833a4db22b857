//! `amperity-mock`: the mock Amperity API as a command-line server.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use amperity_mock::MockConfig;
use clap::{Arg, ArgMatches, Command, value_parser};

fn cli() -> Command {
    Command::new("amperity-mock")
        .version(env!("CARGO_PKG_VERSION"))
        .about(
            "A local, stateful Amperity API (the 2024-04-01 control plane and the 2025-07-31 \
             Profile API) for tests, demos and benchmarks.",
        )
        .after_help(
            "Routes, under http://HOST:PORT/api:\n  \
             control plane (api-version: 2024-04-01): GET /segments, GET /audit-events, \
             GET /campaigns, GET /ingest/jobs[/{job-id}], GET|POST /workflow/runs, \
             GET /workflow/runs/{workflow-id}, POST /workflow/runs/{workflow-id}/stop\n  \
             Profile API (api-version: 2025-07-31): GET /indexes, GET /indexes/{index-id}, \
             GET /indexes/{index-id}/profiles[?filter[<attribute>]=<value>], \
             GET /indexes/{index-id}/profiles/{profile-id}\n  \
             OAuth client credentials: POST /v0/oauth2/token",
        )
        .arg(
            Arg::new("addr")
                .long("addr")
                .value_name("HOST:PORT")
                .default_value("127.0.0.1:4010")
                .value_parser(value_parser!(SocketAddr))
                .help("Address to listen on (port 0 picks a free one)"),
        )
        .arg(
            Arg::new("segments")
                .long("segments")
                .value_name("N")
                .default_value("300")
                .value_parser(value_parser!(u64).range(..=amperity_mock::MAX_SEGMENTS))
                .help("Number of segments in the tenant"),
        )
        .arg(size(
            "audit-events",
            "1000",
            "Number of audit events in the tenant's log",
        ))
        .arg(size("campaigns", "60", "Number of campaigns in the tenant"))
        .arg(size(
            "ingest-jobs",
            "520",
            "Number of ingest jobs in the year of history",
        ))
        .arg(size(
            "workflow-runs",
            "300",
            "Number of workflow runs in the year of history (besides the ones started)",
        ))
        .arg(
            Arg::new("profile-indexes")
                .long("profile-indexes")
                .value_name("N")
                .default_value("3")
                .value_parser(value_parser!(u64).range(..=amperity_mock::MAX_PROFILE_INDEXES))
                .help("Number of Profile API indexes in the tenant (GET /indexes)"),
        )
        .arg(
            Arg::new("profiles")
                .long("profiles")
                .value_name("N")
                .default_value("1000")
                .value_parser(value_parser!(u64).range(..=amperity_mock::MAX_PROFILES))
                .help("Number of customer profiles in each index (a billion costs no memory)"),
        )
        .arg(
            Arg::new("run-step-ms")
                .long("run-step-ms")
                .value_name("MS")
                .default_value("2000")
                .value_parser(value_parser!(u64))
                .help(
                    "How long a started workflow run stays in each step of its life, in \
                     milliseconds (0 finishes runs at once)",
                ),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("S")
                .default_value("1")
                .value_parser(value_parser!(u64))
                .help("Seed of the generated data"),
        )
        .arg(
            Arg::new("token")
                .long("token")
                .value_name("T")
                .env("AMPERITY_MOCK_TOKEN")
                .hide_env_values(true)
                .value_parser(non_empty)
                .help(
                    "Bearer token to require (default: accept any, or only issued tokens with \
                     --client-id)",
                ),
        )
        .arg(
            Arg::new("client-id")
                .long("client-id")
                .value_name("ID")
                .value_parser(non_empty)
                .requires("client-secret")
                .help(
                    "Client id POST /api/v0/oauth2/token accepts; API requests then need a token \
                     it issued (or --token)",
                ),
        )
        .arg(
            Arg::new("client-secret")
                .long("client-secret")
                .value_name("SECRET")
                // From the environment, the secret stays out of `ps` and shell history.
                .env("AMPERITY_MOCK_CLIENT_SECRET")
                .hide_env_values(true)
                .value_parser(non_empty)
                .requires("client-id")
                .help("Client secret that goes with --client-id"),
        )
        .arg(
            Arg::new("token-ttl")
                .long("token-ttl")
                .value_name("SECS")
                .default_value("3600")
                .value_parser(value_parser!(u64).range(1..))
                .help("Lifetime of the access tokens the token route issues, in seconds"),
        )
        .arg(
            Arg::new("tenant")
                .long("tenant")
                .value_name("ID")
                .value_parser(non_empty)
                .help("Tenant to require in amperity-tenant (default: accept any)"),
        )
        .arg(
            Arg::new("rate-limit")
                .long("rate-limit")
                .value_name("RPS")
                .default_value("10")
                .value_parser(value_parser!(u32))
                .help("Requests per second to the control plane before 429 (0 turns it off)"),
        )
        .arg(
            Arg::new("profile-rate-limit")
                .long("profile-rate-limit")
                .value_name("RPS")
                .default_value("2000")
                .value_parser(value_parser!(u32))
                .help("Requests per second to the Profile API before 429 (0 turns it off)"),
        )
        .arg(
            Arg::new("fail-rate")
                .long("fail-rate")
                .value_name("P")
                .default_value("0")
                // So that `--fail-rate -0.1` is reported as out of range, not as an unknown flag.
                .allow_negative_numbers(true)
                .value_parser(fail_rate)
                .help("Share of valid requests (0.0 to 1.0) answered with 500, 503 or 429"),
        )
        .arg(
            Arg::new("latency-ms")
                .long("latency-ms")
                .value_name("MS")
                .default_value("0")
                .value_parser(value_parser!(u64))
                .help("Delay added to every answer, in milliseconds"),
        )
}

/// A `--NAME N` flag sizing one generated list.
fn size(name: &'static str, default: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .value_name("N")
        .default_value(default)
        .value_parser(value_parser!(u64).range(..=amperity_mock::MAX_RECORDS))
        .help(help)
}

fn non_empty(value: &str) -> Result<String, String> {
    if value.is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(value.into())
    }
}

fn fail_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{value:?} is not a number from 0.0 to 1.0")),
    }
}

fn config(matches: &ArgMatches) -> MockConfig {
    let get_u64 = |name: &str| *matches.get_one::<u64>(name).expect("has a default");
    MockConfig {
        segments: get_u64("segments"),
        audit_events: get_u64("audit-events"),
        campaigns: get_u64("campaigns"),
        ingest_jobs: get_u64("ingest-jobs"),
        workflow_runs: get_u64("workflow-runs"),
        run_step: Duration::from_millis(get_u64("run-step-ms")),
        profile_indexes: get_u64("profile-indexes"),
        profiles: get_u64("profiles"),
        seed: get_u64("seed"),
        token: matches.get_one::<String>("token").cloned(),
        client_id: matches.get_one::<String>("client-id").cloned(),
        client_secret: matches.get_one::<String>("client-secret").cloned(),
        token_ttl: Duration::from_secs(get_u64("token-ttl")),
        tenant: matches.get_one::<String>("tenant").cloned(),
        rate_limit: *matches.get_one::<u32>("rate-limit").expect("has a default"),
        profile_rate_limit: *matches
            .get_one::<u32>("profile-rate-limit")
            .expect("has a default"),
        fail_rate: *matches.get_one::<f64>("fail-rate").expect("has a default"),
        latency: Duration::from_millis(get_u64("latency-ms")),
    }
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what `kill` and container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let matches = cli().get_matches();
    let addr = *matches
        .get_one::<SocketAddr>("addr")
        .expect("has a default");
    let config = config(&matches);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("amperity-mock: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    println!(
        "amperity-mock listening on http://{local}/api ({} segments, {} audit events, {} \
         campaigns, {} ingest jobs, {} workflow runs, {} profile indexes of {} profiles, seed {})",
        config.segments,
        config.audit_events,
        config.campaigns,
        config.ingest_jobs,
        config.workflow_runs,
        config.profile_indexes,
        config.profiles,
        config.seed
    );
    match amperity_mock::serve_with_shutdown(listener, config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("amperity-mock: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_is_well_formed() {
        cli().debug_assert();
    }

    #[test]
    fn flags_map_onto_the_config() {
        let matches = cli().get_matches_from([
            "amperity-mock",
            "--segments",
            "5",
            "--seed",
            "9",
            "--token",
            "t",
            "--tenant",
            "acme",
            "--rate-limit",
            "0",
            "--fail-rate",
            "0.5",
            "--latency-ms",
            "20",
            "--audit-events",
            "1000000",
            "--campaigns",
            "7",
            "--ingest-jobs",
            "8",
            "--workflow-runs",
            "9",
            "--run-step-ms",
            "10",
            "--profile-indexes",
            "4",
            "--profiles",
            "2000000",
            "--profile-rate-limit",
            "0",
        ]);
        let c = config(&matches);
        assert_eq!((c.segments, c.seed, c.rate_limit), (5, 9, 0));
        assert_eq!(
            (c.token.as_deref(), c.tenant.as_deref()),
            (Some("t"), Some("acme"))
        );
        assert_eq!((c.fail_rate, c.latency), (0.5, Duration::from_millis(20)));
        assert_eq!(
            (c.audit_events, c.campaigns, c.ingest_jobs, c.workflow_runs),
            (1_000_000, 7, 8, 9)
        );
        assert_eq!(c.run_step, Duration::from_millis(10));
        assert_eq!(
            (c.profile_indexes, c.profiles, c.profile_rate_limit),
            (4, 2_000_000, 0)
        );
        assert_eq!(
            (c.client_id.as_deref(), c.client_secret.as_deref()),
            (None, None)
        );
        let defaults = config(&cli().get_matches_from(["amperity-mock"]));
        let library = MockConfig::default();
        assert_eq!(
            (
                defaults.audit_events,
                defaults.campaigns,
                defaults.ingest_jobs
            ),
            (library.audit_events, library.campaigns, library.ingest_jobs)
        );
        assert_eq!(
            (defaults.workflow_runs, defaults.run_step, defaults.segments),
            (library.workflow_runs, library.run_step, library.segments)
        );
        assert_eq!(defaults.token_ttl, library.token_ttl);
        assert_eq!(
            (
                defaults.profile_indexes,
                defaults.profiles,
                defaults.profile_rate_limit
            ),
            (
                library.profile_indexes,
                library.profiles,
                library.profile_rate_limit
            )
        );
    }

    #[test]
    fn client_credentials_come_together_with_a_lifetime_of_a_second_or_more() {
        let c = config(&cli().get_matches_from([
            "amperity-mock",
            "--client-id",
            "id",
            "--client-secret",
            "s",
            "--token-ttl",
            "1",
        ]));
        assert_eq!(
            (c.client_id.as_deref(), c.client_secret.as_deref()),
            (Some("id"), Some("s"))
        );
        assert_eq!(c.token_ttl, Duration::from_secs(1));
        assert!(c.validate().is_ok());
        for args in [
            &["--client-id", "id"][..],
            &["--client-secret", "s"],
            &["--client-id", "", "--client-secret", "s"],
            &[
                "--client-id",
                "id",
                "--client-secret",
                "s",
                "--token-ttl",
                "0",
            ],
        ] {
            let result = cli().try_get_matches_from(["amperity-mock"].iter().chain(args));
            assert!(result.is_err(), "{args:?}");
        }
    }

    #[test]
    fn fail_rate_outside_zero_to_one_is_a_usage_error() {
        for bad in ["1.5", "-0.1", "NaN", "x"] {
            let result = cli().try_get_matches_from(["amperity-mock", "--fail-rate", bad]);
            assert_eq!(
                result.unwrap_err().kind(),
                clap::error::ErrorKind::ValueValidation
            );
        }
    }
}

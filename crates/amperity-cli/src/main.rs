//! `amperity`: Amperity's API from the command line: list and export every list, start, follow
//! and stop workflow runs, look up customer profiles (the Profile API).
//!
//! Built only on the `amperity` SDK: the CLI has no HTTP code of its own.
#![forbid(unsafe_code)]

mod args;
mod auth;
mod connect;
mod destination;
mod docs;
mod failure;
mod interrupt;
mod list;
mod lists;
mod output;
mod progress;
mod record;
mod resume;
mod settings;
mod show;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{
    AuditEventsCommand, AuthCommand, CampaignsCommand, Cli, Command, GlobalArgs, IngestCommand,
    IngestJobsCommand, ProfileIndexesCommand, ProfilesCommand, SegmentsCommand, WorkflowsCommand,
};
use crate::failure::Failure;

/// jemalloc rather than the system allocator: an export decodes pages on worker threads and frees
/// their segments on the writing thread, and glibc's malloc spent about a quarter of the CPU time
/// of a 1,000,000-segment export on that (BENCHMARKS.md has the figures). Not on MSVC, which
/// jemalloc does not support.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// How long a command that watches for Ctrl-C (an export, `--wait`) may take to end with its own
/// message once the flag is up; it needs far less, but the flag is raised on another thread.
const INTERRUPT_GRACE: std::time::Duration = std::time::Duration::from_millis(250);

fn main() -> ExitCode {
    let cli = parse();
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    // On Ctrl-C, a command that has something to say about it (an export that keeps what it
    // wrote, `--wait` that leaves the run running) sees it first and ends with its own message:
    // `biased` polls the command before the fallback, and when the fallback sees the flag first
    // the command still gets `INTERRUPT_GRACE` to see it too. Any other command's future is then
    // dropped, which runs its destructors: a half-written `--output` file is removed rather than
    // left looking complete.
    let outcome = runtime.block_on(async {
        interrupt::install();
        let mut command = std::pin::pin!(run(cli));
        tokio::select! {
            biased;
            outcome = &mut command => outcome,
            // The flag may have been raised, on another thread, just after the command looked:
            // a command that watches for it gets a moment to end with its own message.
            () = interrupt::interrupted() => {
                match tokio::time::timeout(INTERRUPT_GRACE, &mut command).await {
                    Ok(outcome) => outcome,
                    Err(_elapsed) => Err(Failure::Interrupted),
                }
            }
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.is_broken_pipe() => ExitCode::SUCCESS,
        Err(failure) => {
            let prefix =
                if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                    "\x1b[31merror:\x1b[0m"
                } else {
                    "error:"
                };
            let _ = writeln!(std::io::stderr(), "{prefix} {failure}");
            failure.exit_code()
        }
    }
}

/// Parses the command line, noting where each global setting came from (flag, environment,
/// default), which settings resolution needs and clap's derived struct drops.
fn parse() -> Cli {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    for id in GlobalArgs::SOURCED {
        if let Some(source) = matches.value_source(id) {
            cli.global.origins.insert(id, source);
        }
    }
    cli.global.creating_profile = matches!(
        cli.command,
        Command::Auth {
            command: AuthCommand::Login(_)
        }
    );
    cli
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let command = match cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "amperity",
                &mut std::io::stdout(),
            );
            return Ok(());
        }
        Command::Docs(args) => {
            let written = docs::write(&args.out).map_err(Failure::Docs)?;
            let mut stdout = std::io::stdout().lock();
            for path in written {
                writeln!(stdout, "wrote {}", path.display())
                    .map_err(|error| Failure::Output(error.into()))?;
            }
            return Ok(());
        }
        Command::Auth {
            command: AuthCommand::Login(args),
        } => return auth::login(&cli.global, &args).await,
        command => command,
    };
    let connection = connect::connect(&cli.global).await?;
    let client = &connection.client;
    match command {
        Command::Segments {
            command: SegmentsCommand::List(args),
        } => args.run(client).await,
        Command::AuditEvents {
            command: AuditEventsCommand::List(args),
        } => args.run(client).await,
        Command::Campaigns {
            command: CampaignsCommand::List(args),
        } => args.run(client).await,
        Command::Ingest {
            command: IngestCommand::Jobs { command },
        } => match command {
            IngestJobsCommand::List(args) => args.run(client).await,
            IngestJobsCommand::Get(args) => show::ingest_job(client, &args).await,
        },
        Command::Workflows { command } => match command {
            WorkflowsCommand::List(args) => args.run(client).await,
            WorkflowsCommand::Get(args) => show::workflow_run(client, &args).await,
            WorkflowsCommand::Start(args) => show::start(client, &args).await,
            WorkflowsCommand::Stop(args) => show::stop(client, &args).await,
        },
        Command::Profiles { command } => {
            // The Profile API's client: the same configuration, token, retries and pacing.
            let profiles = client.profile_api();
            match command {
                ProfilesCommand::List(args) => args.run(&profiles).await,
                ProfilesCommand::Get(args) => show::profile(&profiles, &args).await,
                ProfilesCommand::Indexes { command } => match command {
                    ProfileIndexesCommand::List(args) => args.run(&profiles).await,
                    ProfileIndexesCommand::Get(args) => show::profile_index(&profiles, &args).await,
                },
            }
        }
        Command::Auth { command } => match command {
            AuthCommand::Status => auth::status(&connection).await,
            AuthCommand::Token => auth::token(&connection).await,
            // Answered above: it builds its own client from the profile it writes.
            AuthCommand::Login(_) => Ok(()),
        },
        // Answered above, without a client.
        Command::Completions { .. } | Command::Docs(_) => Ok(()),
    }
}

/// Diagnostics on stderr: warnings by default (such as an API version's deprecation), more with
/// each `-v`. `RUST_LOG` overrides.
fn init_tracing(verbosity: u8) {
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(false)
        .init();
}

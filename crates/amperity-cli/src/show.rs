//! Commands that show one record: `ingest jobs get`, `workflows get`, `workflows stop`,
//! `workflows start`, `profiles indexes get` and `profiles get`. The record goes through the
//! same output path as every list.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use amperity::Client;
use amperity::types::WorkflowRun;

use crate::args::{
    Format, IngestJobGet, ProfileIndexGet, ProfilesGet, WorkflowsGet, WorkflowsStart, WorkflowsStop,
};
use crate::failure::Failure;
use crate::interrupt;
use crate::output::{self, OutputError, Start};
use crate::progress::Progress;
use crate::record::Record;

/// Writes one record to stdout in `format` (`json` is the object itself, on one line).
pub fn show<T: Record>(record: &T, format: Format) -> Result<(), Failure> {
    let out: Box<dyn Write + Send> = Box::new(std::io::stdout());
    let mut writer = output::writer::<T>(
        format,
        out,
        std::io::stdout().is_terminal(),
        true,
        Start::Fresh,
    );
    writer.write_page(std::slice::from_ref(record))?;
    writer.finish(None)?;
    Ok(())
}

/// `amperity ingest jobs get ID`.
pub async fn ingest_job(client: &Client, args: &IngestJobGet) -> Result<(), Failure> {
    let job = client
        .get_ingest_job()
        .job_id(args.job_id.clone())
        .call()
        .await?
        .into_inner();
    show(&job, args.format)
}

/// `amperity profiles indexes get INDEX_ID`.
pub async fn profile_index(
    client: &amperity::profile::Client,
    args: &ProfileIndexGet,
) -> Result<(), Failure> {
    let index = client
        .get_profile_index()
        .index_id(args.index_id.clone())
        .call()
        .await?
        .into_inner();
    show(&index, args.format)
}

/// `amperity profiles get --index INDEX_ID PROFILE_ID`.
pub async fn profile(
    client: &amperity::profile::Client,
    args: &ProfilesGet,
) -> Result<(), Failure> {
    let profile = client
        .get_profile()
        .index_id(args.index_id.clone())
        .profile_id(args.profile_id.clone())
        .call()
        .await?
        .into_inner();
    show(&profile, args.format)
}

/// `amperity workflows get ID`.
pub async fn workflow_run(client: &Client, args: &WorkflowsGet) -> Result<(), Failure> {
    let mut query = client
        .get_workflow_run()
        .workflow_id(args.workflow_id.clone());
    if let Some(view) = &args.view {
        query = query.view(view.clone());
    }
    show(&query.call().await?.into_inner(), args.format)
}

/// `amperity workflows stop ID`: stopping twice stops once, so the SDK may retry it.
pub async fn stop(client: &Client, args: &WorkflowsStop) -> Result<(), Failure> {
    let run = client
        .stop_workflow_run()
        .workflow_id(args.workflow_id.clone())
        .call()
        .await?
        .into_inner();
    show(&run, args.format)
}

/// `amperity workflows start CONFIG_ID`: prints the new run's id (the run as JSON with
/// `--format json`), then with `--wait` follows it to its end.
///
/// The start is sent once: the SDK never repeats a `POST /workflow/runs` the server may have
/// acted on, and fails with `NotRetried` instead, which this reports with how to look for the
/// run.
pub async fn start(client: &Client, args: &WorkflowsStart) -> Result<(), Failure> {
    let config_id = args.config_id.clone();
    let range_from = args.range_from.clone();
    let range_to = args.range_to.clone();
    let run_mode = args.run_mode.clone();
    let started = client
        .start_workflow_run()
        .body_map(move |body| {
            let body = body
                .config_id(config_id)
                .range_from(range_from)
                .range_to(range_to);
            match run_mode {
                Some(mode) => body.run_mode(Some(amperity::types::WorkflowRunMode::from(mode))),
                None => body,
            }
        })
        .call()
        .await
        .map_err(Failure::Api)?
        .into_inner();
    print_run(&started, args.format)?;
    if !args.wait {
        return Ok(());
    }
    let finished = wait(client, started, args.poll_interval).await?;
    if matches!(args.format, Format::Json | Format::Ndjson) {
        print_run(&finished, args.format)?;
    }
    outcome(finished)
}

/// The run as the start command prints it: the id alone (what a script captures), or with
/// `--format json` the run on one line, through the output path every record takes.
fn print_run(run: &WorkflowRun, format: Format) -> Result<(), Failure> {
    if matches!(format, Format::Json | Format::Ndjson) {
        return show(run, Format::Json);
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", run.id)
        .and_then(|()| stdout.flush())
        .map_err(|error| Failure::Output(OutputError::Io(error)))
}

/// Whether a run has ended: a final state, or an end time for a state this CLI does not know.
fn ended(run: &WorkflowRun) -> bool {
    use amperity::types::WorkflowRunState as State;
    match run.state {
        State::Succeeded | State::Failed | State::Canceled | State::Stopped => true,
        State::Unknown(_) => run.ended_at.is_some(),
        _ => false,
    }
}

/// Polls the run every `interval` until it ends, showing its state on a terminal. Ctrl-C stops
/// waiting and leaves the run running.
async fn wait(
    client: &Client,
    mut run: WorkflowRun,
    interval: Duration,
) -> Result<WorkflowRun, Failure> {
    let progress = Progress::status();
    while !ended(&run) {
        progress.message(format!("workflow run {}: {}", run.id, run.state));
        let polled = tokio::select! {
            biased;
            () = interrupt::interrupted() => None,
            polled = async {
                tokio::time::sleep(interval).await;
                client.get_workflow_run().workflow_id(run.id.clone()).call().await
            } => Some(polled),
        };
        match polled {
            None => {
                progress.finish();
                return Err(Failure::WaitInterrupted {
                    id: run.id,
                    state: run.state.to_string(),
                });
            }
            Some(Ok(now)) => run = now.into_inner(),
            Some(Err(error)) => {
                progress.finish();
                return Err(Failure::Follow {
                    id: run.id,
                    cause: Box::new(Failure::Api(error)),
                });
            }
        }
    }
    progress.finish();
    // The overview view, polled above, has no `error`: a run that did not succeed is read once
    // more in full, for the message.
    if run.state != amperity::types::WorkflowRunState::Succeeded && run.error.is_none() {
        let verbose = client
            .get_workflow_run()
            .workflow_id(run.id.clone())
            .view("verbose")
            .call()
            .await;
        if let Ok(verbose) = verbose {
            run = verbose.into_inner();
        }
    }
    Ok(run)
}

/// Exit 0 for a run that succeeded; otherwise the run's error and its exit code.
fn outcome(run: WorkflowRun) -> Result<(), Failure> {
    use amperity::types::WorkflowRunState as State;
    let _ = writeln!(std::io::stderr(), "workflow run {} {}", run.id, run.state);
    if run.state == State::Succeeded {
        return Ok(());
    }
    Err(Failure::Run {
        stopped: matches!(run.state, State::Canceled | State::Stopped),
        error: run.error.as_ref().map(|error| error.message.clone()),
        state: run.state.to_string(),
        id: run.id,
    })
}

/// The default time between two polls of `--wait`: well within the API's 10 requests per
/// second, and short next to how long a run takes.
pub const DEFAULT_POLL_SECONDS: &str = "3";

//! How the command fails: one clear line on stderr (two more for an export that can be resumed)
//! and an exit code a script can test.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::output::OutputError;

/// Everything that ends the command unsuccessfully.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The flags or environment do not make a valid configuration.
    #[error("{0}")]
    Usage(String),
    /// The API call failed.
    #[error(transparent)]
    Api(#[from] amperity::Error),
    /// Output could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The user pressed Ctrl-C.
    #[error("interrupted")]
    Interrupted,
    /// An export (`list --all`) stopped part way: what it wrote, and how to go on.
    #[error("{}", export_message(cause, *written, noun, partial.as_ref(), resume.as_deref()))]
    Export {
        /// Why it stopped.
        cause: Box<Failure>,
        /// Records written by this run.
        written: u64,
        /// What the records are called.
        noun: &'static str,
        /// The `.partial` file holding them, if the output is a file.
        partial: Option<PathBuf>,
        /// The command that resumes from the next page, if there is one.
        resume: Option<String>,
    },
    /// A workflow run that `--wait` followed ended without succeeding.
    #[error("workflow run {id} {state}{}", error.as_ref().map(|e| format!(": {e}")).unwrap_or_default())]
    Run {
        /// The run.
        id: String,
        /// Its final state (`failed`, `canceled`, ...).
        state: String,
        /// The run's error message, if it has one.
        error: Option<String>,
        /// Whether it was stopped or canceled rather than failed.
        stopped: bool,
    },
    /// Ctrl-C while `--wait` followed a run: the run goes on.
    #[error(
        "interrupted: stopped waiting, but workflow run {id} is still {state} on the server; \
         follow it with `amperity workflows get {id}`, stop it with `amperity workflows stop {id}`"
    )]
    WaitInterrupted {
        /// The run.
        id: String,
        /// Its last known state.
        state: String,
    },
    /// `--wait` could not follow a run (the SDK's retries spent): it may still be running.
    #[error(
        "{cause}\nstopped waiting for workflow run {id}, which may still be running: follow it \
         with `amperity workflows get {id}`"
    )]
    Follow {
        /// The run.
        id: String,
        /// Why polling failed.
        cause: Box<Failure>,
    },
    /// The embedded mock could not start.
    #[error("could not start the embedded mock server: {0}")]
    Mock(std::io::Error),
    /// The command-line reference could not be written (`amperity docs`).
    #[error("could not write the command-line reference: {0}")]
    Docs(std::io::Error),
}

fn export_message(
    cause: &Failure,
    written: u64,
    noun: &str,
    partial: Option<&PathBuf>,
    resume: Option<&str>,
) -> String {
    let mut message = format!("{cause}\n{written} {noun} written");
    if let Some(partial) = partial {
        message.push_str(&format!(" and kept in {}", partial.display()));
    }
    match resume {
        Some(command) => {
            message.push_str("; resume from the next page with:\n  ");
            message.push_str(command);
        }
        None => message.push_str("; run the command again to start over"),
    }
    message
}

/// Exit status for a usage or configuration error (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit status for authentication (401, refused credentials, an expired token) and permission
/// (403) failures.
pub const EXIT_AUTH: u8 = 4;
/// Exit status when a workflow run followed with `--wait` failed.
pub const EXIT_RUN_FAILED: u8 = 5;
/// Exit status when a workflow run followed with `--wait` was stopped or canceled.
pub const EXIT_RUN_STOPPED: u8 = 6;
/// Exit status after Ctrl-C, as shells report a SIGINT.
pub const EXIT_INTERRUPTED: u8 = 130;
/// Exit status for every other failure.
pub const EXIT_FAILURE: u8 = 1;

impl Failure {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Interrupted | Failure::WaitInterrupted { .. } => EXIT_INTERRUPTED,
            Failure::Api(amperity::Error::Config(_) | amperity::Error::InvalidRequest(_)) => {
                EXIT_USAGE
            }
            Failure::Api(amperity::Error::Unauthorized(_) | amperity::Error::Forbidden(_)) => {
                EXIT_AUTH
            }
            Failure::Api(amperity::Error::Token(error))
                if matches!(
                    error.kind(),
                    amperity::TokenErrorKind::Refused | amperity::TokenErrorKind::Expired
                ) =>
            {
                EXIT_AUTH
            }
            Failure::Export { cause, .. } | Failure::Follow { cause, .. } => cause.code(),
            Failure::Run { stopped: true, .. } => EXIT_RUN_STOPPED,
            Failure::Run { stopped: false, .. } => EXIT_RUN_FAILED,
            _ => EXIT_FAILURE,
        }
    }

    /// Whether this is stdout closing early (`amperity ... | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Failure::Output(OutputError::Io(e)) => e.kind() == std::io::ErrorKind::BrokenPipe,
            Failure::Export { cause, .. } => cause.is_broken_pipe(),
            _ => false,
        }
    }
}

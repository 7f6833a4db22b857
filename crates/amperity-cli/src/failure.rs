//! How the command fails: one clear line on stderr and an exit code a script can test.

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
    /// The embedded mock could not start.
    #[error("could not start the embedded mock server: {0}")]
    Mock(std::io::Error),
    /// The command-line reference could not be written (`amperity docs`).
    #[error("could not write the command-line reference: {0}")]
    Docs(std::io::Error),
}

/// Exit status for a usage or configuration error (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit status for authentication (401) and permission (403) failures.
pub const EXIT_AUTH: u8 = 4;
/// Exit status after Ctrl-C, as shells report a SIGINT.
pub const EXIT_INTERRUPTED: u8 = 130;
/// Exit status for every other failure.
pub const EXIT_FAILURE: u8 = 1;

impl Failure {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Interrupted => EXIT_INTERRUPTED,
            Failure::Api(amperity::Error::Config(_)) => EXIT_USAGE,
            Failure::Api(amperity::Error::Unauthorized(_) | amperity::Error::Forbidden(_)) => {
                EXIT_AUTH
            }
            _ => EXIT_FAILURE,
        })
    }

    /// Whether this is stdout closing early (`amperity ... | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Failure::Output(OutputError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

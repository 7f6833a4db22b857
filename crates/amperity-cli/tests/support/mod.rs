//! What every test of the `amperity` binary starts from.
#![allow(dead_code)] // Each test file uses its own part of this module.

use std::time::Duration;

use assert_cmd::Command;
use httpmock::MockServer;

/// The token the tests' servers require (never expected in any output).
pub const TOKEN: &str = "cli-test-token-9f8e7d";

/// The `amperity` binary, with none of the environment variables it reads set (so the machine's
/// own settings cannot leak into a test) and a time limit, so that a hang fails the test.
pub fn amperity() -> Command {
    let mut command = Command::cargo_bin("amperity").unwrap();
    for var in AMPERITY_VARS {
        command.env_remove(var);
    }
    command.env("AMPERITY_CONFIG", NO_CONFIG);
    command.timeout(Duration::from_secs(60));
    command
}

/// Every variable the binary reads; tests set what they need.
pub const AMPERITY_VARS: [&str; 10] = [
    "AMPERITY_TENANT",
    "AMPERITY_TOKEN",
    "AMPERITY_BASE_URL",
    "AMPERITY_REGION",
    "AMPERITY_CLIENT_ID",
    "AMPERITY_CLIENT_SECRET",
    "AMPERITY_TOKEN_URL",
    "AMPERITY_PROFILE",
    "AMPERITY_CONFIG",
    "RUST_LOG",
];

/// A config file that does not exist, so that the machine's own profiles stay out of tests.
pub const NO_CONFIG: &str = "/nonexistent/amperity-test/config.toml";

/// `amperity` pointed at `server`, with fast failure settings.
pub fn against(server: &MockServer) -> Command {
    let mut command = amperity();
    command.args([
        "--tenant",
        "acme",
        "--base-url",
        &server.base_url(),
        "--max-retries",
        "0",
        "--rate-limit",
        "0",
    ]);
    command.env("AMPERITY_TOKEN", TOKEN);
    command
}

/// The stdout of a command that must succeed.
pub fn stdout_of(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The resume command an interrupted export printed in `stderr`, the line after the one that
/// announces it.
pub fn resume_command(stderr: &str) -> String {
    let mut lines = stderr.lines();
    lines
        .find(|line| line.contains("resume from the next page with:"))
        .unwrap_or_else(|| panic!("no resume command in {stderr}"));
    lines.next().unwrap().trim().to_owned()
}

/// Runs a printed command through the shell, as a user pasting it would.
pub fn run_in_shell(command: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .args(["-c", command])
        .env_remove("AMPERITY_TENANT")
        .env_remove("AMPERITY_BASE_URL")
        .env("AMPERITY_TOKEN", TOKEN)
        .output()
        .unwrap()
}

/// An `amperity-mock` tenant on loopback that outlives any one CLI run: cursors stay valid
/// from one run to the next (unlike `--mock`, whose server lives and dies with its process),
/// and started runs stay on it.
pub struct MockTenant {
    mock: Option<amperity_mock::RunningMock>,
    runtime: tokio::runtime::Runtime,
}

impl MockTenant {
    /// A tenant whose started runs take `run_step` per state; no rate limit.
    pub fn start(run_step: Duration) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let mock = runtime
            .block_on(amperity_mock::spawn(amperity_mock::MockConfig {
                tenant: Some("acme".into()),
                token: Some(TOKEN.into()),
                run_step,
                rate_limit: 0,
                ..amperity_mock::MockConfig::default()
            }))
            .unwrap();
        Self {
            mock: Some(mock),
            runtime,
        }
    }

    /// The base URL of the tenant.
    pub fn base_url(&self) -> String {
        self.mock.as_ref().unwrap().base_url()
    }

    /// `amperity` pointed at this tenant (the token in the environment, as recommended).
    pub fn cli(&self) -> Command {
        let mut command = amperity();
        command.args(["--tenant", "acme", "--base-url", &self.base_url()]);
        command.env("AMPERITY_TOKEN", TOKEN);
        command
    }

    /// As [`cli`](Self::cli), as a `std` command: for a run the test interacts with while it
    /// goes (reads its stdout, interrupts it).
    pub fn spawnable(&self) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("amperity"));
        for var in AMPERITY_VARS {
            command.env_remove(var);
        }
        command.env("AMPERITY_CONFIG", NO_CONFIG);
        command.args(["--tenant", "acme", "--base-url", &self.base_url()]);
        command.env("AMPERITY_TOKEN", TOKEN);
        command
    }
}

impl Drop for MockTenant {
    fn drop(&mut self) {
        if let Some(mock) = self.mock.take() {
            self.runtime.block_on(mock.shutdown());
        }
    }
}

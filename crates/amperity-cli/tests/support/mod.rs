//! What every test of the `amperity` binary starts from.

use std::time::Duration;

use assert_cmd::Command;

/// The `amperity` binary, with none of the environment variables it reads set (so the machine's
/// own settings cannot leak into a test) and a time limit, so that a hang fails the test.
pub fn amperity() -> Command {
    let mut command = Command::cargo_bin("amperity").unwrap();
    for var in [
        "AMPERITY_TENANT",
        "AMPERITY_TOKEN",
        "AMPERITY_BASE_URL",
        "RUST_LOG",
    ] {
        command.env_remove(var);
    }
    command.timeout(Duration::from_secs(60));
    command
}

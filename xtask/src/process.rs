//! Running child processes, for every xtask command: a command with a time limit, the same failing
//! unless it succeeds, and the cargo that runs xtask with its target directory.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// What a finished command left behind.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `command` to completion, killing it after `timeout`.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> Result<Finished> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {command:?}"))?;
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("piped")));
    let stderr = read_all(Box::new(child.stderr.take().expect("piped")));
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{command:?} took longer than {timeout:?} and was stopped");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Ok(Finished {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// Runs `command` and fails, with its output, unless it succeeds.
pub fn run_checked(command: &mut Command, timeout: Duration) -> Result<Finished> {
    let finished = run_with_timeout(command, timeout)?;
    if !finished.status.success() {
        bail!(
            "{command:?} failed with {}:\n{}{}",
            finished.status,
            tail(&finished.stdout, 20),
            tail(&finished.stderr, 40)
        );
    }
    Ok(finished)
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let mut out = all[all.len().saturating_sub(lines)..].join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// The cargo that runs this xtask.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Cargo's target directory for this workspace.
pub fn target_dir(root: &Path) -> Result<PathBuf> {
    let finished = run_checked(
        Command::new(cargo())
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(root),
        Duration::from_secs(120),
    )?;
    let metadata: serde_json::Value = serde_json::from_str(&finished.stdout)?;
    let dir = metadata["target_directory"]
        .as_str()
        .context("cargo metadata has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// Installs `package` (`name@version`, pinned) with npm under `prefix`, a folder of the target
/// directory, so that a tool xtask runs never depends on what is installed globally.
pub fn npm_install(root: &Path, prefix: &Path, package: &str) -> Result<()> {
    std::fs::create_dir_all(prefix).with_context(|| format!("creating {}", prefix.display()))?;
    run_checked(
        Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(prefix)
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .arg(package)
            .current_dir(root),
        Duration::from_secs(600),
    )
    .with_context(|| format!("npm install {package} (it needs npm and Node.js)"))?;
    Ok(())
}

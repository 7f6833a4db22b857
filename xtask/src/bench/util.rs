//! What every part of `cargo xtask bench` needs: servers that stop when dropped (amperity-mock
//! among them), measuring one command, a small HTTP client, wrk, and statistics. Running a
//! command with a time limit is [`crate::process`]'s.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use super::types::{Env, TENANT, TOKEN};
use crate::process::{run_checked, run_with_timeout, tail};

/// How a started server tells that it accepts connections.
pub enum Ready {
    /// It prints a line with `http://HOST:PORT` on stdout (amperity-mock, fixed-bytes-server).
    UrlOnStdout,
    /// It listens on this address once a TCP connection succeeds (Prism).
    Connects(SocketAddr),
}

/// A server child process; dropping it kills it (by its own pid) and reaps it.
pub struct Server {
    name: String,
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts `command`, logging its output to `log`, and waits until it is ready.
    pub fn start(
        name: &str,
        mut command: Command,
        ready: Ready,
        timeout: Duration,
        log: &Path,
    ) -> Result<Self> {
        let log_file =
            File::create(log).with_context(|| format!("creating the log {}", log.display()))?;
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file.try_clone()?));
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {name}: {command:?}"))?;
        // Drain stdout for the whole life of the server (a full pipe would stall it), copying it
        // to the log and handing the first URL it prints to the waiting side.
        let stdout = child.stdout.take().expect("stdout is piped");
        let (url_tx, url_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut log_file = log_file;
            let mut url_tx = Some(url_tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = writeln!(log_file, "{line}");
                if let Some(addr) = url_addr(&line)
                    && let Some(tx) = url_tx.take()
                {
                    let _ = tx.send(addr);
                }
            }
        });
        let mut server = Server {
            name: name.to_owned(),
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let deadline = Instant::now() + timeout;
        server.addr = match ready {
            Ready::UrlOnStdout => loop {
                match url_rx.recv_timeout(Duration::from_millis(50)) {
                    Ok(addr) => break addr,
                    Err(_) => server.check_alive(deadline, log)?,
                }
            },
            Ready::Connects(addr) => loop {
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    break addr;
                }
                server.check_alive(deadline, log)?;
                thread::sleep(Duration::from_millis(100));
            },
        };
        Ok(server)
    }

    fn check_alive(&mut self, deadline: Instant, log: &Path) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!(
                "{} exited with {status} before it was ready; see {}",
                self.name,
                log.display()
            );
        }
        if Instant::now() > deadline {
            bail!("{} was not ready in time; see {}", self.name, log.display());
        }
        Ok(())
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU seconds (user + system) the server has used so far.
    pub fn cpu_seconds(&self) -> Option<f64> {
        process_cpu_seconds(self.pid())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The release amperity-mock of `env`: `segments` segments, no rate limit, the bench's tenant and
/// token required.
pub fn start_mock(env: &Env, segments: u64) -> Result<Server> {
    let mut command = Command::new(&env.mock);
    command
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--segments")
        .arg(segments.to_string())
        .arg("--rate-limit")
        .arg("0")
        .arg("--tenant")
        .arg(TENANT)
        .arg("--token")
        .arg(TOKEN);
    Server::start(
        "amperity-mock",
        command,
        Ready::UrlOnStdout,
        Duration::from_secs(30),
        &env.logs.join(format!("amperity-mock-{segments}.log")),
    )
}

/// The `HOST:PORT` of the first `http://HOST:PORT...` in `line`.
fn url_addr(line: &str) -> Option<SocketAddr> {
    let rest = &line[line.find("http://")? + "http://".len()..];
    let end = rest.find(['/', ' ', ')']).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// CPU seconds (user + system) of process `pid`, from `/proc/PID/stat` (10 ms resolution).
pub fn process_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces and parentheses; the fields follow the last ')'.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks as f64 / 100.0)
}

/// A free TCP port on 127.0.0.1 (for servers that cannot be told to pick one themselves).
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Wall time, CPU time and peak RSS of one command, as `bench/measure.py` reports them.
#[derive(Debug, Clone, Copy)]
pub struct Measurement {
    pub wall_s: f64,
    pub cpu_s: f64,
    pub max_rss_kib: u64,
}

/// Runs `argv` under `bench/measure.py` (GNU time) and fails unless it succeeds.
pub fn measure(root: &Path, argv: &[String], timeout: Duration) -> Result<Measurement> {
    let mut command = Command::new("python3");
    command
        .arg(root.join("bench/measure.py"))
        .arg("--timeout")
        .arg(timeout.as_secs_f64().to_string())
        .arg("--")
        .args(argv)
        .current_dir(root);
    let finished = run_with_timeout(&mut command, timeout + Duration::from_secs(30))?;
    let line = finished
        .stdout
        .lines()
        .last()
        .ok_or_else(|| anyhow!("measure.py printed nothing: {}", tail(&finished.stderr, 20)))?;
    let report: serde_json::Value =
        serde_json::from_str(line).with_context(|| format!("measure.py printed {line:?}"))?;
    if report["timed_out"].as_bool() == Some(true) {
        bail!("{} took longer than {timeout:?}", argv.join(" "));
    }
    if report["exit"].as_i64() != Some(0) {
        bail!(
            "{} failed (exit {}):\n{}",
            argv.join(" "),
            report["exit"],
            tail(&finished.stderr, 30)
        );
    }
    let number = |key: &str| {
        report[key]
            .as_f64()
            .ok_or_else(|| anyhow!("measure.py gave no {key}: {line}"))
    };
    Ok(Measurement {
        wall_s: number("wall_s")?,
        cpu_s: number("user_s")? + number("sys_s")?,
        max_rss_kib: number("max_rss_kib")? as u64,
    })
}

/// One HTTP/1.1 GET on a fresh connection: status and body.
pub fn http_get(
    addr: SocketAddr,
    target: &str,
    headers: &[(&str, &str)],
) -> Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request += &format!("{name}: {value}\r\n");
    }
    request += "\r\n";
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("no end of headers in the answer from {addr}{target}"))?;
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let body = response[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("no status line from {addr}{target}: {head:?}"))?;
    let chunked = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    let body = if chunked { dechunk(&body)? } else { body };
    Ok((status, body))
}

fn dechunk(mut body: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| anyhow!("bad chunked body"))?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).context("bad chunk size")?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size + 2 {
            bail!("chunked body cut short");
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

/// What one wrk run measured.
#[derive(Debug, Clone)]
pub struct WrkRun {
    pub requests_per_s: f64,
    pub requests: u64,
    /// Answers that were not 2xx or 3xx (wrk counts them as requests).
    pub non_2xx: u64,
    /// wrk's "Socket errors" line, when it printed one.
    pub socket_errors: Option<String>,
    pub latency_avg: String,
}

/// One wrk run at fixed concurrency against `url`.
pub fn wrk(
    url: &str,
    headers: &[(&str, &str)],
    threads: u32,
    connections: u32,
    duration: Duration,
) -> Result<WrkRun> {
    let mut command = Command::new("wrk");
    command
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--timeout")
        .arg("5s");
    for (name, value) in headers {
        command.arg("-H").arg(format!("{name}: {value}"));
    }
    command.arg(url);
    let finished = run_checked(&mut command, duration + Duration::from_secs(30))?;
    let out = &finished.stdout;
    let field = |prefix: &str| {
        out.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
    };
    let requests_per_s: f64 = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow!("no Requests/sec in wrk's output:\n{out}"))?;
    let requests = out
        .lines()
        .find(|line| line.contains(" requests in "))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let non_2xx = field("Non-2xx or 3xx responses:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let latency_avg = out
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix("Latency"))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("?")
        .to_owned();
    Ok(WrkRun {
        requests_per_s,
        requests,
        non_2xx,
        socket_errors: field("Socket errors:").map(str::to_owned),
        latency_avg,
    })
}

/// The median of `values` (the mean of the middle two for an even count); NaN when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The smallest of `values`; NaN when empty.
pub fn min(values: &[f64]) -> f64 {
    values.iter().copied().reduce(f64::min).unwrap_or(f64::NAN)
}

/// A directory under the target dir for the bench's files, created if needed.
pub fn work_dir(target_dir: &Path, name: &str) -> Result<PathBuf> {
    let dir = target_dir.join("bench").join(name);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// `/proc/loadavg`'s first three fields, for the record.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Formats a number of bytes given in KiB as MiB.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(min(&[3.0, 1.0, 2.0]), 1.0);
    }

    #[test]
    fn server_urls_are_found_in_their_banners() {
        assert_eq!(
            url_addr("amperity-mock listening on http://127.0.0.1:4010/api (300 segments, seed 1)"),
            Some("127.0.0.1:4010".parse().unwrap())
        );
        assert_eq!(
            url_addr("listening on http://127.0.0.1:39999"),
            Some("127.0.0.1:39999".parse().unwrap())
        );
        assert_eq!(url_addr("no url here"), None);
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let body = b"4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
        assert_eq!(dechunk(body).unwrap(), b"Wikipedia");
    }
}

//! Part 2: how many `GET /segments?limit=100` per second amperity-mock answers, against Prism
//! and a bare hyper server that returns the same bytes.

use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use super::types::{Env, PRISM_VERSION, Row, Section, TENANT, TOKEN};
use super::util::{self, Ready, Server, WrkRun, http_get, median, wrk};

const PRISM_GOAL: f64 = 10.0;
const BARE_GOAL: f64 = 0.5;

/// Segments in the mock's tenant; the page asked for is the first one either way.
const SEGMENTS: u64 = 1_000_000;

/// Loads amperity-mock, Prism and the bare server with wrk.
pub fn run(env: &Env) -> Result<Section> {
    let plan = &env.plan;
    let dir = util::work_dir(&env.target_dir, "load")?;
    let headers = [
        ("amperity-tenant", TENANT),
        ("api-version", "2024-04-01"),
        ("authorization", &format!("Bearer {TOKEN}")),
    ];
    let target = "/api/segments?limit=100";

    let mock = util::start_mock(env, SEGMENTS)?;
    let (status, page) = http_get(mock.addr(), target, &headers)?;
    if status != 200 {
        bail!("amperity-mock answered {status} to GET {target}");
    }
    let body_path = dir.join("page-100.json");
    std::fs::write(&body_path, &page)?;

    let mut command = Command::new(&env.fixed_bytes_server);
    command
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("--body")
        .arg(&body_path);
    let bare = Server::start(
        "fixed-bytes-server",
        command,
        Ready::UrlOnStdout,
        Duration::from_secs(30),
        &env.logs.join("fixed-bytes-server.log"),
    )?;
    let (status, bare_body) = http_get(bare.addr(), target, &headers)?;
    if status != 200 || bare_body != page {
        bail!("fixed-bytes-server did not answer 200 with the mock's page");
    }

    let mock_url = format!("http://{}{target}", mock.addr());
    let bare_url = format!("http://{}{target}", bare.addr());
    let load = |url: &str, duration| {
        wrk(
            url,
            &headers,
            plan.wrk_threads,
            plan.wrk_connections,
            duration,
        )
    };
    // Warm both up (connections, caches, allocator), then alternate.
    load(&mock_url, plan.wrk_warmup)?;
    load(&bare_url, plan.wrk_warmup)?;
    let mut mock_runs = Vec::new();
    let mut bare_runs = Vec::new();
    for round in 0..plan.wrk_rounds {
        let order: [(&str, &mut Vec<WrkRun>); 2] = if round % 2 == 0 {
            [(&mock_url, &mut mock_runs), (&bare_url, &mut bare_runs)]
        } else {
            [(&bare_url, &mut bare_runs), (&mock_url, &mut mock_runs)]
        };
        for (url, runs) in order {
            runs.push(load(url, plan.wrk_duration)?);
        }
        println!(
            "  round {}: amperity-mock {:.0}/s, bare hyper {:.0}/s",
            round + 1,
            mock_runs[round].requests_per_s,
            bare_runs[round].requests_per_s
        );
    }
    drop(bare);
    drop(mock);

    let prism_runs = run_prism(env, &headers)?;
    println!("  prism {:.0}/s", prism_runs[0].requests_per_s);

    let rps = |runs: &[WrkRun]| median(&runs.iter().map(|r| r.requests_per_s).collect::<Vec<_>>());
    let (mock_rps, bare_rps, prism_rps) = (rps(&mock_runs), rps(&bare_runs), rps(&prism_runs));
    let failures = |runs: &[WrkRun]| runs.iter().map(|r| r.non_2xx).sum::<u64>();
    let socket_errors = |runs: &[WrkRun]| {
        runs.iter()
            .filter_map(|r| r.socket_errors.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let all_ok = failures(&mock_runs) + failures(&bare_runs) + failures(&prism_runs) == 0;
    let vs_prism = mock_rps / prism_rps;
    let vs_bare = mock_rps / bare_rps;

    let rows = vec![
        Row::info(
            "amperity-mock `--rate-limit 0`: requests/s (median)",
            format!("{mock_rps:.0}"),
        ),
        Row::info(
            "bare hyper server, same bytes: requests/s (median)",
            format!("{bare_rps:.0}"),
        ),
        Row::info(
            format!("Prism {PRISM_VERSION} (`prism mock`): requests/s"),
            format!("{prism_rps:.0}"),
        ),
        Row::goal(
            "amperity-mock / Prism",
            format!("{vs_prism:.1}×"),
            format!("≥ {PRISM_GOAL}×"),
            vs_prism >= PRISM_GOAL,
        ),
        Row::goal(
            "amperity-mock / bare hyper",
            format!("{vs_bare:.2}×"),
            format!("≥ {BARE_GOAL}×"),
            vs_bare >= BARE_GOAL,
        ),
        Row::goal(
            "Non-2xx answers under load (all servers)",
            format!(
                "{} / {} / {}",
                failures(&mock_runs),
                failures(&bare_runs),
                failures(&prism_runs)
            ),
            "0",
            all_ok,
        ),
    ];
    let list = |runs: &[WrkRun]| {
        runs.iter()
            .map(|r| {
                format!(
                    "{:.0}/s ({} requests, average latency {})",
                    r.requests_per_s, r.requests, r.latency_avg
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut notes = vec![
        format!(
            "`wrk -t{} -c{} -d{}s` with the `amperity-tenant`, `api-version: 2024-04-01` and \
             `Authorization: Bearer …` headers, after a {} s warm-up of each server; amperity-mock \
             and the bare server alternate over {} round(s), Prism runs alone afterwards. \
             amperity-mock (release, `--segments {SEGMENTS} --rate-limit 0`, tenant and token \
             required) answers `GET /api/segments?limit=100` with a page of 100 segments \
             ({} bytes) and a `next_token`. The bare server (`bench/fixed-bytes-server`, same \
             hyper and tokio) answers every request with those same bytes, doing none of the \
             mock's work. Prism (`prism mock spec/openapi.yaml`, `--verboseLevel error` so that \
             request logging does not slow it) serves the spec's example for \
             `GET /segments?limit=100` (2 segments) after validating the request.",
            plan.wrk_threads,
            plan.wrk_connections,
            plan.wrk_duration.as_secs(),
            plan.wrk_warmup.as_secs(),
            plan.wrk_rounds,
            page.len(),
        ),
        "This machine has 2 cores: wrk's two threads and the server share them, so every figure \
         is lower than on a machine where the load generator has its own cores, and the \
         server/bare ratio is what to compare, not the absolute numbers."
            .to_owned(),
        format!("- amperity-mock runs: {}", list(&mock_runs)),
        format!("- bare hyper runs: {}", list(&bare_runs)),
        format!("- Prism runs: {}", list(&prism_runs)),
    ];
    for (name, runs) in [
        ("amperity-mock", &mock_runs),
        ("bare hyper", &bare_runs),
        ("Prism", &prism_runs),
    ] {
        let errors = socket_errors(runs);
        if !errors.is_empty() {
            notes.push(format!("- {name} socket errors: {errors}"));
        }
    }
    Ok(Section {
        title: "2. Mock server throughput (`GET /segments?limit=100`)".into(),
        rows,
        notes,
    })
}

/// Starts Prism, checks that it answers 200, warms it up and measures it once.
fn run_prism(env: &Env, headers: &[(&str, &str)]) -> Result<Vec<WrkRun>> {
    let plan = &env.plan;
    let port = util::free_port()?;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut command = Command::new(&env.prism);
    command
        .arg("mock")
        .arg(env.root.join("spec/openapi.yaml"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--verboseLevel", "error"])
        .current_dir(&env.root);
    let prism = Server::start(
        "prism",
        command,
        Ready::Connects(addr),
        Duration::from_secs(120),
        &env.logs.join("prism.log"),
    )?;
    // Prism serves the spec's paths without the server URL's /api prefix.
    let target = "/segments?limit=100";
    let (status, body) = http_get(prism.addr(), target, headers)?;
    if status != 200 {
        bail!(
            "Prism answered {status} to GET {target}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let url = format!("http://{addr}{target}");
    let load = |duration| {
        wrk(
            &url,
            headers,
            plan.wrk_threads,
            plan.wrk_connections,
            duration,
        )
    };
    // Node compiles hot code as it runs; give it the same warm-up as the others, twice over.
    load(plan.wrk_warmup * 2)?;
    let run = load(plan.wrk_duration)?;
    drop(prism);
    Ok(vec![run])
}

//! SDK overhead: the same sequential walk over pages through the SDK and through raw reqwest.
//!
//! `cargo xtask bench` builds this with `cargo bench --no-run` and runs it against a release
//! amperity-mock (`--rate-limit 0`):
//!
//! ```text
//! sdk_overhead --base-url http://127.0.0.1:PORT/api --tenant T --token X \
//!     [--pages 200] [--limit 1000] [--rounds 7] [--only WAY]
//! ```
//!
//! Each round walks `--pages` pages of `--limit` segments one request at a time, three ways, in
//! an order that rotates from round to round:
//!
//! - `sdk`: `client.list_segments().limit(limit).next_token(token).page()` (default retries, pacing off);
//! - `raw`: a bare `reqwest::Client`, `bytes()` and `serde_json::from_slice` into plain structs;
//! - `raw_generated`: the same, decoding into `amperity::types::SegmentPage`, which tells the cost
//!   of the generated types (their `flatten` maps) from the cost of the SDK's plumbing;
//! - `raw_token_only`: the same, reading only `next_token` (the segments are skipped, not
//!   decoded): the floor set by HTTP and the server, and so what decoding adds to each page;
//! - `sdk_pages`: the SDK's `pages()` stream, which sends each request as soon as the previous
//!   body has arrived and decodes pages on both workers (not sequential: shows what running
//!   ahead gains when the caller is idle).
//!
//! One untimed round warms the connections up first. Prints one JSON object with every timing:
//! wall seconds (`*_s`) and, from `/proc/self/task/*/schedstat`, CPU seconds of the whole process
//! (`*_cpu_s`, empty where that file is unavailable). CPU time is less disturbed than wall time
//! by other load on a small machine.

use std::hint::black_box;
use std::time::Instant;

use serde::Deserialize;

mod plain;
use plain::PlainPage;

/// Only the cursor; serde skips everything else without allocating.
#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    next_token: Option<String>,
}

struct Args {
    base_url: String,
    tenant: String,
    token: String,
    pages: u32,
    limit: u32,
    rounds: u32,
    /// Time only this way (for profiling one of them).
    only: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        base_url: String::new(),
        tenant: "bench".into(),
        token: "bench-token".into(),
        pages: 200,
        limit: 1000,
        rounds: 7,
        only: None,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let mut value = || argv.next().ok_or(format!("{flag} needs a value"));
        let number = |text: String| text.parse::<u32>().map_err(|e| format!("{text}: {e}"));
        match flag.as_str() {
            "--base-url" => args.base_url = value()?,
            "--tenant" => args.tenant = value()?,
            "--token" => args.token = value()?,
            "--pages" => args.pages = number(value()?)?,
            "--limit" => args.limit = number(value()?)?,
            "--rounds" => args.rounds = number(value()?)?,
            "--only" => {
                let name = value()?;
                let way = NAMES.iter().position(|n| *n == name);
                args.only = Some(way.ok_or(format!("--only: no way named {name:?}"))?);
            }
            // `cargo bench` passes this to every bench target.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.base_url.is_empty() {
        return Err("--base-url is required".into());
    }
    if args.pages == 0 || args.limit == 0 || args.rounds == 0 {
        return Err("--pages, --limit and --rounds must be positive".into());
    }
    Ok(args)
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Segments read; errors if the tenant ends before `pages` pages.
async fn walk_sdk(client: &amperity::Client, args: &Args) -> Result<u64, BoxError> {
    let mut token: Option<String> = None;
    let mut segments = 0;
    for _ in 0..args.pages {
        let mut query = client.list_segments().limit(args.limit);
        if let Some(token) = &token {
            query = query.next_token(token.as_str());
        }
        let page = query.page().await?;
        segments += page.items.len() as u64;
        token = page.next_token.clone();
        black_box(page);
        if token.is_none() {
            return Err("the tenant has fewer pages than --pages".into());
        }
    }
    Ok(segments)
}

async fn walk_sdk_pages(client: &amperity::Client, args: &Args) -> Result<u64, BoxError> {
    use futures::TryStreamExt;
    let mut pages = client.list_segments().limit(args.limit).pages();
    let mut segments = 0;
    for _ in 0..args.pages {
        let page = pages
            .try_next()
            .await?
            .ok_or("the tenant has fewer pages than --pages")?;
        segments += page.items.len() as u64;
        black_box(page);
    }
    Ok(segments)
}

async fn walk_raw<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    args: &Args,
    parts: impl Fn(&T) -> (usize, Option<String>),
) -> Result<u64, BoxError> {
    let url = format!("{}/segments", args.base_url.trim_end_matches('/'));
    let authorization = format!("Bearer {}", args.token);
    let limit = args.limit.to_string();
    let mut token: Option<String> = None;
    let mut segments = 0;
    for _ in 0..args.pages {
        let mut request = http
            .get(&url)
            .header("accept", "application/json")
            .header("amperity-tenant", &args.tenant)
            .header("api-version", "2024-04-01")
            .header("authorization", &authorization)
            .query(&[("limit", limit.as_str())]);
        if let Some(token) = &token {
            request = request.query(&[("next_token", token.as_str())]);
        }
        let response = request.send().await?.error_for_status()?;
        let body = response.bytes().await?;
        let page: T = serde_json::from_slice(&body)?;
        let (len, next) = parts(&page);
        segments += len as u64;
        token = next;
        black_box(page);
        if token.is_none() {
            return Err("the tenant has fewer pages than --pages".into());
        }
    }
    Ok(segments)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    Sdk,
    Raw,
    RawGenerated,
    RawTokenOnly,
    SdkPages,
}

const WAYS: [Way; 5] = [
    Way::Sdk,
    Way::Raw,
    Way::RawGenerated,
    Way::RawTokenOnly,
    Way::SdkPages,
];
const NAMES: [&str; 5] = ["sdk", "raw", "raw_generated", "raw_token_only", "sdk_pages"];

struct Clients {
    sdk: amperity::Client,
    sdk_pages: amperity::Client,
    raw: reqwest::Client,
    raw_generated: reqwest::Client,
    raw_token_only: reqwest::Client,
}

async fn walk(way: Way, clients: &Clients, args: &Args) -> Result<u64, BoxError> {
    match way {
        Way::Sdk => walk_sdk(&clients.sdk, args).await,
        Way::SdkPages => walk_sdk_pages(&clients.sdk_pages, args).await,
        Way::Raw => {
            walk_raw::<PlainPage>(&clients.raw, args, |p| (p.data.len(), p.next_token.clone()))
                .await
        }
        Way::RawGenerated => {
            walk_raw::<amperity::types::SegmentPage>(&clients.raw_generated, args, |p| {
                (p.data.len(), p.next_token.clone())
            })
            .await
        }
        Way::RawTokenOnly => {
            // Pages are counted as full: the token-only walk reads the same pages.
            let limit = args.limit as usize;
            walk_raw::<TokenOnly>(&clients.raw_token_only, args, |p| {
                (limit, p.next_token.clone())
            })
            .await
        }
    }
}

async fn run(args: Args) -> Result<String, BoxError> {
    let builder = amperity::Client::builder()
        .base_url(&args.base_url)
        .tenant(&args.tenant)
        .token(&args.token)
        .rate_limit(0);
    // Each way has its own connection pool: a `pages()` stream dropped with a page in flight
    // closes its connection, which must not cost the sequential SDK walk a reconnect.
    let clients = Clients {
        sdk: builder.clone().build()?,
        sdk_pages: builder.build()?,
        raw: reqwest::Client::builder().build()?,
        raw_generated: reqwest::Client::builder().build()?,
        raw_token_only: reqwest::Client::builder().build()?,
    };
    let expected = u64::from(args.pages) * u64::from(args.limit);
    for way in WAYS {
        let segments = walk(way, &clients, &args).await?;
        if segments != expected {
            return Err(format!("{way:?} read {segments} segments, expected {expected}").into());
        }
    }
    let mut wall: [Vec<f64>; 5] = Default::default();
    let mut cpu: [Vec<f64>; 5] = Default::default();
    for round in 0..args.rounds as usize {
        for i in 0..WAYS.len() {
            let slot = (round + i) % WAYS.len();
            if args.only.is_some_and(|only| only != slot) {
                continue;
            }
            let cpu_before = process_cpu_seconds();
            let started = Instant::now();
            walk(WAYS[slot], &clients, &args).await?;
            wall[slot].push(started.elapsed().as_secs_f64());
            if let (Some(before), Some(after)) = (cpu_before, process_cpu_seconds()) {
                cpu[slot].push(after - before);
            }
        }
    }
    let list = |v: &[f64]| {
        let items: Vec<String> = v.iter().map(|t| format!("{t:.6}")).collect();
        format!("[{}]", items.join(","))
    };
    let mut json = format!(
        "{{\"pages\":{},\"limit\":{},\"rounds\":{}",
        args.pages, args.limit, args.rounds
    );
    for (slot, name) in NAMES.iter().enumerate() {
        json += &format!(
            ",\"{name}_s\":{},\"{name}_cpu_s\":{}",
            list(&wall[slot]),
            list(&cpu[slot])
        );
    }
    json.push('}');
    Ok(json)
}

/// CPU time of every thread of this process so far, in seconds, with nanosecond resolution
/// (`/proc/self/stat` only counts in 10 ms ticks). `None` off Linux.
fn process_cpu_seconds() -> Option<f64> {
    let mut nanos: u64 = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path().join("schedstat");
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // The thread ended meanwhile.
        };
        nanos += text.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(nanos as f64 / 1e9)
}

fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("sdk_overhead: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    // The CLI's runtime: two workers.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(json) => {
            println!("{json}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sdk_overhead: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

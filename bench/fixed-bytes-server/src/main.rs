//! `fixed-bytes-server --addr 127.0.0.1:0 --body FILE`: answers every request with `200 OK`,
//! `content-type: application/json` and the bytes of FILE.
//!
//! The ceiling `cargo xtask bench` compares amperity-mock's throughput with: the same hyper
//! version and tokio runtime as the mock, `TCP_NODELAY` and pipelined flushes as the mock, and
//! none of its work (no routing, checks, page generation, request ids or header-read timer). It
//! prints `listening on http://ADDR` once it accepts connections, and runs until it is killed.
#![forbid(unsafe_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const USAGE: &str = "usage: fixed-bytes-server [--addr HOST:PORT] --body FILE";

struct Args {
    addr: SocketAddr,
    body: Bytes,
}

fn parse_args() -> Result<Args, String> {
    let mut addr: SocketAddr = ([127, 0, 0, 1], 0).into();
    let mut body = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => {
                let text = value()?;
                addr = text.parse().map_err(|e| format!("--addr {text}: {e}"))?;
            }
            "--body" => {
                let path = value()?;
                let bytes = std::fs::read(&path).map_err(|e| format!("--body {path}: {e}"))?;
                body = Some(Bytes::from(bytes));
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let body = body.ok_or("--body is required")?;
    Ok(Args { addr, body })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("fixed-bytes-server: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "fixed-bytes-server: cannot listen on {}: {error}",
                args.addr
            );
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().unwrap_or(args.addr);
    println!("listening on http://{local}");
    let mut http = http1::Builder::new();
    // As amperity-mock does, so that the comparison is about the work per request.
    http.pipeline_flush(true);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                eprintln!("fixed-bytes-server: accept failed: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let body = args.body.clone();
        let service = service_fn(move |_request: Request<hyper::body::Incoming>| {
            let mut response = Response::new(Full::new(body.clone()));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            async move { Ok::<_, Infallible>(response) }
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}

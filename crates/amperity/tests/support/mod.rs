//! Test servers on loopback: a scripted one that answers a fixed sequence of responses and
//! records what it was sent, and helpers for clients pointed at a server.
#![allow(dead_code)]

pub mod faults;

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;

/// One response the scripted server gives.
#[derive(Clone, Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Canned {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn raw(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn error(status: u16, message: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({"status": status, "message": message, "request_id": format!("req-{status}")}),
        )
    }

    pub fn page(ids: &[&str], next_token: Option<&str>) -> Self {
        let data: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id, "name": format!("Segment {id}")}))
            .collect();
        let mut body = serde_json::json!({ "data": data });
        if let Some(token) = next_token {
            body["next_token"] = token.into();
        }
        Self::json(200, body)
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request as the scripted server received it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub at: Instant,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: String,
}

#[derive(Clone)]
struct Script {
    responses: Arc<Mutex<VecDeque<Canned>>>,
    last: Arc<Mutex<Option<Canned>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// A server that answers with `responses` in order, then repeats the last one.
pub struct Scripted {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    pub async fn start(responses: Vec<Canned>) -> Self {
        let script = Script {
            responses: Arc::new(Mutex::new(responses.into())),
            last: Arc::new(Mutex::new(None)),
            seen: Arc::new(Mutex::new(Vec::new())),
        };
        let seen = script.seen.clone();
        let app = axum::Router::new().fallback(answer).with_state(script);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base_url: format!("http://{addr}/api"),
            seen,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The path and query of every request so far, in order.
    pub fn uris(&self) -> Vec<String> {
        self.requests().iter().map(|r| r.uri.to_string()).collect()
    }
}

async fn answer(State(script): State<Script>, request: Request) -> Response {
    let at = Instant::now();
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    script.seen.lock().unwrap().push(Seen {
        at,
        uri: parts.uri,
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let canned = {
        let next = script.responses.lock().unwrap().pop_front();
        let mut last = script.last.lock().unwrap();
        if let Some(next) = next {
            *last = Some(next);
        }
        last.clone()
            .expect("a scripted server needs at least one response")
    };
    tokio::time::sleep(canned.delay).await;
    let mut response = Response::builder().status(StatusCode::from_u16(canned.status).unwrap());
    for (name, value) in &canned.headers {
        response = response.header(*name, value);
    }
    response.body(Body::from(canned.body)).unwrap()
}

/// A client for tests: fast retries, no pacing unless a test asks for it.
pub fn client_for(base_url: &str) -> amperity::ClientBuilder {
    amperity::Client::builder()
        .tenant("acme")
        .token("test-token-0123456789")
        .base_url(base_url)
        .rate_limit(0)
        .retry_policy(fast_retries())
}

/// Two retries, as by default, with backoffs short enough for tests.
pub fn fast_retries() -> amperity::RetryPolicy {
    amperity::RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
    }
}

/// Trace output, captured.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Everything traced, at every level, while the guard lives (on this thread).
pub fn capture_traces() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

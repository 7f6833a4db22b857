//! What is retried, how long the client waits, and what it gives up with.

mod support;

use std::time::{Duration, Instant};

use amperity::prelude::*;
use support::{Canned, Scripted, client_for};

#[tokio::test]
async fn retries_429_with_retry_after_then_503_then_succeeds() {
    let server = Scripted::start(vec![
        Canned::error(429, "slow down").with_header("retry-after", "1"),
        Canned::error(503, "unavailable"),
        Canned::page(&["a"], None),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let page = client.list_segments().page().await.unwrap();
    assert_eq!(page.items.len(), 1);
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    // Retry-After: 1 was honoured (the configured backoff alone is at most 40 ms).
    assert!(seen[1].at - seen[0].at >= Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    let server = Scripted::start(vec![
        Canned::error(429, "slow down").with_header("retry-after", &httpdate::fmt_http_date(at)),
        Canned::page(&["a"], None),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    client.list_segments().page().await.unwrap();
    let seen = server.requests();
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(900));
}

#[tokio::test]
async fn every_transient_status_is_retried() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = Scripted::start(vec![
            Canned::error(status, "transient"),
            Canned::page(&["a"], None),
        ])
        .await;
        let client = client_for(&server.base_url).build().unwrap();
        client.list_segments().page().await.unwrap();
        assert_eq!(server.requests().len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400, 401, 403, 404] {
        let server = Scripted::start(vec![Canned::error(status, "no")]).await;
        let client = client_for(&server.base_url).build().unwrap();
        let error = client.list_segments().page().await.unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), status);
        assert_eq!(server.requests().len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn giving_up_reports_the_last_error_with_its_retry_after() {
    let server = Scripted::start(vec![
        Canned::error(429, "slow down").with_header("retry-after", "0"),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    assert_eq!(
        server.requests().len(),
        3,
        "the first attempt and two retries"
    );
    let Error::RateLimited(api) = &error else {
        panic!("expected RateLimited, got {error:?}")
    };
    assert_eq!(api.retry_after, Some(Duration::ZERO));
    assert_eq!(api.request_id.as_deref(), Some("req-429"));
}

#[tokio::test]
async fn zero_retries_means_one_attempt() {
    let server = Scripted::start(vec![Canned::error(503, "down")]).await;
    let client = client_for(&server.base_url).max_retries(0).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    // A port that was just free: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}/api"))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.list_segments().page().await.unwrap_err();
    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(
        error.to_string().starts_with("connection failed"),
        "{error}"
    );
    // Two backoffs of at least 5 ms each happened.
    assert!(started.elapsed() >= Duration::from_millis(10));
}

/// A provider whose first token has expired; it mints a new one when told.
struct Refreshing {
    current: std::sync::Mutex<String>,
}

impl amperity::TokenProvider for Refreshing {
    fn token(
        &self,
    ) -> futures::future::BoxFuture<'_, Result<amperity::Token, amperity::TokenError>> {
        let token = self.current.lock().unwrap().clone();
        Box::pin(async move { Ok(amperity::Token::new(token)) })
    }

    fn invalidate(&self, _token: &amperity::Token) {
        *self.current.lock().unwrap() = "fresh-token".into();
    }
}

#[tokio::test]
async fn a_401_asks_the_token_provider_for_a_fresh_token_once() {
    let server = Scripted::start(vec![
        Canned::error(401, "token expired"),
        Canned::page(&["a"], None),
    ])
    .await;
    let client = client_for(&server.base_url)
        .token_provider(Refreshing {
            current: std::sync::Mutex::new("expired-token".into()),
        })
        .build()
        .unwrap();
    client.list_segments().page().await.unwrap();
    let seen = server.requests();
    assert_eq!(seen[0].headers["authorization"], "Bearer expired-token");
    assert_eq!(seen[1].headers["authorization"], "Bearer fresh-token");
}

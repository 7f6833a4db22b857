//! Errors users can match on and read: decode failures, timeouts, and no secret anywhere.

mod support;

use std::time::Duration;

use amperity::Timeout;
use amperity::prelude::*;
use support::{Canned, Scripted, capture_traces, client_for};

const TOKEN: &str = "test-token-0123456789";

#[tokio::test]
async fn an_html_page_from_a_proxy_is_a_decode_error_with_status_type_and_snippet() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Scripted::start(vec![Canned::raw(200, "text/html", html)]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}")
    };
    assert_eq!(decode.status.map(|s| s.as_u16()), Some(200));
    assert_eq!(decode.content_type.as_deref(), Some("text/html"));
    assert!(decode.snippet.starts_with("<html>"));
    let message = error.to_string();
    assert!(
        message.contains("200") && message.contains("text/html"),
        "{message}"
    );
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let server = Scripted::start(vec![Canned::raw(
        200,
        "application/json",
        r#"{"data": [{"id": "a", "na"#,
    )])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode(d) if d.status.map(|s| s.as_u16()) == Some(200)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_decode_error() {
    let server = Scripted::start(vec![Canned::json(
        200,
        serde_json::json!({"data": {"id": 1}}),
    )])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
}

#[tokio::test]
async fn error_bodies_become_api_errors_that_name_status_message_and_request_id() {
    let body = serde_json::json!({
        "status": 404, "message": "No such tenant.", "request_id": "r-123", "trace_id": "t-9", "hint": "x"
    });
    let server = Scripted::start(vec![Canned::json(404, body)]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    let api = error.api_error().expect("an API error");
    assert_eq!(api.trace_id.as_deref(), Some("t-9"));
    assert_eq!(api.body.as_ref().unwrap().extra["hint"], "x");
    assert!(String::from_utf8_lossy(&api.raw_body).contains("No such tenant."));
    assert_eq!(
        error.to_string(),
        "HTTP 404 Not Found: No such tenant. (request id r-123)"
    );
}

#[tokio::test]
async fn auth_failures_have_their_own_variants() {
    for (status, is_expected) in [
        (
            401,
            (|e: &Error| matches!(e, Error::Unauthorized(_))) as fn(&Error) -> bool,
        ),
        (403, |e: &Error| matches!(e, Error::Forbidden(_))),
    ] {
        let server = Scripted::start(vec![Canned::error(status, "no")]).await;
        let client = client_for(&server.base_url).build().unwrap();
        let error = client.list_segments().page().await.unwrap_err();
        assert!(is_expected(&error), "{status}: {error:?}");
    }
}

#[tokio::test]
async fn an_undeclared_status_with_an_html_body_keeps_status_and_snippet() {
    let server = Scripted::start(vec![
        Canned::raw(418, "text/html", "<p>I'm a teapot</p>").with_header("x-request-id", "edge-7"),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 418);
    assert_eq!(error.request_id(), Some("edge-7"));
    assert!(error.to_string().contains("teapot"), "{error}");
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_a_timeout() {
    let server = Scripted::start(vec![
        Canned::page(&["a"], None).delayed(Duration::from_secs(5)),
    ])
    .await;
    let client = client_for(&server.base_url)
        .max_retries(0)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout(Timeout::Attempt(Some(d))) if d == Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("timed out"), "{error}");
}

#[tokio::test]
async fn the_overall_timeout_bounds_retries() {
    let server = Scripted::start(vec![
        Canned::page(&["a"], None).delayed(Duration::from_secs(5)),
    ])
    .await;
    let client = client_for(&server.base_url)
        .max_retries(10)
        .timeout(Duration::from_millis(100))
        .overall_timeout(Duration::from_millis(350))
        .build()
        .unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout(Timeout::Overall(_))),
        "{error:?}"
    );
}

/// Collects everything a `tracing` subscriber writes.
#[tokio::test(flavor = "current_thread")]
async fn the_token_never_appears_in_traces_errors_or_debug_output() {
    let (traces, _guard) = capture_traces();
    let server = Scripted::start(vec![
        Canned::error(503, "busy"),
        Canned::error(401, "expired"),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    let outputs = [
        traces.text(),
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ];
    assert!(
        traces.text().contains("amperity.request"),
        "spans are traced"
    );
    assert!(traces.text().contains("retrying"), "retries are traced");
    for output in outputs {
        assert!(!output.contains(TOKEN), "token leaked into: {output}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn deprecation_headers_warn_once_per_client_and_are_on_the_page() {
    let (traces, _guard) = capture_traces();
    let server = Scripted::start(vec![
        Canned::page(&["a"], None)
            .with_header("deprecation", "Tue, 1 Sep 2026 23:59:59 GMT")
            .with_header("sunset", "Wed, 1 Dec 2026 23:59:59 GMT"),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let page = client.list_segments().page().await.unwrap();
    client.clone().list_segments().page().await.unwrap();
    assert_eq!(
        page.deprecation.as_deref(),
        Some("Tue, 1 Sep 2026 23:59:59 GMT")
    );
    assert_eq!(page.sunset.as_deref(), Some("Wed, 1 Dec 2026 23:59:59 GMT"));
    assert_eq!(
        traces.text().matches("deprecated").count(),
        1,
        "{}",
        traces.text()
    );
}

//! Which failed requests are sent again: an idempotent one after any transient failure, one that
//! changes state only when the server certainly did not act on it. A server below HTTP counts
//! what reaches it.

mod support;

use std::time::Duration;

use amperity::Error;
use serde_json::json;
use support::client_for;
use support::faults::{Fault, FaultServer};

fn page() -> Fault {
    Fault::json(200, json!({"data": [{"id": "s1", "name": "One"}]}))
}

#[tokio::test]
async fn a_get_cut_off_after_sending_is_sent_again() {
    let server = FaultServer::start(vec![Fault::Cut, page()]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let page = client.list_segments().page().await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_get_that_timed_out_is_sent_again() {
    let server = FaultServer::start(vec![Fault::Hang, page()]).await;
    let client = client_for(&server.base_url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client.list_segments().page().await.unwrap();
    assert_eq!(server.received().len(), 2);
}

fn run() -> Fault {
    Fault::json(
        201,
        json!({
            "id": "wf-1", "name": "Daily", "state": "scheduled", "type": "courier.group/run",
            "tenant": "acme", "created_at": "2026-06-19T04:00:18.764Z"
        }),
    )
}

/// Starts a run of `cg-1`: the request that must not go out twice.
async fn start(client: &amperity::Client) -> Result<amperity::types::WorkflowRun, Error> {
    let response = client
        .start_workflow_run()
        .body_map(|body| body.config_id("cg-1"))
        .call()
        .await?;
    Ok(response.into_inner())
}

fn assert_not_retried(error: &Error) {
    assert!(matches!(error, Error::NotRetried(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("not retried") && message.contains("may have acted"),
        "{message}"
    );
}

#[tokio::test]
async fn starting_a_run_is_sent_once_when_the_server_answers_500() {
    let server = FaultServer::start(vec![Fault::error(500), run()]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = start(&client).await.unwrap_err();
    assert_not_retried(&error);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(error.to_string().contains("scripted 500"), "{error}");
    let received = server.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].path, "/api/workflow/runs");
    assert_eq!(received[0].body, r#"{"config_id":"cg-1"}"#);
}

#[tokio::test]
async fn starting_a_run_is_sent_once_when_the_server_does_not_answer_in_time() {
    let server = FaultServer::start(vec![Fault::Hang, run()]).await;
    let client = client_for(&server.base_url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = start(&client).await.unwrap_err();
    assert_not_retried(&error);
    let Error::NotRetried(inner) = &error else {
        unreachable!()
    };
    assert!(matches!(**inner, Error::Timeout(_)), "{inner:?}");
    // Give a retry, had there been one, the time to arrive.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn starting_a_run_is_sent_once_when_the_connection_is_cut_after_sending() {
    let server = FaultServer::start(vec![Fault::Cut, run()]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let error = start(&client).await.unwrap_err();
    assert_not_retried(&error);
    let Error::NotRetried(inner) = &error else {
        unreachable!()
    };
    assert!(matches!(**inner, Error::Connection { .. }), "{inner:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn starting_a_run_is_sent_again_after_a_429_which_refused_it() {
    let server = FaultServer::start(vec![Fault::error(429), run()]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let run = start(&client).await.unwrap();
    assert_eq!(run.id, "wf-1");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn starting_a_run_is_sent_again_when_the_connection_was_refused() {
    // Reserve a port, and only listen on it once the first attempt has been refused: the retry
    // waits at least half the first backoff (0.5 s here) before it connects again.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client_for(&format!("http://127.0.0.1:{port}/api"))
        .retry_policy(amperity::RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    let started = tokio::spawn(async move { start(&client).await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let server = FaultServer::serve(listener, vec![run()]);
    let run = started.await.unwrap().unwrap();
    assert_eq!(run.id, "wf-1");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn stopping_a_run_is_idempotent_and_retried_like_a_get() {
    let stopped = Fault::json(
        200,
        json!({
            "id": "wf-1", "name": "Daily", "state": "stopping", "type": "courier.group/run",
            "tenant": "acme", "created_at": "2026-06-19T04:00:18.764Z"
        }),
    );
    let server = FaultServer::start(vec![Fault::error(500), Fault::Cut, stopped]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let run = client
        .stop_workflow_run()
        .workflow_id("wf-1")
        .call()
        .await
        .unwrap();
    assert_eq!(run.state.as_str(), "stopping");
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert!(
        received
            .iter()
            .all(|r| r.method == "POST" && r.path == "/api/workflow/runs/wf-1/stop"),
        "{received:?}"
    );
}

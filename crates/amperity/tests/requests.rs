//! What goes on the wire, checked with the generated httpmock helpers.

mod support;

use amperity_httpmock::MockServerExt;
use httpmock::MockServer;
use serde_json::json;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn page(next_token: Option<&str>) -> amperity::types::SegmentPage {
    serde_json::from_value(json!({
        "data": [{"id": "ab-1CDEfGHI", "name": "Holiday Segment"}],
        "next_token": next_token,
    }))
    .unwrap()
}

#[test]
fn every_request_carries_tenant_token_and_version_exactly_once() {
    let server = MockServer::start();
    let mock = server.list_segments(|when, then| {
        // httpmock's `When` records each matcher as it is added, so the chain needs no binding.
        when.into_inner()
            .header("amperity-tenant", "acme")
            .header_count("^amperity-tenant$", ".*", 1)
            .header("authorization", "Bearer test-token-0123456789")
            .header_count("^authorization$", ".*", 1)
            .header("api-version", "2024-04-01")
            .header_count("^api-version$", ".*", 1)
            .header_exists("user-agent");
        then.ok(&page(None));
    });
    let client = support::client_for(&server.base_url()).build().unwrap();
    let page = runtime().block_on(client.list_segments().page()).unwrap();
    assert_eq!(page.items[0].name, "Holiday Segment");
    mock.assert_calls(1);
}

#[test]
fn query_parameters_are_encoded() {
    let server = MockServer::start();
    let token: amperity::types::ListSegmentsNextToken = "a+b/c=d&e".parse().unwrap();
    let mock = server.list_segments(|when, then| {
        when.limit(std::num::NonZeroU32::new(250))
            .with_total(true)
            .next_token(&token);
        then.ok(&page(None));
    });
    let client = support::client_for(&server.base_url()).build().unwrap();
    runtime()
        .block_on(
            client
                .list_segments()
                .limit(250)
                .with_total(true)
                .next_token("a+b/c=d&e")
                .page(),
        )
        .unwrap();
    mock.assert_calls(1);
}

#[test]
fn the_generated_builder_gets_the_same_headers() {
    let server = MockServer::start();
    let mock = server.list_segments(|when, then| {
        when.into_inner()
            .header("amperity-tenant", "acme")
            .header_count("^api-version$", ".*", 1);
        then.ok(&page(Some("next")));
    });
    let client = support::client_for(&server.base_url()).build().unwrap();
    let response = runtime().block_on(client.list_segments().send()).unwrap();
    assert_eq!(response.next_token.as_deref(), Some("next"));
    mock.assert_calls(1);
}

#[tokio::test]
async fn an_id_is_escaped_into_one_path_segment_never_interpreted() {
    use support::faults::{Fault, FaultServer};
    let job = serde_json::json!({"id": "x", "state": "succeeded"});
    let server = FaultServer::start(vec![Fault::json(200, job)]).await;
    let client = support::client_for(&server.base_url).build().unwrap();
    for id in ["a/b c", "x?y#z", "50%", "..", "."] {
        let _ = client.get_ingest_job().job_id(id).call().await;
    }
    let paths: Vec<String> = server.received().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/api/ingest/jobs/a%2Fb%20c",
            "/api/ingest/jobs/x%3Fy%23z",
            "/api/ingest/jobs/50%25",
        ]
    );
}

#[tokio::test]
async fn enumeration_values_added_later_decode_and_are_kept() {
    use amperity::types::{WorkflowRunState, WorkflowRunView, WorkflowType};
    use support::faults::{Fault, FaultServer};
    let run = serde_json::json!({
        "id": "wf-1", "name": "Daily", "state": "waiting_for_approval",
        "type": "courier.group/run", "tenant": "acme", "created_at": "2026-06-19T04:00:18.764Z",
        "task_instances": [{
            "id": "t-1", "state": "succeeded", "execution_type": "quantum", "tenant": "acme",
            "workflow_id": "wf-1"
        }]
    });
    let server = FaultServer::start(vec![Fault::json(200, run)]).await;
    let client = support::client_for(&server.base_url).build().unwrap();
    let run = client
        .get_workflow_run()
        .workflow_id("wf-1")
        .view(WorkflowRunView::Verbose)
        .call()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        run.state,
        WorkflowRunState::Unknown("waiting_for_approval".into())
    );
    assert!(!run.state.is_known());
    assert_eq!(run.state.to_string(), "waiting_for_approval");
    assert_eq!(run.type_, WorkflowType::CourierGroupRun);
    let task = &run.task_instances[0];
    assert_eq!(
        task.execution_type.as_ref().map(|t| t.as_str()),
        Some("quantum")
    );
    // Written back as it came.
    let written = serde_json::to_value(&run).unwrap();
    assert_eq!(written["state"], "waiting_for_approval");
    assert_eq!(
        server.received()[0].path,
        "/api/workflow/runs/wf-1?view=verbose"
    );
}

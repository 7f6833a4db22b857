//! Two APIs, two versions: every operation of each spec carries its own API's `api-version`,
//! exactly once, and never the other's. An independent server checks the headers; the SDK's
//! answers do not matter here.

use httpmock::prelude::*;

#[tokio::test]
async fn every_operation_carries_the_version_of_its_own_api() {
    let server = MockServer::start_async().await;
    let answer = serde_json::json!({"status": 404, "message": "checked"});
    let profile = server
        .mock_async(|when, then| {
            when.path_includes("/api/indexes")
                .header("api-version", "2025-07-31")
                .header_count("^api-version$", ".*", 1)
                .header("amperity-tenant", "acme");
            then.status(404).json_body(answer.clone());
        })
        .await;
    let control_plane = server
        .mock_async(|when, then| {
            when.path_matches(r"^/api/(segments|audit-events|campaigns|ingest/|workflow/)")
                .header("api-version", "2024-04-01")
                .header_count("^api-version$", ".*", 1)
                .header("amperity-tenant", "acme");
            then.status(404).json_body(answer.clone());
        })
        .await;
    let client = amperity::Client::builder()
        .tenant("acme")
        .token("t")
        .base_url(server.url("/api"))
        .rate_limit(0)
        .max_retries(0)
        .build()
        .unwrap();

    let c = &client;
    let outcomes = [
        c.list_segments().call().await.map(drop),
        c.list_audit_events().call().await.map(drop),
        c.list_campaigns().call().await.map(drop),
        c.list_ingest_jobs()
            .created_from("2026-01-01")
            .created_to("2026-01-02")
            .call()
            .await
            .map(drop),
        c.get_ingest_job().job_id("isj-1").call().await.map(drop),
        c.list_workflow_runs().call().await.map(drop),
        c.start_workflow_run()
            .body(amperity::types::WorkflowRunRequest::builder().config_id("cg-1"))
            .call()
            .await
            .map(drop),
        c.get_workflow_run()
            .workflow_id("wf-1")
            .call()
            .await
            .map(drop),
        c.stop_workflow_run()
            .workflow_id("wf-1")
            .call()
            .await
            .map(drop),
    ];
    let p = client.profile_api();
    let profile_outcomes = [
        p.list_profile_indexes().call().await.map(drop),
        p.get_profile_index()
            .index_id("idx-1")
            .call()
            .await
            .map(drop),
        p.list_profiles()
            .index_id("idx-1")
            .filter(amperity::profile::filter([("last_name", "Kuhlman")]))
            .call()
            .await
            .map(drop),
        p.get_profile()
            .index_id("idx-1")
            .profile_id("p-1")
            .call()
            .await
            .map(drop),
    ];
    for outcome in outcomes.iter().chain(&profile_outcomes) {
        // A 404 from one of the two mocks above: the request matched its API's version. Any
        // other request gets httpmock's own 404, without our body.
        let error = outcome.as_ref().unwrap_err();
        assert_eq!(
            error.api_error().map(|e| e.message.as_str()),
            Some("checked"),
            "{error}"
        );
    }
    assert_eq!(control_plane.calls_async().await, outcomes.len());
    assert_eq!(profile.calls_async().await, profile_outcomes.len());
}

//! Workflow runs started through the API: their life over time, stops, concurrency, bodies.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use amperity_mock::MockConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Mock, TOKEN, VERSION, config, start};

fn paced(step_ms: u64) -> MockConfig {
    MockConfig {
        workflow_runs: 20,
        campaigns: 12,
        run_step: Duration::from_millis(step_ms),
        ..config(10)
    }
}

async fn start_run(mock: &Mock, body: Value) -> (u16, Value) {
    let request = mock.call(Method::POST, "/workflow/runs").json(&body);
    let answer = mock.send_to("start_workflow_run", request).await;
    (answer.status.as_u16(), answer.body)
}

async fn get_run(mock: &Mock, id: &str) -> Value {
    let request = mock
        .call(Method::GET, &format!("/workflow/runs/{id}"))
        .query(&[("view", "verbose")]);
    let answer = mock.send_to("get_workflow_run", request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body
}

async fn stop_run(mock: &Mock, id: &str) -> (u16, Value) {
    let request = mock.call(Method::POST, &format!("/workflow/runs/{id}/stop"));
    let answer = mock.send_to("stop_workflow_run", request).await;
    (answer.status.as_u16(), answer.body)
}

/// Every run of the tenant, walked page by page.
async fn all_runs(mock: &Mock, query: &[(&str, &str)]) -> Vec<Value> {
    let mut runs = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = mock.call(Method::GET, "/workflow/runs").query(query);
        if let Some(token) = &token {
            request = request.query(&[("next_token", token)]);
        }
        let answer = mock.send_to("list_workflow_runs", request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        runs.extend(answer.body["data"].as_array().unwrap().iter().cloned());
        match answer.body["next_token"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return runs,
        }
    }
}

#[tokio::test]
async fn a_run_lives_from_scheduled_to_succeeded() {
    // Steps long enough that a loaded machine still sees every state between two polls.
    let mock = start(paced(150)).await;
    let (status, run) = start_run(
        &mock,
        json!({"config_id": "cg-123ABc4DE", "range_from": "2026-10-01", "range_to": "2026-10-07", "run_mode": "full"}),
    )
    .await;
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["state"], "scheduled");
    assert_eq!(run["type"], "courier.group/run");
    assert_eq!(run["tenant"], "acme");
    assert!(run.get("ended_at").is_none());
    let id = run["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("wf-") && id.split('-').count() == 4, "{id}");
    let order = ["scheduled", "started", "running", "succeeded"];
    let mut seen = vec!["scheduled".to_owned()];
    let deadline = Instant::now() + Duration::from_secs(10);
    let last = loop {
        let now = get_run(&mock, &id).await;
        let state = now["state"].as_str().unwrap().to_owned();
        if seen.last() != Some(&state) {
            seen.push(state.clone());
        }
        if state == "succeeded" {
            break now;
        }
        assert!(Instant::now() < deadline, "still {state}");
        tokio::time::sleep(Duration::from_millis(15)).await;
    };
    let positions: Vec<usize> = seen
        .iter()
        .map(|s| {
            order
                .iter()
                .position(|o| o == s)
                .unwrap_or_else(|| panic!("{s}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert!(seen.contains(&"running".to_owned()), "{seen:?}");
    assert!(last["ended_at"].as_str().unwrap() > last["created_at"].as_str().unwrap());
    let tasks = last["task_instances"].as_array().unwrap();
    assert_eq!(tasks.len(), 4);
    assert!(
        tasks
            .iter()
            .all(|t| t["state"] == "succeeded" && t["ended_at"].is_string())
    );
    // It has ended: a stop is a conflict, and the list shows it as it stands.
    assert_eq!(stop_run(&mock, &id).await.0, 409);
    let listed = all_runs(
        &mock,
        &[("state", "succeeded"), ("type", "courier.group/run")],
    )
    .await;
    let entry = listed
        .iter()
        .find(|r| r["id"] == id.as_str())
        .expect("listed");
    assert_eq!(entry["state"], "succeeded");
    assert_eq!(entry["ended_at"], last["ended_at"]);
}

#[tokio::test]
async fn a_run_stopped_early_is_canceling_then_canceled_and_a_second_stop_is_the_first() {
    let mock = start(paced(1000)).await;
    let (_, run) = start_run(&mock, json!({"config_id": "og-7Hq2"})).await;
    assert_eq!(run["type"], "amperity.orchestration.orchestration/run");
    let id = run["id"].as_str().unwrap().to_owned();
    let (status, stopping) = stop_run(&mock, &id).await;
    assert_eq!(status, 200, "{stopping}");
    assert_eq!(stopping["state"], "canceling");
    let (status, again) = stop_run(&mock, &id).await;
    assert_eq!(status, 200);
    assert_eq!(again["state"], "canceling");
    assert_eq!(again["created_at"], stopping["created_at"]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let canceled = get_run(&mock, &id).await;
    assert_eq!(canceled["state"], "canceled", "{canceled}");
    assert_eq!(canceled["error"]["message"], "Workflow manually stopped");
    assert!(canceled["ended_at"].is_string());
    // Stopping a stopped run answers it as it stands, changed in nothing.
    let (status, third) = stop_run(&mock, &id).await;
    assert_eq!(status, 200);
    assert_eq!(third, canceled);
    // Time passing does not revive it: past the five steps after which it would have succeeded.
    tokio::time::sleep(Duration::from_millis(4000)).await;
    assert_eq!(get_run(&mock, &id).await, canceled);
    let listed = all_runs(&mock, &[("state", "canceled")]).await;
    assert!(listed.iter().any(|r| r["id"] == id.as_str()));
    let ended = all_runs(&mock, &[("ended_from", "2026-11-01")]).await;
    assert!(
        ended.iter().any(|r| r["id"] == id.as_str())
            || canceled["ended_at"].as_str().unwrap() < "2026-11-01"
    );
}

#[tokio::test]
async fn a_run_stopped_while_running_stops_its_running_task() {
    let mock = start(paced(400)).await;
    let (_, run) = start_run(&mock, json!({"config_id": "cg-1"})).await;
    let id = run["id"].as_str().unwrap().to_owned();
    // Running from 800 ms to 2 s.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(get_run(&mock, &id).await["state"], "running");
    let (_, stopping) = stop_run(&mock, &id).await;
    let states: Vec<&str> = stopping["task_instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["state"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"stopping"), "{states:?}");
    assert!(states.contains(&"canceled"), "{states:?}");
}

#[tokio::test]
async fn concurrent_starts_each_make_one_run_of_their_tenant() {
    let mock = start(MockConfig {
        tenant: None,
        ..paced(10_000)
    })
    .await;
    let requests = (0..40).map(|n| {
        let tenant = if n % 4 == 0 { "globex" } else { "acme" };
        let request = mock
            .bare(Method::POST, "/workflow/runs")
            .bearer_auth(TOKEN)
            .header("api-version", VERSION)
            .header("amperity-tenant", tenant)
            .json(&json!({"config_id": format!("cg-{n}")}));
        let mock = &mock;
        async move {
            let answer = mock.send_to("start_workflow_run", request).await;
            assert_eq!(answer.status, 201);
            (tenant, answer.body["id"].as_str().unwrap().to_owned())
        }
    });
    let started = futures_join_all(requests).await;
    let ids: HashSet<&String> = started.iter().map(|(_, id)| id).collect();
    assert_eq!(ids.len(), 40);
    let acme: HashSet<String> = started
        .iter()
        .filter(|(t, _)| *t == "acme")
        .map(|(_, id)| id.clone())
        .collect();
    let listed: HashSet<String> = all_runs(&mock, &[("state", "scheduled")])
        .await
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, acme, "the tenant sees its own runs, all of them");
    let globex_id = &started.iter().find(|(t, _)| *t == "globex").unwrap().1;
    let request = mock.call(Method::GET, &format!("/workflow/runs/{globex_id}"));
    assert_eq!(mock.send_to("get_workflow_run", request).await.status, 404);
    assert_eq!(stop_run(&mock, globex_id).await.0, 404);
}

/// Polls every future together on the current task.
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => {
                        *result = Some(output);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.extend(results.into_iter().map(Option::unwrap));
    outputs
}

#[tokio::test]
async fn bodies_are_checked_and_config_ids_name_a_workflow() {
    let mock = start(paced(1000)).await;
    for (body, field) in [
        (json!({}), "config_id"),
        (json!({"config_id": ""}), "config_id"),
        (json!({"config_id": 7}), "config_id"),
        (json!({"config_id": "cg-1", "run_mode": "fast"}), "run_mode"),
        (
            json!({"config_id": "cg-1", "range_from": "soon"}),
            "range_from",
        ),
        (
            json!({"config_id": "cg-1", "range_to": "2026-10-07"}),
            "range_from",
        ),
        (
            json!({"config_id": "cg-1", "range_from": "2026-10-07", "range_to": "2026-10-01"}),
            "range_to",
        ),
        (json!({"config_id": "og-1", "run_mode": "full"}), "run_mode"),
        (
            json!({"config_id": "cc-1", "range_from": "2026-10-01"}),
            "range_from",
        ),
        (json!(["cg-1"]), "JSON object"),
    ] {
        let (status, answer) = start_run(&mock, body.clone()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(field),
            "{body}: {answer}"
        );
    }
    for raw in ["", "{", "config_id=cg-1"] {
        let request = mock.call(Method::POST, "/workflow/runs").body(raw);
        assert_eq!(
            mock.send_to("start_workflow_run", request).await.status,
            400,
            "{raw}"
        );
    }
    for unknown in ["cg-", "xx-123", "cg-12/3", "cc-123ABc4DE", "CG-1"] {
        let (status, answer) = start_run(&mock, json!({"config_id": unknown})).await;
        assert_eq!(status, 404, "{unknown}: {answer}");
    }
    // A campaign that GET /campaigns lists can be sent, under its name.
    let campaigns = mock
        .send_to("list_campaigns", mock.call(Method::GET, "/campaigns"))
        .await
        .body;
    let campaign = &campaigns["data"][3];
    let (status, run) = start_run(&mock, json!({"config_id": campaign["id"], "extra": true})).await;
    assert_eq!(status, 201);
    assert_eq!(run["type"], "campaign.send");
    assert_eq!(run["name"], campaign["name"]);
    let oversized = "x".repeat(70_000);
    let (status, _) = start_run(&mock, json!({"config_id": oversized})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unknown_runs_are_404() {
    let mock = start(paced(1000)).await;
    for id in [
        "wf-20261001-1-000000",
        "nope",
        "wf-20240603-12345-MNabc",
        "%2E%2E%2E",
        "a%2Fb",
    ] {
        let request = mock.call(Method::GET, &format!("/workflow/runs/{id}"));
        assert_eq!(
            mock.send_to("get_workflow_run", request).await.status,
            404,
            "{id}"
        );
        assert_eq!(stop_run(&mock, id).await.0, 404, "{id}");
    }
}

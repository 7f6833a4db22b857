//! Every list of the control plane over HTTP: pages, filters, windows, lookups by ID and the
//! gateway's checks on every route. Every body is checked against the spec by `send_to`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use amperity_mock::MockConfig;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Mock, TENANT, TOKEN, VERSION, config, start};

/// Every operation: method, a path that reaches it, its operation ID, and a body if it takes one.
const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/segments", "list_segments"),
    ("GET", "/audit-events", "list_audit_events"),
    ("GET", "/campaigns", "list_campaigns"),
    (
        "GET",
        "/ingest/jobs?created_from=2026-10-01&created_to=2026-10-02",
        "list_ingest_jobs",
    ),
    (
        "GET",
        "/ingest/jobs/isj-20261001-1-000000",
        "get_ingest_job",
    ),
    ("GET", "/workflow/runs", "list_workflow_runs"),
    ("POST", "/workflow/runs", "start_workflow_run"),
    (
        "GET",
        "/workflow/runs/wf-20261001-1-000000",
        "get_workflow_run",
    ),
    (
        "POST",
        "/workflow/runs/wf-20261001-1-000000/stop",
        "stop_workflow_run",
    ),
];

fn method(name: &str) -> Method {
    name.parse().unwrap()
}

fn small() -> MockConfig {
    MockConfig {
        audit_events: 400,
        campaigns: 45,
        ingest_jobs: 520,
        workflow_runs: 250,
        ..config(30)
    }
}

/// Follows `next_token` through `path` with `query`, `limit` records a page; returns them all.
async fn walk(
    mock: &Mock,
    operation: &str,
    path: &str,
    query: &[(&str, &str)],
    limit: u64,
) -> Vec<Value> {
    let mut records = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = mock
            .call(Method::GET, path)
            .query(query)
            .query(&[("limit", limit.to_string())]);
        if let Some(token) = &token {
            request = request.query(&[("next_token", token)]);
        }
        let answer = mock.send_to(operation, request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let data = answer.body["data"].as_array().unwrap();
        assert!(data.len() as u64 <= limit);
        records.extend(data.iter().cloned());
        match answer.body.get("next_token") {
            Some(next) => {
                assert_eq!(data.len() as u64, limit, "only the last page may be short");
                token = Some(next.as_str().unwrap().to_owned());
            }
            None => return records,
        }
    }
}

async fn total(mock: &Mock, operation: &str, path: &str, query: &[(&str, &str)]) -> u64 {
    let answer = mock
        .send_to(
            operation,
            mock.call(Method::GET, path)
                .query(query)
                .query(&[("with_total", "true"), ("limit", "1")]),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["total"].as_u64().unwrap()
}

fn ids(records: &[Value], key: &str) -> Vec<String> {
    records
        .iter()
        .map(|r| r[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_list_walks_to_its_total_with_unique_ids() {
    let mock = start(small()).await;
    for (path, operation, key, expected) in [
        ("/audit-events", "list_audit_events", "event_id", 400),
        ("/campaigns", "list_campaigns", "id", 45),
        ("/workflow/runs", "list_workflow_runs", "id", 250),
    ] {
        let records = walk(&mock, operation, path, &[], 37).await;
        assert_eq!(records.len() as u64, expected, "{path}");
        assert_eq!(total(&mock, operation, path, &[]).await, expected, "{path}");
        let unique: HashSet<_> = ids(&records, key).into_iter().collect();
        assert_eq!(unique.len() as u64, expected, "{path}");
        // Changing the page size mid-walk still sees every record once: the cursor is an offset.
        assert_eq!(
            walk(&mock, operation, path, &[], 1000).await,
            records,
            "{path}"
        );
    }
}

#[tokio::test]
async fn cursors_belong_to_their_list() {
    let mock = start(small()).await;
    let answer = mock
        .send_to(
            "list_campaigns",
            mock.call(Method::GET, "/campaigns")
                .query(&[("limit", "5")]),
        )
        .await;
    let token = answer.body["next_token"].as_str().unwrap();
    for (path, operation) in [
        ("/segments", "list_segments"),
        ("/audit-events", "list_audit_events"),
        ("/workflow/runs", "list_workflow_runs"),
    ] {
        let request = mock.call(Method::GET, path).query(&[("next_token", token)]);
        let answer = mock.send_to(operation, request).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.body);
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("next_token")
        );
    }
}

#[tokio::test]
async fn audit_event_windows_include_their_start_and_exclude_their_end() {
    let mock = start(small()).await;
    let all = walk(&mock, "list_audit_events", "/audit-events", &[], 1000).await;
    let times: Vec<&str> = all
        .iter()
        .map(|e| e["happened_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
    let (from, to) = (times[100], times[200]);
    let window = walk(
        &mock,
        "list_audit_events",
        "/audit-events",
        &[("happened_from", from), ("happened_to", to)],
        1000,
    )
    .await;
    let expected: Vec<_> = all
        .iter()
        .filter(|e| {
            let t = e["happened_at"].as_str().unwrap();
            t >= from && t < to
        })
        .cloned()
        .collect();
    assert_eq!(window, expected);
    assert_eq!(
        window.first().unwrap()["happened_at"],
        from,
        "the start is inclusive"
    );
    assert!(
        window.iter().all(|e| e["happened_at"] != to),
        "the end is exclusive"
    );
    // A partial timestamp (a date) stands for the start of its day.
    let day = &from[..10];
    let one_day = walk(
        &mock,
        "list_audit_events",
        "/audit-events",
        &[("happened_from", day), ("happened_to", &next_day(day))],
        1000,
    )
    .await;
    assert!(!one_day.is_empty());
    assert!(
        one_day
            .iter()
            .all(|e| e["happened_at"].as_str().unwrap().starts_with(day))
    );
    let month = walk(
        &mock,
        "list_audit_events",
        "/audit-events",
        &[("happened_from", "2026-04"), ("happened_to", "2026-05")],
        1000,
    )
    .await;
    assert!(
        month
            .iter()
            .all(|e| e["happened_at"].as_str().unwrap().starts_with("2026-04"))
    );
    assert_eq!(
        total(
            &mock,
            "list_audit_events",
            "/audit-events",
            &[("happened_from", "2030-01-01")]
        )
        .await,
        0
    );
}

fn next_day(day: &str) -> String {
    // Enough for a test: the history has no day on which this overflows a month that matters.
    let (y, m, d): (i32, u32, u32) = (
        day[..4].parse().unwrap(),
        day[5..7].parse().unwrap(),
        day[8..10].parse().unwrap(),
    );
    let last = match m {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    match (d == last, m == 12) {
        (false, _) => format!("{y:04}-{m:02}-{:02}", d + 1),
        (true, false) => format!("{y:04}-{:02}-01", m + 1),
        (true, true) => format!("{:04}-01-01", y + 1),
    }
}

#[tokio::test]
async fn audit_events_name_objects_of_the_other_lists_and_the_sandbox() {
    let mock = start(small()).await;
    let events = walk(&mock, "list_audit_events", "/audit-events", &[], 1000).await;
    let segments: HashSet<String> = mock.expected().into_iter().map(|(id, _)| id).collect();
    let campaigns: HashSet<String> = ids(
        &walk(&mock, "list_campaigns", "/campaigns", &[], 1000).await,
        "id",
    )
    .into_iter()
    .collect();
    let runs: HashSet<String> = ids(
        &walk(&mock, "list_workflow_runs", "/workflow/runs", &[], 1000).await,
        "id",
    )
    .into_iter()
    .collect();
    let mut kinds = HashSet::new();
    for event in &events {
        let object = event["object_id"].as_str().unwrap();
        let kind = event["event_type"].as_str().unwrap();
        if kind.contains("segment") || kind.contains("audience") {
            assert!(segments.contains(object), "{event}");
            kinds.insert("segment");
        } else if kind.contains("campaign") {
            assert!(campaigns.contains(object), "{event}");
            kinds.insert("campaign");
        } else if kind.contains("workflow") {
            assert!(runs.contains(object), "{event}");
            kinds.insert("workflow");
        }
        assert_eq!(event["tenant_family"], TENANT);
        assert!(
            event["tenant"] == TENANT || event["tenant"] == "acme-sb",
            "{event}"
        );
    }
    assert_eq!(kinds.len(), 3);
    assert!(events.iter().any(|e| e["tenant"] == "acme-sb"));
}

#[tokio::test]
async fn campaigns_filter_on_their_data_template() {
    let mock = start(small()).await;
    let all = walk(&mock, "list_campaigns", "/campaigns", &[], 1000).await;
    let mut seen = 0;
    for template in amperity_mock::DATA_TEMPLATES {
        let query = [("destination_data_template_id", template)];
        let some = walk(&mock, "list_campaigns", "/campaigns", &query, 3).await;
        assert!(!some.is_empty(), "{template}");
        assert!(some.iter().all(|c| all.contains(c)));
        assert_eq!(
            total(&mock, "list_campaigns", "/campaigns", &query).await,
            some.len() as u64
        );
        seen += some.len();
    }
    assert_eq!(seen, all.len(), "every campaign uses exactly one template");
    let unknown = [("destination_data_template_id", "ptg-none")];
    assert!(
        walk(&mock, "list_campaigns", "/campaigns", &unknown, 10)
            .await
            .is_empty()
    );
    let empty = mock
        .call(Method::GET, "/campaigns")
        .query(&[("destination_data_template_id", "")]);
    let answer = mock.send_to("list_campaigns", empty).await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap()
            .contains("destination_data_template_id")
    );
}

#[tokio::test]
async fn ingest_jobs_come_a_window_at_a_time_and_one_by_one() {
    let mock = start(small()).await;
    let request = |query: &[(&str, &str)]| mock.call(Method::GET, "/ingest/jobs").query(query);
    let week = [
        ("created_from", "2026-10-01"),
        ("created_to", "2026-10-08"),
        ("with_total", "true"),
    ];
    let answer = mock.send_to("list_ingest_jobs", request(&week)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let jobs = answer.body["data"].as_array().unwrap().clone();
    assert!(!jobs.is_empty());
    assert_eq!(answer.body["total"], jobs.len());
    assert!(answer.body.get("next_token").is_none());
    for job in &jobs {
        let id = job["id"].as_str().unwrap();
        assert!(id.starts_with("isj-2026100"), "{id}");
        assert!(job["workflow_id"].as_str().unwrap().starts_with("wf-"));
        for table in job["tables"].as_array().unwrap() {
            let counts =
                ["inserted", "updated", "rejected", "errors"].map(|k| table[k].as_u64().unwrap());
            assert_eq!(
                counts.iter().sum::<u64>(),
                table["read"].as_u64().unwrap(),
                "{table}"
            );
            let files = table["files"].as_array().unwrap();
            let read: u64 = files.iter().map(|f| f["read"].as_u64().unwrap()).sum();
            assert_eq!(read, table["read"].as_u64().unwrap());
            assert_eq!(table["job_id"], id);
        }
        let one = mock
            .send_to(
                "get_ingest_job",
                mock.call(Method::GET, &format!("/ingest/jobs/{id}")),
            )
            .await;
        assert_eq!(one.status, 200);
        assert_eq!(&one.body, job);
    }
    // Two windows that meet hold the week's jobs between them, none twice.
    let mut halves: Vec<Value> = Vec::new();
    for (from, to) in [
        ("2026-10-01", "2026-10-04T12:00:00Z"),
        ("2026-10-04T12:00:00Z", "2026-10-08"),
    ] {
        let answer = mock
            .send_to(
                "list_ingest_jobs",
                request(&[("created_from", from), ("created_to", to)]),
            )
            .await;
        halves.extend(answer.body["data"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(halves, jobs);
    for (query, parameter) in [
        (vec![("created_to", "2026-10-02")], "created_from"),
        (vec![("created_from", "2026-10-01")], "created_to"),
        (
            vec![("created_from", "2026-10-01"), ("created_to", "2026-10-09")],
            "created_to",
        ),
        (
            vec![
                ("created_from", "2026-10-01T00:00:00Z"),
                ("created_to", "2026-10-08T00:00:01Z"),
            ],
            "created_to",
        ),
        (
            vec![("created_from", "2026-10-05"), ("created_to", "2026-10-01")],
            "created_to",
        ),
        (
            vec![("created_from", "10/01/2026"), ("created_to", "2026-10-02")],
            "created_from",
        ),
        (
            vec![("created_from", "2026-10-01"), ("created_to", "2026-10-32")],
            "created_to",
        ),
    ] {
        let answer = mock.send_to("list_ingest_jobs", request(&query)).await;
        assert_eq!(answer.status, 400, "{query:?}");
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(parameter), "{query:?}: {message}");
    }
    for unknown in [
        "isj-20261001-1-000000",
        "nope",
        "isj-x",
        "%2E%2E%2Fsegments",
    ] {
        let answer = mock
            .send_to(
                "get_ingest_job",
                mock.call(Method::GET, &format!("/ingest/jobs/{unknown}")),
            )
            .await;
        assert_eq!(answer.status, 404, "{unknown}");
    }
}

#[tokio::test]
async fn workflow_runs_filter_on_windows_state_and_type() {
    let mock = start(small()).await;
    let all = walk(&mock, "list_workflow_runs", "/workflow/runs", &[], 1000).await;
    let field = |run: &Value, key: &str| run[key].as_str().unwrap().to_owned();
    for state in ["succeeded", "failed", "canceled", "running"] {
        let some = walk(
            &mock,
            "list_workflow_runs",
            "/workflow/runs",
            &[("state", state)],
            10,
        )
        .await;
        let expected: Vec<_> = all
            .iter()
            .filter(|r| r["state"] == state)
            .cloned()
            .collect();
        assert_eq!(some, expected, "{state}");
        if state == "failed" || state == "canceled" {
            assert!(!some.is_empty());
            assert!(
                some.iter().all(|r| r["error"]["message"].is_string()),
                "{state}"
            );
        }
    }
    for run_type in [
        "courier.group/run",
        "amperity.orchestration.orchestration/run",
        "campaign.send",
        "campaign.fetch",
    ] {
        let some = walk(
            &mock,
            "list_workflow_runs",
            "/workflow/runs",
            &[("type", run_type)],
            10,
        )
        .await;
        assert!(!some.is_empty(), "{run_type}");
        let expected: Vec<_> = all
            .iter()
            .filter(|r| r["type"] == run_type)
            .cloned()
            .collect();
        assert_eq!(some, expected, "{run_type}");
    }
    let (from, to) = (field(&all[50], "created_at"), field(&all[80], "created_at"));
    let created = walk(
        &mock,
        "list_workflow_runs",
        "/workflow/runs",
        &[
            ("created_from", &from),
            ("created_to", &to),
            ("state", "succeeded"),
        ],
        7,
    )
    .await;
    let expected: Vec<_> = all
        .iter()
        .filter(|r| {
            field(r, "created_at") >= from
                && field(r, "created_at") < to
                && r["state"] == "succeeded"
        })
        .cloned()
        .collect();
    assert_eq!(created, expected);
    let (from, to) = (field(&all[100], "ended_at"), field(&all[140], "ended_at"));
    let ended = walk(
        &mock,
        "list_workflow_runs",
        "/workflow/runs",
        &[("ended_from", &from), ("ended_to", &to)],
        7,
    )
    .await;
    let expected: Vec<_> = all
        .iter()
        .filter(|r| field(r, "ended_at") >= from && field(r, "ended_at") < to)
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ended, expected);
    for (parameter, value) in [
        ("created_from", "yesterday"),
        ("created_to", "2026-02-30"),
        ("ended_from", "2026-01-01T25:00"),
        ("ended_to", "2026-01-01 10:00"),
        ("state", "Succeeded"),
        ("type", "courier"),
    ] {
        let answer = mock
            .send_to(
                "list_workflow_runs",
                mock.call(Method::GET, "/workflow/runs")
                    .query(&[(parameter, value)]),
            )
            .await;
        assert_eq!(answer.status, 400, "{parameter}={value}");
        assert!(answer.body["message"].as_str().unwrap().contains(parameter));
    }
}

#[tokio::test]
async fn listed_runs_are_found_by_id_in_both_views() {
    let mock = start(small()).await;
    let runs = walk(&mock, "list_workflow_runs", "/workflow/runs", &[], 1000).await;
    for run in runs.iter().step_by(10) {
        let id = run["id"].as_str().unwrap();
        let path = format!("/workflow/runs/{id}");
        let overview = mock
            .send_to("get_workflow_run", mock.call(Method::GET, &path))
            .await;
        assert_eq!(overview.status, 200);
        let keys: HashSet<&str> = overview
            .body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let expected: HashSet<&str> = [
            "created_at",
            "ended_at",
            "id",
            "name",
            "state",
            "tenant",
            "type",
        ]
        .into();
        assert_eq!(keys, expected);
        for key in expected {
            assert_eq!(overview.body[key], run[key], "{key}");
        }
        let verbose = mock
            .send_to(
                "get_workflow_run",
                mock.call(Method::GET, &path).query(&[("view", "verbose")]),
            )
            .await;
        let tasks = verbose.body["task_instances"].as_array().unwrap();
        assert!(!tasks.is_empty());
        assert!(tasks.iter().all(|t| t["workflow_id"] == id));
        if run["state"] == "succeeded" {
            assert!(tasks.iter().all(|t| t["state"] == "succeeded"));
        }
        // The history has ended: stopping a run that succeeded or failed is a conflict, and
        // stopping a canceled one answers it as it stands.
        let stop = mock
            .send_to(
                "stop_workflow_run",
                mock.call(Method::POST, &format!("{path}/stop")),
            )
            .await;
        if run["state"] == "canceled" {
            assert_eq!(stop.status, 200);
            assert_eq!(stop.body["state"], "canceled");
        } else {
            assert_eq!(stop.status, 409, "{}", stop.body);
        }
    }
    let bad_view = mock
        .send_to(
            "get_workflow_run",
            mock.call(
                Method::GET,
                &format!("/workflow/runs/{}", runs[0]["id"].as_str().unwrap()),
            )
            .query(&[("view", "full")]),
        )
        .await;
    assert_eq!(bad_view.status, 400);
    assert!(bad_view.body["message"].as_str().unwrap().contains("view"));
}

#[tokio::test]
async fn a_million_records_cost_no_memory() {
    let mock = start(MockConfig {
        audit_events: 1_000_000,
        campaigns: 1_000_000,
        workflow_runs: 1_000_000,
        ingest_jobs: 100_000,
        ..config(1_000_000)
    })
    .await;
    for (path, operation, window) in [
        ("/audit-events", "list_audit_events", "happened_from"),
        (
            "/campaigns",
            "list_campaigns",
            "destination_data_template_id",
        ),
        ("/workflow/runs", "list_workflow_runs", "created_from"),
    ] {
        assert_eq!(
            total(&mock, operation, path, &[]).await,
            1_000_000,
            "{path}"
        );
        // The last hour of the history: a window found by binary search, not by a scan.
        let value = if window == "destination_data_template_id" {
            "ptg-none"
        } else {
            "2026-10-31T23:00:00Z"
        };
        let started = Instant::now();
        let page = walk(&mock, operation, path, &[(window, value)], 1000).await;
        assert!(page.len() < 1000, "{path}: {}", page.len());
        assert!(started.elapsed() < Duration::from_secs(5), "{path}");
    }
    let failed = total(
        &mock,
        "list_workflow_runs",
        "/workflow/runs",
        &[("state", "failed")],
    )
    .await;
    assert!((80_000..120_000).contains(&failed), "{failed}");
    let answer = mock
        .send_to(
            "list_ingest_jobs",
            mock.call(Method::GET, "/ingest/jobs")
                .query(&[("created_from", "2026-10-01"), ("created_to", "2026-10-02")]),
        )
        .await;
    assert!(answer.body["data"].as_array().unwrap().len() > 200);
}

#[tokio::test]
async fn every_route_gets_every_gateway_check() {
    let mock = start(small()).await;
    let body = json!({"config_id": "cg-123ABc4DE"});
    for &(verb, path, operation) in ROUTES {
        let with_body = |request: reqwest::RequestBuilder| {
            if verb == "POST" && operation == "start_workflow_run" {
                request.json(&body)
            } else {
                request
            }
        };
        let no_token = with_body(
            mock.bare(method(verb), path)
                .header("amperity-tenant", TENANT)
                .header("api-version", VERSION),
        );
        assert_eq!(
            mock.send_to(operation, no_token).await.status,
            401,
            "{path}"
        );
        let other_tenant = with_body(
            mock.bare(method(verb), path)
                .bearer_auth(TOKEN)
                .header("amperity-tenant", "globex")
                .header("api-version", VERSION),
        );
        assert_eq!(
            mock.send_to(operation, other_tenant).await.status,
            403,
            "{path}"
        );
        let no_version = with_body(
            mock.bare(method(verb), path)
                .bearer_auth(TOKEN)
                .header("amperity-tenant", TENANT),
        );
        assert_eq!(
            mock.send_to(operation, no_version).await.status,
            400,
            "{path}"
        );
        let old_version = with_body(
            mock.call(method(verb), path)
                .query(&[("api_version", "2023-01-01")]),
        );
        assert_eq!(
            mock.send_to(operation, old_version).await.status,
            400,
            "{path}"
        );
        let repeated = with_body(
            mock.call(method(verb), path)
                .query(&[("x", "1"), ("x", "2")]),
        );
        assert_eq!(
            mock.send_to(operation, repeated).await.status,
            400,
            "{path}"
        );
        let other_method = if verb == "GET" {
            Method::DELETE
        } else {
            Method::PUT
        };
        let answer = mock.send_to(operation, mock.call(other_method, path)).await;
        assert_eq!(answer.status, 405, "{path}");
        assert!(
            answer.headers["allow"].to_str().unwrap().contains(verb),
            "{path}"
        );
    }
}

#[tokio::test]
async fn every_route_is_rate_limited_and_fails_on_demand() {
    let limited = start(MockConfig {
        rate_limit: 2,
        ..small()
    })
    .await;
    let failing = start(MockConfig {
        fail_rate: 1.0,
        ..small()
    })
    .await;
    for &(verb, path, operation) in ROUTES {
        let request = |mock: &Mock| {
            let request = mock.call(method(verb), path);
            if operation == "start_workflow_run" {
                request.json(&json!({"config_id": "og-1"}))
            } else {
                request
            }
        };
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(
                limited
                    .send_to(operation, request(&limited))
                    .await
                    .status
                    .as_u16(),
            );
        }
        assert!(statuses.contains(&429), "{path}: {statuses:?}");
        let status = failing
            .send_to(operation, request(&failing))
            .await
            .status
            .as_u16();
        assert!(matches!(status, 500 | 503 | 429), "{path}: {status}");
    }
}

#[tokio::test]
async fn a_simulated_failure_starts_no_run() {
    let mock = start(MockConfig {
        fail_rate: 0.5,
        ..small()
    })
    .await;
    let mut created = 0;
    for _ in 0..40 {
        let request = mock
            .call(Method::POST, "/workflow/runs")
            .json(&json!({"config_id": "og-1"}));
        let status = mock.send_to("start_workflow_run", request).await.status;
        created += u64::from(status == 201);
    }
    assert!(created > 0 && created < 40, "{created}");
    loop {
        let request = mock
            .call(Method::GET, "/workflow/runs")
            .query(&[("created_from", "2026-11-01"), ("with_total", "true")]);
        let answer = mock.send_to("list_workflow_runs", request).await;
        if answer.status == 200 {
            assert_eq!(answer.body["total"], created);
            break;
        }
    }
}

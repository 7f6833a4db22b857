//! Every command against the mock tenant, in every format; workflow runs started, followed and
//! stopped; usage errors.

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use httpmock::MockServer;
use predicates::prelude::*;
use serde_json::{Value, json};

use support::{MockTenant, amperity, stdout_of};

/// Every list command with the flags it needs, and a field each of its records has.
const LISTS: &[(&[&str], &str)] = &[
    (&["segments", "list"], "name"),
    (
        &[
            "audit-events",
            "list",
            "--from",
            "2026-01-01",
            "--to",
            "2026-11-01",
        ],
        "event_type",
    ),
    (&["campaigns", "list"], "deliver_at"),
    (
        &[
            "ingest",
            "jobs",
            "list",
            "--created-from",
            "2026-06-01",
            "--created-to",
            "2026-06-05",
        ],
        "tables",
    ),
    (&["workflows", "list"], "state"),
];

#[test]
fn every_list_in_every_format_has_the_same_records() {
    for (command, field) in LISTS {
        let run = |format: &str| {
            let mut cli = amperity();
            cli.arg("--mock").args(*command).args(["--format", format]);
            stdout_of(&mut cli)
        };
        let json: Value = serde_json::from_str(&run("json")).unwrap();
        let records = json.as_array().unwrap();
        assert!(!records.is_empty(), "{command:?}");
        assert!(
            records[0].get(*field).is_some(),
            "{command:?}: {}",
            records[0]
        );

        let ndjson: Vec<Value> = run("ndjson")
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(&ndjson, records, "{command:?}");

        let csv_text = run("csv");
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), records.len(), "{command:?}");
        // Every field of every record is in its column: text as is, anything nested as JSON.
        for (record, row) in records.iter().zip(&rows) {
            for (name, value) in record.as_object().unwrap() {
                let at = header
                    .iter()
                    .position(|h| h == name)
                    .unwrap_or_else(|| panic!("{command:?}: no column {name} in {header:?}"));
                let expected = match value {
                    Value::String(text) => text.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                assert_eq!(row[at], expected, "{command:?} {name}");
            }
        }

        let table = run("table");
        assert_eq!(table.lines().count(), records.len(), "{command:?}");
    }
}

#[test]
fn nested_records_write_json_cells_to_csv() {
    let csv_text = stdout_of(amperity().args([
        "--mock",
        "ingest",
        "jobs",
        "list",
        "--created-from",
        "2026-06-01",
        "--created-to",
        "2026-06-02",
        "--format",
        "csv",
    ]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "id");
    let tables = header.iter().position(|h| h == "tables").unwrap();
    let row = reader.records().next().unwrap().unwrap();
    let cell: Value = serde_json::from_str(&row[tables]).unwrap();
    assert!(cell[0]["files"].is_array(), "{cell}");
}

#[test]
fn a_missing_required_window_is_a_usage_error() {
    amperity()
        .args([
            "--mock",
            "ingest",
            "jobs",
            "list",
            "--created-from",
            "2026-06-01",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--created-to"));
    amperity()
        .args(["--mock", "ingest", "jobs", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--created-from"));
    // A window the API refuses (more than 7 days) is the server's 400, named.
    amperity()
        .args([
            "--mock",
            "ingest",
            "jobs",
            "list",
            "--created-from",
            "2026-06-01",
            "--created-to",
            "2026-07-01",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 400"));
    // --append needs the cursor and the file it continues.
    amperity()
        .args(["--mock", "segments", "list", "--all", "--append"])
        .assert()
        .code(2);
}

#[test]
fn filters_reach_the_api() {
    let runs = stdout_of(amperity().args([
        "--mock",
        "workflows",
        "list",
        "--state",
        "failed",
        "--format",
        "ndjson",
    ]));
    assert!(!runs.is_empty());
    for line in runs.lines() {
        let run: Value = serde_json::from_str(line).unwrap();
        assert_eq!(run["state"], "failed");
        assert!(run["error"]["message"].is_string(), "{run}");
    }
    amperity()
        .args(["--mock", "workflows", "list", "--state", "bogus"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("state"));
    let events = stdout_of(amperity().args([
        "--mock",
        "audit-events",
        "list",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-02",
        "--format",
        "ndjson",
        "--all",
    ]));
    for line in events.lines() {
        let event: Value = serde_json::from_str(line).unwrap();
        assert!(
            event["happened_at"]
                .as_str()
                .unwrap()
                .starts_with("2026-10-01")
        );
    }
}

#[test]
fn get_shows_one_record() {
    let job = stdout_of(amperity().args([
        "--mock",
        "ingest",
        "jobs",
        "list",
        "--created-from",
        "2026-06-01",
        "--created-to",
        "2026-06-02",
        "--format",
        "ndjson",
    ]));
    let job: Value = serde_json::from_str(job.lines().next().unwrap()).unwrap();
    let id = job["id"].as_str().unwrap();
    let shown =
        stdout_of(amperity().args(["--mock", "ingest", "jobs", "get", id, "--format", "json"]));
    assert_eq!(serde_json::from_str::<Value>(&shown).unwrap(), job);
    let table = stdout_of(amperity().args(["--mock", "ingest", "jobs", "get", id]));
    assert!(table.starts_with(id), "{table}");

    let run = stdout_of(amperity().args([
        "--mock",
        "workflows",
        "list",
        "--format",
        "ndjson",
        "--limit",
        "1",
    ]));
    let run: Value = serde_json::from_str(run.lines().next().unwrap()).unwrap();
    let id = run["id"].as_str().unwrap();
    let shown = stdout_of(amperity().args([
        "--mock",
        "workflows",
        "get",
        id,
        "--view",
        "verbose",
        "--format",
        "json",
    ]));
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["id"], id);
    assert!(shown["task_instances"].is_array(), "{shown}");

    amperity()
        .args(["--mock", "workflows", "get", "wf-20260101-00000-nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404"));
}

#[test]
fn start_wait_exits_0_when_the_run_succeeds() {
    let tenant = MockTenant::start(Duration::from_millis(30));
    let output = tenant
        .cli()
        .args([
            "workflows",
            "start",
            "cg-123ABc4DE",
            "--wait",
            "--poll-interval",
            "0.05",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    let id = stdout.trim();
    assert!(id.starts_with("wf-"), "the id alone: {stdout:?}");
    assert!(
        stderr.contains(&format!("workflow run {id} succeeded")),
        "{stderr}"
    );

    let json =
        stdout_of(
            tenant
                .cli()
                .args(["workflows", "start", "og-123ABc4DE", "--format", "json"]),
        );
    let run: Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(run["state"], "scheduled");
}

#[test]
fn start_wait_exits_6_when_the_run_is_stopped_elsewhere() {
    let tenant = MockTenant::start(Duration::from_millis(2000));
    let mut waiting = tenant
        .spawnable()
        .args([
            "workflows",
            "start",
            "cg-123ABc4DE",
            "--wait",
            "--poll-interval",
            "0.1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut id = String::new();
    BufReader::new(waiting.stdout.take().unwrap())
        .read_line(&mut id)
        .unwrap();
    let id = id.trim();
    let stopped = stdout_of(
        tenant
            .cli()
            .args(["workflows", "stop", id, "--format", "json"]),
    );
    let stopped: Value = serde_json::from_str(&stopped).unwrap();
    assert_eq!(stopped["state"], "canceling");
    let output = waiting.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert!(
        stderr.contains("canceled: Workflow manually stopped"),
        "{stderr}"
    );
}

#[test]
fn start_wait_exits_5_with_the_error_when_the_run_fails() {
    let server = MockServer::start();
    let run = |state: &str, error: Option<Value>| {
        let mut run = json!({
            "id": "wf-20261129-1-abc", "name": "Daily", "type": "courier.group/run",
            "state": state, "created_at": "2026-11-29T10:00:00Z", "tenant": "acme"
        });
        if let Some(error) = error {
            run["error"] = error;
            run["ended_at"] = json!("2026-11-29T10:05:00Z");
        }
        run
    };
    let start = server.mock(|when, then| {
        when.method("POST").path("/workflow/runs");
        then.status(201).json_body(run("scheduled", None));
    });
    server.mock(|when, then| {
        when.method("GET").path("/workflow/runs/wf-20261129-1-abc");
        then.status(200).json_body(run(
            "failed",
            Some(json!({"type": "x", "message": "Found table in an invalid state"})),
        ));
    });
    support::against(&server)
        .args([
            "workflows",
            "start",
            "cg-1",
            "--wait",
            "--poll-interval",
            "0.05",
        ])
        .assert()
        .code(5)
        .stdout("wf-20261129-1-abc\n")
        .stderr(predicate::str::contains(
            "workflow run wf-20261129-1-abc failed: Found table in an invalid state",
        ));
    start.assert_calls(1);
}

#[test]
fn a_start_that_may_have_reached_the_server_is_never_sent_twice() {
    for status in [500, 502, 503, 504] {
        let server = MockServer::start();
        let start = server.mock(|when, then| {
            when.method("POST").path("/workflow/runs");
            then.status(status).body("{}");
        });
        amperity()
            .args(["--tenant", "acme", "--base-url", &server.base_url()])
            .args([
                "--max-retries",
                "3",
                "--rate-limit",
                "0",
                "workflows",
                "start",
                "cg-1",
            ])
            .env("AMPERITY_TOKEN", support::TOKEN)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("not retried"));
        start.assert_calls(1);
    }
}

#[test]
fn stop_of_a_run_that_ended_is_a_conflict() {
    let run = stdout_of(amperity().args([
        "--mock",
        "workflows",
        "list",
        "--state",
        "succeeded",
        "--limit",
        "1",
        "--format",
        "ndjson",
    ]));
    let run: Value = serde_json::from_str(run.lines().next().unwrap()).unwrap();
    amperity()
        .args(["--mock", "workflows", "stop", run["id"].as_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 409"));
}

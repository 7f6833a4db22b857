//! The `amperity` binary end to end: against the mock tenant for output, against httpmock for
//! each edge case the API can present.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use amperity_httpmock::MockServerExt;
use httpmock::MockServer;
use predicates::prelude::*;
use serde_json::json;

use support::{TOKEN, against, amperity, stdout_of};

fn page(body: serde_json::Value) -> amperity::types::SegmentPage {
    serde_json::from_value(body).unwrap()
}

#[test]
fn each_format_of_the_first_mock_page() {
    for format in ["table", "json", "ndjson", "csv"] {
        let stdout = stdout_of(amperity().args([
            "--mock", "segments", "list", "--limit", "6", "--format", format,
        ]));
        insta::assert_snapshot!(format!("mock_first_page_{format}"), stdout);
    }
}

#[test]
fn all_follows_every_page_of_the_mock_tenant() {
    let stdout = stdout_of(amperity().args([
        "--mock", "segments", "list", "--all", "--limit", "45", "--format", "ndjson",
    ]));
    let ids: Vec<String> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 300);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        300,
        "each segment once"
    );
    assert_eq!(&ids[..2], ["ab-1CDEfGHI", "cd-2FGHiJKL"]);
}

#[test]
fn with_total_goes_to_stderr_for_machine_formats() {
    amperity()
        .args([
            "--mock",
            "segments",
            "list",
            "--with-total",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("total: 300"));
}

#[test]
fn environment_variables_supply_tenant_token_and_base_url() {
    let server = MockServer::start();
    let mock = server.list_segments(|when, then| {
        when.into_inner()
            .header("amperity-tenant", "from-env")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.ok(&page(json!({"data": [{"id": "a", "name": "A"}]})));
    });
    amperity()
        .env("AMPERITY_TENANT", "from-env")
        .env("AMPERITY_TOKEN", TOKEN)
        .env("AMPERITY_BASE_URL", server.base_url())
        .args(["--rate-limit", "0", "segments", "list"])
        .assert()
        .success()
        .stdout("a\tA\n");
    mock.assert_calls(1);
}

#[test]
fn fields_the_spec_does_not_name_reach_json_ndjson_and_csv() {
    let server = MockServer::start();
    server.list_segments(|_, then| {
        then.ok(&page(json!({"data": [
            {"id": "a", "name": "Comma, \"quote\"\nnewline ☃ 顧客", "status": "active", "owner": {"team": "crm"}},
            {"id": "b", "name": "Plain", "owner": null}
        ]})));
    });
    let ndjson = stdout_of(against(&server).args(["segments", "list", "--format", "ndjson"]));
    let first: serde_json::Value = serde_json::from_str(ndjson.lines().next().unwrap()).unwrap();
    assert_eq!(first["owner"], json!({"team": "crm"}));
    assert_eq!(first["status"], "active");

    let json_doc = stdout_of(against(&server).args(["segments", "list", "--format", "json"]));
    let array: serde_json::Value = serde_json::from_str(&json_doc).unwrap();
    assert_eq!(array[0]["name"], "Comma, \"quote\"\nnewline ☃ 顧客");
    assert_eq!(array[1]["owner"], serde_json::Value::Null);

    let csv_text = stdout_of(against(&server).args(["segments", "list", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["id", "name", "status", "owner"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        &rows[0][1], "Comma, \"quote\"\nnewline ☃ 顧客",
        "byte for byte"
    );
    assert_eq!(&rows[0][3], r#"{"team":"crm"}"#);
    assert_eq!(&rows[1][2], "");
}

#[test]
fn api_errors_name_status_message_and_request_id_with_distinct_exit_codes() {
    for (status, code) in [
        (400, 1),
        (401, 4),
        (403, 4),
        (404, 1),
        (429, 1),
        (500, 1),
        (503, 1),
    ] {
        let server = MockServer::start();
        server.list_segments(|when, then| {
            let body: amperity::types::ErrorResponse = serde_json::from_value(json!({
                "status": status, "message": format!("problem {status}"), "request_id": format!("req-{status}")
            }))
            .unwrap();
            let then = then.into_inner().status(status).header("content-type", "application/json").json_body_obj(&body);
            let _ = (when, then);
        });
        let assert = against(&server)
            .args(["segments", "list"])
            .assert()
            .code(code);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        let lines: Vec<_> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line for {status}: {stderr}");
        assert!(lines[0].contains(&format!("HTTP {status}")), "{stderr}");
        assert!(lines[0].contains(&format!("problem {status}")), "{stderr}");
        assert!(lines[0].contains(&format!("req-{status}")), "{stderr}");
    }
}

#[test]
fn a_repeated_next_token_is_reported_as_such() {
    let server = MockServer::start();
    server.list_segments(|_, then| {
        then.ok(&page(
            json!({"data": [{"id": "a", "name": "A"}], "next_token": "same"}),
        ));
    });
    against(&server)
        .args(["segments", "list", "--all", "--format", "ndjson"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("repeated next_token \"same\""));
}

#[test]
fn a_server_that_does_not_answer_is_a_timeout() {
    let server = MockServer::start();
    server.list_segments(|_, then| {
        then.into_inner().delay(Duration::from_secs(10)).status(200);
    });
    against(&server)
        .args(["--timeout", "0.3", "segments", "list"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("timed out"));
}

#[test]
fn an_html_page_is_a_decode_error_not_a_panic() {
    let server = MockServer::start();
    server.list_segments(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "text/html")
            .body("<html>proxy</html>");
    });
    against(&server)
        .args(["segments", "list"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("could not decode").and(predicate::str::contains("text/html")),
        );
}

#[test]
fn missing_credentials_and_bad_flags_are_usage_errors() {
    amperity()
        .args(["segments", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no tenant"));
    amperity()
        .args(["--mock", "segments", "list", "--format", "xml"])
        .assert()
        .code(2);
    amperity()
        .args([
            "--tenant",
            "t",
            "--token",
            "x",
            "--base-url",
            "http://example.com/api",
            "segments",
            "list",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("plain http"));
}

#[test]
fn the_token_never_appears_at_any_verbosity() {
    let server = MockServer::start();
    server.list_segments(|_, then| {
        then.into_inner()
            .status(401)
            .header("content-type", "application/json")
            .body(r#"{"status":401,"message":"bad token"}"#);
    });
    let output = against(&server)
        .args(["-vvv", "segments", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("amperity.request"),
        "traces are on: {stderr}"
    );
    assert!(!stderr.contains(TOKEN), "token leaked: {stderr}");
}

#[test]
fn output_files_appear_only_when_the_export_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("segments.csv");
    amperity()
        .args([
            "--mock", "segments", "list", "--all", "--format", "csv", "--output",
        ])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().next(), Some("id,name"));
    assert!(text.contains("Holiday Segment"));

    let server = MockServer::start();
    server.list_segments(|_, then| {
        then.into_inner().status(500).body("boom");
    });
    let failed = dir.path().join("failed.csv");
    against(&server)
        .args(["segments", "list", "--format", "csv", "--output"])
        .arg(&failed)
        .assert()
        .code(1);
    assert!(!failed.exists());
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file left behind");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        amperity()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("segments"));
    }
}

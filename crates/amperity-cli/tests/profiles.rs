//! The Profile API's commands (`profiles indexes list|get`, `profiles list|get`) against
//! httpmock: each request's path, query and API version, every output format, `--all`, a
//! resumed export, usage errors and the server's errors.

mod support;

use httpmock::{Mock, MockServer, When};
use predicates::prelude::*;
use serde_json::{Value, json};

use support::{TOKEN, against, resume_command, run_in_shell, stdout_of};

/// The Profile API's version, which every one of its requests names once, in the header.
const PROFILE_API_VERSION: &str = "2025-07-31";
/// The control plane's version, which no Profile API request may carry.
const CONTROL_PLANE_VERSION: &str = "2024-04-01";

/// What every Profile API request must look like: exactly one `api-version` header, the Profile
/// API's, no `api_version` query parameter, and the tenant and token. A request that differs
/// matches no mock, gets httpmock's 404 and fails the command.
fn profile_api(when: When) -> When {
    when.method("GET")
        .header("api-version", PROFILE_API_VERSION)
        .header_count("(?i)^api-version$", ".*", 1usize)
        .header_count(".*", CONTROL_PLANE_VERSION, 0usize)
        .query_param_missing("api_version")
        .header("amperity-tenant", "acme")
        .header("authorization", format!("Bearer {TOKEN}"))
}

fn indexes_page() -> Value {
    json!({"data": [
        {"id": "idx-xyz789", "name": "loyalty_members",
         "description": "Profiles from the loyalty program",
         "created_at": "2025-07-30T22:16:04.409Z", "updated_at": "2025-07-30T22:16:04.409Z"},
        {"id": "idx-abc123", "name": "recent_buyers",
         "created_at": "2025-08-01T08:00:00Z", "updated_at": "2025-08-02T09:30:00Z",
         "owner": {"team": "crm"}}
    ]})
}

/// Two profiles: the spec's example, and one whose attributes are not all strings (the spec
/// promises no type) and whose values CSV must quote.
fn profiles_page() -> Value {
    json!({"data": [
        {"id": "cl-abc123", "index_id": "idx-xyz789", "attributes": {
            "first_name": "Daniel", "last_name": "Kuhlman",
            "email": "danielkuhlman@email.com", "loyalty_id": "123456789-0"}},
        {"id": "cl-def456", "index_id": "idx-xyz789", "attributes": {
            "first_name": "Daniel", "last_name": "Smith, \"Jr.\"", "lifetime_value": 1234.5,
            "opted_in": true, "middle_name": null, "recent_orders": [{"sku": "A-1", "qty": 2}]}}
    ]})
}

#[test]
fn each_command_sends_its_request_with_the_profile_api_version_alone() {
    let server = MockServer::start();
    let indexes = server.mock(|when, then| {
        profile_api(when)
            .path("/indexes")
            .query_param("limit", "2")
            .query_param("with_total", "true");
        then.status(200).json_body(indexes_page());
    });
    let index = server.mock(|when, then| {
        profile_api(when).path("/indexes/idx-xyz789");
        then.status(200)
            .json_body(indexes_page()["data"][0].clone());
    });
    let profiles = server.mock(|when, then| {
        profile_api(when)
            .path("/indexes/idx-xyz789/profiles")
            .query_param("filter[first_name]", "Daniel")
            .query_param("filter[last_name]", "Kuhlman")
            .query_param("limit", "50")
            .query_param_missing("filter")
            .query_param_missing("next_token");
        then.status(200).json_body(profiles_page());
    });
    let profile = server.mock(|when, then| {
        profile_api(when).path("/indexes/idx-xyz789/profiles/cl-abc123");
        then.status(200)
            .json_body(profiles_page()["data"][0].clone());
    });

    let listed = stdout_of(against(&server).args([
        "profiles",
        "indexes",
        "list",
        "--limit",
        "2",
        "--with-total",
    ]));
    assert!(
        listed.starts_with("idx-xyz789\tloyalty_members\t"),
        "{listed}"
    );
    let shown = stdout_of(against(&server).args(["profiles", "indexes", "get", "idx-xyz789"]));
    assert!(shown.starts_with("idx-xyz789\t"), "{shown}");
    let listed = stdout_of(against(&server).args([
        "profiles",
        "list",
        "--index",
        "idx-xyz789",
        "--filter",
        "first_name=Daniel",
        "--filter",
        "last_name=Kuhlman",
        "--limit",
        "50",
    ]));
    assert_eq!(listed, "cl-abc123\tidx-xyz789\ncl-def456\tidx-xyz789\n");
    let shown =
        stdout_of(against(&server).args(["profiles", "get", "--index", "idx-xyz789", "cl-abc123"]));
    assert_eq!(shown, "cl-abc123\tidx-xyz789\n");

    for mock in [&indexes, &index, &profiles, &profile] {
        mock.assert_calls(1);
    }
}

#[test]
fn the_control_plane_keeps_its_own_version() {
    // The same client, the other API: the control plane's commands are unchanged.
    let server = MockServer::start();
    let segments = server.mock(|when, then| {
        when.path("/segments")
            .header("api-version", CONTROL_PLANE_VERSION)
            .header_count("(?i)^api-version$", ".*", 1usize);
        then.status(200)
            .json_body(json!({"data": [{"id": "a", "name": "A"}]}));
    });
    assert_eq!(
        stdout_of(against(&server).args(["segments", "list"])),
        "a\tA\n"
    );
    segments.assert_calls(1);
}

/// `amperity ARGS --format FORMAT` against a server that answers `path` with `body`.
fn formats(path: &str, body: Value, args: &[&str]) -> Vec<(&'static str, String)> {
    let server = MockServer::start();
    server.mock(|when, then| {
        profile_api(when).path(path);
        then.status(200).json_body(body);
    });
    ["table", "json", "ndjson", "csv"]
        .into_iter()
        .map(|format| {
            let stdout = stdout_of(against(&server).args(args).args(["--format", format]));
            (format, stdout)
        })
        .collect()
}

#[test]
fn each_format_of_a_page_of_indexes() {
    for (format, stdout) in formats("/indexes", indexes_page(), &["profiles", "indexes", "list"]) {
        insta::assert_snapshot!(format!("profile_indexes_list_{format}"), stdout);
    }
}

#[test]
fn each_format_of_a_page_of_profiles() {
    let outputs = formats(
        "/indexes/idx-xyz789/profiles",
        profiles_page(),
        &["profiles", "list", "--index", "idx-xyz789"],
    );
    for (format, stdout) in outputs {
        insta::assert_snapshot!(format!("profiles_list_{format}"), stdout);
    }
}

#[test]
fn each_format_of_one_index_and_one_profile() {
    let index = formats(
        "/indexes/idx-xyz789",
        indexes_page()["data"][0].clone(),
        &["profiles", "indexes", "get", "idx-xyz789"],
    );
    let profile = formats(
        "/indexes/idx-xyz789/profiles/cl-def456",
        profiles_page()["data"][1].clone(),
        &["profiles", "get", "--index", "idx-xyz789", "cl-def456"],
    );
    for (name, outputs) in [("profile_indexes_get", index), ("profiles_get", profile)] {
        let shown: String = outputs
            .iter()
            .map(|(format, stdout)| format!("--format {format}:\n{stdout}\n"))
            .collect();
        insta::assert_snapshot!(name, shown);
    }
}

#[test]
fn csv_puts_the_attributes_in_one_json_cell() {
    let outputs = formats(
        "/indexes/idx-xyz789/profiles",
        profiles_page(),
        &["profiles", "list", "--index", "idx-xyz789"],
    );
    let (_, csv_text) = outputs.iter().find(|(format, _)| *format == "csv").unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, ["attributes", "id", "index_id"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for (row, profile) in rows.iter().zip(profiles_page()["data"].as_array().unwrap()) {
        let cell: Value = serde_json::from_str(&row[0]).unwrap();
        assert_eq!(cell, profile["attributes"], "read back as it was sent");
    }
}

/// Page `n` of three pages of profiles; the cursor of page `n` leads to page `n + 1`.
fn profile_page(n: usize) -> Value {
    let records: Vec<Value> = (0..2)
        .map(|i| {
            json!({"id": format!("cl-{n}{i}"), "index_id": "idx-xyz789",
                   "attributes": {"first_name": "Daniel", "city": "San Francisco",
                                  "note": format!("page {n}, \"row\" {i}\n☃")}})
        })
        .collect();
    let mut body = json!({"data": records});
    if n < 3 {
        body["next_token"] = json!(format!("after-{n}"));
    }
    body
}

/// Serves the three pages, the filters required on each; the third answers 500 when `broken`.
fn serve_profiles(server: &MockServer, broken: bool) -> Vec<Mock<'_>> {
    (1..=3)
        .map(|n| {
            server.mock(|when, then| {
                let when = profile_api(when)
                    .path("/indexes/idx-xyz789/profiles")
                    .query_param("filter[first_name]", "Daniel")
                    .query_param("filter[city]", "San Francisco");
                match n {
                    1 => when.query_param_missing("next_token"),
                    n => when.query_param("next_token", format!("after-{}", n - 1)),
                };
                if broken && n == 3 {
                    then.status(500)
                        .json_body(json!({"status": 500, "message": "boom"}));
                } else {
                    then.status(200).json_body(profile_page(n));
                }
            })
        })
        .collect()
}

/// `profiles list --all` with two filters, one of them with a space the shell must keep.
const EXPORT: &[&str] = &[
    "profiles",
    "list",
    "--index",
    "idx-xyz789",
    "--filter",
    "first_name=Daniel",
    "--filter",
    "city=San Francisco",
    "--all",
];

#[test]
fn all_follows_every_page_with_the_filters_on_each() {
    let server = MockServer::start();
    let mocks = serve_profiles(&server, false);
    let stdout = stdout_of(against(&server).args(EXPORT).args(["--format", "ndjson"]));
    let ids: Vec<String> = stdout
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["id"].to_string())
        .collect();
    assert_eq!(
        ids,
        ["cl-10", "cl-11", "cl-20", "cl-21", "cl-30", "cl-31"].map(|id| format!("\"{id}\""))
    );
    for mock in &mocks {
        mock.assert_calls(1);
    }

    let server = MockServer::start();
    let first = server.mock(|when, then| {
        profile_api(when)
            .path("/indexes")
            .query_param_missing("next_token");
        then.status(200)
            .json_body(json!({"data": [{"id": "idx-1", "name": "one"}], "next_token": "n1"}));
    });
    let second = server.mock(|when, then| {
        profile_api(when)
            .path("/indexes")
            .query_param("next_token", "n1");
        then.status(200)
            .json_body(json!({"data": [{"id": "idx-2", "name": "two"}], "next_token": ""}));
    });
    let csv_text = stdout_of(
        against(&server).args(["profiles", "indexes", "list", "--all", "--format", "csv"]),
    );
    assert_eq!(csv_text, "id,name\nidx-1,one\nidx-2,two\n");
    first.assert_calls(1);
    second.assert_calls(1);
}

#[test]
fn an_export_of_profiles_broken_half_way_resumes_to_the_same_bytes() {
    for format in ["csv", "ndjson", "json"] {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join(format!("whole.{format}"));
        let server = MockServer::start();
        serve_profiles(&server, false);
        against(&server)
            .args(EXPORT)
            .args(["--format", format, "--output"])
            .arg(&whole)
            .assert()
            .success();

        let broken = MockServer::start();
        let mut mocks = serve_profiles(&broken, true);
        let file = dir.path().join(format!("profiles.{format}"));
        let partial = dir.path().join(format!("profiles.{format}.partial"));
        let assert = against(&broken)
            .args(EXPORT)
            .args(["--format", format, "--output"])
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("HTTP 500"))
            .stderr(predicate::str::contains("4 profiles written and kept in"));
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        assert!(!file.exists());
        assert!(partial.exists());
        let command = resume_command(&stderr);
        assert!(
            command.contains("--filter 'city=San Francisco'"),
            "{command}"
        );
        assert!(
            command.contains("--next-token after-2 --append"),
            "{command}"
        );

        mocks.pop().unwrap().delete();
        serve_profiles(&broken, false);
        let resumed = run_in_shell(&command);
        assert!(
            resumed.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&resumed.stderr)
        );
        assert!(!partial.exists());
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            std::fs::read_to_string(&whole).unwrap(),
            "{format}: byte for byte"
        );
    }
}

#[test]
fn a_bad_filter_or_a_missing_index_is_a_usage_error() {
    let server = MockServer::start();
    let any = server.mock(|when, then| {
        when.any_request();
        then.status(200).json_body(json!({"data": []}));
    });
    for (filter, says) in [
        ("first_name", "has no '='"),
        ("=Daniel", "names no attribute"),
    ] {
        against(&server)
            .args([
                "profiles",
                "list",
                "--index",
                "idx-xyz789",
                "--filter",
                filter,
            ])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(says))
            .stderr(predicate::str::contains("ATTRIBUTE=VALUE"));
    }
    against(&server)
        .args(["profiles", "list", "--index", "idx-xyz789"])
        .args([
            "--filter",
            "first_name=Daniel",
            "--filter",
            "first_name=Dan",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"first_name\" twice"));
    against(&server)
        .args(["profiles", "list", "--filter", "first_name=Daniel"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--index"));
    against(&server)
        .args(["profiles", "get", "cl-abc123"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--index"));
    any.assert_calls(0);
}

#[test]
fn a_missing_profile_or_index_exits_1_with_the_servers_message() {
    let server = MockServer::start();
    let not_found = json!({
        "status": 404, "message": "The requested entity does not exist.",
        "request_id": "7d2f4a3e-1234-5678-90ab-cd3f"
    });
    server.mock(|when, then| {
        profile_api(when).path("/indexes/idx-xyz789/profiles/cl-nope");
        then.status(404).json_body(not_found.clone());
    });
    server.mock(|when, then| {
        profile_api(when).path("/indexes/idx-nope/profiles");
        then.status(404).json_body(not_found.clone());
    });
    for args in [
        &["profiles", "get", "--index", "idx-xyz789", "cl-nope"][..],
        &["profiles", "list", "--index", "idx-nope", "--all"][..],
    ] {
        against(&server)
            .args(args)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("HTTP 404"))
            .stderr(predicate::str::contains(
                "The requested entity does not exist.",
            ))
            .stderr(predicate::str::contains("7d2f4a3e-1234-5678-90ab-cd3f"));
    }
}

/// The mock's profiles of `index`, in order, as the API returns them, with `keep` applied.
fn mock_profiles(index: &str, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    let config = amperity_mock::MockConfig::default();
    (0..config.profiles)
        .map_while(|position| amperity_mock::profile(&config, index, position))
        .filter(|profile| keep(profile))
        .collect()
}

/// `profiles list --all --format csv` against the embedded mock: one row per profile the mock
/// holds, in order, each row's cells the profile's own (its attributes as one JSON cell).
fn assert_csv_matches(csv_text: &str, expected: &[Value]) {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["attributes", "id", "index_id"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, profile) in rows.iter().zip(expected) {
        let attributes: Value = serde_json::from_str(&row[0]).unwrap();
        assert_eq!(attributes, profile["attributes"], "{}", &row[1]);
        assert_eq!(&row[1], profile["id"].as_str().unwrap());
        assert_eq!(&row[2], profile["index_id"].as_str().unwrap());
    }
}

#[test]
fn a_csv_export_of_the_mock_holds_exactly_its_profiles() {
    let index = amperity_mock::profile_index_ids(&amperity_mock::MockConfig::default())[0].clone();
    let csv_text = stdout_of(support::amperity().args([
        "--mock",
        "--rate-limit",
        "0",
        "profiles",
        "list",
        "--index",
        &index,
        "--all",
        "--limit",
        "100",
        "--format",
        "csv",
    ]));
    let expected = mock_profiles(&index, |_| true);
    assert_eq!(expected.len(), 1000);
    assert_csv_matches(&csv_text, &expected);

    // Filtered: the rows are the mock's profiles with that attribute value, and only those.
    let csv_text = stdout_of(support::amperity().args([
        "--mock",
        "--rate-limit",
        "0",
        "profiles",
        "list",
        "--index",
        &index,
        "--filter",
        "loyalty_tier=Diamond",
        "--all",
        "--format",
        "csv",
    ]));
    let expected = mock_profiles(&index, |p| p["attributes"]["loyalty_tier"] == "Diamond");
    assert!(!expected.is_empty() && expected.len() < 1000);
    assert_csv_matches(&csv_text, &expected);
}

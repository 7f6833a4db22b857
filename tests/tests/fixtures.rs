//! `spec/fixtures/` against the spec, the generated types, and the schema schemars derives from
//! those types: if any two of them disagree about a body, one of these tests says which and why.
#![forbid(unsafe_code)]

use amperity::types::{
    AuditEventPage, CampaignPage, ErrorResponse, IngestJob, IngestJobPage, ListSegmentsNextToken,
    SegmentPage, WorkflowRun, WorkflowRunPage, WorkflowRunRequest,
};
use amperity_workspace_tests::{
    Fixture, Spec, Validator, fixtures, schemars_validator, validation_errors,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Invalid fixtures that the spec rejects but the generated types accept. Each is a constraint
/// serde and schemars have no way to express for the Rust type progenitor picks, so the client
/// is more lenient than the spec there; listing them keeps that gap deliberate and visible.
const SPEC_STRICTER_THAN_TYPES: &[&str] = &[
    // `total` is not nullable in the spec; `Option<i64>` reads `null` as absent.
    "invalid/SegmentPage/total-is-null.json",
];

/// Invalid fixtures whose only fault is an enumeration value the spec does not list (a workflow
/// run's state, a run mode, ...). The spec lists the values known today, so it rejects them; but
/// Amperity calls an added enumeration value non-breaking, so the SDK is to accept them, and the
/// generated enumerations are to become open (`xtask/src/generate.rs` decides; until it does they
/// are closed, and the types reject these too). They are kept apart from
/// `SPEC_STRICTER_THAN_TYPES` so that this suite holds on both sides of that change: the spec
/// must reject them, and the types may reject them or accept them, but if they accept one they
/// must keep its value through a round trip, so an open enumeration cannot lose what it does not
/// know. Once the enumerations are open, these belong in `SPEC_STRICTER_THAN_TYPES`.
const UNKNOWN_ENUM_VALUES: &[&str] = &[
    "invalid/IngestJob/unknown-state.json",
    "invalid/IngestJobPage/unknown-state.json",
    "invalid/WorkflowRun/unknown-error-attribution.json",
    "invalid/WorkflowRun/unknown-execution-type.json",
    "invalid/WorkflowRun/unknown-state.json",
    "invalid/WorkflowRun/unknown-type.json",
    "invalid/WorkflowRunPage/unknown-state.json",
    "invalid/WorkflowRunRequest/unknown-run-mode.json",
];

/// Every operation of the spec, by `operationId`.
const OPERATIONS: &[&str] = &[
    "list_audit_events",
    "list_campaigns",
    "list_segments",
    "list_ingest_jobs",
    "get_ingest_job",
    "list_workflow_runs",
    "start_workflow_run",
    "get_workflow_run",
    "stop_workflow_run",
];

/// The success responses a schema's valid fixtures stand for: `(operationId, status)`.
fn success_responses(schema: &str) -> &'static [(&'static str, u16)] {
    match schema {
        "AuditEventPage" => &[("list_audit_events", 200)],
        "CampaignPage" => &[("list_campaigns", 200)],
        "SegmentPage" => &[("list_segments", 200)],
        "IngestJobPage" => &[("list_ingest_jobs", 200)],
        "IngestJob" => &[("get_ingest_job", 200)],
        "WorkflowRunPage" => &[("list_workflow_runs", 200)],
        "WorkflowRun" => &[
            ("start_workflow_run", 201),
            ("get_workflow_run", 200),
            ("stop_workflow_run", 200),
        ],
        _ => &[],
    }
}

/// The fixtures the brief for this suite asks for; the directory scan must find at least these,
/// so an accidental move or rename cannot make the suite pass vacuously.
const REQUIRED: &[&str] = &[
    "SegmentPage/seed-example.json",
    "SegmentPage/last-page-without-next-token.json",
    "SegmentPage/last-page-next-token-null.json",
    "SegmentPage/last-page-next-token-empty.json",
    "SegmentPage/with-total.json",
    "SegmentPage/unknown-fields.json",
    "SegmentPage/unicode-names.json",
    "ErrorResponse/400-bad-request.json",
    "ErrorResponse/401-unauthorized.json",
    "ErrorResponse/403-forbidden.json",
    "ErrorResponse/404-not-found.json",
    "ErrorResponse/429-too-many-requests.json",
    "ErrorResponse/500-internal-server-error.json",
    "ErrorResponse/503-service-unavailable.json",
    "invalid/SegmentPage/missing-data.json",
    "invalid/SegmentPage/data-is-object.json",
    "invalid/SegmentPage/segment-id-is-number.json",
    "invalid/SegmentPage/total-is-string.json",
    "invalid/ErrorResponse/missing-message.json",
    "ErrorResponse/409-conflict.json",
    "AuditEventPage/page-example.json",
    "AuditEventPage/last-page-without-object-name.json",
    "AuditEventPage/unknown-fields.json",
    "invalid/AuditEventPage/missing-data.json",
    "invalid/AuditEventPage/event-missing-happened-at.json",
    "CampaignPage/page-example.json",
    "CampaignPage/last-page-without-deliver-at.json",
    "CampaignPage/unknown-fields.json",
    "invalid/CampaignPage/missing-data.json",
    "invalid/CampaignPage/campaign-missing-name.json",
    "IngestJobPage/page-example.json",
    "IngestJobPage/with-unusable-next-token.json",
    "IngestJobPage/unknown-fields.json",
    "invalid/IngestJobPage/missing-data.json",
    "invalid/IngestJobPage/unknown-state.json",
    "IngestJob/page-example.json",
    "IngestJob/running.json",
    "IngestJob/unknown-fields.json",
    "invalid/IngestJob/missing-tables.json",
    "invalid/IngestJob/unknown-state.json",
    "WorkflowRunPage/page-example.json",
    "WorkflowRunPage/last-page-next-token-null.json",
    "WorkflowRunPage/unknown-fields.json",
    "invalid/WorkflowRunPage/missing-data.json",
    "invalid/WorkflowRunPage/unknown-state.json",
    "WorkflowRun/overview.json",
    "WorkflowRun/verbose.json",
    "WorkflowRun/started.json",
    "WorkflowRun/stopped.json",
    "WorkflowRun/verbose-with-failed-tasks.json",
    "WorkflowRun/unknown-fields.json",
    "invalid/WorkflowRun/missing-id.json",
    "invalid/WorkflowRun/task-missing-state.json",
    "invalid/WorkflowRun/unknown-state.json",
    "invalid/WorkflowRun/unknown-type.json",
    "WorkflowRunRequest/campaign.json",
    "WorkflowRunRequest/courier-group-one-week.json",
    "invalid/WorkflowRunRequest/missing-config-id.json",
    "invalid/WorkflowRunRequest/unknown-run-mode.json",
];

/// The schemas the fixtures are written against, with what each one is checked against.
struct Target {
    spec: Validator,
    schemars: Validator,
    /// Deserializes the body into the generated type and serializes it back.
    round_trip: fn(&Value) -> Result<Value, serde_json::Error>,
}

fn round_trip<T: DeserializeOwned + Serialize>(body: &Value) -> Result<Value, serde_json::Error> {
    let typed: T = serde_json::from_value(body.clone())?;
    serde_json::to_value(&typed)
}

fn target(spec: &Spec, fixture: &Fixture) -> Target {
    let spec_validator = spec
        .component_validator(&fixture.schema)
        .unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
    let (schemars, round_trip): (_, fn(&Value) -> _) = match fixture.schema.as_str() {
        "SegmentPage" => (
            schemars_validator::<SegmentPage>(),
            round_trip::<SegmentPage>,
        ),
        "ErrorResponse" => (
            schemars_validator::<ErrorResponse>(),
            round_trip::<ErrorResponse>,
        ),
        "AuditEventPage" => (
            schemars_validator::<AuditEventPage>(),
            round_trip::<AuditEventPage>,
        ),
        "CampaignPage" => (
            schemars_validator::<CampaignPage>(),
            round_trip::<CampaignPage>,
        ),
        "IngestJobPage" => (
            schemars_validator::<IngestJobPage>(),
            round_trip::<IngestJobPage>,
        ),
        "IngestJob" => (schemars_validator::<IngestJob>(), round_trip::<IngestJob>),
        "WorkflowRunPage" => (
            schemars_validator::<WorkflowRunPage>(),
            round_trip::<WorkflowRunPage>,
        ),
        "WorkflowRun" => (
            schemars_validator::<WorkflowRun>(),
            round_trip::<WorkflowRun>,
        ),
        "WorkflowRunRequest" => (
            schemars_validator::<WorkflowRunRequest>(),
            round_trip::<WorkflowRunRequest>,
        ),
        other => panic!(
            "{}: no generated type is mapped to schema {other}; add it to this test",
            fixture.name
        ),
    };
    Target {
        spec: spec_validator,
        schemars: schemars.unwrap_or_else(|e| panic!("{}: {e}", fixture.name)),
        round_trip,
    }
}

/// Removes, anywhere in `value`, the optional properties that `schema` declares and that the
/// generated types do not write back: a `null` one (read as `None`, which is skipped) and an empty
/// array (read as an empty `Vec`, which is skipped too, so `"task_instances": []` and no
/// `task_instances` read the same). Unknown properties are kept, `null` or not, since the types
/// keep them as they came.
fn drop_unwritten_optionals(document: &Value, schema: &Value, value: &mut Value) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
            .unwrap_or_else(|| panic!("dangling reference {reference}")),
        None => schema,
    };
    match value {
        Value::Object(object) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            let required = |key: &str| {
                schema
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|required| required.iter().any(|r| r == key))
            };
            object.retain(|key, value| {
                let unwritten = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
                !(unwritten && properties.contains_key(key) && !required(key))
            });
            for (key, value) in object.iter_mut() {
                if let Some(property) = properties.get(key) {
                    drop_unwritten_optionals(document, property, value);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for value in items {
                    drop_unwritten_optionals(document, item, value);
                }
            }
        }
        _ => {}
    }
}

fn all_fixtures() -> Vec<Fixture> {
    let found = fixtures().expect("spec/fixtures/ is readable");
    for required in REQUIRED {
        assert!(
            found.iter().any(|f| f.name == *required),
            "spec/fixtures/{required} is missing"
        );
    }
    found
}

#[test]
fn valid_fixtures_match_the_spec_the_types_and_the_derived_schema() {
    let spec = Spec::load().unwrap();
    let mut checked = 0;
    for fixture in all_fixtures().iter().filter(|f| f.valid) {
        let target = target(&spec, fixture);
        let errors = validation_errors(&target.spec, &fixture.body);
        assert!(
            errors.is_empty(),
            "{} is rejected by the spec:\n{}",
            fixture.name,
            errors.join("\n")
        );
        let errors = validation_errors(&target.schemars, &fixture.body);
        assert!(
            errors.is_empty(),
            "{} is rejected by the schema schemars derives:\n{}",
            fixture.name,
            errors.join("\n")
        );

        let reserialized = (target.round_trip)(&fixture.body)
            .unwrap_or_else(|e| panic!("{} does not deserialize: {e}", fixture.name));
        // A declared optional property that is `null` or an empty array comes back absent (see
        // `drop_unwritten_optionals`); everything else, unknown fields included, must come back
        // exactly.
        let mut expected = fixture.body.clone();
        let schema = json!({ "$ref": format!("#/components/schemas/{}", fixture.schema) });
        drop_unwritten_optionals(spec.document(), &schema, &mut expected);
        assert_eq!(
            reserialized, expected,
            "{} changed in a deserialize/serialize round trip",
            fixture.name
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} valid fixtures were checked");
}

#[test]
fn invalid_fixtures_are_rejected_by_the_spec_and_structural_ones_by_the_types() {
    let spec = Spec::load().unwrap();
    let all = all_fixtures();
    for stricter in SPEC_STRICTER_THAN_TYPES {
        assert!(
            all.iter().any(|f| f.name == *stricter),
            "{stricter} is listed in SPEC_STRICTER_THAN_TYPES but does not exist"
        );
    }
    for unknown in UNKNOWN_ENUM_VALUES {
        assert!(
            all.iter().any(|f| f.name == *unknown),
            "{unknown} is listed in UNKNOWN_ENUM_VALUES but does not exist"
        );
    }
    for fixture in all.iter().filter(|f| !f.valid) {
        let file = fixture.name.rsplit('/').next().unwrap();
        assert!(
            !file.starts_with("unknown-") || UNKNOWN_ENUM_VALUES.contains(&fixture.name.as_str()),
            "{}: an invalid unknown-*.json fixture must be listed in UNKNOWN_ENUM_VALUES",
            fixture.name
        );
    }
    let mut checked = 0;
    for fixture in all.iter().filter(|f| !f.valid) {
        let target = target(&spec, fixture);
        assert!(
            !target.spec.is_valid(&fixture.body),
            "{} should be rejected by the spec's {} schema",
            fixture.name,
            fixture.schema
        );

        let schemars_accepts = target.schemars.is_valid(&fixture.body);
        let serde_accepts = (target.round_trip)(&fixture.body).is_ok();
        if UNKNOWN_ENUM_VALUES.contains(&fixture.name.as_str()) {
            // Closed enumerations reject the value, open ones keep it; both the types and their
            // schema must be one or the other.
            assert_eq!(
                schemars_accepts, serde_accepts,
                "{}: the schema schemars derives and serde disagree about an unknown \
                 enumeration value",
                fixture.name
            );
            if serde_accepts {
                // Compared as valid fixtures are: optional nulls and empty arrays come back absent.
                let mut expected = fixture.body.clone();
                let schema = json!({ "$ref": format!("#/components/schemas/{}", fixture.schema) });
                drop_unwritten_optionals(spec.document(), &schema, &mut expected);
                assert_eq!(
                    (target.round_trip)(&fixture.body).ok(),
                    Some(expected),
                    "{}: an unknown enumeration value was not kept",
                    fixture.name
                );
            }
        } else if SPEC_STRICTER_THAN_TYPES.contains(&fixture.name.as_str()) {
            // If the types learn to reject it, it belongs with the structural ones: drop it from
            // the list so the gap is not documented where there is none.
            assert!(
                schemars_accepts && serde_accepts,
                "{} is listed in SPEC_STRICTER_THAN_TYPES, but the types reject it now \
                 (schemars accepts: {schemars_accepts}, serde accepts: {serde_accepts})",
                fixture.name
            );
        } else {
            assert!(
                !schemars_accepts,
                "{} should be rejected by the schema schemars derives for {}",
                fixture.name, fixture.schema
            );
            assert!(
                !serde_accepts,
                "{} should not deserialize into amperity::types::{}",
                fixture.name, fixture.schema
            );
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} invalid fixtures were checked");
}

#[test]
fn fixtures_match_the_operation_responses_they_stand_for() {
    let spec = Spec::load().unwrap();
    let all = all_fixtures();
    for fixture in all.iter().filter(|f| f.valid) {
        let responses: Vec<(&str, u16)> = match fixture.schema.as_str() {
            "ErrorResponse" => {
                let status = fixture.body["status"].as_u64().expect("an error status") as u16;
                let file = fixture.name.rsplit('/').next().unwrap();
                if file.as_bytes()[0].is_ascii_digit() {
                    assert!(
                        file.starts_with(&status.to_string()),
                        "{}: the body's status {status} does not match the file name",
                        fixture.name
                    );
                }
                let declaring: Vec<(&str, u16)> = OPERATIONS
                    .iter()
                    .filter(|op| spec.response_statuses(op).unwrap().contains(&status))
                    .map(|op| (*op, status))
                    .collect();
                assert!(
                    !declaring.is_empty(),
                    "{}: no operation declares a {status} response",
                    fixture.name
                );
                declaring
            }
            "WorkflowRunRequest" => {
                // A request body, not a response: the body of start_workflow_run.
                let (_, _, operation) = spec.operation("start_workflow_run").unwrap();
                assert_eq!(
                    operation
                        .pointer("/requestBody/content/application~1json/schema/$ref")
                        .and_then(Value::as_str),
                    Some("#/components/schemas/WorkflowRunRequest"),
                    "start_workflow_run's request body"
                );
                Vec::new()
            }
            other => {
                let responses = success_responses(other);
                assert!(
                    !responses.is_empty(),
                    "{}: no operation is mapped to schema {other}; add it to success_responses",
                    fixture.name
                );
                responses.to_vec()
            }
        };
        for (operation, status) in responses {
            let declared = spec.response_statuses(operation).unwrap();
            assert!(
                declared.contains(&status),
                "{}: {operation} declares no {status} response",
                fixture.name
            );
            let validator = spec.response_validator(operation, status).unwrap();
            let errors = validation_errors(&validator, &fixture.body);
            assert!(
                errors.is_empty(),
                "{} is not a valid {status} body of {operation}:\n{}",
                fixture.name,
                errors.join("\n")
            );
        }
    }
    // One fixture per declared error status of every operation, so the client tests have a body
    // for each; and every success schema of the spec has fixtures.
    for operation in OPERATIONS {
        for status in spec.response_statuses(operation).unwrap() {
            if status >= 400 {
                assert!(
                    all.iter()
                        .any(|f| f.valid && f.name.starts_with(&format!("ErrorResponse/{status}-"))),
                    "no ErrorResponse/{status}-*.json fixture ({operation} declares {status})"
                );
            }
        }
    }
    for schema in spec.component_schema_names() {
        if success_responses(&schema).is_empty() {
            continue;
        }
        for valid in [true, false] {
            assert!(
                all.iter().any(|f| f.schema == schema && f.valid == valid),
                "no {} fixture for {schema}",
                if valid { "valid" } else { "invalid" }
            );
        }
    }
}

#[test]
fn last_page_fixtures_have_no_usable_next_token() {
    let mut checked = 0;
    for fixture in all_fixtures()
        .iter()
        .filter(|f| f.valid && f.schema.ends_with("Page") && f.name.contains("/last-page"))
    {
        let next_token = &fixture.body["next_token"];
        assert!(
            next_token.is_null() || next_token == "",
            "{}: a last page must have a missing, null or empty next_token",
            fixture.name
        );
        checked += 1;
    }
    assert!(
        checked >= 4,
        "only {checked} last-page fixtures were checked"
    );
    for fixture in all_fixtures()
        .iter()
        .filter(|f| f.valid && f.name.starts_with("SegmentPage/last-page"))
    {
        let page: SegmentPage = serde_json::from_value(fixture.body.clone()).unwrap();
        assert!(
            page.next_token.as_deref().is_none_or(str::is_empty),
            "{}: a last page must have a missing, null or empty next_token",
            fixture.name
        );
    }
}

#[test]
fn unknown_fields_are_kept_in_extra() {
    let body = amperity_workspace_tests::load_json(
        &amperity_workspace_tests::fixtures_dir().join("SegmentPage/unknown-fields.json"),
    )
    .unwrap();
    let page: SegmentPage = serde_json::from_value(body).unwrap();
    assert_eq!(page.extra["has_more"], json!(true));
    assert_eq!(page.extra["meta"]["elapsed_ms"], json!(42));
    let first = &page.data[0];
    assert_eq!(first.status.as_deref(), Some("active"));
    assert_eq!(first.extra["tags"], json!(["web", "retargeting"]));
    assert_eq!(first.extra["deleted_at"], Value::Null);
    assert!(
        !first.extra.contains_key("name"),
        "declared fields stay out of extra"
    );
}

#[test]
fn unknown_fields_are_kept_in_extra_at_every_level() {
    fn load<T: DeserializeOwned>(name: &str) -> T {
        let body = amperity_workspace_tests::load_json(
            &amperity_workspace_tests::fixtures_dir().join(name),
        )
        .unwrap();
        serde_json::from_value(body).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    // A run, its tasks and their errors: three levels of objects, each with its own `extra`.
    let run: WorkflowRun = load("WorkflowRun/unknown-fields.json");
    assert_eq!(run.extra["priority"], json!("high"));
    assert_eq!(run.extra["labels"]["team"], json!("crm"));
    let task = &run.task_instances[0];
    assert_eq!(task.extra["retries"], json!(2));
    let task_error = task.error.as_ref().expect("the task's error");
    assert_eq!(task_error.extra["retryable"], json!(false));
    // `data` has no fixed shape: whatever it holds is kept as it came, `null`s inside included.
    assert_eq!(
        task_error.data,
        Some(json!({ "error": { "message": "Job stopped.", "data": null } }))
    );
    let run_error = run.error.as_ref().expect("the run's error");
    assert_eq!(
        run_error.extra["documentation_url"],
        json!("https://docs.amperity.com/")
    );
    assert!(
        !run.extra.contains_key("state") && !task.extra.contains_key("label"),
        "declared fields stay out of extra"
    );

    let job: IngestJob = load("IngestJob/unknown-fields.json");
    assert_eq!(job.extra["source"], json!("sftp"));
    assert_eq!(job.tables[0].extra["bytes_read"], json!(1048576));
    assert_eq!(job.tables[0].extra["warnings"], Value::Null);
    assert_eq!(
        job.tables[0].files[0].extra["checksum"],
        json!("sha256:9f86d081884c7d659a2feaa0c55ad015")
    );
}

#[test]
fn next_token_parameter_must_not_be_empty() {
    let spec = Spec::load().unwrap();
    let parameter = spec
        .parameter_validator("list_segments", "query", "next_token")
        .unwrap();
    assert!(!parameter.is_valid(&json!("")));
    assert!(!parameter.is_valid(&Value::Null));
    assert!(parameter.is_valid(&json!("ABCd1fghIJk2l3M")));
    assert!(parameter.is_valid(&json!("a+b/c=")));

    // The generated parameter type agrees, so the client cannot send what the spec forbids.
    assert!(ListSegmentsNextToken::try_from("").is_err());
    assert!(ListSegmentsNextToken::try_from("a+b/c=").is_ok());
}

#[test]
fn other_parameters_follow_the_spec() {
    let spec = Spec::load().unwrap();
    let limit = spec
        .parameter_validator("list_segments", "query", "limit")
        .unwrap();
    for ok in [1, 12, 1000] {
        assert!(limit.is_valid(&json!(ok)), "limit {ok}");
    }
    for bad in [json!(0), json!(1001), json!(-1), json!("12"), json!(1.5)] {
        assert!(!limit.is_valid(&bad), "limit {bad}");
    }

    let version = spec
        .parameter_validator("list_segments", "header", "api-version")
        .unwrap();
    assert!(version.is_valid(&json!("2024-04-01")));
    assert!(!version.is_valid(&json!("2023-01-01")));

    let tenant = spec
        .parameter_validator("list_segments", "header", "amperity-tenant")
        .unwrap();
    assert!(tenant.is_valid(&json!("acme-sb-12345")));
    assert!(!tenant.is_valid(&json!("")));
}

#[test]
fn spec_examples_match_their_schemas() {
    // The examples in the spec are what people copy; they must be valid bodies too.
    let spec = Spec::load().unwrap();
    let document = spec.document();
    let seed = &document
        .pointer(
            "/paths/~1segments/get/responses/200/content/application~1json/examples/seed/value",
        )
        .expect("the seed example is in the spec");
    let page = spec.response_validator("list_segments", 200).unwrap();
    assert_eq!(validation_errors(&page, seed), Vec::<String>::new());

    // Every example of every success response and request body of every operation.
    let mut checked = 0;
    for operation_id in OPERATIONS {
        let (_, _, operation) = spec.operation(operation_id).unwrap();
        let responses = operation["responses"].as_object().unwrap();
        for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
            let examples = response
                .pointer("/content/application~1json/examples")
                .and_then(Value::as_object)
                .unwrap_or_else(|| panic!("{operation_id} {status} has no examples"));
            let validator = spec
                .response_validator(operation_id, status.parse().unwrap())
                .unwrap();
            for (name, example) in examples {
                assert_eq!(
                    validation_errors(&validator, &example["value"]),
                    Vec::<String>::new(),
                    "example {name} of {operation_id} {status}"
                );
                checked += 1;
            }
        }
        if let Some(body) = operation.pointer("/requestBody/content/application~1json") {
            let reference = body
                .pointer("/schema/$ref")
                .and_then(Value::as_str)
                .unwrap();
            let name = reference.rsplit('/').next().unwrap();
            let validator = spec.component_validator(name).unwrap();
            for (example_name, example) in body["examples"].as_object().unwrap() {
                assert_eq!(
                    validation_errors(&validator, &example["value"]),
                    Vec::<String>::new(),
                    "request example {example_name} of {operation_id}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "only {checked} examples were checked");

    let responses = document["components"]["responses"].as_object().unwrap();
    let error = spec.component_validator("ErrorResponse").unwrap();
    for (name, response) in responses {
        let example = response
            .pointer("/content/application~1json/example")
            .unwrap_or_else(|| panic!("response {name} has no example"));
        assert_eq!(
            validation_errors(&error, example),
            Vec::<String>::new(),
            "example of response {name}"
        );
    }
}

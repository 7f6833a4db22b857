//! `spec/fixtures/` against the spec, the generated types, and the schema schemars derives from
//! those types: if any two of them disagree about a body, one of these tests says which and why.
#![forbid(unsafe_code)]

use amperity::types::{ErrorResponse, ListSegmentsNextToken, SegmentPage};
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
        // A declared optional property that is `null` comes back absent (the generated types skip
        // `None`); everything else, unknown fields included, must come back exactly.
        let mut expected = fixture.body.clone();
        if let Some(object) = expected.as_object_mut() {
            object.retain(|key, value| !(value.is_null() && key == "next_token"));
        }
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
        if SPEC_STRICTER_THAN_TYPES.contains(&fixture.name.as_str()) {
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
    let declared = spec.response_statuses("list_segments").unwrap();
    for fixture in all_fixtures().iter().filter(|f| f.valid) {
        let status = match fixture.schema.as_str() {
            "SegmentPage" => 200,
            _ => {
                let status = fixture.body["status"].as_u64().expect("an error status") as u16;
                let file = fixture.name.rsplit('/').next().unwrap();
                if file.as_bytes()[0].is_ascii_digit() {
                    assert!(
                        file.starts_with(&status.to_string()),
                        "{}: the body's status {status} does not match the file name",
                        fixture.name
                    );
                }
                status
            }
        };
        assert!(
            declared.contains(&status),
            "{}: list_segments declares no {status} response",
            fixture.name
        );
        let validator = spec.response_validator("list_segments", status).unwrap();
        let errors = validation_errors(&validator, &fixture.body);
        assert!(
            errors.is_empty(),
            "{} is not a valid {status} body of list_segments:\n{}",
            fixture.name,
            errors.join("\n")
        );
    }
    // One fixture per declared error status, so the client tests have a body for each.
    for status in declared.iter().filter(|s| **s >= 400) {
        assert!(
            all_fixtures()
                .iter()
                .any(|f| f.valid && f.name.starts_with(&format!("ErrorResponse/{status}-"))),
            "no ErrorResponse/{status}-*.json fixture"
        );
    }
}

#[test]
fn last_page_fixtures_have_no_usable_next_token() {
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

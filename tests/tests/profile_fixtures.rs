//! `spec/fixtures-profile/` against `spec/profile.yaml` and the generated Profile API types: the
//! spec accepts every valid fixture and refuses every invalid one, the generated type decodes
//! every valid one and writes back a body the spec accepts, and refuses the invalid ones except
//! where the spec is knowingly stricter than a Rust type can be.
#![forbid(unsafe_code)]

use amperity::profile::types::{Profile, ProfileIndex, ProfileIndexPage, ProfilePage};
use amperity::types::ErrorResponse;
use amperity_workspace_tests::{Spec, fixtures_in, validation_errors, workspace_root};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Invalid fixtures the spec rejects but the generated types accept: `null` where the spec
/// allows no null (serde reads it as absent), constraints serde has no way to express.
const SPEC_STRICTER_THAN_TYPES: &[&str] = &[];

fn round_trip<T: DeserializeOwned + Serialize>(body: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(decoded).map_err(|e| e.to_string())
}

fn decode(schema: &str, body: &Value) -> Result<Value, String> {
    match schema {
        "Profile" => round_trip::<Profile>(body),
        "ProfileIndex" => round_trip::<ProfileIndex>(body),
        "ProfileIndexPage" => round_trip::<ProfileIndexPage>(body),
        "ProfilePage" => round_trip::<ProfilePage>(body),
        "ErrorResponse" => round_trip::<ErrorResponse>(body),
        other => panic!("a fixture for {other}, which this test does not know: add it here"),
    }
}

#[test]
fn every_fixture_agrees_with_the_spec_and_the_generated_types() {
    let root = workspace_root();
    let spec = Spec::from_path(&root.join("spec/profile.yaml")).unwrap();
    let fixtures = fixtures_in(&root.join("spec/fixtures-profile")).unwrap();
    assert!(
        fixtures.len() >= 20,
        "only {} fixtures found",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let validator = spec.component_validator(&fixture.schema).unwrap();
        let errors = validation_errors(&validator, &fixture.body);
        let decoded = decode(&fixture.schema, &fixture.body);
        if fixture.valid {
            if !errors.is_empty() {
                failures.push(format!("{}: the spec refuses it: {errors:?}", fixture.name));
            }
            match decoded {
                Ok(written) => {
                    let errors = validation_errors(&validator, &written);
                    if !errors.is_empty() {
                        failures.push(format!(
                            "{}: the type writes a body the spec refuses: {errors:?}",
                            fixture.name
                        ));
                    }
                }
                Err(e) => failures.push(format!("{}: the type refuses it: {e}", fixture.name)),
            }
        } else {
            if errors.is_empty() {
                failures.push(format!("{}: the spec accepts it", fixture.name));
            }
            let lenient = SPEC_STRICTER_THAN_TYPES.contains(&fixture.name.as_str());
            if decoded.is_ok() != lenient {
                failures.push(format!(
                    "{}: the type {} it",
                    fixture.name,
                    if lenient { "refuses" } else { "accepts" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

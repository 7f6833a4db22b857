//! Rules every schema of the spec keeps, checked over the whole document so that a schema added
//! later keeps them without a fixture of its own.
#![forbid(unsafe_code)]

use amperity_workspace_tests::Spec;
use serde_json::Value;

/// Every object schema under `value`, with its JSON pointer.
fn objects<'a>(value: &'a Value, pointer: String, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("object")
                || map.contains_key("properties")
            {
                found.push((pointer.clone(), value));
            }
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                objects(child, format!("{pointer}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                objects(child, format!("{pointer}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Amperity calls an added response field non-breaking, so no object may refuse one: each says
/// `additionalProperties: {}`, which also makes progenitor keep unknown fields in `extra`.
#[test]
fn every_object_schema_is_open_to_fields_it_does_not_declare() {
    let spec = Spec::load().expect("the spec loads");
    let mut found = Vec::new();
    objects(spec.document(), String::new(), &mut found);
    assert!(
        found.len() >= 3,
        "the walk found only {} object schemas",
        found.len()
    );
    let closed: Vec<&str> = found
        .iter()
        .filter(|(_, schema)| {
            schema.get("additionalProperties") != Some(&Value::Object(Default::default()))
        })
        .map(|(pointer, _)| pointer.as_str())
        .collect();
    assert!(
        closed.is_empty(),
        "object schemas without `additionalProperties: {{}}`: {closed:?}"
    );
}

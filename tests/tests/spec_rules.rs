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

/// The component schemas that only requests use: each operation's request body `$ref`.
fn request_bodies(spec: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(content) = operation.pointer("/requestBody/content") else {
                continue;
            };
            for media in content.as_object().into_iter().flat_map(|c| c.values()) {
                if let Some(name) = media
                    .pointer("/schema/$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    names.push(format!("/components/schemas/{name}"));
                }
            }
        }
    }
    names
}

/// Amperity calls an added response field non-breaking, so no object may refuse one: each says
/// `additionalProperties: {}`, which also makes progenitor keep unknown fields in `extra`.
///
/// A request body is the exception: the client writes it, so there is nothing to keep, and an
/// `extra` map would be one more thing its builder demands (typify's builders have no default
/// for it). It leaves `additionalProperties` out, which JSON Schema reads as open too; only
/// `false` would close it.
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
    let requests = request_bodies(spec.document());
    assert!(!requests.is_empty(), "no request body found");
    let closed: Vec<&str> = found
        .iter()
        .filter(|(pointer, schema)| {
            let additional = schema.get("additionalProperties");
            if requests.contains(pointer) {
                additional.is_some()
            } else {
                additional != Some(&Value::Object(Default::default()))
            }
        })
        .map(|(pointer, _)| pointer.as_str())
        .collect();
    assert!(
        closed.is_empty(),
        "object schemas without `additionalProperties: {{}}` (or, for a request body, with \
         `additionalProperties`): {closed:?}"
    );
}

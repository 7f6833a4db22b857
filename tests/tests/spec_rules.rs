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
/// The component schemas that query parameters use (the Profile API's `filter` map).
fn parameter_schemas(spec: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let mut parameters: Vec<&Value> = spec
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
        .collect();
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            parameters.extend(operation["parameters"].as_array().into_iter().flatten());
        }
    }
    for parameter in parameters {
        if let Some(name) = parameter
            .pointer("/schema/$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            names.push(format!("/components/schemas/{name}"));
        }
    }
    names
}

/// Amperity calls an added response field non-breaking, so no object may refuse one: each says
/// `additionalProperties: {}`, which also makes progenitor keep unknown fields in `extra`.
///
/// What the client writes is the exception: a request body, or a map-valued query parameter.
/// There is nothing to keep, and an `extra` map would be one more thing a builder demands
/// (typify's builders have no default for it). A request body leaves `additionalProperties` out,
/// which JSON Schema reads as open too; a parameter map gives its values' schema. Only `false`
/// would close either.
#[test]
fn every_object_schema_is_open_to_fields_it_does_not_declare() {
    for (file, requests_expected) in [("openapi.yaml", true), ("profile.yaml", false)] {
        let path = amperity_workspace_tests::workspace_root()
            .join("spec")
            .join(file);
        let spec = Spec::from_path(&path).expect("the spec loads");
        let mut found = Vec::new();
        objects(spec.document(), String::new(), &mut found);
        assert!(
            found.len() >= 3,
            "{file}: the walk found only {} object schemas",
            found.len()
        );
        let requests = request_bodies(spec.document());
        assert_eq!(
            !requests.is_empty(),
            requests_expected,
            "{file}: request bodies {requests:?}"
        );
        let parameters = parameter_schemas(spec.document());
        let closed: Vec<&str> = found
            .iter()
            .filter(|(pointer, schema)| {
                let additional = schema.get("additionalProperties");
                if requests.contains(pointer) {
                    additional.is_some()
                } else if parameters.contains(pointer) {
                    !additional.is_some_and(Value::is_object)
                } else {
                    additional != Some(&Value::Object(Default::default()))
                }
            })
            .map(|(pointer, _)| pointer.as_str())
            .collect();
        assert!(
            closed.is_empty(),
            "{file}: object schemas without `additionalProperties: {{}}` (or, for a request \
             body, with `additionalProperties`; for a parameter map, without a schema for its \
             values): {closed:?}"
        );
    }
}

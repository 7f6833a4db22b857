//! The generation steps on a small spec of their own: what a maintainer adding an operation gets.

use serde_json::json;

use super::{SPEC, builder_methods, format_rust, idempotency, open_enums, parse_rust, settings};

/// The generated client for `paths` and `schemas`, with every step applied.
fn generate(paths: serde_json::Value, schemas: serde_json::Value) -> String {
    let spec: openapiv3::OpenAPI = serde_json::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2024-04-01"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
    .expect("a valid spec");
    let enums = open_enums::find(&spec).expect("enums");
    let mut generator = progenitor::Generator::new(&settings(&SPEC, &enums));
    let tokens = generator.generate_tokens(&spec).expect("progenitor");
    let mut file = parse_rust(tokens).expect("parses");
    open_enums::add(&mut file, &enums).expect("open enums");
    builder_methods::add(&mut file).expect("builder methods");
    idempotency::add(&mut file, &spec).expect("idempotency");
    format_rust(&SPEC, &file)
}

fn ok(schema: serde_json::Value) -> serde_json::Value {
    json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}})
}

fn cursor() -> serde_json::Value {
    json!({"name": "next_token", "in": "query", "schema": {"type": "string", "minLength": 1}})
}

#[test]
fn every_list_gets_page_pages_and_stream_whatever_its_page_looks_like() {
    let code = generate(
        json!({
            "/widgets": {"get": {
                "operationId": "list_widgets",
                "parameters": [cursor(), {"name": "colour", "in": "query", "schema": {"type": "string"}}],
                "responses": ok(json!({"$ref": "#/components/schemas/WidgetPage"})),
            }},
            // An inline page, a required cursor, no `total` and no unknown-field map.
            "/gadgets": {"get": {
                "operationId": "list_gadgets",
                "parameters": [cursor()],
                "responses": ok(json!({"type": "object", "required": ["data", "next_token"], "properties": {
                    "data": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
                    "next_token": {"type": "string"},
                }})),
            }},
            // A page without a cursor parameter cannot be walked: it gets `call()` only.
            "/latest": {"get": {
                "operationId": "latest_widgets",
                "responses": ok(json!({"$ref": "#/components/schemas/WidgetPage"})),
            }},
        }),
        json!({
            "WidgetPage": {"type": "object", "required": ["data"], "additionalProperties": {}, "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Widget"}},
                "next_token": {"type": "string", "nullable": true},
                "total": {"type": "integer", "minimum": 0},
            }},
            "Widget": {"type": "object", "properties": {"id": {"type": "string"}}},
        }),
    );
    for expected in [
        "impl crate::pagination::ListRequest for ListWidgetsWalk",
        "pub fn stream(self) -> crate::Items<types::Widget>",
        "colour: self.colour.clone()",
        "impl crate::pagination::ListRequest for ListGadgetsWalk",
        "pub fn stream(self) -> crate::Items<types::ListGadgetsResponseDataItem>",
        "total: None",
        "extra: ::std::default::Default::default()",
    ] {
        assert!(code.contains(expected), "missing `{expected}`");
    }
    assert!(!code.contains("LatestWidgetsWalk"));
    assert_eq!(code.matches("pub async fn call(").count(), 3);
}

#[test]
fn enumerations_decode_values_they_do_not_know() {
    let code = generate(
        json!({"/runs": {"get": {
            "operationId": "list_runs",
            "parameters": [{"name": "state", "in": "query", "schema": {"$ref": "#/components/schemas/RunState"}}],
            "responses": ok(json!({"$ref": "#/components/schemas/RunState"})),
        }}}),
        json!({"RunState": {"type": "string", "description": "A run's state.", "enum": ["running", "up-for-retry"]}}),
    );
    assert!(code.contains("UpForRetry,"), "{code}");
    assert!(code.contains("Unknown(::std::string::String)"));
    assert!(code.contains("other => Self::Unknown(other.to_owned())"));
    // Every use names the open type, and progenitor wrote no closed one.
    assert!(code.contains("amperity::types::RunState"));
    assert_eq!(code.matches("pub enum RunState").count(), 1);
}

#[test]
fn enumerations_whose_values_would_share_a_variant_are_refused() {
    let spec: openapiv3::OpenAPI = serde_json::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"State": {"type": "string", "enum": ["up-for-retry", "up_for_retry"]}}},
    }))
    .unwrap();
    let error = open_enums::find(&spec).err().expect("refused").to_string();
    assert!(error.contains("both become `UpForRetry`"), "{error}");
}

#[test]
fn posts_marked_idempotent_are_listed_and_others_are_not() {
    let post = |id: &str, idempotent: Option<bool>| {
        let mut operation = json!({"operationId": id, "responses": ok(json!({"type": "object"}))});
        if let Some(flag) = idempotent {
            operation["x-idempotent"] = json!(flag);
        }
        json!({"post": operation})
    };
    let code = generate(
        json!({"/runs": post("start_run", None), "/runs/stop": post("stop_run", Some(true)), "/runs/kick": post("kick_run", Some(false))}),
        json!({}),
    );
    assert!(
        code.contains(r#"pub(crate) const IDEMPOTENT_OPERATIONS: &[&str] = &["stop_run"];"#),
        "{code}"
    );
}

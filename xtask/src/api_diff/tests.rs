//! Each classification rule on a small before/after pair of specs, and the report for real edits
//! of `spec/openapi.yaml`.

use serde_json::{Value, json};

use super::report::render;
use super::rust_items::RustItems;
use super::{Severity, compare};
use crate::change_report::parse_openapi;

/// A document with the given paths and component schemas.
fn doc(paths: Value, schemas: Value) -> openapiv3::OpenAPI {
    serde_json::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2024-04-01"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
    .expect("a valid test document")
}

/// `GET /things` with these parameters, answering 200 with `Thing` objects (in a page) and 400.
fn list(parameters: Value) -> Value {
    json!({"/things": {"get": {
        "operationId": "list_things",
        "parameters": parameters,
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingPage"}}}},
            "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
    }}})
}

fn schemas(thing: Value) -> Value {
    json!({
        "ThingPage": {"type": "object", "required": ["data"], "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
            "next_token": {"type": "string"}
        }},
        "Thing": thing,
        "Error": {"type": "object", "properties": {"message": {"type": "string"}}}
    })
}

fn thing() -> Value {
    json!({"type": "object", "required": ["id", "name"], "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "state": {"type": "string", "enum": ["running", "done"]},
        "size": {"type": "integer", "format": "int64"}
    }})
}

fn limit(required: bool) -> Value {
    json!({"name": "limit", "in": "query", "required": required, "schema": {"type": "integer"}})
}

/// The changes from `base` to `head` as `B`/`N` plus `scope: what`, in report order.
fn changes(base: &openapiv3::OpenAPI, head: &openapiv3::OpenAPI) -> Vec<String> {
    compare(base, head)
        .into_iter()
        .map(|c| {
            let mark = match c.severity {
                Severity::Breaking => "B",
                Severity::NonBreaking => "N",
            };
            format!("{mark} {}: {}", c.scope, c.what)
        })
        .collect()
}

/// The changes when only `Thing` differs.
fn thing_changes(base: Value, head: Value) -> Vec<String> {
    let base = doc(list(json!([])), schemas(base));
    let head = doc(list(json!([])), schemas(head));
    changes(&base, &head)
}

/// `value` with the member at `pointer` set to `new`, added if it is not there.
fn with(mut value: Value, pointer: &str, new: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key, new);
        }
        _ => panic!("{parent} is not an object"),
    }
    value
}

fn without(mut value: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer with a parent");
    match value.pointer_mut(parent).expect("parent exists") {
        Value::Object(map) => {
            map.remove(key);
        }
        Value::Array(items) => {
            items.remove(key.parse::<usize>().expect("an index"));
        }
        _ => panic!("{parent} is not a container"),
    }
    value
}

#[test]
fn identical_documents_and_documentation_edits_are_no_change() {
    let base = doc(list(json!([limit(false)])), schemas(thing()));
    assert_eq!(changes(&base, &base), Vec::<String>::new());

    let mut documented = thing();
    documented["description"] = json!("A thing.");
    documented["properties"]["name"]["example"] = json!("Holiday");
    documented["properties"]["name"]["description"] = json!("The thing's name.");
    let mut paths = list(json!([limit(false)]));
    paths["/things"]["get"]["summary"] = json!("List things");
    let head = doc(paths, schemas(documented));
    assert_eq!(changes(&base, &head), Vec::<String>::new());
}

#[test]
fn removing_an_endpoint_breaks_and_adding_one_does_not() {
    let one = doc(list(json!([])), schemas(thing()));
    let mut paths = list(json!([]));
    paths["/other"] = json!({"post": {"operationId": "make_other", "responses": {"201": {"description": "made"}}}});
    let two = doc(paths, schemas(thing()));
    assert_eq!(changes(&one, &two), ["N POST /other: endpoint added"]);
    assert_eq!(changes(&two, &one), ["B POST /other: endpoint removed"]);
}

#[test]
fn a_renamed_url_breaks_and_a_renamed_operation_id_or_path_parameter_does_not() {
    let get = |path: &str, id: &str, param: &str| {
        let mut paths = serde_json::Map::new();
        paths.insert(path.into(), json!({"get": {
            "operationId": id,
            "parameters": [{"name": param, "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}
        }}));
        doc(Value::Object(paths), json!({}))
    };
    let base = get("/jobs/{id}", "get_job", "id");
    assert_eq!(
        changes(&base, &get("/ingest/jobs/{id}", "get_job", "id")),
        ["B GET /jobs/{id}: URL renamed from `/jobs/{id}` to `/ingest/jobs/{id}`"]
    );
    assert_eq!(
        changes(&base, &get("/jobs/{id}", "fetch_job", "id")),
        ["N GET /jobs/{id}: operationId changed from `get_job` to `fetch_job`"]
    );
    assert_eq!(
        changes(&base, &get("/jobs/{job-id}", "get_job", "job-id")),
        ["N GET /jobs/{job-id}: path parameter `id` renamed to `job-id` (the URL is unchanged)"]
    );
}

#[test]
fn query_parameters_follow_amperitys_rules() {
    let none = doc(list(json!([])), schemas(thing()));
    let optional = doc(list(json!([limit(false)])), schemas(thing()));
    let required = doc(list(json!([limit(true)])), schemas(thing()));
    assert_eq!(
        changes(&none, &optional),
        ["N GET /things: optional query parameter `limit` added"]
    );
    assert_eq!(
        changes(&none, &required),
        ["B GET /things: required query parameter `limit` added"]
    );
    assert_eq!(
        changes(&optional, &none),
        ["B GET /things: query parameter `limit` removed"]
    );
    assert_eq!(
        changes(&optional, &required),
        ["B GET /things: query parameter `limit` is now required"]
    );
    assert_eq!(
        changes(&required, &optional),
        ["N GET /things: query parameter `limit` is now optional"]
    );
    let renamed = json!([{"name": "page_size", "in": "query", "required": false, "schema": {"type": "integer"}}]);
    assert_eq!(
        changes(&optional, &doc(list(renamed), schemas(thing()))),
        ["B GET /things: query parameter `limit` renamed to `page_size`"]
    );
    let as_string = json!([{"name": "limit", "in": "query", "schema": {"type": "string"}}]);
    assert_eq!(
        changes(&optional, &doc(list(as_string), schemas(thing()))),
        ["B GET /things: query parameter `limit`: type changed from integer to string"]
    );
}

#[test]
fn request_headers_are_parameters_too_and_match_case_insensitively() {
    let header = |name: &str, required: bool| json!([{"name": name, "in": "header", "required": required, "schema": {"type": "string"}}]);
    let none = doc(list(json!([])), schemas(thing()));
    let optional = doc(list(header("X-Trace", false)), schemas(thing()));
    assert_eq!(
        changes(&none, &optional),
        ["N GET /things: optional request header `X-Trace` added"]
    );
    assert_eq!(
        changes(&optional, &none),
        ["B GET /things: request header `X-Trace` removed"]
    );
    let lower = doc(list(header("x-trace", false)), schemas(thing()));
    assert_eq!(changes(&optional, &lower), Vec::<String>::new());
    let required = doc(list(header("X-Trace", true)), schemas(thing()));
    assert_eq!(
        changes(&none, &required),
        ["B GET /things: required request header `X-Trace` added"]
    );
}

#[test]
fn response_fields_added_are_non_breaking_and_removed_renamed_or_retyped_are_breaking() {
    let base = thing();
    let added = with(
        thing(),
        "/properties/labels",
        json!({"type": "array", "items": {"type": "string"}}),
    );
    assert_eq!(
        thing_changes(base.clone(), added),
        ["N schema Thing: field `labels` added"]
    );
    let removed = without(thing(), "/properties/size");
    assert_eq!(
        thing_changes(base.clone(), removed),
        ["B schema Thing: field `size` removed"]
    );
    let renamed = without(
        with(
            thing(),
            "/properties/bytes",
            json!({"type": "integer", "format": "int64"}),
        ),
        "/properties/size",
    );
    assert_eq!(
        thing_changes(base.clone(), renamed),
        ["B schema Thing: field `size` renamed to `bytes`"]
    );
    let retyped = with(thing(), "/properties/size", json!({"type": "string"}));
    assert_eq!(
        thing_changes(base.clone(), retyped),
        ["B schema Thing: field `size`: type changed from integer (int64) to string"]
    );
    let reformatted = with(thing(), "/properties/size/format", json!("int32"));
    assert_eq!(
        thing_changes(base, reformatted),
        ["B schema Thing: field `size`: type changed from integer (int64) to integer (int32)"]
    );
}

#[test]
fn response_fields_that_may_go_missing_or_null_are_breaking() {
    let optional_name = with(thing(), "/required", json!(["id"]));
    assert_eq!(
        thing_changes(thing(), optional_name.clone()),
        ["B schema Thing: field `name` may now be missing"]
    );
    assert_eq!(
        thing_changes(optional_name, thing()),
        ["N schema Thing: field `name` is now always present"]
    );
    let nullable = with(thing(), "/properties/name/nullable", json!(true));
    assert_eq!(
        thing_changes(thing(), nullable.clone()),
        ["B schema Thing: field `name`: may now be null"]
    );
    assert_eq!(
        thing_changes(nullable, thing()),
        ["N schema Thing: field `name`: is never null now"]
    );
}

#[test]
fn enumeration_values_added_are_non_breaking_and_removed_or_changed_are_breaking() {
    let added = with(
        thing(),
        "/properties/state/enum",
        json!(["running", "done", "stopped"]),
    );
    assert_eq!(
        thing_changes(thing(), added),
        ["N schema Thing: field `state`: enumeration value `stopped` added"]
    );
    let removed = with(thing(), "/properties/state/enum", json!(["running"]));
    assert_eq!(
        thing_changes(thing(), removed),
        ["B schema Thing: field `state`: enumeration value `done` removed"]
    );
    let changed = with(
        thing(),
        "/properties/state/enum",
        json!(["running", "finished"]),
    );
    assert_eq!(
        thing_changes(thing(), changed),
        ["B schema Thing: field `state`: enumeration value `done` changed to `finished`"]
    );
    let free = without(thing(), "/properties/state/enum");
    assert_eq!(
        thing_changes(free.clone(), thing()),
        ["B schema Thing: field `state`: now restricted to the values `running`, `done`"]
    );
    assert_eq!(
        thing_changes(thing(), free),
        ["N schema Thing: field `state`: no longer restricted to the values `running`, `done`"]
    );
}

/// `POST /things` taking a `Thing` body.
fn create(thing: Value, body_required: bool) -> openapiv3::OpenAPI {
    doc(
        json!({"/things": {"post": {
            "operationId": "create_thing",
            "requestBody": {"required": body_required, "content": {"application/json": {"schema": thing}}},
            "responses": {"201": {"description": "created"}}
        }}}),
        json!({}),
    )
}

#[test]
fn request_fields_follow_amperitys_rules() {
    let base = create(thing(), true);
    let optional = with(thing(), "/properties/note", json!({"type": "string"}));
    assert_eq!(
        changes(&base, &create(optional, true)),
        ["N POST /things: request body: optional field `note` added"]
    );
    let required = with(
        with(thing(), "/properties/note", json!({"type": "string"})),
        "/required",
        json!(["id", "name", "note"]),
    );
    assert_eq!(
        changes(&base, &create(required, true)),
        ["B POST /things: request body: required field `note` added"]
    );
    let now_required = with(thing(), "/required", json!(["id", "name", "size"]));
    assert_eq!(
        changes(&base, &create(now_required, true)),
        ["B POST /things: request body: field `size` is now required"]
    );
    let removed = without(thing(), "/properties/size");
    assert_eq!(
        changes(&base, &create(removed, true)),
        ["B POST /things: request body: field `size` removed"]
    );
    let closed = with(thing(), "/additionalProperties", json!(false));
    assert_eq!(
        changes(&base, &create(closed, true)),
        ["B POST /things: request body: no longer accepts fields it does not declare"]
    );
    let nullable = with(thing(), "/properties/name/nullable", json!(true));
    assert_eq!(
        changes(&create(nullable, true), &base),
        ["B POST /things: request body, field `name`: no longer accepts null"]
    );
    let added_value = with(
        thing(),
        "/properties/state/enum",
        json!(["running", "done", "new"]),
    );
    assert_eq!(
        changes(&base, &create(added_value, true)),
        ["N POST /things: request body, field `state`: enumeration value `new` added"]
    );
}

#[test]
fn request_bodies_added_removed_and_required() {
    let without_body = doc(
        json!({"/things": {"post": {"operationId": "create_thing", "responses": {"201": {"description": "created"}}}}}),
        json!({}),
    );
    assert_eq!(
        changes(&without_body, &create(thing(), true)),
        ["B POST /things: required request body added"]
    );
    assert_eq!(
        changes(&without_body, &create(thing(), false)),
        ["N POST /things: optional request body added"]
    );
    assert_eq!(
        changes(&create(thing(), true), &without_body),
        ["B POST /things: request body removed"]
    );
    assert_eq!(
        changes(&create(thing(), false), &create(thing(), true)),
        ["B POST /things: request body is now required"]
    );
}

#[test]
fn success_statuses_are_breaking_and_error_statuses_are_not() {
    let base = list(json!([]));
    let plus_404 = with(
        base.clone(),
        "/~1things/get/responses/404",
        json!({"description": "missing"}),
    );
    let minus_400 = without(base.clone(), "/~1things/get/responses/400");
    let plus_202 = with(
        base.clone(),
        "/~1things/get/responses/202",
        json!({"description": "later"}),
    );
    let minus_200 = without(base.clone(), "/~1things/get/responses/200");
    let d = |paths| doc(paths, schemas(thing()));
    assert_eq!(
        changes(&d(base.clone()), &d(plus_404)),
        ["N GET /things: 404 response added"]
    );
    assert_eq!(
        changes(&d(base.clone()), &d(minus_400)),
        ["N GET /things: 400 response no longer documented"]
    );
    assert_eq!(
        changes(&d(base.clone()), &d(plus_202)),
        ["B GET /things: 202 response added"]
    );
    assert_eq!(
        changes(&d(base), &d(minus_200)),
        ["B GET /things: 200 response removed"]
    );
}

#[test]
fn response_headers_removed_break_and_added_do_not() {
    let base = list(json!([]));
    let header = json!({"Retry-After": {"schema": {"type": "string"}}});
    let with_header = with(base.clone(), "/~1things/get/responses/200/headers", header);
    let d = |paths| doc(paths, schemas(thing()));
    assert_eq!(
        changes(&d(base.clone()), &d(with_header.clone())),
        ["N GET /things: 200 response header `Retry-After` added"]
    );
    assert_eq!(
        changes(&d(with_header), &d(base)),
        ["B GET /things: 200 response header `Retry-After` removed"]
    );
}

#[test]
fn adding_pagination_to_a_collection_breaks() {
    let array = json!({"/things": {"get": {
        "operationId": "list_things",
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}},
            "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
    }}});
    let base = doc(array, schemas(thing()));
    let paged = doc(list(json!([])), schemas(thing()));
    assert_eq!(
        changes(&base, &paged),
        [
            "B GET /things: pagination added to the collection response",
            "B GET /things: 200 response body: type changed from array to object",
        ]
    );
}

#[test]
fn a_new_api_version_breaks() {
    let base = doc(list(json!([])), schemas(thing()));
    let mut head = base.clone();
    head.info.version = "2025-01-01".into();
    assert_eq!(
        changes(&base, &head),
        ["B API: API version changed from `2024-04-01` to `2025-01-01`; every request names it"]
    );
}

#[test]
fn a_shared_schema_is_reported_once_under_its_own_name() {
    let two_ops = |error: Value| {
        let mut paths = list(json!([]));
        paths["/things"]["post"] = json!({
            "operationId": "make_thing",
            "responses": {"409": {"description": "conflict", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
        });
        let mut s = schemas(thing());
        s["Error"] = error;
        doc(paths, s)
    };
    let base = two_ops(json!({"type": "object", "properties": {"message": {"type": "string"}}}));
    let head = two_ops(json!({"type": "object", "properties": {"text": {"type": "integer"}}}));
    assert_eq!(
        changes(&base, &head),
        [
            "B schema Error: field `message` removed",
            "N schema Error: field `text` added"
        ]
    );
}

#[test]
fn closing_a_response_object_is_non_breaking_but_changes_the_rust() {
    let closed = with(thing(), "/additionalProperties", json!(false));
    let base = doc(list(json!([])), schemas(thing()));
    let head = doc(list(json!([])), schemas(closed));
    let found = compare(&base, &head);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::NonBreaking);
    assert_eq!(found[0].what, "is now closed to fields it does not declare");
    assert_eq!(
        found[0].rust_note,
        Some("the generated type loses its `extra` map")
    );
}

#[test]
fn limits_that_tighten_on_what_callers_send_are_breaking() {
    let bounded = |maximum: i64| json!([{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": maximum}}]);
    let d = |params| doc(list(params), schemas(thing()));
    assert_eq!(
        changes(&d(bounded(1000)), &d(bounded(100))),
        ["B GET /things: query parameter `limit`: maximum changed from 1000 to 100"]
    );
    assert_eq!(
        changes(&d(bounded(100)), &d(bounded(1000))),
        ["N GET /things: query parameter `limit`: maximum changed from 100 to 1000"]
    );
    let defaulted = |default: bool| json!([{"name": "with_total", "in": "query", "schema": {"type": "boolean", "default": default}}]);
    assert_eq!(
        changes(&d(defaulted(false)), &d(defaulted(true))),
        ["B GET /things: query parameter `with_total`: default changed from `false` to `true`"]
    );
    // The same limits on a response field describe what the server sends; they are not
    // compared.
    let long_name = with(thing(), "/properties/name/maxLength", json!(10));
    assert_eq!(thing_changes(thing(), long_name), Vec::<String>::new());
}

#[test]
fn a_renamed_schema_is_non_breaking_but_renames_the_rust_type() {
    let base = doc(list(json!([])), schemas(thing()));
    let mut renamed = schemas(thing());
    let page = renamed["ThingPage"].take();
    renamed
        .as_object_mut()
        .expect("an object")
        .remove("ThingPage");
    renamed["ThingList"] = page;
    let mut paths = list(json!([]));
    paths["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        json!({"$ref": "#/components/schemas/ThingList"});
    let head = doc(paths, renamed);
    let found = compare(&base, &head);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (
            found[0].severity,
            found[0].scope.as_str(),
            found[0].what.as_str()
        ),
        (
            Severity::NonBreaking,
            "schema ThingPage",
            "renamed to `ThingList`"
        )
    );
    assert_eq!(found[0].rust_note, Some("the generated type is renamed"));
}

#[test]
fn schemas_that_refer_to_themselves_are_compared_once() {
    let tree = |name: &str, extra: Option<&str>| {
        let mut properties = json!({
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": format!("#/components/schemas/{name}")}}
        });
        if let Some(extra) = extra {
            properties[extra] = json!({"type": "string"});
        }
        let paths = json!({"/tree": {"get": {
            "operationId": "get_tree",
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}}}
        }}});
        let mut schemas = serde_json::Map::new();
        schemas.insert(
            name.to_string(),
            json!({"type": "object", "properties": properties}),
        );
        doc(paths, Value::Object(schemas))
    };
    assert_eq!(
        changes(&tree("Node", None), &tree("Node", Some("colour"))),
        ["N schema Node: field `colour` added"]
    );
    assert_eq!(
        changes(&tree("Node", None), &tree("TreeNode", Some("colour"))),
        [
            "N schema Node: renamed to `TreeNode`",
            "N GET /tree: 200 response body: field `colour` added"
        ]
    );
}

fn real_spec() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml"))
        .expect("spec/openapi.yaml")
}

fn real_items() -> RustItems {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/amperity/src/generated.rs"
    ))
    .expect("the generated client");
    RustItems::parse(&source)
}

/// Applies text replacements to the real spec, each of which must match exactly once.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = real_spec();
    for (old, new) in edits {
        assert_eq!(
            text.matches(old).count(),
            1,
            "edit target `{old}` must be unique"
        );
        text = text.replacen(old, new, 1);
    }
    text
}

#[test]
fn the_report_for_a_real_edit_names_the_rust_items_that_break() {
    let head = edited(&[
        // Rename a response field.
        (
            "        name:\n          type: string\n          description: The name of the segment.",
            "        title:\n          type: string\n          description: The name of the segment.",
        ),
        // Remove a query parameter from the operation (GET /segments: its parameters end with
        // `WithTotal`, other lists' with a filter).
        (
            "        - $ref: \"#/components/parameters/Limit\"\n        \
             - $ref: \"#/components/parameters/NextToken\"\n        \
             - $ref: \"#/components/parameters/WithTotal\"\n      responses:\n",
            "        - $ref: \"#/components/parameters/NextToken\"\n        \
             - $ref: \"#/components/parameters/WithTotal\"\n      responses:\n",
        ),
        // An enumeration value added to a parameter: non-breaking, in every operation that
        // takes the parameter.
        (
            "          - \"2024-04-01\"\n    # [upstream: type]",
            "          - \"2024-04-01\"\n          - \"2025-07-31\"\n    # [upstream: type]",
        ),
        // A response field may now be missing.
        (
            "      description: One page of segments.\n      required:\n        - data\n",
            "      description: One page of segments.\n",
        ),
    ]);
    let base = parse_openapi(&real_spec()).expect("the spec parses");
    let head = parse_openapi(&head).expect("the edited spec parses");
    let report = render(
        "API changes in spec/openapi.yaml since HEAD",
        &compare(&base, &head),
        &real_items(),
        "amperity",
    );
    assert_eq!(
        report,
        "\
API changes in spec/openapi.yaml since HEAD: 3 breaking, 9 non-breaking (by Amperity's versioning rules)

BREAKING
  GET /segments: query parameter `limit` removed
      Rust: amperity::builder::ListSegments::limit
  schema SegmentPage: field `data` may now be missing
      Rust: amperity::types::SegmentPage::data
  schema Segment: field `name` renamed to `title`
      Rust: amperity::types::Segment::name

non-breaking
  GET /audit-events: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  GET /campaigns: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  GET /ingest/jobs: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  GET /ingest/jobs/{job-id}: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  GET /segments: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  GET /workflow/runs: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  GET /workflow/runs/{workflow-id}: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  POST /workflow/runs: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
  POST /workflow/runs/{workflow-id}/stop: query parameter `api_version`: enumeration value `2025-07-31` added
      Rust: the generated enum gains a variant
"
    );
}

#[test]
fn rust_items_are_found_by_their_json_names() {
    use super::{SchemaRoot, Subject};
    let items = real_items();
    let op = Subject::Operation {
        operation_id: "list_segments".into(),
    };
    assert_eq!(
        items.resolve(&op),
        ["Client::list_segments", "builder::ListSegments"]
    );
    let param = Subject::Parameter {
        operation_id: "list_segments".into(),
        name: "with_total".into(),
    };
    assert_eq!(items.resolve(&param), ["builder::ListSegments::with_total"]);
    // The client sets the tenant itself: no builder setter to name.
    let tenant = Subject::Parameter {
        operation_id: "list_segments".into(),
        name: "amperity-tenant".into(),
    };
    assert_eq!(items.resolve(&tenant), Vec::<String>::new());
    // From the operation's success body down an array to a field.
    let status = Subject::Schema {
        root: SchemaRoot::ResponseBody {
            operation_id: "list_segments".into(),
        },
        path: vec!["data".into(), "[]".into(), "status".into()],
        enum_value: None,
    };
    assert_eq!(items.resolve(&status), ["types::Segment::status"]);
    // An enumeration value, through the variant that serializes to it.
    let version = Subject::Schema {
        root: SchemaRoot::Parameter {
            operation_id: "list_segments".into(),
            name: "api_version".into(),
        },
        path: Vec::new(),
        enum_value: Some("2024-04-01".into()),
    };
    assert_eq!(
        items.resolve(&version),
        ["types::ListSegmentsApiVersion::X20240401"]
    );
}

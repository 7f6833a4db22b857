//! Helpers that check JSON against `spec/openapi.yaml`, for this workspace's tests.
//!
//! The spec is written in OpenAPI 3.0's dialect of JSON Schema, which no JSON Schema validator
//! reads as is: `nullable` is not a keyword, references point into `#/components/...`, and
//! `exclusiveMinimum` is a boolean. [`Spec`] translates a schema of the spec into JSON Schema
//! 2020-12 (see [`translate_schema`]) and compiles it with the `jsonschema` crate, so a test can
//! ask "does this body match what the spec says `GET /segments` answers with a 200?":
//!
//! ```
//! use amperity_workspace_tests::Spec;
//!
//! let spec = Spec::load().unwrap();
//! let page = spec.response_validator("list_segments", 200).unwrap();
//! assert!(page.is_valid(&serde_json::json!({ "data": [{ "id": "ab-1", "name": "VIPs" }] })));
//! assert!(!page.is_valid(&serde_json::json!({ "next_token": "abc" })));
//! ```
//!
//! [`schemars_validator`] compiles the schema that `schemars` derives from a Rust type, so the same
//! JSON can be checked against the generated types' own idea of the shape; [`fixtures`] lists the
//! bodies under `spec/fixtures/`.
//!
//! Other crates' tests reuse this as a dev-dependency (`amperity-workspace-tests.workspace =
//! true`), which is why everything here is public and returns errors instead of panicking.
#![forbid(unsafe_code)]

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

pub use jsonschema::Validator;

/// The JSON Schema dialect that [`translate_schema`] produces.
pub const JSON_SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

const COMPONENT_SCHEMA_PREFIX: &str = "#/components/schemas/";
const DEFS_PREFIX: &str = "#/$defs/";

/// What went wrong while reading the spec, finding something in it, or compiling a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(String);

impl SpecError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

/// The workspace root (the directory holding the root `Cargo.toml`).
///
/// Found from this crate's own manifest directory at compile time, so it works from any current
/// directory, including the per-package one `cargo test` runs tests in.
pub fn workspace_root() -> PathBuf {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests_dir
        .parent()
        .expect("the tests crate sits one level below the workspace root")
        .to_path_buf()
}

/// `spec/openapi.yaml`, the single source of truth for the API.
pub fn spec_path() -> PathBuf {
    workspace_root().join("spec").join("openapi.yaml")
}

/// `spec/fixtures/`, the example bodies that [`fixtures`] lists.
pub fn fixtures_dir() -> PathBuf {
    workspace_root().join("spec").join("fixtures")
}

/// An OpenAPI 3.0 document, loaded for validating JSON against its schemas.
#[derive(Debug, Clone)]
pub struct Spec {
    document: Value,
}

impl Spec {
    /// Loads the workspace's `spec/openapi.yaml`.
    pub fn load() -> Result<Self, SpecError> {
        Self::from_path(&spec_path())
    }

    /// Loads an OpenAPI 3.0 document from a YAML (or JSON, which is YAML) file.
    pub fn from_path(path: &Path) -> Result<Self, SpecError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SpecError::new(format!("reading {}: {e}", path.display())))?;
        let document: Value = serde_yaml::from_str(&text)
            .map_err(|e| SpecError::new(format!("parsing {}: {e}", path.display())))?;
        Self::from_value(document)
    }

    /// Wraps an already parsed OpenAPI 3.0 document.
    ///
    /// Fails when the document does not say `openapi: 3.0.x`: 3.1 uses JSON Schema 2020-12
    /// directly, and translating it as 3.0 would silently change its meaning.
    pub fn from_value(document: Value) -> Result<Self, SpecError> {
        match document.get("openapi").and_then(Value::as_str) {
            Some(version) if version.starts_with("3.0.") => Ok(Self { document }),
            Some(version) => Err(SpecError::new(format!(
                "only OpenAPI 3.0.x is supported, the document says {version}"
            ))),
            None => Err(SpecError::new("the document has no `openapi` version")),
        }
    }

    /// The document as parsed, untranslated.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// The names of `components.schemas`, in document order.
    pub fn component_schema_names(&self) -> Vec<String> {
        self.document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The JSON Schema (2020-12) for `components.schemas.<name>`.
    ///
    /// The result is self-contained: every component schema is carried in `$defs`, so references
    /// between them resolve without the rest of the document.
    pub fn component_schema(&self, name: &str) -> Result<Value, SpecError> {
        if self.raw_component_schema(name).is_none() {
            return Err(SpecError::new(format!(
                "no schema named {name:?} in components.schemas"
            )));
        }
        self.standalone(&json!({ "$ref": format!("{COMPONENT_SCHEMA_PREFIX}{name}") }))
    }

    /// A compiled validator for `components.schemas.<name>`.
    pub fn component_validator(&self, name: &str) -> Result<Validator, SpecError> {
        compile(&self.component_schema(name)?)
    }

    /// The operation with this `operationId`: its path, its method (lower case) and the operation
    /// object.
    pub fn operation(&self, operation_id: &str) -> Result<(&str, &str, &Value), SpecError> {
        let paths = self
            .document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| SpecError::new("the document has no paths"))?;
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                if operation.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                    return Ok((path, method, operation));
                }
            }
        }
        Err(SpecError::new(format!(
            "no operation with operationId {operation_id:?}"
        )))
    }

    /// The status codes an operation declares responses for, ascending (`default` and ranges such
    /// as `5XX` are left out).
    pub fn response_statuses(&self, operation_id: &str) -> Result<Vec<u16>, SpecError> {
        let (_, _, operation) = self.operation(operation_id)?;
        let mut statuses: Vec<u16> = operation
            .get("responses")
            .and_then(Value::as_object)
            .map(|responses| responses.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default();
        statuses.sort_unstable();
        Ok(statuses)
    }

    /// The JSON Schema (2020-12) of the `application/json` body an operation answers `status`
    /// with.
    ///
    /// Looks for the exact code first, then its range (`4XX`), then `default`, as OpenAPI says a
    /// client should.
    pub fn response_schema(&self, operation_id: &str, status: u16) -> Result<Value, SpecError> {
        let (_, _, operation) = self.operation(operation_id)?;
        let responses = operation
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| SpecError::new(format!("{operation_id} declares no responses")))?;
        let range = format!("{}XX", status / 100);
        let response = [status.to_string(), range, "default".to_owned()]
            .iter()
            .find_map(|key| responses.get(key))
            .ok_or_else(|| {
                SpecError::new(format!("{operation_id} declares no response for {status}"))
            })?;
        let response = self.resolve(response)?;
        let schema = response
            .pointer("/content/application~1json/schema")
            .ok_or_else(|| {
                SpecError::new(format!(
                    "the {status} response of {operation_id} has no application/json schema"
                ))
            })?;
        self.standalone(schema)
    }

    /// A compiled validator for the `application/json` body an operation answers `status` with.
    pub fn response_validator(
        &self,
        operation_id: &str,
        status: u16,
    ) -> Result<Validator, SpecError> {
        compile(&self.response_schema(operation_id, status)?)
    }

    /// The JSON Schema (2020-12) of an operation's parameter, found by where it goes (`query`,
    /// `header`, `path` or `cookie`) and its name.
    ///
    /// Parameters declared on the path item count too, unless the operation overrides them.
    pub fn parameter_schema(
        &self,
        operation_id: &str,
        location: &str,
        name: &str,
    ) -> Result<Value, SpecError> {
        let (path, _, operation) = self.operation(operation_id)?;
        let path_item = &self.document["paths"][path];
        let declared = [operation, path_item]
            .into_iter()
            .filter_map(|owner| owner.get("parameters").and_then(Value::as_array))
            .flatten();
        for parameter in declared {
            let parameter = self.resolve(parameter)?;
            let matches = parameter.get("in").and_then(Value::as_str) == Some(location)
                && parameter.get("name").and_then(Value::as_str) == Some(name);
            if matches {
                let schema = parameter.get("schema").ok_or_else(|| {
                    SpecError::new(format!("parameter {location} {name:?} has no schema"))
                })?;
                return self.standalone(schema);
            }
        }
        Err(SpecError::new(format!(
            "{operation_id} has no {location} parameter named {name:?}"
        )))
    }

    /// A compiled validator for an operation's parameter (see [`Spec::parameter_schema`]).
    pub fn parameter_validator(
        &self,
        operation_id: &str,
        location: &str,
        name: &str,
    ) -> Result<Validator, SpecError> {
        compile(&self.parameter_schema(operation_id, location, name)?)
    }

    fn raw_component_schema(&self, name: &str) -> Option<&Value> {
        self.document
            .pointer("/components/schemas")
            .and_then(|schemas| schemas.get(name))
    }

    /// Follows a `$ref` to a component (response, parameter, ...) until it reaches the object.
    fn resolve<'a>(&'a self, mut value: &'a Value) -> Result<&'a Value, SpecError> {
        // A cycle of references would loop forever; no real document nests more than a few.
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            let pointer = reference.strip_prefix('#').ok_or_else(|| {
                SpecError::new(format!("only local references are supported: {reference}"))
            })?;
            value = self
                .document
                .pointer(pointer)
                .ok_or_else(|| SpecError::new(format!("dangling reference {reference}")))?;
        }
        Err(SpecError::new("reference chain too long (a cycle?)"))
    }

    /// Translates `schema` and bundles every component schema with it as `$defs`.
    fn standalone(&self, schema: &Value) -> Result<Value, SpecError> {
        let mut defs = Map::new();
        if let Some(schemas) = self
            .document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, component) in schemas {
                defs.insert(name.clone(), translate_schema(component)?);
            }
        }
        let mut root = Map::new();
        root.insert("$schema".into(), JSON_SCHEMA_DIALECT.into());
        root.insert("$defs".into(), Value::Object(defs));
        match translate_schema(schema)? {
            Value::Object(translated) => root.extend(translated),
            // `true` / `false` schemas are not valid OpenAPI 3.0, but mean the same here.
            Value::Bool(true) => {}
            Value::Bool(false) => {
                root.insert("not".into(), json!({}));
            }
            other => return Err(SpecError::new(format!("not a schema: {other}"))),
        }
        Ok(Value::Object(root))
    }
}

/// Translates one OpenAPI 3.0 Schema Object into JSON Schema 2020-12.
///
/// - `nullable: true` adds `"null"` to `type`. As OpenAPI 3.0.3 says, it has no effect on a
///   schema without `type`, and an `enum` must list `null` itself to allow it.
/// - `$ref: "#/components/schemas/X"` becomes `$ref: "#/$defs/X"` (see [`Spec::component_schema`]
///   for the bundle that defines them). Siblings of `$ref` are dropped, as OpenAPI 3.0 ignores
///   them.
/// - Boolean `exclusiveMinimum` / `exclusiveMaximum` become the numeric form.
/// - `format: int32` / `int64` become `minimum` / `maximum` bounds, because the generated Rust
///   types (`i32`, `i64`) cannot hold a number outside them; other formats stay annotations.
/// - Annotations that only OpenAPI knows (`example`, `xml`, `externalDocs`, `discriminator`,
///   `x-*` extensions) are dropped.
///
/// Fails on references that do not point into `#/components/schemas/`.
pub fn translate_schema(schema: &Value) -> Result<Value, SpecError> {
    let Value::Object(object) = schema else {
        return Ok(schema.clone());
    };

    if let Some(reference) = object.get("$ref") {
        let reference = reference
            .as_str()
            .ok_or_else(|| SpecError::new(format!("$ref is not a string: {reference}")))?;
        let name = reference
            .strip_prefix(COMPONENT_SCHEMA_PREFIX)
            .ok_or_else(|| {
                SpecError::new(format!(
                    "a schema may only refer to {COMPONENT_SCHEMA_PREFIX}...: {reference}"
                ))
            })?;
        return Ok(json!({ "$ref": format!("{DEFS_PREFIX}{name}") }));
    }

    let mut out = Map::new();
    for (key, value) in object {
        let translated = match key.as_str() {
            "nullable" | "example" | "xml" | "externalDocs" | "discriminator" => continue,
            key if key.starts_with("x-") => continue,
            "properties" => {
                let properties = value.as_object().ok_or_else(|| {
                    SpecError::new(format!("properties is not an object: {value}"))
                })?;
                let mut translated = Map::new();
                for (name, property) in properties {
                    translated.insert(name.clone(), translate_schema(property)?);
                }
                Value::Object(translated)
            }
            "allOf" | "anyOf" | "oneOf" => {
                let schemas = value
                    .as_array()
                    .ok_or_else(|| SpecError::new(format!("{key} is not an array: {value}")))?;
                Value::Array(
                    schemas
                        .iter()
                        .map(translate_schema)
                        .collect::<Result<_, _>>()?,
                )
            }
            "items" | "not" | "additionalProperties" => translate_schema(value)?,
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }

    for (keyword, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = out.get(keyword).cloned() {
            out.remove(keyword);
            if exclusive && let Some(limit) = out.remove(bound) {
                out.insert(keyword.into(), limit);
            }
        }
    }

    let integer_range = match out.get("format").and_then(Value::as_str) {
        Some("int32") => Some((json!(i32::MIN), json!(i32::MAX))),
        Some("int64") => Some((json!(i64::MIN), json!(i64::MAX))),
        _ => None,
    };
    if let Some((min, max)) = integer_range {
        // A bound the spec sets itself is narrower than the type's in any sane spec; keep it.
        if !out.contains_key("minimum") && !out.contains_key("exclusiveMinimum") {
            out.insert("minimum".into(), min);
        }
        if !out.contains_key("maximum") && !out.contains_key("exclusiveMaximum") {
            out.insert("maximum".into(), max);
        }
    }

    if object.get("nullable") == Some(&Value::Bool(true)) {
        match out.get_mut("type") {
            Some(Value::String(single)) => {
                let single = std::mem::take(single);
                out.insert("type".into(), json!([single, "null"]));
            }
            Some(Value::Array(types)) if !types.contains(&json!("null")) => {
                types.push(json!("null"));
            }
            _ => {}
        }
    }

    Ok(Value::Object(out))
}

/// Compiles a JSON Schema; the draft comes from its `$schema` (2020-12 when it has none).
pub fn compile(schema: &Value) -> Result<Validator, SpecError> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .map_err(|e| SpecError::new(format!("the schema does not compile: {e}")))
}

/// The JSON Schema that `schemars` derives for `T` (for the generated types: what serde will
/// accept and produce, as far as schemars can tell).
pub fn schemars_schema<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).expect("a schemars schema is plain JSON")
}

/// A compiled validator for [`schemars_schema`]`::<T>()`.
pub fn schemars_validator<T: schemars::JsonSchema>() -> Result<Validator, SpecError> {
    compile(&schemars_schema::<T>())
}

/// Every reason `validator` rejects `instance`, one line each (`<instance path>: <message>`);
/// empty when it is valid. Meant for assertion messages.
pub fn validation_errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| {
            let path = error.instance_path().to_string();
            let path = if path.is_empty() { "/" } else { &path };
            format!("{path}: {error}")
        })
        .collect()
}

/// Reads and parses a JSON file.
pub fn load_json(path: &Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(format!("reading {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| SpecError::new(format!("parsing {}: {e}", path.display())))
}

/// One example body under `spec/fixtures/`.
///
/// The layout says what each file is:
/// `spec/fixtures/<Schema>/<name>.json` is a body that `components.schemas.<Schema>` accepts, and
/// `spec/fixtures/invalid/<Schema>/<name>.json` one that it rejects.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixture {
    /// The path relative to `spec/fixtures/`, with `/` separators (`SegmentPage/seed.json`).
    pub name: String,
    /// The component schema the fixture is written against.
    pub schema: String,
    /// Whether the schema accepts it.
    pub valid: bool,
    /// The parsed body.
    pub body: Value,
}

/// Every fixture under `spec/fixtures/`, sorted by name. Files other than `*.json` are ignored.
pub fn fixtures() -> Result<Vec<Fixture>, SpecError> {
    fixtures_in(&fixtures_dir())
}

/// Every fixture under `root` (laid out as `spec/fixtures/` is: `<Schema>/*.json` valid,
/// `invalid/<Schema>/*.json` not), sorted by name.
pub fn fixtures_in(root: &Path) -> Result<Vec<Fixture>, SpecError> {
    let root = root.to_path_buf();
    let mut found = Vec::new();
    for (dir, valid) in [(root.clone(), true), (root.join("invalid"), false)] {
        for schema_dir in sorted_entries(&dir)? {
            let Some(schema) = schema_dir.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !schema_dir.is_dir() || (valid && schema == "invalid") {
                continue;
            }
            for file in sorted_entries(&schema_dir)? {
                if file.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let name = file
                    .strip_prefix(&root)
                    .expect("listed under the fixtures directory")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push(Fixture {
                    name,
                    schema: schema.to_owned(),
                    valid,
                    body: load_json(&file)?,
                });
            }
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, SpecError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| SpecError::new(format!("listing {}: {e}", dir.display())))?;
    let mut paths = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| SpecError::new(format!("listing {}: {e}", dir.display())))?;
    paths.sort();
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_adds_null_to_the_type() {
        let schema = translate_schema(&json!({ "type": "string", "nullable": true })).unwrap();
        assert_eq!(schema, json!({ "type": ["string", "null"] }));
    }

    #[test]
    fn nullable_false_and_openapi_annotations_are_dropped() {
        let schema = translate_schema(&json!({
            "type": "string",
            "nullable": false,
            "example": 12,
            "x-internal": true,
            "description": "kept"
        }))
        .unwrap();
        assert_eq!(schema, json!({ "type": "string", "description": "kept" }));
    }

    #[test]
    fn component_references_point_into_defs_and_ref_siblings_are_ignored() {
        let schema = translate_schema(&json!({
            "type": "array",
            "items": { "$ref": "#/components/schemas/Segment", "nullable": true }
        }))
        .unwrap();
        assert_eq!(
            schema,
            json!({ "type": "array", "items": { "$ref": "#/$defs/Segment" } })
        );
    }

    #[test]
    fn references_outside_component_schemas_are_refused() {
        let error = translate_schema(&json!({ "$ref": "other.yaml#/Thing" })).unwrap_err();
        assert!(error.to_string().contains("other.yaml#/Thing"), "{error}");
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        let schema = translate_schema(&json!({
            "type": "number",
            "minimum": 0,
            "exclusiveMinimum": true,
            "maximum": 10,
            "exclusiveMaximum": false
        }))
        .unwrap();
        assert_eq!(
            schema,
            json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 10 })
        );
    }

    #[test]
    fn integer_formats_bound_the_value_unless_the_schema_does() {
        let schema = translate_schema(&json!({
            "type": "integer", "format": "int32", "minimum": 0
        }))
        .unwrap();
        assert_eq!(
            schema,
            json!({ "type": "integer", "format": "int32", "minimum": 0, "maximum": i32::MAX })
        );
    }

    #[test]
    fn property_names_that_look_like_keywords_are_kept() {
        let schema = translate_schema(&json!({
            "type": "object",
            "properties": { "example": { "type": "string" }, "nullable": { "type": "boolean" } }
        }))
        .unwrap();
        assert_eq!(
            schema["properties"],
            json!({ "example": { "type": "string" }, "nullable": { "type": "boolean" } })
        );
    }

    #[test]
    fn only_openapi_3_0_documents_are_accepted() {
        assert!(Spec::from_value(json!({ "openapi": "3.1.0" })).is_err());
        assert!(Spec::from_value(json!({ "swagger": "2.0" })).is_err());
        assert!(Spec::from_value(json!({ "openapi": "3.0.3" })).is_ok());
    }

    #[test]
    fn response_lookup_falls_back_to_ranges_and_default() {
        let spec = Spec::from_value(json!({
            "openapi": "3.0.3",
            "paths": { "/x": { "get": {
                "operationId": "get_x",
                "responses": {
                    "200": { "content": { "application/json": { "schema": { "type": "integer" } } } },
                    "5XX": { "content": { "application/json": { "schema": { "type": "string" } } } },
                    "default": { "content": { "application/json": { "schema": { "type": "boolean" } } } }
                }
            } } }
        }))
        .unwrap();
        let type_for = |status| spec.response_schema("get_x", status).unwrap()["type"].clone();
        assert_eq!(type_for(200), json!("integer"));
        assert_eq!(type_for(503), json!("string"));
        assert_eq!(type_for(404), json!("boolean"));
        assert_eq!(spec.response_statuses("get_x").unwrap(), vec![200]);
    }
}

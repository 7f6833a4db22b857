//! Reading a parsed OpenAPI document the way the comparison needs it: operations keyed so that
//! the two sides line up, references resolved, and a JSON pointer kept for every node.

use std::collections::BTreeMap;

use openapiv3::{
    Header, OpenAPI, Operation, Parameter, ParameterData, ReferenceOr, RequestBody, Response,
    Schema,
};

/// One operation of a document, found under its path.
pub struct Op<'a> {
    pub method: &'static str,
    /// The path as written, with its parameter names.
    pub path: String,
    pub operation: &'a Operation,
    /// Path-level parameters, which apply to the operation unless it overrides them.
    pub path_parameters: &'a [ReferenceOr<Parameter>],
    pub pointer: String,
    pub path_pointer: String,
}

impl Op<'_> {
    /// `GET /segments`
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The operation id, or a stand-in that names no Rust item.
    pub fn id(&self) -> String {
        self.operation.operation_id.clone().unwrap_or_default()
    }
}

/// The key two versions of an operation share: the method and the path with its parameter names
/// blanked, since renaming `{id}` to `{job-id}` changes no URL a caller sends.
pub type OpKey = (String, String);

pub fn operations(doc: &OpenAPI) -> BTreeMap<OpKey, Op<'_>> {
    let mut ops = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let path_pointer = format!("/paths/{}", escape(path));
        for (method, operation) in item.iter() {
            let method = static_method(method);
            ops.insert(
                (method.to_string(), blank_parameters(path)),
                Op {
                    method,
                    path: path.clone(),
                    operation,
                    path_parameters: &item.parameters,
                    pointer: format!("{path_pointer}/{method}"),
                    path_pointer: path_pointer.clone(),
                },
            );
        }
    }
    ops
}

fn static_method(method: &str) -> &'static str {
    match method {
        "get" => "get",
        "put" => "put",
        "post" => "post",
        "delete" => "delete",
        "options" => "options",
        "head" => "head",
        "patch" => "patch",
        _ => "trace",
    }
}

/// `/ingest/jobs/{job-id}` → `/ingest/jobs/{}`
pub fn blank_parameters(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => out.push(c),
        }
    }
    out
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A parameter with the pointer of its definition (the component, when referenced).
pub struct Param<'a> {
    pub data: &'a ParameterData,
    /// `query`, `header`, `path` or `cookie`.
    pub location: &'static str,
    pub pointer: String,
    /// Where the operation lists it (the `$ref`, when it is a component).
    pub site: String,
}

impl Param<'_> {
    /// Header names are case-insensitive; other names are not.
    pub fn key(&self) -> (String, String) {
        let name = if self.location == "header" {
            self.data.name.to_ascii_lowercase()
        } else {
            self.data.name.clone()
        };
        (self.location.to_string(), name)
    }

    /// ``query parameter `limit` `` or ``header `amperity-tenant` ``
    pub fn noun(&self) -> String {
        match self.location {
            "header" => format!("request header `{}`", self.data.name),
            location => format!("{location} parameter `{}`", self.data.name),
        }
    }
}

/// The parameters of an operation, path-level ones first unless the operation overrides them.
pub fn parameters<'a>(doc: &'a OpenAPI, op: &Op<'a>) -> BTreeMap<(String, String), Param<'a>> {
    let mut params = BTreeMap::new();
    let levels = [
        (
            op.path_parameters,
            format!("{}/parameters", op.path_pointer),
        ),
        (
            &op.operation.parameters[..],
            format!("{}/parameters", op.pointer),
        ),
    ];
    for (list, list_pointer) in levels {
        for (index, param) in list.iter().enumerate() {
            let site = format!("{list_pointer}/{index}");
            let (param, pointer) = match param {
                ReferenceOr::Item(p) => (p, site.clone()),
                ReferenceOr::Reference { reference } => {
                    match component(doc, reference, "parameters", |c| &c.parameters) {
                        Some(found) => found,
                        None => continue,
                    }
                }
            };
            let location = match param {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            let param = Param {
                data: param.parameter_data_ref(),
                location,
                pointer,
                site,
            };
            params.insert(param.key(), param);
        }
    }
    params
}

/// Looks up `#/components/<section>/<name>`, following a chain of references.
fn component<'a, T>(
    doc: &'a OpenAPI,
    reference: &str,
    section: &str,
    pick: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<(&'a T, String)> {
    let mut reference = reference.to_string();
    for _ in 0..16 {
        let name = reference.strip_prefix(&format!("#/components/{section}/"))?;
        let found = pick(doc.components.as_ref()?).get(name)?;
        let pointer = format!("/components/{section}/{}", escape(name));
        match found {
            ReferenceOr::Item(item) => return Some((item, pointer)),
            ReferenceOr::Reference { reference: next } => reference = next.clone(),
        }
    }
    None
}

pub fn request_body<'a>(
    doc: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
    pointer: String,
) -> Option<(&'a RequestBody, String)> {
    match body {
        ReferenceOr::Item(b) => Some((b, pointer)),
        ReferenceOr::Reference { reference } => {
            component(doc, reference, "requestBodies", |c| &c.request_bodies)
        }
    }
}

pub fn response<'a>(
    doc: &'a OpenAPI,
    response: &'a ReferenceOr<Response>,
    pointer: String,
) -> Option<(&'a Response, String)> {
    match response {
        ReferenceOr::Item(r) => Some((r, pointer)),
        ReferenceOr::Reference { reference } => {
            component(doc, reference, "responses", |c| &c.responses)
        }
    }
}

pub fn header<'a>(
    doc: &'a OpenAPI,
    header: &'a ReferenceOr<Header>,
    pointer: String,
) -> Option<(&'a Header, String)> {
    match header {
        ReferenceOr::Item(h) => Some((h, pointer)),
        ReferenceOr::Reference { reference } => {
            component(doc, reference, "headers", |c| &c.headers)
        }
    }
}

/// A schema reference as either kind of `ReferenceOr` holds it.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Item(s) => SchemaRef::Item(s),
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Item(s) => SchemaRef::Item(s),
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
        }
    }
}

/// A schema with references followed: the schema, the pointer to its definition and, when it is a
/// component, the component's name.
pub struct Resolved<'a> {
    pub schema: &'a Schema,
    pub pointer: String,
    pub component: Option<String>,
}

pub fn resolve<'a>(
    doc: &'a OpenAPI,
    schema: SchemaRef<'a>,
    pointer: String,
) -> Option<Resolved<'a>> {
    match schema {
        SchemaRef::Item(schema) => Some(Resolved {
            schema,
            pointer,
            component: None,
        }),
        SchemaRef::Ref(reference) => {
            let mut reference = reference.to_string();
            for _ in 0..16 {
                let name = reference.strip_prefix("#/components/schemas/")?;
                match doc.components.as_ref()?.schemas.get(name)? {
                    ReferenceOr::Item(schema) => {
                        return Some(Resolved {
                            schema,
                            pointer: format!("/components/schemas/{}", escape(name)),
                            component: Some(name.to_string()),
                        });
                    }
                    ReferenceOr::Reference { reference: next } => reference = next.clone(),
                }
            }
            None
        }
    }
}

//! Reading a parsed OpenAPI document the way the comparison needs it: operations keyed so that
//! the two sides line up, references resolved, and a JSON pointer kept for every node.

use std::collections::BTreeMap;

use indexmap::IndexMap;
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
            let Some((param, pointer)) = resolve_item(doc, param, site.clone()) else {
                continue;
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

/// The components of one kind: parameters, request bodies, responses, headers.
pub trait Component: Sized {
    /// Its section of `#/components/`.
    const SECTION: &'static str;
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! component {
    ($type:ty, $section:literal, $field:ident) => {
        impl Component for $type {
            const SECTION: &'static str = $section;
            fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
                &components.$field
            }
        }
    };
}

component!(Parameter, "parameters", parameters);
component!(RequestBody, "requestBodies", request_bodies);
component!(Response, "responses", responses);
component!(Header, "headers", headers);

/// The item itself, or the component it refers to (following a chain of references), with the
/// pointer to where it is defined.
pub fn resolve_item<'a, T: Component>(
    doc: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    pointer: String,
) -> Option<(&'a T, String)> {
    let mut reference = match item {
        ReferenceOr::Item(item) => return Some((item, pointer)),
        ReferenceOr::Reference { reference } => reference,
    };
    for _ in 0..16 {
        let name = reference.strip_prefix(&format!("#/components/{}/", T::SECTION))?;
        let pointer = format!("/components/{}/{}", T::SECTION, escape(name));
        match T::section(doc.components.as_ref()?).get(name)? {
            ReferenceOr::Item(item) => return Some((item, pointer)),
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    None
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

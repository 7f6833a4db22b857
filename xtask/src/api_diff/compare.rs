//! Comparing two documents operation by operation: endpoints, parameters and headers, request
//! bodies, status codes and response headers. Schemas are compared in `schema.rs`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use indexmap::IndexMap;
use openapiv3::{MediaType, OpenAPI, ParameterSchemaOrContent, Response, SchemaKind, Type};

use super::document::{
    self, Op, OpKey, Param, SchemaRef, blank_parameters, escape, operations, parameters,
};
use super::schema::{At, Pointers, same_schema};
use super::{Change, Direction, Kind, SchemaRoot, Severity, Subject};

/// The state of one comparison.
pub(crate) struct Differ<'a> {
    pub base: &'a OpenAPI,
    pub head: &'a OpenAPI,
    changes: Vec<Change>,
    /// Components already compared, per direction.
    pub seen: HashSet<(String, Direction)>,
}

/// Every observable difference from `base` to `head`, in document order.
pub fn compare(base: &OpenAPI, head: &OpenAPI) -> Vec<Change> {
    let mut differ = Differ {
        base,
        head,
        changes: Vec::new(),
        seen: HashSet::new(),
    };
    differ.document();
    differ.changes
}

/// A change found, before it is placed in a scope.
pub(super) struct Found {
    severity: Severity,
    kind: Kind,
    pub what: String,
    subject: Subject,
    note: Option<&'static str>,
}

impl Found {
    pub fn new(severity: Severity, kind: Kind, what: impl Into<String>) -> Found {
        Found {
            severity,
            kind,
            what: what.into(),
            subject: Subject::None,
            note: None,
        }
    }

    pub fn breaking(kind: Kind, what: impl Into<String>) -> Found {
        Found::new(Severity::Breaking, kind, what)
    }

    pub fn non_breaking(kind: Kind, what: impl Into<String>) -> Found {
        Found::new(Severity::NonBreaking, kind, what)
    }

    /// The generated Rust the change is about.
    pub fn about(mut self, subject: Subject) -> Found {
        self.subject = subject;
        self
    }

    /// How the generated Rust changes although callers on the wire do not notice.
    pub fn noting(mut self, note: &'static str) -> Found {
        self.note = Some(note);
        self
    }
}

impl<'a> Differ<'a> {
    pub(super) fn record(&mut self, scope: &str, pointers: &Pointers, found: Found) {
        let change = Change {
            severity: found.severity,
            kind: found.kind,
            scope: scope.to_string(),
            what: found.what,
            base_pointer: pointers.base.clone(),
            base_site: pointers.base_site.clone(),
            head_pointer: pointers.head.clone(),
            subject: found.subject,
            rust_note: found.note,
        };
        // The same schema reached twice in one place (two media types, say) says the same thing.
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    fn document(&mut self) {
        let (base, head) = (self.base, self.head);
        if base.info.version != head.info.version {
            let what = format!(
                "API version changed from `{}` to `{}`; every request names it",
                base.info.version, head.info.version
            );
            let pointers = Pointers::new("/info/version", "/info/version");
            self.record("API", &pointers, Found::breaking(Kind::Version, what));
        }

        let base_ops = operations(base);
        let head_ops = operations(head);
        let renamed = renamed_urls(&base_ops, &head_ops);
        let renamed_to: BTreeSet<&OpKey> = renamed.values().collect();

        for (key, b) in &base_ops {
            if let Some(h) = head_ops.get(key) {
                self.operation(b, h);
            } else if let Some(h) = renamed.get(key).map(|k| &head_ops[k]) {
                let what = format!("URL renamed from `{}` to `{}`", b.path, h.path);
                let found = Found::breaking(Kind::Operation, what).about(operation_subject(b));
                self.record(&b.label(), &Pointers::new(&b.pointer, &h.pointer), found);
                self.operation(b, h);
            } else {
                let pointers = Pointers::new(&b.pointer, nearest_path(head, &b.path));
                let found = Found::breaking(Kind::Operation, "endpoint removed")
                    .about(operation_subject(b));
                self.record(&b.label(), &pointers, found);
            }
        }
        for (key, h) in &head_ops {
            if base_ops.contains_key(key) || renamed_to.contains(key) {
                continue;
            }
            let pointers = Pointers::new(nearest_path(base, &h.path), &h.pointer);
            let found = Found::non_breaking(Kind::Operation, "endpoint added");
            self.record(&h.label(), &pointers, found);
        }
    }

    fn operation(&mut self, b: &Op<'a>, h: &Op<'a>) {
        let scope = h.label();
        if b.operation.operation_id != h.operation.operation_id {
            let what = format!("operationId changed from `{}` to `{}`", b.id(), h.id());
            let pointers = Pointers::new(
                format!("{}/operationId", b.pointer),
                format!("{}/operationId", h.pointer),
            );
            let found = Found::non_breaking(Kind::Operation, what)
                .about(operation_subject(b))
                .noting("the client's method and its request builder are renamed");
            self.record(&scope, &pointers, found);
        }
        if !b.operation.deprecated && h.operation.deprecated {
            let found =
                Found::non_breaking(Kind::Operation, "deprecated").about(operation_subject(b));
            self.record(&scope, &Pointers::new(&b.pointer, &h.pointer), found);
        }
        self.parameters(&scope, b, h);
        self.request_body(&scope, b, h);
        self.responses(&scope, b, h);
    }

    fn parameters(&mut self, scope: &str, b: &Op<'a>, h: &Op<'a>) {
        let base_params = parameters(self.base, b);
        let mut head_params = parameters(self.head, h);
        // A path parameter renamed in the template (`{id}` → `{job-id}`) is the same parameter:
        // the URL a caller sends is unchanged. Line the head's up under the base's names.
        for (old, new) in path_parameter_renames(&b.path, &h.path) {
            if let Some(p) = head_params.remove(&("path".to_string(), new.clone())) {
                head_params.insert(("path".to_string(), old.clone()), p);
                let what =
                    format!("path parameter `{old}` renamed to `{new}` (the URL is unchanged)");
                let subject = Subject::Parameter {
                    operation_id: b.id(),
                    name: old,
                };
                let found = Found::non_breaking(Kind::Parameter, what)
                    .about(subject)
                    .noting("the argument of the builder's setter is renamed");
                self.record(scope, &Pointers::new(&b.pointer, &h.pointer), found);
            }
        }

        let removed: Vec<&(String, String)> = base_params
            .keys()
            .filter(|k| !head_params.contains_key(*k))
            .collect();
        let added: Vec<&(String, String)> = head_params
            .keys()
            .filter(|k| !base_params.contains_key(*k))
            .collect();
        // A removed parameter and an added one alike in all but name is a rename, when the
        // pairing is unambiguous.
        let alike = |p: &Param, q: &Param| {
            p.location == q.location
                && p.data.required == q.data.required
                && same_schema(&p.data.format, &q.data.format)
        };
        let mut renamed = BTreeSet::new();
        for &old in &removed {
            let bp = &base_params[old];
            let candidates: Vec<&(String, String)> = added
                .iter()
                .copied()
                .filter(|k| alike(bp, &head_params[*k]))
                .collect();
            let [new] = candidates.as_slice() else {
                continue;
            };
            let np = &head_params[*new];
            if removed
                .iter()
                .filter(|k| alike(&base_params[**k], np))
                .count()
                != 1
            {
                continue;
            }
            renamed.insert(old.clone());
            renamed.insert((*new).clone());
            let what = format!("{} renamed to `{}`", bp.noun(), np.data.name);
            let pointers = Pointers::new(&bp.pointer, &np.pointer).via(&bp.site);
            let found = Found::breaking(param_kind(bp), what).about(param_subject(b, bp));
            self.record(scope, &pointers, found);
        }
        for old in removed.iter().filter(|k| !renamed.contains(**k)) {
            let bp = &base_params[*old];
            let pointers = Pointers::new(&bp.pointer, &h.pointer).via(&bp.site);
            let what = format!("{} removed", bp.noun());
            let found = Found::breaking(param_kind(bp), what).about(param_subject(b, bp));
            self.record(scope, &pointers, found);
        }
        for new in added.iter().filter(|k| !renamed.contains(**k)) {
            let hp = &head_params[*new];
            let pointers = Pointers::new(&b.pointer, &hp.pointer);
            let found = if hp.data.required {
                Found::breaking(param_kind(hp), format!("required {} added", hp.noun()))
            } else {
                Found::non_breaking(param_kind(hp), format!("optional {} added", hp.noun()))
            };
            self.record(scope, &pointers, found);
        }

        for (key, bp) in &base_params {
            let Some(hp) = head_params.get(key) else {
                continue;
            };
            let pointers = Pointers::new(&bp.pointer, &hp.pointer).via(&bp.site);
            let requiredness = match (bp.data.required, hp.data.required) {
                (false, true) => Some((Severity::Breaking, "is now required")),
                (true, false) => Some((Severity::NonBreaking, "is now optional")),
                _ => None,
            };
            if let Some((severity, what)) = requiredness {
                let what = format!("{} {what}", bp.noun());
                let found = Found::new(severity, Kind::Required, what).about(param_subject(b, bp));
                self.record(scope, &pointers, found);
            }
            if let (ParameterSchemaOrContent::Schema(bs), ParameterSchemaOrContent::Schema(hs)) =
                (&bp.data.format, &hp.data.format)
            {
                let root = SchemaRoot::Parameter {
                    operation_id: b.id(),
                    name: bp.data.name.clone(),
                };
                let at = At::new(scope, bp.noun(), Direction::Request, root);
                let pointers = Pointers::new(
                    format!("{}/schema", pointers.base),
                    format!("{}/schema", pointers.head),
                );
                self.schema(&at, pointers, bs.into(), hs.into());
            }
        }
    }

    fn request_body(&mut self, scope: &str, b: &Op<'a>, h: &Op<'a>) {
        let body = |doc, op: &Op<'a>| {
            op.operation.request_body.as_ref().and_then(|body| {
                document::resolve_item(doc, body, format!("{}/requestBody", op.pointer))
            })
        };
        let op_pointers = Pointers::new(&b.pointer, &h.pointer);
        let ((bb, bptr), (hb, hptr)) = match (body(self.base, b), body(self.head, h)) {
            (None, None) => return,
            (Some(_), None) => {
                let found = Found::breaking(Kind::RequestBody, "request body removed")
                    .about(operation_subject(b));
                self.record(scope, &op_pointers, found);
                return;
            }
            (None, Some((hb, _))) => {
                let found = if hb.required {
                    Found::breaking(Kind::RequestBody, "required request body added")
                } else {
                    Found::non_breaking(Kind::RequestBody, "optional request body added")
                };
                self.record(scope, &op_pointers, found.about(operation_subject(b)));
                return;
            }
            (Some(bb), Some(hb)) => (bb, hb),
        };
        let pointers = Pointers::new(bptr, hptr);
        if !bb.required && hb.required {
            let found = Found::breaking(Kind::Required, "request body is now required")
                .about(operation_subject(b));
            self.record(scope, &pointers, found);
        }
        let root = SchemaRoot::RequestBody {
            operation_id: b.id(),
        };
        let at = At::new(scope, "request body", Direction::Request, root);
        self.content(&at, &pointers, &bb.content, &hb.content);
    }

    fn content(
        &mut self,
        at: &At,
        pointers: &Pointers,
        base: &IndexMap<String, MediaType>,
        head: &IndexMap<String, MediaType>,
    ) {
        for (media_type, bm) in base {
            let child = |p: &str| format!("{p}/content/{}", escape(media_type));
            let Some(hm) = head.get(media_type) else {
                let what = format!("{}: `{media_type}` content removed", at.place);
                let pointers = Pointers::new(child(&pointers.base), &pointers.head);
                self.record(&at.scope, &pointers, Found::breaking(Kind::Type, what));
                continue;
            };
            if let (Some(bs), Some(hs)) = (&bm.schema, &hm.schema) {
                let pointers = Pointers::new(
                    format!("{}/schema", child(&pointers.base)),
                    format!("{}/schema", child(&pointers.head)),
                );
                self.schema(at, pointers, SchemaRef::from(bs), SchemaRef::from(hs));
            }
        }
        for media_type in head.keys().filter(|m| !base.contains_key(*m)) {
            let what = format!("{}: `{media_type}` content added", at.place);
            let head = format!("{}/content/{}", pointers.head, escape(media_type));
            let pointers = Pointers::new(&pointers.base, head);
            self.record(&at.scope, &pointers, Found::non_breaking(Kind::Type, what));
        }
    }

    fn responses(&mut self, scope: &str, b: &Op<'a>, h: &Op<'a>) {
        let (base_responses, head_responses) = (responses(self.base, b), responses(self.head, h));
        let success = |status: &str| status.starts_with('2');

        let paged = |doc, responses: &BTreeMap<String, Listed<'a>>| {
            responses
                .iter()
                .any(|(status, listed)| success(status) && is_page(doc, listed.response))
        };
        if !paged(self.base, &base_responses) && paged(self.head, &head_responses) {
            let pointers = Pointers::new(
                format!("{}/responses", b.pointer),
                format!("{}/responses", h.pointer),
            );
            let what = "pagination added to the collection response";
            let found = Found::breaking(Kind::Pagination, what).about(operation_subject(b));
            self.record(scope, &pointers, found);
        }

        for (status, bl) in &base_responses {
            let Some(hl) = head_responses.get(status) else {
                let found = if success(status) {
                    Found::breaking(Kind::Status, format!("{status} response removed"))
                } else {
                    let what = format!("{status} response no longer documented");
                    Found::non_breaking(Kind::Status, what)
                };
                let head = format!("{}/responses", h.pointer);
                self.record(
                    scope,
                    &Pointers::new(&bl.pointer, head).via(&bl.site),
                    found,
                );
                continue;
            };
            let pointers = Pointers::new(&bl.pointer, &hl.pointer).via(&bl.site);
            self.response_headers(scope, status, &pointers, bl.response, hl.response);
            let root = if success(status) {
                SchemaRoot::ResponseBody {
                    operation_id: b.id(),
                }
            } else {
                SchemaRoot::Unnamed
            };
            let at = At::new(
                scope,
                format!("{status} response body"),
                Direction::Response,
                root,
            );
            self.content(&at, &pointers, &bl.response.content, &hl.response.content);
        }
        for (status, hl) in &head_responses {
            if base_responses.contains_key(status) {
                continue;
            }
            let what = format!("{status} response added");
            let found = if success(status) {
                Found::breaking(Kind::Status, what)
            } else {
                Found::non_breaking(Kind::Status, what)
            };
            let pointers = Pointers::new(format!("{}/responses", b.pointer), &hl.pointer);
            self.record(scope, &pointers, found);
        }
    }

    fn response_headers(
        &mut self,
        scope: &str,
        status: &str,
        pointers: &Pointers,
        base: &'a Response,
        head: &'a Response,
    ) {
        let headers = |doc: &'a OpenAPI, response: &'a Response, pointer: &str| {
            response
                .headers
                .iter()
                .filter_map(|(name, header)| {
                    let pointer = format!("{pointer}/headers/{}", escape(name));
                    let found = document::resolve_item(doc, header, pointer)?;
                    Some((name.to_ascii_lowercase(), (name.as_str(), found)))
                })
                .collect::<BTreeMap<_, _>>()
        };
        // A comment about a removed header sits where the response is used, even when the
        // response itself is a shared component.
        let base_site = pointers.base_site.as_deref().unwrap_or(&pointers.base);
        let base_headers = headers(self.base, base, &pointers.base);
        let head_headers = headers(self.head, head, &pointers.head);
        for (key, (name, (bh, bptr))) in &base_headers {
            let Some((_, (hh, hptr))) = head_headers.get(key) else {
                let what = format!("{status} response header `{name}` removed");
                let site = format!("{base_site}/headers/{}", escape(name));
                let pointers = Pointers::new(bptr, &pointers.head).via(&site);
                self.record(scope, &pointers, Found::breaking(Kind::Header, what));
                continue;
            };
            if bh.required && !hh.required {
                let what = format!("{status} response header `{name}` may now be missing");
                let pointers = Pointers::new(bptr, hptr);
                self.record(scope, &pointers, Found::breaking(Kind::Required, what));
            }
            if let (ParameterSchemaOrContent::Schema(bs), ParameterSchemaOrContent::Schema(hs)) =
                (&bh.format, &hh.format)
            {
                let place = format!("{status} response header `{name}`");
                let at = At::new(scope, place, Direction::Response, SchemaRoot::Unnamed);
                let pointers = Pointers::new(format!("{bptr}/schema"), format!("{hptr}/schema"));
                self.schema(&at, pointers, bs.into(), hs.into());
            }
        }
        for (key, (name, (_, hptr))) in &head_headers {
            if base_headers.contains_key(key) {
                continue;
            }
            let what = format!("{status} response header `{name}` added");
            let pointers = Pointers::new(&pointers.base, hptr);
            self.record(scope, &pointers, Found::non_breaking(Kind::Header, what));
        }
    }
}

/// A response as an operation lists it: the response, where it is defined and where it is listed.
struct Listed<'a> {
    response: &'a Response,
    pointer: String,
    site: String,
}

/// The responses of an operation by status (`200`, `4XX`, `default`).
fn responses<'a>(doc: &'a OpenAPI, op: &Op<'a>) -> BTreeMap<String, Listed<'a>> {
    let listed = &op.operation.responses;
    let statuses = listed.responses.iter().map(|(s, r)| (s.to_string(), r));
    let default = listed.default.iter().map(|r| ("default".to_string(), r));
    statuses
        .chain(default)
        .filter_map(|(status, response)| {
            let site = format!("{}/responses/{status}", op.pointer);
            let (response, pointer) = document::resolve_item(doc, response, site.clone())?;
            Some((
                status,
                Listed {
                    response,
                    pointer,
                    site,
                },
            ))
        })
        .collect()
}

fn operation_subject(op: &Op) -> Subject {
    Subject::Operation {
        operation_id: op.id(),
    }
}

fn param_kind(param: &Param) -> Kind {
    if param.location == "header" {
        Kind::Header
    } else {
        Kind::Parameter
    }
}

fn param_subject(op: &Op, param: &Param) -> Subject {
    Subject::Parameter {
        operation_id: op.id(),
        name: param.data.name.clone(),
    }
}

/// Removed operations whose URL was renamed: same method, same operation id, new path.
fn renamed_urls(base: &BTreeMap<OpKey, Op>, head: &BTreeMap<OpKey, Op>) -> BTreeMap<OpKey, OpKey> {
    let mut renamed = BTreeMap::new();
    for (key, b) in base.iter().filter(|(k, _)| !head.contains_key(*k)) {
        let Some(id) = &b.operation.operation_id else {
            continue;
        };
        let found = head.iter().find(|(k, h)| {
            !base.contains_key(*k)
                && h.method == b.method
                && h.operation.operation_id.as_ref() == Some(id)
        });
        if let Some((new_key, _)) = found {
            renamed.insert(key.clone(), new_key.clone());
        }
    }
    renamed
}

/// Pairs of path-parameter names at the same place of two templates that blank to the same path.
fn path_parameter_renames(base: &str, head: &str) -> Vec<(String, String)> {
    if base == head || blank_parameters(base) != blank_parameters(head) {
        return Vec::new();
    }
    let names = |path: &str| -> Vec<String> {
        path.split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    };
    names(base)
        .into_iter()
        .zip(names(head))
        .filter(|(a, b)| a != b)
        .collect()
}

/// The pointer of a path in `doc` if it has it, else of `/paths`.
fn nearest_path(doc: &OpenAPI, path: &str) -> String {
    let key = blank_parameters(path);
    doc.paths
        .paths
        .keys()
        .find(|p| blank_parameters(p) == key)
        .map_or_else(|| "/paths".to_string(), |p| format!("/paths/{}", escape(p)))
}

/// Whether a response is one page of a collection: an object with a `data` array and a
/// `next_token`.
fn is_page(doc: &OpenAPI, response: &Response) -> bool {
    response.content.values().any(|media| {
        let Some(schema) = &media.schema else {
            return false;
        };
        let Some(resolved) = document::resolve(doc, schema.into(), String::new()) else {
            return false;
        };
        let SchemaKind::Type(Type::Object(object)) = &resolved.schema.schema_kind else {
            return false;
        };
        let data_is_array = object.properties.get("data").is_some_and(|data| {
            document::resolve(doc, data.into(), String::new())
                .is_some_and(|d| matches!(d.schema.schema_kind, SchemaKind::Type(Type::Array(_))))
        });
        data_is_array && object.properties.contains_key("next_token")
    })
}

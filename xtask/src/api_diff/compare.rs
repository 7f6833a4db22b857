//! Comparing two documents operation by operation: endpoints, parameters and headers, request
//! bodies, status codes and response headers. Schemas are compared in `schema.rs`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use openapiv3::{OpenAPI, ParameterSchemaOrContent, Response, SchemaKind, Type};

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

impl<'a> Differ<'a> {
    pub(super) fn push(
        &mut self,
        severity: Severity,
        kind: Kind,
        at: &At,
        pointers: &Pointers,
        what: String,
        subject: Subject,
    ) {
        self.record(
            severity,
            kind,
            at.scope.clone(),
            pointers,
            what,
            subject,
            None,
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_noted(
        &mut self,
        severity: Severity,
        kind: Kind,
        at: &At,
        pointers: &Pointers,
        what: String,
        subject: Subject,
        note: &'static str,
    ) {
        self.record(
            severity,
            kind,
            at.scope.clone(),
            pointers,
            what,
            subject,
            Some(note),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        severity: Severity,
        kind: Kind,
        scope: String,
        pointers: &Pointers,
        what: String,
        subject: Subject,
        rust_note: Option<&'static str>,
    ) {
        let change = Change {
            severity,
            kind,
            scope,
            what,
            base_pointer: pointers.base.clone(),
            base_site: pointers.base_site.clone(),
            head_pointer: pointers.head.clone(),
            subject,
            rust_note,
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
            let pointers = Pointers {
                base: "/info/version".into(),
                head: "/info/version".into(),
                base_site: None,
            };
            self.record(
                Severity::Breaking,
                Kind::Version,
                "API".into(),
                &pointers,
                what,
                Subject::None,
                None,
            );
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
                let pointers = Pointers {
                    base: b.pointer.clone(),
                    head: h.pointer.clone(),
                    base_site: None,
                };
                let subject = Subject::Operation {
                    operation_id: b.id(),
                };
                self.record(
                    Severity::Breaking,
                    Kind::Operation,
                    b.label(),
                    &pointers,
                    what,
                    subject,
                    None,
                );
                self.operation(b, h);
            } else {
                let pointers = Pointers {
                    base: b.pointer.clone(),
                    head: nearest_path(head, &b.path),
                    base_site: None,
                };
                let subject = Subject::Operation {
                    operation_id: b.id(),
                };
                let what = "endpoint removed".to_string();
                let kind = Kind::Operation;
                self.record(
                    Severity::Breaking,
                    kind,
                    b.label(),
                    &pointers,
                    what,
                    subject,
                    None,
                );
            }
        }
        for (key, h) in &head_ops {
            if base_ops.contains_key(key) || renamed_to.contains(key) {
                continue;
            }
            let pointers = Pointers {
                base: nearest_path(base, &h.path),
                head: h.pointer.clone(),
                base_site: None,
            };
            let what = "endpoint added".to_string();
            let (severity, kind) = (Severity::NonBreaking, Kind::Operation);
            self.record(
                severity,
                kind,
                h.label(),
                &pointers,
                what,
                Subject::None,
                None,
            );
        }
    }

    fn operation(&mut self, b: &Op<'a>, h: &Op<'a>) {
        let scope = h.label();
        let op_pointers = Pointers {
            base: b.pointer.clone(),
            head: h.pointer.clone(),
            base_site: None,
        };
        let op_subject = Subject::Operation {
            operation_id: b.id(),
        };
        if b.operation.operation_id != h.operation.operation_id {
            let what = format!("operationId changed from `{}` to `{}`", b.id(), h.id());
            let pointers = Pointers {
                base: format!("{}/operationId", b.pointer),
                head: format!("{}/operationId", h.pointer),
                base_site: None,
            };
            self.record(
                Severity::NonBreaking,
                Kind::Operation,
                scope.clone(),
                &pointers,
                what,
                op_subject.clone(),
                Some("the client's method and its request builder are renamed"),
            );
        }
        if !b.operation.deprecated && h.operation.deprecated {
            let what = "deprecated".to_string();
            let (severity, kind) = (Severity::NonBreaking, Kind::Operation);
            self.record(
                severity,
                kind,
                scope.clone(),
                &op_pointers,
                what,
                op_subject,
                None,
            );
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
        let path_renames = path_parameter_renames(&b.path, &h.path);
        for (old, new) in &path_renames {
            if let Some(p) = head_params.remove(&("path".to_string(), new.clone())) {
                head_params.insert(("path".to_string(), old.clone()), p);
                let what =
                    format!("path parameter `{old}` renamed to `{new}` (the URL is unchanged)");
                let pointers = Pointers {
                    base: b.pointer.clone(),
                    head: h.pointer.clone(),
                    base_site: None,
                };
                let subject = Subject::Parameter {
                    operation_id: b.id(),
                    name: old.clone(),
                };
                self.record(
                    Severity::NonBreaking,
                    Kind::Parameter,
                    scope.to_string(),
                    &pointers,
                    what,
                    subject,
                    Some("the argument of the builder's setter is renamed"),
                );
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
        let mut renamed = BTreeSet::new();
        for old in &removed {
            let bp = &base_params[*old];
            let same = |p: &Param, q: &Param| {
                p.location == q.location
                    && p.data.required == q.data.required
                    && same_schema(&p.data.format, &q.data.format)
            };
            let candidates: Vec<&&(String, String)> = added
                .iter()
                .filter(|k| same(bp, &head_params[**k]))
                .collect();
            let [new] = candidates.as_slice() else {
                continue;
            };
            let np = &head_params[**new];
            let rivals = removed
                .iter()
                .filter(|k| same(&base_params[**k], np))
                .count();
            if rivals != 1 {
                continue;
            }
            renamed.insert((*old).clone());
            renamed.insert((**new).clone());
            let what = format!("{} renamed to `{}`", bp.noun(), np.data.name);
            let pointers = Pointers {
                base: bp.pointer.clone(),
                head: np.pointer.clone(),
                base_site: Some(bp.site.clone()),
            };
            let subject = param_subject(b, bp);
            self.record(
                Severity::Breaking,
                param_kind(bp),
                scope.to_string(),
                &pointers,
                what,
                subject,
                None,
            );
        }
        for old in removed.iter().filter(|k| !renamed.contains(**k)) {
            let bp = &base_params[*old];
            let pointers = Pointers {
                base: bp.pointer.clone(),
                head: h.pointer.clone(),
                base_site: Some(bp.site.clone()),
            };
            let what = format!("{} removed", bp.noun());
            let subject = param_subject(b, bp);
            let kind = param_kind(bp);
            self.record(
                Severity::Breaking,
                kind,
                scope.into(),
                &pointers,
                what,
                subject,
                None,
            );
        }
        for new in added.iter().filter(|k| !renamed.contains(**k)) {
            let hp = &head_params[*new];
            let pointers = Pointers {
                base: b.pointer.clone(),
                head: hp.pointer.clone(),
                base_site: None,
            };
            let (severity, what) = if hp.data.required {
                (Severity::Breaking, format!("required {} added", hp.noun()))
            } else {
                (
                    Severity::NonBreaking,
                    format!("optional {} added", hp.noun()),
                )
            };
            let kind = param_kind(hp);
            self.record(
                severity,
                kind,
                scope.into(),
                &pointers,
                what,
                Subject::None,
                None,
            );
        }

        for (key, bp) in &base_params {
            let Some(hp) = head_params.get(key) else {
                continue;
            };
            let pointers = Pointers {
                base: bp.pointer.clone(),
                head: hp.pointer.clone(),
                base_site: Some(bp.site.clone()),
            };
            let requiredness = match (bp.data.required, hp.data.required) {
                (false, true) => Some((Severity::Breaking, "is now required")),
                (true, false) => Some((Severity::NonBreaking, "is now optional")),
                _ => None,
            };
            if let Some((severity, what)) = requiredness {
                let what = format!("{} {what}", bp.noun());
                let subject = param_subject(b, bp);
                let kind = Kind::Required;
                self.record(severity, kind, scope.into(), &pointers, what, subject, None);
            }
            if let (ParameterSchemaOrContent::Schema(bs), ParameterSchemaOrContent::Schema(hs)) =
                (&bp.data.format, &hp.data.format)
            {
                let at = At {
                    scope: scope.to_string(),
                    place: bp.noun(),
                    direction: Direction::Request,
                    path: Vec::new(),
                    rust_root: SchemaRoot::Parameter {
                        operation_id: b.id(),
                        name: bp.data.name.clone(),
                    },
                    rust_path: Vec::new(),
                };
                let pointers = Pointers {
                    base: format!("{}/schema", pointers.base),
                    head: format!("{}/schema", pointers.head),
                    base_site: None,
                };
                self.schema(&at, pointers, bs.into(), hs.into());
            }
        }
    }

    fn request_body(&mut self, scope: &str, b: &Op<'a>, h: &Op<'a>) {
        let body = |doc, op: &Op<'a>| {
            op.operation.request_body.as_ref().and_then(|body| {
                document::request_body(doc, body, format!("{}/requestBody", op.pointer))
            })
        };
        let (bb, hb) = (body(self.base, b), body(self.head, h));
        let op_pointers = Pointers {
            base: b.pointer.clone(),
            head: h.pointer.clone(),
            base_site: None,
        };
        let (bb, hb) = match (bb, hb) {
            (None, None) => return,
            (Some(_), None) => {
                let what = "request body removed".to_string();
                let kind = Kind::RequestBody;
                let subject = Subject::Operation {
                    operation_id: b.id(),
                };
                self.record(
                    Severity::Breaking,
                    kind,
                    scope.into(),
                    &op_pointers,
                    what,
                    subject,
                    None,
                );
                return;
            }
            (None, Some((hb, _))) => {
                let (severity, what) = if hb.required {
                    (Severity::Breaking, "required request body added")
                } else {
                    (Severity::NonBreaking, "optional request body added")
                };
                let kind = Kind::RequestBody;
                let subject = Subject::Operation {
                    operation_id: b.id(),
                };
                self.record(
                    severity,
                    kind,
                    scope.into(),
                    &op_pointers,
                    what.into(),
                    subject,
                    None,
                );
                return;
            }
            (Some(bb), Some(hb)) => (bb, hb),
        };
        let pointers = Pointers {
            base: bb.1.clone(),
            head: hb.1.clone(),
            base_site: None,
        };
        if !bb.0.required && hb.0.required {
            let what = "request body is now required".to_string();
            let subject = Subject::Operation {
                operation_id: b.id(),
            };
            let kind = Kind::Required;
            self.record(
                Severity::Breaking,
                kind,
                scope.into(),
                &pointers,
                what,
                subject,
                None,
            );
        }
        let at = At {
            scope: scope.to_string(),
            place: "request body".into(),
            direction: Direction::Request,
            path: Vec::new(),
            rust_root: SchemaRoot::RequestBody {
                operation_id: b.id(),
            },
            rust_path: Vec::new(),
        };
        self.content(&at, &pointers, &bb.0.content, &hb.0.content);
    }

    fn content(
        &mut self,
        at: &At,
        pointers: &Pointers,
        base: &indexmap::IndexMap<String, openapiv3::MediaType>,
        head: &indexmap::IndexMap<String, openapiv3::MediaType>,
    ) {
        for (media_type, bm) in base {
            let child = |p: &str| format!("{p}/content/{}", escape(media_type));
            let Some(hm) = head.get(media_type) else {
                let what = format!("{}: `{media_type}` content removed", at.place);
                let pointers = Pointers {
                    base: child(&pointers.base),
                    head: pointers.head.clone(),
                    base_site: None,
                };
                let (severity, kind) = (Severity::Breaking, Kind::Type);
                self.push(severity, kind, at, &pointers, what, Subject::None);
                continue;
            };
            if let (Some(bs), Some(hs)) = (&bm.schema, &hm.schema) {
                let pointers = Pointers {
                    base: format!("{}/schema", child(&pointers.base)),
                    head: format!("{}/schema", child(&pointers.head)),
                    base_site: None,
                };
                self.schema(at, pointers, SchemaRef::from(bs), SchemaRef::from(hs));
            }
        }
        for media_type in head.keys().filter(|m| !base.contains_key(*m)) {
            let what = format!("{}: `{media_type}` content added", at.place);
            let pointers = Pointers {
                base: pointers.base.clone(),
                head: format!("{}/content/{}", pointers.head, escape(media_type)),
                base_site: None,
            };
            let (severity, kind) = (Severity::NonBreaking, Kind::Type);
            self.push(severity, kind, at, &pointers, what, Subject::None);
        }
    }

    fn responses(&mut self, scope: &str, b: &Op<'a>, h: &Op<'a>) {
        let responses = |doc: &'a OpenAPI, op: &Op<'a>| {
            let mut all: BTreeMap<String, (&'a Response, String, String)> = BTreeMap::new();
            let list = op
                .operation
                .responses
                .responses
                .iter()
                .map(|(s, r)| (s.to_string(), r));
            let default = op
                .operation
                .responses
                .default
                .iter()
                .map(|r| ("default".into(), r));
            for (status, response) in list.chain(default) {
                let site = format!("{}/responses/{status}", op.pointer);
                if let Some((found, pointer)) = document::response(doc, response, site.clone()) {
                    all.insert(status, (found, pointer, site));
                }
            }
            all
        };
        let (base_responses, head_responses) = (responses(self.base, b), responses(self.head, h));
        let success = |status: &str| status.starts_with('2');

        let page = |doc, responses: &BTreeMap<String, (&'a Response, String, String)>| {
            responses
                .iter()
                .filter(|(status, _)| success(status))
                .any(|(_, (response, _, _))| is_page(doc, response))
        };
        if !page(self.base, &base_responses) && page(self.head, &head_responses) {
            let pointers = Pointers {
                base: format!("{}/responses", b.pointer),
                head: format!("{}/responses", h.pointer),
                base_site: None,
            };
            let what = "pagination added to the collection response".to_string();
            let subject = Subject::Operation {
                operation_id: b.id(),
            };
            let kind = Kind::Pagination;
            self.record(
                Severity::Breaking,
                kind,
                scope.into(),
                &pointers,
                what,
                subject,
                None,
            );
        }

        for (status, (bresp, bptr, bsite)) in &base_responses {
            let Some((hresp, hptr, _)) = head_responses.get(status) else {
                let (severity, what) = if success(status) {
                    (Severity::Breaking, format!("{status} response removed"))
                } else {
                    (
                        Severity::NonBreaking,
                        format!("{status} response no longer documented"),
                    )
                };
                let pointers = Pointers {
                    base: bptr.clone(),
                    head: format!("{}/responses", h.pointer),
                    base_site: Some(bsite.clone()),
                };
                let kind = Kind::Status;
                self.record(
                    severity,
                    kind,
                    scope.into(),
                    &pointers,
                    what,
                    Subject::None,
                    None,
                );
                continue;
            };
            let pointers = Pointers {
                base: bptr.clone(),
                head: hptr.clone(),
                base_site: Some(bsite.clone()),
            };
            self.response_headers(scope, status, &pointers, bresp, hresp);
            let at = At {
                scope: scope.to_string(),
                place: format!("{status} response body"),
                direction: Direction::Response,
                path: Vec::new(),
                rust_root: SchemaRoot::ResponseBody {
                    operation_id: if success(status) {
                        b.id()
                    } else {
                        String::new()
                    },
                },
                rust_path: Vec::new(),
            };
            self.content(&at, &pointers, &bresp.content, &hresp.content);
        }
        for (status, (_, hptr, _)) in &head_responses {
            if base_responses.contains_key(status) {
                continue;
            }
            let severity = if success(status) {
                Severity::Breaking
            } else {
                Severity::NonBreaking
            };
            let pointers = Pointers {
                base: format!("{}/responses", b.pointer),
                head: hptr.clone(),
                base_site: None,
            };
            let what = format!("{status} response added");
            let kind = Kind::Status;
            self.record(
                severity,
                kind,
                scope.into(),
                &pointers,
                what,
                Subject::None,
                None,
            );
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
        // Headers are listed where the response is used (`site`), which is where a comment
        // about them sits, even when the response itself is a shared component.
        let headers = |doc: &'a OpenAPI, response: &'a Response, pointer: &str| {
            response
                .headers
                .iter()
                .filter_map(|(name, header)| {
                    let pointer = format!("{pointer}/headers/{}", escape(name));
                    let found = document::header(doc, header, pointer)?;
                    Some((name.to_ascii_lowercase(), (name.as_str(), found)))
                })
                .collect::<BTreeMap<_, _>>()
        };
        let base_site = pointers.base_site.as_deref().unwrap_or(&pointers.base);
        let base_headers = headers(self.base, base, &pointers.base);
        let head_headers = headers(self.head, head, &pointers.head);
        for (key, (name, (bh, bptr))) in &base_headers {
            let Some((_, (hh, hptr))) = head_headers.get(key) else {
                let what = format!("{status} response header `{name}` removed");
                let pointers = Pointers {
                    base: bptr.clone(),
                    head: pointers.head.clone(),
                    base_site: Some(format!("{base_site}/headers/{}", escape(name))),
                };
                let kind = Kind::Header;
                let subject = Subject::None;
                self.record(
                    Severity::Breaking,
                    kind,
                    scope.into(),
                    &pointers,
                    what,
                    subject,
                    None,
                );
                continue;
            };
            let header_pointers = Pointers {
                base: bptr.clone(),
                head: hptr.clone(),
                base_site: None,
            };
            if bh.required && !hh.required {
                let what = format!("{status} response header `{name}` may now be missing");
                let kind = Kind::Required;
                let p = &header_pointers;
                self.record(
                    Severity::Breaking,
                    kind,
                    scope.into(),
                    p,
                    what,
                    Subject::None,
                    None,
                );
            }
            if let (ParameterSchemaOrContent::Schema(bs), ParameterSchemaOrContent::Schema(hs)) =
                (&bh.format, &hh.format)
            {
                let at = At {
                    scope: scope.to_string(),
                    place: format!("{status} response header `{name}`"),
                    direction: Direction::Response,
                    path: Vec::new(),
                    rust_root: SchemaRoot::ResponseBody {
                        operation_id: String::new(),
                    },
                    rust_path: Vec::new(),
                };
                let p = Pointers {
                    base: format!("{bptr}/schema"),
                    head: format!("{hptr}/schema"),
                    base_site: None,
                };
                self.schema(&at, p, bs.into(), hs.into());
            }
        }
        for (key, (name, (_, hptr))) in &head_headers {
            if base_headers.contains_key(key) {
                continue;
            }
            let what = format!("{status} response header `{name}` added");
            let pointers = Pointers {
                base: pointers.base.clone(),
                head: hptr.clone(),
                base_site: None,
            };
            let kind = Kind::Header;
            self.record(
                Severity::NonBreaking,
                kind,
                scope.into(),
                &pointers,
                what,
                Subject::None,
                None,
            );
        }
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

//! Comparing two schemas: fields, requiredness, types, nullability, enumeration values and
//! openness, classified by whether the schema is read from requests or from responses.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ObjectType, Schema, SchemaKind, Type};

use super::compare::{Differ, Found};
use super::document::{SchemaRef, escape, resolve};
use super::{Direction, Kind, SchemaRoot, Severity, Subject};

/// Where a schema walk is: how to say it to a reader and how to find it in the generated Rust.
#[derive(Clone)]
pub(super) struct At {
    /// `GET /segments` or `schema Segment`.
    pub scope: String,
    /// `200 response body`, `request body`, ``query parameter `state` ``, or empty at a
    /// component's top.
    pub place: String,
    pub direction: Direction,
    /// The property path from `place`, as a reader sees it (`data`, `[]`, `status`).
    pub path: Vec<String>,
    /// Where the walk entered the base's generated Rust, and the path from there.
    pub rust_root: SchemaRoot,
    pub rust_path: Vec<String>,
}

impl At {
    /// The top of a schema in `scope`, at `place`.
    pub fn new(
        scope: &str,
        place: impl Into<String>,
        direction: Direction,
        rust_root: SchemaRoot,
    ) -> At {
        At {
            scope: scope.to_string(),
            place: place.into(),
            direction,
            path: Vec::new(),
            rust_root,
            rust_path: Vec::new(),
        }
    }

    fn child(&self, segment: &str) -> At {
        let mut at = self.clone();
        at.path.push(segment.to_string());
        at.rust_path.push(segment.to_string());
        at
    }

    /// The prefix for a sentence about this place: `200 response body: ` or nothing.
    fn prefix(&self) -> String {
        let path = display_path(&self.path);
        match (self.place.is_empty(), path.is_empty()) {
            (true, true) => String::new(),
            (false, true) => format!("{}: ", self.place),
            (true, false) => format!("field `{path}`: "),
            (false, false) => format!("{}, field `{path}`: ", self.place),
        }
    }

    /// The name of a field below this place: `` `data[].status` ``.
    fn field(&self, name: &str) -> String {
        let mut path = self.path.clone();
        path.push(name.to_string());
        format!("`{}`", display_path(&path))
    }

    /// The prefix for a sentence about a field below this place: `request body: ` or nothing.
    fn place_prefix(&self) -> String {
        if self.place.is_empty() {
            String::new()
        } else {
            format!("{}: ", self.place)
        }
    }

    fn subject(&self, enum_value: Option<&str>) -> Subject {
        Subject::Schema {
            root: self.rust_root.clone(),
            path: self.rust_path.clone(),
            enum_value: enum_value.map(str::to_string),
        }
    }
}

/// `["data", "[]", "status"]` → `data[].status`
pub(super) fn display_path(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if segment != "[]" && !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// The pointers of the two nodes being compared.
#[derive(Clone)]
pub(super) struct Pointers {
    pub base: String,
    pub head: String,
    /// Where the base reached `base` through a `$ref`, when it did: a comment there explains
    /// the change as well as one at the definition.
    pub base_site: Option<String>,
}

impl Pointers {
    pub fn new(base: impl Into<String>, head: impl Into<String>) -> Pointers {
        Pointers {
            base: base.into(),
            head: head.into(),
            base_site: None,
        }
    }

    /// The same nodes, reached in the base through a `$ref` at `site`.
    pub fn via(mut self, site: &str) -> Pointers {
        self.base_site = Some(site.to_string());
        self
    }

    fn child(&self, base: &str, head: &str) -> Pointers {
        Pointers::new(
            format!("{}/{base}", self.base),
            format!("{}/{head}", self.head),
        )
    }
}

impl Differ<'_> {
    pub(super) fn schema(
        &mut self,
        at: &At,
        pointers: Pointers,
        base: SchemaRef<'_>,
        head: SchemaRef<'_>,
    ) {
        let (Some(b), Some(h)) = (
            resolve(self.base, base, pointers.base.clone()),
            resolve(self.head, head, pointers.head.clone()),
        ) else {
            return;
        };
        let pointers = Pointers::new(&b.pointer, &h.pointer);
        let mut at = at.clone();
        if let Some(name) = &b.component {
            at.rust_root = SchemaRoot::Component(name.clone());
            at.rust_path.clear();
        }
        match (&b.component, &h.component) {
            // Invisible on the wire, but callers name the generated type.
            (Some(bn), Some(hn)) if bn != hn => {
                // Once per pair: a schema that refers to itself would otherwise never end.
                if !self.seen.insert((format!("{bn} -> {hn}"), at.direction)) {
                    return;
                }
                let found = Found::non_breaking(Kind::Type, format!("renamed to `{hn}`"))
                    .about(at.subject(None))
                    .noting("the generated type is renamed");
                self.record(&format!("schema {bn}"), &pointers, found);
            }
            // A component used on both sides is compared once, under its own name, rather
            // than once for every response that uses it.
            (Some(name), Some(_)) => {
                if !self.seen.insert((name.clone(), at.direction)) {
                    return;
                }
                let scope = match at.direction {
                    Direction::Response => format!("schema {name}"),
                    Direction::Request => format!("schema {name} (in requests)"),
                };
                let root = SchemaRoot::Component(name.clone());
                at = At::new(&scope, "", at.direction, root);
            }
            _ => {}
        }
        self.resolved_schema(&at, &pointers, b.schema, h.schema);
    }

    /// Records a change at `at`.
    fn found(&mut self, at: &At, pointers: &Pointers, found: Found) {
        self.record(&at.scope, pointers, found);
    }

    fn resolved_schema(&mut self, at: &At, pointers: &Pointers, base: &Schema, head: &Schema) {
        let nullable = (base.schema_data.nullable, head.schema_data.nullable);
        self.nullable(at, pointers, nullable);
        let (base_type, head_type) = (describe(base), describe(head));
        if base_type != head_type {
            let what = format!(
                "{}type changed from {base_type} to {head_type}",
                at.prefix()
            );
            self.found(
                at,
                pointers,
                Found::breaking(Kind::Type, what).about(at.subject(None)),
            );
            return;
        }
        if at.direction == Direction::Request {
            self.constraints(at, pointers, base, head);
        }
        match (&base.schema_kind, &head.schema_kind) {
            (SchemaKind::Type(Type::Object(b)), SchemaKind::Type(Type::Object(h))) => {
                self.object(at, pointers, b, h);
            }
            (SchemaKind::Type(Type::Array(b)), SchemaKind::Type(Type::Array(h))) => {
                if let (Some(bi), Some(hi)) = (&b.items, &h.items) {
                    let pointers = pointers.child("items", "items");
                    self.schema(&at.child("[]"), pointers, bi.into(), hi.into());
                }
            }
            (SchemaKind::OneOf { one_of: b }, SchemaKind::OneOf { one_of: h })
            | (SchemaKind::AnyOf { any_of: b }, SchemaKind::AnyOf { any_of: h })
            | (SchemaKind::AllOf { all_of: b }, SchemaKind::AllOf { all_of: h }) => {
                let key = match base.schema_kind {
                    SchemaKind::OneOf { .. } => "oneOf",
                    SchemaKind::AnyOf { .. } => "anyOf",
                    _ => "allOf",
                };
                if b.len() != h.len() {
                    let (prefix, from, to) = (at.prefix(), b.len(), h.len());
                    let what = format!("{prefix}{key} changed from {from} to {to} alternatives");
                    let found = Found::breaking(Kind::Type, what).about(at.subject(None));
                    self.found(at, pointers, found);
                } else {
                    for (i, (bs, hs)) in b.iter().zip(h).enumerate() {
                        let child = format!("{key}/{i}");
                        let pointers = pointers.child(&child, &child);
                        self.schema(at, pointers, bs.into(), hs.into());
                    }
                }
            }
            _ => self.enumeration(at, pointers, &enum_values(base), &enum_values(head)),
        }
    }

    /// Limits and defaults of what a caller sends: tightening one turns away requests that
    /// worked, and a new default changes what an omitted value means.
    fn constraints(&mut self, at: &At, pointers: &Pointers, base: &Schema, head: &Schema) {
        let none = || "none".to_string();
        let (b, h) = (limits(base), limits(head));
        for ((name, lower_bound, before), (_, _, after)) in b.iter().zip(&h) {
            let tighter = match (before, after) {
                _ if before == after => continue,
                (None, _) => true,
                (_, None) => false,
                (Some(x), Some(y)) if *lower_bound => y > x,
                (Some(x), Some(y)) => y < x,
            };
            let shown = |v: &Option<f64>| v.map_or_else(none, |v| v.to_string());
            let (before, after) = (shown(before), shown(after));
            let what = format!("{}{name} changed from {before} to {after}", at.prefix());
            let severity = if tighter {
                Severity::Breaking
            } else {
                Severity::NonBreaking
            };
            let found = Found::new(severity, Kind::Constraint, what).about(at.subject(None));
            self.found(at, pointers, found);
        }
        let pattern = |s: &Schema| match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => t.pattern.clone(),
            _ => None,
        };
        let (bp, hp) = (pattern(base), pattern(head));
        if bp != hp {
            let severity = if hp.is_none() {
                Severity::NonBreaking
            } else {
                Severity::Breaking
            };
            let shown = |p: &Option<String>| p.as_ref().map_or_else(none, |p| format!("`{p}`"));
            let (before, after) = (shown(&bp), shown(&hp));
            let what = format!("{}pattern changed from {before} to {after}", at.prefix());
            let found = Found::new(severity, Kind::Constraint, what).about(at.subject(None));
            self.found(at, pointers, found);
        }
        let (bd, hd) = (&base.schema_data.default, &head.schema_data.default);
        if bd != hd {
            let shown =
                |d: &Option<serde_json::Value>| d.as_ref().map_or_else(none, |d| format!("`{d}`"));
            let (before, after) = (shown(bd), shown(hd));
            let what = format!("{}default changed from {before} to {after}", at.prefix());
            let found = Found::breaking(Kind::Constraint, what).about(at.subject(None));
            self.found(at, pointers, found);
        }
    }

    fn nullable(&mut self, at: &At, pointers: &Pointers, (base, head): (bool, bool)) {
        let (severity, what) = match (base, head, at.direction) {
            (false, true, Direction::Response) => (Severity::Breaking, "may now be null"),
            (false, true, Direction::Request) => (Severity::NonBreaking, "now accepts null"),
            (true, false, Direction::Request) => (Severity::Breaking, "no longer accepts null"),
            (true, false, Direction::Response) => (Severity::NonBreaking, "is never null now"),
            _ => return,
        };
        let what = format!("{}{what}", at.prefix());
        let found = Found::new(severity, Kind::Nullable, what).about(at.subject(None));
        self.found(at, pointers, found);
    }

    fn enumeration(&mut self, at: &At, pointers: &Pointers, base: &[String], head: &[String]) {
        let prefix = at.prefix();
        let values = |v: &[String]| {
            let quoted: Vec<String> = v.iter().map(|v| format!("`{v}`")).collect();
            quoted.join(", ")
        };
        if base.is_empty() && !head.is_empty() {
            let what = format!("{prefix}now restricted to the values {}", values(head));
            let found = Found::breaking(Kind::Enum, what).about(at.subject(None));
            self.found(at, pointers, found);
            return;
        }
        if !base.is_empty() && head.is_empty() {
            let what = format!(
                "{prefix}no longer restricted to the values {}",
                values(base)
            );
            let found = Found::non_breaking(Kind::Enum, what)
                .about(at.subject(None))
                .noting("the generated enum type becomes a plain string");
            self.found(at, pointers, found);
            return;
        }
        let removed: Vec<&String> = base.iter().filter(|v| !head.contains(v)).collect();
        let added: Vec<&String> = head.iter().filter(|v| !base.contains(v)).collect();
        if let ([old], [new]) = (removed.as_slice(), added.as_slice()) {
            let what = format!("{prefix}enumeration value `{old}` changed to `{new}`");
            let found = Found::breaking(Kind::Enum, what).about(at.subject(Some(old)));
            self.found(at, pointers, found);
            return;
        }
        for old in removed {
            let what = format!("{prefix}enumeration value `{old}` removed");
            let found = Found::breaking(Kind::Enum, what).about(at.subject(Some(old)));
            self.found(at, pointers, found);
        }
        for new in added {
            let what = format!("{prefix}enumeration value `{new}` added");
            let found = Found::non_breaking(Kind::Enum, what)
                .about(at.subject(None))
                .noting("the generated enum gains a variant");
            self.found(at, pointers, found);
        }
    }

    fn object(&mut self, at: &At, pointers: &Pointers, base: &ObjectType, head: &ObjectType) {
        let removed: Vec<&String> = base
            .properties
            .keys()
            .filter(|k| !head.properties.contains_key(*k))
            .collect();
        let added: Vec<&String> = head
            .properties
            .keys()
            .filter(|k| !base.properties.contains_key(*k))
            .collect();
        let props = |b: &str, h: &str| {
            pointers.child(
                &format!("properties/{}", escape(b)),
                &format!("properties/{}", escape(h)),
            )
        };
        let place = at.place_prefix();

        // A removed field and an added one with the same schema is a rename, when the pairing is
        // unambiguous.
        let mut renamed = BTreeSet::new();
        let same = |old: &str, new: &str| same_schema(&base.properties[old], &head.properties[new]);
        for &old in &removed {
            let candidates: Vec<&String> =
                added.iter().copied().filter(|new| same(old, new)).collect();
            let [new] = candidates.as_slice() else {
                continue;
            };
            if removed.iter().filter(|o| same(o, new)).count() != 1 {
                continue;
            }
            renamed.insert((*new).clone());
            renamed.insert(old.clone());
            let what = format!("{place}field {} renamed to `{new}`", at.field(old));
            let found = Found::breaking(Kind::Field, what).about(at.child(old).subject(None));
            self.found(at, &props(old, new), found);
        }

        for old in removed.iter().filter(|o| !renamed.contains(**o)) {
            let what = format!("{place}field {} removed", at.field(old));
            let p = Pointers::new(props(old, old).base, &pointers.head);
            let found = Found::breaking(Kind::Field, what).about(at.child(old).subject(None));
            self.found(at, &p, found);
        }
        for new in added.iter().filter(|n| !renamed.contains(**n)) {
            let required = head.required.contains(new);
            let (severity, what) = match (at.direction, required) {
                (Direction::Request, true) => (Severity::Breaking, "required field"),
                (Direction::Request, false) => (Severity::NonBreaking, "optional field"),
                (Direction::Response, _) => (Severity::NonBreaking, "field"),
            };
            let what = format!("{place}{what} {} added", at.field(new));
            let p = Pointers::new(&pointers.base, props(new, new).head);
            let found = Found::new(severity, Kind::Field, what).about(at.subject(None));
            self.found(at, &p, found);
        }

        for (name, base_field) in &base.properties {
            let Some(head_field) = head.properties.get(name) else {
                continue;
            };
            let p = props(name, name);
            let child = at.child(name);
            let was = base.required.contains(name);
            let is = head.required.contains(name);
            let found = match (at.direction, was, is) {
                (Direction::Request, false, true) => {
                    Some(Found::breaking(Kind::Required, "is now required"))
                }
                (Direction::Request, true, false) => Some(
                    Found::non_breaking(Kind::Required, "is now optional")
                        .noting("the field's Rust type becomes an Option"),
                ),
                (Direction::Response, true, false) => {
                    Some(Found::breaking(Kind::Required, "may now be missing"))
                }
                (Direction::Response, false, true) => Some(
                    Found::non_breaking(Kind::Required, "is now always present")
                        .noting("the field's Rust type is no longer an Option"),
                ),
                _ => None,
            };
            if let Some(mut found) = found {
                found.what = format!("{place}field {} {}", at.field(name), found.what);
                self.found(at, &p, found.about(child.subject(None)));
            }
            self.schema(&child, p, base_field.into(), head_field.into());
        }

        if is_open(base) != is_open(head) {
            let found = match (at.direction, is_open(head)) {
                (Direction::Request, false) => Found::breaking(
                    Kind::AdditionalProperties,
                    "no longer accepts fields it does not declare",
                ),
                (Direction::Request, true) => Found::non_breaking(
                    Kind::AdditionalProperties,
                    "now accepts fields it does not declare",
                ),
                (Direction::Response, false) => Found::non_breaking(
                    Kind::AdditionalProperties,
                    "is now closed to fields it does not declare",
                )
                .noting("the generated type loses its `extra` map"),
                (Direction::Response, true) => Found::non_breaking(
                    Kind::AdditionalProperties,
                    "may now carry fields it does not declare",
                )
                .noting("the generated type gains an `extra` map"),
            };
            let mut found = found.about(at.subject(None));
            found.what = format!("{}{}", at.prefix(), found.what);
            let p = pointers.child("additionalProperties", "additionalProperties");
            self.found(at, &p, found);
        }
    }
}

/// The numeric limits of a schema, each with whether it is a lower bound (raising it tightens).
fn limits(schema: &Schema) -> [(&'static str, bool, Option<f64>); 6] {
    let as_f64 = |v: Option<usize>| v.map(|v| v as f64);
    let (mut minimum, mut maximum) = (None, None);
    let (mut min_length, mut max_length, mut min_items, mut max_items) = (None, None, None, None);
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => {
            minimum = i.minimum.map(|v| v as f64);
            maximum = i.maximum.map(|v| v as f64);
        }
        SchemaKind::Type(Type::Number(n)) => {
            minimum = n.minimum;
            maximum = n.maximum;
        }
        SchemaKind::Type(Type::String(t)) => {
            min_length = as_f64(t.min_length);
            max_length = as_f64(t.max_length);
        }
        SchemaKind::Type(Type::Array(a)) => {
            min_items = as_f64(a.min_items);
            max_items = as_f64(a.max_items);
        }
        _ => {}
    }
    [
        ("minimum", true, minimum),
        ("maximum", false, maximum),
        ("minLength", true, min_length),
        ("maxLength", false, max_length),
        ("minItems", true, min_items),
        ("maxItems", false, max_items),
    ]
}

/// Whether an object accepts properties it does not declare (OpenAPI's default).
fn is_open(object: &ObjectType) -> bool {
    !matches!(
        object.additional_properties,
        Some(AdditionalProperties::Any(false))
    )
}

/// The type as a reader names it: `string`, `string (date-time)`, `integer (int64)`,
/// `array`, `object`.
pub(super) fn describe(schema: &Schema) -> String {
    fn with_format<T: serde::Serialize>(name: &str, format: &T) -> String {
        match serde_json::to_value(format) {
            Ok(serde_json::Value::String(f)) if !f.is_empty() => format!("{name} ({f})"),
            _ => name.to_string(),
        }
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => with_format("string", &s.format),
        SchemaKind::Type(Type::Number(n)) => with_format("number", &n.format),
        SchemaKind::Type(Type::Integer(i)) => with_format("integer", &i.format),
        SchemaKind::Type(Type::Boolean(_)) => "boolean".into(),
        SchemaKind::Type(Type::Object(_)) => "object".into(),
        SchemaKind::Type(Type::Array(_)) => "array".into(),
        SchemaKind::OneOf { .. } => "oneOf".into(),
        SchemaKind::AllOf { .. } => "allOf".into(),
        SchemaKind::AnyOf { .. } => "anyOf".into(),
        SchemaKind::Not { .. } => "not".into(),
        SchemaKind::Any(any) => match &any.typ {
            Some(t) => t.clone(),
            None => "any".into(),
        },
    }
}

/// The enumeration values of a schema, as JSON text (`active`, `3`).
pub(super) fn enum_values(schema: &Schema) -> Vec<String> {
    fn text<T: ToString>(values: &[Option<T>]) -> Vec<String> {
        values
            .iter()
            .map(|v| v.as_ref().map_or_else(|| "null".to_string(), T::to_string))
            .collect()
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => text(&s.enumeration),
        SchemaKind::Type(Type::Integer(i)) => text(&i.enumeration),
        SchemaKind::Type(Type::Number(n)) => text(&n.enumeration),
        SchemaKind::Type(Type::Boolean(b)) => text(&b.enumeration),
        SchemaKind::Any(any) => any
            .enumeration
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether two schemas describe the same values: equal once their documentation (descriptions,
/// examples, titles) is set aside.
pub(super) fn same_schema<S: serde::Serialize>(a: &S, b: &S) -> bool {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for key in [
                    "description",
                    "example",
                    "examples",
                    "title",
                    "externalDocs",
                ] {
                    map.remove(key);
                }
                for (key, child) in map.iter_mut() {
                    match (key.as_str(), child) {
                        // A map of property names: the names are data, not documentation.
                        ("properties", serde_json::Value::Object(properties)) => {
                            properties.values_mut().for_each(strip)
                        }
                        (_, child) => strip(child),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(mut a), Ok(mut b)) => {
            strip(&mut a);
            strip(&mut b);
            a == b
        }
        _ => false,
    }
}

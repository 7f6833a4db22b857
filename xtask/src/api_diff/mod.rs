//! The API change report: what a spec edit changes for the API's callers, and whether Amperity's
//! versioning rules call that breaking.
//!
//! Two parsed OpenAPI documents go in (the committed spec and the edited one, or ours and
//! Amperity's published file); a list of [`Change`]s comes out, one for each difference a caller
//! can observe: operations, parameters, request and response headers, request and response
//! fields, enumeration values and status codes. Descriptions, examples and summaries are
//! documentation, not contract, and are not compared.
//!
//! The rules are those of Amperity's versioning page (`versioning.rst`, "Breaking changes").
//! **Breaking:** removing an endpoint; renaming a URL, field, header or query parameter (seen here
//! as a removal and an addition with the same schema); adding a required request field, header or
//! parameter; requiring what was optional; removing a field, header or parameter; modifying a data
//! type or an enumeration value; adding pagination to a collection. **Non-breaking:** adding an
//! endpoint, an optional request field, header or parameter, a response field or header, or an
//! enumeration value.
//!
//! Where the page is silent, the rule here is the one a caller's code would feel:
//! - a response field or header that was always present becoming optional is breaking (code that
//!   read it finds nothing), the reverse is not;
//! - a request field that accepted `null` no longer accepting it is breaking, a response field
//!   that may now be `null` is breaking;
//! - a success status added or removed is breaking (callers handle the success they know); an
//!   error status added or removed is not (error bodies all share one shape, and every caller
//!   already handles an unexpected error);
//! - a request object that stops accepting unknown fields is breaking; a response object that
//!   closes is not;
//! - a limit on what a caller sends (`minimum`, `maximum`, lengths, item counts, `pattern`) that
//!   tightens is breaking, one that loosens is not; a changed `default` of a request value is
//!   breaking (an omitted value now means something else);
//! - the API version changing is breaking: every request the client sends names it.
//!
//! Some non-breaking changes still change the generated Rust (a renamed `operationId` renames the
//! client's method); the report says so next to them.

mod compare;
pub mod document;
pub mod report;
pub mod rust_items;
mod schema;
#[cfg(test)]
mod tests;

pub use compare::compare;

/// How a change affects existing callers, by Amperity's versioning rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Existing integrations may stop working.
    Breaking,
    /// Existing integrations keep working.
    NonBreaking,
}

/// Whether a schema is read from requests (the caller writes it) or from responses (the caller
/// reads it): the same edit breaks one side and not the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    Request,
    Response,
}

/// What kind of API element a change is about; used to match a difference with the comment in
/// our spec that explains it (`[upstream: KIND]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Version,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Status,
    Field,
    Required,
    Type,
    Nullable,
    Enum,
    AdditionalProperties,
    Pagination,
    Constraint,
}

impl Kind {
    /// The word used for this kind in `[upstream: KIND]` comments.
    pub fn tag(self) -> &'static str {
        match self {
            Kind::Version => "version",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::Header => "header",
            Kind::RequestBody => "request-body",
            Kind::Status => "status",
            Kind::Field => "field",
            Kind::Required => "required",
            Kind::Type => "type",
            Kind::Nullable => "nullable",
            Kind::Enum => "enum",
            Kind::AdditionalProperties => "additional-properties",
            Kind::Pagination => "pagination",
            Kind::Constraint => "constraint",
        }
    }

    /// Every kind, for validating `[upstream: KIND]` comments.
    pub const ALL: [Kind; 14] = [
        Kind::Version,
        Kind::Operation,
        Kind::Parameter,
        Kind::Header,
        Kind::RequestBody,
        Kind::Status,
        Kind::Field,
        Kind::Required,
        Kind::Type,
        Kind::Nullable,
        Kind::Enum,
        Kind::AdditionalProperties,
        Kind::Pagination,
        Kind::Constraint,
    ];
}

/// One difference between two versions of the API that a caller can observe.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Breaking or not, by Amperity's rules.
    pub severity: Severity,
    /// What kind of element changed.
    pub kind: Kind,
    /// Where: `GET /segments`, `schema Segment`, or `API`.
    pub scope: String,
    /// What happened, as a sentence fragment: ``query parameter `limit` removed``.
    pub what: String,
    /// JSON pointer to the deepest node of the base document the change is under.
    pub base_pointer: String,
    /// Where the base reached that node through a `$ref`, if it did.
    pub base_site: Option<String>,
    /// JSON pointer to the deepest node of the head document the change is under.
    pub head_pointer: String,
    /// What to look up in the base's generated Rust to name the items the change affects.
    pub subject: Subject,
    /// For a non-breaking change that still changes the generated Rust: how.
    pub rust_note: Option<&'static str>,
}

/// The part of the generated Rust a change is about, resolved to item paths by
/// [`rust_items::RustItems::resolve`].
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// Nothing in the generated code (the API version, a header the client sets itself).
    None,
    /// An operation: the client's method and its request builder.
    Operation { operation_id: String },
    /// A parameter: the request builder's setter.
    Parameter { operation_id: String, name: String },
    /// A schema, or a field or enumeration value inside it, reached from `root` along `path`
    /// (property names, `[]` for array items).
    Schema {
        root: SchemaRoot,
        path: Vec<String>,
        enum_value: Option<String>,
    },
}

/// Where a schema walk started, for finding its generated Rust type.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaRoot {
    /// `#/components/schemas/<name>`.
    Component(String),
    /// The success body of an operation, however its schema is written.
    ResponseBody { operation_id: String },
    /// The request body of an operation.
    RequestBody { operation_id: String },
    /// A parameter's schema (an enum parameter gets a type of its own).
    Parameter { operation_id: String, name: String },
    /// A schema with no generated type of its own to find (an error body written inline, a
    /// response header).
    Unnamed,
}

//! What the output path needs to know about a kind of record: one line per record type.

use amperity::profile::types::{Profile, ProfileIndex};
use amperity::types::{AuditEvent, Campaign, IngestJob, Segment, WorkflowRun};
use serde::Serialize;

/// A record the CLI prints. Everything else about it (its fields, their order, their values)
/// comes from its `Serialize` implementation, which the SDK generates from the spec.
pub trait Record: Serialize + Send + 'static {
    /// What records of this kind are called, plural, for progress and messages.
    const NOUN: &'static str;
    /// The columns `--format table` shows: a summary for people. `csv`, `json` and `ndjson`
    /// have every field.
    const TABLE_COLUMNS: &'static [&'static str];
}

/// `record!(Type, "noun", [table columns])`: declares a [`Record`].
macro_rules! record {
    ($($type:ty, $noun:literal, [$($column:literal),* $(,)?];)*) => {
        $(impl Record for $type {
            const NOUN: &'static str = $noun;
            const TABLE_COLUMNS: &'static [&'static str] = &[$($column),*];
        })*
    };
}

record! {
    Segment, "segments", ["id", "name"];
    AuditEvent, "audit events", ["event_id", "happened_at", "event_type", "principal_name", "object_name"];
    Campaign, "campaigns", ["id", "name", "deliver_at"];
    IngestJob, "ingest jobs", ["id", "workflow_id"];
    WorkflowRun, "workflow runs", ["id", "name", "type", "state", "created_at", "ended_at"];
    ProfileIndex, "indexes", ["id", "name", "description", "updated_at"];
    // A profile's attributes depend on its index: no attribute is a column every index has.
    Profile, "profiles", ["id", "index_id"];
}

//! The baseline both benchmarks compare the generated types against: the page's documented
//! fields in plain structs, without the `flatten` maps that keep unknown fields (so unknown
//! fields are dropped). One definition, so both benches measure the same baseline.

use serde::Deserialize;

/// A page of plain segments. Each bench reads only some of the fields.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct PlainPage {
    pub data: Vec<PlainSegment>,
    #[serde(default)]
    pub next_token: Option<String>,
    #[serde(default)]
    pub total: Option<u64>,
}

/// A segment's documented fields.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct PlainSegment {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
}

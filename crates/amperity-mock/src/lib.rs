//! A stateful, spec-conformant local Amperity API for tests, demos and benchmarks.
//!
//! It serves the nine operations of the 2024-04-01 control plane as `spec/openapi.yaml` describes
//! them: segments, audit events, campaigns, ingest jobs and workflow runs, generated on demand
//! from a seed (the seed document's two segments first), with every filter the spec declares;
//! workflow runs that start, run and stop over time, per tenant; opaque `next_token` cursors that
//! cannot be forged, bearer-token and tenant checks, API-version checks, the documented rate
//! limit with 429 and `Retry-After`, and optional simulated faults and latency. It also plays
//! Amperity's OAuth client-credentials token endpoint (`POST {base_url}/v0/oauth2/token`), whose
//! signed, expiring JWTs the other routes then accept, so that token refresh can be tested.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let mock = amperity_mock::spawn(amperity_mock::MockConfig::default()).await?;
//! let url = format!("{}/segments?limit=10", mock.base_url());
//! // ... send requests with `amperity-tenant` and `api-version: 2024-04-01` headers ...
//! mock.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod base64url;
mod config;
mod cursor;
mod data;
mod errors;
mod gateway;
mod ids;
mod json;
mod jwt;
mod oauth;
mod page;
mod query;
mod rate_limit;
mod request_id;
mod resources;
mod routes;
mod server;
mod time;

pub use config::MockConfig;
pub use data::MAX_SEGMENTS;
pub use resources::MAX_RECORDS;
pub use resources::campaigns::DATA_TEMPLATES;
pub use resources::workflow_runs::MAX_STARTED_RUNS;
pub use server::{RunningMock, serve, serve_with_shutdown, spawn};

/// The API version the mock accepts, in the `api-version` header or `api_version` parameter.
pub const API_VERSION: &str = gateway::API_VERSION;

/// The `(id, name)` of the segment the mock serves at position `index` (0-based, in walk order),
/// or `None` past the last one. Lets tests know what to expect without asking the server.
pub fn segment(config: &MockConfig, index: u64) -> Option<(String, String)> {
    if index >= config.segments.min(MAX_SEGMENTS) {
        return None;
    }
    let catalog = data::Catalog::new(config.seed, config.segments);
    let id = String::from_utf8_lossy(&catalog.id(index)).into_owned();
    Some((id, catalog.name(index).to_string()))
}

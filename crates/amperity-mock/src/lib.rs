//! A stateful, spec-conformant local Amperity API for tests, demos and benchmarks.
//!
//! It serves the nine operations of the 2024-04-01 control plane as `spec/openapi.yaml` describes
//! them: segments, audit events, campaigns, ingest jobs and workflow runs, generated on demand
//! from a seed (the seed document's two segments first), with every filter the spec declares;
//! and the four operations of the 2025-07-31 Profile API as `spec/profile.yaml` describes them:
//! indexes and the customer profiles in them (millions, in no memory), with
//! `filter[<attribute>]=<value>` solved without a scan; each API with its own version and rate
//! limit;
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
pub use resources::profiles::{MAX_PROFILE_INDEXES, MAX_PROFILES};
pub use resources::workflow_runs::MAX_STARTED_RUNS;
pub use server::{RunningMock, serve, serve_with_shutdown, spawn};

/// The API version the mock's control-plane routes accept, in the `api-version` header or
/// `api_version` parameter. The Profile API's routes refuse it.
pub const API_VERSION: &str = gateway::API_VERSION;

/// The API version the mock's Profile API routes (`/indexes…`) accept, in the `api-version`
/// header or `api_version` parameter. The control-plane routes refuse it.
pub const PROFILE_API_VERSION: &str = gateway::PROFILE_API_VERSION;

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

/// The IDs of the Profile API indexes the mock serves, in the order `GET /indexes` lists them
/// (`idx-xyz789`, the documentation's example, first). Empty with `profile_indexes: 0`.
pub fn profile_index_ids(config: &MockConfig) -> Vec<String> {
    resources::profiles::index_ids(config)
}

/// The `ProfileIndex` `GET /indexes/{index_id}` answers (`id`, `name`, `description`,
/// `created_at`, `updated_at`, and `filters`, the attributes it offers as filters), or `None`
/// for an index the mock does not serve.
pub fn profile_index(config: &MockConfig, index_id: &str) -> Option<serde_json::Value> {
    resources::profiles::index_json(config, index_id)
}

/// The `Profile` the mock serves at position `position` (0-based, in the order
/// `GET /indexes/{index_id}/profiles` lists them without filters) of the index `index_id`,
/// exactly as the API writes it, or `None` past the last one or for an unknown index. Lets tests
/// know what to expect without asking the server.
pub fn profile(config: &MockConfig, index_id: &str, position: u64) -> Option<serde_json::Value> {
    resources::profiles::profile_json(config, index_id, position)
}

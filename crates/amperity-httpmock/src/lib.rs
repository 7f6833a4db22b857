//! httpmock helpers for the Amperity API.
#![forbid(unsafe_code)]

// progenitor writes `format!("^/ingest/jobs/{}$", value.to_string())` for a path parameter, and
// its output is never patched (ARCHITECTURE.md); the lint is about style, not behaviour.
#[allow(clippy::to_string_in_format_args)]
#[rustfmt::skip] // prettyplease formats it; rustfmt would fight `cargo xtask generate --check`.
mod generated;

pub use generated::*;

/// Mock helpers for the Profile API (`spec/profile.yaml`): `use amperity_httpmock::profile::MockServerExt`.
pub mod profile {
    pub use crate::generated_profile::*;
}

#[allow(clippy::to_string_in_format_args)]
#[rustfmt::skip] // prettyplease formats it; rustfmt would fight `cargo xtask generate --check`.
mod generated_profile;

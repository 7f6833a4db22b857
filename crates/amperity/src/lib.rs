#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// Generated code names the SDK's own types as `amperity::types::...`, the path that also works
// from the httpmock crate (see xtask's `open_enums`).
extern crate self as amperity;

mod auth;
mod call;
mod capture;
mod client_state;
mod config;
mod error;
// Generated code documents what the spec documents; its own prelude is superseded by ours.
#[allow(missing_docs, unused_imports)]
#[rustfmt::skip] // prettyplease formats it; rustfmt would fight `cargo xtask generate --check`.
mod generated;
// The Profile API's client, from spec/profile.yaml; public as `profile`.
#[allow(missing_docs, unused_imports)]
#[rustfmt::skip] // prettyplease formats it; rustfmt would fight `cargo xtask generate --check`.
mod generated_profile;
mod hooks;
mod pacing;
mod pagination;
pub mod profile;
mod retry;
mod segments;

pub use auth::{StaticToken, Token, TokenError, TokenErrorKind, TokenProvider};
pub use client_state::ClientState;
pub use config::{
    ClientBuilder, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_OVERALL_TIMEOUT,
    DEFAULT_REQUESTS_PER_SECOND, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TENANT,
    ENV_TOKEN, ENV_TOKEN_URL, Region, TOKEN_PATH,
};
pub use error::{ApiError, DecodeError, Error, GeneratedError, Timeout};
pub use generated::{Client, ClientInfo, ResponseValue, builder, types};
pub use pagination::{Items, PAGES_AHEAD, Page, Pages};
pub use retry::RetryPolicy;
#[allow(deprecated)]
pub use segments::SegmentsExt;

/// The types most programs need: `use amperity::prelude::*;`.
pub mod prelude {
    pub use crate::types::Segment;
    pub use crate::{Client, ClientBuilder, ClientInfo, Error, Region};
}

//! httpmock helpers for the Amperity API.
#![forbid(unsafe_code)]

#[rustfmt::skip] // prettyplease formats it; rustfmt would fight `cargo xtask generate --check`.
mod generated;

pub use generated::*;

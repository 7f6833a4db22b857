//! httpmock helpers for the Amperity API.
#![forbid(unsafe_code)]

mod generated;

pub use generated::*;

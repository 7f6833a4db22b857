//! Rust SDK for the Amperity API.
#![forbid(unsafe_code)]

mod generated;
pub mod runtime;

pub use generated::*;

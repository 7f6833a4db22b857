//! A stateful local Amperity API server (being written).
#![forbid(unsafe_code)]

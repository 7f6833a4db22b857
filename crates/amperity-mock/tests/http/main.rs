//! The mock over real HTTP on loopback: every answer is checked against spec/openapi.yaml or, on
//! the Profile API's routes, spec/profile.yaml.

mod control_plane;
mod errors;
mod limits;
mod oauth;
mod pagination;
mod profiles;
mod seed_example;
mod support;
mod workflow_runs;

//! The mock over real HTTP on loopback: every answer is checked against spec/openapi.yaml.

mod errors;
mod limits;
mod pagination;
mod seed_example;
mod support;

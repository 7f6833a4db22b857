//! The command line against the spec: every operation has a command, every parameter of an
//! operation is a flag or argument of it, and `--help` shows the spec's description of each.

mod support;

use serde_yaml::Value;

use support::amperity;

/// The command of each operation. An operation added to the spec fails
/// `every_operation_has_a_command` until it is listed here, with its command.
const COMMANDS: &[(&str, &[&str])] = &[
    ("list_segments", &["segments", "list"]),
    ("list_audit_events", &["audit-events", "list"]),
    ("list_campaigns", &["campaigns", "list"]),
    ("list_ingest_jobs", &["ingest", "jobs", "list"]),
    ("get_ingest_job", &["ingest", "jobs", "get"]),
    ("list_workflow_runs", &["workflows", "list"]),
    ("get_workflow_run", &["workflows", "get"]),
    ("start_workflow_run", &["workflows", "start"]),
    ("stop_workflow_run", &["workflows", "stop"]),
];

/// Parameters the client sets itself, on every request.
const CLIENT_LEVEL: &[&str] = &["api_version", "api-version", "amperity-tenant"];

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/openapi.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Follows a local `$ref`.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .trim_start_matches("#/")
            .split('/')
            .fold(spec, |node, key| &node[key]),
        None => value,
    }
}

/// Every operation: its id and its parameters (name, description), client-level ones left out.
fn operations(spec: &Value) -> Vec<(String, Vec<(String, String)>)> {
    let mut operations = Vec::new();
    for (_, item) in spec["paths"].as_mapping().unwrap() {
        for (method, operation) in item.as_mapping().unwrap() {
            if !matches!(method.as_str(), Some("get" | "post")) {
                continue;
            }
            let id = operation["operationId"].as_str().unwrap().to_owned();
            let parameters = operation["parameters"]
                .as_sequence()
                .map(|parameters| {
                    parameters
                        .iter()
                        .map(|parameter| resolve(spec, parameter))
                        .map(|p| {
                            (
                                p["name"].as_str().unwrap().to_owned(),
                                p["description"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .filter(|(name, _)| !CLIENT_LEVEL.contains(&name.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            operations.push((id, parameters));
        }
    }
    operations
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_operation_has_a_command() {
    for (id, _) in operations(&spec()) {
        assert!(
            COMMANDS.iter().any(|(op, _)| *op == id),
            "operation {id} has no command: declare it (crates/amperity-cli/src/lists.rs for a \
             list) and list it in COMMANDS"
        );
    }
}

#[test]
fn help_shows_the_spec_description_of_every_parameter() {
    let spec = spec();
    for (id, parameters) in operations(&spec) {
        let (_, path) = COMMANDS.iter().find(|(op, _)| *op == id).unwrap();
        let output = amperity().args(*path).arg("--help").output().unwrap();
        assert!(output.status.success());
        let help = squeeze(&String::from_utf8(output.stdout).unwrap());
        for (name, description) in parameters {
            // clap drops the final period of a one-paragraph help.
            let description = squeeze(&description);
            let description = description.trim_end_matches('.');
            assert!(
                help.contains(description),
                "`amperity {}` --help lacks the description of {name}: {description}\n{help}",
                path.join(" ")
            );
        }
    }
}

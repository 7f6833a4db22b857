//! The command line against the specs (the control plane's `spec/openapi.yaml` and the Profile
//! API's `spec/profile.yaml`): every operation has a command, every parameter of an operation is
//! a flag or argument of it, and `--help` shows the spec's description of each.

mod support;

use serde_yaml::Value;

use support::amperity;

/// Each spec, by its file under `spec/`, with the command of each of its operations. An operation
/// added to a spec fails `every_operation_has_a_command` until it is listed here, with its
/// command.
const SPECS: &[(&str, Commands)] = &[
    ("openapi.yaml", CONTROL_PLANE),
    ("profile.yaml", PROFILE_API),
];

/// Operation ids, each with its command.
type Commands = &'static [(&'static str, &'static [&'static str])];

/// The commands of `spec/openapi.yaml`.
const CONTROL_PLANE: Commands = &[
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

/// The commands of `spec/profile.yaml`.
const PROFILE_API: Commands = &[
    ("list_profile_indexes", &["profiles", "indexes", "list"]),
    ("get_profile_index", &["profiles", "indexes", "get"]),
    ("list_profiles", &["profiles", "list"]),
    ("get_profile", &["profiles", "get"]),
];

/// Parameters the client sets itself, on every request.
const CLIENT_LEVEL: &[&str] = &["api_version", "api-version", "amperity-tenant"];

fn spec(file: &str) -> Value {
    let path = format!("{}/../../spec/{file}", env!("CARGO_MANIFEST_DIR"));
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
    for (file, commands) in SPECS {
        let operations = operations(&spec(file));
        assert!(!operations.is_empty(), "{file}");
        for (id, _) in operations {
            assert!(
                commands.iter().any(|(op, _)| *op == id),
                "operation {id} of {file} has no command: declare it \
                 (crates/amperity-cli/src/lists.rs for a list) and list it in SPECS"
            );
        }
    }
}

#[test]
fn help_shows_the_spec_description_of_every_parameter() {
    for (file, commands) in SPECS {
        let spec = spec(file);
        for (id, parameters) in operations(&spec) {
            let (_, path) = commands.iter().find(|(op, _)| *op == id).unwrap();
            help_shows(path, &parameters);
        }
    }
}

/// `amperity PATH --help` shows the description of each of `parameters`.
fn help_shows(path: &[&str], parameters: &[(String, String)]) {
    let output = amperity().args(path).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = squeeze(&String::from_utf8(output.stdout).unwrap());
    for (name, description) in parameters {
        // clap drops the final period of a one-paragraph help.
        let description = squeeze(description);
        let description = description.trim_end_matches('.');
        assert!(
            help.contains(description),
            "`amperity {}` --help lacks the description of {name}: {description}\n{help}",
            path.join(" ")
        );
    }
}

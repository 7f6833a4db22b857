//! Starting a mock, sending it requests, and checking every answer against spec/openapi.yaml.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use amperity_mock::{MockConfig, RunningMock};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

pub const TOKEN: &str = "test-token";
pub const TENANT: &str = "acme";
pub const VERSION: &str = "2024-04-01";

/// A config with credentials required and no rate limit, so tests can send as fast as they like.
pub fn config(segments: u64) -> MockConfig {
    MockConfig {
        segments,
        token: Some(TOKEN.into()),
        tenant: Some(TENANT.into()),
        rate_limit: 0,
        ..MockConfig::default()
    }
}

/// A running mock and a client for it.
pub struct Mock {
    pub server: RunningMock,
    pub config: MockConfig,
    pub client: reqwest::Client,
    /// Check one in this many 200 pages against the spec (errors are always checked). 1 unless
    /// a test walks so many pages that schema validation in a debug build would dominate.
    pub check_one_in: u64,
    answers: AtomicU64,
}

/// One answer, its body parsed and already checked against the spec.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

pub async fn start(config: MockConfig) -> Mock {
    let server = amperity_mock::spawn(config.clone())
        .await
        .expect("mock starts");
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    Mock {
        server,
        config,
        client,
        check_one_in: 1,
        answers: AtomicU64::new(0),
    }
}

impl Mock {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// `GET /segments` with every header a correct client sends.
    pub fn get(&self) -> RequestBuilder {
        self.bare(Method::GET, "/segments")
            .bearer_auth(TOKEN)
            .header("amperity-tenant", TENANT)
            .header("api-version", VERSION)
    }

    /// Like [`Mock::get`], with `query` sent exactly as written.
    pub fn get_with_query(&self, query: &str) -> RequestBuilder {
        let url = format!("{}?{query}", self.url("/segments"));
        self.client
            .get(url)
            .bearer_auth(TOKEN)
            .header("amperity-tenant", TENANT)
            .header("api-version", VERSION)
    }

    /// A request with no headers at all.
    pub fn bare(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Sends `request` and checks what every answer must satisfy.
    pub async fn send(&self, request: RequestBuilder) -> Answer {
        let response = request.send().await.expect("the mock answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        assert_eq!(headers["content-type"], "application/json", "{status}");
        let request_id = headers["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(headers["request-id"], request_id.as_str());
        let body: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{status}: body is not JSON ({e}): {bytes:?}"));
        let n = self.answers.fetch_add(1, Ordering::Relaxed);
        if !status.is_success() || n.is_multiple_of(self.check_one_in) {
            spec().check(status, &body);
        }
        if !status.is_success() {
            assert_eq!(body["status"], status.as_u16(), "{body}");
            assert!(!body["message"].as_str().unwrap().is_empty(), "{body}");
            assert_eq!(body["request_id"], request_id.as_str(), "{body}");
            assert!(body["trace_id"].is_string(), "{body}");
        }
        if matches!(status.as_u16(), 429 | 503) {
            let seconds: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!(seconds >= 1);
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Sends `request` and expects an error with `status`.
    pub async fn expect_error(&self, request: RequestBuilder, status: u16) -> Answer {
        let answer = self.send(request).await;
        assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
        answer
    }

    /// Follows `next_token` from the first page with the page size `sizes` gives for each page;
    /// returns the `(id, name)` of every segment seen, in order.
    pub async fn walk(&self, mut sizes: impl FnMut(usize) -> u64) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        for page in 0.. {
            let limit = sizes(page);
            let mut request = self.get().query(&[("limit", limit.to_string())]);
            if let Some(token) = &token {
                request = request.query(&[("next_token", token)]);
            }
            let answer = self.send(request).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            let body = answer.body.as_object().unwrap();
            assert!(!body.contains_key("total"), "total without with_total");
            let data = body["data"].as_array().unwrap();
            assert!(data.len() as u64 <= limit);
            for item in data {
                assert_eq!(item.as_object().unwrap().len(), 2, "{item}");
                let field = |k: &str| item[k].as_str().unwrap().to_owned();
                seen.push((field("id"), field("name")));
            }
            match body.get("next_token") {
                Some(next) => {
                    assert_eq!(data.len() as u64, limit, "only the last page may be short");
                    token = Some(next.as_str().unwrap().to_owned());
                }
                None => break,
            }
        }
        seen
    }

    /// The segments the mock should serve, from the library's own function.
    pub fn expected(&self) -> Vec<(String, String)> {
        (0..self.config.segments)
            .map(|i| amperity_mock::segment(&self.config, i).unwrap())
            .collect()
    }
}

/// The spec's component schemas as JSON Schema validators.
pub struct Spec {
    document: Value,
    validators: HashMap<String, jsonschema::Validator>,
}

pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(Spec::load)
}

impl Spec {
    fn load() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/openapi.yaml");
        let text = std::fs::read_to_string(path).expect("spec/openapi.yaml");
        let document: Value = serde_yaml::from_str(&text).expect("spec is YAML");
        let mut schemas = document["components"]["schemas"].clone();
        to_json_schema(&mut schemas);
        let validators = schemas
            .as_object()
            .unwrap()
            .keys()
            .map(|name| {
                let root = json!({ "$defs": schemas, "$ref": format!("#/$defs/{name}") });
                let validator = jsonschema::validator_for(&root)
                    .unwrap_or_else(|e| panic!("schema {name}: {e}"));
                (name.clone(), validator)
            })
            .collect();
        Self {
            document,
            validators,
        }
    }

    /// The component schema the spec names for `status` on `GET /segments`; statuses the
    /// operation does not list (404 on other paths, 405) still use the common `ErrorResponse`.
    pub fn schema_for(&self, status: StatusCode) -> String {
        let responses = &self.document["paths"]["/segments"]["get"]["responses"];
        let mut response = &responses[status.as_str()];
        if response.is_null() {
            assert!(!status.is_success(), "{status} is not in the spec");
            return "ErrorResponse".into();
        }
        if let Some(reference) = response["$ref"].as_str() {
            let name = reference.trim_start_matches("#/components/responses/");
            response = &self.document["components"]["responses"][name];
        }
        let schema = &response["content"]["application/json"]["schema"]["$ref"];
        schema
            .as_str()
            .expect("a schema reference")
            .trim_start_matches("#/components/schemas/")
            .to_owned()
    }

    /// How `body` fails the schema the spec gives for `status`; empty when it conforms.
    pub fn errors(&self, status: StatusCode, body: &Value) -> Vec<String> {
        self.validators[&self.schema_for(status)]
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Panics unless `body` matches the schema the spec gives for `status`.
    pub fn check(&self, status: StatusCode, body: &Value) {
        let errors = self.errors(status, body);
        let name = self.schema_for(status);
        assert!(
            errors.is_empty(),
            "{status} body is not a valid {name}: {errors:?}\n{body}"
        );
    }
}

/// OpenAPI 3.0 schema objects to JSON Schema: `nullable: true` becomes a `null` type and
/// component references point into `$defs`.
fn to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true))
                && let Some(Value::String(ty)) = map.get("type").cloned()
            {
                map.insert("type".into(), json!([ty, "null"]));
            }
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                *reference = reference.replace("#/components/schemas/", "#/$defs/");
            }
            map.values_mut().for_each(to_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}

#[test]
fn the_validators_tell_good_from_bad() {
    let spec = spec();
    spec.check(StatusCode::OK, &json!({"data": [], "next_token": null}));
    spec.check(
        StatusCode::BAD_REQUEST,
        &json!({"status": 400, "message": "x"}),
    );
    let bad = [
        (StatusCode::OK, json!({"data": [{"id": "a"}]})),
        (StatusCode::OK, json!({"data": [], "total": -1})),
        (StatusCode::OK, json!({"next_token": "x"})),
        (
            StatusCode::UNAUTHORIZED,
            json!({"status": "401", "message": "x"}),
        ),
        (StatusCode::NOT_FOUND, json!({"message": "x"})),
    ];
    for (status, body) in bad {
        assert!(
            !spec.errors(status, &body).is_empty(),
            "{status} {body} passed"
        );
    }
}

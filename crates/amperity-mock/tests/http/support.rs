//! Starting a mock, sending it requests, and checking every answer against spec/openapi.yaml or,
//! for the Profile API's operations, spec/profile.yaml.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use amperity_mock::{MockConfig, RunningMock};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

pub const TOKEN: &str = "test-token";
pub const TENANT: &str = "acme";
pub const VERSION: &str = "2024-04-01";
pub const PROFILE_VERSION: &str = "2025-07-31";

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
    // reqwest has no crypto provider of its own (`rustls-no-provider`): ring, as the SDK does.
    let _ = rustls::crypto::ring::default_provider().install_default();
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

    /// A request to `path` with every header a correct client sends.
    pub fn call(&self, method: Method, path: &str) -> RequestBuilder {
        self.bare(method, path)
            .bearer_auth(TOKEN)
            .header("amperity-tenant", TENANT)
            .header("api-version", VERSION)
    }

    /// A `GET` of the Profile API's `path` with every header a correct client sends (its own
    /// version).
    pub fn profile_get(&self, path: &str) -> RequestBuilder {
        self.bare(Method::GET, path)
            .bearer_auth(TOKEN)
            .header("amperity-tenant", TENANT)
            .header("api-version", PROFILE_VERSION)
    }

    /// Sends `request` (a `GET /segments`) and checks what every answer must satisfy.
    pub async fn send(&self, request: RequestBuilder) -> Answer {
        self.send_to("list_segments", request).await
    }

    /// Sends `request` for the operation `operation` and checks what every answer must satisfy,
    /// its body against the operation's response schema for the status.
    pub async fn send_to(&self, operation: &str, request: RequestBuilder) -> Answer {
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
            spec().check_operation(operation, status, &body);
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

/// Validators for the bodies the specs document, built by the workspace's shared spec helpers
/// (the same translation of OpenAPI 3.0 to JSON Schema that the fixtures are checked with).
/// Operation IDs are unique across the two specs, so an operation names its spec.
pub struct Spec {
    /// spec/openapi.yaml, then spec/profile.yaml.
    specs: [amperity_workspace_tests::Spec; 2],
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let profile = amperity_workspace_tests::workspace_root()
            .join("spec")
            .join("profile.yaml");
        Spec {
            specs: [
                amperity_workspace_tests::Spec::load().expect("spec/openapi.yaml loads"),
                amperity_workspace_tests::Spec::from_path(&profile)
                    .expect("spec/profile.yaml loads"),
            ],
            validators: Mutex::new(HashMap::new()),
        }
    })
}

impl Spec {
    /// The spec that declares `operation`.
    fn of(&self, operation: &str) -> &amperity_workspace_tests::Spec {
        self.specs
            .iter()
            .find(|spec| spec.operation(operation).is_ok())
            .unwrap_or_else(|| panic!("no spec declares {operation}"))
    }

    /// The schema for `status` on `operation`; statuses the operation does not list (404 on
    /// other paths, 405) still use the common `ErrorResponse`.
    fn validator(
        &self,
        operation: &str,
        status: StatusCode,
    ) -> (String, Arc<jsonschema::Validator>) {
        let spec = self.of(operation);
        let listed = spec
            .response_statuses(operation)
            .expect("the operation exists")
            .contains(&status.as_u16());
        let key = if listed {
            format!("{operation} {}", status.as_str())
        } else {
            assert!(!status.is_success(), "{status} is not in the spec");
            "ErrorResponse".to_owned()
        };
        let mut cache = self.validators.lock().unwrap();
        let validator = cache
            .entry(key.clone())
            .or_insert_with(|| {
                let validator = if listed {
                    spec.response_validator(operation, status.as_u16())
                } else {
                    spec.component_validator("ErrorResponse")
                };
                Arc::new(validator.expect("a valid schema"))
            })
            .clone();
        (key, validator)
    }

    /// How `body` fails the schema the spec gives for `status` on `GET /segments`; empty when
    /// it conforms.
    pub fn errors(&self, status: StatusCode, body: &Value) -> Vec<String> {
        self.operation_errors("list_segments", status, body)
    }

    /// How `body` fails the schema the spec gives for `status` on `operation`.
    pub fn operation_errors(
        &self,
        operation: &str,
        status: StatusCode,
        body: &Value,
    ) -> Vec<String> {
        amperity_workspace_tests::validation_errors(&self.validator(operation, status).1, body)
    }

    /// Panics unless `body` matches the schema the spec gives for `status` on `GET /segments`.
    pub fn check(&self, status: StatusCode, body: &Value) {
        self.check_operation("list_segments", status, body);
    }

    /// Panics unless `body` matches the schema the spec gives for `status` on `operation`.
    pub fn check_operation(&self, operation: &str, status: StatusCode, body: &Value) {
        let errors = self.operation_errors(operation, status, body);
        let (schema, _) = self.validator(operation, status);
        assert!(
            errors.is_empty(),
            "{status} body does not match the spec's schema for {schema}: {errors:?}\n{body}"
        );
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
    // The Profile API's operations are checked against spec/profile.yaml.
    let profile = json!({"id": "cl-1", "index_id": "idx-1", "attributes": {"n": 1, "x": null}});
    spec.check_operation("get_profile", StatusCode::OK, &profile);
    for bad in [
        json!({"id": "cl-1"}),
        json!({"id": "cl-1", "index_id": "idx-1", "attributes": []}),
    ] {
        assert!(
            !spec
                .operation_errors("get_profile", StatusCode::OK, &bad)
                .is_empty(),
            "{bad} passed"
        );
    }
    assert!(
        !spec
            .operation_errors(
                "list_profile_indexes",
                StatusCode::OK,
                &json!({"data": [{}]})
            )
            .is_empty()
    );
}

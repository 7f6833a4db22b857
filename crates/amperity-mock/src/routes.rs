//! The route table, and the one order in which every request is checked.
//!
//! 1. routing: an unknown path is 404, a method the path does not answer is 405 (with `Allow`);
//! 2. the gateway (`gateway.rs`): rate limit (429), token (401), tenant (400/403), query string
//!    (400), API version (400), or the rate limit alone for a route whose [`Admission`] says so
//!    (the OAuth token route, which checks its client itself). The admission also names the
//!    route's [`Api`], whose version the request must name and whose rate limit it counts
//!    against: the control plane's routes accept `2024-04-01`, the Profile API's `2025-07-31`;
//! 3. the route's handler: its parameters and body (400), simulated faults (`fail_rate`: 500,
//!    503 or 429), then the answer.
//!
//! So a request with several problems always gets the answer for the first. Adding an operation
//! is adding a line to [`ROUTES`] and a handler in `resources/`.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Body;
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::config::MockConfig;
use crate::errors::{ApiError, quote};
use crate::gateway::{Admission, Api, Gateway};
use crate::jwt::Signer;
use crate::oauth::{self, TokenEndpoint};
use crate::query;
use crate::request_id::{RequestId, RequestIds};
use crate::resources::{
    Call, Handler, Reply, Resources, audit_events, campaigns, ingest_jobs, profiles, segments,
    workflow_runs,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// The largest request body read; a `WorkflowRunRequest` is a few hundred bytes.
const MAX_BODY: usize = 64 * 1024;

/// One piece of a route's path, after `/api/`.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// This exact text.
    Lit(&'static str),
    /// Any non-empty segment: a path parameter, percent-decoded. A route has at most
    /// [`MAX_PARAMS`] of them (a profile of an index has two).
    Param,
}
use Part::{Lit, Param};

/// The most path parameters a route has.
const MAX_PARAMS: usize = 2;

/// The admission of the control plane's routes.
const CONTROL_PLANE: Admission = Admission::Api(Api::ControlPlane);
/// The admission of the Profile API's routes.
const PROFILE_API: Admission = Admission::Api(Api::Profile);

/// An operation: a method, a path and what answers it.
struct Route {
    /// Its name, the spec's `operationId` (`oauth2_token` for the token route, not in the spec).
    name: &'static str,
    method: Method,
    path: &'static [Part],
    handler: Handler,
    /// Whether the handler needs the request body (read only after the gateway's checks).
    reads_body: bool,
    /// Which of the gateway's checks it gets, for which API (so which version it accepts).
    admission: Admission,
}

/// Every operation the mock serves, one line each.
static ROUTES: [Route; 14] = [
    Route {
        name: "list_segments",
        method: Method::GET,
        path: &[Lit("segments")],
        handler: segments::list,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "list_audit_events",
        method: Method::GET,
        path: &[Lit("audit-events")],
        handler: audit_events::list,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "list_campaigns",
        method: Method::GET,
        path: &[Lit("campaigns")],
        handler: campaigns::list,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "list_ingest_jobs",
        method: Method::GET,
        path: &[Lit("ingest"), Lit("jobs")],
        handler: ingest_jobs::list,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "get_ingest_job",
        method: Method::GET,
        path: &[Lit("ingest"), Lit("jobs"), Param],
        handler: ingest_jobs::get,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "list_workflow_runs",
        method: Method::GET,
        path: &[Lit("workflow"), Lit("runs")],
        handler: workflow_runs::list,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "start_workflow_run",
        method: Method::POST,
        path: &[Lit("workflow"), Lit("runs")],
        handler: workflow_runs::start,
        reads_body: true,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "get_workflow_run",
        method: Method::GET,
        path: &[Lit("workflow"), Lit("runs"), Param],
        handler: workflow_runs::get,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    Route {
        name: "stop_workflow_run",
        method: Method::POST,
        path: &[Lit("workflow"), Lit("runs"), Param, Lit("stop")],
        handler: workflow_runs::stop,
        reads_body: false,
        admission: CONTROL_PLANE,
    },
    // The Profile API (spec/profile.yaml): its own version, its own rate limit.
    Route {
        name: "list_profile_indexes",
        method: Method::GET,
        path: &[Lit("indexes")],
        handler: profiles::list_indexes,
        reads_body: false,
        admission: PROFILE_API,
    },
    Route {
        name: "get_profile_index",
        method: Method::GET,
        path: &[Lit("indexes"), Param],
        handler: profiles::get_index,
        reads_body: false,
        admission: PROFILE_API,
    },
    Route {
        name: "list_profiles",
        method: Method::GET,
        path: &[Lit("indexes"), Param, Lit("profiles")],
        handler: profiles::list_profiles,
        reads_body: false,
        admission: PROFILE_API,
    },
    Route {
        name: "get_profile",
        method: Method::GET,
        path: &[Lit("indexes"), Param, Lit("profiles"), Param],
        handler: profiles::get_profile,
        reads_body: false,
        admission: PROFILE_API,
    },
    // Where a client gets the token the others need: the gateway checks only the rate limit.
    // One token route serves both APIs' keys, as on Amperity; it counts against the control
    // plane's limit.
    Route {
        name: "oauth2_token",
        method: Method::POST,
        path: &[Lit("v0"), Lit("oauth2"), Lit("token")],
        handler: oauth::token,
        reads_body: true,
        admission: Admission::RateLimitOnly(Api::ControlPlane),
    },
];

/// The raw path parameters of a route, in path order; `""` where it has fewer.
type Params<'p> = [&'p str; MAX_PARAMS];

/// The path parameters of `pattern` if `path` (after `/api/`, one trailing slash allowed)
/// matches it: all `""` for a pattern without any. Allocates nothing.
fn match_path<'p>(pattern: &[Part], path: &'p str) -> Option<Params<'p>> {
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut segments = path.split('/');
    let mut params = [""; MAX_PARAMS];
    let mut count = 0;
    for part in pattern {
        let segment = segments.next()?;
        match part {
            Lit(text) if segment == *text => {}
            Param if !segment.is_empty() => {
                // The table is checked by a test to have no more; a longer one matches nothing.
                *params.get_mut(count)? = segment;
                count += 1;
            }
            _ => return None,
        }
    }
    segments.next().is_none().then_some(params)
}

/// The route for `method` and `path` (its position in [`ROUTES`]) and its raw path parameters,
/// or 404/405.
fn route<'p>(
    method: &Method,
    path: &'p str,
) -> Result<(usize, &'static Route, Params<'p>), ApiError> {
    let not_found = || {
        ApiError::not_found(format!(
            "Not found: {}. This server serves GET /api/segments, /api/audit-events, \
             /api/campaigns, /api/ingest/jobs[/{{job-id}}], /api/workflow/runs[/{{workflow-id}}], \
             POST /api/workflow/runs, /api/workflow/runs/{{workflow-id}}/stop and \
             /api/v0/oauth2/token (the control plane), and GET /api/indexes[/{{index-id}}], \
             /api/indexes/{{index-id}}/profiles[/{{profile-id}}] (the Profile API).",
            quote(path)
        ))
    };
    let rest = path.strip_prefix("/api/").ok_or_else(not_found)?;
    let mut allowed: Vec<&str> = Vec::new();
    for (index, route) in ROUTES.iter().enumerate() {
        if let Some(params) = match_path(route.path, rest) {
            if route.method == *method {
                return Ok((index, route, params));
            }
            allowed.push(route.method.as_str());
        }
    }
    if allowed.is_empty() {
        return Err(not_found());
    }
    let allow = allowed.join(", ");
    Err(ApiError::method_not_allowed(
        format!(
            "Method {} is not allowed on {}; it answers {allow}.",
            quote(method.as_str()),
            quote(path)
        ),
        allow,
    ))
}

/// The state one server shares between all its connections. Everything in it is read-only or
/// lock-free, except the workflow runs started through the API, behind their own lock.
pub(crate) struct App {
    pub(crate) config: MockConfig,
    gateway: Gateway,
    pub(crate) resources: Resources,
    pub(crate) oauth: TokenEndpoint,
    ids: RequestIds,
    /// Requests routed to each line of [`ROUTES`], whatever their answer, for tests to read.
    requests: [AtomicU64; ROUTES.len()],
}

impl App {
    /// The server state for a validated `config`.
    pub(crate) fn new(config: MockConfig) -> Self {
        // One key per server: its tokens are refused by any other, or by itself restarted.
        let signer = Signer::new();
        Self {
            gateway: Gateway::new(&config, signer.clone()),
            resources: Resources::new(&config),
            oauth: TokenEndpoint::new(&config, signer),
            ids: RequestIds::new(),
            requests: std::array::from_fn(|_| AtomicU64::new(0)),
            config,
        }
    }

    /// How many requests were routed to the operation `name` (a [`Route`]'s name), whatever
    /// their answer: 429s included, 404s and 405s not.
    pub(crate) fn requests_to(&self, name: &str) -> u64 {
        ROUTES
            .iter()
            .position(|route| route.name == name)
            .map_or(0, |index| self.requests[index].load(Ordering::Relaxed))
    }

    /// Answers one request. Never fails: every problem becomes an error response.
    pub(crate) async fn handle<B>(&self, request: Request<B>) -> Response<Full<Bytes>>
    where
        B: Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let id = self.ids.next();
        let answer = self.answer(request).await;
        // The delay comes after the work so that the rate limiter sees requests when they arrive.
        if !self.config.latency.is_zero() {
            tokio::time::sleep(self.config.latency).await;
        }
        match answer {
            Ok(reply) => {
                let mut response = respond(reply.status, reply.body, &id);
                response.headers_mut().extend(reply.headers);
                response
            }
            Err(error) => error_response(&error, &id),
        }
    }

    async fn answer<B>(&self, request: Request<B>) -> Result<Reply, ApiError>
    where
        B: Body<Data = Bytes>,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (parts, body) = request.into_parts();
        let (index, route, params) = route(&parts.method, parts.uri.path())?;
        // Relaxed: a count for tests to read after their requests have been answered.
        self.requests[index].fetch_add(1, Ordering::Relaxed);
        let admitted = self
            .gateway
            .admit(route.admission, &parts.headers, parts.uri.query())?;
        let [id, second_id] = [0, 1].map(|n| match params[n] {
            "" => Ok(Cow::Borrowed("")),
            raw => query::decode(raw, false),
        });
        let (id, second_id) = (id?, second_id?);
        let body = if route.reads_body {
            read_body(body).await?
        } else {
            Bytes::new()
        };
        (route.handler)(
            self,
            &Call {
                tenant: admitted.tenant,
                query: &admitted.query,
                id: &id,
                second_id: &second_id,
                body: &body,
                headers: &parts.headers,
            },
        )
    }

    /// Fails a share `fail_rate` of the requests that would have succeeded, mostly with 5xx.
    /// Every handler calls it once its input is valid and before it changes anything, so a
    /// simulated failure never leaves a trace.
    pub(crate) fn simulate_fault(&self) -> Result<(), ApiError> {
        let rate = self.config.fail_rate;
        if rate <= 0.0 || rand::random::<f64>() >= rate {
            return Ok(());
        }
        Err(match rand::random_range(0..10u8) {
            0..=4 => ApiError::internal("An unexpected error occurred (simulated by --fail-rate)."),
            5..=8 => ApiError::unavailable("Service unavailable (simulated by --fail-rate).", 1),
            _ => ApiError::too_many_requests("Rate limit exceeded (simulated by --fail-rate).", 1),
        })
    }
}

/// The whole body, up to [`MAX_BODY`] bytes.
async fn read_body<B>(body: B) -> Result<Bytes, ApiError>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(ApiError::bad_request(
            format!("The request body is over {MAX_BODY} bytes."),
        )),
        Err(error) => Err(ApiError::bad_request(format!(
            "The request body could not be read: {error}."
        ))),
    }
}

fn respond(status: StatusCode, body: Vec<u8>, id: &RequestId) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, APPLICATION_JSON);
    let request_id = HeaderValue::from_bytes(&id.uuid()).expect("hex digits and dashes");
    headers.insert(REQUEST_ID, request_id.clone());
    headers.insert(X_REQUEST_ID, request_id);
    response
}

fn error_response(error: &ApiError, id: &RequestId) -> Response<Full<Bytes>> {
    let mut response = respond(error.status, error.body(id), id);
    let headers = response.headers_mut();
    if let Some(seconds) = error.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    if let Some(allow) = &error.allow
        && let Ok(value) = HeaderValue::from_str(allow)
    {
        headers.insert(header::ALLOW, value);
    }
    if error.status == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"amperity\""),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_with_one_trailing_slash_and_non_empty_parameters() {
        let runs: &[Part] = &[Lit("workflow"), Lit("runs"), Param, Lit("stop")];
        assert_eq!(
            match_path(runs, "workflow/runs/wf-1/stop"),
            Some(["wf-1", ""])
        );
        assert_eq!(
            match_path(runs, "workflow/runs/wf-1/stop/"),
            Some(["wf-1", ""])
        );
        assert_eq!(match_path(runs, "workflow/runs//stop"), None);
        assert_eq!(match_path(runs, "workflow/runs/wf-1"), None);
        assert_eq!(match_path(runs, "workflow/runs/wf-1/stop/x"), None);
        assert_eq!(match_path(&[Lit("segments")], "segments/"), Some(["", ""]));
        assert_eq!(match_path(&[Lit("segments")], "segments//"), None);
        let profile: &[Part] = &[Lit("indexes"), Param, Lit("profiles"), Param];
        assert_eq!(
            match_path(profile, "indexes/idx-1/profiles/cl-2"),
            Some(["idx-1", "cl-2"])
        );
        assert_eq!(match_path(profile, "indexes/idx-1/profiles/"), None);
        assert_eq!(match_path(profile, "indexes//profiles/cl-2"), None);
        let three: &[Part] = &[Param, Param, Param];
        assert_eq!(match_path(three, "a/b/c"), None);
    }

    #[test]
    fn unknown_paths_are_404_and_other_methods_405_with_allow() {
        assert_eq!(route(&Method::GET, "/api/nope").err().unwrap().status, 404);
        assert_eq!(route(&Method::GET, "/segments").err().unwrap().status, 404);
        let error = route(&Method::DELETE, "/api/workflow/runs").err().unwrap();
        assert_eq!(error.status, 405);
        assert_eq!(error.allow.as_deref(), Some("GET, POST"));
        let (_, found, params) = route(&Method::POST, "/api/workflow/runs/a%20b/stop").unwrap();
        assert!(!found.reads_body);
        assert_eq!(params, ["a%20b", ""]);
        let (_, token, _) = route(&Method::POST, "/api/v0/oauth2/token/").unwrap();
        assert_eq!(token.admission, Admission::RateLimitOnly(Api::ControlPlane));
        let (_, profile, params) = route(&Method::GET, "/api/indexes/i/profiles/p").unwrap();
        assert_eq!((profile.name, params), ("get_profile", ["i", "p"]));
        assert_eq!(profile.admission, PROFILE_API);
        let error = route(&Method::POST, "/api/indexes").err().unwrap();
        assert_eq!(error.allow.as_deref(), Some("GET"));
        assert_eq!(
            route(&Method::GET, "/api/v0/oauth2/token")
                .err()
                .unwrap()
                .status,
            405
        );
    }

    #[test]
    fn route_names_are_unique_and_only_the_token_route_skips_the_gateway() {
        for (i, a) in ROUTES.iter().enumerate() {
            assert!(
                ROUTES[i + 1..].iter().all(|b| b.name != a.name),
                "{}",
                a.name
            );
            assert_eq!(
                matches!(a.admission, Admission::RateLimitOnly(_)),
                a.name == "oauth2_token",
                "{}",
                a.name
            );
            let params = a.path.iter().filter(|p| matches!(p, Param)).count();
            assert!(params <= MAX_PARAMS, "{}", a.name);
        }
    }

    #[test]
    fn each_route_belongs_to_the_api_of_its_spec() {
        // The Profile API's operations are the ones spec/profile.yaml declares.
        let profile = [
            "list_profile_indexes",
            "get_profile_index",
            "list_profiles",
            "get_profile",
        ];
        for route in &ROUTES {
            let expected = if profile.contains(&route.name) {
                PROFILE_API
            } else if route.name == "oauth2_token" {
                Admission::RateLimitOnly(Api::ControlPlane)
            } else {
                CONTROL_PLANE
            };
            assert_eq!(route.admission, expected, "{}", route.name);
        }
    }
}

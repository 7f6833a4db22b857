//! The one endpoint, `GET /api/segments`, and the answers to everything else.
//!
//! Checks run in a fixed order, so a request with several problems always gets the same answer:
//!
//! 1. routing: an unknown path is 404, a method other than GET is 405 (`Allow: GET`);
//! 2. rate limit: 429 with `Retry-After` (every request to the endpoint counts, as at a gateway);
//! 3. authentication: a missing or wrong bearer token is 401;
//! 4. tenant: a missing or empty `amperity-tenant` is 400, another tenant than the configured
//!    one is 403;
//! 5. query string: malformed percent-encoding or a repeated parameter is 400;
//! 6. API version: 400 unless the `api-version` header or the `api_version` parameter is given,
//!    and every one given is `2024-04-01`;
//! 7. parameters: a bad `limit`, `with_total` or `next_token` is 400;
//! 8. simulated faults (`fail_rate`): 500, 503 or 429;
//! 9. the page, 200.
//!
//! Authentication before validation is what gateways do, and it keeps the mock from telling an
//! unauthenticated caller anything about its request.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::data::Catalog;
use crate::errors::{ApiError, quote};
use crate::page::write_page;
use crate::query::Query;
use crate::rate_limit::RateLimit;
use crate::request_id::{RequestId, RequestIds};

/// The only API version the mock (and the spec) knows.
pub(crate) const API_VERSION: &str = "2024-04-01";

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const AMPERITY_TENANT: HeaderName = HeaderName::from_static("amperity-tenant");
const API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");
const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// The state one server shares between all its connections. Everything in it is read-only or
/// lock-free, so requests never wait for each other.
pub(crate) struct App {
    config: MockConfig,
    catalog: Catalog,
    cursors: CursorCodec,
    rate_limit: Option<RateLimit>,
    ids: RequestIds,
}

impl App {
    /// The server state for a validated `config`.
    pub(crate) fn new(config: MockConfig) -> Self {
        Self {
            catalog: Catalog::new(config.seed, config.segments),
            cursors: CursorCodec::new(config.seed, config.segments),
            rate_limit: RateLimit::new(config.rate_limit),
            ids: RequestIds::new(),
            config,
        }
    }

    /// Answers one request. Never fails: every problem becomes an error response.
    pub(crate) async fn handle<B>(&self, request: Request<B>) -> Response<Full<Bytes>> {
        let id = self.ids.next();
        let answer = self.answer(&request);
        // The delay comes after the work so that the rate limiter sees requests when they arrive.
        if !self.config.latency.is_zero() {
            tokio::time::sleep(self.config.latency).await;
        }
        match answer {
            Ok(page) => respond(StatusCode::OK, page, &id),
            Err(error) => error_response(&error, &id),
        }
    }

    fn answer<B>(&self, request: &Request<B>) -> Result<Vec<u8>, ApiError> {
        let path = request.uri().path();
        if path != "/api/segments" && path != "/api/segments/" {
            return Err(ApiError::not_found(format!(
                "Not found: {}. This server only serves GET /api/segments.",
                quote(path)
            )));
        }
        if request.method() != Method::GET {
            return Err(ApiError::method_not_allowed(format!(
                "Method {} is not allowed on /api/segments; only GET is.",
                quote(request.method().as_str())
            )));
        }
        if let Some(limit) = &self.rate_limit {
            limit.check()?;
        }
        let headers = request.headers();
        check_token(self.config.token.as_deref(), headers)?;
        check_tenant(self.config.tenant.as_deref(), headers)?;
        let query = Query::parse(request.uri().query())?;
        check_version(headers, &query)?;
        let limit = query.limit()?;
        let with_total = query.with_total()?;
        let start = match query.next_token.as_deref() {
            None => 0,
            Some("") => {
                return Err(ApiError::bad_request(
                    "next_token must not be empty: omit it to get the first page.",
                ));
            }
            Some(token) => self.cursors.decode(token).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Invalid next_token {}: pass back the next_token of a previous response \
                     from this server, unchanged.",
                    quote(token)
                ))
            })?,
        };
        self.simulate_fault()?;
        Ok(write_page(
            &self.catalog,
            &self.cursors,
            start,
            limit,
            with_total,
        ))
    }

    /// Fails a share `fail_rate` of the requests that would have succeeded, mostly with 5xx.
    fn simulate_fault(&self) -> Result<(), ApiError> {
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

/// 401 unless the request carries `Authorization: Bearer <expected>` (when a token is set).
fn check_token(expected: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let value = single_header(headers, &header::AUTHORIZATION, ApiError::unauthorized)?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "Missing Authorization header: send `Authorization: Bearer <access token>`.",
            )
        })?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthorized(
            "The Authorization header must use the Bearer scheme: \
             `Authorization: Bearer <access token>`.",
        ));
    }
    if token.trim() != expected {
        return Err(ApiError::unauthorized(
            "The access token is invalid or has expired.",
        ));
    }
    Ok(())
}

/// 400 without a tenant, 403 for a tenant other than the configured one.
fn check_tenant(expected: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let tenant = single_header(headers, &AMPERITY_TENANT, ApiError::bad_request)?
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "Missing amperity-tenant header: name the tenant, for example \
                 `amperity-tenant: acme`.",
            )
        })?;
    match expected {
        Some(expected) if tenant != expected => Err(ApiError::forbidden(format!(
            "The access token is not allowed to read segments in tenant {} (this server serves \
             tenant {}).",
            quote(tenant),
            quote(expected)
        ))),
        _ => Ok(()),
    }
}

/// 400 unless at least one of the header and the parameter names the version, and every one
/// present names the supported version.
fn check_version(headers: &HeaderMap, query: &Query<'_>) -> Result<(), ApiError> {
    let header = single_header(headers, &API_VERSION_HEADER, ApiError::bad_request)?;
    let parameter = query.api_version.as_deref();
    for (value, place) in [
        (header, "api-version header"),
        (parameter, "api_version query parameter"),
    ] {
        if let Some(value) = value
            && value != API_VERSION
        {
            return Err(ApiError::bad_request(format!(
                "Unsupported API version {} in the {place}: the supported version is \
                 {API_VERSION}.",
                quote(value)
            )));
        }
    }
    if header.is_none() && parameter.is_none() {
        return Err(ApiError::bad_request(format!(
            "Missing API version: send the `api-version: {API_VERSION}` header (or the \
             `api_version={API_VERSION}` query parameter)."
        )));
    }
    Ok(())
}

/// The value of a header that may appear at most once, as text; `reject` makes the error for a
/// repeated or non-ASCII one.
fn single_header<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
    reject: fn(String) -> ApiError,
) -> Result<Option<&'h str>, ApiError> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(reject(format!(
            "The {name} header is given more than once; give it once."
        )));
    }
    value
        .to_str()
        .map(Some)
        .map_err(|_| reject(format!("The {name} header must be printable ASCII.")))
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
    match error.status {
        StatusCode::METHOD_NOT_ALLOWED => {
            headers.insert(header::ALLOW, HeaderValue::from_static("GET"));
        }
        StatusCode::UNAUTHORIZED => {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"amperity\""),
            );
        }
        _ => {}
    }
    response
}

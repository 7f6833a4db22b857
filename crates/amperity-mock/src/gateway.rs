//! The checks every route shares, in the order a gateway makes them, before any resource sees
//! the request: rate limit, token, tenant, query string, API version.
//!
//! Nothing here knows a resource: a route added to the table gets every check for free, or, by
//! declaring [`Admission::RateLimitOnly`], the rate limit alone (a route that authenticates its
//! callers itself, such as the one that hands out tokens). Authentication before validation is
//! what gateways do, and it keeps the mock from telling an unauthenticated caller anything about
//! its request.
//!
//! What differs between routes is which [`Api`] they belong to, a property of the route in the
//! table: the control plane and the Profile API each accept their own version and each have
//! their own rate limit, as Amperity documents them.

use hyper::header::{self, HeaderMap, HeaderName};

use crate::config::MockConfig;
use crate::errors::{ApiError, quote};
use crate::jwt::{Seen, Signer};
use crate::query::Query;
use crate::rate_limit::RateLimit;
use crate::time;

/// The control plane's API version (spec/openapi.yaml).
pub(crate) const API_VERSION: &str = "2024-04-01";
/// The Profile API's version (spec/profile.yaml).
pub(crate) const PROFILE_API_VERSION: &str = "2025-07-31";

const AMPERITY_TENANT: HeaderName = HeaderName::from_static("amperity-tenant");
const API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

/// One of the APIs the mock serves. Amperity versions them apart (a version of one means
/// nothing to the other) and limits their rates apart (10 requests per second on the control
/// plane, 2000 on the Profile API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// The control plane, spec/openapi.yaml.
    ControlPlane,
    /// The Profile API, spec/profile.yaml.
    Profile,
}

impl Api {
    /// The versions a request to this API may name; any other is a 400.
    pub(crate) const fn versions(self) -> &'static [&'static str] {
        match self {
            Api::ControlPlane => &[API_VERSION],
            Api::Profile => &[PROFILE_API_VERSION],
        }
    }

    /// Its slot in the gateway's rate limits.
    const fn slot(self) -> usize {
        match self {
            Api::ControlPlane => 0,
            Api::Profile => 1,
        }
    }
}

/// Which of the gateway's checks a route gets, and for which API: a property of the route, in
/// the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// All of them: the API's rate limit, token, tenant, query string, one of the API's
    /// versions.
    Api(Api),
    /// The API's rate limit alone. For a route that checks its callers by other means than a
    /// bearer token, which they cannot have yet; it still counts against the limit, as on
    /// Amperity.
    RateLimitOnly(Api),
}

/// What a request that passed the gateway carries on to its route.
#[derive(Debug)]
pub(crate) struct Admitted<'r> {
    /// The tenant the request names in `amperity-tenant`, trimmed; empty when the route's
    /// admission does not check it.
    pub(crate) tenant: &'r str,
    /// The decoded query string; empty when the route's admission does not read it.
    pub(crate) query: Query<'r>,
}

/// Which bearer tokens API requests may carry.
enum Bearer {
    /// Any, or none: no credentials configured.
    Any,
    /// The configured static token, or a token this server issued.
    StaticOrIssued(String),
    /// Only a token this server issued (client credentials configured, no static token).
    Issued,
}

/// The shared checks of one server. Lock-free: the rate limiter is one atomic word and the rest
/// is read-only.
pub(crate) struct Gateway {
    bearer: Bearer,
    signer: Signer,
    tenant: Option<String>,
    /// One limit per [`Api`], by [`Api::slot`]: a burst on one API does not slow the other.
    rate_limits: [Option<RateLimit>; 2],
}

impl Gateway {
    /// The gateway `config` describes; `signer` checks the tokens the server issues.
    pub(crate) fn new(config: &MockConfig, signer: Signer) -> Self {
        let bearer = match (&config.token, &config.client_id) {
            (Some(token), _) => Bearer::StaticOrIssued(token.clone()),
            (None, Some(_)) => Bearer::Issued,
            (None, None) => Bearer::Any,
        };
        Self {
            bearer,
            signer,
            tenant: config.tenant.clone(),
            rate_limits: [
                RateLimit::new(config.rate_limit),
                RateLimit::new(config.profile_rate_limit),
            ],
        }
    }

    /// Runs the checks `admission` asks for in their fixed order; the first that fails is the
    /// answer.
    pub(crate) fn admit<'r>(
        &self,
        admission: Admission,
        headers: &'r HeaderMap,
        query: Option<&'r str>,
    ) -> Result<Admitted<'r>, ApiError> {
        let api = match admission {
            Admission::Api(api) | Admission::RateLimitOnly(api) => api,
        };
        if let Some(limit) = &self.rate_limits[api.slot()] {
            limit.check()?;
        }
        if let Admission::RateLimitOnly(_) = admission {
            return Ok(Admitted {
                tenant: "",
                query: Query::default(),
            });
        }
        self.check_token(headers)?;
        let tenant = check_tenant(self.tenant.as_deref(), headers)?;
        let query = Query::parse(query)?;
        check_version(headers, &query, api.versions())?;
        Ok(Admitted { tenant, query })
    }

    /// 401 unless the request carries a bearer token the configuration accepts. Whatever it is,
    /// a JWT whose `exp` has passed is refused with the time it expired, and one that claims
    /// this server issued it must carry this server's signature.
    fn check_token(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let token = match bearer_token(headers) {
            Ok(token) => token,
            // Without credentials a request need not authenticate at all.
            Err(_) if matches!(self.bearer, Bearer::Any) => return Ok(()),
            Err(error) => return Err(error),
        };
        let issued = match self.signer.inspect(token, time::now_ms) {
            Seen::Expired { at_ms } => {
                return Err(ApiError::unauthorized(format!(
                    "The access token expired at {}.",
                    time::rfc3339(at_ms)
                )));
            }
            Seen::Forged => {
                return Err(ApiError::unauthorized(
                    "The access token is invalid: it names amperity-mock as its issuer but its \
                     signature does not verify (was it issued by another or a restarted mock \
                     server?).",
                ));
            }
            Seen::Issued => true,
            Seen::Opaque | Seen::Foreign => false,
        };
        let accepted = match &self.bearer {
            Bearer::Any => true,
            Bearer::StaticOrIssued(expected) => issued || token == expected,
            Bearer::Issued => issued,
        };
        if !accepted {
            return Err(ApiError::unauthorized(match self.bearer {
                Bearer::Issued => {
                    "The access token is invalid: this server accepts only the tokens it issues \
                     at POST /api/v0/oauth2/token."
                }
                _ => "The access token is invalid or has expired.",
            }));
        }
        Ok(())
    }
}

/// The token of `Authorization: Bearer <token>`, trimmed; 401 for a missing, repeated or
/// non-ASCII header or another scheme.
fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
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
    Ok(token.trim())
}

/// The tenant: 400 without one, 403 for a tenant other than the configured one.
fn check_tenant<'h>(expected: Option<&str>, headers: &'h HeaderMap) -> Result<&'h str, ApiError> {
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
            "The access token is not allowed to access tenant {} (this server serves tenant {}).",
            quote(tenant),
            quote(expected)
        ))),
        _ => Ok(tenant),
    }
}

/// 400 unless at least one of the header and the parameter names a version, and every one
/// present is one of `supported` (the route's API's versions; never empty). A version of the
/// other API is refused like any unknown one: Amperity versions its APIs apart.
fn check_version(
    headers: &HeaderMap,
    query: &Query<'_>,
    supported: &[&str],
) -> Result<(), ApiError> {
    let header = single_header(headers, &API_VERSION_HEADER, ApiError::bad_request)?;
    let parameter = query.api_version.as_deref();
    for (value, place) in [
        (header, "api-version header"),
        (parameter, "api_version query parameter"),
    ] {
        if let Some(value) = value
            && !supported.contains(&value)
        {
            let list = supported.join(", ");
            let verb = if supported.len() == 1 {
                "version is"
            } else {
                "versions are"
            };
            return Err(ApiError::bad_request(format!(
                "Unsupported API version {} in the {place}: the supported {verb} {list}.",
                quote(value)
            )));
        }
    }
    if header.is_none() && parameter.is_none() {
        let first = supported.first().copied().unwrap_or_default();
        return Err(ApiError::bad_request(format!(
            "Missing API version: send the `api-version: {first}` header (or the \
             `api_version={first}` query parameter)."
        )));
    }
    Ok(())
}

/// The value of a header that may appear at most once, as text; `reject` makes the error for a
/// repeated or non-ASCII one.
pub(crate) fn single_header<'h>(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn version(header: Option<&str>, query: &str, api: Api) -> Result<(), ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(value) = header {
            headers.insert(API_VERSION_HEADER, value.parse().unwrap());
        }
        check_version(
            &headers,
            &Query::parse(Some(query)).unwrap(),
            api.versions(),
        )
    }

    #[test]
    fn each_api_accepts_its_own_version_only() {
        for (api, own, other) in [
            (Api::ControlPlane, API_VERSION, PROFILE_API_VERSION),
            (Api::Profile, PROFILE_API_VERSION, API_VERSION),
        ] {
            assert!(version(Some(own), "", api).is_ok());
            assert!(version(None, &format!("api_version={own}"), api).is_ok());
            let refused = version(Some(other), "", api).unwrap_err();
            assert_eq!(refused.status, 400);
            // The other API's version is refused like any unknown one, naming the right one.
            let unknown = version(Some("2023-01-01"), "", api).unwrap_err();
            assert_eq!(
                refused.message.replace(other, "V"),
                unknown.message.replace("2023-01-01", "V")
            );
            assert!(
                refused
                    .message
                    .ends_with(&format!("supported version is {own}."))
            );
            let mixed = version(Some(own), &format!("api_version={other}"), api).unwrap_err();
            assert!(mixed.message.contains("api_version query parameter"));
            let missing = version(None, "", api).unwrap_err();
            assert!(missing.message.contains(&format!("api-version: {own}")));
        }
    }

    #[test]
    fn several_versions_are_listed() {
        let error = check_version(
            &HeaderMap::new(),
            &Query::parse(Some("api_version=x")).unwrap(),
            &["2024-04-01", "2025-07-31"],
        )
        .unwrap_err();
        assert!(
            error
                .message
                .ends_with("the supported versions are 2024-04-01, 2025-07-31."),
            "{}",
            error.message
        );
    }
}

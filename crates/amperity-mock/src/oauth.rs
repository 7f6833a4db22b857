//! `POST /api/v0/oauth2/token`: Amperity's OAuth 2.0 client-credentials exchange ("Get OAuth
//! credentials" in the API keys reference), so that a client's token refresh can be tested end
//! to end.
//!
//! ```text
//! POST /api/v0/oauth2/token
//! Content-Type: application/x-www-form-urlencoded
//! X-Amperity-Tenant: acme
//!
//! grant_type=client_credentials&client_id=…&client_secret=…
//! → 200 {"access_token": "<JWT>", "expires_in": 3600, "token_type": "Bearer"}
//! ```
//!
//! The route gets the gateway's rate limit only (no bearer token: this is where one comes
//! from), and its errors are RFC 6749 §5.2's `{"error", "error_description"}`, not the API's
//! `ErrorResponse`, since OAuth clients parse those. Nothing it answers or logs contains the
//! submitted secret, and the secret is compared in constant time.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, KeyInit, Mac};
use hyper::StatusCode;
use hyper::header::{self, HeaderName, HeaderValue};
use sha2::Sha256;

use crate::config::MockConfig;
use crate::errors::ApiError;
use crate::gateway::single_header;
use crate::json;
use crate::jwt::{Grant, Signer};
use crate::query;
use crate::resources::{Call, Reply};
use crate::routes::App;
use crate::time;

const X_AMPERITY_TENANT: HeaderName = HeaderName::from_static("x-amperity-tenant");
const FORM: &str = "application/x-www-form-urlencoded";
const GRANT_TYPE: &str = "client_credentials";

/// The token route of one server: the client it knows, the tokens it has issued.
pub(crate) struct TokenEndpoint {
    client: Option<Client>,
    tenant: Option<String>,
    ttl_secs: u64,
    signer: Signer,
    issued: AtomicU64,
}

/// The configured client. The secret is kept only as an HMAC under a random key: comparing the
/// MACs of the expected and the submitted secret takes the same time wherever they differ, and
/// whatever their lengths.
struct Client {
    id: String,
    key: Hmac<Sha256>,
    secret_tag: Vec<u8>,
}

impl Client {
    fn new(id: &str, secret: &str) -> Self {
        let key: [u8; 32] = rand::random();
        let key = <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
            .expect("HMAC accepts keys of any length");
        let secret_tag = key
            .clone()
            .chain_update(secret)
            .finalize()
            .into_bytes()
            .to_vec();
        Self {
            id: id.to_owned(),
            key,
            secret_tag,
        }
    }

    fn secret_is(&self, given: &str) -> bool {
        // `verify_slice` compares in constant time.
        self.key
            .clone()
            .chain_update(given)
            .verify_slice(&self.secret_tag)
            .is_ok()
    }
}

impl TokenEndpoint {
    /// The token route `config` describes; `signer` signs what it issues (and the gateway
    /// checks it with the same key).
    pub(crate) fn new(config: &MockConfig, signer: Signer) -> Self {
        let client = match (&config.client_id, &config.client_secret) {
            (Some(id), Some(secret)) => Some(Client::new(id, secret)),
            _ => None,
        };
        Self {
            client,
            tenant: config.tenant.clone(),
            ttl_secs: config.token_ttl.as_secs(),
            signer,
            issued: AtomicU64::new(0),
        }
    }

    /// How many tokens it has issued (200 answers).
    pub(crate) fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    /// The client id and tenant of a valid request, or why it is refused.
    fn check<'r>(&self, call: &'r Call<'r>) -> Result<(Cow<'r, str>, &'r str), OAuthError> {
        let content_type =
            single_header(call.headers, &header::CONTENT_TYPE, ApiError::bad_request)
                .map_err(OAuthError::from_header)?;
        let is_form = content_type
            .and_then(|value| value.split(';').next())
            .is_some_and(|media| media.trim().eq_ignore_ascii_case(FORM));
        if !is_form {
            return Err(OAuthError::invalid_request(format!(
                "The body must be a form: send Content-Type: {FORM} with \
                 grant_type={GRANT_TYPE}&client_id=...&client_secret=..."
            )));
        }
        let form = Form::parse(call.body)?;
        let missing: Vec<&str> = [
            ("grant_type", form.grant_type.is_none()),
            ("client_id", form.client_id.is_none()),
            ("client_secret", form.client_secret.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
        let (Some(grant_type), Some(client_id), Some(secret)) =
            (form.grant_type, form.client_id, form.client_secret)
        else {
            return Err(OAuthError::invalid_request(format!(
                "Missing required parameter(s): {}.",
                missing.join(", ")
            )));
        };
        if grant_type != GRANT_TYPE {
            // Not echoed: a client that mixed up its fields would get its secret back.
            return Err(OAuthError {
                status: StatusCode::BAD_REQUEST,
                error: "unsupported_grant_type",
                description: format!(
                    "Unsupported grant_type: this server issues tokens for \
                     grant_type={GRANT_TYPE} only."
                ),
            });
        }
        let tenant = single_header(call.headers, &X_AMPERITY_TENANT, ApiError::bad_request)
            .map_err(OAuthError::from_header)?
            .map(str::trim)
            .filter(|tenant| !tenant.is_empty())
            .ok_or_else(|| {
                OAuthError::invalid_request(
                    "Missing X-Amperity-Tenant header: name the tenant the token is for, for \
                     example X-Amperity-Tenant: acme.",
                )
            })?;
        let Some(client) = &self.client else {
            return Err(OAuthError::invalid_client(
                "This server issues no tokens: amperity-mock was started without \
                 --client-id/--client-secret (MockConfig::client_id and client_secret).",
            ));
        };
        // Both comparisons always run, so the time taken does not tell which one failed.
        let (id_matches, secret_matches) = (client_id == client.id, client.secret_is(&secret));
        if !id_matches {
            // The submitted id is not echoed: a client that swapped id and secret would see its
            // secret in the answer.
            return Err(OAuthError::invalid_client(
                "Unknown client_id: it is not the one this server was started with \
                 (--client-id).",
            ));
        }
        if !secret_matches {
            return Err(OAuthError::invalid_client(
                "Wrong client_secret for this client_id.",
            ));
        }
        if let Some(expected) = &self.tenant
            && tenant != expected
        {
            // The tenant is echoed to help, unless it holds the secret (a header mix-up).
            let named = if tenant.contains(secret.as_ref()) {
                "the tenant in X-Amperity-Tenant".to_owned()
            } else {
                format!("tenant '{}'", echo(tenant))
            };
            return Err(OAuthError::invalid_client(format!(
                "This client may not access {named} (this server serves tenant '{}').",
                echo(expected)
            )));
        }
        Ok((client_id, tenant))
    }
}

/// `POST /v0/oauth2/token`: checks the form, the client and the tenant, then issues a token.
pub(crate) fn token(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let endpoint = &app.oauth;
    let (client_id, tenant) = match endpoint.check(call) {
        Ok(valid) => valid,
        Err(error) => return Ok(error.reply()),
    };
    app.simulate_fault()?;
    let issued_at = u64::try_from(time::now_ms() / 1000).unwrap_or(0);
    let grant = Grant {
        client_id: &client_id,
        tenant,
        issued_at,
        expires_at: issued_at.saturating_add(endpoint.ttl_secs),
    };
    let access_token = endpoint.signer.mint(&grant);
    endpoint.issued.fetch_add(1, Ordering::Relaxed);
    // Neither the token nor the secret: a log is no place for a credential.
    tracing::info!(
        client_id = %client_id,
        tenant,
        expires_in = endpoint.ttl_secs,
        "issued an access token"
    );
    let mut body = Vec::with_capacity(access_token.len() + 80);
    body.extend_from_slice(b"{\"access_token\":");
    json::push_str(&mut body, &access_token);
    body.extend_from_slice(b",\"expires_in\":");
    json::push_u64(&mut body, endpoint.ttl_secs);
    body.extend_from_slice(b",\"token_type\":\"Bearer\"}");
    Ok(Reply {
        status: StatusCode::OK,
        body,
        headers: no_store(),
    })
}

/// The parameters of the form that matter; the others are ignored, as RFC 6749 §3.2 says.
#[derive(Default)]
struct Form<'b> {
    grant_type: Option<Cow<'b, str>>,
    client_id: Option<Cow<'b, str>>,
    client_secret: Option<Cow<'b, str>>,
}

impl<'b> Form<'b> {
    /// Decodes an `application/x-www-form-urlencoded` body. The messages never quote the body:
    /// it holds the secret.
    fn parse(body: &'b [u8]) -> Result<Self, OAuthError> {
        let malformed = || {
            OAuthError::invalid_request(format!(
                "The body is not valid {FORM}: a name or value is not UTF-8 or has a malformed \
                 %-escape."
            ))
        };
        let body = std::str::from_utf8(body).map_err(|_| malformed())?;
        let mut form = Form::default();
        for pair in body.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = query::decode(name, true).map_err(|_| malformed())?;
            let value = query::decode(value, true).map_err(|_| malformed())?;
            let (slot, name) = match name.as_ref() {
                "grant_type" => (&mut form.grant_type, "grant_type"),
                "client_id" => (&mut form.client_id, "client_id"),
                "client_secret" => (&mut form.client_secret, "client_secret"),
                _ => continue,
            };
            // RFC 6749 §3.1: a parameter without a value is as if it were omitted.
            if value.is_empty() {
                continue;
            }
            if slot.is_some() {
                return Err(OAuthError::invalid_request(format!(
                    "The {name} parameter is given more than once; give it once."
                )));
            }
            *slot = Some(value);
        }
        Ok(form)
    }
}

/// An RFC 6749 §5.2 error.
#[derive(Debug)]
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    /// Only the characters §5.2 allows (printable ASCII but `"` and `\`).
    description: String,
}

impl OAuthError {
    /// 400 `invalid_request`: the request is malformed.
    fn invalid_request(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            description: description.into(),
        }
    }

    /// 401 `invalid_client`: the client is unknown, its secret wrong, or the tenant not its.
    fn invalid_client(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: description.into(),
        }
    }

    /// `invalid_request` for a header the gateway's helper refused (repeated, not ASCII).
    fn from_header(error: ApiError) -> Self {
        Self::invalid_request(echo(&error.message))
    }

    /// The answer: the JSON body, `Cache-Control: no-store` and, on 401, `WWW-Authenticate`.
    fn reply(self) -> Reply {
        let mut body = Vec::with_capacity(64 + self.description.len());
        body.extend_from_slice(b"{\"error\":");
        json::push_str(&mut body, self.error);
        body.extend_from_slice(b",\"error_description\":");
        json::push_str(&mut body, &self.description);
        body.push(b'}');
        let mut headers = no_store();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.push((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"amperity\""),
            ));
        }
        Reply {
            status: self.status,
            body,
            headers,
        }
    }
}

/// What RFC 6749 §5.1 asks of every answer of a token endpoint: no caching.
fn no_store() -> Vec<(HeaderName, HeaderValue)> {
    vec![
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// A client-supplied value for an error description: cut short, with the characters §5.2 does
/// not allow in one (`"`, `\`, anything but printable ASCII) replaced by `?`.
fn echo(value: &str) -> String {
    const MAX_CHARS: usize = 64;
    let mut out: String = value
        .chars()
        .take(MAX_CHARS)
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '?',
        })
        .collect();
    if value.chars().nth(MAX_CHARS).is_some() {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Result<Form<'_>, OAuthError> {
        Form::parse(body.as_bytes())
    }

    #[test]
    fn forms_decode_and_ignore_unknown_or_empty_parameters() {
        let f = form("grant_type=client_credentials&client_id=a+b&client_secret=%26%3D&scope=x&x")
            .unwrap();
        assert_eq!(f.grant_type.as_deref(), Some("client_credentials"));
        assert_eq!(f.client_id.as_deref(), Some("a b"));
        assert_eq!(f.client_secret.as_deref(), Some("&="));
        let f = form("client_id=&client_id=x&scope=1&scope=2").unwrap();
        assert_eq!(f.client_id.as_deref(), Some("x"));
        assert!(f.grant_type.is_none());
    }

    #[test]
    fn bad_forms_are_refused_without_quoting_them() {
        for body in [
            "client_secret=s3cr%zz",
            "client_secret=s3cr%ff",
            "client_secret=s3cr1&client_secret=s3cr2",
        ] {
            let error = form(body).err().unwrap();
            assert_eq!(error.error, "invalid_request", "{body}");
            assert!(!error.description.contains("s3cr"), "{}", error.description);
        }
        assert!(Form::parse(b"client_id=\xff").is_err());
    }

    #[test]
    fn secrets_compare_whole() {
        let client = Client::new("id", "secret");
        assert!(client.secret_is("secret"));
        for other in ["", "secre", "secret ", "Secret", "secretsecret"] {
            assert!(!client.secret_is(other), "{other}");
        }
    }

    #[test]
    fn echoed_values_keep_to_the_allowed_characters() {
        assert_eq!(echo("acme"), "acme");
        assert_eq!(echo("a\"b\\c é\n"), "a?b?c ??");
        assert_eq!(echo(&"x".repeat(100)), format!("{}...", "x".repeat(64)));
    }
}

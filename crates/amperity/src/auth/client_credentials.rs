//! OAuth client credentials: a client id and secret exchanged at Amperity's token endpoint for
//! access tokens, which are cached and renewed shortly before they expire.
//!
//! The exchange is one form POST (Amperity's "Get OAuth credentials"; RFC 6749, section 4.4):
//!
//! ```text
//! POST /api/v0/oauth2/token   Content-Type: application/x-www-form-urlencoded
//! X-Amperity-Tenant: acme     grant_type=client_credentials&client_id=…&client_secret=…
//! → 200 {"access_token": "…", "expires_in": 3600, "token_type": "Bearer"}
//! ```
//!
//! It is written here rather than with the `oauth2` crate because that crate would send it
//! through an HTTP path of its own. Sent through `hooks::send_token_request`, the exchange gets
//! what every other request gets, from the one place that knows it: the client's timeouts, its
//! pacing budget (a token request counts against the tenant's limit too), retries after a 5xx or
//! a lost connection (minting a token twice is harmless), and the same TLS setup.
//!
//! The token endpoint is not an operation of `spec/openapi.yaml`: its URL is whatever Amperity's
//! UI shows, not necessarily under the API's base URL; it serves the control plane and the
//! Profile API alike (each with its own version); and its errors follow OAuth
//! (`{"error": …}`), not the API's error document. The spec describes it in prose.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use futures::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, HeaderValue};

use super::{Token, TokenError, TokenErrorKind, TokenProvider, jwt};
use crate::hooks::{self, Transport};

/// The header the token endpoint reads the tenant from (the API itself reads `amperity-tenant`).
const TOKEN_TENANT_HEADER: &str = "x-amperity-tenant";

/// The longest a token is renewed ahead of its expiry; a tenth of its lifetime when that is
/// shorter, so that a short-lived token is still used for most of its life.
const MAX_RENEW_AHEAD: Duration = Duration::from_secs(60);

/// What [`ClientCredentials`] needs besides a transport: set on the client builder.
#[derive(Clone)]
pub(crate) struct ClientCredentialsConfig {
    pub client_id: String,
    pub client_secret: Token,
}

impl fmt::Debug for ClientCredentialsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// A token provider that exchanges client credentials for access tokens.
pub(crate) struct ClientCredentials {
    config: ClientCredentialsConfig,
    token_url: reqwest::Url,
    tenant: HeaderValue,
    transport: Transport,
    /// The token in use and when to renew it. A plain mutex: it is held only to read or swap.
    cached: Mutex<Option<Cached>>,
    /// Held while a token request is in flight, so that many requests needing a token cause
    /// exactly one exchange: the others wait here, then find the new token cached.
    exchange: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    token: Token,
    /// When to ask for a new one; `None` when the token's lifetime is unknown (then it is used
    /// until the API refuses it).
    renew_at: Option<Instant>,
}

impl Cached {
    fn usable(&self, now: Instant) -> bool {
        self.renew_at.is_none_or(|at| now < at)
    }
}

impl ClientCredentials {
    pub(crate) fn new(
        config: ClientCredentialsConfig,
        token_url: reqwest::Url,
        tenant: HeaderValue,
        transport: Transport,
    ) -> Self {
        Self {
            config,
            token_url,
            tenant,
            transport,
            cached: Mutex::new(None),
            exchange: tokio::sync::Mutex::new(()),
        }
    }

    fn cached(&self) -> Option<Token> {
        let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|c| c.usable(Instant::now()))
            .map(|c| c.token.clone())
    }

    async fn current_or_new(&self) -> Result<Token, TokenError> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let _in_flight = self.exchange.lock().await;
        // Whoever held the lock before may have just fetched one.
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let fresh = self.exchange().await?;
        let token = fresh.token.clone();
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = Some(fresh);
        Ok(token)
    }

    async fn exchange(&self) -> Result<Cached, TokenError> {
        let url = &self.token_url;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.expose_secret()),
        ];
        let request = self
            .transport
            .http
            .post(url.clone())
            .header(TOKEN_TENANT_HEADER, self.tenant.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .form(&form)
            .build()
            .map_err(|e| self.unavailable(format!("could not build the token request: {e}")))?;
        let started = Instant::now();
        let response = hooks::send_token_request(&self.transport, request)
            .await
            .map_err(|e| {
                let message = crate::error::Error::from_transport(e).to_string();
                self.unavailable(format!(
                    "could not reach the token endpoint {url}: {message}"
                ))
            })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.unavailable(format!("the token endpoint's answer broke off: {e}")))?;
        if status.is_success() {
            return self.read_token(&body, started);
        }
        let reason = self.reason(&body);
        let what = format!("the token endpoint {url} answered HTTP {status}{reason}");
        Err(match status {
            StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                TokenError::of_kind(
                    TokenErrorKind::Refused,
                    format!(
                        "{what}: the client credentials were refused; check the client id and \
                         secret (Settings → Security → API keys → Get OAuth credentials) and the \
                         tenant"
                    ),
                )
            }
            _ => self.unavailable(what),
        })
    }

    fn read_token(&self, body: &[u8], started: Instant) -> Result<Cached, TokenError> {
        // No `Debug`: the struct holds the token.
        #[derive(serde::Deserialize)]
        struct Granted {
            access_token: String,
            expires_in: Option<serde_json::Number>,
            token_type: Option<String>,
        }
        let granted: Granted = serde_json::from_slice(body).map_err(|e| {
            // serde's message names a field or a position, never the value.
            self.unavailable(format!(
                "the token endpoint's answer is not a token response: {e}"
            ))
        })?;
        if let Some(kind) = granted
            .token_type
            .as_deref()
            .filter(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err(self.unavailable(format!(
                "the token endpoint issued a {kind:?} token; only Bearer tokens are supported"
            )));
        }
        if granted.access_token.trim().is_empty() {
            return Err(self.unavailable("the token endpoint issued an empty access token".into()));
        }
        let lifetime = granted
            .expires_in
            .as_ref()
            .and_then(serde_json::Number::as_f64)
            .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e9)
            .map(Duration::from_secs_f64)
            .or_else(|| {
                let exp = jwt::expiry(&granted.access_token)?;
                exp.duration_since(SystemTime::now()).ok()
            });
        let expires_at = lifetime.map(|l| SystemTime::now() + l);
        // Counted from when the request was sent: the server started the clock no later.
        let renew_at = lifetime.map(|l| started + l - (l / 10).min(MAX_RENEW_AHEAD));
        tracing::info!(
            expires_in_secs = lifetime.map(|l| l.as_secs()),
            "obtained an access token with client credentials"
        );
        Ok(Cached {
            token: Token::with_expiry(granted.access_token, expires_at),
            renew_at,
        })
    }

    /// `: invalid_client: the secret is wrong`, from an OAuth (`error`, `error_description`)
    /// or Amperity (`message`) error body; the secret is masked should a server echo it.
    fn reason(&self, body: &[u8]) -> String {
        #[derive(serde::Deserialize)]
        struct OAuthError {
            error: Option<String>,
            error_description: Option<String>,
            message: Option<String>,
        }
        let Ok(parsed) = serde_json::from_slice::<OAuthError>(body) else {
            return String::new();
        };
        let parts: Vec<String> = [parsed.error, parsed.error_description, parsed.message]
            .into_iter()
            .flatten()
            .filter(|p| !p.trim().is_empty())
            .collect();
        if parts.is_empty() {
            return String::new();
        }
        let text = format!(": {}", parts.join(": "));
        let secret = self.config.client_secret.expose_secret();
        if secret.is_empty() {
            text
        } else {
            text.replace(secret, "<redacted>")
        }
    }

    fn unavailable(&self, message: String) -> TokenError {
        TokenError::of_kind(TokenErrorKind::Unavailable, message)
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.config.client_id)
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        Box::pin(self.current_or_new())
    }

    fn invalidate(&self, token: &Token) {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        // Only the token that was refused: another request may already have renewed it.
        if cached.as_ref().is_some_and(|c| &c.token == token) {
            *cached = None;
        }
    }
}

//! Access tokens: where they come from, when they expire, and how they stay out of logs.
//!
//! - [`StaticToken`]: one token, given by the user (`AMPERITY_TOKEN`). It is a JWT, so its expiry
//!   is known before sending: an expired one fails with that date instead of a bare 401.
//! - `ClientCredentials` (built by `ClientBuilder::client_credentials`): OAuth client credentials
//!   exchanged at Amperity's token endpoint, cached and refreshed before they expire.
//! - Any [`TokenProvider`] of the application's own.

mod client_credentials;
mod jwt;
mod static_token;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use futures::future::BoxFuture;

pub(crate) use client_credentials::{ClientCredentials, ClientCredentialsConfig};
pub use static_token::StaticToken;

/// An access token. Its `Debug` and `Display` never show the secret.
#[derive(Clone)]
pub struct Token {
    secret: Arc<str>,
    expires_at: Option<SystemTime>,
}

impl Token {
    /// Wraps a bearer token whose expiry is unknown.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: Arc::from(secret.into()),
            expires_at: None,
        }
    }

    /// Wraps a bearer token that expires at `expires_at`.
    pub fn with_expiry(secret: impl Into<String>, expires_at: Option<SystemTime>) -> Self {
        Self {
            secret: Arc::from(secret.into()),
            expires_at,
        }
    }

    /// The secret itself. Call it only to put the token on the wire.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// When the token stops being accepted, if known (from the token endpoint's `expires_in` or
    /// the JWT's `exp` claim).
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

/// Two tokens are equal when their secrets are: the expiry is what we know about it, not part
/// of it.
impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.secret == other.secret
    }
}

impl Eq for Token {}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why a [`TokenProvider`] could not hand out a token. Its message never contains a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct TokenError {
    kind: TokenErrorKind,
    message: String,
}

/// What kind of failure a [`TokenError`] is, for deciding what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenErrorKind {
    /// The credentials were refused (the token endpoint answered 400 or 401): asking again
    /// will not help; the credentials need fixing.
    Refused,
    /// The token has expired and cannot be renewed here: a new one is needed.
    Expired,
    /// The token endpoint could not be reached or failed (5xx, timeout), after retries.
    Unavailable,
    /// Anything else, such as a failure of an application's own provider.
    Other,
}

impl TokenError {
    /// A failure of kind [`TokenErrorKind::Other`]: for an application's own provider.
    pub fn new(message: impl Into<String>) -> Self {
        Self::of_kind(TokenErrorKind::Other, message)
    }

    /// A failure of the given kind.
    pub fn of_kind(kind: TokenErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TokenErrorKind {
        self.kind
    }

    /// The message, as `Display` shows it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Supplies the bearer token for each request.
///
/// Amperity access tokens expire. A provider that can mint or fetch a fresh one implements
/// [`invalidate`](TokenProvider::invalidate): the client calls it after a `401` and retries the
/// request once with whatever [`token`](TokenProvider::token) returns next.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>>;

    /// Tells the provider that the server rejected `token`; the next call to
    /// [`token`](TokenProvider::token) should return a different one if it can.
    fn invalidate(&self, token: &Token) {
        let _ = token;
    }
}

/// A point in time as RFC 3339 in UTC, to the second, for messages.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_formatting_never_shows_the_secret() {
        let token = Token::new("s3cr3t-value");
        assert!(!format!("{token:?}").contains("s3cr3t"));
        assert!(!format!("{token}").contains("s3cr3t"));
        assert!(!format!("{:?}", StaticToken::new("s3cr3t-value")).contains("s3cr3t"));
        assert_eq!(token.expose_secret(), "s3cr3t-value");
    }

    #[test]
    fn tokens_are_equal_by_their_secret() {
        let at = SystemTime::UNIX_EPOCH;
        assert_eq!(Token::new("a"), Token::with_expiry("a", Some(at)));
        assert_ne!(Token::new("a"), Token::new("b"));
    }
}

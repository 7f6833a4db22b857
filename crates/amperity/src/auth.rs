//! Access tokens: where they come from, and how they stay out of logs.

use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;

/// An access token. Its `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Arc<str>);

impl Token {
    /// Wraps a bearer token (the JWT from Amperity's API key settings).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Arc::from(secret.into()))
    }

    /// The secret itself. Call it only to put the token on the wire.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

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

/// Why a [`TokenProvider`] could not hand out a token. Its message must not contain the token.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct TokenError(pub String);

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

/// A provider that always hands out the same token.
#[derive(Debug, Clone)]
pub struct StaticToken(Token);

impl StaticToken {
    /// A provider for one fixed token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Token::new(token))
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
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
}

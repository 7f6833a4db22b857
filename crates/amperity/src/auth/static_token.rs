//! One fixed token, as a user pastes it from Amperity (`AMPERITY_TOKEN`).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

use super::{Token, TokenError, TokenErrorKind, TokenProvider, jwt, rfc3339};

/// How long before its expiry a static token is warned about: long enough for a scheduled job
/// to be noticed before it starts failing.
const WARN_BEFORE_EXPIRY: Duration = Duration::from_secs(15 * 60);

/// A provider that always hands out the same token.
///
/// An Amperity access token is a JWT. Its `exp` claim is read (not verified) up front: once it
/// has passed, requests fail before they are sent, with the date, rather than with a bare 401;
/// shortly before, a warning is logged once.
#[derive(Clone)]
pub struct StaticToken {
    token: Token,
    warned: Arc<AtomicBool>,
}

impl StaticToken {
    /// A provider for one fixed token.
    pub fn new(token: impl Into<String>) -> Self {
        let token: String = token.into();
        let expires_at = jwt::expiry(&token);
        Self {
            token: Token::with_expiry(token, expires_at),
            warned: Arc::new(AtomicBool::new(false)),
        }
    }

    /// When the token expires, if it is a JWT with an `exp` claim.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.token.expires_at()
    }

    fn check(&self, now: SystemTime) -> Result<Token, TokenError> {
        let Some(expires_at) = self.token.expires_at() else {
            return Ok(self.token.clone());
        };
        match expires_at.duration_since(now) {
            Err(past) => Err(TokenError::of_kind(
                TokenErrorKind::Expired,
                format!(
                    "the access token expired at {} ({} ago); get a new one from Amperity, or \
                     use OAuth client credentials, which renew themselves",
                    rfc3339(expires_at),
                    rough_duration(past.duration())
                ),
            )),
            Ok(left) => {
                if left < WARN_BEFORE_EXPIRY && !self.warned.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        expires_at = %rfc3339(expires_at),
                        "the access token expires in {}; requests will fail after that",
                        rough_duration(left)
                    );
                }
                Ok(self.token.clone())
            }
        }
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("token", &self.token)
            .field("expires_at", &self.token.expires_at().map(rfc3339))
            .finish()
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let outcome = self.check(SystemTime::now());
        Box::pin(async move { outcome })
    }
}

/// `3h 5m`, `12m 3s`, `40s`: for messages, not for parsing.
pub(crate) fn rough_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60),
        3600..86_400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_expiring_at(exp: u64) -> StaticToken {
        StaticToken::new(jwt::encode(&serde_json::json!({ "exp": exp })))
    }

    #[test]
    fn an_expired_jwt_fails_with_its_date_and_no_secret() {
        let token = token_expiring_at(1_700_000_000);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_003_700);
        let error = token.check(now).unwrap_err();
        assert_eq!(error.kind(), TokenErrorKind::Expired);
        let message = error.to_string();
        assert!(
            message.starts_with("the access token expired at 2023-11-14T22:13:20Z (1h 1m ago)"),
            "{message}"
        );
        assert!(!message.contains(token.token.expose_secret()));
    }

    #[test]
    fn a_valid_or_opaque_token_is_handed_out() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(token_expiring_at(1_700_000_000 + 3600).check(now).is_ok());
        // About to expire: still handed out (and warned about once).
        assert!(token_expiring_at(1_700_000_000 + 60).check(now).is_ok());
        assert!(StaticToken::new("opaque").check(now).is_ok());
    }
}

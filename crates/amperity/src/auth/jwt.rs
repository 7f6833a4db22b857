//! Reading the expiry of a JWT access token.
//!
//! The claim is read without verifying the signature: the server verifies tokens, and the client
//! only wants to say "this token expired at …" before sending it, instead of a bare 401. A token
//! that is not a JWT, or whose payload does not parse, simply has no known expiry. A JWT library
//! would bring key handling that nothing here needs; splitting on `.` and decoding base64url is
//! the whole job.

use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Later than any real `exp` (year 5138); beyond it a claim is nonsense, and adding it to the
/// epoch could overflow.
const LATEST_PLAUSIBLE_EXP: f64 = 1e11;

/// The `exp` claim of `token`, if it is a JWT that has one.
pub(crate) fn expiry(token: &str) -> Option<SystemTime> {
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let payload = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    #[derive(serde::Deserialize)]
    struct Claims {
        exp: Option<serde_json::Number>,
    }
    let exp = serde_json::from_slice::<Claims>(&payload)
        .ok()?
        .exp?
        .as_f64()?;
    if !(0.0..LATEST_PLAUSIBLE_EXP).contains(&exp) {
        return None;
    }
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs_f64(exp))
}

#[cfg(test)]
pub(crate) fn encode(claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exp_from_a_jwt() {
        let token = encode(&serde_json::json!({"sub": "x", "exp": 1_800_000_000}));
        assert_eq!(
            expiry(&token),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000))
        );
    }

    #[test]
    fn anything_else_has_no_known_expiry() {
        for token in [
            "N88Du6L1xsmA5DRZrtxSGYmbHP".to_owned(),
            "a.b.c".to_owned(),
            "a.b".to_owned(),
            "....".to_owned(),
            encode(&serde_json::json!({"sub": "no exp"})),
            encode(&serde_json::json!({"exp": "tomorrow"})),
            encode(&serde_json::json!({"exp": -1})),
            encode(&serde_json::json!({"exp": 1e300})),
        ] {
            assert_eq!(expiry(&token), None, "{token}");
        }
    }
}

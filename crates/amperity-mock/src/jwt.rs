//! The access tokens the token route issues, and what the gateway reads of a bearer token.
//!
//! An issued token is a JWT (RFC 7519) signed with HS256 under a key drawn when the server
//! starts: only this server can make one, and a restarted server (or another mock) refuses the
//! old ones, as a real tenant refuses a token of another deployment. Reading a token needs no
//! key for `exp`, which is why any JWT's expiry can be reported, whoever signed it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::base64url;
use crate::json;

/// The `iss` of every token this server issues; a token claiming it must carry its signature.
pub(crate) const ISSUER: &str = "amperity-mock";

/// `{"alg":"HS256","typ":"JWT"}` in base64url: the same for every token.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// What an issued token says: who it was issued to, for which tenant, and when it lapses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Grant<'a> {
    /// The client id (`sub`).
    pub(crate) client_id: &'a str,
    /// The tenant the client asked for (`tenant`).
    pub(crate) tenant: &'a str,
    /// Seconds since the epoch when it was issued (`iat`).
    pub(crate) issued_at: u64,
    /// Seconds since the epoch from which it is refused (`exp`).
    pub(crate) expires_at: u64,
}

/// What the gateway learns from a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seen {
    /// Not a JWT (three base64url parts, the second a JSON object): an opaque token.
    Opaque,
    /// A JWT whose `exp` has passed: it lapsed at this many milliseconds since the epoch.
    Expired {
        /// When it lapsed.
        at_ms: i64,
    },
    /// A JWT that claims this server issued it but does not carry this server's signature.
    Forged,
    /// A JWT this server issued, not yet expired.
    Issued,
    /// Someone else's JWT, not (yet) expired.
    Foreign,
}

/// Signs and checks the tokens of one server.
#[derive(Clone)]
pub(crate) struct Signer {
    // Keyed once; cloning the keyed state per token skips re-hashing the key.
    mac: Hmac<Sha256>,
}

impl Signer {
    /// A signer with a fresh random key.
    pub(crate) fn new() -> Self {
        let key: [u8; 32] = rand::random();
        Self {
            mac: <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
                .expect("HMAC accepts keys of any length"),
        }
    }

    /// A signed token for `grant`, with a random `jti` so that no two tokens are alike (two
    /// issued in the same second to the same client would otherwise be).
    pub(crate) fn mint(&self, grant: &Grant<'_>) -> String {
        let mut payload = Vec::with_capacity(160 + grant.client_id.len() + grant.tenant.len());
        payload.extend_from_slice(b"{\"iss\":");
        json::push_str(&mut payload, ISSUER);
        payload.extend_from_slice(b",\"sub\":");
        json::push_str(&mut payload, grant.client_id);
        payload.extend_from_slice(b",\"tenant\":");
        json::push_str(&mut payload, grant.tenant);
        payload.extend_from_slice(b",\"iat\":");
        json::push_u64(&mut payload, grant.issued_at);
        payload.extend_from_slice(b",\"exp\":");
        json::push_u64(&mut payload, grant.expires_at);
        payload.extend_from_slice(b",\"jti\":\"");
        payload.extend_from_slice(format!("{:032x}", rand::random::<u128>()).as_bytes());
        payload.extend_from_slice(b"\"}");
        let signed = format!("{HEADER}.{}", base64url::encode(&payload));
        let signature = self
            .mac
            .clone()
            .chain_update(signed.as_bytes())
            .finalize()
            .into_bytes();
        format!("{signed}.{}", base64url::encode(&signature))
    }

    /// What `token` is, at the time `now_ms` gives (milliseconds since the epoch; read only for
    /// a JWT). Expiry comes first, whoever signed the token: a client that sends a stale token
    /// should hear that it is stale.
    pub(crate) fn inspect(&self, token: &str, now_ms: impl FnOnce() -> i64) -> Seen {
        // Most bearer tokens of the static mode have no dots: no decoding for them.
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Seen::Opaque;
        };
        let (Some(_), Some(payload_bytes), Some(signature)) = (
            base64url::decode(header),
            base64url::decode(payload),
            base64url::decode(signature),
        ) else {
            return Seen::Opaque;
        };
        let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice(&payload_bytes) else {
            return Seen::Opaque;
        };
        // NumericDate may have a fraction (RFC 7519 §2); f64 holds every plausible one.
        if let Some(exp) = claims.get("exp").and_then(serde_json::Value::as_f64) {
            let exp_ms = exp * 1000.0;
            if exp_ms <= now_ms() as f64 {
                // Before 1970 is nonsense; the clamp keeps the calendar arithmetic in range.
                return Seen::Expired {
                    at_ms: exp_ms.max(0.0) as i64,
                };
            }
        }
        if claims.get("iss").and_then(serde_json::Value::as_str) != Some(ISSUER) {
            return Seen::Foreign;
        }
        let signed = &token[..header.len() + 1 + payload.len()];
        // `verify_slice` compares in constant time.
        match self
            .mac
            .clone()
            .chain_update(signed.as_bytes())
            .verify_slice(&signature)
        {
            Ok(()) => Seen::Issued,
            Err(_) => Seen::Forged,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_MS: i64 = 1_800_000_000_000;

    fn grant(expires_at: u64) -> Grant<'static> {
        Grant {
            client_id: "client \"one\"",
            tenant: "acme",
            issued_at: 1_800_000_000,
            expires_at,
        }
    }

    fn claims(token: &str) -> serde_json::Value {
        let payload = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64url::decode(payload).unwrap()).unwrap()
    }

    #[test]
    fn issued_tokens_carry_their_claims_and_verify() {
        let signer = Signer::new();
        let token = signer.mint(&grant(1_800_003_600));
        assert!(token.starts_with(HEADER));
        let claims = claims(&token);
        assert_eq!(claims["iss"], ISSUER);
        assert_eq!(claims["sub"], "client \"one\"");
        assert_eq!(claims["tenant"], "acme");
        assert_eq!(claims["iat"], 1_800_000_000u64);
        assert_eq!(claims["exp"], 1_800_003_600u64);
        assert_eq!(claims["jti"].as_str().unwrap().len(), 32);
        assert_eq!(signer.inspect(&token, || NOW_MS), Seen::Issued);
        assert_ne!(token, signer.mint(&grant(1_800_003_600)), "jti differs");
    }

    #[test]
    fn expiry_comes_first_and_is_exclusive() {
        let signer = Signer::new();
        let token = signer.mint(&grant(1_800_000_000));
        let expired = Seen::Expired { at_ms: NOW_MS };
        assert_eq!(signer.inspect(&token, || NOW_MS), expired);
        assert_eq!(signer.inspect(&token, || NOW_MS - 1), Seen::Issued);
        // Another server's token is still reported as expired.
        assert_eq!(Signer::new().inspect(&token, || NOW_MS), expired);
    }

    #[test]
    fn foreign_forged_and_opaque_tokens_are_told_apart() {
        let signer = Signer::new();
        let token = signer.mint(&grant(1_800_003_600));
        assert_eq!(Signer::new().inspect(&token, || NOW_MS), Seen::Forged);
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let mut altered = signature.to_owned();
        altered.replace_range(..1, if signature.starts_with('A') { "B" } else { "A" });
        assert_eq!(
            signer.inspect(&format!("{signed}.{altered}"), || NOW_MS),
            Seen::Forged
        );
        assert_eq!(
            signer.inspect(&format!("{signed}."), || NOW_MS),
            Seen::Forged
        );
        let foreign = format!(
            "{HEADER}.{}.c2ln",
            base64url::encode(br#"{"iss":"someone","exp":1900000000}"#)
        );
        assert_eq!(signer.inspect(&foreign, || NOW_MS), Seen::Foreign);
        let stale = format!(
            "{HEADER}.{}.c2ln",
            base64url::encode(br#"{"iss":"someone","exp":-5.5}"#)
        );
        assert_eq!(
            signer.inspect(&stale, || NOW_MS),
            Seen::Expired { at_ms: 0 }
        );
        for opaque in [
            "test-token",
            "a.b",
            "a.b.c.d",
            &format!("{signed}.!!"),
            &format!("{HEADER}.{}.c2ln", base64url::encode(b"[1]")),
            &format!("{HEADER}.{}.c2ln", base64url::encode(b"not json")),
        ] {
            assert_eq!(signer.inspect(opaque, || NOW_MS), Seen::Opaque, "{opaque}");
        }
    }
}

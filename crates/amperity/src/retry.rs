//! When to try a request again, and how long to wait first.
//!
//! Amperity asks clients to back off exponentially with randomness on 429 and 5xx. The defaults
//! follow the SDKs users know (Stainless: 2 retries, 0.5 s doubling to 8 s, `Retry-After`
//! honoured).

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::generated::IDEMPOTENT_OPERATIONS;

/// How a client retries failed requests.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; `0` turns retrying off.
    pub max_retries: u32,
    /// The wait before the first retry, doubled for each further retry.
    pub initial_backoff: Duration,
    /// The longest computed wait between attempts.
    pub max_backoff: Duration,
    /// The longest wait a server's `Retry-After` header can impose.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (0 for the first retry): exponential, capped, and
    /// randomised to between half and all of the computed value so that many clients that failed
    /// together do not retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let doubled = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(31)));
        let capped = doubled.min(self.max_backoff);
        capped.mul_f64(0.5 + fastrand::f64() * 0.5)
    }

    /// The wait before the next attempt after a retryable response: the server's `Retry-After`
    /// when it gave one (capped), else [`backoff`](Self::backoff).
    pub fn delay_after(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        headers
            .and_then(retry_after)
            .map(|wait| wait.min(self.max_retry_after))
            .unwrap_or_else(|| self.backoff(retry))
    }
}

/// Whether a request may be sent again after a failure that a retry could cure.
///
/// Sending an idempotent request twice has the effect of sending it once: GET, and the POSTs the
/// spec marks `x-idempotent` (stopping a workflow run). Any other request (starting a workflow
/// run) goes again only when the server certainly did not act on it: the connection failed
/// before the request was sent, or the server answered 429, which refuses the request. After a
/// 5xx, a 408, a timeout or a connection cut while the request was out, the server may have
/// acted, and a second run would be a second run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Safe to send again after any transient failure.
    Idempotent,
    /// Sent again only when the server certainly did not act on it.
    OnlyIfNotActedOn,
}

impl Replay {
    /// How a request of `method` for the operation `operation_id` may be repeated.
    pub(crate) fn of(method: &Method, operation_id: &str) -> Self {
        let marked = [
            IDEMPOTENT_OPERATIONS,
            crate::generated_profile::IDEMPOTENT_OPERATIONS,
        ];
        if method.is_idempotent() || marked.iter().any(|ops| ops.contains(&operation_id)) {
            Replay::Idempotent
        } else {
            Replay::OnlyIfNotActedOn
        }
    }

    /// Whether a retryable status leaves the request safe to send again.
    pub(crate) fn after_status(self, status: StatusCode) -> bool {
        self == Replay::Idempotent || status == StatusCode::TOO_MANY_REQUESTS
    }

    /// Whether a transport error leaves the request safe to send again: for a request that is
    /// not idempotent, only a failure to connect, which happens before anything is sent.
    pub(crate) fn after_transport_error(self, error: &reqwest::Error) -> bool {
        self == Replay::Idempotent || error.is_connect()
    }
}

/// Statuses that a later attempt may not see: timeouts, rate limiting and transient server
/// failures. 400, 401, 403 and 404 will not change by asking again.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Parses `Retry-After`, given either as delay-seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn backoff_doubles_within_jitter_and_stops_at_the_cap() {
        let policy = RetryPolicy::default();
        for _ in 0..100 {
            let first = policy.backoff(0);
            assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(500));
            let third = policy.backoff(2);
            assert!(third >= Duration::from_secs(1) && third <= Duration::from_secs(2));
            let late = policy.backoff(30);
            assert!(late >= Duration::from_secs(4) && late <= Duration::from_secs(8));
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        assert_eq!(retry_after(&headers("3")), Some(Duration::from_secs(3)));
        let in_ten = SystemTime::now() + Duration::from_secs(10);
        let parsed = retry_after(&headers(&httpdate::fmt_http_date(in_ten))).unwrap();
        assert!(parsed > Duration::from_secs(8) && parsed <= Duration::from_secs(10));
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(100));
        assert_eq!(retry_after(&headers(&past)), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("soon")), None);
    }

    #[test]
    fn retry_after_is_capped() {
        let policy = RetryPolicy::default();
        let wait = policy.delay_after(0, Some(&headers("3600")));
        assert_eq!(wait, Duration::from_secs(60));
    }

    #[test]
    fn a_post_is_repeated_only_where_the_server_certainly_did_not_act() {
        assert_eq!(
            Replay::of(&Method::GET, "list_segments"),
            Replay::Idempotent
        );
        let start = Replay::of(&Method::POST, "start_workflow_run");
        assert_eq!(start, Replay::OnlyIfNotActedOn);
        assert!(start.after_status(StatusCode::TOO_MANY_REQUESTS));
        for code in [408, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(code).unwrap();
            assert!(!start.after_status(status), "{code}");
            assert!(Replay::Idempotent.after_status(status), "{code}");
        }
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(code).unwrap()));
        }
        for code in [200, 400, 401, 403, 404, 418, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(code).unwrap()));
        }
    }
}

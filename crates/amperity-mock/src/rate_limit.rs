//! The documented limit of requests per second, answered with 429 and `Retry-After`.

use std::num::NonZeroU32;

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota};

use crate::errors::ApiError;

/// A server-wide limit. The mock serves one tenant at a time, so a single bucket stands in for
/// Amperity's per-tenant one (and keeps client-chosen tenant names from growing a map).
#[derive(Debug)]
pub(crate) struct RateLimit {
    // Governor's GCRA state is one atomic word: no lock on the hot path.
    limiter: DefaultDirectRateLimiter,
    per_second: u32,
}

impl RateLimit {
    /// A limit of `per_second` requests each second, with bursts of that size; `None` for 0 (off).
    pub(crate) fn new(per_second: u32) -> Option<Self> {
        let quota = Quota::per_second(NonZeroU32::new(per_second)?);
        Some(Self {
            limiter: DefaultDirectRateLimiter::direct(quota),
            per_second,
        })
    }

    /// Counts one request; too many in the last second is a 429 with the wait in whole seconds.
    pub(crate) fn check(&self) -> Result<(), ApiError> {
        self.limiter.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(self.limiter.clock().now());
            // Retry-After only has whole seconds; rounding down would invite an early retry.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ApiError::too_many_requests(
                format!(
                    "Rate limit exceeded: at most {} requests per second. Retry after {} second(s).",
                    self.per_second,
                    seconds.max(1)
                ),
                seconds,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_turns_the_limit_off() {
        assert!(RateLimit::new(0).is_none());
    }

    #[test]
    fn a_burst_beyond_the_limit_is_refused_with_a_wait() {
        let limit = RateLimit::new(3).unwrap();
        let outcomes: Vec<_> = (0..10).map(|_| limit.check()).collect();
        assert!(outcomes[..3].iter().all(Result::is_ok));
        let refused = outcomes.iter().find_map(|o| o.clone().err()).unwrap();
        assert_eq!(refused.status, 429);
        assert_eq!(refused.retry_after, Some(1));
    }
}

//! Client-side pacing, so a client stays under Amperity's documented 10 requests per second.
//!
//! A limiter that allows a burst of N and then N per second lets 2N−1 requests through in the
//! first second, which is exactly what trips a server's limiter. So requests are spaced evenly,
//! with no burst, and slightly wider than 1/N s: the margin absorbs scheduling delays, so that no
//! one-second window, as the server measures it, ever sees more than N requests.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// Extra spacing added to `1 s / rate`, as a fraction.
const SAFETY_MARGIN: f64 = 0.05;

/// A shared, evenly spaced request pacer. Clones share one budget.
#[derive(Clone)]
pub struct Pacer {
    limiter: Option<Arc<DefaultDirectRateLimiter>>,
    requests_per_second: u32,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("requests_per_second", &self.requests_per_second)
            .finish()
    }
}

impl Pacer {
    /// A pacer for at most `requests_per_second` requests in any one-second window; `0` turns
    /// pacing off (for a local server).
    pub fn new(requests_per_second: u32) -> Self {
        let limiter = NonZeroU32::new(requests_per_second).map(|rate| {
            let period = Duration::from_secs(1).mul_f64((1.0 + SAFETY_MARGIN) / rate.get() as f64);
            let quota = Quota::with_period(period)
                .expect("a positive period")
                .allow_burst(NonZeroU32::MIN);
            Arc::new(RateLimiter::direct(quota))
        });
        Self {
            limiter,
            requests_per_second,
        }
    }

    /// The configured rate; `0` when pacing is off.
    pub fn requests_per_second(&self) -> u32 {
        self.requests_per_second
    }

    /// Waits until one more request may go out.
    pub async fn ready(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.until_ready().await;
        }
    }
}

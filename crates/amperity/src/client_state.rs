//! The state the SDK keeps inside the generated client: tenant, token, retry policy, pacing and
//! timeouts. The generated `Client` carries it as its `inner` value, and the request hooks read it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth::TokenProvider;
use crate::pacing::Pacer;
use crate::retry::RetryPolicy;

/// The SDK's per-client state. Build it through [`ClientBuilder`](crate::ClientBuilder);
/// clones of a client share it (and so share one pacing budget).
#[derive(Clone)]
pub struct ClientState {
    shared: Arc<Shared>,
}

struct Shared {
    tenant: HeaderValue,
    tokens: Arc<dyn TokenProvider>,
    retry: RetryPolicy,
    pacer: Pacer,
    attempt_timeout: Duration,
    overall_timeout: Duration,
    deprecation_warned: AtomicBool,
}

impl std::fmt::Debug for ClientState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No token here, ever: the provider is not printed.
        f.debug_struct("ClientState")
            .field("tenant", &self.shared.tenant)
            .field("retry", &self.shared.retry)
            .field("pacer", &self.shared.pacer)
            .field("attempt_timeout", &self.shared.attempt_timeout)
            .field("overall_timeout", &self.shared.overall_timeout)
            .finish_non_exhaustive()
    }
}

/// What [`ClientState::new`] needs; assembled by the client builder.
pub(crate) struct ClientStateParts {
    pub tenant: HeaderValue,
    pub tokens: Arc<dyn TokenProvider>,
    pub retry: RetryPolicy,
    pub pacer: Pacer,
    pub attempt_timeout: Duration,
    pub overall_timeout: Duration,
}

impl ClientState {
    pub(crate) fn new(parts: ClientStateParts) -> Self {
        Self {
            shared: Arc::new(Shared {
                tenant: parts.tenant,
                tokens: parts.tokens,
                retry: parts.retry,
                pacer: parts.pacer,
                attempt_timeout: parts.attempt_timeout,
                overall_timeout: parts.overall_timeout,
                deprecation_warned: AtomicBool::new(false),
            }),
        }
    }

    /// The value of the `amperity-tenant` header.
    pub fn tenant(&self) -> &str {
        self.shared.tenant.to_str().unwrap_or_default()
    }

    pub(crate) fn tenant_header(&self) -> &HeaderValue {
        &self.shared.tenant
    }

    pub(crate) fn tokens(&self) -> &dyn TokenProvider {
        &*self.shared.tokens
    }

    /// How failed requests are retried.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// The pacing limit in requests per second; `0` when pacing is off.
    pub fn requests_per_second(&self) -> u32 {
        self.shared.pacer.requests_per_second()
    }

    pub(crate) fn pacer(&self) -> &Pacer {
        &self.shared.pacer
    }

    /// The limit on one attempt.
    pub fn attempt_timeout(&self) -> Duration {
        self.shared.attempt_timeout
    }

    /// The limit on a whole call, retries included.
    pub fn overall_timeout(&self) -> Duration {
        self.shared.overall_timeout
    }

    /// True the first time it is called for this client (and its clones), false after.
    pub(crate) fn first_deprecation_notice(&self) -> bool {
        !self.shared.deprecation_warned.swap(true, Ordering::Relaxed)
    }
}

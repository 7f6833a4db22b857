//! What a mock server serves and how it misbehaves.

use std::io;
use std::time::Duration;

use crate::data;

/// Settings of one mock server: its data set, its credentials and its simulated faults.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// How many segments the tenant has (the first two are the seed document's).
    pub segments: u64,
    /// How many audit events the tenant's log holds, spread over the year before 2026-11-01.
    pub audit_events: u64,
    /// How many campaigns the tenant has.
    pub campaigns: u64,
    /// How many ingest jobs ran in the year before 2026-11-01.
    pub ingest_jobs: u64,
    /// How many workflow runs the year before 2026-11-01 holds, besides the ones started
    /// through the API.
    pub workflow_runs: u64,
    /// How long a run started through the API stays in each step of its life (scheduled,
    /// started, three steps running, then succeeded; canceling after a stop). Zero finishes a
    /// run as soon as it is started.
    pub run_step: Duration,
    /// Seed of the generated data: the same seed always serves the same records.
    pub seed: u64,
    /// Bearer token every request must carry; `None` accepts any (or no) `Authorization`.
    pub token: Option<String>,
    /// Tenant every request must name in `amperity-tenant`; `None` accepts any non-empty one.
    pub tenant: Option<String>,
    /// Requests per second before answering 429; `0` turns rate limiting off.
    pub rate_limit: u32,
    /// Share (0.0 to 1.0) of otherwise valid requests answered with 500, 503 or 429.
    pub fail_rate: f64,
    /// Delay added to every answer.
    pub latency: Duration,
}

impl Default for MockConfig {
    /// 300 segments, 1000 audit events, 60 campaigns, 520 ingest jobs (ten a week), 300
    /// workflow runs, from seed 1; runs that take a step every 2 seconds; no credentials
    /// required, Amperity's 10 requests per second, no faults and no added latency.
    fn default() -> Self {
        Self {
            segments: 300,
            audit_events: 1000,
            campaigns: 60,
            ingest_jobs: 520,
            workflow_runs: 300,
            run_step: Duration::from_secs(2),
            seed: 1,
            token: None,
            tenant: None,
            rate_limit: 10,
            fail_rate: 0.0,
            latency: Duration::ZERO,
        }
    }
}

impl MockConfig {
    /// Checks the settings a server cannot honour, so that a bad one fails at start-up instead of
    /// surfacing as odd answers later.
    pub fn validate(&self) -> io::Result<()> {
        let invalid = |message: String| Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        if !(0.0..=1.0).contains(&self.fail_rate) {
            return invalid(format!(
                "fail_rate must be between 0.0 and 1.0, got {}",
                self.fail_rate
            ));
        }
        if self.segments > data::MAX_SEGMENTS {
            return invalid(format!(
                "segments must be at most {}, got {} (ids would no longer be unique)",
                data::MAX_SEGMENTS,
                self.segments
            ));
        }
        for (name, value) in [
            ("audit_events", self.audit_events),
            ("campaigns", self.campaigns),
            ("ingest_jobs", self.ingest_jobs),
            ("workflow_runs", self.workflow_runs),
        ] {
            if value > crate::resources::MAX_RECORDS {
                return invalid(format!(
                    "{name} must be at most {}, got {value}",
                    crate::resources::MAX_RECORDS
                ));
            }
        }
        // An empty value could never be matched by a request (an empty header is rejected with
        // 400), so it is almost certainly a mistake such as an unset shell variable.
        if self.token.as_deref() == Some("") {
            return invalid("token must not be empty (use None to accept any token)".into());
        }
        if self.tenant.as_deref() == Some("") {
            return invalid("tenant must not be empty (use None to accept any tenant)".into());
        }
        Ok(())
    }
}

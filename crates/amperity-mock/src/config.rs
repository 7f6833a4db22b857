//! What a mock server serves and how it misbehaves.

use std::fmt;
use std::io;
use std::time::Duration;

use crate::data;

/// Settings of one mock server: its data set, its credentials and its simulated faults.
///
/// Its `Debug` output leaves out the client secret, so that a config can be logged.
#[derive(Clone)]
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
    /// How many indexes the tenant publishes to the Profile API (the first is the spec's example,
    /// `idx-xyz789` "loyalty_members").
    pub profile_indexes: u64,
    /// How many customer profiles each of those indexes holds.
    pub profiles: u64,
    /// Seed of the generated data: the same seed always serves the same records.
    pub seed: u64,
    /// Bearer token every request must carry (or else a token the token route issued); `None`
    /// accepts any (or no) `Authorization` unless client credentials are set.
    pub token: Option<String>,
    /// The client id the token route (`POST /api/v0/oauth2/token`) accepts. Set with
    /// `client_secret`; then API requests need a token it issued (or `token`, when set too).
    pub client_id: Option<String>,
    /// The client secret that goes with `client_id`. Never printed, logged or echoed.
    pub client_secret: Option<String>,
    /// How long an issued access token lasts, in whole seconds (a fraction is dropped): the
    /// answer's `expires_in`, and `exp - iat` in the token. One second lets a test watch a
    /// token expire.
    pub token_ttl: Duration,
    /// Tenant every request must name in `amperity-tenant`; `None` accepts any non-empty one.
    pub tenant: Option<String>,
    /// Requests per second to the control plane before answering 429 (the token route included);
    /// `0` turns rate limiting off.
    pub rate_limit: u32,
    /// Requests per second to the Profile API before answering 429, counted apart from the
    /// control plane's, as Amperity does; `0` turns it off.
    pub profile_rate_limit: u32,
    /// Share (0.0 to 1.0) of otherwise valid requests answered with 500, 503 or 429.
    pub fail_rate: f64,
    /// Delay added to every answer.
    pub latency: Duration,
}

impl Default for MockConfig {
    /// 300 segments, 1000 audit events, 60 campaigns, 520 ingest jobs (ten a week), 300
    /// workflow runs, 3 profile indexes of 1000 profiles each, from seed 1; runs that take a
    /// step every 2 seconds; no credentials required (tokens would last an hour), Amperity's
    /// rate limits (10 requests per second on the control plane, 2000 on the Profile API), no
    /// faults and no added latency.
    fn default() -> Self {
        Self {
            segments: 300,
            audit_events: 1000,
            campaigns: 60,
            ingest_jobs: 520,
            workflow_runs: 300,
            run_step: Duration::from_secs(2),
            profile_indexes: 3,
            profiles: 1000,
            seed: 1,
            token: None,
            client_id: None,
            client_secret: None,
            token_ttl: Duration::from_secs(3600),
            tenant: None,
            rate_limit: 10,
            profile_rate_limit: 2000,
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
        for (name, value, max) in [
            (
                "profile_indexes",
                self.profile_indexes,
                crate::resources::profiles::MAX_PROFILE_INDEXES,
            ),
            (
                "profiles",
                self.profiles,
                crate::resources::profiles::MAX_PROFILES,
            ),
        ] {
            if value > max {
                return invalid(format!("{name} must be at most {max}, got {value}"));
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
        match (self.client_id.as_deref(), self.client_secret.as_deref()) {
            (Some(""), _) => return invalid("client_id must not be empty".into()),
            (_, Some("")) => return invalid("client_secret must not be empty".into()),
            (Some(_), None) => {
                return invalid(
                    "client_id is set without client_secret: set both or neither".into(),
                );
            }
            (None, Some(_)) => {
                return invalid(
                    "client_secret is set without client_id: set both or neither".into(),
                );
            }
            _ => {}
        }
        // Tokens live whole seconds (`expires_in`, `exp`): under one would be expired at birth.
        if self.token_ttl.as_secs() == 0 {
            return invalid(format!(
                "token_ttl must be at least one second, got {:?}",
                self.token_ttl
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for MockConfig {
    // By hand, to keep the client secret out of logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("segments", &self.segments)
            .field("audit_events", &self.audit_events)
            .field("campaigns", &self.campaigns)
            .field("ingest_jobs", &self.ingest_jobs)
            .field("workflow_runs", &self.workflow_runs)
            .field("run_step", &self.run_step)
            .field("profile_indexes", &self.profile_indexes)
            .field("profiles", &self.profiles)
            .field("seed", &self.seed)
            .field("token", &self.token)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| Redacted),
            )
            .field("token_ttl", &self.token_ttl)
            .field("tenant", &self.tenant)
            .field("rate_limit", &self.rate_limit)
            .field("profile_rate_limit", &self.profile_rate_limit)
            .field("fail_rate", &self.fail_rate)
            .field("latency", &self.latency)
            .finish()
    }
}

/// Stands in for a secret in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_credentials(id: Option<&str>, secret: Option<&str>) -> MockConfig {
        MockConfig {
            client_id: id.map(Into::into),
            client_secret: secret.map(Into::into),
            ..MockConfig::default()
        }
    }

    #[test]
    fn client_credentials_come_as_a_non_empty_pair() {
        assert!(with_credentials(None, None).validate().is_ok());
        assert!(with_credentials(Some("id"), Some("s")).validate().is_ok());
        for (id, secret) in [
            (Some(""), Some("s")),
            (Some("id"), Some("")),
            (Some("id"), None),
            (None, Some("s")),
        ] {
            let error = with_credentials(id, secret).validate().unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{id:?}");
        }
    }

    #[test]
    fn token_ttl_is_at_least_a_second() {
        for (ttl, ok) in [(0, false), (999, false), (1000, true), (1500, true)] {
            let config = MockConfig {
                token_ttl: Duration::from_millis(ttl),
                ..MockConfig::default()
            };
            assert_eq!(config.validate().is_ok(), ok, "{ttl} ms");
        }
    }

    #[test]
    fn debug_leaves_the_secret_out() {
        let config = with_credentials(Some("the-id"), Some("hunter2-very-secret"));
        let debug = format!("{config:?} {config:#?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(
            debug.contains("the-id") && debug.contains("<redacted>"),
            "{debug}"
        );
    }
}

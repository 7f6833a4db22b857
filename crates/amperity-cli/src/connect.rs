//! Turning the global flags into an SDK client, or into an embedded mock tenant and a client for
//! it.

use amperity::Client;

use crate::args::GlobalArgs;
use crate::failure::Failure;

/// The tenant the embedded mock serves.
pub const MOCK_TENANT: &str = "mock";
const MOCK_TOKEN: &str = "mock-token";

/// A client, and the embedded mock server it talks to when `--mock` was given.
pub struct Connection {
    /// The SDK client.
    pub client: Client,
    /// Kept alive for as long as the client is used; dropped last.
    _mock: Option<amperity_mock::RunningMock>,
}

/// Builds the client the flags describe.
pub async fn connect(global: &GlobalArgs) -> Result<Connection, Failure> {
    let mut builder = Client::builder()
        .region(global.region.into())
        .timeout(global.timeout)
        .max_retries(global.max_retries)
        .rate_limit(global.rate_limit);
    let mock = if global.mock {
        let mock = amperity_mock::spawn(amperity_mock::MockConfig {
            tenant: Some(MOCK_TENANT.into()),
            token: Some(MOCK_TOKEN.into()),
            ..amperity_mock::MockConfig::default()
        })
        .await
        .map_err(Failure::Mock)?;
        tracing::info!(base_url = %mock.base_url(), "started the embedded mock tenant");
        builder = builder
            .tenant(MOCK_TENANT)
            .token(MOCK_TOKEN)
            .base_url(mock.base_url());
        Some(mock)
    } else {
        let missing = |what: &str, flag: &str, var: &str| {
            Failure::Usage(format!(
                "no {what}: pass {flag} or set {var} (or try --mock, which needs no account)"
            ))
        };
        let tenant = non_empty(&global.tenant)
            .ok_or_else(|| missing("tenant", "--tenant", amperity::ENV_TENANT))?;
        let token = global
            .token
            .as_ref()
            .map(|token| token.expose())
            .filter(|token| !token.trim().is_empty())
            .ok_or_else(|| missing("access token", "--token", amperity::ENV_TOKEN))?;
        builder = builder.tenant(tenant).token(token);
        if let Some(base_url) = &global.base_url {
            builder = builder.base_url(base_url);
        }
        None
    };
    let client = builder.build().map_err(|error| match error {
        amperity::Error::Config(message) => Failure::Usage(message),
        other => Failure::Api(other),
    })?;
    Ok(Connection {
        client,
        _mock: mock,
    })
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

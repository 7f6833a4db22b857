//! Turning the global flags into an SDK client (settings resolved by `settings`), or into an
//! embedded mock tenant and a client for it.

use amperity::Client;

use crate::args::GlobalArgs;
use crate::failure::Failure;
use crate::settings::{self, Resolved};

/// The tenant the embedded mock serves.
pub const MOCK_TENANT: &str = "mock";
/// The OAuth client id the embedded mock accepts; the secret is made up for each run.
const MOCK_CLIENT_ID: &str = "mock-client";

/// A client, and the embedded mock server it talks to when `--mock` was given.
pub struct Connection {
    /// The SDK client.
    pub client: Client,
    /// The settings behind it, with their sources; `None` with `--mock`.
    pub resolved: Option<Resolved>,
    /// Kept alive for as long as the client is used; dropped last.
    _mock: Option<amperity_mock::RunningMock>,
}

/// Builds the client the flags, environment and profile describe.
pub async fn connect(global: &GlobalArgs) -> Result<Connection, Failure> {
    let (builder, resolved, mock) = if global.mock {
        // The mock plays Amperity's token endpoint too, so `--mock` runs the OAuth exchange,
        // token renewal included, exactly as a real tenant with client credentials would.
        let secret = format!("mock-secret-{:016x}", fastrand::u64(..));
        let mock = amperity_mock::spawn(amperity_mock::MockConfig {
            tenant: Some(MOCK_TENANT.into()),
            client_id: Some(MOCK_CLIENT_ID.into()),
            client_secret: Some(secret.clone()),
            ..amperity_mock::MockConfig::default()
        })
        .await
        .map_err(Failure::Mock)?;
        tracing::info!(base_url = %mock.base_url(), "started the embedded mock tenant");
        let builder = Client::builder()
            .tenant(MOCK_TENANT)
            .client_credentials(MOCK_CLIENT_ID, secret)
            .base_url(mock.base_url());
        (builder, None, Some(mock))
    } else {
        let resolved = settings::resolve(global)?;
        (resolved.builder(), Some(resolved), None)
    };
    let client = tune(builder, global).build().map_err(config_failure)?;
    Ok(Connection {
        client,
        resolved,
        _mock: mock,
    })
}

/// The behaviour flags every client gets: timeout, retries, pacing.
pub fn tune(builder: amperity::ClientBuilder, global: &GlobalArgs) -> amperity::ClientBuilder {
    builder
        .timeout(global.timeout)
        .max_retries(global.max_retries)
        .rate_limit(global.rate_limit)
}

/// A configuration the SDK refuses is a usage error (exit 2).
pub fn config_failure(error: amperity::Error) -> Failure {
    match error {
        amperity::Error::Config(message) => Failure::Usage(message),
        other => Failure::Api(other),
    }
}

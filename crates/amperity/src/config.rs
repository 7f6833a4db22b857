//! Building a client: tenant, token, region or base URL, retries, pacing and timeouts.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::Client;
use crate::auth::{ClientCredentials, ClientCredentialsConfig, StaticToken, Token, TokenProvider};
use crate::client_state::{ClientState, ClientStateParts};
use crate::error::Error;
use crate::hooks::Transport;
use crate::pacing::Pacer;
use crate::retry::RetryPolicy;

/// Environment variable naming the tenant.
pub const ENV_TENANT: &str = "AMPERITY_TENANT";
/// Environment variable holding the access token.
pub const ENV_TOKEN: &str = "AMPERITY_TOKEN";
/// Environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "AMPERITY_BASE_URL";
/// Environment variable holding the OAuth client id of an API key.
pub const ENV_CLIENT_ID: &str = "AMPERITY_CLIENT_ID";
/// Environment variable holding the OAuth client secret of an API key.
pub const ENV_CLIENT_SECRET: &str = "AMPERITY_CLIENT_SECRET";
/// Environment variable naming the OAuth token endpoint, when it is not the one under the base
/// URL.
pub const ENV_TOKEN_URL: &str = "AMPERITY_TOKEN_URL";

/// The token endpoint's path under the base URL (`…/api` + this).
pub const TOKEN_PATH: &str = "/v0/oauth2/token";

/// Amperity's documented rate limit, which clients keep to by default.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 10;
/// Default limit on establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit on one attempt, from sending the request to the last byte of the response.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on a whole call, retries and waits included.
pub const DEFAULT_OVERALL_TIMEOUT: Duration = Duration::from_secs(120);

/// Where a tenant is hosted; it decides the base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    /// Amazon AWS: `https://app.amperity.com/api`.
    #[default]
    Aws,
    /// Microsoft Azure: `https://{tenant}.amperity.com/api`.
    Azure,
    /// Australia: `https://app-aws-apse2.amperity.com/api`.
    Au,
}

impl Region {
    /// The base URL for a tenant in this region.
    pub fn base_url(self, tenant: &str) -> String {
        match self {
            Region::Aws => "https://app.amperity.com/api".to_owned(),
            Region::Azure => format!("https://{tenant}.amperity.com/api"),
            Region::Au => "https://app-aws-apse2.amperity.com/api".to_owned(),
        }
    }
}

impl FromStr for Region {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "aws" => Ok(Region::Aws),
            "azure" => Ok(Region::Azure),
            "au" => Ok(Region::Au),
            other => Err(Error::Config(format!(
                "unknown region {other:?}: expected aws, azure or au"
            ))),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Region::Aws => "aws",
            Region::Azure => "azure",
            Region::Au => "au",
        })
    }
}

/// Builds a [`Client`]. Start from [`Client::builder`] or [`Client::from_env`].
///
/// ```
/// # fn main() -> Result<(), amperity::Error> {
/// let client = amperity::Client::builder()
///     .tenant("acme")
///     .token("eyJhbGciOi...")
///     .region(amperity::Region::Aws)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    tenant: Option<String>,
    credentials: Option<Credentials>,
    token_url: Option<String>,
    region: Region,
    base_url: Option<String>,
    retry: RetryPolicy,
    requests_per_second: u32,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    overall_timeout: Duration,
}

/// Where the client's access tokens come from.
#[derive(Clone)]
enum Credentials {
    Provider(Arc<dyn TokenProvider>),
    OAuth(ClientCredentialsConfig),
    /// Half of a client id and secret pair, from the environment: an error at `build()`.
    Incomplete(&'static str),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Provider(_) => f.write_str("<token provider>"),
            Credentials::OAuth(config) => config.fmt(f),
            Credentials::Incomplete(message) => f.write_str(message),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("tenant", &self.tenant)
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .field("requests_per_second", &self.requests_per_second)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            tenant: None,
            credentials: None,
            token_url: None,
            region: Region::default(),
            base_url: None,
            retry: RetryPolicy::default(),
            requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            overall_timeout: DEFAULT_OVERALL_TIMEOUT,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults and nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder preset from the environment (each variable only when set and not empty);
    /// later calls override it:
    ///
    /// - `AMPERITY_TENANT`, `AMPERITY_BASE_URL`;
    /// - credentials: `AMPERITY_TOKEN`, a fixed access token; or else `AMPERITY_CLIENT_ID` and
    ///   `AMPERITY_CLIENT_SECRET`, OAuth client credentials, with `AMPERITY_TOKEN_URL` when the
    ///   token endpoint is not the one under the base URL.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut builder = Self {
            tenant: var(ENV_TENANT),
            base_url: var(ENV_BASE_URL),
            token_url: var(ENV_TOKEN_URL),
            ..Self::default()
        };
        builder.credentials = match (var(ENV_TOKEN), var(ENV_CLIENT_ID), var(ENV_CLIENT_SECRET)) {
            (Some(token), _, _) => Some(Credentials::Provider(Arc::new(StaticToken::new(token)))),
            (None, Some(id), Some(secret)) => Some(Credentials::OAuth(ClientCredentialsConfig {
                client_id: id,
                client_secret: Token::new(secret),
            })),
            (None, Some(_), None) => Some(Credentials::Incomplete(
                "AMPERITY_CLIENT_ID is set but AMPERITY_CLIENT_SECRET is not",
            )),
            (None, None, Some(_)) => Some(Credentials::Incomplete(
                "AMPERITY_CLIENT_SECRET is set but AMPERITY_CLIENT_ID is not",
            )),
            (None, None, None) => None,
        };
        builder
    }

    /// The tenant ID, sent as `amperity-tenant` on every request. Required.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// A fixed access token (a JWT from Amperity's API key settings). It expires: once its
    /// `exp` has passed, calls fail before sending. For a job that runs unattended, prefer
    /// [`client_credentials`](Self::client_credentials).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Provider(Arc::new(StaticToken::new(token))));
        self
    }

    /// OAuth client credentials of an API key (Amperity: Settings → Security → API keys → Get
    /// OAuth credentials). The client exchanges them at the token endpoint for access tokens,
    /// once for all concurrent requests, and again shortly before each token expires or after
    /// the API refuses one. The secret is never printed.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some(Credentials::OAuth(ClientCredentialsConfig {
            client_id: client_id.into(),
            client_secret: Token::new(client_secret),
        }));
        self
    }

    /// The token endpoint for [`client_credentials`](Self::client_credentials), as Amperity's
    /// "OAuth credentials" dialog shows it. Default: `{base URL}/v0/oauth2/token`.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// A source of access tokens, asked before every request.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.credentials = Some(Credentials::Provider(Arc::new(provider)));
        self
    }

    /// The region whose base URL to use (default: AWS). Ignored when a base URL is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// An explicit base URL, such as `http://127.0.0.1:4010/api` for a local server. Plain
    /// `http` is accepted only for loopback hosts, so a token never crosses a network unencrypted.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Retries after the first attempt (default 2); `0` turns retrying off.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most this many requests in any one-second window, shared by all clones of the client
    /// (default 10, Amperity's limit); `0` turns pacing off.
    pub fn rate_limit(mut self, requests_per_second: u32) -> Self {
        self.requests_per_second = requests_per_second;
        self
    }

    /// The limit on establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The limit on one attempt, from sending to the last byte of the response (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The limit on one call, retries and waits included (default 120 s).
    pub fn overall_timeout(mut self, timeout: Duration) -> Self {
        self.overall_timeout = timeout;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let tenant = self.tenant.filter(|t| !t.trim().is_empty()).ok_or_else(|| {
            Error::Config(format!(
                "no tenant: set one with ClientBuilder::tenant or the {ENV_TENANT} environment variable"
            ))
        })?;
        let tenant_header = HeaderValue::from_str(&tenant).map_err(|_| {
            Error::Config(format!(
                "tenant {tenant:?} contains characters not allowed in a header"
            ))
        })?;
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(format!(
                "no credentials: set an access token (ClientBuilder::token, {ENV_TOKEN}) or OAuth \
                 client credentials (ClientBuilder::client_credentials, {ENV_CLIENT_ID} and \
                 {ENV_CLIENT_SECRET})"
            ))
        })?;
        for (name, value) in [
            ("connect timeout", self.connect_timeout),
            ("timeout", self.attempt_timeout),
            ("overall timeout", self.overall_timeout),
        ] {
            if value.is_zero() {
                return Err(Error::Config(format!(
                    "the {name} must be longer than zero"
                )));
            }
        }
        let base_url = match self.base_url {
            Some(url) => url,
            None => self.region.base_url(&tenant),
        };
        let base_url = check_base_url(&base_url)?;

        // reqwest has no crypto provider of its own (`rustls-no-provider`): ring, unless the
        // application installed one before (then this is a no-op and reqwest uses that one).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.attempt_timeout)
            .user_agent(concat!("amperity-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("could not set up HTTP: {e}")))?;
        let pacer = Pacer::new(self.requests_per_second);
        let tokens: Arc<dyn TokenProvider> = match credentials {
            Credentials::Provider(provider) => provider,
            Credentials::Incomplete(message) => return Err(Error::Config(message.into())),
            Credentials::OAuth(config) => {
                if config.client_id.trim().is_empty()
                    || config.client_secret.expose_secret().trim().is_empty()
                {
                    return Err(Error::Config(
                        "the OAuth client id and secret must not be empty".into(),
                    ));
                }
                let token_url = match &self.token_url {
                    Some(url) => check_base_url(url)?,
                    None => format!("{base_url}{TOKEN_PATH}"),
                };
                let token_url = reqwest::Url::parse(&token_url).map_err(|e| {
                    Error::Config(format!("token URL {token_url:?} is not valid: {e}"))
                })?;
                let transport = Transport {
                    http: http.clone(),
                    retry: self.retry.clone(),
                    pacer: pacer.clone(),
                };
                Arc::new(ClientCredentials::new(
                    config,
                    token_url,
                    tenant_header.clone(),
                    transport,
                ))
            }
        };
        let state = ClientState::new(ClientStateParts {
            tenant: tenant_header,
            tokens,
            retry: self.retry,
            pacer,
            attempt_timeout: self.attempt_timeout,
            overall_timeout: self.overall_timeout,
        });
        Ok(Client::new_with_client(&base_url, http, state))
    }
}

/// Accepts `https` URLs, and `http` ones only on loopback; drops a trailing slash so that paths
/// join cleanly.
fn check_base_url(raw: &str) -> Result<String, Error> {
    let url = reqwest::Url::parse(raw)
        .map_err(|e| Error::Config(format!("base URL {raw:?} is not a valid URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::Config(format!(
                "base URL {raw:?} uses plain http to a non-loopback host; use https so the token is not sent in the clear"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "base URL {raw:?} has scheme {other:?}; expected https (or http on loopback)"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {raw:?} must not carry a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl Client {
    /// A builder for a client: set the tenant and token, then [`build`](ClientBuilder::build).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment, as [`ClientBuilder::from_env`] reads it.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env().build()
    }

    /// The access token requests would carry now: fetched (or renewed) first when the client
    /// uses OAuth client credentials, checked for expiry when it is a fixed one. For handing to
    /// another tool (`amperity auth token`), or to see when it expires.
    pub async fn access_token(&self) -> Result<Token, Error> {
        let limit = self.inner.overall_timeout();
        match tokio::time::timeout(limit, self.inner.tokens().token()).await {
            Ok(outcome) => outcome.map_err(Error::Token),
            Err(_elapsed) => Err(Error::Timeout(crate::error::Timeout::Overall(limit))),
        }
    }

    /// The tenant this client sends requests for.
    pub fn tenant(&self) -> &str {
        self.inner.tenant()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClientInfo;

    fn builder() -> ClientBuilder {
        Client::builder().tenant("acme").token("secret-token")
    }

    #[test]
    fn region_decides_the_base_url() {
        let url = |region| {
            builder()
                .region(region)
                .build()
                .unwrap()
                .baseurl()
                .to_owned()
        };
        assert_eq!(url(Region::Aws), "https://app.amperity.com/api");
        assert_eq!(url(Region::Azure), "https://acme.amperity.com/api");
        assert_eq!(url(Region::Au), "https://app-aws-apse2.amperity.com/api");
    }

    #[test]
    fn plain_http_is_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:4010/api",
            "http://localhost:4010/api/",
            "http://[::1]:80/api",
            "https://example.com/api",
        ] {
            assert!(builder().base_url(ok).build().is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/api",
            "http://example.com/api",
            "ftp://localhost/",
            "not a url",
        ] {
            let err = builder().base_url(bad).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err}");
        }
    }

    #[test]
    fn missing_tenant_or_token_is_a_clear_error() {
        let err = Client::builder().token("t").build().unwrap_err();
        assert!(err.to_string().contains("no tenant"), "{err}");
        let err = Client::builder().tenant("acme").build().unwrap_err();
        assert!(err.to_string().contains("no credentials"), "{err}");
    }

    #[test]
    fn debug_output_hides_the_token() {
        let builder = builder();
        assert!(!format!("{builder:?}").contains("secret-token"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("secret-token"));
    }

    #[test]
    fn regions_parse_from_their_names() {
        assert_eq!("AU".parse::<Region>().unwrap(), Region::Au);
        assert!("mars".parse::<Region>().is_err());
    }
}

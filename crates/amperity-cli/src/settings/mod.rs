//! Where each setting comes from: flags, then environment variables, then the selected profile of
//! the config file, then defaults. The result remembers each setting's source, for
//! `amperity auth status` and for error messages.

pub mod config_file;
pub mod secret_file;

use std::fmt;
use std::path::PathBuf;

use clap::parser::ValueSource;

use crate::args::{GlobalArgs, RegionArg};
use crate::failure::Failure;
use config_file::{ConfigFile, Profile};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// Environment variable holding the OAuth client secret.
pub const ENV_CLIENT_SECRET: &str = amperity::ENV_CLIENT_SECRET;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A profile of the config file.
    Profile(String),
    /// The built-in default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(var) => write!(f, "environment variable {var}"),
            Source::Profile(name) => write!(f, "profile {name:?}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Its source.
    pub source: Source,
}

/// Where the API is.
#[derive(Debug, Clone)]
pub enum Endpoint {
    /// A region's base URL.
    Region(amperity::Region),
    /// An explicit base URL.
    BaseUrl(String),
}

/// How requests are authenticated.
pub enum Credentials {
    /// A fixed access token.
    Token(String),
    /// OAuth client credentials.
    Client {
        /// The client id.
        id: String,
        /// The secret.
        secret: String,
        /// Where the secret came from (an environment variable, a file).
        secret_from: String,
        /// The token endpoint, when set.
        token_url: Option<Sourced<String>>,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Token(<redacted>)"),
            Credentials::Client {
                id, secret_from, ..
            } => f
                .debug_struct("Client")
                .field("id", id)
                .field("secret", &"<redacted>")
                .field("secret_from", secret_from)
                .finish_non_exhaustive(),
        }
    }
}

/// Every connection setting, resolved.
#[derive(Debug)]
pub struct Resolved {
    /// The config file consulted, if there is one.
    pub config_path: Option<PathBuf>,
    /// The profile used, if any.
    pub profile: Option<Sourced<String>>,
    /// The tenant.
    pub tenant: Sourced<String>,
    /// The base URL or region.
    pub endpoint: Sourced<Endpoint>,
    /// The credentials.
    pub credentials: Sourced<Credentials>,
}

/// Which layer a clap argument's value came from.
fn layer(global: &GlobalArgs, id: &str, flag: &'static str, var: &'static str) -> Option<Source> {
    match global.origins.get(id) {
        Some(ValueSource::CommandLine) => Some(Source::Flag(flag)),
        Some(ValueSource::EnvVariable) => Some(Source::Env(var)),
        _ => None,
    }
}

fn non_empty(value: Option<&String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty()).cloned()
}

/// The config file and the profile the flags select: `--profile`/`AMPERITY_PROFILE` must name
/// one that exists; without either, `default` is used when the file has it.
pub fn select_profile(
    global: &GlobalArgs,
) -> Result<(Option<ConfigFile>, Option<Sourced<String>>), Failure> {
    let Some(path) = ConfigFile::default_path() else {
        return Ok((None, None));
    };
    let config = ConfigFile::load(&path)?;
    let named = non_empty(global.profile.as_ref());
    let profile = match named {
        Some(name) => {
            let source = layer(global, "profile", "--profile", "AMPERITY_PROFILE")
                .unwrap_or(Source::Default);
            if config.profile(&name).is_none() && !global.creating_profile {
                let known = config.profile_names();
                return Err(Failure::Usage(if config.exists() {
                    format!(
                        "no profile {name:?} in {} (it has: {}); create it with `amperity auth login --profile {name}`",
                        path.display(),
                        if known.is_empty() {
                            "none".into()
                        } else {
                            known.join(", ")
                        }
                    )
                } else {
                    format!(
                        "no profile {name:?}: there is no config file at {}; create it with `amperity auth login --profile {name}`",
                        path.display()
                    )
                }));
            }
            Some(Sourced {
                value: name,
                source,
            })
        }
        None => config.profile(DEFAULT_PROFILE).map(|_| Sourced {
            value: DEFAULT_PROFILE.to_owned(),
            source: Source::Default,
        }),
    };
    Ok((Some(config), profile))
}

/// Resolves every setting from the flags, the environment and the selected profile.
pub fn resolve(global: &GlobalArgs) -> Result<Resolved, Failure> {
    let (config, profile_name) = select_profile(global)?;
    let empty = Profile::default();
    let profile = match (&config, &profile_name) {
        (Some(config), Some(name)) => config.profile(&name.value).unwrap_or(&empty),
        _ => &empty,
    };
    let from_profile = || {
        Source::Profile(
            profile_name
                .as_ref()
                .map(|p| p.value.clone())
                .unwrap_or_default(),
        )
    };

    let tenant = match (
        non_empty(global.tenant.as_ref()),
        layer(global, "tenant", "--tenant", amperity::ENV_TENANT),
    ) {
        (Some(value), Some(source)) => Sourced { value, source },
        _ => match non_empty(profile.tenant.as_ref()) {
            Some(value) => Sourced {
                value,
                source: from_profile(),
            },
            None => {
                return Err(Failure::Usage(format!(
                    "no tenant: pass --tenant, set {}, or save one in a profile with `amperity auth login` (or try --mock, which needs no account)",
                    amperity::ENV_TENANT
                )));
            }
        },
    };

    let endpoint = resolve_endpoint(global, profile, from_profile)?;
    let credentials = resolve_credentials(global, profile, from_profile)?;
    Ok(Resolved {
        config_path: config.map(|c| c.path().to_owned()),
        profile: profile_name,
        tenant,
        endpoint,
        credentials,
    })
}

fn resolve_endpoint(
    global: &GlobalArgs,
    profile: &Profile,
    from_profile: impl Fn() -> Source,
) -> Result<Sourced<Endpoint>, Failure> {
    let base_url = layer(global, "base_url", "--base-url", amperity::ENV_BASE_URL)
        .zip(non_empty(global.base_url.as_ref()));
    let region = layer(global, "region", "--region", "AMPERITY_REGION").zip(global.region);
    // A flag beats the environment; within a layer an explicit URL beats a region.
    let rank = |source: &Source| u8::from(!matches!(source, Source::Flag(_)));
    let mut candidates = Vec::new();
    if let Some((source, url)) = base_url {
        candidates.push(((rank(&source), 0u8), source, Endpoint::BaseUrl(url)));
    }
    if let Some((source, region)) = region {
        candidates.push((
            (rank(&source), 1u8),
            source,
            Endpoint::Region(region.into()),
        ));
    }
    candidates.sort_by_key(|(order, _, _)| *order);
    if let Some((_, source, value)) = candidates.into_iter().next() {
        return Ok(Sourced { value, source });
    }
    if let Some(url) = non_empty(profile.base_url.as_ref()) {
        return Ok(Sourced {
            value: Endpoint::BaseUrl(url),
            source: from_profile(),
        });
    }
    if let Some(region) = non_empty(profile.region.as_ref()) {
        let region = region.parse::<amperity::Region>().map_err(|_| {
            Failure::Usage(format!(
                "{}: region {region:?} is not one of aws, azure, au",
                from_profile()
            ))
        })?;
        return Ok(Sourced {
            value: Endpoint::Region(region),
            source: from_profile(),
        });
    }
    Ok(Sourced {
        value: Endpoint::Region(RegionArg::Aws.into()),
        source: Source::Default,
    })
}

fn resolve_credentials(
    global: &GlobalArgs,
    profile: &Profile,
    from_profile: impl Fn() -> Source,
) -> Result<Sourced<Credentials>, Failure> {
    let token = global
        .token
        .as_ref()
        .map(|t| t.expose().to_owned())
        .filter(|t| !t.trim().is_empty())
        .zip(layer(global, "token", "--token", amperity::ENV_TOKEN));
    let client_id = non_empty(global.client_id.as_ref()).zip(layer(
        global,
        "client_id",
        "--client-id",
        amperity::ENV_CLIENT_ID,
    ));
    let token_url = match (
        non_empty(global.token_url.as_ref()),
        layer(global, "token_url", "--token-url", amperity::ENV_TOKEN_URL),
    ) {
        (Some(value), Some(source)) => Some(Sourced { value, source }),
        _ => non_empty(profile.token_url.as_ref()).map(|value| Sourced {
            value,
            source: from_profile(),
        }),
    };
    // A flag beats the environment whichever kind of credential each holds.
    if let (Some((_, Source::Flag(_))), Some((_, Source::Flag(_)))) = (&token, &client_id) {
        return Err(Failure::Usage(
            "--token and --client-id are two kinds of credentials: give one".into(),
        ));
    }
    let token_first = match (&token, &client_id) {
        (Some((_, Source::Flag(_))), _) => true,
        (_, Some((_, Source::Flag(_)))) => false,
        (Some(_), _) => true,
        _ => false,
    };
    if let (true, Some((value, source))) = (token_first, token) {
        return Ok(Sourced {
            value: Credentials::Token(value),
            source,
        });
    }
    let (id, source) = match client_id {
        Some(found) => found,
        None => match non_empty(profile.client_id.as_ref()) {
            Some(id) => (id, from_profile()),
            None => {
                return Err(Failure::Usage(format!(
                    "no credentials: set {} and {} (OAuth client credentials), or {} (an access \
                     token), or save a profile with `amperity auth login` (or try --mock, which \
                     needs no account)",
                    amperity::ENV_CLIENT_ID,
                    ENV_CLIENT_SECRET,
                    amperity::ENV_TOKEN
                )));
            }
        },
    };
    let (secret, secret_from) = client_secret(profile, &from_profile)?;
    Ok(Sourced {
        value: Credentials::Client {
            id,
            secret,
            secret_from,
            token_url,
        },
        source,
    })
}

/// The client secret: `AMPERITY_CLIENT_SECRET`, else the profile's variable or file.
fn client_secret(
    profile: &Profile,
    from_profile: &impl Fn() -> Source,
) -> Result<(String, String), Failure> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(secret) = var(ENV_CLIENT_SECRET) {
        return Ok((secret, format!("environment variable {ENV_CLIENT_SECRET}")));
    }
    if let Some(name) = non_empty(profile.client_secret_env.as_ref()) {
        return match var(&name) {
            Some(secret) => Ok((
                secret,
                format!("environment variable {name} ({})", from_profile()),
            )),
            None => Err(Failure::Usage(format!(
                "{} takes the client secret from the environment variable {name}, which is not set",
                from_profile()
            ))),
        };
    }
    if let Some(path) = non_empty(profile.client_secret_file.as_ref()) {
        let path = secret_file::expand_home(&path);
        let secret = secret_file::read(&path)?;
        return Ok((
            secret,
            format!("file {} ({})", path.display(), from_profile()),
        ));
    }
    Err(Failure::Usage(format!(
        "a client id but no client secret: set {ENV_CLIENT_SECRET}, or give the profile \
         client_secret_env or client_secret_file (`amperity auth login`)"
    )))
}

impl Resolved {
    /// An SDK client builder with these settings (timeouts, retries and pacing are the caller's).
    pub fn builder(&self) -> amperity::ClientBuilder {
        let mut builder = amperity::Client::builder().tenant(&self.tenant.value);
        builder = match &self.endpoint.value {
            Endpoint::Region(region) => builder.region(*region),
            Endpoint::BaseUrl(url) => builder.base_url(url),
        };
        match &self.credentials.value {
            Credentials::Token(token) => builder.token(token),
            Credentials::Client {
                id,
                secret,
                token_url,
                ..
            } => {
                let builder = builder.client_credentials(id, secret);
                match token_url {
                    Some(url) => builder.token_url(&url.value),
                    None => builder,
                }
            }
        }
    }
}

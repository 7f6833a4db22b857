//! `amperity auth`: save a profile (`login`), show what is in use and where it came from
//! (`status`), print a fresh access token (`token`).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::SystemTime;

use amperity::ClientInfo;
use clap::parser::ValueSource;

use crate::args::{AuthLogin, GlobalArgs};
use crate::connect::{self, Connection};
use crate::failure::Failure;
use crate::settings::config_file::Profile;
use crate::settings::{self, Credentials, DEFAULT_PROFILE, Endpoint, Resolved, Source, Sourced};

/// `amperity auth token`: the token requests would carry now, on stdout.
pub async fn token(connection: &Connection) -> Result<(), Failure> {
    let token = connection.client.access_token().await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", token.expose_secret()).map_err(|e| Failure::Output(e.into()))
}

/// `amperity auth status`: each setting, its source, and the token's expiry.
pub async fn status(connection: &Connection) -> Result<(), Failure> {
    let mut lines: Vec<(&str, String)> = Vec::new();
    match &connection.resolved {
        None => {
            lines.push(("tenant", format!("{} (--mock)", connection.client.tenant())));
            lines.push((
                "base URL",
                format!("{} (--mock)", connection.client.baseurl()),
            ));
            lines.push((
                "credentials",
                "OAuth client credentials made up for the embedded mock (--mock)".into(),
            ));
        }
        Some(resolved) => describe(resolved, connection, &mut lines),
    }
    let outcome = connection.client.access_token().await;
    lines.push((
        "access token",
        match &outcome {
            Ok(token) => match token.expires_at() {
                Some(at) => expiry(at),
                None => "valid; its expiry is not known".into(),
            },
            Err(error) => format!("none: {error}"),
        },
    ));
    let mut stdout = std::io::stdout().lock();
    for (name, value) in lines {
        writeln!(stdout, "{name:<13} {value}").map_err(|e| Failure::Output(e.into()))?;
    }
    drop(stdout);
    outcome.map(drop).map_err(Failure::Api)
}

fn describe(resolved: &Resolved, connection: &Connection, lines: &mut Vec<(&str, String)>) {
    lines.push((
        "config file",
        match &resolved.config_path {
            Some(path) if path.exists() => path.display().to_string(),
            Some(path) => format!("{} (does not exist)", path.display()),
            None => "none (no config directory on this system)".into(),
        },
    ));
    lines.push((
        "profile",
        match &resolved.profile {
            Some(profile) if profile.source == Source::Default => format!(
                "{} (no --profile or AMPERITY_PROFILE names another)",
                profile.value
            ),
            Some(profile) => sourced(&profile.value, &profile.source),
            None => "none".into(),
        },
    ));
    lines.push((
        "tenant",
        sourced(&resolved.tenant.value, &resolved.tenant.source),
    ));
    let endpoint = match &resolved.endpoint.value {
        Endpoint::Region(region) => format!("region {region}"),
        Endpoint::BaseUrl(_) => "base URL".into(),
    };
    lines.push((
        "base URL",
        format!(
            "{} ({endpoint}, from {})",
            connection.client.baseurl(),
            resolved.endpoint.source
        ),
    ));
    let Sourced { value, source } = &resolved.credentials;
    lines.push((
        "credentials",
        match value {
            Credentials::Token(_) => format!("a fixed access token (from {source})"),
            Credentials::Client {
                id,
                secret_from,
                token_url,
                ..
            } => {
                let endpoint = match token_url {
                    Some(url) => format!("{} (from {})", url.value, url.source),
                    None => "the one under the base URL".into(),
                };
                format!(
                    "OAuth client id {id} (from {source}), secret from {secret_from}, token \
                     endpoint {endpoint}"
                )
            }
        },
    ));
}

fn sourced(value: &str, source: &Source) -> String {
    format!("{value} (from {source})")
}

fn expiry(at: SystemTime) -> String {
    let when = rfc3339(at);
    match at.duration_since(SystemTime::now()) {
        Ok(left) => format!("valid until {when} (in {}s)", left.as_secs()),
        Err(_) => format!("expired at {when}"),
    }
}

/// RFC 3339 in UTC, to the second.
fn rfc3339(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `amperity auth login`: writes (or updates) a profile from flags and answers, after checking
/// that the token endpoint accepts the credentials.
pub async fn login(global: &GlobalArgs, args: &AuthLogin) -> Result<(), Failure> {
    let (config, _) = settings::select_profile(global)?;
    let mut config = config.ok_or_else(|| {
        Failure::Usage(format!(
            "no config directory on this system: set {} to the config file's path",
            settings::config_file::ENV_CONFIG
        ))
    })?;
    let name = global
        .profile
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Failure::Usage(format!(
            "profile name {name:?}: use letters, digits, '-' and '_'"
        )));
    }
    let mut prompt = Prompt::new();
    let mut profile = config.profile(&name).cloned().unwrap_or_default();
    let given = |id: &str| global.origins.get(id) == Some(&ValueSource::CommandLine);

    if given("tenant") {
        profile.tenant = global.tenant.clone();
    }
    if profile.tenant.is_none() {
        profile.tenant = Some(prompt.ask("Tenant ID", "--tenant")?);
    }
    if given("base_url") {
        profile.base_url = global.base_url.clone();
        profile.region = None;
    } else if given("region") {
        profile.region = global.region.map(|r| amperity::Region::from(r).to_string());
        profile.base_url = None;
    } else if profile.base_url.is_none() && profile.region.is_none() {
        let region = prompt
            .ask_or("Region (aws, azure or au)", "aws")?
            .to_ascii_lowercase();
        region
            .parse::<amperity::Region>()
            .map_err(|e| Failure::Usage(e.to_string()))?;
        profile.region = Some(region);
    }
    if given("client_id") {
        profile.client_id = global.client_id.clone();
    }
    if profile.client_id.is_none() {
        profile.client_id = Some(prompt.ask("OAuth client ID", "--client-id")?);
    }
    if given("token_url") {
        profile.token_url = global.token_url.clone();
    }

    // The secret: where it will live, and its value now (to check it before saving).
    let mut secret_to_store = None;
    if let Some(var) = &args.client_secret_env {
        profile.client_secret_env = Some(var.clone());
        profile.client_secret_file = None;
    } else if let Some(path) = &args.client_secret_file {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        settings::secret_file::read(&path)?;
        profile.client_secret_file = Some(path.display().to_string());
        profile.client_secret_env = None;
    } else if args.client_secret_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::Usage(format!("could not read the secret from stdin: {e}")))?;
        secret_to_store = Some(non_empty_secret(line)?);
    } else if profile.client_secret_env.is_none() && profile.client_secret_file.is_none() {
        secret_to_store = Some(non_empty_secret(prompt.secret("OAuth client secret")?)?);
    }
    let secret_path = secret_path(config.path(), &name);
    if secret_to_store.is_some() {
        profile.client_secret_file = Some(secret_path.display().to_string());
        profile.client_secret_env = None;
    }

    if !args.no_verify {
        verify(global, &name, &profile, secret_to_store.as_deref()).await?;
    }
    if let Some(secret) = &secret_to_store {
        settings::secret_file::write(&secret_path, secret)?;
    }
    config.set_profile(&name, &profile);
    config.save()?;
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "saved profile {name:?} in {}{}",
        config.path().display(),
        if args.no_verify {
            " (not verified)"
        } else {
            "; the token endpoint accepted the credentials"
        }
    );
    Ok(())
}

/// Asks the token endpoint for a token with the profile about to be saved.
async fn verify(
    global: &GlobalArgs,
    name: &str,
    profile: &Profile,
    secret: Option<&str>,
) -> Result<(), Failure> {
    let from_profile = Source::Profile(name.to_owned());
    let secret = match secret {
        Some(secret) => secret.to_owned(),
        None => {
            if let Some(var) = &profile.client_secret_env {
                std::env::var(var).map_err(|_| {
                    Failure::Usage(format!(
                        "the client secret is to come from {var}, which is not set; set it, or \
                         pass --no-verify to save without checking"
                    ))
                })?
            } else {
                let path = settings::secret_file::expand_home(
                    profile.client_secret_file.as_deref().unwrap_or_default(),
                );
                settings::secret_file::read(&path)?
            }
        }
    };
    let endpoint = match (&profile.base_url, &profile.region) {
        (Some(url), _) => Endpoint::BaseUrl(url.clone()),
        (None, region) => Endpoint::Region(
            region
                .as_deref()
                .unwrap_or("aws")
                .parse()
                .map_err(|e: amperity::Error| Failure::Usage(e.to_string()))?,
        ),
    };
    let resolved = Resolved {
        config_path: None,
        profile: None,
        tenant: Sourced {
            value: profile.tenant.clone().unwrap_or_default(),
            source: from_profile.clone(),
        },
        endpoint: Sourced {
            value: endpoint,
            source: from_profile.clone(),
        },
        credentials: Sourced {
            value: Credentials::Client {
                id: profile.client_id.clone().unwrap_or_default(),
                secret,
                secret_from: String::new(),
                token_url: profile.token_url.clone().map(|value| Sourced {
                    value,
                    source: from_profile.clone(),
                }),
            },
            source: from_profile,
        },
    };
    let client = connect::tune(resolved.builder(), global)
        .build()
        .map_err(connect::config_failure)?;
    client.access_token().await?;
    Ok(())
}

fn non_empty_secret(text: String) -> Result<String, Failure> {
    let secret = text.trim().to_owned();
    if secret.is_empty() {
        return Err(Failure::Usage("the client secret is empty".into()));
    }
    Ok(secret)
}

/// Where `login` keeps a secret it was given: next to the config file.
fn secret_path(config: &std::path::Path, profile: &str) -> PathBuf {
    config
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join(format!("{profile}.secret"))
}

/// Questions on the terminal, for what the flags left out; an error naming the flag when there
/// is no terminal to ask on.
struct Prompt {
    interactive: bool,
}

impl Prompt {
    fn new() -> Self {
        Self {
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        }
    }

    fn ask(&mut self, question: &str, flag: &str) -> Result<String, Failure> {
        if !self.interactive {
            return Err(Failure::Usage(format!(
                "{question} is missing: pass {flag} (no terminal to ask on)"
            )));
        }
        let answer = self.read(&format!("{question}: "))?;
        if answer.is_empty() {
            return Err(Failure::Usage(format!("{question} is required")));
        }
        Ok(answer)
    }

    fn ask_or(&mut self, question: &str, default: &str) -> Result<String, Failure> {
        if !self.interactive {
            return Ok(default.to_owned());
        }
        let answer = self.read(&format!("{question} [{default}]: "))?;
        Ok(if answer.is_empty() {
            default.to_owned()
        } else {
            answer
        })
    }

    fn read(&mut self, question: &str) -> Result<String, Failure> {
        eprint!("{question}");
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::Usage(format!("could not read the answer: {e}")))?;
        Ok(line.trim().to_owned())
    }

    fn secret(&mut self, question: &str) -> Result<String, Failure> {
        if !self.interactive {
            return Err(Failure::Usage(
                "the client secret is missing: pass --client-secret-stdin, --client-secret-file \
                 or --client-secret-env (no terminal to ask on)"
                    .into(),
            ));
        }
        rpassword::prompt_password(format!("{question} (not shown): "))
            .map_err(|e| Failure::Usage(format!("could not read the secret: {e}")))
    }
}

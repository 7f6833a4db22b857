//! Credentials through the binary: OAuth client credentials from the environment or a profile,
//! which source wins, `auth login|status|token`, refused secrets (exit 4), loose secret files,
//! and no secret or token in any output, `-vvv` included.

mod support;

use std::path::Path;

use httpmock::prelude::*;
use predicates::prelude::*;
use support::amperity;

const CLIENT_ID: &str = "cid-4711";
const SECRET: &str = "cli-Client-Secret-8c1d";
const MINTED: &str = "minted-access-token-55aa";

/// A token endpoint that accepts `CLIENT_ID`/`SECRET` for tenant `acme` (else 401), and a
/// segments list that accepts only the token it mints.
struct Tenant {
    server: &'static MockServer,
    /// The two token answers, to count token requests.
    token_mocks: [httpmock::Mock<'static>; 2],
}

impl Tenant {
    fn start() -> Self {
        // Leaked so the mocks can borrow it for the whole test.
        let server: &'static MockServer = Box::leak(Box::new(MockServer::start()));
        let granted = server.mock(|when, then| {
            when.method(POST)
                .path("/api/v0/oauth2/token")
                .header("x-amperity-tenant", "acme")
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple("client_secret", SECRET);
            then.status(200).json_body(serde_json::json!({
                "access_token": MINTED, "expires_in": 3600, "token_type": "Bearer"
            }));
        });
        let refused = server.mock(|when, then| {
            when.method(POST).path("/api/v0/oauth2/token");
            then.status(401)
                .json_body(serde_json::json!({"error": "invalid_client"}));
        });
        server.mock(|when, then| {
            when.method(GET)
                .path("/api/segments")
                .header("authorization", format!("Bearer {MINTED}"));
            then.status(200).json_body(
                serde_json::json!({"data": [{"id": "seg-1", "name": "Loyal customers"}]}),
            );
        });
        let token_mocks = [granted, refused];
        Self {
            server,
            token_mocks,
        }
    }

    fn base_url(&self) -> String {
        self.server.url("/api")
    }

    fn token_requests(&self) -> usize {
        self.token_mocks.iter().map(httpmock::Mock::calls).sum()
    }
}

fn with_config(command: &mut assert_cmd::Command, config: &Path) {
    command.env("AMPERITY_CONFIG", config);
}

fn write_secret(path: &Path, secret: &str, mode: u32) {
    std::fs::write(path, format!("{secret}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn client_credentials_from_the_environment_list_segments_with_no_secret_in_verbose_output() {
    let tenant = Tenant::start();
    let output = amperity()
        .args(["-vvv", "--tenant", "acme", "--base-url", &tenant.base_url()])
        .args(["--rate-limit", "0", "segments", "list", "--format", "csv"])
        .env("AMPERITY_CLIENT_ID", CLIENT_ID)
        .env("AMPERITY_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("seg-1,Loyal customers"), "{stdout}");
    assert!(
        stderr.contains("oauth2_token"),
        "the exchange is traced: {stderr}"
    );
    for secret in [SECRET, MINTED] {
        assert!(!stderr.contains(secret), "{secret} leaked: {stderr}");
        assert!(!stdout.contains(secret), "{secret} leaked: {stdout}");
    }
    assert_eq!(tenant.token_requests(), 1);
}

#[test]
fn a_refused_secret_exits_4_with_a_clear_message_and_no_secret() {
    let tenant = Tenant::start();
    let output = amperity()
        .args(["-vvv", "--tenant", "acme", "--base-url", &tenant.base_url()])
        .args(["segments", "list"])
        .env("AMPERITY_CLIENT_ID", CLIENT_ID)
        .env("AMPERITY_CLIENT_SECRET", "the-wrong-secret")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("answered HTTP 401 Unauthorized: invalid_client")
            && stderr.contains("the client credentials were refused"),
        "{stderr}"
    );
    assert!(!stderr.contains("the-wrong-secret"), "{stderr}");
    // Refused is final: asked once, not retried.
    assert_eq!(tenant.token_requests(), 1);
}

#[test]
fn an_expired_static_token_exits_4_before_sending() {
    let server = MockServer::start();
    let anything = server.mock(|when, then| {
        when.any_request();
        then.status(200);
    });
    // {"alg":"none"} . {"exp":1700000000} . sig
    let expired = "eyJhbGciOiJub25lIn0.eyJleHAiOjE3MDAwMDAwMDB9.c2ln";
    amperity()
        .args(["--tenant", "acme", "--base-url", &server.url("/api")])
        .args(["segments", "list"])
        .env("AMPERITY_TOKEN", expired)
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "the access token expired at 2023-11-14T22:13:20Z",
        ))
        .stderr(predicate::str::contains(expired).not());
    assert_eq!(anything.calls(), 0, "nothing was sent");
}

#[test]
fn login_saves_a_checked_profile_that_status_and_token_then_use() {
    let tenant = Tenant::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");

    // A refused secret is not saved.
    let mut login = amperity();
    with_config(&mut login, &config);
    login
        .args(["--tenant", "acme", "--base-url", &tenant.base_url()])
        .args([
            "--client-id",
            CLIENT_ID,
            "auth",
            "login",
            "--client-secret-stdin",
        ])
        .write_stdin("not-it\n")
        .assert()
        .code(4);
    assert!(!config.exists());

    let mut login = amperity();
    with_config(&mut login, &config);
    login
        .args(["--tenant", "acme", "--base-url", &tenant.base_url()])
        .args([
            "--client-id",
            CLIENT_ID,
            "auth",
            "login",
            "--client-secret-stdin",
        ])
        .write_stdin(format!("{SECRET}\n"))
        .assert()
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("saved profile \"default\""))
        .stderr(predicate::str::contains(SECRET).not());
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains(CLIENT_ID), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("default.secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Everything from the profile now.
    let mut status = amperity();
    with_config(&mut status, &config);
    let stdout = support::stdout_of(status.args(["auth", "status"]));
    assert!(
        stdout.contains("tenant        acme (from profile \"default\")"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "OAuth client id {CLIENT_ID} (from profile \"default\")"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("access token  valid until"), "{stdout}");
    assert!(
        !stdout.contains(SECRET) && !stdout.contains(MINTED),
        "{stdout}"
    );

    let mut token = amperity();
    with_config(&mut token, &config);
    token
        .args(["auth", "token"])
        .assert()
        .success()
        .stdout(format!("{MINTED}\n"));
}

#[test]
fn flags_beat_the_environment_which_beats_the_profile() {
    let tenant = Tenant::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let secret = dir.path().join("prod.secret");
    write_secret(&secret, SECRET, 0o600);
    std::fs::write(
        &config,
        format!(
            "[profiles.default]\ntenant = \"from-default\"\nbase_url = \"{url}\"\nclient_id = \"{CLIENT_ID}\"\nclient_secret_file = \"{secret}\"\n\n\
             [profiles.prod]\ntenant = \"acme\"\nbase_url = \"{url}\"\nclient_id = \"{CLIENT_ID}\"\nclient_secret_file = \"{secret}\"\n",
            url = tenant.base_url(),
            secret = secret.display()
        ),
    )
    .unwrap();
    let status = |configure: &dyn Fn(&mut assert_cmd::Command)| {
        let mut command = amperity();
        with_config(&mut command, &config);
        configure(&mut command);
        let output = command.args(["auth", "status"]).output().unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let line = |stdout: &str, name: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default()
            .to_owned()
    };

    let stdout = status(&|_| {});
    assert!(
        line(&stdout, "profile").contains("default (no --profile"),
        "{stdout}"
    );
    assert_eq!(
        line(&stdout, "tenant"),
        "tenant        from-default (from profile \"default\")"
    );

    let stdout = status(&|c| {
        c.env("AMPERITY_PROFILE", "prod");
    });
    assert_eq!(
        line(&stdout, "profile"),
        "profile       prod (from environment variable AMPERITY_PROFILE)"
    );
    assert_eq!(
        line(&stdout, "tenant"),
        "tenant        acme (from profile \"prod\")"
    );

    let stdout = status(&|c| {
        c.env("AMPERITY_PROFILE", "prod")
            .args(["--profile", "default"]);
    });
    assert_eq!(
        line(&stdout, "profile"),
        "profile       default (from flag --profile)"
    );

    let stdout = status(&|c| {
        c.env("AMPERITY_TENANT", "from-env");
    });
    assert_eq!(
        line(&stdout, "tenant"),
        "tenant        from-env (from environment variable AMPERITY_TENANT)"
    );

    let stdout = status(&|c| {
        c.env("AMPERITY_TENANT", "from-env")
            .args(["--tenant", "from-flag"]);
    });
    assert_eq!(
        line(&stdout, "tenant"),
        "tenant        from-flag (from flag --tenant)"
    );

    // An access token in the environment beats the profile's client credentials...
    let stdout = status(&|c| {
        c.env("AMPERITY_TOKEN", "static-token");
    });
    assert!(
        line(&stdout, "credentials")
            .contains("a fixed access token (from environment variable AMPERITY_TOKEN)"),
        "{stdout}"
    );
    // ... and a client id flag beats the token in the environment.
    let stdout = status(&|c| {
        c.env("AMPERITY_TOKEN", "static-token")
            .args(["--client-id", CLIENT_ID]);
    });
    assert!(
        line(&stdout, "credentials").contains("(from flag --client-id)"),
        "{stdout}"
    );

    // A profile that does not exist is an error that lists the ones that do.
    let mut command = amperity();
    with_config(&mut command, &config);
    command
        .args(["--profile", "staging", "auth", "status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no profile \"staging\""))
        .stderr(predicate::str::contains("default, prod"));
}

#[cfg(unix)]
#[test]
fn a_secret_file_others_can_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let secret = dir.path().join("prod.secret");
    write_secret(&secret, SECRET, 0o644);
    std::fs::write(
        &config,
        format!(
            "[profiles.default]\ntenant = \"acme\"\nclient_id = \"{CLIENT_ID}\"\nclient_secret_file = \"{}\"\n",
            secret.display()
        ),
    )
    .unwrap();
    let mut command = amperity();
    with_config(&mut command, &config);
    command
        .args(["segments", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "refusing to read the client secret",
        ))
        .stderr(predicate::str::contains("chmod 600"))
        .stderr(predicate::str::contains(SECRET).not());
}

//! The OAuth client-credentials token route, and API requests made with the tokens it issues.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use amperity_mock::MockConfig;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::Value;

use crate::support::{Mock, TENANT, TOKEN, VERSION, config, start};

const CLIENT_ID: &str = "mock-client";
/// Distinctive, so that finding it in an answer cannot be a coincidence.
const SECRET: &str = "s3cr3t-Zq9!x&y=z+w";

/// A config that issues tokens, without the static token.
fn issuing() -> MockConfig {
    MockConfig {
        token: None,
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(SECRET.into()),
        ..config(10)
    }
}

/// A form body with these parameters, percent-encoded.
fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn good_form() -> String {
    form(&[
        ("grant_type", "client_credentials"),
        ("client_id", CLIENT_ID),
        ("client_secret", SECRET),
    ])
}

/// `POST /v0/oauth2/token` with `body`, as a form, for the tenant.
fn token_request(mock: &Mock, body: String) -> RequestBuilder {
    mock.bare(Method::POST, "/v0/oauth2/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-amperity-tenant", TENANT)
        .body(body)
}

/// An answer of the token route.
#[derive(Debug)]
struct TokenAnswer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

/// Sends a token request and checks what every answer of the route must satisfy: JSON, not
/// cacheable, never holding the secret, an RFC 6749 §5.2 body on error.
async fn send(request: RequestBuilder) -> TokenAnswer {
    let response = request.send().await.expect("the mock answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
    assert_eq!(headers["content-type"], "application/json", "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    if status != StatusCode::TOO_MANY_REQUESTS {
        assert_eq!(headers["cache-control"], "no-store", "{text}");
    }
    if matches!(status.as_u16(), 400 | 401) {
        let object = body.as_object().unwrap();
        assert_eq!(object.len(), 2, "{text}");
        let description = body["error_description"].as_str().unwrap();
        // RFC 6749 §5.2: printable ASCII but `"` and `\`.
        assert!(
            description
                .chars()
                .all(|c| matches!(c, ' '..='~') && c != '"' && c != '\\'),
            "{description}"
        );
    }
    if status == StatusCode::UNAUTHORIZED {
        let challenge = headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("Basic "), "{challenge}");
    }
    TokenAnswer {
        status,
        headers,
        body,
    }
}

async fn expect_oauth_error(request: RequestBuilder, status: u16, error: &str) -> String {
    let answer = send(request).await;
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["error"], error, "{}", answer.body);
    answer.body["error_description"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A fresh access token from `mock`.
async fn issue(mock: &Mock) -> String {
    let answer = send(token_request(mock, good_form())).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["access_token"].as_str().unwrap().to_owned()
}

/// `GET /segments` with `token` and the other headers a correct client sends.
fn segments_with(mock: &Mock, token: &str) -> RequestBuilder {
    mock.bare(Method::GET, "/segments")
        .bearer_auth(token)
        .header("amperity-tenant", TENANT)
        .header("api-version", VERSION)
}

/// The JSON of one base64url part of a JWT.
fn part(token: &str, index: usize) -> Value {
    let text = token.split('.').nth(index).unwrap();
    serde_json::from_slice(&base64url_decode(text)).unwrap()
}

fn base64url_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => panic!("not base64url: {c}"),
    };
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        bits = bits << 6 | u32::from(value(c));
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

fn base64url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    let (mut bits, mut count) = (0u32, 0);
    for &b in bytes {
        bits = bits << 8 | u32::from(b);
        count += 8;
        while count >= 6 {
            count -= 6;
            out.push(char::from(ALPHABET[(bits >> count & 63) as usize]));
        }
    }
    if count > 0 {
        out.push(char::from(ALPHABET[(bits << (6 - count) & 63) as usize]));
    }
    out
}

/// An unsigned JWT with these claims.
fn jwt(claims: &Value) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        base64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        base64url_encode(claims.to_string().as_bytes())
    )
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp like `2026-04-09T17:21:06.000Z`.
fn epoch_secs(timestamp: &str) -> i64 {
    let field = |range: std::ops::Range<usize>| timestamp[range].parse::<i64>().unwrap();
    let (year, month, day) = (field(0..4), field(5..7), field(8..10));
    let (h, m, s) = (field(11..13), field(14..16), field(17..19));
    assert_eq!(&timestamp[19..], ".000Z", "{timestamp}");
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + h * 3600 + m * 60 + s
}

#[tokio::test]
async fn issued_tokens_have_the_documented_shape_and_open_the_api() {
    let mock = start(issuing()).await;
    let before = now_secs();
    let answer = send(token_request(&mock, good_form())).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.headers["pragma"], "no-cache");
    let body = answer.body.as_object().unwrap();
    assert_eq!(body.len(), 3, "{body:?}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3);
    assert!(!token.contains('='), "unpadded: {token}");
    assert_eq!(
        part(token, 0),
        serde_json::json!({"alg": "HS256", "typ": "JWT"})
    );
    let claims = part(token, 1);
    assert_eq!(claims["iss"], "amperity-mock");
    assert_eq!(claims["sub"], CLIENT_ID);
    assert_eq!(claims["tenant"], TENANT);
    let iat = claims["iat"].as_u64().unwrap();
    assert!((before..=now_secs()).contains(&iat), "{claims}");
    assert_eq!(claims["exp"].as_u64().unwrap(), iat + 3600);
    let other = issue(&mock).await;
    assert_ne!(claims["jti"], part(&other, 1)["jti"]);
    assert!(!claims["jti"].as_str().unwrap().is_empty());

    for token in [token, &other] {
        let answer = mock.send(segments_with(&mock, token)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    assert_eq!(
        (mock.server.tokens_issued(), mock.server.token_requests()),
        (2, 2)
    );
}

#[tokio::test]
async fn the_token_lifetime_is_configurable() {
    let mock = start(MockConfig {
        token_ttl: Duration::from_secs(90),
        ..issuing()
    })
    .await;
    let answer = send(token_request(&mock, good_form())).await;
    assert_eq!(answer.body["expires_in"], 90);
    let claims = part(answer.body["access_token"].as_str().unwrap(), 1);
    assert_eq!(
        claims["exp"].as_u64().unwrap(),
        claims["iat"].as_u64().unwrap() + 90
    );
}

#[tokio::test]
async fn malformed_token_requests_are_400_invalid_request() {
    let mock = start(issuing()).await;
    let post = || mock.bare(Method::POST, "/v0/oauth2/token");
    let form_post = |body: String| {
        post()
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-amperity-tenant", TENANT)
            .body(body)
    };
    let mut requests = vec![
        // No content type, or not a form.
        post().header("x-amperity-tenant", TENANT).body(good_form()),
        post()
            .header("x-amperity-tenant", TENANT)
            .header("content-type", "application/json")
            .body(format!(
                r#"{{"grant_type":"client_credentials","client_id":"{CLIENT_ID}","client_secret":"{SECRET}"}}"#
            )),
        // Unparsable: a bad escape, bytes that are not UTF-8.
        form_post(format!("{}&x=%zz", good_form())),
        form_post(format!("{}&client_id=%ff", good_form())),
        // Given twice (RFC 6749 §3.2).
        form_post(format!("{}&client_secret=other", good_form())),
        // No tenant.
        post()
            .header("content-type", "application/x-www-form-urlencoded")
            .body(good_form()),
        post()
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-amperity-tenant", " ")
            .body(good_form()),
    ];
    for missing in ["grant_type", "client_id", "client_secret"] {
        let pairs: Vec<_> = [
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
        ]
        .into_iter()
        .map(|(k, v)| (k, if k == missing { "" } else { v }))
        .collect();
        // Once left out, once empty: RFC 6749 §3.1 makes them the same.
        let without: Vec<_> = pairs
            .iter()
            .copied()
            .filter(|(k, _)| *k != missing)
            .collect();
        requests.push(form_post(form(&pairs)));
        requests.push(form_post(form(&without)));
    }
    for request in requests {
        expect_oauth_error(request, 400, "invalid_request").await;
    }
    let description = expect_oauth_error(
        form_post(form(&[("grant_type", "client_credentials")])),
        400,
        "invalid_request",
    )
    .await;
    assert!(
        description.contains("client_id, client_secret"),
        "{description}"
    );
    // The charset parameter of the media type is fine.
    let with_charset = post()
        .header(
            "content-type",
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
        )
        .header("x-amperity-tenant", TENANT)
        .body(good_form());
    assert_eq!(send(with_charset).await.status, 200);
    for grant_type in ["password", "authorization_code", SECRET] {
        let body = form(&[
            ("grant_type", grant_type),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
        ]);
        expect_oauth_error(form_post(body), 400, "unsupported_grant_type").await;
    }
    assert_eq!(mock.server.tokens_issued(), 1);
    // Other methods are the API's 405, in its own error shape.
    let get = mock.bare(Method::GET, "/v0/oauth2/token");
    let answer = mock.expect_error(get, 405).await;
    assert_eq!(answer.headers["allow"], "POST");
}

#[tokio::test]
async fn wrong_clients_and_other_tenants_are_401_invalid_client() {
    let mock = start(issuing()).await;
    let with = |id: &str, secret: &str| {
        form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ])
    };
    for body in [
        with("someone-else", SECRET),
        with(CLIENT_ID, "wrong"),
        with(CLIENT_ID, &SECRET[..SECRET.len() - 1]),
        with(CLIENT_ID, &format!("{SECRET}x")),
        // Id and secret swapped: the answer must not send the secret back.
        with(SECRET, CLIENT_ID),
    ] {
        expect_oauth_error(token_request(&mock, body), 401, "invalid_client").await;
    }
    let other_tenant = mock
        .bare(Method::POST, "/v0/oauth2/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-amperity-tenant", "globex")
        .body(good_form());
    let description = expect_oauth_error(other_tenant, 401, "invalid_client").await;
    assert!(description.contains("globex"), "{description}");
    // A tenant header holding the secret is not echoed either.
    let mixed_up = mock
        .bare(Method::POST, "/v0/oauth2/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-amperity-tenant", SECRET)
        .body(good_form());
    expect_oauth_error(mixed_up, 401, "invalid_client").await;
    assert_eq!(
        (mock.server.tokens_issued(), mock.server.token_requests()),
        (0, 7)
    );
}

#[tokio::test]
async fn a_mock_without_client_credentials_issues_no_tokens() {
    let mock = start(config(10)).await;
    let description =
        expect_oauth_error(token_request(&mock, good_form()), 401, "invalid_client").await;
    assert!(
        description.contains("--client-id/--client-secret"),
        "{description}"
    );
    // The static token still works, as before.
    assert_eq!(mock.send(mock.get()).await.status, 200);
}

#[tokio::test]
async fn the_token_route_skips_the_api_checks_but_not_the_rate_limit() {
    let mock = start(MockConfig {
        rate_limit: 2,
        ..issuing()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        // No bearer token, amperity-tenant or api-version, and a query string the API refuses.
        let request = mock
            .bare(Method::POST, "/v0/oauth2/token?limit=0&limit=1")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-amperity-tenant", TENANT)
            .body(good_form());
        statuses.push(send(request).await.status.as_u16());
    }
    assert_eq!(&statuses[..2], [200, 200], "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    let issued = statuses.iter().filter(|s| **s == 200).count() as u64;
    assert_eq!(mock.server.tokens_issued(), issued);
    assert_eq!(mock.server.token_requests(), 6);
}

#[tokio::test]
async fn expired_tokens_are_401_with_the_time_they_expired() {
    let mock = start(MockConfig {
        token_ttl: Duration::from_secs(1),
        ..issuing()
    })
    .await;
    let token = issue(&mock).await;
    let exp = part(&token, 1)["exp"].as_u64().unwrap();
    // The token lives until `exp` (whole seconds): at most a second from now.
    let answer = mock.send(segments_with(&mock, &token)).await;
    assert!(answer.status == 200 || now_secs() >= exp, "{}", answer.body);
    let until_expired = Duration::from_millis(exp * 1000 + 50)
        .saturating_sub(SystemTime::now().duration_since(UNIX_EPOCH).unwrap());
    tokio::time::sleep(until_expired).await;
    let answer = mock.expect_error(segments_with(&mock, &token), 401).await;
    let message = answer.body["message"].as_str().unwrap();
    let at = message
        .strip_prefix("The access token expired at ")
        .and_then(|rest| rest.strip_suffix('.'))
        .unwrap_or_else(|| panic!("{message}"));
    assert_eq!(epoch_secs(at), exp as i64, "{message}");
    // A fresh one works again: what a client's refresh does.
    let fresh = issue(&mock).await;
    assert_eq!(mock.send(segments_with(&mock, &fresh)).await.status, 200);
}

#[tokio::test]
async fn any_expired_jwt_is_401_whoever_issued_it() {
    let stale = jwt(&serde_json::json!({"iss": "https://login.example", "exp": 1_700_000_000}));
    let live = jwt(&serde_json::json!({"iss": "https://login.example", "exp": 4_000_000_000u64}));
    for config in [
        config(10),
        MockConfig {
            token: None,
            ..config(10)
        },
    ] {
        let mock = start(config).await;
        let answer = mock.expect_error(segments_with(&mock, &stale), 401).await;
        assert_eq!(
            answer.body["message"],
            "The access token expired at 2023-11-14T22:13:20.000Z."
        );
        let expected = if mock.config.token.is_some() {
            401
        } else {
            200
        };
        assert_eq!(
            mock.send(segments_with(&mock, &live)).await.status,
            expected
        );
    }
}

#[tokio::test]
async fn forged_and_foreign_tokens_are_401() {
    let mock = start(issuing()).await;
    let other = start(issuing()).await;
    let token = issue(&mock).await;
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let altered_signature = format!("{signed}.{flipped}{}", &signature[1..]);
    // The payload changed (another tenant), the signature kept.
    let mut claims = part(&token, 1);
    claims["tenant"] = "globex".into();
    let header = token.split('.').next().unwrap();
    let altered_claims = format!(
        "{header}.{}.{signature}",
        base64url_encode(claims.to_string().as_bytes())
    );
    let unsigned = jwt(&serde_json::json!({"iss": "amperity-mock", "exp": 4_000_000_000u64}));
    for bad in [
        altered_signature,
        altered_claims,
        unsigned,
        issue(&other).await,
    ] {
        let answer = mock.expect_error(segments_with(&mock, &bad), 401).await;
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains("signature"), "{message}");
    }
    // Neither the static token of another config nor an opaque string passes.
    for bad in [TOKEN, "made-up", ""] {
        mock.expect_error(segments_with(&mock, bad), 401).await;
    }
    assert_eq!(mock.send(segments_with(&mock, &token)).await.status, 200);
}

#[tokio::test]
async fn the_static_token_and_issued_tokens_work_side_by_side() {
    let mock = start(MockConfig {
        token: Some(TOKEN.into()),
        ..issuing()
    })
    .await;
    let issued = issue(&mock).await;
    for token in [TOKEN, issued.as_str()] {
        assert_eq!(mock.send(segments_with(&mock, token)).await.status, 200);
    }
    mock.expect_error(segments_with(&mock, "wrong"), 401).await;
    let other = start(issuing()).await;
    let foreign = issue(&other).await;
    mock.expect_error(segments_with(&mock, &foreign), 401).await;
}

#[tokio::test]
async fn the_secret_stays_out_of_debug_output() {
    let config = issuing();
    for text in [format!("{config:?}"), format!("{config:#?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains(CLIENT_ID), "{text}");
    }
    let mock = start(config).await;
    assert!(!format!("{:?}", mock.server).contains(SECRET));
}

/// A child process killed when dropped, so that a failed test leaves no server behind.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_takes_the_secret_from_the_environment() {
    use std::io::BufRead;

    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_amperity-mock"))
            .args(["--addr", "127.0.0.1:0", "--client-id", CLIENT_ID])
            .args(["--tenant", TENANT, "--token-ttl", "60"])
            .env("AMPERITY_MOCK_CLIENT_SECRET", SECRET)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts"),
    );
    // The startup line comes at once; reading it blocks this test's thread only briefly.
    let mut line = String::new();
    std::io::BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base_url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("{line}"))
        .to_owned();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let answer = send(
        client
            .post(format!("{base_url}/v0/oauth2/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-amperity-tenant", TENANT)
            .body(good_form()),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["expires_in"], 60);
}

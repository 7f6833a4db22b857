//! OAuth client credentials against servers on loopback: the documented token request, one
//! exchange for many concurrent calls, renewal before expiry and after a 401, retries of a
//! failing token endpoint, refused credentials, and no secret in any output.

mod support;

use std::time::Duration;

use amperity::{Error, TokenErrorKind};
use httpmock::prelude::*;
use support::{Canned, Scripted, capture_traces};

const CLIENT_ID: &str = "client-7f3a";
const SECRET: &str = "s3cr3t-Client-Secret-Value";

fn builder(base_url: &str) -> amperity::ClientBuilder {
    amperity::Client::builder()
        .tenant("acme")
        .client_credentials(CLIENT_ID, SECRET)
        .base_url(base_url)
        .rate_limit(0)
        .retry_policy(support::fast_retries())
}

fn granted(token: &str, expires_in: u64) -> Canned {
    Canned::json(
        200,
        serde_json::json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}),
    )
}

fn bearer(seen: &support::Seen) -> String {
    seen.headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn fifty_concurrent_calls_make_one_documented_token_request() {
    let server = MockServer::start_async().await;
    // Matches only the request Amperity documents: anything else gets httpmock's 404.
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v0/oauth2/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-amperity-tenant", "acme")
                .header_missing("authorization")
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("client_id", CLIENT_ID)
                .form_urlencoded_tuple("client_secret", SECRET);
            then.status(200)
                .delay(Duration::from_millis(300))
                .json_body(serde_json::json!({
                    "access_token": "minted-1", "expires_in": 3600, "token_type": "Bearer"
                }));
        })
        .await;
    let segments = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/segments")
                .header("authorization", "Bearer minted-1");
            then.status(200)
                .json_body(serde_json::json!({"data": [{"id": "s1", "name": "One"}]}));
        })
        .await;
    let client = builder(&server.url("/api")).build().unwrap();
    let calls = (0..50).map(|_| {
        let client = client.clone();
        async move { client.list_segments().page().await }
    });
    for outcome in futures::future::join_all(calls).await {
        outcome.unwrap();
    }
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(segments.calls_async().await, 50);
    // Later calls reuse the cached token.
    client.list_segments().page().await.unwrap();
    assert_eq!(token.calls_async().await, 1);
    let token = client.access_token().await.unwrap();
    assert_eq!(token.expose_secret(), "minted-1");
    assert!(token.expires_at().is_some());
}

#[tokio::test]
async fn refused_credentials_are_a_clear_error_that_names_no_secret() {
    let (traces, _guard) = capture_traces();
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v0/oauth2/token");
            // A careless server that echoes the secret: it is masked all the same.
            then.status(401).json_body(serde_json::json!({
                "error": "invalid_client",
                "error_description": format!("unknown secret {SECRET}")
            }));
        })
        .await;
    let segments = server
        .mock_async(|when, then| {
            when.path("/api/segments");
            then.status(200).json_body(serde_json::json!({"data": []}));
        })
        .await;
    let client = builder(&server.url("/api")).build().unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    let Error::Token(cause) = &error else {
        panic!("expected a token error, got {error:?}");
    };
    assert_eq!(cause.kind(), TokenErrorKind::Refused);
    let message = error.to_string();
    assert!(
        message.contains("HTTP 401 Unauthorized: invalid_client"),
        "{message}"
    );
    assert!(
        message.contains("client credentials were refused"),
        "{message}"
    );
    // Refused is final: not retried, and the API is never called without a token.
    assert_eq!(token.calls_async().await, 1);
    assert_eq!(segments.calls_async().await, 0);
    for output in [
        message,
        format!("{error:?}"),
        format!("{client:?}"),
        format!("{:?}", builder("http://127.0.0.1:1/api")),
        traces.text(),
    ] {
        assert!(!output.contains(SECRET), "the secret leaked into: {output}");
    }
}

#[tokio::test]
async fn a_failing_token_endpoint_is_retried_like_any_request() {
    let server = Scripted::start(vec![
        Canned::error(503, "busy"),
        granted("minted-1", 3600),
        Canned::page(&["a"], None),
    ])
    .await;
    let client = builder(&server.base_url).build().unwrap();
    let page = client.list_segments().page().await.unwrap();
    assert_eq!(page.items.len(), 1);
    let seen = server.requests();
    assert_eq!(
        server.uris(),
        [
            "/api/v0/oauth2/token",
            "/api/v0/oauth2/token",
            "/api/segments"
        ]
    );
    assert_eq!(
        seen[1].body,
        format!("grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={SECRET}")
    );
    assert_eq!(bearer(&seen[2]), "Bearer minted-1");
}

#[tokio::test]
async fn a_token_the_api_refuses_is_renewed_once() {
    let server = Scripted::start(vec![
        granted("minted-1", 3600),
        Canned::error(401, "token revoked"),
        granted("minted-2", 3600),
        Canned::page(&["a"], None),
    ])
    .await;
    let client = builder(&server.base_url).build().unwrap();
    client.list_segments().page().await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 4);
    assert_eq!(bearer(&seen[1]), "Bearer minted-1");
    assert_eq!(bearer(&seen[3]), "Bearer minted-2");
}

#[tokio::test]
async fn a_token_is_renewed_shortly_before_it_expires() {
    let server = Scripted::start(vec![
        granted("minted-1", 1),
        Canned::page(&["a"], None),
        granted("minted-2", 3600),
        Canned::page(&["b"], None),
    ])
    .await;
    let client = builder(&server.base_url).build().unwrap();
    client.list_segments().page().await.unwrap();
    // A tenth of the second-long lifetime before the end, the token counts as spent.
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.list_segments().page().await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 4, "{:?}", server.uris());
    assert_eq!(bearer(&seen[3]), "Bearer minted-2");
}

#[tokio::test]
async fn the_token_url_can_be_set_and_must_be_safe() {
    let server = Scripted::start(vec![granted("minted-1", 3600), Canned::page(&["a"], None)]).await;
    let token_url = server.base_url.replace("/api", "/oauth/token");
    // In either order with the credentials.
    let client = amperity::Client::builder()
        .token_url(&token_url)
        .tenant("acme")
        .client_credentials(CLIENT_ID, SECRET)
        .base_url(&server.base_url)
        .rate_limit(0)
        .build()
        .unwrap();
    client.list_segments().page().await.unwrap();
    assert_eq!(server.uris(), ["/oauth/token", "/api/segments"]);

    let error = builder(&server.base_url)
        .token_url("http://example.com/oauth2/token")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

#[tokio::test]
async fn an_expired_static_token_fails_before_sending() {
    use base64::Engine;
    let encode = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    let jwt = format!(
        "{}.{}.sig",
        encode(r#"{"alg":"HS256"}"#),
        encode(r#"{"exp":1700000000}"#)
    );
    let server = Scripted::start(vec![Canned::page(&["a"], None)]).await;
    let client = amperity::Client::builder()
        .tenant("acme")
        .token(&jwt)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    let Error::Token(cause) = &error else {
        panic!("expected a token error, got {error:?}");
    };
    assert_eq!(cause.kind(), TokenErrorKind::Expired);
    assert!(
        error
            .to_string()
            .contains("the access token expired at 2023-11-14T22:13:20Z"),
        "{error}"
    );
    assert!(!error.to_string().contains(&jwt));
    assert!(server.requests().is_empty(), "nothing was sent");
}

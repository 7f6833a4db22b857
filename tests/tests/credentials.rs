//! OAuth client credentials end to end: the SDK against the mock's token endpoint and API, which
//! issues JWTs that expire and refuses expired ones, counting every token it issues.
#![forbid(unsafe_code)]

use std::time::Duration;

use amperity_mock::MockConfig;
use futures::TryStreamExt;

const CLIENT_ID: &str = "workspace-client";
const SECRET: &str = "workspace-Secret-31415";

fn mock_config(segments: u64, token_ttl: Duration) -> MockConfig {
    MockConfig {
        segments,
        tenant: Some("acme".into()),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(SECRET.into()),
        token_ttl,
        rate_limit: 0,
        ..MockConfig::default()
    }
}

fn client(base_url: &str) -> amperity::Client {
    amperity::Client::builder()
        .tenant("acme")
        .client_credentials(CLIENT_ID, SECRET)
        .base_url(base_url)
        .rate_limit(0)
        .build()
        .unwrap()
}

fn expected_ids(config: &MockConfig) -> Vec<String> {
    (0..config.segments)
        .map(|i| amperity_mock::segment(config, i).unwrap().0)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_page_walk_needs_one_token() {
    let config = mock_config(1000, Duration::from_secs(3600));
    let mock = amperity_mock::spawn(config.clone()).await.unwrap();
    let client = client(&mock.base_url());
    let limit = std::num::NonZeroU32::new(1).unwrap();
    let pages: Vec<_> = client
        .list_segments()
        .limit(limit)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1000);
    let ids: Vec<String> = pages
        .into_iter()
        .flat_map(|page| page.items)
        .map(|segment| segment.id)
        .collect();
    assert_eq!(ids, expected_ids(&config));
    assert_eq!(mock.tokens_issued(), 1);
    assert_eq!(mock.token_requests(), 1);
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_that_expire_mid_walk_are_renewed_and_no_page_is_lost() {
    // Tokens live one second; a reader that takes 15 ms a page spends about three seconds on
    // 200 pages, so the walk outlives several tokens.
    let config = mock_config(1000, Duration::from_secs(1));
    let mock = amperity_mock::spawn(config.clone()).await.unwrap();
    let client = client(&mock.base_url());
    let limit = std::num::NonZeroU32::new(5).unwrap();
    let mut pages = client.list_segments().limit(limit).pages();
    let mut ids = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        ids.extend(page.items.into_iter().map(|segment| segment.id));
        tokio::time::sleep(Duration::from_millis(15)).await;
    }
    assert_eq!(ids, expected_ids(&config), "every segment, once, in order");
    let issued = mock.tokens_issued();
    assert!(issued >= 3, "the walk renewed its token: {issued} issued");
    // Renewed ahead of expiry, not once per page.
    assert!(issued <= 10, "{issued} tokens for a three-second walk");
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_refused_by_the_token_endpoint() {
    let mock = amperity_mock::spawn(mock_config(10, Duration::from_secs(60)))
        .await
        .unwrap();
    let client = amperity::Client::builder()
        .tenant("acme")
        .client_credentials(CLIENT_ID, "not-the-secret")
        .base_url(mock.base_url())
        .rate_limit(0)
        .build()
        .unwrap();
    let error = client.list_segments().page().await.unwrap_err();
    let amperity::Error::Token(cause) = &error else {
        panic!("expected a token error: {error:?}");
    };
    assert_eq!(cause.kind(), amperity::TokenErrorKind::Refused);
    assert!(error.to_string().contains("invalid_client"), "{error}");
    assert_eq!(mock.tokens_issued(), 0);
    mock.shutdown().await;
}

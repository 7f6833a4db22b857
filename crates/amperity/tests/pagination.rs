//! Listing segments page by page: how walks end, what they send, and what they keep.

mod support;

use amperity::prelude::*;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use support::{Canned, Scripted, client_for};

fn assert_send<T: Send + 'static>(_: &T) {}

#[tokio::test]
async fn a_walk_follows_next_token_until_it_is_missing() {
    let server = Scripted::start(vec![
        Canned::page(&["a", "b"], Some("t1")),
        Canned::page(&["c", "d"], Some("t2")),
        Canned::page(&["e"], None),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let stream = client.list_segments().limit(2).stream();
    assert_send(&stream);
    let ids: Vec<String> = stream.map_ok(|s| s.id).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);

    assert_eq!(
        server.uris(),
        [
            "/api/segments?limit=2",
            "/api/segments?limit=2&next_token=t1",
            "/api/segments?limit=2&next_token=t2",
        ]
    );
}

#[tokio::test]
async fn a_null_or_empty_next_token_also_ends_the_walk() {
    for last in [json!(null), json!("")] {
        let server = Scripted::start(vec![
            Canned::page(&["a"], Some("t1")),
            Canned::json(
                200,
                json!({"data": [{"id": "b", "name": "B"}], "next_token": last}),
            ),
            Canned::error(500, "must not be requested"),
        ])
        .await;
        let client = client_for(&server.base_url).build().unwrap();
        let pages: Vec<_> = client.list_segments().pages().try_collect().await.unwrap();
        assert_eq!(pages.len(), 2, "next_token {last}");
        assert_eq!(pages[1].next_token, None);
        assert_eq!(server.requests().len(), 2);
    }
}

#[tokio::test]
async fn a_repeated_next_token_is_an_error_naming_it_not_a_loop() {
    let server = Scripted::start(vec![
        Canned::page(&["a"], Some("t1")),
        Canned::page(&["b"], Some("t2")),
        Canned::page(&["a"], Some("t1")),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let results: Vec<_> = client.list_segments().pages().collect().await;
    assert_eq!(results.len(), 3, "two pages, then the error, then the end");
    assert!(results[0].is_ok() && results[1].is_ok());
    let error = results[2].as_ref().unwrap_err();
    assert!(
        matches!(error, Error::RepeatedToken { token, pages: 3 } if token == "t1"),
        "{error:?}"
    );
    assert!(error.to_string().contains("\"t1\""), "{error}");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_walk_runs_ahead_one_page_at_first_and_further_as_the_caller_reads_on() {
    let pages: Vec<_> = (0..amperity::PAGES_AHEAD + 8)
        .map(|n| Canned::page(&[&format!("s{n}")], Some(&format!("t{}", n + 1))))
        .collect();
    let server = Scripted::start(pages).await;
    let client = client_for(&server.base_url).build().unwrap();
    let mut pages = client.list_segments().pages();

    // Waits until the server has seen `expected` requests, then a little longer, to see that no
    // request beyond them goes out: a count, not a timing.
    let settle = |expected: usize| {
        let server = &server;
        async move {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while server.requests().len() < expected && std::time::Instant::now() < deadline {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            server.requests().len()
        }
    };

    // The caller holds the first page and asks for nothing more: one page ahead, no further.
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.items[0].id, "s0");
    assert_eq!(settle(2).await, 2);

    // Each further page the caller asks for doubles the window (2, 4, 8), up to `PAGES_AHEAD`
    // pages past the one it holds.
    let rest: Vec<_> = (&mut pages).take(3).try_collect().await.unwrap();
    let ids: Vec<_> = rest.iter().map(|p| p.items[0].id.as_str()).collect();
    assert_eq!(ids, ["s1", "s2", "s3"]);
    assert_eq!(
        settle(4 + amperity::PAGES_AHEAD).await,
        4 + amperity::PAGES_AHEAD
    );

    // And it stays there as the caller reads on.
    let next = pages.try_next().await.unwrap().unwrap();
    assert_eq!(next.items[0].id, "s4");
    assert_eq!(
        settle(5 + amperity::PAGES_AHEAD).await,
        5 + amperity::PAGES_AHEAD
    );
}

#[tokio::test]
async fn a_cursor_anywhere_in_the_page_is_followed_in_order() {
    // The cursor before the data, escaped, and a nested member of the same name at the end: the
    // walk must follow the page's own cursor, whatever it reads early.
    let server = Scripted::start(vec![
        Canned::raw(
            200,
            "application/json",
            r#"{"next_token":"t\u0031","data":[{"id":"a","name":"A","meta":{"next_token":"x"}}]}"#,
        ),
        Canned::raw(
            200,
            "application/json",
            r#"{"data":[{"id":"b","name":"B"}],"next_token":"t2" }"#,
        ),
        Canned::page(&["c"], None),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let ids: Vec<String> = client
        .list_segments()
        .stream()
        .map_ok(|s| s.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(
        server.uris(),
        [
            "/api/segments",
            "/api/segments?next_token=t1",
            "/api/segments?next_token=t2"
        ]
    );
}

#[tokio::test]
async fn streams_are_lazy_until_polled() {
    let server = Scripted::start(vec![Canned::page(&["a"], None)]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let stream = client.list_segments().stream();
    tokio::task::yield_now().await;
    assert!(server.requests().is_empty());
    let segments: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(segments.len(), 1);
}

#[tokio::test]
async fn with_total_is_sent_and_the_first_pages_total_is_reachable() {
    let server = Scripted::start(vec![Canned::json(
        200,
        json!({"data": [{"id": "a", "name": "A"}], "total": 42}),
    )])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let page = client
        .list_segments()
        .with_total(true)
        .page()
        .await
        .unwrap();
    assert_eq!(page.total, Some(42));
    assert_eq!(server.requests()[0].uri, "/api/segments?with_total=true");
}

#[tokio::test]
async fn fields_the_spec_does_not_name_are_kept() {
    let server = Scripted::start(vec![Canned::json(
        200,
        json!({
            "data": [{"id": "a", "name": "A", "status": "active", "color": "teal", "size": {"n": 3}}],
            "cursor_version": 2
        }),
    )])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let page = client.list_segments().page().await.unwrap();
    let segment = &page.items[0];
    assert_eq!(segment.status.as_deref(), Some("active"));
    assert_eq!(segment.extra["color"], "teal");
    assert_eq!(segment.extra["size"], json!({"n": 3}));
    assert_eq!(page.extra["cursor_version"], 2);
    let written = serde_json::to_value(segment).unwrap();
    assert_eq!(
        written["color"], "teal",
        "unknown fields survive re-serialization"
    );
}

#[tokio::test]
async fn an_error_mid_walk_ends_the_stream_after_the_pages_before_it() {
    let server = Scripted::start(vec![
        Canned::page(&["a"], Some("t1")),
        Canned::error(404, "cursor expired"),
    ])
    .await;
    let client = client_for(&server.base_url).build().unwrap();
    let results: Vec<_> = client.list_segments().stream().collect().await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().id, "a");
    assert_eq!(
        results[1]
            .as_ref()
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(404)
    );
}

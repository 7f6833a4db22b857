//! Every list of the API walks the same way, through the one generated pagination: each ending
//! of a walk, a repeated cursor, the run-ahead's bound, starting from a cursor, and the filters
//! each list documents, on the query string as the server reads it.

mod support;

use std::time::{Duration, Instant};

use amperity::Error;
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use support::{Canned, Scripted, client_for};

/// A page of `items` with the cursor `next`.
fn page(items: Vec<Value>, next: Value) -> Canned {
    let mut body = json!({ "data": items });
    if !next.is_null() {
        body["next_token"] = next;
    }
    Canned::json(200, body)
}

/// Waits until the server has seen `expected` requests, then a little longer, and returns how
/// many it saw: a count, not a timing.
async fn settle(server: &Scripted, expected: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.requests().len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.requests().len()
}

/// The tests for one list: `$list` makes its builder from a client, `$item` a JSON item with a
/// given id, `$id` reads the id back from a typed item, and `$filtered` sets its documented
/// filters, which must reach the server as `$query`.
macro_rules! list_tests {
    (
        $module:ident, $path:literal,
        list: |$client:ident| $list:expr,
        item: |$item_id:ident| $item:expr,
        id: |$typed:ident| $id:expr,
        filtered: |$fclient:ident| $filtered:expr => $query:literal $(,)?
    ) => {
        mod $module {
            use super::*;

            fn item($item_id: &str) -> Value {
                $item
            }

            #[tokio::test]
            async fn each_ending_of_a_walk_ends_it() {
                for last in [None, Some(json!(null)), Some(json!(""))] {
                    let mut second = json!({"data": [item("b")]});
                    if let Some(last) = &last {
                        second["next_token"] = last.clone();
                    }
                    let server = Scripted::start(vec![
                        page(vec![item("a")], json!("t1")),
                        Canned::json(200, second),
                        Canned::error(500, "must not be requested"),
                    ])
                    .await;
                    let $client = client_for(&server.base_url).build().unwrap();
                    let ids: Vec<String> = ($list)
                        .stream()
                        .map_ok(|$typed| $id)
                        .try_collect()
                        .await
                        .unwrap_or_else(|e| panic!("ending {last:?}: {e}"));
                    assert_eq!(ids, ["a", "b"], "ending {last:?}");
                    assert_eq!(
                        server.uris(),
                        [concat!("/api", $path), concat!("/api", $path, "?next_token=t1")],
                        "ending {last:?}"
                    );
                }
            }

            #[tokio::test]
            async fn a_repeated_cursor_is_an_error_not_a_loop() {
                let server = Scripted::start(vec![
                    page(vec![item("a")], json!("t1")),
                    page(vec![item("b")], json!("t1")),
                ])
                .await;
                let $client = client_for(&server.base_url).build().unwrap();
                let results: Vec<_> = ($list).pages().collect().await;
                assert_eq!(results.len(), 2);
                let error = results[1].as_ref().unwrap_err();
                assert!(
                    matches!(error, Error::RepeatedToken { token, pages: 2 } if token == "t1"),
                    "{error:?}"
                );
                assert_eq!(server.requests().len(), 2);
            }

            #[tokio::test]
            async fn a_caller_holding_the_first_page_has_cost_one_request_ahead() {
                let pages: Vec<_> = (0..20)
                    .map(|n| page(vec![item(&format!("i{n}"))], json!(format!("t{}", n + 1))))
                    .collect();
                let server = Scripted::start(pages).await;
                let $client = client_for(&server.base_url).build().unwrap();
                let mut pages = ($list).pages();
                let first = pages.try_next().await.unwrap().unwrap();
                assert_eq!(first.items.len(), 1);
                assert_eq!(settle(&server, 2).await, 2);
            }

            #[tokio::test]
            async fn a_walk_starts_from_a_kept_cursor_and_filters_reach_the_server() {
                let server = Scripted::start(vec![page(vec![item("c")], json!(null))]).await;
                let $fclient = client_for(&server.base_url).build().unwrap();
                let page = ($filtered).next_token("kept").page().await.unwrap();
                assert_eq!(page.items.len(), 1);
                assert_eq!(page.next_token, None);
                let uris = server.uris();
                assert_eq!(uris.len(), 1);
                let (path, query) = uris[0].split_once('?').expect("a query string");
                assert_eq!(path, concat!("/api", $path));
                let mut sent: Vec<&str> = query.split('&').collect();
                let mut expected: Vec<&str> = concat!($query, "&next_token=kept").split('&').collect();
                sent.sort();
                expected.sort();
                assert_eq!(sent, expected);
            }
        }
    };
}

list_tests!(
    segments, "/segments",
    list: |client| client.list_segments(),
    item: |id| json!({"id": id, "name": format!("Segment {id}")}),
    id: |segment| segment.id,
    filtered: |client| client.list_segments().limit(50).with_total(true)
        => "limit=50&with_total=true",
);

list_tests!(
    audit_events, "/audit-events",
    list: |client| client.list_audit_events(),
    item: |id| json!({
        "event_id": id, "event_type": "segment/updated", "happened_at": "2026-06-19T04:00:18.764Z",
        "principal_email": "justin@socktown.com", "principal_id": "google-apps|justin",
        "principal_name": "Justin", "object_id": "seg-1", "origin_ip": "10.0.0.1",
        "session_id": "s-1", "tenant": "socktown", "tenant_family": "socktown",
        "user_agent": "curl/8"
    }),
    id: |event| event.event_id,
    filtered: |client| client
        .list_audit_events()
        .happened_from("2026-01-01")
        .happened_to("2026-02-01T12:00:00Z")
        .limit(1000)
        => "happened_from=2026-01-01&happened_to=2026-02-01T12%3A00%3A00Z&limit=1000",
);

list_tests!(
    campaigns, "/campaigns",
    list: |client| client.list_campaigns(),
    item: |id| json!({"id": id, "name": format!("Campaign {id}")}),
    id: |campaign| campaign.id,
    filtered: |client| client
        .list_campaigns()
        .destination_data_template_id("ddt-123")
        .with_total(true)
        => "destination_data_template_id=ddt-123&with_total=true",
);

list_tests!(
    workflow_runs, "/workflow/runs",
    list: |client| client.list_workflow_runs(),
    item: |id| json!({
        "id": id, "name": "Daily", "state": "succeeded", "type": "courier.group/run",
        "tenant": "socktown", "created_at": "2026-06-19T04:00:18.764Z"
    }),
    id: |run| run.id,
    filtered: |client| client
        .list_workflow_runs()
        .created_from("2026-06-01")
        .ended_to("2026-06-30")
        .state(amperity::types::WorkflowRunState::from("running"))
        .type_(amperity::types::WorkflowType::from("courier.group/run"))
        => "created_from=2026-06-01&ended_to=2026-06-30&state=running&type=courier.group%2Frun",
);

//! Which failed requests are sent again: an idempotent one after any transient failure, one that
//! changes state only when the server certainly did not act on it. A server below HTTP counts
//! what reaches it.

mod support;

use std::time::Duration;

use amperity::Error;
use serde_json::json;
use support::client_for;
use support::faults::{Fault, FaultServer};

fn page() -> Fault {
    Fault::json(200, json!({"data": [{"id": "s1", "name": "One"}]}))
}

#[tokio::test]
async fn a_get_cut_off_after_sending_is_sent_again() {
    let server = FaultServer::start(vec![Fault::Cut, page()]).await;
    let client = client_for(&server.base_url).build().unwrap();
    let page = client.list_segments().page().await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_get_that_timed_out_is_sent_again() {
    let server = FaultServer::start(vec![Fault::Hang, page()]).await;
    let client = client_for(&server.base_url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client.list_segments().page().await.unwrap();
    assert_eq!(server.received().len(), 2);
}

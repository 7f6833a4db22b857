//! The client keeps to the documented rate: no one-second window sees more requests than allowed.

mod support;

use std::time::Duration;

use futures::future::join_all;
use support::{Canned, Scripted, client_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_and_concurrent_calls_share_one_evenly_spaced_budget() {
    const RATE: u32 = 5;
    let server = Scripted::start(vec![Canned::page(&["a"], None)]).await;
    let client = client_for(&server.base_url)
        .rate_limit(RATE)
        .build()
        .unwrap();
    // Twelve calls at once from twelve clones: a burst is exactly what pacing must prevent.
    let calls = (0..12).map(|_| {
        let client = client.clone();
        async move { client.list_segments().page().await.unwrap() }
    });
    join_all(calls).await;
    let arrivals: Vec<_> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(arrivals.len(), 12);
    for window in arrivals.windows(RATE as usize + 1) {
        let span = *window.last().unwrap() - window[0];
        assert!(
            span >= Duration::from_secs(1),
            "{} requests arrived within {span:?}",
            RATE + 1
        );
    }
}

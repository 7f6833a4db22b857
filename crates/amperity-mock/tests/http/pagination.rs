//! Walking the segments: every one exactly once, in a stable order, whatever the page sizes.

use std::collections::HashSet;

use crate::support::{config, start};

const SEED: [(&str, &str); 2] = [
    ("ab-1CDEfGHI", "Holiday Segment"),
    ("cd-2FGHiJKL", "Returning Customers"),
];

#[tokio::test]
async fn every_page_size_sees_each_segment_exactly_once() {
    let mock = start(config(1234)).await;
    let expected = mock.expected();
    assert_eq!(expected[0], (SEED[0].0.into(), SEED[0].1.into()));
    assert_eq!(expected[1], (SEED[1].0.into(), SEED[1].1.into()));
    let unique: HashSet<_> = expected.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), expected.len(), "ids are unique");
    for size in [1, 7, 100, 1000] {
        assert_eq!(mock.walk(|_| size).await, expected, "page size {size}");
    }
}

#[tokio::test]
async fn changing_the_page_size_mid_walk_loses_and_repeats_nothing() {
    let mock = start(config(1234)).await;
    let sizes = [3, 50, 1, 1000, 17, 2];
    assert_eq!(
        mock.walk(|page| sizes[page % sizes.len()]).await,
        mock.expected()
    );
}

#[tokio::test]
async fn pages_hold_100_segments_unless_told_otherwise() {
    let mock = start(config(250)).await;
    let first = mock.send(mock.get()).await;
    assert_eq!(first.body["data"].as_array().unwrap().len(), 100);
    assert_eq!(first.body["data"][0]["id"], SEED[0].0);
    assert_eq!(first.body["data"][1]["name"], SEED[1].1);
    assert!(first.body.get("total").is_none());
}

#[tokio::test]
async fn total_is_there_only_with_with_total_true() {
    let mock = start(config(25)).await;
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = mock.get().query(&[("limit", "10"), ("with_total", "true")]);
        if let Some(token) = &token {
            request = request.query(&[("next_token", token)]);
        }
        let body = mock.send(request).await.body;
        assert_eq!(body["total"], 25, "{body}");
        pages += 1;
        match body.get("next_token") {
            Some(next) => token = Some(next.as_str().unwrap().into()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let without = mock
        .send(mock.get().query(&[("with_total", "false")]))
        .await;
    assert!(without.body.get("total").is_none(), "{}", without.body);
}

#[tokio::test]
async fn the_same_seed_serves_the_same_data_and_another_seed_other_data() {
    let a = start(config(40)).await;
    let b = start(config(40)).await;
    let c = start(amperity_mock::MockConfig {
        seed: 2,
        ..config(40)
    })
    .await;
    let (walk_a, walk_b, walk_c) = (
        a.walk(|_| 40).await,
        b.walk(|_| 40).await,
        c.walk(|_| 40).await,
    );
    assert_eq!(walk_a, walk_b);
    assert_eq!(
        walk_a[..2],
        walk_c[..2],
        "the seed's segments always come first"
    );
    assert_ne!(walk_a[2..], walk_c[2..]);
}

#[tokio::test]
async fn names_exercise_csv_and_unicode_handling() {
    let mock = start(config(1000)).await;
    let names: Vec<String> = mock
        .walk(|_| 1000)
        .await
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert!(names.iter().any(|n| n.contains(',')));
    assert!(names.iter().any(|n| n.contains('"')));
    assert!(names.iter().any(|n| n.contains('\'')));
    assert!(names.iter().any(|n| !n.is_ascii()));
    assert!(
        names.iter().any(|n| n.chars().any(|c| c.len_utf8() == 4)),
        "an emoji"
    );
}

#[tokio::test]
async fn a_million_segments_are_served_without_storing_them() {
    let mut mock = start(config(1_000_000)).await;
    mock.check_one_in = 97;
    let seen = mock.walk(|_| 1000).await;
    assert_eq!(seen.len(), 1_000_000);
    let unique: HashSet<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(unique.len(), 1_000_000);
    for i in [0, 1, 2, 500_000, 999_999] {
        assert_eq!(
            Some(seen[i as usize].clone()),
            amperity_mock::segment(&mock.config, i)
        );
    }
    assert_eq!(amperity_mock::segment(&mock.config, 1_000_000), None);
}

#[tokio::test]
async fn an_empty_tenant_has_one_empty_page() {
    let mock = start(config(0)).await;
    let body = mock
        .send(mock.get().query(&[("with_total", "true")]))
        .await
        .body;
    assert_eq!(body, serde_json::json!({"data": [], "total": 0}));
}

#[tokio::test]
async fn the_base_url_with_a_trailing_slash_also_works() {
    let mock = start(config(5)).await;
    let request = mock
        .bare(reqwest::Method::GET, "/segments/")
        .bearer_auth(crate::support::TOKEN)
        .header("amperity-tenant", crate::support::TENANT)
        .header("api-version", crate::support::VERSION);
    assert_eq!(
        mock.send(request).await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

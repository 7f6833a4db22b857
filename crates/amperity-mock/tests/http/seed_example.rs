//! The requests of Amperity's documentation page (shared/seed/get-segments.rst), against the mock.

use reqwest::Method;

use crate::support::{TENANT, TOKEN, VERSION, config, start};

/// The Python example: the four headers, then follow `next_token` until there is none, and make
/// CSV rows from the keys of the first entry.
#[tokio::test]
async fn the_python_example_reads_every_segment() {
    let mock = start(config(321)).await;
    let request = |token: Option<&str>| {
        let mut request = mock
            .bare(Method::GET, "/segments")
            .header("accept", "application/json")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("amperity-tenant", TENANT)
            .header("api-version", VERSION);
        if let Some(token) = token {
            request = request.query(&[("next_token", token)]);
        }
        request
    };
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let response_json = mock.send(request(token.as_deref())).await.body;
        let data = response_json["data"].as_array().unwrap();
        let headers: Vec<&String> = data[0].as_object().unwrap().keys().collect();
        assert_eq!(headers, ["id", "name"], "DictWriter fields");
        rows.extend(
            data.iter()
                .map(|entry| (entry["id"].clone(), entry["name"].clone())),
        );
        match response_json.get("next_token").and_then(|t| t.as_str()) {
            Some(next) if !next.is_empty() => token = Some(next.to_owned()),
            _ => break,
        }
    }
    assert_eq!(rows.len(), 321);
    assert_eq!(rows[0].0, "ab-1CDEfGHI");
    assert_eq!(rows[0].1, "Holiday Segment");
    assert_eq!(rows[1].0, "cd-2FGHiJKL");
    assert_eq!(rows[1].1, "Returning Customers");
}

/// The cURL example: `?limit=12&with_total=true`.
#[tokio::test]
async fn the_curl_example_gets_twelve_and_a_total() {
    let mock = start(config(300)).await;
    let url = format!("{}?limit=12&with_total=true", mock.url("/segments"));
    let request = mock
        .client
        .get(url)
        .header("amperity-tenant", TENANT)
        .header("api-version", VERSION)
        .header("Authorization", format!("Bearer {TOKEN}"));
    let body = mock.send(request).await.body;
    assert_eq!(body["data"].as_array().unwrap().len(), 12);
    assert_eq!(body["total"], 300);
    assert!(!body["next_token"].as_str().unwrap().is_empty());
}

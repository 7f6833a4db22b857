//! The Profile API (spec/profile.yaml, 2025-07-31) over HTTP: indexes, pages of profiles,
//! filters, lookups by ID, and the version and rate limit it has apart from the control plane.
//! Every body is checked against spec/profile.yaml by `send_to`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use amperity_mock::MockConfig;
use reqwest::Method;
use serde_json::Value;

use crate::support::{Mock, PROFILE_VERSION, TENANT, TOKEN, VERSION, config, start};

/// The Profile API's operations: a path that reaches each, and its operation ID.
const ROUTES: &[(&str, &str)] = &[
    ("/indexes", "list_profile_indexes"),
    ("/indexes/idx-xyz789", "get_profile_index"),
    ("/indexes/idx-xyz789/profiles", "list_profiles"),
    ("/indexes/idx-xyz789/profiles/cl-abc123", "get_profile"),
];

fn profiles(indexes: u64, per_index: u64) -> MockConfig {
    MockConfig {
        profile_indexes: indexes,
        profiles: per_index,
        ..config(10)
    }
}

/// Follows `next_token` through the profiles of `index` with `query`, `sizes(page)` profiles a
/// page; returns them all, and checks what every page must satisfy.
async fn walk(
    mock: &Mock,
    index: &str,
    query: &[(&str, &str)],
    mut sizes: impl FnMut(usize) -> u64,
) -> Vec<Value> {
    let path = format!("/indexes/{index}/profiles");
    let mut records = Vec::new();
    let mut token: Option<String> = None;
    for page in 0.. {
        let limit = sizes(page);
        let mut request = mock
            .profile_get(&path)
            .query(query)
            .query(&[("limit", limit.to_string())]);
        if let Some(token) = &token {
            request = request.query(&[("next_token", token)]);
        }
        let answer = mock.send_to("list_profiles", request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert!(
            answer.body.get("total").is_none(),
            "total without with_total"
        );
        let data = answer.body["data"].as_array().unwrap();
        assert!(data.len() as u64 <= limit);
        assert!(data.iter().all(|p| p["index_id"] == index));
        records.extend(data.iter().cloned());
        match answer.body.get("next_token") {
            Some(next) => {
                assert_eq!(data.len() as u64, limit, "only the last page may be short");
                token = Some(next.as_str().unwrap().to_owned());
            }
            None => break,
        }
    }
    records
}

/// `total` of the profiles of `index` with `query`.
async fn total(mock: &Mock, index: &str, query: &[(&str, &str)]) -> u64 {
    let request = mock
        .profile_get(&format!("/indexes/{index}/profiles"))
        .query(query)
        .query(&[("with_total", "true"), ("limit", "1")]);
    let answer = mock.send_to("list_profiles", request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["total"].as_u64().unwrap()
}

/// The text a filter compares an attribute with: strings as they are, other values as JSON.
fn text(profile: &Value, attribute: &str) -> String {
    match &profile["attributes"][attribute] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn filters_of(index: &Value) -> Vec<String> {
    index["filters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn indexes_are_listed_in_pages_of_25_and_found_by_id() {
    let mock = start(profiles(30, 10)).await;
    let ids = amperity_mock::profile_index_ids(&mock.config);
    assert_eq!(ids.len(), 30);
    assert_eq!(ids[0], "idx-xyz789");
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut request = mock
            .profile_get("/indexes")
            .query(&[("with_total", "true")]);
        if let Some(token) = &token {
            request = request.query(&[("next_token", token)]);
        }
        let answer = mock.send_to("list_profile_indexes", request).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["total"], 30);
        let data = answer.body["data"].as_array().unwrap();
        assert_eq!(data.len(), if pages == 0 { 25 } else { 5 });
        seen.extend(data.iter().cloned());
        pages += 1;
        match answer.body.get("next_token") {
            Some(next) => token = Some(next.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    let listed: Vec<&str> = seen.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids);
    // The documentation's example comes first, as its list example shows it.
    assert_eq!(seen[0]["name"], "loyalty_members");
    assert_eq!(seen[0]["description"], "Profiles from the loyalty program");
    assert_eq!(seen[0]["created_at"], "2025-07-30T22:16:04.409Z");
    let names: HashSet<&str> = seen.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 30, "names are unique");
    for index in &seen {
        let id = index["id"].as_str().unwrap();
        let one = mock
            .send_to(
                "get_profile_index",
                mock.profile_get(&format!("/indexes/{id}")),
            )
            .await;
        assert_eq!(one.status, 200);
        assert_eq!(&one.body, index);
        assert_eq!(
            amperity_mock::profile_index(&mock.config, id).as_ref(),
            Some(index)
        );
        assert!(!filters_of(index).is_empty());
        assert!(index["created_at"].as_str() <= index["updated_at"].as_str());
    }
    for unknown in ["idx-nope", "idx-xyz7890", "idx-AAAAAAAA", "idx-%2E", "x y"] {
        let answer = mock
            .send_to(
                "get_profile_index",
                mock.profile_get(&format!("/indexes/{unknown}")),
            )
            .await;
        assert_eq!(answer.status, 404, "{unknown}");
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .starts_with("The requested entity does not exist")
        );
    }
    // No index: one empty page.
    let empty = start(profiles(0, 10)).await;
    let answer = empty
        .send_to(
            "list_profile_indexes",
            empty
                .profile_get("/indexes")
                .query(&[("with_total", "true")]),
        )
        .await;
    assert_eq!(answer.body, serde_json::json!({"data": [], "total": 0}));
}

#[tokio::test]
async fn every_page_size_sees_each_profile_exactly_once() {
    let mock = start(profiles(3, 2500)).await;
    for id in amperity_mock::profile_index_ids(&mock.config) {
        let expected: Vec<Value> = (0..2500)
            .map(|p| amperity_mock::profile(&mock.config, &id, p).unwrap())
            .collect();
        assert!(amperity_mock::profile(&mock.config, &id, 2500).is_none());
        let unique: HashSet<&str> = expected.iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(unique.len(), 2500, "{id}: profile IDs are unique");
        assert_eq!(walk(&mock, &id, &[], |_| 333).await, expected, "{id}");
        assert_eq!(total(&mock, &id, &[]).await, 2500);
        // The cursor is an offset: changing the page size mid-walk loses and repeats nothing.
        let sizes = [1, 999, 7, 1000, 2];
        assert_eq!(
            walk(&mock, &id, &[], |page| sizes[page % sizes.len()]).await,
            expected,
            "{id}"
        );
    }
}

#[tokio::test]
async fn limits_default_to_100_and_cap_at_1000() {
    let mock = start(profiles(1, 2500)).await;
    let path = "/indexes/idx-xyz789/profiles";
    let first = mock.send_to("list_profiles", mock.profile_get(path)).await;
    assert_eq!(first.body["data"].as_array().unwrap().len(), 100);
    // The spec documents no maximum: a larger limit is no error, the page holds 1000.
    for limit in ["1001", "5000", "2147483647"] {
        let answer = mock
            .send_to(
                "list_profiles",
                mock.profile_get(path).query(&[("limit", limit)]),
            )
            .await;
        assert_eq!(answer.status, 200, "{limit}");
        assert_eq!(answer.body["data"].as_array().unwrap().len(), 1000);
    }
    for limit in ["0", "-1", "abc", "1.5", "", "1e3", " 5", "2147483648"] {
        for (route, operation) in [
            (path, "list_profiles"),
            ("/indexes", "list_profile_indexes"),
        ] {
            let answer = mock
                .send_to(
                    operation,
                    mock.profile_get(route).query(&[("limit", limit)]),
                )
                .await;
            assert_eq!(answer.status, 400, "{route} limit={limit}");
            assert!(answer.body["message"].as_str().unwrap().contains("limit"));
        }
    }
    for value in ["yes", "TRUE", ""] {
        let answer = mock
            .send_to(
                "list_profiles",
                mock.profile_get(path).query(&[("with_total", value)]),
            )
            .await;
        assert_eq!(answer.status, 400, "with_total={value}");
    }
}

#[tokio::test]
async fn profiles_are_found_by_id_and_only_in_their_index() {
    let mock = start(profiles(3, 500)).await;
    let ids = amperity_mock::profile_index_ids(&mock.config);
    for id in &ids {
        let all = walk(&mock, id, &[], |_| 1000).await;
        for profile in all.iter().step_by(37) {
            let profile_id = profile["id"].as_str().unwrap();
            let one = mock
                .send_to(
                    "get_profile",
                    mock.profile_get(&format!("/indexes/{id}/profiles/{profile_id}")),
                )
                .await;
            assert_eq!(one.status, 200, "{}", one.body);
            assert_eq!(&one.body, profile);
        }
        // Another index's profile is not in this one.
        let other = if id == &ids[0] { &ids[1] } else { &ids[0] };
        let foreign = amperity_mock::profile(&mock.config, other, 5).unwrap();
        for unknown in [
            foreign["id"].as_str().unwrap(),
            "cl-nope",
            "cl-AAAAAAAA",
            "idx-xyz789",
        ] {
            let answer = mock
                .send_to(
                    "get_profile",
                    mock.profile_get(&format!("/indexes/{id}/profiles/{unknown}")),
                )
                .await;
            assert_eq!(answer.status, 404, "{id} {unknown}");
        }
    }
    // A profile past the index's size: IDs encode positions, and this server holds 500.
    let bigger = MockConfig {
        profiles: 10_000,
        ..mock.config.clone()
    };
    let beyond = amperity_mock::profile(&bigger, &ids[0], 9_999).unwrap();
    let answer = mock
        .send_to(
            "get_profile",
            mock.profile_get(&format!(
                "/indexes/{}/profiles/{}",
                ids[0],
                beyond["id"].as_str().unwrap()
            )),
        )
        .await;
    assert_eq!(answer.status, 404);
    for (path, operation) in [
        ("/indexes/idx-nope/profiles", "list_profiles"),
        ("/indexes/idx-nope/profiles/cl-abc123", "get_profile"),
    ] {
        let answer = mock.send_to(operation, mock.profile_get(path)).await;
        assert_eq!(answer.status, 404, "{path}");
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("idx-nope")
        );
    }
}

#[tokio::test]
async fn the_documentation_s_example_profile_is_served() {
    let mock = start(profiles(1, 10)).await;
    let answer = mock
        .send_to(
            "get_profile",
            mock.profile_get("/indexes/idx-xyz789/profiles/cl-abc123"),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["index_id"], "idx-xyz789");
    let attributes = &answer.body["attributes"];
    for (key, value) in [
        ("first_name", "Daniel"),
        ("last_name", "Kuhlman"),
        ("email", "danielkuhlman@email.com"),
        ("loyalty_id", "123456789-0"),
    ] {
        assert_eq!(attributes[key], value, "{key}");
    }
    // The spec's example request: Daniel Kuhlman, by filter.
    let url = format!(
        "{}?limit=100&with_total=true&filter[first_name]=Daniel&filter[last_name]=Kuhlman",
        mock.url("/indexes/idx-xyz789/profiles")
    );
    let request = mock
        .client
        .get(url)
        .bearer_auth(TOKEN)
        .header("amperity-tenant", TENANT)
        .header("api-version", PROFILE_VERSION);
    let page = mock.send_to("list_profiles", request).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["total"], 1);
    assert_eq!(page.body["data"][0], answer.body);
}

#[tokio::test]
async fn filters_narrow_and_combine_with_and() {
    let mock = start(profiles(6, 3000)).await;
    for id in amperity_mock::profile_index_ids(&mock.config) {
        let index = amperity_mock::profile_index(&mock.config, &id).unwrap();
        let filters = filters_of(&index);
        let all = walk(&mock, &id, &[], |_| 1000).await;
        let (a, b) = (&all[1234], &all[2718]);
        let mut cases: Vec<Vec<(String, String)>> = Vec::new();
        for f in &filters {
            cases.push(vec![(f.clone(), text(a, f))]);
            cases.push(vec![(f.clone(), "no such value".into())]);
            for g in &filters {
                if f < g {
                    cases.push(vec![(f.clone(), text(a, f)), (g.clone(), text(a, g))]);
                    cases.push(vec![(f.clone(), text(a, f)), (g.clone(), text(b, g))]);
                }
            }
        }
        cases.push(filters.iter().map(|f| (f.clone(), text(b, f))).collect());
        for case in cases {
            let keys: Vec<String> = case.iter().map(|(f, _)| format!("filter[{f}]")).collect();
            let query: Vec<(&str, &str)> = keys
                .iter()
                .zip(&case)
                .map(|(k, (_, v))| (k.as_str(), v.as_str()))
                .collect();
            let expected: Vec<Value> = all
                .iter()
                .filter(|p| case.iter().all(|(f, v)| text(p, f) == *v))
                .cloned()
                .collect();
            if case.len() == 1 && case[0].1 != "no such value" {
                assert!(expected.contains(a), "{id} {case:?}");
            }
            assert_eq!(
                walk(&mock, &id, &query, |_| 7).await,
                expected,
                "{id} {case:?}"
            );
            assert_eq!(total(&mock, &id, &query).await, expected.len() as u64);
        }
    }
}

#[tokio::test]
async fn filter_values_with_commas_quotes_and_unicode_match_exactly() {
    let mock = start(profiles(3, 20_000)).await;
    for (index, attribute, value) in [
        ("idx-xyz789", "last_name", "Smith, Jr."),
        ("idx-xyz789", "last_name", "O'Brien"),
        ("idx-xyz789", "first_name", "Zoë"),
        ("idx-xyz789", "first_name", "Anne Marie"),
        ("idx-xyz789", "city", "São Paulo"),
        ("idx-xyz789", "city", "東京"),
        ("idx-xyz789", "loyalty_tier", "Gold"),
    ] {
        let key = format!("filter[{attribute}]");
        let query = [(key.as_str(), value)];
        let found = walk(&mock, index, &query, |_| 1000).await;
        assert!(!found.is_empty(), "{attribute}={value}");
        assert!(found.iter().all(|p| p["attributes"][attribute] == value));
        // Case matters, and so do the other characters: no near miss matches.
        let lower = value.to_lowercase();
        if lower != value {
            let near = [(key.as_str(), lower.as_str())];
            assert_eq!(total(&mock, index, &near).await, 0, "{attribute}={lower}");
        }
    }
    // Portland, Oregon and Portland, Maine.
    let portland = walk(&mock, "idx-xyz789", &[("filter[city]", "Portland")], |_| {
        1000
    })
    .await;
    let states: HashSet<&str> = portland
        .iter()
        .map(|p| p["attributes"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, HashSet::from(["OR", "ME"]));
    // A boolean attribute is filtered by its JSON text.
    let subscribers = &amperity_mock::profile_index_ids(&mock.config)[1];
    for value in ["true", "false"] {
        let found = walk(
            &mock,
            subscribers,
            &[("filter[email_opt_in]", value)],
            |_| 1000,
        )
        .await;
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|p| p["attributes"]["email_opt_in"] == (value == "true"))
        );
    }
}

#[tokio::test]
async fn unique_attributes_find_one_profile() {
    let mock = start(profiles(2, 5000)).await;
    let id = "idx-xyz789";
    for p in [0, 1, 2500, 4999] {
        let profile = amperity_mock::profile(&mock.config, id, p).unwrap();
        for attribute in ["email", "loyalty_id"] {
            let key = format!("filter[{attribute}]");
            let value = text(&profile, attribute);
            let found = walk(&mock, id, &[(key.as_str(), value.as_str())], |_| 10).await;
            assert_eq!(found, std::slice::from_ref(&profile), "{attribute}={value}");
            // ANDed with a filter the profile fails, nothing.
            let other_tier = if profile["attributes"]["loyalty_tier"] == "Gold" {
                "Silver"
            } else {
                "Gold"
            };
            let both = [
                (key.as_str(), value.as_str()),
                ("filter[loyalty_tier]", other_tier),
            ];
            assert_eq!(total(&mock, id, &both).await, 0);
        }
    }
    let other = amperity_mock::profile(
        &mock.config,
        &amperity_mock::profile_index_ids(&mock.config)[1],
        3,
    )
    .unwrap();
    let email = text(&other, "email");
    assert_eq!(
        total(&mock, id, &[("filter[email]", email.as_str())]).await,
        0,
        "another index's"
    );
    for bad in ["", "nobody@example.com", "daniel.kuhlman99999@email.com"] {
        assert_eq!(
            total(&mock, id, &[("filter[email]", bad)]).await,
            0,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn bad_filters_are_400_naming_the_attribute() {
    let mock = start(profiles(3, 100)).await;
    let path = "/indexes/idx-xyz789/profiles";
    for (query, named) in [
        ("filter[favorite_color]=blue", "favorite_color"),
        ("filter[phone]=1", "phone"),
        ("filter[notes]=x", "notes"),
        ("filter[first_name]=Daniel&filter[nope]=x", "nope"),
        ("filter=Daniel", "filter"),
        ("filter[]=x", "filter[]"),
        ("filter[first_name=x", "filter[first_name"),
        ("filter[a][b]=x", "filter[a][b]"),
        ("filter%5Bfirst_name%5Dx=1", "filter[first_name]x"),
    ] {
        let url = format!("{}?{query}", mock.url(path));
        let request = mock
            .client
            .get(url)
            .bearer_auth(TOKEN)
            .header("amperity-tenant", TENANT)
            .header("api-version", PROFILE_VERSION);
        let answer = mock.send_to("list_profiles", request).await;
        assert_eq!(answer.status, 400, "{query}");
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(named), "{query}: {message}");
    }
    // A filter the first index offers but the third does not.
    let third = &amperity_mock::profile_index_ids(&mock.config)[2];
    let answer = mock
        .send_to(
            "list_profiles",
            mock.profile_get(&format!("/indexes/{third}/profiles"))
                .query(&[("filter[first_name]", "Daniel")]),
        )
        .await;
    assert_eq!(answer.status, 400);
    // The same filter twice has no one value.
    let answer = mock
        .send_to(
            "list_profiles",
            mock.profile_get(path).query(&[
                ("filter[first_name]", "Daniel"),
                ("filter[first_name]", "Maria"),
            ]),
        )
        .await;
    assert_eq!(answer.status, 400);
    // Unlike other routes, this one knows every parameter: the spec's `filter` object sends
    // each entry as a parameter of its own, so anything else is a malformed filter.
    for other in ["first_name", "utm", "filters", ""] {
        let answer = mock
            .send_to(
                "list_profiles",
                mock.profile_get(path).query(&[(other, "Daniel")]),
            )
            .await;
        assert_eq!(answer.status, 400, "{other}");
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(&format!("\"{other}\"")), "{message}");
    }
    // The other Profile API routes ignore parameters they do not know, as everywhere.
    let answer = mock
        .send_to(
            "get_profile_index",
            mock.profile_get("/indexes/idx-xyz789")
                .query(&[("utm", "y"), ("filter[first_name]", "x")]),
        )
        .await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn cursors_belong_to_their_index_and_filters() {
    let mock = start(profiles(3, 3000)).await;
    let ids = amperity_mock::profile_index_ids(&mock.config);
    let first_page = |index: &str, query: &[(&str, &str)]| {
        mock.profile_get(&format!("/indexes/{index}/profiles"))
            .query(query)
            .query(&[("limit", "2")])
    };
    let tier = [("filter[loyalty_tier]", "Gold")];
    let unfiltered = next_token(&mock, first_page(&ids[0], &[])).await;
    let gold = next_token(&mock, first_page(&ids[0], &tier)).await;
    let other_index = next_token(&mock, first_page(&ids[2], &tier)).await;
    let index_list = mock
        .send_to(
            "list_profile_indexes",
            mock.profile_get("/indexes").query(&[("limit", "1")]),
        )
        .await
        .body["next_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let zeros = "0".repeat(48);
    for (query, token) in [
        (&[][..], &gold),
        (&tier[..], &unfiltered),
        (&tier[..], &other_index),
        (&[("filter[loyalty_tier]", "Silver")][..], &gold),
        (&tier[..], &index_list),
        (&tier[..], &zeros),
    ] {
        let request = mock
            .profile_get(&format!("/indexes/{}/profiles", ids[0]))
            .query(query)
            .query(&[("next_token", token.as_str())]);
        let answer = mock.send_to("list_profiles", request).await;
        assert_eq!(answer.status, 400, "{query:?}");
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("next_token")
        );
    }
    // The genuine token, with its filter, still works, as often as the client likes.
    for _ in 0..2 {
        let request = mock
            .profile_get(&format!("/indexes/{}/profiles", ids[0]))
            .query(&tier)
            .query(&[("next_token", gold.as_str())]);
        assert_eq!(mock.send_to("list_profiles", request).await.status, 200);
    }
    let empty = mock.profile_get("/indexes").query(&[("next_token", "")]);
    assert_eq!(
        mock.send_to("list_profile_indexes", empty).await.status,
        400
    );
}

/// The `next_token` of the answer to `request`, a `GET /indexes/{index-id}/profiles`.
async fn next_token(mock: &Mock, request: reqwest::RequestBuilder) -> String {
    let answer = mock.send_to("list_profiles", request).await;
    answer.body["next_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn each_api_accepts_only_its_own_version() {
    let mock = start(profiles(3, 100)).await;
    let control = [
        ("/segments", "list_segments"),
        ("/campaigns", "list_campaigns"),
    ];
    let cases = ROUTES
        .iter()
        .map(|&(path, op)| (path, op, PROFILE_VERSION, VERSION))
        .chain(
            control
                .iter()
                .map(|&(path, op)| (path, op, VERSION, PROFILE_VERSION)),
        );
    for (path, operation, own, other) in cases {
        let bare = || {
            mock.bare(Method::GET, path)
                .bearer_auth(TOKEN)
                .header("amperity-tenant", TENANT)
        };
        let ok = mock
            .send_to(operation, bare().header("api-version", own))
            .await;
        assert_eq!(ok.status, 200, "{path}: {}", ok.body);
        let ok = mock
            .send_to(operation, bare().query(&[("api_version", own)]))
            .await;
        assert_eq!(ok.status, 200, "{path}");
        for request in [
            bare().header("api-version", other),
            bare().query(&[("api_version", other)]),
            bare()
                .header("api-version", own)
                .query(&[("api_version", other)]),
            bare()
                .header("api-version", other)
                .query(&[("api_version", own)]),
            bare().header("api-version", "2023-01-01"),
            bare(),
        ] {
            let answer = mock.send_to(operation, request).await;
            assert_eq!(answer.status, 400, "{path}");
            let message = answer.body["message"].as_str().unwrap();
            assert!(message.contains(own), "{path}: {message}");
            assert!(message.contains("version"), "{path}: {message}");
        }
        // The other API's version gets the very answer any unsupported version gets.
        let other_message = mock
            .send_to(operation, bare().header("api-version", other))
            .await
            .body["message"]
            .as_str()
            .unwrap()
            .replace(other, "X");
        let unknown_message = mock
            .send_to(operation, bare().header("api-version", "2023-01-01"))
            .await
            .body["message"]
            .as_str()
            .unwrap()
            .replace("2023-01-01", "X");
        assert_eq!(other_message, unknown_message, "{path}");
    }
    assert_eq!(amperity_mock::API_VERSION, VERSION);
    assert_eq!(amperity_mock::PROFILE_API_VERSION, PROFILE_VERSION);
}

#[tokio::test]
async fn every_profile_route_gets_every_gateway_check() {
    let mock = start(profiles(3, 100)).await;
    for &(path, operation) in ROUTES {
        let no_token = mock
            .bare(Method::GET, path)
            .header("amperity-tenant", TENANT)
            .header("api-version", PROFILE_VERSION);
        assert_eq!(
            mock.send_to(operation, no_token).await.status,
            401,
            "{path}"
        );
        let other_tenant = mock
            .bare(Method::GET, path)
            .bearer_auth(TOKEN)
            .header("amperity-tenant", "globex")
            .header("api-version", PROFILE_VERSION);
        assert_eq!(
            mock.send_to(operation, other_tenant).await.status,
            403,
            "{path}"
        );
        let no_tenant = mock
            .bare(Method::GET, path)
            .bearer_auth(TOKEN)
            .header("api-version", PROFILE_VERSION);
        assert_eq!(
            mock.send_to(operation, no_tenant).await.status,
            400,
            "{path}"
        );
        let repeated = mock.profile_get(path).query(&[("x", "1"), ("x", "2")]);
        assert_eq!(
            mock.send_to(operation, repeated).await.status,
            400,
            "{path}"
        );
        let answer = mock
            .send_to(
                operation,
                mock.bare(Method::POST, path)
                    .bearer_auth(TOKEN)
                    .header("amperity-tenant", TENANT)
                    .header("api-version", PROFILE_VERSION),
            )
            .await;
        assert_eq!(answer.status, 405, "{path}");
        assert_eq!(answer.headers["allow"], "GET");
        let slash = mock.profile_get(&format!("{path}/"));
        assert_eq!(mock.send_to(operation, slash).await.status, 200, "{path}/");
    }
}

#[tokio::test]
async fn the_profile_api_has_its_own_rate_limit() {
    // The control plane's limit spent, the Profile API still answers, and the other way round.
    let mock = start(MockConfig {
        rate_limit: 2,
        profile_rate_limit: 3,
        ..profiles(1, 10)
    })
    .await;
    let mut control = Vec::new();
    for _ in 0..10 {
        control.push(mock.send(mock.get()).await.status.as_u16());
    }
    assert!(control.contains(&429), "{control:?}");
    let mut profile = Vec::new();
    for _ in 0..10 {
        let answer = mock
            .send_to("list_profile_indexes", mock.profile_get("/indexes"))
            .await;
        if answer.status == 429 {
            assert!(
                answer.body["message"]
                    .as_str()
                    .unwrap()
                    .contains("at most 3")
            );
        }
        profile.push(answer.status.as_u16());
    }
    assert_eq!(profile[..3], [200, 200, 200], "{profile:?}");
    assert!(profile.contains(&429), "{profile:?}");
    // The default is Amperity's: 2000 a second, so a quick burst of 50 passes.
    let mock = start(MockConfig {
        rate_limit: 10,
        ..profiles(1, 10)
    })
    .await;
    assert_eq!(mock.config.profile_rate_limit, 2000);
    for _ in 0..50 {
        let answer = mock
            .send_to("list_profile_indexes", mock.profile_get("/indexes"))
            .await;
        assert_eq!(answer.status, 200);
    }
}

#[tokio::test]
async fn profile_routes_fail_on_demand() {
    let mock = start(MockConfig {
        fail_rate: 1.0,
        ..profiles(1, 10)
    })
    .await;
    for &(path, operation) in ROUTES {
        let status = mock
            .send_to(operation, mock.profile_get(path))
            .await
            .status
            .as_u16();
        assert!(matches!(status, 500 | 503 | 429), "{path}: {status}");
    }
    // Faults only replace answers that would have been 200.
    let bad = mock.profile_get("/indexes").query(&[("limit", "0")]);
    assert_eq!(mock.send_to("list_profile_indexes", bad).await.status, 400);
}

#[tokio::test]
async fn the_same_seed_serves_the_same_profiles_and_another_seed_others() {
    let a = start(profiles(3, 300)).await;
    let b = start(profiles(3, 300)).await;
    let c = start(MockConfig {
        seed: 2,
        ..profiles(3, 300)
    })
    .await;
    let ids = |m: &Mock| amperity_mock::profile_index_ids(&m.config);
    assert_eq!(ids(&a), ids(&b));
    assert_ne!(ids(&a)[1..], ids(&c)[1..]);
    assert_eq!(
        ids(&a)[0],
        ids(&c)[0],
        "the example index always comes first"
    );
    let walk_a = walk(&a, "idx-xyz789", &[], |_| 100).await;
    assert_eq!(walk_a, walk(&b, "idx-xyz789", &[], |_| 100).await);
    let walk_c = walk(&c, "idx-xyz789", &[], |_| 100).await;
    assert_eq!(
        walk_a[0]["id"], walk_c[0]["id"],
        "the example profile always comes first"
    );
    assert_ne!(walk_a[1..], walk_c[1..]);
}

#[tokio::test]
async fn attributes_exercise_csv_and_json_handling() {
    let mock = start(profiles(3, 1000)).await;
    let mut strings = Vec::new();
    let mut kinds = HashSet::new();
    for id in amperity_mock::profile_index_ids(&mock.config) {
        for profile in walk(&mock, &id, &[], |_| 1000).await {
            for value in profile["attributes"].as_object().unwrap().values() {
                kinds.insert(match value {
                    Value::String(s) => {
                        strings.push(s.clone());
                        "string"
                    }
                    Value::Number(_) => "number",
                    Value::Bool(_) => "boolean",
                    Value::Null => "null",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                });
            }
        }
    }
    assert_eq!(
        kinds,
        HashSet::from(["string", "number", "boolean", "null", "array"])
    );
    for (what, found) in [
        ("a comma", strings.iter().any(|s| s.contains(','))),
        ("a double quote", strings.iter().any(|s| s.contains('"'))),
        ("a newline", strings.iter().any(|s| s.contains('\n'))),
        (
            "a carriage return",
            strings.iter().any(|s| s.contains('\r')),
        ),
        ("an apostrophe", strings.iter().any(|s| s.contains('\''))),
        ("non-ASCII", strings.iter().any(|s| !s.is_ascii())),
        (
            "an emoji",
            strings.iter().any(|s| s.chars().any(|c| c.len_utf8() == 4)),
        ),
        ("an empty string", strings.iter().any(String::is_empty)),
    ] {
        assert!(found, "no attribute has {what}");
    }
}

#[tokio::test]
async fn a_billion_profiles_are_filtered_without_a_scan() {
    let mock = start(profiles(2, amperity_mock::MAX_PROFILES)).await;
    let started = Instant::now();
    let id = "idx-xyz789";
    assert_eq!(total(&mock, id, &[]).await, 1_000_000_000);
    let daniels = total(&mock, id, &[("filter[first_name]", "Daniel")]).await;
    assert_eq!(daniels, 1_000_000_000 / 61 + 1);
    let narrow = [
        ("filter[first_name]", "Daniel"),
        ("filter[last_name]", "Kuhlman"),
        ("filter[state]", "WA"),
        ("filter[loyalty_tier]", "Member"),
    ];
    let count = total(&mock, id, &narrow).await;
    assert!((1_000..10_000).contains(&count), "{count}");
    let page = mock
        .send_to(
            "list_profiles",
            mock.profile_get(&format!("/indexes/{id}/profiles"))
                .query(&narrow)
                .query(&[("limit", "1000")]),
        )
        .await;
    let data = page.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1000);
    assert!(
        data.iter()
            .all(|p| p["attributes"]["state"] == "WA" && p["attributes"]["first_name"] == "Daniel")
    );
    // The last profile is found by ID and by its unique attributes.
    let last = amperity_mock::profile(&mock.config, id, 999_999_999).unwrap();
    let path = format!("/indexes/{id}/profiles/{}", last["id"].as_str().unwrap());
    let one = mock.send_to("get_profile", mock.profile_get(&path)).await;
    assert_eq!(one.body, last);
    let email = text(&last, "email");
    let by_email = walk(&mock, id, &[("filter[email]", email.as_str())], |_| 5).await;
    assert_eq!(by_email, [last]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

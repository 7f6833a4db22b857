//! Every bad request gets the documented status and an `ErrorResponse` body.

use std::collections::HashSet;

use reqwest::Method;

use crate::support::{TENANT, TOKEN, VERSION, config, start};

#[tokio::test]
async fn bad_limits_are_400() {
    let mock = start(config(10)).await;
    for limit in [
        "0",
        "1001",
        "-1",
        "abc",
        "1.5",
        "",
        "1e3",
        " 5",
        "99999999999999999999",
    ] {
        let answer = mock
            .expect_error(mock.get().query(&[("limit", limit)]), 400)
            .await;
        assert!(
            answer.body["message"].as_str().unwrap().contains("limit"),
            "{}",
            answer.body
        );
    }
    for limit in ["1", "1000"] {
        assert_eq!(
            mock.send(mock.get().query(&[("limit", limit)]))
                .await
                .status,
            200
        );
    }
}

#[tokio::test]
async fn bad_with_total_is_400() {
    let mock = start(config(10)).await;
    for value in ["yes", "TRUE", "1", "", "null"] {
        mock.expect_error(mock.get().query(&[("with_total", value)]), 400)
            .await;
    }
}

#[tokio::test]
async fn empty_made_up_tampered_and_foreign_tokens_are_400() {
    let mock = start(config(50)).await;
    let first = mock.send(mock.get().query(&[("limit", "10")])).await;
    let token = first.body["next_token"].as_str().unwrap().to_owned();
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    let other = start(amperity_mock::MockConfig {
        seed: 99,
        ..config(50)
    })
    .await;
    let foreign = other.send(other.get().query(&[("limit", "10")])).await.body["next_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for bad in [
        "",
        "ABCd1fghIJk2l3M",
        "null",
        &tampered,
        &token.to_uppercase(),
        &token[2..],
        &foreign,
    ] {
        mock.expect_error(mock.get().query(&[("next_token", bad)]), 400)
            .await;
    }
    // The genuine token still works, and as often as the client likes.
    for _ in 0..2 {
        let again = mock.send(mock.get().query(&[("next_token", &token)])).await;
        assert_eq!(
            again.body["data"][0]["id"],
            amperity_mock::segment(&mock.config, 10).unwrap().0
        );
    }
}

#[tokio::test]
async fn repeated_query_parameters_are_400() {
    let mock = start(config(10)).await;
    for query in [
        "limit=1&limit=2",
        "limit=5&limit=5",
        "with_total=true&with_total=true",
        "api_version=2024-04-01&api_version=2024-04-01",
        "next_token=a&next_token=b",
        "utm=a&utm=b",
    ] {
        mock.expect_error(mock.get_with_query(query), 400).await;
    }
}

#[tokio::test]
async fn malformed_query_strings_are_400() {
    let mock = start(config(10)).await;
    for query in ["limit=%zz", "limit=%", "with_total=%ff"] {
        mock.expect_error(mock.get_with_query(query), 400).await;
    }
    // Unknown parameters are ignored, as new API versions may add some.
    assert_eq!(
        mock.send(mock.get_with_query("utm_source=x&&"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn the_tenant_header_is_required_and_must_match() {
    let mock = start(config(10)).await;
    let without = mock
        .bare(Method::GET, "/segments")
        .bearer_auth(TOKEN)
        .header("api-version", VERSION);
    mock.expect_error(without, 400).await;
    let headers = |tenant: &str| {
        mock.bare(Method::GET, "/segments")
            .bearer_auth(TOKEN)
            .header("api-version", VERSION)
            .header("amperity-tenant", tenant)
    };
    mock.expect_error(headers(""), 400).await;
    mock.expect_error(headers("globex"), 403).await;
    mock.expect_error(headers("ACME"), 403).await;
    assert_eq!(mock.send(headers(TENANT)).await.status, 200);
}

#[tokio::test]
async fn any_tenant_is_served_when_none_is_configured() {
    let mock = start(amperity_mock::MockConfig {
        tenant: None,
        ..config(10)
    })
    .await;
    let request = mock
        .bare(Method::GET, "/segments")
        .bearer_auth(TOKEN)
        .header("api-version", VERSION);
    assert_eq!(
        mock.send(request.header("amperity-tenant", "globex"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn the_api_version_comes_from_the_header_or_the_parameter() {
    let mock = start(config(10)).await;
    let base = || {
        mock.bare(Method::GET, "/segments")
            .bearer_auth(TOKEN)
            .header("amperity-tenant", TENANT)
    };
    mock.expect_error(base(), 400).await;
    mock.expect_error(base().header("api-version", "2023-01-01"), 400)
        .await;
    mock.expect_error(base().header("api-version", ""), 400)
        .await;
    mock.expect_error(base().query(&[("api_version", "2023-01-01")]), 400)
        .await;
    let mixed = base()
        .header("api-version", VERSION)
        .query(&[("api_version", "v1")]);
    mock.expect_error(mixed, 400).await;
    let twice = base()
        .header("api-version", VERSION)
        .header("api-version", VERSION);
    mock.expect_error(twice, 400).await;
    assert_eq!(
        mock.send(base().query(&[("api_version", VERSION)]))
            .await
            .status,
        200
    );
    let both = base()
        .header("api-version", VERSION)
        .query(&[("api_version", VERSION)]);
    assert_eq!(mock.send(both).await.status, 200);
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401() {
    let mock = start(config(10)).await;
    let base = || {
        mock.bare(Method::GET, "/segments")
            .header("amperity-tenant", TENANT)
            .header("api-version", VERSION)
    };
    let missing = mock.expect_error(base(), 401).await;
    assert!(
        missing.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    mock.expect_error(base().bearer_auth("wrong"), 401).await;
    mock.expect_error(base().header("authorization", TOKEN), 401)
        .await;
    mock.expect_error(base().basic_auth("user", Some(TOKEN)), 401)
        .await;
    let lower_case_scheme = base().header("authorization", format!("bearer {TOKEN}"));
    assert_eq!(mock.send(lower_case_scheme).await.status, 200);
}

#[tokio::test]
async fn any_token_is_accepted_when_none_is_configured() {
    let mock = start(amperity_mock::MockConfig {
        token: None,
        ..config(10)
    })
    .await;
    let request = mock
        .bare(Method::GET, "/segments")
        .header("amperity-tenant", TENANT)
        .header("api-version", VERSION);
    assert_eq!(mock.send(request).await.status, 200);
}

#[tokio::test]
async fn authentication_comes_before_tenant_and_validation() {
    let mock = start(config(10)).await;
    let unauthenticated = mock
        .bare(Method::GET, "/segments")
        .header("amperity-tenant", "globex")
        .query(&[("limit", "0")]);
    mock.expect_error(unauthenticated, 401).await;
    let wrong_tenant = mock
        .bare(Method::GET, "/segments")
        .bearer_auth(TOKEN)
        .header("amperity-tenant", "globex")
        .query(&[("limit", "0")]);
    mock.expect_error(wrong_tenant, 403).await;
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let mock = start(config(10)).await;
    for path in ["", "/", "/segment", "/segments/ab-1CDEfGHI", "/v1/segments"] {
        let request = mock.bare(Method::GET, path).bearer_auth(TOKEN);
        mock.expect_error(request, 404).await;
    }
    let root = mock.client.get(format!("http://{}/", mock.server.addr()));
    mock.expect_error(root, 404).await;
}

#[tokio::test]
async fn other_methods_are_405_with_allow_get() {
    let mock = start(config(10)).await;
    for method in ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"] {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let request = mock.bare(method.clone(), "/segments").bearer_auth(TOKEN);
        let answer = mock.expect_error(request, 405).await;
        assert_eq!(answer.headers["allow"], "GET", "{method}");
    }
    let head = mock.bare(Method::HEAD, "/segments").send().await.unwrap();
    assert_eq!(head.status(), 405);
    assert_eq!(head.headers()["allow"], "GET");
}

#[tokio::test]
async fn every_answer_has_its_own_request_id() {
    let mock = start(config(10)).await;
    let mut ids = HashSet::new();
    for i in 0..20 {
        let request = if i % 2 == 0 {
            mock.get()
        } else {
            mock.bare(Method::GET, "/segments")
        };
        let answer = mock.send(request).await;
        assert!(ids.insert(answer.headers["x-request-id"].to_str().unwrap().to_owned()));
    }
}

//! The generated client (`client.list_segments()...send()`) against httpmock, driven through the
//! generated `amperity_httpmock` helpers: what goes on the wire, and how each kind of answer comes
//! back as `amperity::GeneratedError`. The hand-written, friendlier error mapping is tested in the
//! `amperity` crate; this pins the layer below it, which comes straight from the spec.
#![forbid(unsafe_code)]

use std::num::NonZeroU32;

use amperity::GeneratedError;
use amperity::types::{ErrorResponse, ListSegmentsNextToken, SegmentPage};
use amperity_httpmock::MockServerExt;
use amperity_httpmock::operations::ListSegmentsThen;
use amperity_workspace_tests::{Spec, fixtures_dir, load_json};
use httpmock::MockServer;
use serde_json::Value;

const TENANT: &str = "acme";
const TOKEN: &str = "test-token";

/// A client for `server` that shows every response as it came: no retries (so each status is
/// seen once) and no client-side pacing.
fn client(server: &MockServer) -> amperity::Client {
    amperity::Client::builder()
        .tenant(TENANT)
        .token(TOKEN)
        .base_url(server.base_url())
        .max_retries(0)
        .rate_limit(0)
        .build()
        .expect("a loopback http base URL is accepted")
}

fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let body = load_json(&fixtures_dir().join(name)).unwrap();
    serde_json::from_value(body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn limit(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

/// The raw query string of the one request a matcher sees, decoded by nobody.
fn query_pairs(request: &httpmock::HttpMockRequest) -> Vec<String> {
    request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_first_page_request_has_the_path_headers_and_no_query() {
    let server = MockServer::start_async().await;
    let seed: SegmentPage = fixture("SegmentPage/seed-example.json");
    let mock = server.list_segments(|when, then| {
        // Each `When` call records its matcher as it is made, so the chain needs no binding.
        when.limit(None)
            .next_token(None)
            .with_total(None)
            .api_version(None)
            .into_inner()
            .path("/segments")
            .header("amperity-tenant", TENANT)
            .header_count("(?i)^amperity-tenant$", ".*", 1)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header_count("(?i)^authorization$", ".*", 1)
            .header("api-version", "2024-04-01")
            .header_count("(?i)^api-version$", ".*", 1)
            .header("accept", "application/json")
            .is_true(|request| request.uri().query().is_none_or(str::is_empty));
        then.ok(&seed);
    });

    let page = client(&server).list_segments().send().await.unwrap();

    mock.assert_calls(1);
    assert_eq!(page.status(), 200);
    assert_eq!(page.into_inner(), seed);
}

#[tokio::test]
async fn query_parameters_are_sent_and_percent_encoded() {
    let server = MockServer::start_async().await;
    let token = ListSegmentsNextToken::try_from("a+b/c=").unwrap();
    let last: SegmentPage = fixture("SegmentPage/last-page-without-next-token.json");
    let mock = server.list_segments(|when, then| {
        when.limit(limit(2))
            .next_token(&token)
            .with_total(true)
            .into_inner()
            // The typed matchers compare decoded values; these pin the bytes on the wire, where
            // an unescaped `+` would decode as a space and `/` or `=` could break a cursor.
            .is_true(|request| {
                let pairs = query_pairs(request);
                pairs.contains(&"next_token=a%2Bb%2Fc%3D".to_owned())
                    && pairs.contains(&"limit=2".to_owned())
                    && pairs.contains(&"with_total=true".to_owned())
                    && pairs.len() == 3
            });
        then.ok(&last);
    });

    let page = client(&server)
        .list_segments()
        .limit(limit(2))
        .next_token("a+b/c=")
        .with_total(true)
        .send()
        .await
        .unwrap();

    mock.assert_calls(1);
    assert_eq!(page.into_inner(), last);
}

#[tokio::test]
async fn non_ascii_and_reserved_characters_in_next_token_round_trip() {
    let server = MockServer::start_async().await;
    let raw = "é x&y=z?#%";
    let token = ListSegmentsNextToken::try_from(raw).unwrap();
    let mock = server.list_segments(|when, then| {
        when.next_token(&token).into_inner().is_true(|request| {
            query_pairs(request) == ["next_token=%C3%A9+x%26y%3Dz%3F%23%25".to_owned()]
        });
        then.ok(&fixture("SegmentPage/last-page-empty.json"));
    });

    client(&server)
        .list_segments()
        .next_token(raw)
        .send()
        .await
        .unwrap();
    mock.assert_calls(1);
}

#[tokio::test]
async fn an_empty_next_token_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server.list_segments(|_, then| {
        then.ok(&fixture("SegmentPage/last-page-empty.json"));
    });

    let error = client(&server)
        .list_segments()
        .next_token("")
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(error, GeneratedError::InvalidRequest(_)),
        "{error:?}"
    );
    mock.assert_calls(0);
}

#[tokio::test]
async fn pages_with_unknown_fields_and_unicode_decode_intact() {
    let server = MockServer::start_async().await;
    for name in [
        "SegmentPage/unknown-fields.json",
        "SegmentPage/unicode-names.json",
        "SegmentPage/last-page-next-token-null.json",
        "SegmentPage/last-page-next-token-empty.json",
        "SegmentPage/with-total.json",
    ] {
        let body: Value = load_json(&fixtures_dir().join(name)).unwrap();
        let raw = body.to_string();
        let mut mock = server.list_segments(|_, then| {
            then.into_inner()
                .status(200)
                .header("content-type", "application/json")
                .body(raw);
        });
        let page = client(&server).list_segments().send().await.unwrap();
        let expected: SegmentPage = serde_json::from_value(body).unwrap();
        assert_eq!(page.into_inner(), expected, "{name}");
        mock.assert_calls(1);
        mock.delete();
    }
}

/// Sets `then` up to answer with a declared error status, through the generated helper for it.
fn answer_with(then: ListSegmentsThen, status: u16, body: &ErrorResponse) -> ListSegmentsThen {
    match status {
        400 => then.bad_request(body),
        401 => then.unauthorized(body),
        403 => then.forbidden(body),
        404 => then.not_found(body),
        429 => then.too_many_requests(body),
        500 => then.internal_server_error(body),
        503 => then.service_unavailable(body),
        other => panic!("status {other} is declared by the spec but has no helper mapped here"),
    }
}

#[tokio::test]
async fn each_declared_error_status_is_an_error_response_with_its_body() {
    let spec = Spec::load().unwrap();
    let statuses: Vec<u16> = spec
        .response_statuses("list_segments")
        .unwrap()
        .into_iter()
        .filter(|status| *status >= 400)
        .collect();
    assert_eq!(statuses, [400, 401, 403, 404, 429, 500, 503]);

    let server = MockServer::start_async().await;
    for status in statuses {
        let name = std::fs::read_dir(fixtures_dir().join("ErrorResponse"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .find(|file| file.starts_with(&format!("{status}-")))
            .unwrap_or_else(|| panic!("no ErrorResponse fixture for {status}"));
        let body: ErrorResponse = fixture(&format!("ErrorResponse/{name}"));
        assert!(
            body.request_id.is_some() && body.trace_id.is_some(),
            "{name}"
        );

        let mut mock = server.list_segments(|_, then| {
            let then = answer_with(then, status, &body).into_inner();
            if status == 429 {
                then.header("retry-after", "1");
            }
        });
        let error = client(&server).list_segments().send().await.unwrap_err();

        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(status),
            "{error:?}"
        );
        let GeneratedError::ErrorResponse(response) = error else {
            panic!("{status} should be an ErrorResponse, got {error:?}");
        };
        if status == 429 {
            assert_eq!(response.headers()["retry-after"], "1");
        }
        assert_eq!(response.into_inner(), body, "{status}");
        mock.assert_calls(1);
        mock.delete();
    }
}

#[tokio::test]
async fn an_undeclared_status_is_an_unexpected_response() {
    let server = MockServer::start_async().await;
    // Not 3xx: reqwest follows redirects before the generated code sees a status.
    for status in [418u16, 502, 204] {
        let mut mock = server.list_segments(|_, then| {
            then.into_inner()
                .status(status)
                .header("content-type", "text/plain")
                .body("I'm a teapot");
        });
        let error = client(&server).list_segments().send().await.unwrap_err();

        let GeneratedError::UnexpectedResponse(response) = error else {
            panic!("{status} should be an UnexpectedResponse, got {error:?}");
        };
        assert_eq!(response.status().as_u16(), status);
        mock.delete();
    }
}

#[tokio::test]
async fn a_malformed_200_body_is_an_invalid_payload() {
    let server = MockServer::start_async().await;
    let cases = [
        (
            "text/html",
            "<html><body><h1>Bad Gateway</h1></body></html>",
        ),
        ("application/json", r#"{"data": [{"id": "ab-1CDEfGHI", "na"#),
        ("application/json", ""),
        ("application/json", r#"{"data": {"id": "ab-1CDEfGHI"}}"#),
        ("application/json", r#"{"next_token": "abc"}"#),
    ];
    for (content_type, body) in cases {
        let mut mock = server.list_segments(|_, then| {
            then.into_inner()
                .status(200)
                .header("content-type", content_type)
                .body(body);
        });
        let error = client(&server).list_segments().send().await.unwrap_err();

        let GeneratedError::InvalidResponsePayload(bytes, _) = error else {
            panic!("{body:?} should be an InvalidResponsePayload, got {error:?}");
        };
        assert_eq!(bytes, body.as_bytes(), "the raw body is kept for reporting");
        mock.delete();
    }
}

#[tokio::test]
async fn a_declared_error_status_with_a_malformed_body_is_an_invalid_payload() {
    // A proxy in front of the API answers 503 with HTML. The generated layer cannot decode it as
    // ErrorResponse and reports an invalid payload; that variant carries no status, which is why
    // the hand-written layer records the last response itself.
    let server = MockServer::start_async().await;
    let mock = server.list_segments(|_, then| {
        then.into_inner()
            .status(503)
            .header("content-type", "text/html")
            .body("<html>Service Unavailable</html>");
    });

    let error = client(&server).list_segments().send().await.unwrap_err();

    assert!(
        matches!(&error, GeneratedError::InvalidResponsePayload(bytes, _) if bytes.starts_with(b"<html>")),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
    mock.assert_calls(1);
}

//! Rate limiting, simulated faults, configuration errors, shutdown and hostile input.

use std::io;
use std::time::Duration;

use amperity_mock::MockConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{config, start};

#[tokio::test]
async fn more_requests_than_the_rate_limit_get_429_with_retry_after() {
    let mock = start(MockConfig {
        rate_limit: 2,
        ..config(10)
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let answer = mock.send(mock.get()).await;
        if answer.status == 429 {
            assert!(
                answer.body["message"]
                    .as_str()
                    .unwrap()
                    .contains("Rate limit")
            );
        }
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| matches!(s, 200 | 429)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_rate_limit_of_zero_is_no_limit() {
    let mock = start(MockConfig {
        rate_limit: 0,
        ..config(10)
    })
    .await;
    for _ in 0..50 {
        assert_eq!(mock.send(mock.get()).await.status, 200);
    }
}

#[tokio::test]
async fn fail_rate_one_fails_every_request_with_5xx_or_429() {
    let mock = start(MockConfig {
        fail_rate: 1.0,
        ..config(10)
    })
    .await;
    for _ in 0..40 {
        let status = mock.send(mock.get()).await.status.as_u16();
        assert!(matches!(status, 500 | 503 | 429), "{status}");
    }
    // Faults only replace answers that would have been 200.
    mock.expect_error(mock.get().query(&[("limit", "0")]), 400)
        .await;
}

#[tokio::test]
async fn fail_rate_one_half_mixes_pages_and_faults() {
    let mock = start(MockConfig {
        fail_rate: 0.5,
        ..config(10)
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..100 {
        statuses.push(mock.send(mock.get()).await.status.as_u16());
    }
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(statuses.iter().any(|s| *s >= 500), "{statuses:?}");
}

#[tokio::test]
async fn added_latency_still_answers() {
    let mock = start(MockConfig {
        latency: Duration::from_millis(20),
        ..config(10)
    })
    .await;
    assert_eq!(mock.send(mock.get()).await.status, 200);
}

#[tokio::test]
async fn impossible_configurations_are_refused() {
    let bad = [
        MockConfig {
            fail_rate: 1.5,
            ..MockConfig::default()
        },
        MockConfig {
            fail_rate: f64::NAN,
            ..MockConfig::default()
        },
        MockConfig {
            segments: amperity_mock::MAX_SEGMENTS + 1,
            ..MockConfig::default()
        },
        MockConfig {
            token: Some(String::new()),
            ..MockConfig::default()
        },
        MockConfig {
            tenant: Some(String::new()),
            ..MockConfig::default()
        },
    ];
    for config in bad {
        let error = amperity_mock::spawn(config.clone()).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{config:?}");
    }
}

#[test]
fn defaults_are_the_documented_ones() {
    let c = MockConfig::default();
    assert_eq!((c.segments, c.seed, c.rate_limit), (300, 1, 10));
    assert_eq!(
        (c.token, c.tenant, c.fail_rate, c.latency),
        (None, None, 0.0, Duration::ZERO)
    );
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let mock = start(config(10)).await;
    let addr = mock.server.addr();
    assert!(mock.server.base_url().starts_with("http://127.0.0.1:"));
    assert!(mock.server.base_url().ends_with("/api"));
    assert_eq!(mock.send(mock.get()).await.status, 200);
    mock.server.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let mock = start(config(10)).await;
    let addr = mock.server.addr();
    drop(mock);
    // The server stops in its own task; give it a bounded number of chances to do so.
    for _ in 0..200 {
        if TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server still accepts connections after its handle was dropped");
}

/// Sends raw bytes and returns the status line of the answer, if any.
async fn raw(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn hostile_input_neither_crashes_nor_hangs_the_server() {
    let mock = start(config(10)).await;
    let addr = mock.server.addr();
    let long_query = format!(
        "GET /api/segments?{} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        "a=b&".repeat(5000)
    );
    let long_value = format!(
        "GET /api/segments?limit={} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        "9".repeat(10_000)
    );
    let requests: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET /api/segments HTTP/1.1\r\nhost: x\r\namperity-tenant: \xff\xfe\r\nauthorization: Bearer test-token\r\nconnection: close\r\n\r\n".to_vec(),
        b"GET /api/segments HTTP/1.1\r\nhost: x\r\nauthorization: Bearer \xff\r\nconnection: close\r\n\r\n".to_vec(),
        b"GET /api/segments?limit=%ff%fe HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".to_vec(),
        long_query.into_bytes(),
        long_value.into_bytes(),
        b"POST /api/segments HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello".to_vec(),
        b"GET /api/segments HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nshort".to_vec(),
        vec![0; 4096],
    ];
    for request in &requests {
        let status = raw(addr, request).await;
        assert!(
            status.is_empty() || status.starts_with("HTTP/1.1 4"),
            "{status:?} for {:?}",
            String::from_utf8_lossy(&request[..request.len().min(60)])
        );
    }
    assert_eq!(mock.send(mock.get()).await.status, 200, "still serving");
}

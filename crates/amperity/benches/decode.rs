//! How long decoding one page of 1000 segments takes, and what forward compatibility costs.
//!
//! `cargo bench -p amperity --bench decode`. Three decoders read the same body, a page as
//! amperity-mock serves it (the mock's own names, escapes and non-ASCII text included):
//!
//! - `generated`: `amperity::types::SegmentPage`, what the SDK decodes into. Its types keep fields
//!   the spec does not name in `#[serde(flatten)] extra` maps, so a field Amperity adds later
//!   survives a round trip; serde implements `flatten` by buffering, which costs time.
//! - `plain`: the same fields in plain structs without `flatten` (unknown fields are dropped).
//! - `borrowed`: plain structs that borrow strings from the body where no unescaping is needed
//!   (the floor for any decoder that hands out owned segments).

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::Deserialize;

mod plain;
use plain::PlainPage;

const SEGMENTS: u64 = 1000;

#[derive(Deserialize)]
#[allow(dead_code)]
struct BorrowedPage<'a> {
    #[serde(borrow)]
    data: Vec<BorrowedSegment<'a>>,
    #[serde(default, borrow)]
    next_token: Option<Cow<'a, str>>,
    #[serde(default)]
    total: Option<u64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct BorrowedSegment<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    status: Option<Cow<'a, str>>,
}

/// The first page of a 1,000,000-segment mock tenant with `limit=1000`, as JSON.
fn page_body() -> Vec<u8> {
    let config = amperity_mock::MockConfig {
        segments: 1_000_000,
        ..amperity_mock::MockConfig::default()
    };
    let data: Vec<serde_json::Value> = (0..SEGMENTS)
        .map(|index| {
            let (id, name) = amperity_mock::segment(&config, index).expect("within the tenant");
            serde_json::json!({ "id": id, "name": name })
        })
        .collect();
    // A token shaped like the mock's (48 lower-case hex digits).
    let next_token = "00000000000003e8".to_owned() + &"5a".repeat(16);
    serde_json::to_vec(&serde_json::json!({ "data": data, "next_token": next_token }))
        .expect("serialisable")
}

fn decode(c: &mut Criterion) {
    let body = page_body();
    // The decoders must agree before their speed means anything.
    let generated: amperity::types::SegmentPage = serde_json::from_slice(&body).unwrap();
    let plain: PlainPage = serde_json::from_slice(&body).unwrap();
    assert_eq!(generated.data.len(), SEGMENTS as usize);
    assert!(
        generated
            .data
            .iter()
            .zip(&plain.data)
            .all(|(g, p)| g.id == p.id && g.name == p.name && g.extra.is_empty())
    );

    let mut group = c.benchmark_group("decode_page_1000");
    group.throughput(Throughput::Elements(SEGMENTS));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<amperity::types::SegmentPage>(black_box(&body)).unwrap())
    });
    group.bench_function("plain", |b| {
        b.iter(|| serde_json::from_slice::<PlainPage>(black_box(&body)).unwrap())
    });
    group.bench_function("borrowed", |b| {
        b.iter(|| serde_json::from_slice::<BorrowedPage<'_>>(black_box(&body)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);

//! The resources of the control plane and of the Profile API, one module each, and what their
//! handlers share: the call a handler gets, pagination over generated records, time lines, and a
//! small JSON writer.
//!
//! A handler checks its own parameters (400 naming the parameter), calls
//! [`App::simulate_fault`] once its input is valid, then answers.

use std::ops::Range;

use bytes::Bytes;
use hyper::StatusCode;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::data::mix;
use crate::errors::{ApiError, quote};
use crate::json;
use crate::query::Query;
use crate::routes::App;
use crate::time::{DAY_MS, days_from_civil, push_timestamp};

pub(crate) mod audit_events;
pub(crate) mod campaigns;
pub(crate) mod ingest_jobs;
pub(crate) mod profiles;
pub(crate) mod segments;
pub(crate) mod workflow_runs;

/// What a handler gets of a request that passed the gateway.
#[derive(Debug)]
pub(crate) struct Call<'r> {
    /// The tenant named in `amperity-tenant`.
    pub(crate) tenant: &'r str,
    /// The decoded query string.
    pub(crate) query: &'r Query<'r>,
    /// The route's (first) path parameter, percent-decoded; empty for routes without one.
    pub(crate) id: &'r str,
    /// The route's second path parameter, percent-decoded (the profile of
    /// `/indexes/{index-id}/profiles/{profile-id}`); empty for routes with fewer.
    pub(crate) second_id: &'r str,
    /// The request body, for routes that read it; empty otherwise.
    pub(crate) body: &'r Bytes,
    /// The request headers, for a route that reads more than the gateway checked.
    pub(crate) headers: &'r HeaderMap,
}

/// An answer the handler wrote itself: its status, JSON body and any headers of its own. Mostly a
/// success; a route whose errors are not `ErrorResponse`s (the OAuth token route) writes those
/// too.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Vec<u8>,
    /// Headers besides `content-type` and the request ids; empty (no allocation) for most.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// 200 with `body`.
    pub(crate) fn ok(body: Vec<u8>) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            headers: Vec::new(),
        }
    }
}

/// What answers a route.
pub(crate) type Handler = fn(&App, &Call<'_>) -> Result<Reply, ApiError>;

/// The resources of one server, built once from its config.
pub(crate) struct Resources {
    pub(crate) segments: segments::Segments,
    pub(crate) audit_events: audit_events::AuditEvents,
    pub(crate) campaigns: campaigns::Campaigns,
    pub(crate) ingest_jobs: ingest_jobs::IngestJobs,
    pub(crate) workflow_runs: workflow_runs::WorkflowRuns,
    pub(crate) profiles: profiles::Profiles,
}

impl Resources {
    /// The resources `config` describes.
    pub(crate) fn new(config: &MockConfig) -> Self {
        Self {
            segments: segments::Segments::new(config),
            audit_events: audit_events::AuditEvents::new(config),
            campaigns: campaigns::Campaigns::new(config),
            ingest_jobs: ingest_jobs::IngestJobs::new(config),
            workflow_runs: workflow_runs::WorkflowRuns::new(config),
            profiles: profiles::Profiles::new(config),
        }
    }
}

/// The most records a generated list may hold. Filters other than time windows scan the
/// records, so the bound keeps the slowest request to a fraction of a second.
pub const MAX_RECORDS: u64 = 100_000_000;

/// The end of the period generated records span: they happened in the year before it. Fixed, so
/// that a seed always gives the same records, whenever the server runs.
pub(crate) fn history_end_ms() -> i64 {
    days_from_civil(2026, 11, 1) * DAY_MS
}

/// The length of that period.
pub(crate) const HISTORY_MS: i64 = 365 * DAY_MS;

/// The shared paging parameters of a list, checked: where to start, how many, whether to count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub(crate) start: u64,
    pub(crate) limit: u64,
    pub(crate) with_total: bool,
}

impl Paging {
    /// Reads `limit`, `with_total` and `next_token`, the token checked by `cursors` and against
    /// `len`, the records the list holds now.
    pub(crate) fn read(call: &Call<'_>, cursors: &CursorCodec, len: u64) -> Result<Self, ApiError> {
        let limit = call.query.limit()?;
        let with_total = call.query.with_total()?;
        let start = read_token(call, cursors, len)?;
        Ok(Self {
            start,
            limit,
            with_total,
        })
    }
}

/// Where the page starts: 0 without `next_token`, else the offset the token stands for, checked
/// by `cursors` and against `len`, the records the list holds now. 400 for an empty token or one
/// this list of this server did not issue.
pub(crate) fn read_token(
    call: &Call<'_>,
    cursors: &CursorCodec,
    len: u64,
) -> Result<u64, ApiError> {
    match call.query.next_token.as_deref() {
        None => Ok(0),
        Some("") => Err(ApiError::bad_request(
            "next_token must not be empty: omit it to get the first page.",
        )),
        Some(token) => cursors
            .decode(token)
            .filter(|&offset| offset < len)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Invalid next_token {}: pass back the next_token of a previous response of \
                     this list from this server, unchanged.",
                    quote(token)
                ))
            }),
    }
}

/// One page of a filtered walk: the positions of its records and where the next page starts.
#[derive(Debug, Default)]
pub(crate) struct Selection {
    pub(crate) positions: Vec<u64>,
    pub(crate) next: Option<u64>,
}

/// Walks `range` from `start`, keeping the positions `keep` accepts, until `limit` are kept; the
/// next page starts at the next position kept, if any (so the last page never has a token).
pub(crate) fn select(
    range: Range<u64>,
    start: u64,
    limit: u64,
    keep: impl FnMut(u64) -> bool,
) -> Selection {
    select_ranges(&[range], start, limit, keep)
}

/// [`select`] over several ranges in order, skipping what lies between them.
pub(crate) fn select_ranges(
    ranges: &[Range<u64>],
    start: u64,
    limit: u64,
    mut keep: impl FnMut(u64) -> bool,
) -> Selection {
    let mut selection = Selection::default();
    for range in ranges {
        let mut position = start.max(range.start);
        while position < range.end {
            if keep(position) {
                if selection.positions.len() as u64 == limit {
                    selection.next = Some(position);
                    return selection;
                }
                selection.positions.push(position);
            }
            position += 1;
        }
    }
    selection
}

/// Writes `{"data":[…],"next_token":"…","total":N}`, each record written by `item`.
pub(crate) fn write_list(
    cursors: &CursorCodec,
    selection: &Selection,
    total: Option<u64>,
    mut item: impl FnMut(&mut Vec<u8>, u64),
) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + selection.positions.len() * 512);
    out.extend_from_slice(b"{\"data\":[");
    for (n, &position) in selection.positions.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        item(&mut out, position);
    }
    out.push(b']');
    if let Some(next) = selection.next {
        out.extend_from_slice(b",\"next_token\":\"");
        out.extend_from_slice(&cursors.encode(next));
        out.push(b'"');
    }
    if let Some(total) = total {
        out.extend_from_slice(b",\"total\":");
        json::push_u64(&mut out, total);
    }
    out.push(b'}');
    out
}

/// Times of `len` records spread over the history period, non-decreasing with the position, so
/// a time window is a range of positions found by binary search.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    start: i64,
    len: u64,
    key: u64,
}

impl Timeline {
    /// The time line of `len` records, jittered by `key`.
    pub(crate) fn new(len: u64, key: u64) -> Self {
        Self {
            start: history_end_ms() - HISTORY_MS,
            len,
            key,
        }
    }

    /// When record `position` happened. Record `i` falls in the `i`-th of `len` equal slices of
    /// the period, at a random point of it.
    pub(crate) fn at(&self, position: u64) -> i64 {
        let span = HISTORY_MS as u128;
        let jitter = u128::from(mix(self.key ^ position)) % span;
        let offset = (u128::from(position) * span + jitter) / u128::from(self.len.max(1));
        self.start + offset as i64
    }

    /// The first position at or after `time` (`len` if none).
    pub(crate) fn first_from(&self, time: i64) -> u64 {
        let (mut low, mut high) = (0, self.len);
        while low < high {
            let middle = low + (high - low) / 2;
            if self.at(middle) < time {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// The positions whose time is in `[from, to)`; both ends optional.
    pub(crate) fn window(&self, from: Option<i64>, to: Option<i64>) -> Range<u64> {
        let start = from.map_or(0, |t| self.first_from(t));
        let end = to.map_or(self.len, |t| self.first_from(t));
        start..end.max(start)
    }
}

/// Writes one JSON object, field by field, straight into a buffer.
pub(crate) struct Object<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Object<'o> {
    /// Opens an object in `out`.
    pub(crate) fn open(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, first: true }
    }

    fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        json::push_str(self.out, key);
        self.out.push(b':');
        self.out
    }

    /// A string field.
    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        let out = self.key(key);
        json::push_str(out, value);
        self
    }

    /// A timestamp field, in RFC 3339 with milliseconds.
    pub(crate) fn time(&mut self, key: &str, ms: i64) -> &mut Self {
        let out = self.key(key);
        push_timestamp(out, ms);
        self
    }

    /// An unsigned integer field.
    pub(crate) fn u64(&mut self, key: &str, value: u64) -> &mut Self {
        let out = self.key(key);
        json::push_u64(out, value);
        self
    }

    /// A field whose value `write` appends as JSON.
    pub(crate) fn with(&mut self, key: &str, write: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        write(self.key(key));
        self
    }

    /// Closes the object.
    pub(crate) fn close(&mut self) {
        self.out.push(b'}');
    }
}

/// Writes a JSON array whose items `write` appends, `count` of them.
pub(crate) fn push_array(
    out: &mut Vec<u8>,
    count: usize,
    mut write: impl FnMut(&mut Vec<u8>, usize),
) {
    out.push(b'[');
    for n in 0..count {
        if n > 0 {
            out.push(b',');
        }
        write(out, n);
    }
    out.push(b']');
}

/// Reads an optional time-window bound.
pub(crate) fn time_param(call: &Call<'_>, name: &str) -> Result<Option<i64>, ApiError> {
    call.query
        .get(name)
        .map(|text| crate::time::parse_param(name, text))
        .transpose()
}

/// Picks one of `items` from bits of `hash`.
pub(crate) fn pick<T>(items: &[T], hash: u64) -> &T {
    &items[(((hash & 0xffff_ffff) * items.len() as u64) >> 32) as usize]
}

/// The production tenant of `tenant`: a sandbox (`acme-sb`, `acme-sb-12345`) belongs to `acme`.
pub(crate) fn tenant_family(tenant: &str) -> &str {
    match tenant.find("-sb") {
        Some(at)
            if at > 0
                && (tenant.len() == at + 3
                    || tenant[at + 3..].strip_prefix('-').is_some_and(|rest| {
                        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
                    })) =>
        {
            &tenant[..at]
        }
        _ => tenant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timelines_are_ordered_and_windows_are_ranges() {
        let line = Timeline::new(10_000, 3);
        let times: Vec<_> = (0..10_000).map(|i| line.at(i)).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times[0] >= history_end_ms() - HISTORY_MS);
        assert!(times[9_999] < history_end_ms());
        let (from, to) = (times[100], times[200]);
        let window = line.window(Some(from), Some(to));
        assert!(window.clone().all(|i| (from..to).contains(&line.at(i))));
        assert_eq!(
            line.window(Some(to), Some(from)),
            line.window(Some(to), Some(to))
        );
        assert_eq!(line.window(None, None), 0..10_000);
    }

    #[test]
    fn selection_stops_at_the_limit_and_points_at_the_next_match() {
        let even = |i: u64| i.is_multiple_of(2);
        let page = select(0..10, 0, 2, even);
        assert_eq!((page.positions, page.next), (vec![0, 2], Some(4)));
        let last = select(0..10, 7, 5, even);
        assert_eq!((last.positions, last.next), (vec![8], None));
    }

    #[test]
    fn sandboxes_belong_to_their_tenant() {
        assert_eq!(tenant_family("acme"), "acme");
        assert_eq!(tenant_family("acme-sb"), "acme");
        assert_eq!(tenant_family("acme-sb-12345"), "acme");
        assert_eq!(tenant_family("acme-sbx"), "acme-sbx");
        assert_eq!(tenant_family("-sb"), "-sb");
    }
}

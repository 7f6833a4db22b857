//! Listing segments: one page, every page as a `Stream`, or every segment as a `Stream`.

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use reqwest::StatusCode;
use tokio::sync::{mpsc, oneshot};

use crate::Client;
use crate::call::call;
use crate::capture;
use crate::error::Error;
use crate::types::{Segment, SegmentPage};

/// Adds paginated listing of segments to the [`Client`].
pub trait SegmentsExt {
    /// A query over the tenant's segments. Nothing is sent until it is awaited or polled.
    ///
    /// ```no_run
    /// use amperity::prelude::*;
    /// use futures::TryStreamExt;
    ///
    /// # async fn run(client: amperity::Client) -> Result<(), amperity::Error> {
    /// let mut segments = client.segments().page_size(1000).stream();
    /// while let Some(segment) = segments.try_next().await? {
    ///     println!("{}\t{}", segment.id, segment.name);
    /// }
    /// # Ok(()) }
    /// ```
    fn segments(&self) -> ListSegments;
}

impl SegmentsExt for Client {
    fn segments(&self) -> ListSegments {
        ListSegments {
            client: self.clone(),
            page_size: None,
            with_total: false,
        }
    }
}

/// A query over the tenant's segments; see [`SegmentsExt::segments`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is sent or its stream is polled"]
pub struct ListSegments {
    client: Client,
    page_size: Option<NonZeroU32>,
    with_total: bool,
}

/// One page of segments, with what the response said about itself.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page {
    /// The segments on this page.
    pub segments: Vec<Segment>,
    /// The cursor for the next page; `None` on the last page (whether the server sent no
    /// `next_token`, `null` or `""`).
    pub next_token: Option<String>,
    /// The count of all segments, when the query asked for it.
    pub total: Option<u64>,
    /// Top-level fields the spec does not name, kept as sent.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The HTTP status.
    pub status: StatusCode,
    /// The server's request id header.
    pub request_id: Option<String>,
    /// The `Deprecation` header: the API version this client speaks is being retired.
    pub deprecation: Option<String>,
    /// The `Sunset` header: when the API version this client speaks stops working.
    pub sunset: Option<String>,
}

impl ListSegments {
    /// Segments per page (the `limit` parameter); the server's default when unset. Zero is
    /// treated as unset.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = NonZeroU32::new(page_size);
        self
    }

    /// Asks for the total count of segments (`with_total=true`), found in [`Page::total`].
    /// Counting can be expensive on a large tenant.
    pub fn with_total(mut self, with_total: bool) -> Self {
        self.with_total = with_total;
        self
    }

    /// Fetches the first page.
    pub async fn first_page(&self) -> Result<Page, Error> {
        self.page(None).await
    }

    /// Fetches the page that `next_token` points at (the first page for `None`).
    pub async fn page(&self, next_token: Option<&str>) -> Result<Page, Error> {
        let mut request = self.client.list_segments();
        if let Some(limit) = self.page_size {
            request = request.limit(limit);
        }
        if self.with_total {
            request = request.with_total(true);
        }
        if let Some(token) = next_token {
            request = request.next_token(token);
        }
        let response = call(&self.client.inner, request.send()).await?;
        Ok(Page::from_response(response))
    }

    /// Every page, in order. Nothing is sent until the stream is first polled. After that, each
    /// request goes out as soon as the previous response's `next_token` has arrived, before that
    /// response is decoded, so fetching and decoding overlap; the walk runs at most
    /// [`PAGES_AHEAD`] pages ahead of the caller, each request paced like any other. The stream
    /// ends after the last page, or after yielding the first error; dropping it cancels the
    /// requests under way.
    pub fn pages(self) -> Pages {
        let walk = Walk {
            query: self,
            next: Some(None),
            fetches: None,
            followed: HashSet::new(),
            pages: 0,
        };
        let stream = stream::unfold(walk, |mut walk| async move {
            let token = walk.next.take()?;
            let result = walk.fetch(token).await.and_then(|page| {
                walk.pages += 1;
                if let Some(next) = &page.next_token {
                    if !walk.followed.insert(next.clone()) {
                        return Err(Error::RepeatedToken {
                            token: next.clone(),
                            pages: walk.pages,
                        });
                    }
                    walk.next = Some(Some(next.clone()));
                }
                Ok(page)
            });
            if result.is_err() {
                // The stream ends here: stop the requests already running ahead, even if the
                // caller keeps the stream without polling it again.
                walk.next = None;
                walk.fetches = None;
            }
            Some((result, walk))
        });
        Pages {
            inner: stream.boxed(),
        }
    }

    /// Every segment of every page, in order.
    pub fn stream(self) -> Segments {
        let stream = self
            .pages()
            .map_ok(|page| stream::iter(page.segments.into_iter().map(Ok)))
            .try_flatten();
        Segments {
            inner: stream.boxed(),
        }
    }
}

/// How many pages a [`ListSegments::pages`] walk fetches ahead of its caller at most.
///
/// Deep enough that a caller who falls behind for a moment (a slow write) does not hold up the
/// requests: on a 1,000,000-segment export, 3 pages ahead was a quarter slower than 8, and 16 no
/// faster. Each page in flight holds its response body and its segments, about 150 KB at 1000
/// segments a page. With pacing on, the requests ahead simply wait their turn.
pub const PAGES_AHEAD: usize = 8;

// The driver holds one fetch besides the queue, which tokio needs to have room for at least one.
const _: () = assert!(PAGES_AHEAD >= 2);

/// The caller's side of a walk over the pages: takes the fetches in order and checks each cursor.
struct Walk {
    query: ListSegments,
    /// The cursor of the page to yield next (`Some(None)` for the first page); `None` at the end.
    next: Option<Option<String>>,
    /// The fetches the driver has started, in order; `None` until the first poll, and after the
    /// driver has stopped.
    fetches: Option<Fetches>,
    /// Every `next_token` handed out so far, to stop a server that repeats one.
    followed: HashSet<String>,
    pages: u64,
}

impl Walk {
    /// The page at `token`: from the driver when it is ahead, else from a driver started there.
    ///
    /// The driver stops when it cannot read a cursor early (a body it cannot parse, a failed
    /// request) or when a cursor repeats; then the page decoded here decides, and a walk that
    /// should go on starts a new driver where it stands.
    async fn fetch(&mut self, token: Option<String>) -> Result<Page, Error> {
        if let Some(fetches) = &mut self.fetches {
            match fetches.queue.recv().await {
                Some(fetch) if fetch.token == token => return fetch.join().await,
                _ => self.fetches = None,
            }
        }
        let mut fetches = Fetches::start(self.query.clone(), token);
        let fetch = fetches.queue.recv().await;
        self.fetches = Some(fetches);
        match fetch {
            Some(fetch) => fetch.join().await,
            None => Err(Error::InvalidRequest("the page fetch was cancelled".into())),
        }
    }
}

/// A driver task that starts each page's fetch as soon as the previous page's cursor is known, and
/// the queue it hands the fetches over in. Dropping it stops the driver and cancels the fetches.
struct Fetches {
    queue: mpsc::Receiver<Prefetch>,
    // Held for its `Drop`.
    _driver: AbortOnDrop<()>,
}

impl Fetches {
    fn start(query: ListSegments, first: Option<String>) -> Self {
        // The driver holds one started fetch while it waits for room in the queue.
        let (sender, queue) = mpsc::channel(PAGES_AHEAD - 1);
        let driver = AbortOnDrop(tokio::spawn(drive(query, first, sender)));
        Self {
            queue,
            _driver: driver,
        }
    }
}

async fn drive(query: ListSegments, mut token: Option<String>, queue: mpsc::Sender<Prefetch>) {
    let mut followed = HashSet::new();
    loop {
        let (tap, body) = oneshot::channel();
        let fetch = Prefetch::start(query.clone(), token, tap);
        if queue.send(fetch).await.is_err() {
            return;
        }
        // No body: the fetch failed or was cancelled, and the caller will learn why from it.
        let Ok(body) = body.await else { return };
        let Some(next) = next_token_of(&body) else {
            return;
        };
        if !followed.insert(next.clone()) {
            return;
        }
        token = Some(next);
    }
}

/// The `next_token` of a page body, read without decoding its segments; `None` on the last page
/// and for a body that is not a page (the full decode reports that).
fn next_token_of(body: &[u8]) -> Option<String> {
    let token = match trailing_next_token(body) {
        Some(token) => token.to_owned(),
        None => {
            #[derive(serde::Deserialize)]
            struct Cursor {
                #[serde(default)]
                next_token: Option<String>,
            }
            serde_json::from_slice::<Cursor>(body).ok()?.next_token?
        }
    };
    (!token.is_empty()).then_some(token)
}

/// `next_token` read from the end of a body shaped `{…,"next_token":"<token>"}`, the common case
/// (Amperity and the mock both end a page with it), without looking at the segments before it.
///
/// In valid JSON, the member just before the closing brace is a member of the outermost object;
/// a token with no quote or backslash needs no unescaping. Anything else falls back to a full
/// parse. Whatever this returns is only a hint: the walk checks it against the decoded page.
fn trailing_next_token(body: &[u8]) -> Option<&str> {
    let rest = body.trim_ascii_end().strip_suffix(b"}")?;
    let rest = rest.trim_ascii_end().strip_suffix(b"\"")?;
    let open = rest.iter().rposition(|&b| b == b'"' || b == b'\\')?;
    if rest[open] != b'"' {
        return None;
    }
    let token = std::str::from_utf8(&rest[open + 1..]).ok()?;
    let rest = rest[..open].trim_ascii_end().strip_suffix(b":")?;
    let rest = rest.trim_ascii_end().strip_suffix(b"\"next_token\"")?;
    match rest.trim_ascii_end().last() {
        Some(b',' | b'{') => Some(token),
        _ => None,
    }
}

/// One page fetch running on its own task; dropping it cancels the fetch.
struct Prefetch {
    token: Option<String>,
    task: AbortOnDrop<Result<Page, Error>>,
}

impl Prefetch {
    fn start(query: ListSegments, token: Option<String>, tap: oneshot::Sender<Bytes>) -> Self {
        let sent = token.clone();
        let task = tokio::spawn(capture::tap_success_body(tap, async move {
            query.page(sent.as_deref()).await
        }));
        Self {
            token,
            task: AbortOnDrop(task),
        }
    }

    async fn join(mut self) -> Result<Page, Error> {
        match (&mut self.task.0).await {
            Ok(result) => result,
            Err(failure) if failure.is_panic() => std::panic::resume_unwind(failure.into_panic()),
            Err(_) => Err(Error::InvalidRequest("the page fetch was cancelled".into())),
        }
    }
}

/// A spawned task that is aborted when its handle is dropped, so that nothing a dropped stream
/// started keeps running.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Page {
    fn from_response(response: progenitor_client::ResponseValue<SegmentPage>) -> Self {
        let status = response.status();
        let headers = response.headers();
        let request_id = capture::request_id(headers);
        let deprecation = capture::header_str(headers, "deprecation");
        let sunset = capture::header_str(headers, "sunset");
        let body = response.into_inner();
        Page {
            segments: body.data,
            next_token: body.next_token.filter(|t| !t.is_empty()),
            total: body.total,
            extra: body.extra,
            status,
            request_id,
            deprecation,
            sunset,
        }
    }
}

/// A stream of pages; see [`ListSegments::pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Pages {
    inner: BoxStream<'static, Result<Page, Error>>,
}

impl Stream for Pages {
    type Item = Result<Page, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

/// A stream of segments; see [`ListSegments::stream`].
#[must_use = "streams do nothing unless polled"]
pub struct Segments {
    inner: BoxStream<'static, Result<Segment, Error>>,
}

impl Stream for Segments {
    type Item = Result<Segment, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::next_token_of;

    #[test]
    fn the_cursor_is_read_from_the_end_of_a_page() {
        let token = |body: &str| next_token_of(body.as_bytes());
        assert_eq!(
            token(r#"{"data":[{"id":"a"}],"next_token":"t1"}"#).as_deref(),
            Some("t1")
        );
        assert_eq!(
            token("{ \"data\": [] ,\n \"next_token\" : \"t1\" }\n").as_deref(),
            Some("t1")
        );
    }

    #[test]
    fn other_layouts_fall_back_to_a_full_parse() {
        let token = |body: &str| next_token_of(body.as_bytes());
        // The cursor first, and a nested member of the same name last.
        assert_eq!(
            token(r#"{"next_token":"t1","data":[{"id":"a","meta":{"next_token":"no"}}]}"#)
                .as_deref(),
            Some("t1")
        );
        // An escaped cursor.
        assert_eq!(
            token(r#"{"data":[],"next_token":"t\u0031"}"#).as_deref(),
            Some("t1")
        );
        // Something that only looks like a cursor, inside a string.
        assert_eq!(
            token(r#"{"data":[],"note":"\",\"next_token\":\"no"}"#),
            None
        );
        assert_eq!(
            token(r#"{"data":[],"next_token":"t1","total":3}"#).as_deref(),
            Some("t1")
        );
    }

    #[test]
    fn the_last_page_and_bodies_that_are_not_pages_have_no_cursor() {
        for body in [
            r#"{"data":[]}"#,
            r#"{"data":[],"next_token":null}"#,
            r#"{"data":[],"next_token":""}"#,
            "<html>bad gateway</html>",
            "",
        ] {
            assert_eq!(next_token_of(body.as_bytes()), None, "{body}");
        }
    }
}

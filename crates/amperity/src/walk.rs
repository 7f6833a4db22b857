//! How [`ListSegments::pages`] runs ahead of its caller.
//!
//! A driver task starts each page's request as soon as the previous response body has arrived,
//! reading `next_token` from the raw body (the request hook hands it over before progenitor
//! decodes it), so requests and decoding overlap and pages decode on every worker. The caller's
//! side takes the fetches in order and checks each page's own cursor, so the early read is only
//! a hint: when they disagree, or the driver could not read a cursor, the walk restarts from the
//! cursor of the page it has.
//!
//! How far ahead it runs grows with the caller, as a file system's read-ahead does: one page at
//! first, then twice as many each time the caller asks for another page, up to [`PAGES_AHEAD`].
//! A caller who reads one page and stops has cost one request more, not eight: against
//! Amperity's 10 requests per second, pages nobody reads are budget spent for nothing.

use std::collections::HashSet;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt};
use tokio::sync::{Semaphore, mpsc, oneshot};

use crate::capture;
use crate::error::Error;
use crate::segments::{ListSegments, Page};

/// Every page of `query`, in order; see [`ListSegments::pages`].
pub(crate) fn pages(query: ListSegments) -> BoxStream<'static, Result<Page, Error>> {
    let walk = Walk {
        query,
        next: Some(None),
        fetches: None,
        window: 1,
        followed: HashSet::new(),
        pages: 0,
    };
    stream::unfold(walk, |mut walk| async move {
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
    })
    .boxed()
}

/// How many pages a [`ListSegments::pages`] walk fetches ahead of its caller at most, once the
/// caller has shown it reads on (the walk starts one page ahead and doubles from there).
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
    /// How many pages the walk may run ahead of the page the caller holds: 1 at first, doubled
    /// each time the caller asks for another page, up to `PAGES_AHEAD`. A restarted driver
    /// starts with the window the walk had reached.
    window: usize,
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
                Some(fetch) if fetch.token == token => {
                    self.window = fetches.took_one(self.window);
                    return fetch.join().await;
                }
                _ => self.fetches = None,
            }
        }
        let mut fetches = Fetches::start(self.query.clone(), token, self.window);
        let fetch = fetches.queue.recv().await;
        if fetch.is_some() {
            self.window = fetches.took_one(self.window);
        }
        self.fetches = Some(fetches);
        match fetch {
            Some(fetch) => fetch.join().await,
            None => Err(cancelled()),
        }
    }
}

/// A driver task that starts each page's fetch as soon as the previous page's cursor is known, and
/// the queue it hands the fetches over in. Dropping it stops the driver and cancels the fetches.
struct Fetches {
    queue: mpsc::Receiver<Prefetch>,
    /// One permit for each fetch the driver may still start: the caller's pages plus the window.
    allowed: Arc<Semaphore>,
    /// The fetches the caller has taken from this driver.
    taken: usize,
    // Held for its `Drop`.
    _driver: AbortOnDrop<()>,
}

impl Fetches {
    /// Starts a driver at `first`, allowed the page the caller waits for and `window` more.
    fn start(query: ListSegments, first: Option<String>, window: usize) -> Self {
        // The driver holds one started fetch while it waits for room in the queue.
        let (sender, queue) = mpsc::channel(PAGES_AHEAD - 1);
        let allowed = Arc::new(Semaphore::new(1 + window));
        let driver = AbortOnDrop(tokio::spawn(drive(query, first, sender, allowed.clone())));
        Self {
            queue,
            allowed,
            taken: 0,
            _driver: driver,
        }
    }

    /// The caller took a fetch from the queue: the driver may start the fetch that keeps the
    /// window full and, when the caller came back for more, a wider window. Returns the window.
    fn took_one(&mut self, window: usize) -> usize {
        self.taken += 1;
        // The first page of a driver was allowed when it started.
        if self.taken == 1 {
            return window;
        }
        let wider = (window * 2).min(PAGES_AHEAD);
        self.allowed.add_permits(1 + wider - window);
        wider
    }
}

async fn drive(
    query: ListSegments,
    mut token: Option<String>,
    queue: mpsc::Sender<Prefetch>,
    allowed: Arc<Semaphore>,
) {
    let mut followed = HashSet::new();
    loop {
        let Ok(permit) = allowed.acquire().await else {
            return;
        };
        permit.forget();
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
            Err(_) => Err(cancelled()),
        }
    }
}

/// The error of a fetch that was stopped (its task aborted, its driver gone) before it answered.
fn cancelled() -> Error {
    Error::Cancelled("the page fetch was stopped before it answered".into())
}

/// A spawned task that is aborted when its handle is dropped, so that nothing a dropped stream
/// started keeps running.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::{AbortOnDrop, Prefetch, next_token_of};
    use crate::Error;

    #[tokio::test]
    async fn a_fetch_stopped_before_it_answers_is_cancelled_not_an_invalid_request() {
        let task = tokio::spawn(std::future::pending());
        task.abort();
        let fetch = Prefetch {
            token: None,
            task: AbortOnDrop(task),
        };
        let error = fetch
            .join()
            .await
            .expect_err("an aborted fetch has no page");
        assert!(matches!(error, Error::Cancelled(_)), "{error:?}");
        assert_eq!(
            error.to_string(),
            "cancelled: the page fetch was stopped before it answered"
        );
    }

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

//! How a walk over the pages of a list runs ahead of its caller.
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

use super::cursor::next_token_of;
use super::{ListRequest, Page, PageBody, page};
use crate::capture;
use crate::error::Error;

/// The items of the pages of `Q`.
type ItemOf<Q> = <<Q as ListRequest>::Body as PageBody>::Item;

/// Every page of `query` from the cursor `first` on, in order; see [`Pages`](super::Pages).
pub(super) fn pages<Q: ListRequest>(
    client: Q::Client,
    query: Q,
    first: Option<String>,
) -> BoxStream<'static, Result<Page<ItemOf<Q>>, Error>> {
    let walk = Walk {
        client,
        query,
        next: Some(first),
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

/// How many pages a walk over a list fetches ahead of its caller at most, once the
/// caller has shown it reads on (the walk starts one page ahead and doubles from there).
///
/// Deep enough that a caller who falls behind for a moment (a slow write) does not hold up the
/// requests: on a 1,000,000-segment export, 3 pages ahead was a quarter slower than 8, and 16 no
/// faster. Each page in flight holds its response body and its items, about 150 KB for 1000
/// segments. With pacing on, the requests ahead simply wait their turn.
pub const PAGES_AHEAD: usize = 8;

// The driver holds one fetch besides the queue, which tokio needs to have room for at least one.
const _: () = assert!(PAGES_AHEAD >= 2);

/// The caller's side of a walk over the pages: takes the fetches in order and checks each cursor.
struct Walk<Q: ListRequest> {
    client: Q::Client,
    query: Q,
    /// The cursor of the page to yield next (`Some(None)` for the first page); `None` at the end.
    next: Option<Option<String>>,
    /// The fetches the driver has started, in order; `None` until the first poll, and after the
    /// driver has stopped.
    fetches: Option<Fetches<Q>>,
    /// How many pages the walk may run ahead of the page the caller holds: 1 at first, doubled
    /// each time the caller asks for another page, up to `PAGES_AHEAD`. A restarted driver
    /// starts with the window the walk had reached.
    window: usize,
    /// Every `next_token` handed out so far, to stop a server that repeats one.
    followed: HashSet<String>,
    pages: u64,
}

impl<Q: ListRequest> Walk<Q> {
    /// The page at `token`: from the driver when it is ahead, else from a driver started there.
    ///
    /// The driver stops when it cannot read a cursor early (a body it cannot parse, a failed
    /// request) or when a cursor repeats; then the page decoded here decides, and a walk that
    /// should go on starts a new driver where it stands.
    async fn fetch(&mut self, token: Option<String>) -> Result<Page<ItemOf<Q>>, Error> {
        if let Some(fetches) = &mut self.fetches {
            match fetches.queue.recv().await {
                Some(fetch) if fetch.token == token => {
                    self.window = fetches.took_one(self.window);
                    return fetch.join().await;
                }
                _ => self.fetches = None,
            }
        }
        let mut fetches = Fetches::start(&self.client, &self.query, token, self.window);
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
struct Fetches<Q: ListRequest> {
    queue: mpsc::Receiver<Prefetch<ItemOf<Q>>>,
    /// One permit for each fetch the driver may still start: the caller's pages plus the window.
    allowed: Arc<Semaphore>,
    /// The fetches the caller has taken from this driver.
    taken: usize,
    // Held for its `Drop`.
    _driver: AbortOnDrop<()>,
}

impl<Q: ListRequest> Fetches<Q> {
    /// Starts a driver at `first`, allowed the page the caller waits for and `window` more.
    fn start(client: &Q::Client, query: &Q, first: Option<String>, window: usize) -> Self {
        // The driver holds one started fetch while it waits for room in the queue.
        let (sender, queue) = mpsc::channel(PAGES_AHEAD - 1);
        let allowed = Arc::new(Semaphore::new(1 + window));
        let driver = AbortOnDrop(tokio::spawn(drive(
            client.clone(),
            query.clone(),
            first,
            sender,
            allowed.clone(),
        )));
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

async fn drive<Q: ListRequest>(
    client: Q::Client,
    query: Q,
    mut token: Option<String>,
    queue: mpsc::Sender<Prefetch<ItemOf<Q>>>,
    allowed: Arc<Semaphore>,
) {
    let mut followed = HashSet::new();
    loop {
        let Ok(permit) = allowed.acquire().await else {
            return;
        };
        permit.forget();
        let (tap, body) = oneshot::channel();
        let fetch = Prefetch::start(&client, &query, token, tap);
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

/// One page fetch running on its own task; dropping it cancels the fetch.
struct Prefetch<T> {
    token: Option<String>,
    task: AbortOnDrop<Result<Page<T>, Error>>,
}

impl<T: Send + 'static> Prefetch<T> {
    fn start<Q: ListRequest<Body: PageBody<Item = T>>>(
        client: &Q::Client,
        query: &Q,
        token: Option<String>,
        tap: oneshot::Sender<Bytes>,
    ) -> Self {
        let (client, query, sent) = (client.clone(), query.clone(), token.clone());
        let task = tokio::spawn(capture::tap_success_body(tap, async move {
            page(&client, &query, sent.as_deref()).await
        }));
        Self {
            token,
            task: AbortOnDrop(task),
        }
    }

    async fn join(mut self) -> Result<Page<T>, Error> {
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
    use super::{AbortOnDrop, Prefetch};
    use crate::Error;

    #[tokio::test]
    async fn a_fetch_stopped_before_it_answers_is_cancelled_not_an_invalid_request() {
        let task = tokio::spawn(std::future::pending());
        task.abort();
        let fetch: Prefetch<()> = Prefetch {
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
}

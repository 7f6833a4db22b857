//! Walking any list of the API: one page, every page as a `Stream`, or every item as a `Stream`.
//!
//! This module knows no resource. `cargo xtask generate` finds every operation whose response is
//! a page (`data` plus `next_token`) and gives its generated builder `.page()`, `.pages()` and
//! `.stream()`, written in terms of the two traits here: [`ListRequest`] (the request without its
//! client and cursor, repeated for every page) and [`PageBody`] (a page's items and cursor).
//! Adding a list operation to the spec and regenerating is all it takes to walk it.

mod cursor;
mod walk;

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use progenitor_client::ResponseValue;
use reqwest::StatusCode;

use crate::call::call;
use crate::capture;
use crate::client_state::ClientState;
use crate::error::{Error, GeneratedError};

pub use walk::PAGES_AHEAD;

/// A list operation's request without its client and its cursor: what a walk sends again for
/// every page. Implemented by generated code for every list operation.
pub(crate) trait ListRequest: Clone + Send + Sync + 'static {
    /// The response body: one page.
    type Body: PageBody;

    /// The generated client that sends it (each spec has its own).
    type Client: ApiClient;

    /// Sends this request for the page at `next_token` (the first page for `None`).
    fn send_page<'a>(
        &'a self,
        client: &'a Self::Client,
        next_token: Option<&'a str>,
    ) -> BoxFuture<'a, Result<ResponseValue<Self::Body>, GeneratedError>>;
}

/// What a walk needs of a generated client: to be shared with the task that fetches ahead, and
/// its SDK state (for the overall timeout).
pub(crate) trait ApiClient: Clone + Send + Sync + 'static {
    /// The SDK's state inside it.
    fn state(&self) -> &ClientState;
}

impl<C> ApiClient for C
where
    C: progenitor_client::ClientInfo<ClientState> + Clone + Send + Sync + 'static,
{
    fn state(&self) -> &ClientState {
        self.inner()
    }
}

/// A page body: its items, its cursor, and what else it said. Implemented by generated code for
/// every page schema.
pub(crate) trait PageBody: Send + 'static {
    /// What the page lists.
    type Item: Send + 'static;

    /// Takes the page apart.
    fn into_parts(self) -> PageParts<Self::Item>;
}

/// The parts of a page body that every list shares.
pub(crate) struct PageParts<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
    pub total: Option<u64>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A page body's `next_token`, however the spec shapes it (optional or not).
pub(crate) trait IntoCursor {
    fn into_cursor(self) -> Option<String>;
}

impl IntoCursor for Option<String> {
    fn into_cursor(self) -> Option<String> {
        self
    }
}

impl IntoCursor for String {
    fn into_cursor(self) -> Option<String> {
        Some(self)
    }
}

/// A page body's `total`, however the spec shapes it (optional or not, signed or not).
pub(crate) trait IntoTotal {
    fn into_total(self) -> Option<u64>;
}

impl<T: TryInto<u64>> IntoTotal for Option<T> {
    fn into_total(self) -> Option<u64> {
        self.and_then(|total| total.try_into().ok())
    }
}

macro_rules! into_total {
    ($($int:ty),*) => {$(
        impl IntoTotal for $int {
            fn into_total(self) -> Option<u64> {
                self.try_into().ok()
            }
        }
    )*};
}
into_total!(u64, i64, u32, i32);

/// One page of a list, with what the response said about itself.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page (the body's `data`).
    pub items: Vec<T>,
    /// The cursor for the next page; `None` on the last page (whether the server sent no
    /// `next_token`, `null` or `""`).
    pub next_token: Option<String>,
    /// The count of all items, when the request asked for it with `with_total(true)`.
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

impl<T> Page<T> {
    fn from_response<B: PageBody<Item = T>>(response: ResponseValue<B>) -> Self {
        let status = response.status();
        let headers = response.headers();
        let request_id = capture::request_id(headers);
        let deprecation = capture::header_str(headers, "deprecation");
        let sunset = capture::header_str(headers, "sunset");
        let body = response.into_inner().into_parts();
        Page {
            items: body.items,
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

/// The page at `next_token` (the first page for `None`), sent the way every SDK call is: within
/// the client's overall timeout, with errors as [`Error`].
pub(crate) async fn page<Q: ListRequest>(
    client: &Q::Client,
    query: &Q,
    next_token: Option<&str>,
) -> Result<Page<<Q::Body as PageBody>::Item>, Error> {
    let response = call(client.state(), query.send_page(client, next_token)).await?;
    Ok(Page::from_response(response))
}

/// Every page of `query` from `first` on; see a list builder's `pages()`. `first` is the cursor
/// the builder was given, or the reason it was refused.
pub(crate) fn pages<Q: ListRequest>(
    client: Q::Client,
    query: Q,
    first: Result<Option<String>, String>,
) -> Pages<<Q::Body as PageBody>::Item> {
    let inner = match first {
        Ok(first) => walk::pages(client, query, first),
        Err(refused) => stream::once(async move { Err(Error::InvalidRequest(refused)) }).boxed(),
    };
    Pages { inner }
}

/// The cursor a builder was given, as the walk carries it.
pub(crate) fn first_token<T: Into<String>>(
    next_token: Result<Option<T>, String>,
) -> Result<Option<String>, String> {
    next_token.map(|token| token.map(Into::into))
}

/// Every page of a list, in order; see a list builder's `pages()`.
///
/// Nothing is sent until the stream is first polled. After that, each request goes out as soon
/// as the previous response's `next_token` has arrived, before that response is decoded, so
/// fetching and decoding overlap. The walk runs one page ahead of the caller at first and twice
/// as far each time the caller asks for another page, up to [`PAGES_AHEAD`]; each request is
/// paced like any other. The stream ends after the last page, or after yielding the first error
/// (a server that repeats a `next_token` is [`Error::RepeatedToken`], never a loop); dropping it
/// cancels the requests under way.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    inner: BoxStream<'static, Result<Page<T>, Error>>,
}

impl<T: Send + 'static> Pages<T> {
    /// Every item of every page, in order.
    pub fn items(self) -> Items<T> {
        let inner = self
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed();
        Items { inner }
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

/// Every item of a list, in order; see a list builder's `stream()`. It walks the pages as
/// [`Pages`] does.
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    inner: BoxStream<'static, Result<T, Error>>,
}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

//! Listing segments: one page, every page as a `Stream`, or every segment as a `Stream`.

use std::num::NonZeroU32;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use reqwest::StatusCode;

use crate::Client;
use crate::call::call;
use crate::capture;
use crate::error::Error;
use crate::types::{Segment, SegmentPage};
use crate::walk;

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
    /// response is decoded, so fetching and decoding overlap. The walk runs one page ahead of
    /// the caller at first and twice as far each time the caller asks for another page, up to
    /// [`PAGES_AHEAD`](crate::PAGES_AHEAD); each request is paced like any other. The stream ends
    /// after the last page, or after yielding the first error; dropping it cancels the requests
    /// under way.
    pub fn pages(self) -> Pages {
        Pages {
            inner: walk::pages(self),
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

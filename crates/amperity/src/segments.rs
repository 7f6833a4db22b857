//! The name segment lists had before every list got the same pagination.

use crate::Client;
use crate::generated::builder::ListSegments;

/// `client.segments()`, kept so that code written against it finds its way.
pub trait SegmentsExt {
    /// The tenant's segments: the same builder as [`Client::list_segments`], with `.page()`,
    /// `.pages()` and `.stream()` like every list. `.page_size(n)` is now `.limit(n)`, and
    /// `.first_page()` is `.page()`.
    #[deprecated(
        note = "use `client.list_segments()`; `.page_size(n)` is `.limit(n)`, `.first_page()` is `.page()`"
    )]
    fn segments(&self) -> ListSegments<'_>;
}

impl SegmentsExt for Client {
    fn segments(&self) -> ListSegments<'_> {
        self.list_segments()
    }
}

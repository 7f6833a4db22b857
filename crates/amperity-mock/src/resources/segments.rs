//! `GET /segments`: the tenant's segments, generated on demand (`data.rs`) and written straight
//! into one buffer (`page.rs`), the fastest path of the mock since the export benchmarks use it.

use crate::config::MockConfig;
use crate::cursor::CursorCodec;
use crate::data::Catalog;
use crate::errors::ApiError;
use crate::page::write_page;
use crate::resources::{Call, Paging, Reply};
use crate::routes::App;

/// The segments of every tenant (each tenant sees the same ones) and their cursors.
pub(crate) struct Segments {
    catalog: Catalog,
    cursors: CursorCodec,
}

impl Segments {
    /// The segments `config` describes.
    pub(crate) fn new(config: &MockConfig) -> Self {
        Self {
            catalog: Catalog::new(config.seed, config.segments),
            cursors: CursorCodec::new(config.seed, "segments", config.segments),
        }
    }
}

/// `GET /segments`: `limit`, `next_token`, `with_total`.
pub(crate) fn list(app: &App, call: &Call<'_>) -> Result<Reply, ApiError> {
    let segments = &app.resources.segments;
    let paging = Paging::read(call, &segments.cursors, segments.catalog.len())?;
    app.simulate_fault()?;
    Ok(Reply::ok(write_page(
        &segments.catalog,
        &segments.cursors,
        paging.start,
        paging.limit,
        paging.with_total,
    )))
}

//! Writing segments in each output format, one page at a time, so memory stays flat.

mod csv;
mod json;
mod table;

use std::io::{self, Write};

use amperity::types::Segment;

use crate::args::Format;

pub use self::csv::CsvWriter;
pub use self::json::{JsonArrayWriter, NdjsonWriter};
pub use self::table::{TableWriter, TsvWriter};

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Writing failed (a full disk, a closed pipe, ...).
    #[error("could not write the output: {0}")]
    Io(#[from] io::Error),
    /// The data does not fit the format.
    #[error("{0}")]
    Shape(String),
}

impl From<::csv::Error> for OutputError {
    fn from(error: ::csv::Error) -> Self {
        match error.into_kind() {
            ::csv::ErrorKind::Io(io) => OutputError::Io(io),
            other => OutputError::Shape(format!("could not write CSV: {other:?}")),
        }
    }
}

/// A sink for segments in one format.
pub trait SegmentWriter {
    /// Writes one page of segments.
    fn write_page(&mut self, segments: &[Segment]) -> Result<(), OutputError>;

    /// Writes whatever closes the document (and the table footer with the total, for tables),
    /// then flushes.
    fn finish(self: Box<Self>, total: Option<u64>) -> Result<(), OutputError>;

    /// Whether this format shows the total itself; otherwise it goes to stderr.
    fn shows_total(&self) -> bool {
        false
    }
}

/// The writer for `format` over `out`; `terminal` says whether `out` is a terminal.
pub fn writer(
    format: Format,
    out: Box<dyn Write + Send>,
    terminal: bool,
) -> Box<dyn SegmentWriter + Send> {
    match format {
        Format::Table if terminal => Box::new(TableWriter::new(out)),
        Format::Table => Box::new(TsvWriter::new(out)),
        Format::Json => Box::new(JsonArrayWriter::new(out)),
        Format::Ndjson => Box::new(NdjsonWriter::new(out)),
        Format::Csv => Box::new(CsvWriter::new(out)),
    }
}

/// A field's value as text for the flat formats: strings as they are, anything else as JSON.
fn field_text(value: &serde_json::Value) -> std::borrow::Cow<'_, str> {
    match value {
        serde_json::Value::String(text) => text.into(),
        serde_json::Value::Null => "".into(),
        other => other.to_string().into(),
    }
}

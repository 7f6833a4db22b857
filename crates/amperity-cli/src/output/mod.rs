//! Writing records in each output format, one page at a time, so memory stays flat.
//!
//! One path for every resource: each writer is generic over [`Record`], and learns a record's
//! fields from its `Serialize` implementation. There is no writer per resource.

pub mod cells;
mod csv;
mod json;
mod table;

use std::io::{self, Write};

use crate::args::Format;
use crate::record::Record;

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

impl From<cells::CellError> for OutputError {
    fn from(error: cells::CellError) -> Self {
        OutputError::Shape(format!("could not write a record: {error}"))
    }
}

/// A sink for records of one kind in one format.
pub trait RecordWriter<T> {
    /// Writes one page of records.
    fn write_page(&mut self, records: &[T]) -> Result<(), OutputError>;

    /// Hands everything written so far to the file, leaving the document open: what an
    /// interrupted export keeps, ending after its last whole page.
    fn flush(&mut self) -> Result<(), OutputError>;

    /// Writes whatever closes the document (and the table footer with the total, for tables),
    /// then flushes.
    fn finish(self: Box<Self>, total: Option<u64>) -> Result<(), OutputError>;

    /// Whether this format shows the total itself; otherwise it goes to stderr.
    fn shows_total(&self) -> bool {
        false
    }
}

/// Where a writer starts.
#[derive(Debug, Clone, Default)]
pub enum Start {
    /// A new document.
    #[default]
    Fresh,
    /// Continuing a document an interrupted export left: no header and no opening bracket
    /// again; a CSV keeps the header it has.
    Continue {
        /// The header of the CSV being continued.
        csv_header: Option<Vec<String>>,
    },
}

/// The writer for `format` over `out`; `terminal` says whether `out` is a terminal, `single`
/// whether exactly one record is written (then `json` is that object, not an array of one).
pub fn writer<T: Record>(
    format: Format,
    out: Box<dyn Write + Send>,
    terminal: bool,
    single: bool,
    start: Start,
) -> Box<dyn RecordWriter<T> + Send> {
    match format {
        Format::Table if terminal => Box::new(TableWriter::<T>::new(out)),
        Format::Table => Box::new(TsvWriter::<T>::new(out)),
        Format::Json if single => Box::new(NdjsonWriter::new(out)),
        Format::Json => Box::new(JsonArrayWriter::new(
            out,
            matches!(start, Start::Continue { .. }),
        )),
        Format::Ndjson => Box::new(NdjsonWriter::new(out)),
        Format::Csv => Box::new(CsvWriter::new(
            out,
            match start {
                Start::Continue { csv_header } => csv_header,
                Start::Fresh => None,
            },
        )),
    }
}

//! `csv`: a header of every field of the first records, in first-seen order; one row per record.

use std::io::Write;

use super::cells::{Columns, Row};
use super::{OutputError, RecordWriter};

/// How many records decide the header: the first page's, and more pages' until this many.
///
/// The seed's Python example takes the first record's keys; a page of a list whose records vary
/// (a workflow run's `error` appears only on failed runs) may lack a field that later records
/// have, so the header waits for a fair sample. At `--limit 1000`, the first page alone.
pub const HEADER_SAMPLE: usize = 1000;

/// Writes CSV with the csv crate, so commas, quotes and newlines in values survive.
///
/// The header must come first, yet fields are only known as pages arrive: the columns are those
/// of the first [`HEADER_SAMPLE`] records (whole pages; every field of any of them, in the
/// order they first appear: the spec's order, then fields the spec does not name). Those records
/// are held as cells until then. A later record with a field that has no column is an error
/// naming it, never a silently dropped value (`--format ndjson` keeps every field of every
/// record). Cells follow [`super::cells`]: nested values are JSON.
pub struct CsvWriter {
    out: csv::Writer<Box<dyn Write + Send>>,
    /// The columns; growing until the header is written.
    columns: Columns,
    /// Whether the header is written (or was, in the file being continued).
    header_written: bool,
    /// Records seen before the header, as cells.
    pending: Vec<Row>,
    row: Row,
}

impl CsvWriter {
    /// A writer over `out`; `header` is that of a file being continued, which is not written
    /// again.
    pub fn new(out: Box<dyn Write + Send>, header: Option<Vec<String>>) -> Self {
        let header_written = header.is_some();
        Self {
            out: csv::Writer::from_writer(out),
            columns: match header {
                Some(names) => Columns::fixed(&names),
                None => Columns::discover(),
            },
            header_written,
            pending: Vec::new(),
            row: Row::default(),
        }
    }

    /// Writes the header and the records held for it, if not done yet.
    fn settle(&mut self) -> Result<(), OutputError> {
        if self.header_written || self.pending.is_empty() {
            return Ok(());
        }
        self.columns.freeze();
        self.out.write_record(self.columns.names())?;
        self.header_written = true;
        for row in std::mem::take(&mut self.pending) {
            write_row(&mut self.out, &row, self.columns.names().len())?;
        }
        Ok(())
    }
}

/// Writes `row` cell by cell from its buffer: no row of owned strings per record.
fn write_row(
    out: &mut csv::Writer<Box<dyn Write + Send>>,
    row: &Row,
    columns: usize,
) -> Result<(), OutputError> {
    for i in 0..columns {
        out.write_field(row.cell(i))?;
    }
    // An empty record ends the one written field by field.
    out.write_record(None::<&[u8]>)?;
    Ok(())
}

impl<T: serde::Serialize> RecordWriter<T> for CsvWriter {
    fn write_page(&mut self, records: &[T]) -> Result<(), OutputError> {
        if !self.header_written {
            for record in records {
                let mut row = Row::default();
                row.fill(record, &mut self.columns)?;
                self.pending.push(row);
            }
            if self.pending.len() >= HEADER_SAMPLE {
                self.settle()?;
            }
            return Ok(());
        }
        for record in records {
            self.row.fill(record, &mut self.columns)?;
            if let Some(unknown) = self.row.unknown() {
                let id = self
                    .columns
                    .position("id")
                    .map(|at| String::from_utf8_lossy(self.row.cell(at)).into_owned())
                    .unwrap_or_default();
                return Err(OutputError::Shape(format!(
                    "record {id:?} has a field {unknown:?} that none of the first \
                     {HEADER_SAMPLE} records had, so the CSV header has no column for it; use \
                     --format ndjson or json to keep every field"
                )));
            }
            write_row(&mut self.out, &self.row, self.columns.names().len())?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        self.settle()?;
        self.out.flush()?;
        Ok(())
    }

    fn finish(mut self: Box<Self>, _total: Option<u64>) -> Result<(), OutputError> {
        self.settle()?;
        self.out.flush()?;
        Ok(())
    }
}

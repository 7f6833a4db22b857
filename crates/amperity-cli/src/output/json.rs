//! `json` (one array, streamed element by element, or one object for a command that shows one
//! record) and `ndjson` (one record per line).

use std::io::Write;

use serde::Serialize;

use super::{OutputError, RecordWriter};

/// Writes one JSON array of records without holding them all: `[`, the elements, `]`.
pub struct JsonArrayWriter {
    out: Box<dyn Write + Send>,
    /// Whether an element was written (by this writer, or to the file it continues).
    started: bool,
}

impl JsonArrayWriter {
    /// A writer over `out`; `continues` when `out` already holds `[` and some elements.
    pub fn new(out: Box<dyn Write + Send>, continues: bool) -> Self {
        Self {
            out,
            started: continues,
        }
    }
}

impl<T: Serialize> RecordWriter<T> for JsonArrayWriter {
    fn write_page(&mut self, records: &[T]) -> Result<(), OutputError> {
        for record in records {
            self.out
                .write_all(if self.started { b",\n" } else { b"[\n" })?;
            serde_json::to_writer(&mut self.out, record).map_err(std::io::Error::from)?;
            self.started = true;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        self.out.flush()?;
        Ok(())
    }

    fn finish(mut self: Box<Self>, _total: Option<u64>) -> Result<(), OutputError> {
        self.out
            .write_all(if self.started { b"\n]\n" } else { b"[]\n" })?;
        self.out.flush()?;
        Ok(())
    }
}

/// Writes one record per line: `--format ndjson`, and `--format json` for the commands that show
/// one record (`get`, `start`, `stop`), where that line is the JSON object itself.
pub struct NdjsonWriter {
    out: Box<dyn Write + Send>,
}

impl NdjsonWriter {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self { out }
    }
}

impl<T: Serialize> RecordWriter<T> for NdjsonWriter {
    fn write_page(&mut self, records: &[T]) -> Result<(), OutputError> {
        for record in records {
            serde_json::to_writer(&mut self.out, record).map_err(std::io::Error::from)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), OutputError> {
        self.out.flush()?;
        Ok(())
    }

    fn finish(mut self: Box<Self>, _total: Option<u64>) -> Result<(), OutputError> {
        self.out.flush()?;
        Ok(())
    }
}

//! `json` (one array, streamed element by element) and `ndjson` (one segment per line).

use std::io::Write;

use amperity::types::Segment;

use super::{OutputError, SegmentWriter};

/// Writes one JSON array of segments without holding them all: `[`, the elements, `]`.
pub struct JsonArrayWriter {
    out: Box<dyn Write + Send>,
    written: u64,
}

impl JsonArrayWriter {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self { out, written: 0 }
    }
}

impl SegmentWriter for JsonArrayWriter {
    fn write_page(&mut self, segments: &[Segment]) -> Result<(), OutputError> {
        for segment in segments {
            self.out
                .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            serde_json::to_writer(&mut self.out, segment).map_err(std::io::Error::from)?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _total: Option<u64>) -> Result<(), OutputError> {
        self.out
            .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()?;
        Ok(())
    }
}

/// Writes one segment per line.
pub struct NdjsonWriter {
    out: Box<dyn Write + Send>,
}

impl NdjsonWriter {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self { out }
    }
}

impl SegmentWriter for NdjsonWriter {
    fn write_page(&mut self, segments: &[Segment]) -> Result<(), OutputError> {
        for segment in segments {
            serde_json::to_writer(&mut self.out, segment).map_err(std::io::Error::from)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _total: Option<u64>) -> Result<(), OutputError> {
        self.out.flush()?;
        Ok(())
    }
}

//! `csv`: a header of `id,name` and then every other field in first-seen order.

use std::io::Write;

use amperity::types::Segment;

use super::{OutputError, SegmentWriter, field_text};

/// Writes CSV with the csv crate, so commas, quotes and newlines in names survive.
///
/// The header must come first, yet fields are only known as pages arrive: the columns are fixed
/// by the first page. A later segment with a field that has no column is an error rather than a
/// silently dropped value (`--format ndjson` keeps every field of every segment).
pub struct CsvWriter {
    out: csv::Writer<Box<dyn Write + Send>>,
    /// The extra columns after `id` and `name`; `None` until the header is written.
    extra_columns: Option<Vec<String>>,
}

impl CsvWriter {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out: csv::Writer::from_writer(out),
            extra_columns: None,
        }
    }

    fn write_header(&mut self, first_page: &[Segment]) -> Result<(), OutputError> {
        let mut extra: Vec<String> = Vec::new();
        for segment in first_page {
            for name in named_extras(segment) {
                if !extra.iter().any(|known| known == name) {
                    extra.push(name.to_owned());
                }
            }
        }
        self.out.write_record(
            ["id", "name"]
                .into_iter()
                .chain(extra.iter().map(String::as_str)),
        )?;
        self.extra_columns = Some(extra);
        Ok(())
    }
}

/// The fields of a segment beyond `id` and `name`, in the order the server sent them.
fn named_extras(segment: &Segment) -> impl Iterator<Item = &str> {
    segment
        .status
        .as_ref()
        .map(|_| "status")
        .into_iter()
        .chain(segment.extra.keys().map(String::as_str))
}

impl SegmentWriter for CsvWriter {
    fn write_page(&mut self, segments: &[Segment]) -> Result<(), OutputError> {
        if self.extra_columns.is_none() {
            if segments.is_empty() {
                return Ok(());
            }
            self.write_header(segments)?;
        }
        let columns = self.extra_columns.as_ref().expect("header written");
        for segment in segments {
            if let Some(unknown) = named_extras(segment).find(|f| !columns.iter().any(|c| c == f)) {
                return Err(OutputError::Shape(format!(
                    "segment {} has a field {unknown:?} that the first page did not have, so the \
                     CSV header has no column for it; use --format ndjson to keep every field",
                    segment.id
                )));
            }
            // Field by field, borrowing from the segment: a million-row export must not copy
            // every id and name into a row buffer first.
            self.out.write_field(&segment.id)?;
            self.out.write_field(&segment.name)?;
            for column in columns {
                match column.as_str() {
                    "status" => self
                        .out
                        .write_field(segment.status.as_deref().unwrap_or_default())?,
                    other => match segment.extra.get(other) {
                        Some(value) => self.out.write_field(field_text(value).as_bytes())?,
                        None => self.out.write_field("")?,
                    },
                }
            }
            // An empty record ends the one written field by field.
            self.out.write_record(None::<&[u8]>)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _total: Option<u64>) -> Result<(), OutputError> {
        if self.extra_columns.is_none() {
            self.write_header(&[])?;
        }
        self.out.flush()?;
        Ok(())
    }
}

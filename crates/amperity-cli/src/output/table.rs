//! `table`: a table on a terminal, tab-separated lines elsewhere (as `gh` does).

use std::io::Write;

use amperity::types::Segment;
use comfy_table::{ContentArrangement, Table, presets};

use super::{OutputError, SegmentWriter};

/// Tab-separated `id` and `name`, one segment per line. Tabs, newlines and backslashes inside
/// values are escaped (`\t`, `\n`, `\r`, `\\`) so that every line is exactly one segment.
pub struct TsvWriter {
    out: Box<dyn Write + Send>,
}

impl TsvWriter {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self { out }
    }
}

fn escape(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains(['\t', '\n', '\r', '\\']) {
        return value.into();
    }
    value
        .replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .into()
}

impl SegmentWriter for TsvWriter {
    fn write_page(&mut self, segments: &[Segment]) -> Result<(), OutputError> {
        for segment in segments {
            writeln!(
                self.out,
                "{}\t{}",
                escape(&segment.id),
                escape(&segment.name)
            )?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, _total: Option<u64>) -> Result<(), OutputError> {
        self.out.flush()?;
        Ok(())
    }
}

/// A table for people. It is laid out once every row is known, so it holds the rows: for large
/// exports use `csv` or `ndjson`, which stream.
pub struct TableWriter {
    out: Box<dyn Write + Send>,
    table: Table,
    rows: u64,
}

impl TableWriter {
    /// A writer over `out`, which is a terminal.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        let mut table = Table::new();
        table
            .load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(["ID", "NAME"]);
        Self {
            out,
            table,
            rows: 0,
        }
    }
}

impl SegmentWriter for TableWriter {
    fn write_page(&mut self, segments: &[Segment]) -> Result<(), OutputError> {
        for segment in segments {
            self.table
                .add_row([segment.id.as_str(), segment.name.as_str()]);
            self.rows += 1;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, total: Option<u64>) -> Result<(), OutputError> {
        writeln!(self.out, "{}", self.table)?;
        match total {
            Some(total) => writeln!(self.out, "{} shown, {total} in all", self.rows)?,
            None => writeln!(self.out, "{} shown", self.rows)?,
        }
        self.out.flush()?;
        Ok(())
    }

    fn shows_total(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escaping_keeps_one_segment_per_line() {
        assert_eq!(escape("plain, \"quoted\" ☃"), "plain, \"quoted\" ☃");
        assert_eq!(escape("a\tb\nc\\d\r"), "a\\tb\\nc\\\\d\\r");
    }
}

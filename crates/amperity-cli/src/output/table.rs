//! `table`: a table on a terminal, tab-separated lines elsewhere (as `gh` does), with the
//! summary columns of the record type ([`Record::TABLE_COLUMNS`]).

use std::io::Write;
use std::marker::PhantomData;

use comfy_table::{ContentArrangement, Table, presets};

use super::cells::{Columns, Row};
use super::{OutputError, RecordWriter};
use crate::record::Record;

/// Tab-separated summary columns, one record per line, no header. Tabs, newlines and
/// backslashes inside values are escaped (`\t`, `\n`, `\r`, `\\`) so that every line is exactly
/// one record.
pub struct TsvWriter<T> {
    out: Box<dyn Write + Send>,
    columns: Columns,
    row: Row,
    line: String,
    _records: PhantomData<fn(&T)>,
}

impl<T: Record> TsvWriter<T> {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out,
            columns: Columns::fixed(T::TABLE_COLUMNS),
            row: Row::default(),
            line: String::new(),
            _records: PhantomData,
        }
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

/// The text of a cell (cells are UTF-8 unless a server sent otherwise; never panic on it).
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

impl<T: Record> RecordWriter<T> for TsvWriter<T> {
    fn write_page(&mut self, records: &[T]) -> Result<(), OutputError> {
        for record in records {
            self.row.fill(record, &mut self.columns)?;
            self.line.clear();
            for i in 0..T::TABLE_COLUMNS.len() {
                if i > 0 {
                    self.line.push('\t');
                }
                self.line.push_str(&escape(&text(self.row.cell(i))));
            }
            self.line.push('\n');
            self.out.write_all(self.line.as_bytes())?;
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

/// A table for people. It is laid out once every row is known, so it holds the rows: for large
/// exports use `csv` or `ndjson`, which stream.
pub struct TableWriter<T> {
    out: Box<dyn Write + Send>,
    table: Table,
    rows: u64,
    columns: Columns,
    row: Row,
    _records: PhantomData<fn(&T)>,
}

impl<T: Record> TableWriter<T> {
    /// A writer over `out`, which is a terminal.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        let mut table = Table::new();
        table
            .load_style(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(T::TABLE_COLUMNS.iter().map(|c| c.to_uppercase()));
        Self {
            out,
            table,
            rows: 0,
            columns: Columns::fixed(T::TABLE_COLUMNS),
            row: Row::default(),
            _records: PhantomData,
        }
    }
}

impl<T: Record> RecordWriter<T> for TableWriter<T> {
    fn write_page(&mut self, records: &[T]) -> Result<(), OutputError> {
        for record in records {
            self.row.fill(record, &mut self.columns)?;
            self.table
                .add_row((0..T::TABLE_COLUMNS.len()).map(|i| text(self.row.cell(i)).into_owned()));
            self.rows += 1;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), OutputError> {
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
    fn escaping_keeps_one_record_per_line() {
        assert_eq!(escape("plain, \"quoted\" ☃"), "plain, \"quoted\" ☃");
        assert_eq!(escape("a\tb\nc\\d\r"), "a\\tb\\nc\\\\d\\r");
    }
}

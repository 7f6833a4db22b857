//! Any record as a row of text cells, for the flat formats (`csv`, and `table`'s columns).
//!
//! The rule (the CLI's README states it for users): each top-level field of a record is one
//! column, named as the field is on the wire. A string is written as it is, a number or boolean
//! as JSON writes it, a timestamp as RFC 3339, a missing field or `null` as an empty cell; a
//! nested object or array (a workflow run's `task_instances`, an ingest job's `tables`, a field
//! the spec does not name) is one cell holding its JSON. So nothing is dropped, and a cell can be
//! read back with any JSON parser.
//!
//! Records are serialized straight into cells by a small serde `Serializer`: no
//! `serde_json::Value` per record, and no allocation per scalar field once the row buffer has
//! grown. A million-row export runs through here, so this is the CLI's hot loop.

use std::collections::HashMap;
use std::fmt::{self, Display};
use std::io::Write as _;

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeStruct};

/// Why a record could not be turned into cells.
#[derive(Debug)]
pub enum CellError {
    /// The value is not an object, so it has no fields to make columns of.
    NotARecord,
    /// Not a scalar: the caller writes the value as JSON instead. Never escapes this module.
    Compound,
    /// Anything else a `Serialize` implementation reported.
    Custom(String),
}

impl Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellError::NotARecord => f.write_str("a record is not a JSON object"),
            CellError::Compound => f.write_str("not a scalar"),
            CellError::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for CellError {}

impl ser::Error for CellError {
    fn custom<T: Display>(message: T) -> Self {
        CellError::Custom(message.to_string())
    }
}

/// The columns of a flat output, in order.
#[derive(Debug, Default)]
pub struct Columns {
    names: Vec<String>,
    index: HashMap<String, usize>,
    /// While true (reading the first page), a field with no column gets one.
    growable: bool,
}

impl Columns {
    /// No columns yet: every field met adds one, in first-seen order, until [`freeze`].
    ///
    /// [`freeze`]: Columns::freeze
    pub fn discover() -> Self {
        Self {
            growable: true,
            ..Self::default()
        }
    }

    /// Exactly these columns (a resumed CSV file's header, a table's summary columns).
    pub fn fixed<S: AsRef<str>>(names: &[S]) -> Self {
        let mut columns = Self::discover();
        for name in names {
            columns.add(name.as_ref());
        }
        columns.growable = false;
        columns
    }

    /// No more columns: a field without one is reported by [`Row::unknown`].
    pub fn freeze(&mut self) {
        self.growable = false;
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The position of column `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    fn add(&mut self, name: &str) -> usize {
        let at = self.names.len();
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), at);
        at
    }

    /// The column of `key`. Records of one list serialize their fields in the same order, so
    /// the column after the previous field's is tried before the hash map.
    fn find(&mut self, hint: usize, key: &str) -> Option<usize> {
        if self.names.get(hint).is_some_and(|name| name == key) {
            return Some(hint);
        }
        match self.index.get(key) {
            Some(&at) => Some(at),
            None if self.growable => Some(self.add(key)),
            None => None,
        }
    }
}

/// One record's cells. Reused from record to record, so that a row costs no allocation once its
/// buffers have grown.
#[derive(Debug, Default)]
pub struct Row {
    /// Every cell's text, one after another.
    bytes: Vec<u8>,
    /// Where each column's cell lies in `bytes`; `None` for a field the record does not have.
    cells: Vec<Option<(usize, usize)>>,
    /// The current field's name, when it is not a `&'static str`.
    key: String,
    /// The column after the last one filled: where the next field most likely goes.
    next: usize,
    /// The first field that has no column (columns frozen).
    unknown: Option<String>,
}

impl Row {
    /// Serializes `record` into this row's cells under `columns` (which grow while
    /// discovering).
    pub fn fill<T: Serialize + ?Sized>(
        &mut self,
        record: &T,
        columns: &mut Columns,
    ) -> Result<(), CellError> {
        self.bytes.clear();
        self.cells.clear();
        self.cells.resize(columns.names.len(), None);
        self.next = 0;
        self.unknown = None;
        record.serialize(RecordSerializer { row: self, columns })
    }

    /// The text of column `i`: empty for a field the record does not have.
    pub fn cell(&self, i: usize) -> &[u8] {
        match self.cells.get(i) {
            Some(Some((start, end))) => &self.bytes[*start..*end],
            _ => b"",
        }
    }

    /// The first field of the record that has no column, if any.
    pub fn unknown(&self) -> Option<&str> {
        self.unknown.as_deref()
    }

    fn put<V: Serialize + ?Sized>(
        &mut self,
        column: Option<usize>,
        key: &str,
        value: &V,
    ) -> Result<(), CellError> {
        let Some(column) = column else {
            if self.unknown.is_none() {
                self.unknown = Some(key.to_owned());
            }
            return Ok(());
        };
        if column >= self.cells.len() {
            self.cells.resize(column + 1, None);
        }
        let start = self.bytes.len();
        match value.serialize(ScalarSerializer(&mut self.bytes)) {
            Ok(()) => {}
            Err(CellError::Compound) => {
                self.bytes.truncate(start);
                serde_json::to_writer(&mut self.bytes, value)
                    .map_err(|error| CellError::Custom(error.to_string()))?;
            }
            Err(other) => return Err(other),
        }
        self.cells[column] = Some((start, self.bytes.len()));
        self.next = column + 1;
        Ok(())
    }
}

/// Takes a record apart: an object's fields (generated types serialize as maps, because their
/// `extra` is flattened into them) become cells.
struct RecordSerializer<'a> {
    row: &'a mut Row,
    columns: &'a mut Columns,
}

impl SerializeMap for RecordSerializer<'_> {
    type Ok = ();
    type Error = CellError;

    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), CellError> {
        self.row.key.clear();
        key.serialize(KeySerializer(&mut self.row.key))
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), CellError> {
        let key = std::mem::take(&mut self.row.key);
        let column = self.columns.find(self.row.next, &key);
        let result = self.row.put(column, &key, value);
        self.row.key = key;
        result
    }

    fn end(self) -> Result<(), CellError> {
        Ok(())
    }
}

impl SerializeStruct for RecordSerializer<'_> {
    type Ok = ();
    type Error = CellError;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), CellError> {
        let column = self.columns.find(self.row.next, key);
        self.row.put(column, key, value)
    }

    fn end(self) -> Result<(), CellError> {
        Ok(())
    }
}

/// Every `Serializer` method that has no meaning for this serializer returns the error given.
macro_rules! refuse {
    ($error:expr; $($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, CellError> { Err($error) })*
    };
}

impl<'a> ser::Serializer for RecordSerializer<'a> {
    type Ok = ();
    type Error = CellError;
    type SerializeSeq = Impossible<(), CellError>;
    type SerializeTuple = Impossible<(), CellError>;
    type SerializeTupleStruct = Impossible<(), CellError>;
    type SerializeTupleVariant = Impossible<(), CellError>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), CellError>;

    fn serialize_map(self, _len: Option<usize>) -> Result<Self, CellError> {
        Ok(self)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, CellError> {
        Ok(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        value.serialize(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), CellError> {
        value.serialize(self)
    }

    refuse!(CellError::NotARecord;
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_str(&str), serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), CellError> {
        Err(CellError::NotARecord)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CellError> {
        Err(CellError::NotARecord)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CellError> {
        Err(CellError::NotARecord)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CellError> {
        Err(CellError::NotARecord)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CellError> {
        Err(CellError::NotARecord)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CellError> {
        Err(CellError::NotARecord)
    }
}

/// Writes a scalar as cell text, or reports [`CellError::Compound`] before writing anything, so
/// that the caller writes the value as JSON instead.
struct ScalarSerializer<'a>(&'a mut Vec<u8>);

impl ScalarSerializer<'_> {
    fn display(self, value: impl Display) -> Result<(), CellError> {
        write!(self.0, "{value}").map_err(|error| CellError::Custom(error.to_string()))
    }
}

impl ser::Serializer for ScalarSerializer<'_> {
    type Ok = ();
    type Error = CellError;
    type SerializeSeq = Impossible<(), CellError>;
    type SerializeTuple = Impossible<(), CellError>;
    type SerializeTupleStruct = Impossible<(), CellError>;
    type SerializeTupleVariant = Impossible<(), CellError>;
    type SerializeMap = Impossible<(), CellError>;
    type SerializeStruct = Impossible<(), CellError>;
    type SerializeStructVariant = Impossible<(), CellError>;

    fn serialize_bool(self, value: bool) -> Result<(), CellError> {
        self.0
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_i16(self, value: i16) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_i32(self, value: i32) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_i64(self, value: i64) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_i128(self, value: i128) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_u8(self, value: u8) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_u16(self, value: u16) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_u32(self, value: u32) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_u64(self, value: u64) -> Result<(), CellError> {
        self.display(value)
    }

    fn serialize_u128(self, value: u128) -> Result<(), CellError> {
        self.display(value)
    }

    // Floats as JSON writes them (`1.0`, not `1`), so a cell reads the same as in `ndjson`.
    fn serialize_f32(self, value: f32) -> Result<(), CellError> {
        serde_json::to_writer(self.0, &value).map_err(|error| CellError::Custom(error.to_string()))
    }

    fn serialize_f64(self, value: f64) -> Result<(), CellError> {
        serde_json::to_writer(self.0, &value).map_err(|error| CellError::Custom(error.to_string()))
    }

    fn serialize_char(self, value: char) -> Result<(), CellError> {
        self.0
            .extend_from_slice(value.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), CellError> {
        self.0.extend_from_slice(value.as_bytes());
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), CellError> {
        Err(CellError::Compound)
    }

    fn serialize_none(self) -> Result<(), CellError> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), CellError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), CellError> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CellError> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), CellError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), CellError> {
        Err(CellError::Compound)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CellError> {
        Err(CellError::Compound)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CellError> {
        Err(CellError::Compound)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CellError> {
        Err(CellError::Compound)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CellError> {
        Err(CellError::Compound)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, CellError> {
        Err(CellError::Compound)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, CellError> {
        Err(CellError::Compound)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CellError> {
        Err(CellError::Compound)
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), CellError> {
        self.display(value)
    }
}

/// Reads a field name.
struct KeySerializer<'a>(&'a mut String);

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = CellError;
    type SerializeSeq = Impossible<(), CellError>;
    type SerializeTuple = Impossible<(), CellError>;
    type SerializeTupleStruct = Impossible<(), CellError>;
    type SerializeTupleVariant = Impossible<(), CellError>;
    type SerializeMap = Impossible<(), CellError>;
    type SerializeStruct = Impossible<(), CellError>;
    type SerializeStructVariant = Impossible<(), CellError>;

    fn serialize_str(self, value: &str) -> Result<(), CellError> {
        self.0.push_str(value);
        Ok(())
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), CellError> {
        use std::fmt::Write as _;
        write!(self.0, "{value}").map_err(|error| CellError::Custom(error.to_string()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), CellError> {
        value.serialize(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), CellError> {
        value.serialize(self)
    }

    refuse!(CellError::Custom("a field name is not a string".into());
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CellError> {
        Err(CellError::Custom("a field name is not a string".into()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use serde_json::json;

    /// Column name to cell text (a `serde_json::Value` may order its keys either way).
    fn cells<T: Serialize>(record: &T, columns: &mut Columns) -> BTreeMap<String, String> {
        let mut row = Row::default();
        row.fill(record, columns).unwrap();
        columns
            .names()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    name.clone(),
                    String::from_utf8(row.cell(i).to_vec()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn scalars_are_text_and_nested_values_are_json() {
        let record = json!({
            "id": "wf-1", "n": 3, "x": 1.5, "ok": true, "none": null,
            "error": {"message": "boom"}, "tasks": [{"id": "t"}]
        });
        let cells = cells(&record, &mut Columns::discover());
        let expected = [
            ("id", "wf-1"),
            ("n", "3"),
            ("x", "1.5"),
            ("ok", "true"),
            ("none", ""),
            ("error", r#"{"message":"boom"}"#),
            ("tasks", r#"[{"id":"t"}]"#),
        ];
        let expected: BTreeMap<String, String> = expected
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(cells, expected);
    }

    #[test]
    fn fields_go_to_their_column_whatever_their_order_and_unknown_ones_are_reported() {
        let mut columns = Columns::fixed(&["a", "b", "c"]);
        let mut row = Row::default();
        row.fill(&json!({"c": "3", "a": "1"}), &mut columns)
            .unwrap();
        assert_eq!(row.cell(0), b"1");
        assert_eq!(row.cell(1), b"");
        assert_eq!(row.cell(2), b"3");
        assert_eq!(row.unknown(), None);
        row.fill(&json!({"a": "1", "d": "4"}), &mut columns)
            .unwrap();
        assert_eq!(row.unknown(), Some("d"));
    }

    #[test]
    fn generated_types_keep_timestamps_enums_and_extra_fields() {
        let run: amperity::types::WorkflowRun = serde_json::from_value(json!({
            "id": "wf-1", "name": "Daily", "state": "running", "type": "courier.group/run",
            "created_at": "2026-04-09T17:21:06.747Z", "tenant": "acme", "later": {"x": 1}
        }))
        .unwrap();
        let mut columns = Columns::discover();
        let direct = cells(&run, &mut columns);
        let through_value = cells(
            &serde_json::to_value(&run).unwrap(),
            &mut Columns::discover(),
        );
        assert_eq!(
            direct, through_value,
            "the same cells as through serde_json::Value"
        );
        assert_eq!(direct["created_at"], "2026-04-09T17:21:06.747Z");
        assert_eq!(direct["state"], "running");
        assert_eq!(direct["type"], "courier.group/run");
        assert_eq!(direct["later"], r#"{"x":1}"#);
        assert_eq!(columns.names()[0], "created_at", "declaration order");
    }

    #[test]
    fn a_value_that_is_not_an_object_is_refused() {
        let mut row = Row::default();
        assert!(matches!(
            row.fill(&json!([1, 2]), &mut Columns::discover()),
            Err(CellError::NotARecord)
        ));
    }
}

//! The `[upstream: KIND, ...]` comments of our spec: where it departs from Amperity's published
//! file on purpose, and which node each explanation is about.
//!
//! A comment block that contains `[upstream]` or `[upstream: KIND, KIND]` annotates the YAML
//! node whose key (or list item) comes next after it, and everything under that node. Without
//! kinds it covers any difference there; with kinds (`field`, `required`, `status`, ... see
//! [`Kind::tag`]) only those.

use anyhow::{Result, bail};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::api_diff::document::escape;
use crate::api_diff::{Change, Kind};

/// One explained departure.
#[derive(Debug, PartialEq)]
pub struct Annotation {
    /// JSON pointer of the annotated node.
    pub pointer: String,
    /// The kinds of difference it explains; empty means every kind.
    pub kinds: Vec<Kind>,
    /// The comment's line in the spec (1-based), for the reader to find it.
    pub line: usize,
}

impl Annotation {
    /// Whether this comment explains `change`, which our spec is the base of.
    pub fn explains(&self, change: &Change) -> bool {
        let covers = |pointer: &str| {
            pointer == self.pointer || pointer.starts_with(&format!("{}/", self.pointer))
        };
        let under = covers(&change.base_pointer) || change.base_site.as_deref().is_some_and(covers);
        under && (self.kinds.is_empty() || self.kinds.contains(&change.kind))
    }
}

/// Every annotation of a YAML spec.
pub fn parse(yaml: &str) -> Result<Vec<Annotation>> {
    let mut keys = KeyLines::default();
    Parser::new_from_str(yaml)
        .load(&mut keys, false)
        .map_err(|e| anyhow::anyhow!("the spec is not valid YAML: {e}"))?;

    let mut annotations = Vec::new();
    let lines: Vec<&str> = yaml.lines().collect();
    let mut index = 0;
    while index < lines.len() {
        if !lines[index].trim_start().starts_with('#') {
            index += 1;
            continue;
        }
        let start = index;
        while index < lines.len() && lines[index].trim_start().starts_with('#') {
            index += 1;
        }
        let block = lines[start..index].join("\n");
        let Some(kinds) = tag(&block, start + 1)? else {
            continue;
        };
        // The node that comes next: the first key or list item on a line after the block.
        let last_line = index; // 1-based number of the block's last line
        let Some((_, pointer)) = keys.0.iter().find(|(line, _)| *line > last_line) else {
            bail!(
                "line {}: an [upstream] comment with no node after it",
                start + 1
            );
        };
        annotations.push(Annotation {
            pointer: pointer.clone(),
            kinds,
            line: start + 1,
        });
    }
    Ok(annotations)
}

/// The kinds named by a block's `[upstream...]` tag; `None` when it has no tag.
fn tag(block: &str, line: usize) -> Result<Option<Vec<Kind>>> {
    let Some(rest) = block.lines().find_map(|l| {
        l.trim_start()
            .trim_start_matches('#')
            .trim_start()
            .strip_prefix("[upstream")
    }) else {
        return Ok(None);
    };
    let Some(end) = rest.find(']') else {
        bail!("line {line}: `[upstream` without its closing `]`");
    };
    let inside = rest[..end].trim();
    if inside.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let Some(list) = inside.strip_prefix(':') else {
        bail!("line {line}: write `[upstream]` or `[upstream: KIND, ...]`");
    };
    let mut kinds = Vec::new();
    for word in list.split(',').map(str::trim) {
        match Kind::ALL.iter().find(|k| k.tag() == word) {
            Some(kind) => kinds.push(*kind),
            None => {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.tag()).collect();
                bail!(
                    "line {line}: unknown kind `{word}` in [upstream: ...]; known: {}",
                    known.join(", ")
                );
            }
        }
    }
    Ok(Some(kinds))
}

/// The line of every mapping key and sequence item, with the item's JSON pointer, in document
/// order.
#[derive(Default)]
struct KeyLines(Vec<(usize, String)>, Vec<Frame>);

enum Frame {
    Map {
        pointer: String,
        key: Option<String>,
    },
    Seq {
        pointer: String,
        index: usize,
    },
}

impl KeyLines {
    /// The pointer of the value about to start in the innermost container.
    fn value_pointer(&self) -> String {
        match self.1.last() {
            Some(Frame::Map {
                pointer,
                key: Some(key),
            }) => format!("{pointer}/{}", escape(key)),
            Some(Frame::Seq { pointer, index }) => format!("{pointer}/{index}"),
            _ => String::new(),
        }
    }

    /// A value in the innermost container is done.
    fn advance(&mut self) {
        match self.1.last_mut() {
            Some(Frame::Map { key, .. }) => *key = None,
            Some(Frame::Seq { index, .. }) => *index += 1,
            None => {}
        }
    }
}

impl MarkedEventReceiver for KeyLines {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => match self.1.last_mut() {
                Some(Frame::Map { pointer, key }) if key.is_none() => {
                    let line_pointer = format!("{pointer}/{}", escape(&value));
                    *key = Some(value);
                    self.0.push((mark.line(), line_pointer));
                }
                _ => {
                    if let Some(Frame::Seq { .. }) = self.1.last() {
                        self.0.push((mark.line(), self.value_pointer()));
                    }
                    self.advance();
                }
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let pointer = self.value_pointer();
                if let Some(Frame::Seq { .. }) = self.1.last() {
                    self.0.push((mark.line(), pointer.clone()));
                }
                self.1.push(match event {
                    Event::MappingStart(..) => Frame::Map { pointer, key: None },
                    _ => Frame::Seq { pointer, index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.1.pop();
                self.advance();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tagged_comment_annotates_the_next_key_or_list_item() {
        let yaml = "\
paths:
  /things:
    get:
      # [upstream: operation] Ours is snake_case.
      operationId: list_things
      parameters:
        - $ref: '#/p/A'
        # [upstream] The reference lacks it.
        - $ref: '#/p/B'
      responses:
        # An ordinary comment, not an annotation.
        \"200\":
          description: ok
        # [upstream: status, header]
        # A second line of the same comment.
        \"429\":
          description: slow down
";
        let found = parse(yaml).expect("valid annotations");
        let pointers: Vec<(&str, Vec<Kind>)> = found
            .iter()
            .map(|a| (a.pointer.as_str(), a.kinds.clone()))
            .collect();
        assert_eq!(
            pointers,
            [
                ("/paths/~1things/get/operationId", vec![Kind::Operation]),
                ("/paths/~1things/get/parameters/1", vec![]),
                (
                    "/paths/~1things/get/responses/429",
                    vec![Kind::Status, Kind::Header]
                ),
            ]
        );
        assert_eq!(found[0].line, 4);
    }

    #[test]
    fn a_mention_of_the_tag_inside_prose_is_not_an_annotation() {
        let yaml = "# Departures are tagged `[upstream]` next to the node.\nopenapi: 3.0.3\n";
        assert_eq!(parse(yaml).expect("valid"), []);
    }

    #[test]
    fn an_unknown_kind_is_an_error_that_names_the_line_and_the_known_kinds() {
        let yaml = "a: 1\n# [upstream: colour]\nb: 2\n";
        let error = parse(yaml).expect_err("colour is not a kind").to_string();
        assert!(error.contains("line 2"), "{error}");
        assert!(error.contains("unknown kind `colour`"), "{error}");
        assert!(error.contains("additional-properties"), "{error}");
    }

    #[test]
    fn an_annotation_covers_its_node_and_below_for_its_kinds_only() {
        use crate::api_diff::{Severity, Subject};
        let annotation = Annotation {
            pointer: "/components/schemas/Segment".into(),
            kinds: vec![Kind::Required],
            line: 1,
        };
        let change = |pointer: &str, kind| Change {
            severity: Severity::NonBreaking,
            kind,
            scope: String::new(),
            what: String::new(),
            base_pointer: pointer.into(),
            base_site: None,
            head_pointer: String::new(),
            subject: Subject::None,
            rust_note: None,
        };
        let status = "/components/schemas/Segment/properties/status";
        assert!(annotation.explains(&change(status, Kind::Required)));
        assert!(!annotation.explains(&change(status, Kind::Type)));
        let sibling = "/components/schemas/SegmentPage";
        assert!(!annotation.explains(&change(sibling, Kind::Required)));
    }
}

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

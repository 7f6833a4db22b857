//! `cargo xtask upstream-diff PATH`: our spec against an OpenAPI file Amperity publishes, so that
//! taking in a new Amperity release shows only what is new.
//!
//! The comparison is the change report's (`api_diff`), from our spec to Amperity's file: each line
//! says what would change for our callers if our spec became theirs. A difference is *known*
//! when a `[upstream]` comment in our spec explains it (see `annotations`); the rest are *new*
//! and need a decision: take them into the spec, or explain why not.

mod annotations;

use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::api_diff::{self, Change, Severity};
use crate::change_report::parse_openapi;
use crate::generate::SPECS;

/// Compares `upstream` with the spec of the same API version (`info.version`).
pub fn run(root: &Path, upstream: &Path) -> Result<()> {
    let theirs_text = std::fs::read_to_string(upstream)
        .with_context(|| format!("reading {}", upstream.display()))?;
    let version = parse_openapi(&theirs_text)
        .with_context(|| format!("parsing {}", upstream.display()))?
        .info
        .version;
    let mut versions = Vec::new();
    for spec in SPECS {
        let ours_text = std::fs::read_to_string(root.join(spec.path))
            .with_context(|| format!("reading {}", spec.path))?;
        let ours_version = parse_openapi(&ours_text)
            .with_context(|| format!("parsing {}", spec.path))?
            .info
            .version;
        if ours_version == version {
            print!(
                "{}",
                report(
                    spec.path,
                    &ours_text,
                    &theirs_text,
                    &upstream.display().to_string()
                )?
            );
            return Ok(());
        }
        versions.push(format!("{} is {ours_version}", spec.path));
    }
    anyhow::bail!(
        "{} is API version {version}, which no spec describes ({})",
        upstream.display(),
        versions.join(", ")
    )
}

/// The report for our spec's text (from `ours_name`) against Amperity's file's text.
pub fn report(
    ours_name: &str,
    ours_text: &str,
    theirs_text: &str,
    theirs_name: &str,
) -> Result<String> {
    let ours = parse_openapi(ours_text).with_context(|| format!("parsing {ours_name}"))?;
    let theirs = parse_openapi(theirs_text).with_context(|| format!("parsing {theirs_name}"))?;
    let annotations =
        annotations::parse(ours_text).with_context(|| format!("reading {ours_name}"))?;
    let changes = api_diff::compare(&ours, &theirs);

    let explained_by = |change: &Change| {
        annotations
            .iter()
            .find(|a| a.explains(change))
            .map(|a| a.line)
    };
    let (known, new): (Vec<&Change>, Vec<&Change>) =
        changes.iter().partition(|c| explained_by(c).is_some());

    let mut out = String::new();
    let _ = writeln!(out, "{ours_name} compared with {theirs_name}");
    let _ = writeln!(
        out,
        "Each line is what would change for our callers if our spec became Amperity's file."
    );
    let severity = |c: &Change| match c.severity {
        Severity::Breaking => "BREAKING    ",
        Severity::NonBreaking => "non-breaking",
    };
    let _ = writeln!(
        out,
        "\nnew: {} difference(s) that no [upstream] comment in {} explains",
        new.len(),
        ours_name
    );
    // Where to look in each file: the node in Amperity's file, and the nearest node of ours
    // (where a comment would go).
    for change in &new {
        let _ = writeln!(
            out,
            "  {} {}: {}\n      theirs: {}  ours: {}",
            severity(change),
            change.scope,
            change.what,
            pointer(&change.head_pointer),
            pointer(&change.base_pointer),
        );
    }
    let _ = writeln!(
        out,
        "\nknown: {} difference(s) explained by an [upstream] comment",
        known.len()
    );
    for change in &known {
        let line = explained_by(change).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {}: {} (see {}:{line})",
            severity(change),
            change.scope,
            change.what,
            ours_name
        );
    }
    let idle: Vec<usize> = annotations
        .iter()
        .filter(|a| !changes.iter().any(|c| a.explains(c)))
        .map(|a| a.line)
        .collect();
    if !idle.is_empty() {
        let lines: Vec<String> = idle.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "\n[upstream] comments that explain no difference with this file (lines {}): \
             stale, or about another of Amperity's files",
            lines.join(", ")
        );
    }
    Ok(out)
}

/// A JSON pointer as a reader follows it: `/paths/~1segments/get` → `paths > /segments > get`.
fn pointer(pointer: &str) -> String {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    segments.join(" > ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{PROFILE_SPEC, SPEC};

    fn read(path: &str) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        std::fs::read_to_string(root.join(path)).expect("a file of the workspace")
    }

    /// Every departure of our spec from the Amperity release it was last reconciled with
    /// (`spec/upstream/`) is explained by a comment, and no comment explains nothing. What is
    /// left is the operations our spec does not describe yet.
    #[test]
    fn every_difference_with_the_reconciled_release_is_explained() {
        for (spec, upstream) in [
            (SPEC, "spec/upstream/control-plane-2024-04-01-openapi.json"),
            (
                PROFILE_SPEC,
                "spec/upstream/profile-2025-07-31-openapi.json",
            ),
        ] {
            every_difference_is_explained(spec.path, upstream);
        }
    }

    fn every_difference_is_explained(ours: &str, upstream: &str) {
        let text =
            report(ours, &read(ours), &read(upstream), "upstream").expect("both files parse");
        let new = text
            .split("\nknown:")
            .next()
            .expect("a new section")
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("      "))
            .filter(|l| !l.ends_with(": endpoint added"))
            .collect::<Vec<_>>();
        assert_eq!(new, Vec::<&str>::new(), "\n{text}");
        assert!(!text.contains("explain no difference"), "\n{text}");
        assert!(text.contains("\nknown: "), "\n{text}");
    }

    #[test]
    fn a_departure_without_a_comment_is_new() {
        let ours = read(SPEC.path).replace(
            "      # [upstream: operation] The reference calls it `list-segment`.",
            "      # The reference calls it `list-segment`.",
        );
        let text = report(
            SPEC.path,
            &ours,
            &read("spec/upstream/control-plane-2024-04-01-openapi.json"),
            "upstream",
        )
        .expect("both files parse");
        let new = text.split("\nknown:").next().expect("a new section");
        assert!(
            new.contains(
                "GET /segments: operationId changed from `list_segments` to `list-segment`"
            ),
            "\n{text}"
        );
    }
}

//! The change report as plain text, for a reviewer to read before accepting the snapshots.

use std::fmt::Write;

use super::rust_items::RustItems;
use super::{Change, Severity};

/// Renders `changes` under `title`: breaking changes first, each with the generated Rust items
/// (from `items`, prefixed with `crate_path`) that change with it.
pub fn render(title: &str, changes: &[Change], items: &RustItems, crate_path: &str) -> String {
    let breaking = changes
        .iter()
        .filter(|c| c.severity == Severity::Breaking)
        .count();
    let non_breaking = changes.len() - breaking;
    let mut out = String::new();
    if changes.is_empty() {
        let _ = writeln!(out, "{title}: none");
        return out;
    }
    let _ = writeln!(
        out,
        "{title}: {breaking} breaking, {non_breaking} non-breaking \
         (by Amperity's versioning rules)"
    );
    for (severity, heading) in [
        (Severity::Breaking, "BREAKING"),
        (Severity::NonBreaking, "non-breaking"),
    ] {
        let group: Vec<&Change> = changes.iter().filter(|c| c.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{heading}");
        for change in group {
            let _ = writeln!(out, "  {}: {}", change.scope, change.what);
            let names = items.resolve(&change.subject);
            if severity == Severity::Breaking && !names.is_empty() {
                let names: Vec<String> =
                    names.iter().map(|n| format!("{crate_path}::{n}")).collect();
                let _ = writeln!(out, "      Rust: {}", names.join(", "));
            }
            if let Some(note) = change.rust_note {
                let _ = writeln!(out, "      Rust: {note}");
            }
        }
    }
    out
}

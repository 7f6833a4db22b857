//! A progress indicator on stderr while every page is fetched, only when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of a walk over pages; invisible unless stderr is a terminal.
pub struct Progress {
    bar: ProgressBar,
    noun: &'static str,
}

impl Progress {
    /// A spinner counting `noun` (plural) when stderr is a terminal; otherwise nothing is drawn.
    pub fn new(noun: &'static str) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{spinner}} {{human_pos}} {noun} ({{per_sec}})"
                ))
                .expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self { bar, noun }
    }

    /// Switches to a bar once the total is known.
    pub fn set_total(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{bar:30}} {{human_pos}}/{{human_len}} {} ({{per_sec}}, eta {{eta}})",
                self.noun
            ))
            .expect("a valid template"),
        );
    }

    /// Counts written records.
    pub fn advance(&self, records: u64) {
        self.bar.inc(records);
    }

    /// Shows a message in place of the counts (a workflow run's state while waiting).
    pub fn message(&self, text: String) {
        self.bar.set_message(text);
    }

    /// A spinner that shows only its message, when stderr is a terminal.
    pub fn status() -> Self {
        let progress = Self::new("");
        progress.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"),
        );
        progress
    }

    /// Removes the indicator, so what follows on stderr starts on a clean line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

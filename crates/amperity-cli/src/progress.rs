//! A progress indicator on stderr while every page is fetched, only when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of a walk over pages; invisible unless stderr is a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A spinner when `visible` and stderr is a terminal; otherwise nothing is drawn.
    pub fn new(visible: bool) -> Self {
        let bar = if visible && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {human_pos} segments ({per_sec})")
                    .expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self { bar }
    }

    /// Switches to a bar once the total is known.
    pub fn set_total(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {human_pos}/{human_len} segments ({per_sec}, eta {eta})",
            )
            .expect("a valid template"),
        );
    }

    /// Counts written segments.
    pub fn advance(&self, segments: u64) {
        self.bar.inc(segments);
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

//! Progress bars on stderr for work that takes long (loading a large file, many epochs, a
//! sweep), drawn by indicatif. Only on a terminal, and only once the work has taken long
//! enough to notice: scripts reading a pipe, and quick runs, never see one.

use crate::data;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// A bar appears once the work has taken this long.
const AFTER: Duration = Duration::from_millis(300);

/// A bar that stays hidden for its first [`AFTER`], and altogether when stderr is not a
/// terminal or `wanted` is false.
pub struct Bar {
    shown: ProgressBar,
    started: Instant,
    /// Whether it may ever be drawn.
    drawable: bool,
    drawn: bool,
}

impl Bar {
    fn new(len: Option<u64>, template: &str, wanted: bool) -> Self {
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("━╸ "));
        }
        Bar {
            shown: bar,
            started: Instant::now(),
            drawable: wanted && std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    /// `total` epochs of one run.
    pub fn epochs(total: usize, wanted: bool) -> Self {
        let template = "{bar:30} epoch {pos}/{len} · {per_sec} · {eta} left";
        Self::new(Some(total as u64), template, wanted)
    }

    /// `total` learning rates of a sweep.
    pub fn rates(total: usize, wanted: bool) -> Self {
        let template = "{bar:30} {pos}/{len} learning rates · {elapsed}";
        Self::new(Some(total as u64), template, wanted)
    }

    /// A GPU's first epoch, while its kernels are compiled (and autotuned): seconds on a real
    /// GPU, more on a software one. A spinner with the time so far, on a terminal's stderr
    /// from the start, cleared when dropped (at the first epoch).
    pub fn compiling() -> Self {
        let mut bar = Self::new(None, "{spinner} compiling GPU kernels… {elapsed}", true);
        if bar.drawable {
            bar.shown.set_draw_target(ProgressDrawTarget::stderr());
            bar.shown.enable_steady_tick(Duration::from_millis(100));
            bar.drawn = true;
        }
        bar
    }

    /// Reading and preparing the data file `name`.
    pub fn loading(name: &str) -> Self {
        let template = format!("{{bar:30}} loading {name}: {{msg}}");
        Self::new(Some(1000), &template, true)
    }

    fn reveal(&mut self) {
        if self.drawable && !self.drawn && self.started.elapsed() >= AFTER {
            self.shown.set_draw_target(ProgressDrawTarget::stderr());
            self.drawn = true;
        }
    }

    /// Done so far.
    pub fn set(&mut self, done: usize) {
        self.reveal();
        self.shown.set_position(done as u64);
    }

    /// How far loading the data has got.
    pub fn data(&mut self, progress: data::Progress) {
        self.reveal();
        match progress {
            data::Progress::Reading(done) => {
                let per_mille = (done.clamp(0.0, 1.0) * 1000.0).round();
                self.shown
                    .set_message(format!("reading {:>3.0}%", done * 100.0));
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "clamped to 0..=1000"
                )]
                self.shown.set_position(per_mille as u64);
            }
            data::Progress::Preparing => {
                self.shown.set_message("preparing the features");
                self.shown.set_position(1000);
            }
        }
    }
}

impl Drop for Bar {
    /// The bar leaves no line behind.
    fn drop(&mut self) {
        self.shown.finish_and_clear();
    }
}

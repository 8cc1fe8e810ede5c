//! A progress bar on stderr for long simulations (a terminal only, two million calls or more).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::commands::Progress;

/// Fewest calls worth a bar: shorter runs finish before it would be drawn.
const MIN_CALLS: u64 = 2_000_000;

/// The bar of the current run, if it has one.
#[derive(Default)]
pub struct Bar {
    current: Mutex<Option<(ProgressBar, Instant)>>,
}

impl Progress for Bar {
    fn start(&self, calls: u64) {
        if !std::io::stderr().is_terminal() || calls < MIN_CALLS {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(calls), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:40} {percent:>3}% {human_pos}/{human_len} calls, {eta} left",
        ) {
            bar.set_style(style);
        }
        *self.current.lock().expect("progress bar") = Some((bar, Instant::now()));
    }

    fn advance(&self, calls: u64) {
        if let Some((bar, started)) = &*self.current.lock().expect("progress bar") {
            bar.inc(calls);
            // Drawn at once for the first half second, then at indicatif's own pace.
            if started.elapsed() <= Duration::from_millis(500) {
                bar.tick();
            }
        }
    }

    fn finish(&self) {
        if let Some((bar, _)) = self.current.lock().expect("progress bar").take() {
            bar.finish_and_clear();
        }
    }
}

//! Resident memory of the dashboard over a very long run: `cargo bench --bench memory`.
//!
//! Feeds the app what the trainer sends at pace max (a batch of epochs every 16 ms, a weight
//! snapshot every 150 ms: about 90 epochs and 800 epochs apart at 5,700 epochs/s), draws a
//! 200×50 frame every 1,000 epochs, and starts a new run every 10^6 epochs (more runs than the
//! app keeps). Prints `VmRSS` and `VmHWM` from /proc/self/status as the epochs add up to 10^7.

#![expect(
    clippy::expect_used,
    reason = "a bench that cannot set itself up fails there"
)]

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

const BATCH: usize = 100;
const SNAPSHOT_EVERY: usize = 800;
const FRAME_EVERY: usize = 1_000;
const RUN_LENGTH: usize = 1_000_000;
const TOTAL: usize = 10_000_000;

/// `VmRSS` and `VmHWM` in MB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let mut app = common::app();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("a test terminal");
    let mut report_at = 10_000;
    let mut done = 0;
    println!("epochs_total runs vm_rss_mb vm_hwm_mb");
    while done < TOTAL {
        let run = (done / RUN_LENGTH + 1) as u64;
        let epoch = done % RUN_LENGTH;
        if epoch == 0 {
            common::start(&mut app, run);
        }
        common::epochs(&mut app, run, epoch + 1, epoch + BATCH);
        done += BATCH;
        let epoch = epoch + BATCH;
        if epoch % SNAPSHOT_EVERY < BATCH {
            common::snapshot(&mut app, run, epoch);
        }
        if epoch % FRAME_EVERY < BATCH {
            terminal
                .draw(|frame| frame.render_widget(&app, frame.area()))
                .expect("drawing on a test backend");
        }
        if done >= report_at {
            let (rss, hwm) = memory();
            println!("{done} {run} {rss:.1} {hwm:.1}");
            report_at *= 10;
        }
    }
}

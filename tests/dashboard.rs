//! The real binary in a pseudo-terminal: start the dashboard, watch the chart form, raise the
//! learning rate to 20, restart, pause, start and cancel a sweep, open the run table, quit —
//! and find the terminal as it was; and the decision boundary of a two-feature data set.

#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set itself up fails there"
)]

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 40;
const COLS: u16 = 120;

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        Self::sized(args, ROWS, COLS)
    }

    fn sized(args: &[&str], rows: u16, cols: u16) -> Session {
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_nnfs-tui"));
        command.args(args);
        Self::command(command, rows, cols)
    }

    fn command(mut command: CommandBuilder, rows: u16, cols: u16) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        command.env("TERM", "xterm-256color");
        command.cwd(std::env::temp_dir());
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let feed = Arc::clone(&screen);
        std::thread::spawn(move || {
            let _master = pty.master;
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buffer[..n]);
            }
        });
        Session {
            screen,
            writer,
            child,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `needle`.
    fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_mins(1);
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited 60 s for {needle:?}; the screen shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Presses `q` and requires exit status 0.
    fn quit(&mut self) {
        self.keys("q");
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "nnfs-tui did not quit");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "exit status {status:?}");
    }

    fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Sends `signal` (a name for `kill`, `TERM`) to the dashboard.
    fn kill(&self, signal: &str) {
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal}");
    }

    /// Waits for the process to end; its exit code.
    fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(Instant::now() < deadline, "nnfs-tui did not end");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the terminal is as it was before the dashboard: the main screen, a cursor, and
    /// the mouse the terminal's own (the dashboard captures it while it runs).
    fn restored(&self) -> bool {
        std::thread::sleep(Duration::from_millis(200));
        let parser = self.screen.lock().unwrap();
        let screen = parser.screen();
        !screen.alternate_screen()
            && !screen.hide_cursor()
            && screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
    }

    /// Whether the dashboard asked the terminal for mouse reports, and which.
    fn mouse_mode(&self) -> vt100::MouseProtocolMode {
        self.screen.lock().unwrap().screen().mouse_protocol_mode()
    }

    /// The process's state letter in /proc (`T` when stopped).
    fn state(&self) -> char {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let after = stat.rsplit_once(')').unwrap().1;
        after.trim_start().chars().next().unwrap()
    }

    /// Waits until `done` holds of the session (60 s at most).
    fn wait_until(&self, what: &str, done: impl Fn(&Session) -> bool) {
        let deadline = Instant::now() + Duration::from_mins(1);
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "waited 60 s for {what}: {}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT from outside end the dashboard as `q` does: the
/// terminal given back, the exit status 128 + the signal.
#[test]
fn every_ending_signal_gives_the_terminal_back() {
    for (signal, number) in [("TERM", 15), ("HUP", 1), ("INT", 2), ("QUIT", 3)] {
        let mut session = Session::start(&["--pace", "max", "--epochs", "100000"]);
        session.wait_for("RUNNING");
        session.kill(signal);
        assert_eq!(session.exit_code(), 128 + number, "SIG{signal}");
        assert!(session.restored(), "SIG{signal}: {}", session.text());
    }
}

/// Ctrl-Z gives the terminal back and stops the process, as in vim or htop; continued (`fg`
/// sends SIGCONT), it takes the screen back, redraws it, and training goes on.
#[test]
fn ctrl_z_suspends_and_a_continue_resumes() {
    let mut session = Session::start(&["--pace", "100", "--epochs", "100000"]);
    session.wait_for("RUNNING");
    session.keys("\x1a");
    session.wait_until("the process to stop", |s| s.state() == 'T');
    assert!(session.restored(), "{}", session.text());
    session.kill("CONT");
    session.wait_until("the screen to come back", |s| {
        s.screen.lock().unwrap().screen().alternate_screen() && s.text().contains("RUNNING")
    });
    let epoch = |s: &Session| {
        let text = s.text();
        let at = text
            .find("· epoch ")
            .map(|i| &text[i + 8..])
            .unwrap_or_default();
        at.split('/')
            .next()
            .unwrap_or_default()
            .trim()
            .parse::<u64>()
            .unwrap_or(0)
    };
    let before = epoch(&session);
    session.wait_until("training to go on", |s| epoch(s) > before + 5);
    // An outside SIGTSTP suspends the same way.
    session.kill("TSTP");
    session.wait_until("the process to stop", |s| s.state() == 'T');
    session.kill("CONT");
    session.wait_until("the screen to come back", |s| {
        s.screen.lock().unwrap().screen().alternate_screen()
    });
    session.quit();
}

#[test]
fn watch_raise_lr_restart_pause_and_quit() {
    let mut session = Session::start(&["--pace", "max", "--epochs", "100000"]);
    session.wait_for("Loss");
    session.wait_for("RUNNING");
    let screen = session.wait_for("epoch 20");
    assert!(screen.contains("learning rate   1.4"), "{screen}");

    // 1.4 → 3 → 10 → 20, applied live to the running run.
    session.keys("+++");
    let screen = session.wait_for("learning rate   20");
    assert!(screen.contains("run #1"), "{screen}");

    session.keys("r");
    let screen = session.wait_for("run #2");
    assert!(
        screen.contains("#2 lr 20"),
        "the new run is labelled with its lr: {screen}"
    );
    assert!(
        screen.contains("#1 lr 1.4→20"),
        "the old run stays, dimmed: {screen}"
    );

    session.keys(" ");
    session.wait_for("PAUSED");
    // The epochs the trainer was busy with when the pause reached it still arrive (and the
    // events it explains); none after them.
    std::thread::sleep(Duration::from_millis(300));
    let paused_at = session.text();
    std::thread::sleep(Duration::from_millis(500));
    let epoch_line = |text: &str| {
        text.lines()
            .find(|l| l.contains("PAUSED"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    assert_eq!(
        epoch_line(&paused_at),
        epoch_line(&session.text()),
        "paused means paused"
    );

    // A learning-rate sweep from run #2's start, beside it; L again cancels it (12 rates of
    // 500 epochs take many seconds here). Then the run table.
    session.keys("L");
    session.wait_for("Learning-rate sweep");
    session.keys("L");
    let screen = session.wait_for("sweep cancelled after");
    assert!(screen.contains("done · cancelled"), "{screen}");
    session.keys("T");
    let screen = session.wait_for("Runs (2)");
    assert!(
        screen.contains("#1") && screen.contains("stopped"),
        "run #1 is listed as stopped: {screen}"
    );

    session.quit();
    std::thread::sleep(Duration::from_millis(200));
    let parser = session.screen.lock().unwrap();
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is visible again");
}

#[test]
fn two_features_show_the_decision_boundary() {
    let mut session = Session::start(&["--dataset", "circle", "--pace", "max", "--epochs", "300"]);
    let screen = session.wait_for("Decision boundary (epoch");
    assert!(screen.contains("2 features"), "{screen}");
    session.quit();
}

#[test]
fn tiny_terminal_gets_a_message_not_a_panic() {
    let mut session = Session::sized(&[], 10, 40);
    session.wait_for("too small");
    session.quit();
}

/// A headless run whose output goes to a file shows a progress bar on the terminal's stderr,
/// and leaves no trace of it in the file; the loss line is whole.
#[test]
fn a_long_headless_run_shows_a_bar_on_the_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let mut command = CommandBuilder::new("sh");
    command.args([
        "-c",
        "exec \"$0\" --headless --epochs 3000 > \"$1\"",
        env!("CARGO_BIN_EXE_nnfs-tui"),
        out.to_str().unwrap(),
    ]);
    let mut session = Session::command(command, ROWS, COLS);
    let screen = session.wait_for("/3000");
    assert!(screen.contains("epoch "), "{screen}");
    assert_eq!(session.exit_code(), 0);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "the loss line and the final figures");
    assert_eq!(lines[0].matches("; ").count(), 3000);
    assert!(!text.contains('\u{1b}'), "no escape codes in the file");
    assert!(
        !session.text().contains("/3000"),
        "the bar is cleared at the end"
    );
}

/// The dynamics view of the real binary: `--pause-on-event` pauses at lr 20's first event
/// (7 units die in the first two epochs), the overshoot at epoch 4 is explained, `2` switches views, the
/// cursor reads an epoch, `F` runs the finder and `A` adopts its valley.
#[test]
fn dynamics_view_cursor_finder_and_pause_on_event() {
    let mut session = Session::sized(
        &["--lr", "20", "--pause-on-event", "--epochs", "300"],
        40,
        140,
    );
    session.wait_for("paused: 7 hidden units died by epoch");
    session.wait_for("PAUSED");
    session.keys(" ");
    // The advice taken where the rising step started (epoch 2): a rate below 20.
    session.wait_for("the training loss rose from 0.245 to 0.391 at epoch 4: try lr ≈ 2.50");
    session.keys("i");
    session.wait_for("the step went too far; try lr ≈ 2.50 (the");
    session.keys("i");
    session.keys("2");
    session.wait_for("Update:data ratio");
    session.wait_for("Where this step lands");
    session.keys("\x1b[H");
    session.wait_for("epoch 1 · train 0.539");
    session.keys("F");
    session.wait_for("valley 1.23 · steep 2.85 · min/10 49.8");
    session.keys("A");
    session.wait_for("the next run's lr is 1.23");
    session.quit();
}

/// Where `needle` first is on `screen` (0-based column and row).
fn position(screen: &str, needle: &str) -> (usize, usize) {
    screen
        .lines()
        .enumerate()
        .find_map(|(row, line)| {
            let at = line.find(needle)?;
            Some((line[..at].chars().count(), row))
        })
        .unwrap()
}

/// The network view of the real binary: `3` shows the units and which died, `↓` inspects the
/// next one; the mouse is captured, a click on a form field opens the form at that field, and
/// quitting gives the mouse back with the terminal.
#[test]
fn network_view_a_selected_unit_and_a_click_on_a_field() {
    let mut session = Session::start(&["--lr", "20", "--epochs", "300"]);
    session.wait_for("RUNNING");
    session.keys("3");
    session.wait_for("Network · epoch");
    session.wait_for("hidden units dead");
    session.wait_for("Inspector · h1.0");
    session.keys("\x1b[B");
    session.wait_for("Inspector · h1.1");
    assert_ne!(
        session.mouse_mode(),
        vt100::MouseProtocolMode::None,
        "the mouse is captured"
    );
    session.keys("1");
    let screen = session.wait_for("hidden sizes");
    let (col, row) = position(&screen, "epochs ");
    // A left click and its release, as an xterm reports them (SGR, 1-based).
    session.keys(&format!(
        "\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m",
        x = col + 1,
        y = row + 1
    ));
    session.wait_for("Settings — editing");
    session.wait_for("▶ epochs");
    session.keys("\x1b");
    session.wait_for("Tab or f to edit");
    session.quit();
    assert!(
        session.restored(),
        "the terminal and its mouse are given back"
    );
}

/// The number after `label` on the screen (`epoch 12/300` for `epoch `).
fn number_after(screen: &str, label: &str) -> usize {
    let at = screen.find(label).unwrap() + label.len();
    let digits: String = screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// The walk view: `4` walks the run's next epoch; `n` pauses the run and steps through the
/// epoch's functions one at a time; the step after `model_accuracy` trains that epoch, and
/// the walk of the next one follows.
#[test]
fn the_walk_steps_through_one_epoch() {
    let mut session = Session::start(&["--epochs", "300"]);
    session.wait_for("RUNNING");
    session.keys("4");
    session.wait_for("Walk · epoch");
    session.wait_for("they agree to");
    session.keys("n");
    session.wait_for("step 1/6 calc_preds");
    // The walk of the epoch after the one the run paused at (once both are on screen).
    let walked = |session: &Session| {
        let screen = session.text();
        let done = number_after(&screen, "run #1 · epoch ");
        (number_after(&screen, "Walk · epoch ") == done + 1).then_some(done)
    };
    session.wait_until("the walk of the next epoch", |s| walked(s).is_some());
    let done = walked(&session).unwrap();
    for (i, function) in [
        "calc_preds",
        "calc_loss",
        "backward",
        "update_coeffs",
        "model_accuracy",
    ]
    .iter()
    .enumerate()
    {
        session.keys("n");
        session.wait_for(&format!("step {}/6 {function}", i + 2));
    }
    session.wait_for("update_coeffs  w −= lr · grad");
    session.keys("n");
    session.wait_for(&format!("epoch {}/300", done + 1));
    session.wait_for(&format!("Walk · epoch {} of run #1", done + 2));
    session.wait_for("step 1/6 calc_preds");
    session.quit();
    assert!(session.restored());
}

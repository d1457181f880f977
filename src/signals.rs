//! Signals, caught with signal-hook into flags that the program reads when it is ready: the
//! dashboard ends on SIGTERM, SIGHUP, SIGINT or SIGQUIT as `q` ends it, and suspends on
//! SIGTSTP as on Ctrl-Z; a headless run (or sweep, or finder) stops on any of those four after
//! its current batch of epochs, keeps what it computed, and exits with 128 + the signal.
//!
//! A second signal ends a headless run at once, unless it comes within [`GRACE`] of the first:
//! `timeout` signals the process and then its group, so one request can arrive twice at the
//! same moment, and the weights trained so far are worth the wait. Before there is anything to
//! keep (while data loads), a signal ends the process at once: a read of standard input may
//! never return.

use signal_hook::SigId;
pub use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The signals that end a dashboard session or a headless run.
pub const ENDING: [i32; 4] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT];

/// Repeats of a signal within this time of the first are the same request, not a second one.
pub const GRACE: Duration = Duration::from_secs(1);

/// A signal's name, for messages.
pub fn name(signal: i32) -> String {
    match signal {
        SIGINT => "SIGINT".into(),
        SIGTERM => "SIGTERM".into(),
        SIGHUP => "SIGHUP".into(),
        SIGQUIT => "SIGQUIT".into(),
        SIGTSTP => "SIGTSTP".into(),
        other => format!("signal {other}"),
    }
}

/// The exit status of a process ended by `signal`, as shells report it.
pub fn exit_status(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

/// Signals caught until this is dropped (signal-hook then ignores them: drop it only on the
/// way out).
pub struct Caught {
    last: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    at_once: Arc<AtomicBool>,
    ids: Vec<SigId>,
    watcher: Option<(signal_hook::iterator::Handle, JoinHandle<()>)>,
}

impl Caught {
    /// Catches `signals`: [`Caught::take`] reads them.
    pub fn new(signals: &[i32]) -> std::io::Result<Self> {
        let mut caught = Caught::empty();
        for &signal in signals {
            let value = usize::try_from(signal).unwrap_or_default();
            let id = signal_hook::flag::register_usize(signal, Arc::clone(&caught.last), value)?;
            caught.ids.push(id);
        }
        Ok(caught)
    }

    /// Catches `signals` once: the first one is kept for [`Caught::pending`] and sets
    /// [`Caught::flag`]; one more, [`GRACE`] or longer after it, ends the process at once
    /// with 128 + its number, as does any signal while [`Caught::at_once`] is set. Partial
    /// output files are removed first.
    pub fn once(signals: &[i32]) -> std::io::Result<Self> {
        let mut caught = Caught::empty();
        let mut delivered = signal_hook::iterator::Signals::new(signals)?;
        let handle = delivered.handle();
        let (last, stop, at_once) = (
            Arc::clone(&caught.last),
            Arc::clone(&caught.stop),
            Arc::clone(&caught.at_once),
        );
        // The signals are read on a thread of their own, outside the signal handler, where
        // the time can be read and files removed.
        let thread = std::thread::Builder::new()
            .name("nnfs-tui-signals".into())
            .spawn(move || {
                let mut first: Option<Instant> = None;
                for signal in delivered.forever() {
                    let again = first.is_some_and(|at| at.elapsed() >= GRACE);
                    if again || at_once.load(Ordering::SeqCst) {
                        crate::files::remove_partial_files();
                        signal_hook::low_level::exit(i32::from(exit_status(signal)));
                    }
                    if first.is_none() {
                        first = Some(Instant::now());
                        last.store(
                            usize::try_from(signal).unwrap_or_default(),
                            Ordering::SeqCst,
                        );
                        stop.store(true, Ordering::SeqCst);
                    }
                }
            })?;
        caught.watcher = Some((handle, thread));
        Ok(caught)
    }

    fn empty() -> Self {
        Caught {
            last: Arc::new(AtomicUsize::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
            at_once: Arc::new(AtomicBool::new(false)),
            ids: Vec::new(),
            watcher: None,
        }
    }

    /// With [`Caught::once`]: while `on`, a signal ends the process at once (there is nothing
    /// computed yet to keep).
    pub fn at_once(&self, on: bool) {
        self.at_once.store(on, Ordering::SeqCst);
    }

    /// The latest signal caught since the last call, if any.
    pub fn take(&self) -> Option<i32> {
        match self.last.swap(0, Ordering::SeqCst) {
            0 => None,
            signal => i32::try_from(signal).ok(),
        }
    }

    /// Set by the first signal caught with [`Caught::once`] (and by whoever else wants the
    /// work to stop).
    pub fn flag(&self) -> &AtomicBool {
        &self.stop
    }

    /// The first signal caught with [`Caught::once`] (the latest with [`Caught::new`]), if
    /// any; it stays pending.
    pub fn pending(&self) -> Option<i32> {
        match self.last.load(Ordering::SeqCst) {
            0 => None,
            signal => i32::try_from(signal).ok(),
        }
    }
}

impl Drop for Caught {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
        if let Some((handle, thread)) = self.watcher.take() {
            handle.close();
            let _ = thread.join();
        }
    }
}

/// Stops this process as the default SIGTSTP handler would (a shell's `fg` continues it); the
/// caller gives the terminal back first.
pub fn stop_self() -> std::io::Result<()> {
    signal_hook::low_level::emulate_default_handler(SIGTSTP)
}

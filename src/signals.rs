//! Signals, caught with signal-hook into flags that the program reads when it is ready: the
//! dashboard ends on SIGTERM, SIGHUP, SIGINT or SIGQUIT as `q` ends it, and suspends on
//! SIGTSTP as on Ctrl-Z; a headless run stops after its current batch of epochs, keeps what it
//! computed, and exits with 128 + the signal. A second SIGINT or SIGTERM ends it at once.

use signal_hook::SigId;
pub use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The signals that end a dashboard session.
pub const ENDING: [i32; 4] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT];

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

/// Signals caught until this is dropped; the default handlers come back then.
pub struct Caught {
    last: Arc<AtomicUsize>,
    armed: Arc<AtomicBool>,
    ids: Vec<SigId>,
}

impl Caught {
    /// Catches `signals`.
    pub fn new(signals: &[i32]) -> std::io::Result<Self> {
        let mut caught = Caught {
            last: Arc::new(AtomicUsize::new(0)),
            armed: Arc::new(AtomicBool::new(false)),
            ids: Vec::new(),
        };
        for &signal in signals {
            let value = usize::try_from(signal).unwrap_or_default();
            let id = signal_hook::flag::register_usize(signal, Arc::clone(&caught.last), value)?;
            caught.ids.push(id);
        }
        Ok(caught)
    }

    /// Catches `signals` once: the second one of them ends the process at once, with 128 + its
    /// number.
    pub fn once(signals: &[i32]) -> std::io::Result<Self> {
        let mut caught = Caught::new(&[])?;
        for &signal in signals {
            // The shutdown goes first: the first signal arms it, the second finds it armed.
            let status = i32::from(exit_status(signal));
            let armed = Arc::clone(&caught.armed);
            caught
                .ids
                .push(signal_hook::flag::register_conditional_shutdown(
                    signal, status, armed,
                )?);
            caught.ids.push(signal_hook::flag::register(
                signal,
                Arc::clone(&caught.armed),
            )?);
            let value = usize::try_from(signal).unwrap_or_default();
            let last = Arc::clone(&caught.last);
            caught
                .ids
                .push(signal_hook::flag::register_usize(signal, last, value)?);
        }
        Ok(caught)
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
        &self.armed
    }

    /// The latest signal caught, if any (it stays pending).
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
    }
}

/// Stops this process as the default SIGTSTP handler would (a shell's `fg` continues it); the
/// caller gives the terminal back first.
pub fn stop_self() -> std::io::Result<()> {
    signal_hook::low_level::emulate_default_handler(SIGTSTP)
}

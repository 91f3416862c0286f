//! Ctrl-C, SIGTERM and SIGHUP during `init`: outside the commit they end the run at once with exit
//! 130 (128 + signal for the others) after restoring the terminal's cursor, since nothing has been
//! written yet. Inside the commit (secret write → read-back → metadata) they are held until the
//! commit has finished or rolled back, so a profile is never left half-written.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::error::signal_exit_code as exit_code;

static CRITICAL: AtomicBool = AtomicBool::new(false);
static PENDING: AtomicI32 = AtomicI32::new(0);

/// Start watching for termination signals (once per process; later calls do nothing).
pub(crate) fn install() {
    #[cfg(unix)]
    unix::install();
}

/// Run `f` with termination signals held until it returns; returns the signal that arrived meanwhile.
pub(crate) fn critical<T>(f: impl FnOnce() -> T) -> (T, Option<i32>) {
    CRITICAL.store(true, Ordering::SeqCst);
    let value = f();
    CRITICAL.store(false, Ordering::SeqCst);
    let pending = PENDING.swap(0, Ordering::SeqCst);
    (value, (pending != 0).then_some(pending))
}

/// How long a signal may wait for the critical section before the process ends anyway. Ending it
/// then is safe too, only less tidy: the commit is a crash-safe transaction that the next run
/// finishes or undoes (see `transaction`).
pub(crate) const GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// What a signal means right now: exit at once, or note it for after the critical section. A second
/// signal while one is held means the user insists: exit at once.
fn on_signal(signal: i32) -> Option<u8> {
    if CRITICAL.load(Ordering::SeqCst) && PENDING.swap(signal, Ordering::SeqCst) == 0 {
        return None;
    }
    Some(exit_code(signal))
}

#[cfg(unix)]
mod unix {
    use std::sync::Once;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    static ONCE: Once = Once::new();

    pub(super) fn install() {
        ONCE.call_once(|| {
            let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
                return;
            };
            std::thread::spawn(move || {
                for signal in signals.forever() {
                    let Some(code) = super::on_signal(signal) else {
                        // Held: if the critical section is stuck (a hung keyring call), end anyway.
                        std::thread::spawn(move || {
                            std::thread::sleep(super::GRACE);
                            leave(super::exit_code(signal));
                        });
                        continue;
                    };
                    leave(code);
                }
            });
        });
    }

    /// Restore the cursor a prompt may have hidden, and exit.
    fn leave(code: u8) {
        let term = console::Term::stderr();
        let _ = term.show_cursor();
        let _ = term.write_line("\ninterrupted");
        #[allow(clippy::exit)] // the main thread is blocked in a prompt, a request or a stuck store call
        std::process::exit(i32::from(code));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_in_a_critical_section_are_held() {
        let (value, pending) = critical(|| {
            assert_eq!(on_signal(2), None);
            7
        });
        assert_eq!((value, pending), (7, Some(2)));
        // A second signal while one is held ends the run at once.
        let ((), _) = critical(|| {
            assert_eq!(on_signal(2), None);
            assert_eq!(on_signal(15), Some(143));
        });
        assert_eq!(on_signal(15), Some(143));
        assert_eq!(exit_code(2), 130);
    }
}

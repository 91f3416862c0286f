//! SIGINT, SIGTERM and SIGHUP during `init`, and in any run from its first prompt on: outside the
//! commit they end the run at once with exit 130 (128 + signal for the others), after the terminal's
//! mode and cursor are restored (`terminal::restore`) and `farewell` has told the user. Inside the
//! commit (secret write → read-back → metadata) they are held until the commit has finished or
//! rolled back, so a profile is never left half-written.
//!
//! Ctrl-C at a menu or a text prompt is a key, not a signal: the prompt ends with
//! `Error::Interrupted` and the run ends through its error path. console also raises SIGINT for
//! it, which is ignored here (it comes from bcsetup's own pid), so the run ends once, in one place.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::error::{Error, signal_exit_code as exit_code};

static CRITICAL: AtomicBool = AtomicBool::new(false);
static PENDING: AtomicI32 = AtomicI32::new(0);

/// Start watching for termination signals (once per process; later calls do nothing). `farewell`
/// tells the user about a signal that ends the run at once (the error for it, printed as a cancel).
pub(crate) fn install(farewell: impl Fn(&Error) + Send + Sync + 'static) {
    #[cfg(unix)]
    unix::install(std::sync::Arc::new(farewell));
    #[cfg(not(unix))]
    let _ = farewell;
}

/// Run `f` with termination signals held until it returns; returns the signal that arrived meanwhile.
pub(crate) fn critical<T>(f: impl FnOnce() -> T) -> (T, Option<i32>) {
    CRITICAL.store(true, Ordering::SeqCst);
    // What a run ended in here (after `GRACE`, or a second signal) leaves; the caller says what
    // its outcome left once `f` returned.
    crate::terminal::cancel_keeps("the save was cut short; the next bcsetup run completes or undoes it");
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
    use std::sync::{Arc, Once};

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::SignalsInfo;
    use signal_hook::iterator::exfiltrator::WithOrigin;
    use signal_hook::iterator::exfiltrator::origin::Origin;

    use crate::error::Error;

    type Farewell = Arc<dyn Fn(&Error) + Send + Sync>;

    static ONCE: Once = Once::new();

    pub(super) fn install(farewell: Farewell) {
        ONCE.call_once(|| {
            let Ok(mut signals) = SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM, SIGHUP]) else {
                return;
            };
            std::thread::spawn(move || {
                for origin in signals.forever() {
                    if raised_by_a_prompt(&origin) {
                        continue;
                    }
                    let signal = origin.signal;
                    let Some(code) = super::on_signal(signal) else {
                        // Held: if the critical section is stuck (a hung keyring call), end anyway.
                        let farewell = Arc::clone(&farewell);
                        std::thread::spawn(move || {
                            std::thread::sleep(super::GRACE);
                            leave(signal, super::exit_code(signal), &*farewell);
                        });
                        continue;
                    };
                    leave(signal, code, &*farewell);
                }
            });
        });
    }

    /// console raises SIGINT in bcsetup itself when a prompt reads Ctrl-C as a key; that prompt
    /// already ends with `Error::Interrupted`.
    fn raised_by_a_prompt(origin: &Origin) -> bool {
        origin.signal == SIGINT
            && origin
                .process
                .is_some_and(|sender| u32::try_from(sender.pid).ok() == Some(std::process::id()))
    }

    /// Restore the terminal's mode and cursor, say why the run ends, and exit.
    fn leave(signal: i32, code: u8, farewell: &(dyn Fn(&Error) + Send + Sync)) {
        crate::terminal::restore();
        farewell(&Error::for_signal(signal));
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

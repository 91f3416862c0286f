//! Ctrl-C, SIGTERM and SIGHUP during `init`: outside the commit they end the run at once with exit
//! 130 (128 + signal for the others) after restoring the terminal's cursor, since nothing has been
//! written yet. Inside the commit (secret write → read-back → metadata) they are held until the
//! commit has finished or rolled back, so a profile is never left half-written.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static CRITICAL: AtomicBool = AtomicBool::new(false);
static PENDING: AtomicI32 = AtomicI32::new(0);

/// Start watching for termination signals (once per process; later calls do nothing).
pub fn install() {
    #[cfg(unix)]
    unix::install();
}

/// Run `f` with termination signals held until it returns; returns the signal that arrived meanwhile.
pub fn critical<T>(f: impl FnOnce() -> T) -> (T, Option<i32>) {
    CRITICAL.store(true, Ordering::SeqCst);
    let value = f();
    CRITICAL.store(false, Ordering::SeqCst);
    let pending = PENDING.swap(0, Ordering::SeqCst);
    (value, (pending != 0).then_some(pending))
}

/// What a signal means right now: exit at once, or note it for after the critical section.
fn on_signal(signal: i32) -> Option<u8> {
    if CRITICAL.load(Ordering::SeqCst) {
        PENDING.store(signal, Ordering::SeqCst);
        return None;
    }
    Some(exit_code(signal))
}

/// 130 for SIGINT, 128 + n for the others (shell convention).
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(130)
}

#[cfg(unix)]
mod unix {
    use std::sync::Once;

    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    static ONCE: Once = Once::new();

    pub fn install() {
        ONCE.call_once(|| {
            let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
            std::thread::spawn(move || {
                for signal in signals.forever() {
                    if let Some(code) = super::on_signal(signal) {
                        // A prompt may have hidden the cursor; give the terminal back as we found it.
                        let term = console::Term::stderr();
                        let _ = term.show_cursor();
                        let _ = term.write_line("\ninterrupted: nothing was written");
                        #[allow(clippy::exit)] // the main thread is blocked in a prompt or a request
                        std::process::exit(i32::from(code));
                    }
                }
            });
        });
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
        assert_eq!(on_signal(15), Some(143));
        assert_eq!(exit_code(2), 130);
    }
}

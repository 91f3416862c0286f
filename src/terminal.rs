//! The terminal a run prompts on, and how a run that ends early leaves it.
//!
//! A prompt changes the terminal's mode while it waits (dialoguer reads menu keys raw, the hidden
//! prompt turns echo off) and puts it back when it returns. A run that ends in the middle of a
//! prompt — Ctrl-C, Esc, SIGTERM, SIGHUP, an error — must put it back too, or the user's shell is
//! left without echo. So the mode of stdin (the terminal the prompts read; there is no prompter
//! without one) is saved once, when the prompter is made and before bcsetup changes anything, and
//! [`restore`] puts it back, and shows the cursor, on every way out.
//!
//! A cancelled run ends with one calm line of its own ([`last_line`]) that says what was kept, as
//! the command told it ([`cancel_keeps`]).

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Whether a terminal prompter was made (and so a mode saved, and the cursor perhaps hidden).
static PROMPTING: AtomicBool = AtomicBool::new(false);
/// A prompt is waiting with the cursor after text on its line (a typed answer, `(y/n) ›`).
static MID_LINE: AtomicBool = AtomicBool::new(false);
/// The last line was printed: the signal thread and the main thread may both end the run.
static SAID: AtomicBool = AtomicBool::new(false);
/// What a cancel leaves as it was, e.g. "nothing was saved"; empty when the command did not say.
static KEPT: Mutex<&str> = Mutex::new("");

/// Remember the terminal's mode as the user has it, before the first prompt. Only the first call
/// counts, so a mode a prompt set is never taken for the user's.
pub(crate) fn save() {
    if PROMPTING.swap(true, Ordering::SeqCst) {
        return;
    }
    #[cfg(unix)]
    mode::save();
}

/// Put the saved mode back and show the cursor. Does nothing when no prompter was made.
pub(crate) fn restore() {
    if !PROMPTING.load(Ordering::SeqCst) {
        return;
    }
    #[cfg(unix)]
    mode::restore();
    if std::io::stderr().is_terminal() {
        let _ = console::Term::stderr().show_cursor();
    }
}

/// Prompt on `tty` as if it were stdin: a unit test's own pseudo-terminal.
#[cfg(all(test, unix))]
pub(crate) fn use_for_tests(tty: std::os::fd::OwnedFd) {
    PROMPTING.store(true, Ordering::SeqCst);
    mode::save_from(tty);
}

/// A prompt starts waiting; `mid_line` when its cursor stays after text on the prompt's line.
pub(crate) fn prompt_opened(mid_line: bool) {
    MID_LINE.store(mid_line, Ordering::SeqCst);
}

/// A prompt returned and finished its line.
pub(crate) fn prompt_closed() {
    MID_LINE.store(false, Ordering::SeqCst);
}

/// Tell what a cancel from now on leaves as it was ("the previous credentials were kept").
pub(crate) fn cancel_keeps(kept: &'static str) {
    *KEPT.lock().unwrap_or_else(PoisonError::into_inner) = kept;
}

fn kept() -> &'static str {
    *KEPT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The line for a cancel: Ctrl-C, Esc, a Cancel item, No at a confirmation.
pub(crate) fn cancelled() -> String {
    with_kept("cancelled", kept())
}

/// The line for a run a signal ended at once (SIGTERM, SIGHUP).
pub(crate) fn stopped(signal: i32) -> String {
    let name = match signal {
        1 => "SIGHUP".to_owned(),
        2 => "SIGINT".to_owned(),
        15 => "SIGTERM".to_owned(),
        n => format!("signal {n}"),
    };
    with_kept(&format!("stopped by {name}"), kept())
}

fn with_kept(what: &str, kept: &str) -> String {
    if kept.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {kept}")
    }
}

/// End the run's text with `line`, on a line of its own: after text a prompt left on the cursor's
/// line (the typed `abc` of a cut-short answer) on the next line; otherwise over the cursor's line,
/// which is empty or holds a spinner, so no blank line appears. Only the first call prints.
pub(crate) fn last_line(line: &str) {
    if SAID.swap(true, Ordering::SeqCst) {
        return;
    }
    let lead = lead(std::io::stderr().is_terminal(), MID_LINE.load(Ordering::SeqCst));
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{lead}{line}");
    let _ = err.flush();
}

fn lead(terminal: bool, mid_line: bool) -> &'static str {
    match (terminal, mid_line) {
        (false, _) => "",
        (true, true) => "\n",
        (true, false) => "\r\x1b[2K",
    }
}

#[cfg(unix)]
mod mode {
    use std::os::fd::{AsFd, OwnedFd};
    use std::sync::{Mutex, PoisonError};

    use nix::sys::termios::{SetArg, Termios, tcgetattr, tcsetattr};

    pub(super) struct Saved {
        /// A duplicate of stdin's descriptor: the same terminal, kept open for the signal thread.
        tty: OwnedFd,
        mode: Termios,
    }

    impl Saved {
        /// `tty`'s mode now; `None` when it is not a terminal.
        pub(super) fn take(tty: OwnedFd) -> Option<Self> {
            let mode = tcgetattr(&tty).ok()?;
            Some(Self { tty, mode })
        }

        /// TCSAFLUSH: the run is ending, and input typed but not read (half a token, when a signal
        /// ends a hidden prompt) must not reach the shell that reads the terminal next.
        pub(super) fn put_back(&self) {
            let _ = tcsetattr(&self.tty, SetArg::TCSAFLUSH, &self.mode);
        }
    }

    static SAVED: Mutex<Option<Saved>> = Mutex::new(None);

    pub(super) fn save() {
        if let Ok(tty) = std::io::stdin().as_fd().try_clone_to_owned() {
            save_from(tty);
        }
    }

    pub(super) fn save_from(tty: OwnedFd) {
        let mut slot = SAVED.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Saved::take(tty);
        }
    }

    pub(super) fn restore() {
        if let Some(saved) = SAVED.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            saved.put_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cancel_line_says_what_was_kept_when_told() {
        assert_eq!(with_kept("cancelled", ""), "cancelled");
        assert_eq!(
            with_kept("cancelled", "nothing was saved"),
            "cancelled: nothing was saved"
        );
    }

    #[test]
    fn the_last_line_starts_a_line_only_after_text_and_writes_no_escape_off_a_terminal() {
        assert_eq!(lead(true, true), "\n");
        assert_eq!(lead(true, false), "\r\x1b[2K");
        assert_eq!(lead(false, true), "");
    }

    /// The restore a prompt's error and the signal thread use, on a real pseudo-terminal: a mode a
    /// prompt changed (echo off, line mode off) comes back exactly as it was saved.
    #[cfg(unix)]
    #[test]
    fn put_back_restores_the_saved_mode() {
        use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
        let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
        let before = tcgetattr(&pty.slave).unwrap();
        assert!(before.local_flags.contains(LocalFlags::ECHO));
        let saved = mode::Saved::take(pty.slave.try_clone().unwrap()).unwrap();
        let mut hidden = before.clone();
        hidden.local_flags.remove(LocalFlags::ECHO | LocalFlags::ICANON);
        tcsetattr(&pty.slave, SetArg::TCSANOW, &hidden).unwrap();
        assert!(
            !tcgetattr(&pty.slave)
                .unwrap()
                .local_flags
                .contains(LocalFlags::ECHO)
        );
        saved.put_back();
        assert_eq!(tcgetattr(&pty.slave).unwrap(), before);
    }
}

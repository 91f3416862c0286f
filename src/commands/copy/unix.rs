//! The countdown's waiting on Unix: SIGINT, SIGTERM and SIGHUP only raise a flag (the loop then
//! clears the clipboard and ends the run as a cancel), and Enter on the terminal ends it early.
//!
//! While the countdown waits for Enter, the terminal's echo is off (line mode and signal keys stay
//! on: Ctrl-C is still SIGINT), so keys typed meanwhile do not break the countdown's line. The mode
//! was saved first (`terminal::save`), and `restore_terminal` puts it back on every way out.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, poll};
use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use super::countdown::{Ended, count_down};

/// Enter and Ctrl-C work during the countdown.
pub(super) const KEYS: bool = true;

/// The signals that end a countdown, each with its flag.
pub(super) struct Watch {
    flags: Vec<(i32, Arc<AtomicBool>, Option<signal_hook::SigId>)>,
}

impl Watch {
    /// Replace the default action of SIGINT, SIGTERM and SIGHUP with a flag. A signal that cannot be
    /// watched keeps its default (the run ends, and arboard's drop gives the selection up).
    pub(super) fn install() -> Self {
        let flags = [SIGINT, SIGTERM, SIGHUP]
            .into_iter()
            .map(|signal| {
                let flag = Arc::new(AtomicBool::new(false));
                let id = signal_hook::flag::register(signal, Arc::clone(&flag)).ok();
                (signal, flag, id)
            })
            .collect();
        Self { flags }
    }

    fn arrived(&self) -> Option<i32> {
        self.flags
            .iter()
            .find(|(_, flag, _)| flag.load(Ordering::SeqCst))
            .map(|(signal, _, _)| *signal)
    }

    /// Count down to `deadline`; with `enter`, a line typed on stdin (a terminal) ends it early.
    pub(super) fn wait(&self, deadline: Instant, enter: bool, mut tick: impl FnMut(u64)) -> Ended {
        let stdin = io::stdin();
        let tty = stdin.as_fd();
        if enter {
            quiet(tty);
        }
        count_down(deadline, &mut tick, |slice| {
            if let Some(signal) = self.arrived() {
                return Some(Ended::Signal(signal));
            }
            if enter && line_typed(tty, slice) {
                return Some(Ended::Enter);
            }
            if !enter {
                std::thread::sleep(slice);
            }
            self.arrived().map(Ended::Signal)
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        for (_, _, id) in &self.flags {
            if let Some(id) = id {
                signal_hook::low_level::unregister(*id);
            }
        }
    }
}

/// Echo off, after saving the user's mode for `restore_terminal`.
fn quiet(tty: BorrowedFd<'_>) {
    crate::terminal::save();
    if let Ok(mut mode) = tcgetattr(tty) {
        mode.local_flags.remove(LocalFlags::ECHO);
        let _ = tcsetattr(tty, SetArg::TCSANOW, &mode);
    }
}

/// Whether a line (Enter) arrives within `slice`. In line mode the terminal hands over nothing
/// before Enter, so anything readable is a line; it is read and dropped.
fn line_typed(tty: BorrowedFd<'_>, slice: Duration) -> bool {
    let millis = u16::try_from(slice.as_millis()).unwrap_or(u16::MAX);
    let mut fds = [PollFd::new(tty, PollFlags::POLLIN)];
    match poll(&mut fds, millis) {
        Ok(n) if n > 0 => {
            let mut line = [0u8; 256];
            match nix::unistd::read(tty, &mut line) {
                Ok(n) if n > 0 => true,
                // Ctrl-D on an empty line, or a terminal that hung up: not Enter, and no reason
                // to look again before the slice is over.
                _ => {
                    std::thread::sleep(slice);
                    false
                }
            }
        }
        Err(Errno::EINTR) | Ok(_) => false,
        // A stdin that cannot be polled: wait out the slice instead of spinning.
        Err(_) => {
            std::thread::sleep(slice);
            false
        }
    }
}

/// Put the terminal's mode back as the user had it (and show the cursor), if it was changed.
pub(super) fn restore_terminal() {
    crate::terminal::restore();
}

//! `exec`'s supervision of CMD on Unix: signal forwarding and the wait (see the module doc of
//! `commands::exec` for the policy).

use std::path::Path;
use std::process::{Command, ExitStatus};
use std::thread;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::iterator::exfiltrator::origin::Origin;

use super::spawn;
use super::stencil_file::StencilFile;
use crate::bigcommerce::token::AccessToken;
use crate::context::Context;
use crate::error::Error;

/// The signals whose default action ends a process, caught while CMD runs and passed on to it
/// when a process sent them (as tini and dumb-init do): what is meant for the program bcsetup
/// wraps reaches it, and bcsetup outlives it to remove the stencil file. SIGABRT too (`kill -ABRT`
/// asks for a core dump, which CMD can give and bcsetup does not). SIGXCPU and SIGXFSZ from the
/// kernel (bcsetup over its own limits) have no sender and are not passed on; over `RLIMIT_FSIZE` a
/// write then fails with EFBIG instead. Not caught, so they keep their default:
/// - SIGPIPE: Rust's runtime ignores it, so a write to a closed pipe fails with EPIPE instead;
/// - SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS: faults the kernel raises in the thread that
///   caused them; returning from a handler would run the faulting instruction again;
/// - SIGKILL, SIGSTOP: cannot be caught;
/// - the real-time signals (SIGRTMIN..=SIGRTMAX): nix cannot send them without `unsafe`, and
///   nothing sends one to a command-line program by accident.
const FORWARDED: &[Signal] = &[
    Signal::SIGINT,
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGQUIT,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGALRM,
    Signal::SIGVTALRM,
    Signal::SIGPROF,
    Signal::SIGXCPU,
    Signal::SIGXFSZ,
    Signal::SIGIO,
    Signal::SIGABRT,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Signal::SIGPWR,
    #[cfg(all(
        any(target_os = "linux", target_os = "android"),
        not(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))
    ))]
    Signal::SIGSTKFLT,
    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    ))]
    Signal::SIGEMT,
];

/// Run CMD to its end with the stencil file around it, passing sent signals on.
pub(super) fn supervise(
    ctx: &Context,
    command: Command,
    stencil: Option<&Path>,
    token: &AccessToken,
) -> Result<ExitStatus, Error> {
    // Handlers first: from the moment the stencil file exists, a signal must not end bcsetup.
    // A signal bcsetup was started with ignored (`nohup`, `cmd &` in a script) stays ignored:
    // a handler would be reset to the default in CMD, undoing what the caller asked for.
    let ignored = ignored_signals();
    let wanted = FORWARDED
        .iter()
        .map(|s| *s as i32)
        .filter(|s| !is_in(ignored, *s));
    let mut signals = SignalsInfo::<WithOrigin>::new(wanted).map_err(|e| {
        Error::Internal(anyhow::Error::new(e).context("could not install the signal handlers"))
    })?;
    let stencil = stencil.map(|dir| StencilFile::create(dir, token)).transpose()?;
    // A signal before CMD exists cannot reach it: CMD is not started, and bcsetup ends as CMD
    // would have (128 + N), after the stencil file is removed or put back on the way out.
    if let Some(origin) = signals.pending().next() {
        ctx.printer.warn(format_args!(
            "signal {} arrived before the command started; it was not run",
            origin.signal
        ));
        return Err(Error::Child(crate::error::signal_exit_code(origin.signal)));
    }
    let mut child = spawn(command)?;
    let child_pid = child.id();
    let handle = signals.handle();
    let forwarder = thread::spawn(move || {
        for origin in signals.forever() {
            if should_forward(&origin, child_pid) {
                forward(origin.signal, child_pid);
            }
        }
    });
    let status = child.wait();
    // Stop forwarding before the pid can be reused; the handlers stay, so a late signal is ignored
    // until bcsetup has cleaned up and exits.
    handle.close();
    let _ = forwarder.join();
    if let Some(file) = stencil {
        file.finish(ctx);
    }
    status.map_err(|e| Error::Internal(anyhow::Error::new(e).context("could not wait for the command")))
}

/// Pass on what a process sent; what the terminal generated (no sender) already reached CMD,
/// what CMD sent to bcsetup should not bounce back to it, and what bcsetup raised itself (an
/// `abort`) is not CMD's business.
fn should_forward(origin: &Origin, child_pid: u32) -> bool {
    match &origin.process {
        Some(sender) => {
            let sender = u32::try_from(sender.pid).ok();
            sender != Some(child_pid) && sender != Some(std::process::id())
        }
        None => false,
    }
}

/// The signals this process ignores, as the kernel's bit mask (bit N-1 = signal N). Only Linux
/// tells without `unsafe` (`/proc/self/status`); elsewhere none count as ignored.
fn ignored_signals() -> u64 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        return parse_sig_ign(&status);
    }
    0
}

/// The `SigIgn:` mask of a `/proc/<pid>/status` text; 0 when absent or malformed.
#[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
pub(super) fn parse_sig_ign(status: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0)
}

pub(super) fn is_in(mask: u64, signal: i32) -> bool {
    u32::try_from(signal - 1).is_ok_and(|bit| bit < 64 && mask & (1 << bit) != 0)
}

fn forward(signal: i32, child_pid: u32) {
    let (Ok(signal), Ok(pid)) = (Signal::try_from(signal), i32::try_from(child_pid)) else {
        return;
    };
    // ESRCH means CMD is already gone, which is what the signal asked for.
    let _ = kill(Pid::from_raw(pid), signal);
}

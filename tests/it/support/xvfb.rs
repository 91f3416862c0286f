//! A private X server per test (Xvfb), for `copy`: each test gets its own display, so its clipboard
//! is its own while tests run in parallel. `-displayfd 1` makes Xvfb pick a free display number and
//! print it on stdout once it accepts connections; `-nolisten tcp` keeps it off the network;
//! `-noreset` keeps it from resetting whenever its last client leaves (an X server does, and a
//! client that connects during the reset is refused: here every `xclip` is a last client). The
//! clipboard is read back with `xclip`, a program bcsetup does not use.
//!
//! Xvfb or xclip missing: the test says `SKIPPED` and passes, unless `BCSETUP_REQUIRE_DISPLAY=1`
//! (set by `.ci/run`), which makes it fail.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Xvfb, killed when dropped.
pub struct Xvfb {
    child: Child,
    /// Kept open: a write to a closed pipe would end Xvfb with SIGPIPE.
    _stdout: BufReader<ChildStdout>,
    /// The display name, e.g. `:3`.
    pub display: String,
}

impl Xvfb {
    /// A fresh X server, or `None` (after saying why) where Xvfb or xclip is not installed.
    pub fn start() -> Option<Self> {
        for program in ["Xvfb", "xclip"] {
            if !super::have(program) {
                let why = format!("{program} is not installed (Debian: xvfb, xclip)");
                assert!(
                    std::env::var_os("BCSETUP_REQUIRE_DISPLAY").is_none_or(|v| v != "1"),
                    "BCSETUP_REQUIRE_DISPLAY=1 but {why}"
                );
                super::skip(&why);
                return None;
            }
        }
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-noreset"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("Xvfb's stdout"));
        stdout.read_line(&mut line).expect("read Xvfb's display number");
        let number = line.trim();
        assert!(
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            "Xvfb printed no display number: {line:?}"
        );
        Some(Self {
            display: format!(":{number}"),
            child,
            _stdout: stdout,
        })
    }

    /// What the CLIPBOARD selection holds now, or `None` when it is empty.
    pub fn clipboard(&self) -> Option<String> {
        self.clipboard_as("UTF8_STRING")
    }

    /// The clipboard's content in the format `target` (`TARGETS` lists the formats offered).
    pub fn clipboard_as(&self, target: &str) -> Option<String> {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard", "-t", target])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .output()
            .expect("run xclip -o -t");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Wait up to 10 s until the clipboard holds `text`.
    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let held = self.clipboard();
            if held.as_deref() == Some(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the clipboard never held the value; it holds {held:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Copy `text` as another program would (`xclip -i`, which stays to serve it until the
    /// selection is taken or the server ends).
    pub fn copy_as_the_user(&self, text: &str) {
        let mut child = Command::new("xclip")
            .args(["-i", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run xclip -i");
        child
            .stdin
            .take()
            .expect("xclip's stdin")
            .write_all(text.as_bytes())
            .expect("write to xclip");
        // xclip forks to serve the selection and its first process exits.
        let _ = child.wait();
        self.wait_for(text);
    }
}

impl Drop for Xvfb {
    /// SIGTERM, so Xvfb removes its socket in /tmp/.X11-unix; SIGKILL if it has not gone in 2 s.
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ =
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

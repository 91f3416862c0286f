//! bcsetup on a real pseudo-terminal (expectrl): keys in, everything the terminal was sent kept,
//! both as text (for `contains` checks and leak checks) and as bytes (for [`Pty::screen`], what a
//! terminal would show, which the snapshot tests pin).

use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect};

use super::TestEnv;

pub const DOWN: &str = "\x1b[B";
pub const UP: &str = "\x1b[A";
pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";
pub const CTRL_C: &str = "\x03";

/// The question of the credentials step.
pub const SHOWN_ONCE: &str = "How do you want to give the credentials shown after Save?";

/// `init` with every choice before the credentials given as flags (store `STORE`, read-only,
/// Products): the first question is the credentials menu.
pub const PRESET: &[&str] = &[
    "init",
    "--token-type",
    "api",
    "--access",
    "read-only",
    "--store-hash",
    super::STORE,
    "--name",
    "Reader account",
    "--scopes",
    "products",
];

/// Columns of the test terminal (rows are 24; the screen rendering keeps every line).
pub const COLS: u16 = 80;

/// A bcsetup process on a PTY, with everything it printed so far.
pub struct Pty {
    pub session: expectrl::session::OsSession,
    /// Everything received, as lossy UTF-8.
    pub screen: String,
    raw: Vec<u8>,
}

impl Pty {
    pub fn spawn(env: &TestEnv, args: &[&str]) -> Self {
        Self::spawn_cmd(env.std_cmd(args))
    }

    pub fn spawn_cmd(cmd: std::process::Command) -> Self {
        let mut session = expectrl::Session::spawn(cmd).expect("spawn on a PTY");
        session
            .get_process_mut()
            .set_window_size(COLS, 24)
            .expect("window size");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        Self {
            session,
            screen: String::new(),
            raw: Vec::new(),
        }
    }

    fn keep(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        self.screen.push_str(&String::from_utf8_lossy(bytes));
    }

    /// Wait for `needle`, keeping what came before it.
    pub fn expect(&mut self, needle: &str) {
        match self.session.expect(needle) {
            // `as_bytes` is what came before the match and the match itself.
            Ok(found) => self.keep(found.as_bytes()),
            Err(e) => panic!(
                "waiting for {needle:?}: {e}\n--- screen so far ---\n{}",
                self.screen
            ),
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("send keys");
    }

    /// Whether the terminal echoes what is typed (`stty echo`).
    pub fn echo(&self) -> bool {
        self.session
            .get_process()
            .get_echo()
            .expect("read the PTY's echo flag")
    }

    /// Wait until a hidden prompt has switched echo off. It does so with TCSAFLUSH, which discards
    /// input that arrives before: typing earlier could lose the text, or have it echoed.
    pub fn wait_for_echo_off(&mut self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.echo() {
            assert!(
                std::time::Instant::now() < deadline,
                "the hidden prompt never turned echo off\n{}",
                self.screen
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Type into a hidden prompt, then Enter.
    pub fn type_hidden(&mut self, text: &str) {
        self.wait_for_echo_off();
        self.send(text);
        self.send(ENTER);
    }

    /// Choose "Paste them" (the default when Downloads holds no credentials file), type the token
    /// into the hidden prompt, skip client ID and secret.
    pub fn paste(&mut self, token: &str) {
        self.expect(SHOWN_ONCE);
        self.send(ENTER);
        self.expect("Access token (hidden)");
        self.type_hidden(token);
        self.expect("Client ID");
        self.send(ENTER);
        self.expect("Client secret");
        self.type_hidden("");
    }

    /// What a terminal shows after everything received so far (every line, none scrolled away).
    pub fn rendered(&self) -> String {
        super::snapshot::terminal_screen(&self.raw, COLS)
    }

    /// Read to the end and return the exit code (or 128 + signal) and the text received.
    pub fn finish(self) -> (i32, String) {
        let (code, screen, _) = self.finish_rendered();
        (code, screen)
    }

    /// [`Pty::finish`], and what a terminal shows at the end.
    pub fn finish_rendered(mut self) -> (i32, String, String) {
        // `Eof` matches everything left, so the text is the match itself, not what came before it.
        if let Ok(found) = self.session.expect(Eof) {
            let rest = found.as_bytes().to_vec();
            self.keep(&rest);
        }
        let code = match self.session.get_process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            Ok(WaitStatus::Signaled(_, signal, _)) => 128 + signal as i32,
            other => panic!("unexpected wait status {other:?}\n{}", self.screen),
        };
        let rendered = self.rendered();
        (code, self.screen, rendered)
    }
}

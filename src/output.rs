//! All output goes through `Printer`: data (tokens, env lines, JSON) to stdout, everything for
//! people to stderr. `--quiet` silences status lines, never errors or data; `--verbose` adds request
//! lines. Colour follows the terminal and `NO_COLOR` (console's rules); messages read the same
//! without colour. This is the one place that writes to the standard streams.
//!
//! Messages may carry text bcsetup did not write (a path, a keyring's or the API's words), so
//! `success`, `warn`, `detail` and the errors escape every control character but LF
//! (`text::lines`) before adding their own styling. `info` and `show` carry text that is already
//! styled (`render.rs`), whose builders escape outside values themselves (`text::one_line`).

use std::fmt::Display;
use std::io::Write;
use std::sync::Mutex;

use console::style;
use serde::Serialize;

use crate::error::Error;
use crate::terminal;
use crate::text;

/// Where and how to print.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Printer {
    /// `--json`: stdout carries JSON only.
    pub json: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// `--verbose`.
    pub verbose: bool,
}

// Every method takes the printer, even those no flag changes (`show`, `warn`, `data`, `problem`):
// all output goes through one value, so a caller never decides on its own where a line goes.
#[allow(
    clippy::unused_self,
    reason = "a uniform API: every line goes through the printer"
)]
impl Printer {
    /// A status line for people (stderr), unless `--quiet`.
    pub(crate) fn info(self, msg: impl Display) {
        if !self.quiet {
            stderr_line(&msg.to_string());
        }
    }

    /// Text the user asked for (a listing, a checklist) on stderr, even with `--quiet`.
    pub(crate) fn show(self, msg: impl Display) {
        stderr_line(&msg.to_string());
    }

    /// A success line with a check mark (stderr), unless `--quiet`.
    pub(crate) fn success(self, msg: impl Display) {
        let msg = msg.to_string();
        self.info(format_args!(
            "{} {}",
            style("✓").green().for_stderr(),
            text::lines(&msg)
        ));
    }

    /// A status line redrawn in place (`copy`'s countdown): the cursor's line is replaced by `line`,
    /// and the cursor stays after it. Only on a terminal and without `--quiet`; an empty `line`
    /// just wipes the line, so the next message takes its place.
    pub(crate) fn redraw(self, line: &str) {
        use std::io::IsTerminal;
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{}", text::one_line(line));
        let _ = err.flush();
    }

    /// A warning (stderr), shown even with `--quiet`.
    pub(crate) fn warn(self, msg: impl Display) {
        stderr_line(&format!(
            "{}: {}",
            style("warning").yellow().bold().for_stderr(),
            text::lines(&msg.to_string())
        ));
    }

    /// A detail line for `--verbose` (stderr).
    pub(crate) fn detail(self, msg: impl Display) {
        if self.verbose {
            stderr_line(&format!(
                "{} {}",
                style("·").dim().for_stderr(),
                text::lines(&msg.to_string())
            ));
        }
    }

    /// Data for programs (stdout). A failed write is kept for `stdout_failure`.
    pub(crate) fn data(self, text: &str) {
        let mut out = std::io::stdout().lock();
        let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        record(written);
    }

    /// A JSON document (stdout).
    pub(crate) fn json<T: Serialize + ?Sized>(self, value: &T) {
        // The same document, with the characters serde_json leaves raw (DEL, C1, bidi) as `\u` escapes.
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.data(&format!("{}\n", text::json(&text))),
            Err(e) => self.warn(format_args!("could not encode JSON: {e}")),
        }
    }

    /// Report an error: `error: …` and an optional `hint: …` on stderr; with `--json` also the
    /// error object (and the verification report, when there is one) on stdout. A cancel is one
    /// calm line of its own instead (`terminal::last_line`), still an error object with `--json`.
    pub(crate) fn error(self, err: &Error) {
        if self.json {
            self.json(&error_document(err));
        }
        if err.is_cancel() {
            terminal::last_line(&err.calm_line());
        } else {
            self.problem(err);
        }
    }

    /// An error for people only (stderr), e.g. one the wizard recovers from.
    pub(crate) fn problem(self, err: &Error) {
        stderr_line(&format!(
            "{}: {}",
            style("error").red().bold().for_stderr(),
            text::lines(&err.to_string())
        ));
        if let Some(hint) = err.hint() {
            stderr_line(&format!(
                "\n{}: {}",
                style("hint").cyan().bold().for_stderr(),
                text::lines(&hint)
            ));
        }
    }
}

/// The JSON document of an error: the verification report (if any) with `ok: false` and
/// `error: {code, kind, message, hint?, accepted?}` (docs/interface.md, "JSON output").
pub(crate) fn error_document(err: &Error) -> serde_json::Value {
    let mut error = serde_json::json!({
        "code": err.exit_code(),
        "kind": err.kind(),
        "message": err.to_string(),
    });
    if let Some(hint) = err.hint() {
        error["hint"] = hint.into();
    }
    // The bodies as answered (bounded); the message shows them escaped, for a terminal.
    if !err.accepted().is_empty() {
        error["accepted"] = serde_json::to_value(err.accepted()).unwrap_or_default();
    }
    let mut doc = match err.report().map(serde_json::to_value) {
        Some(Ok(report)) => report,
        _ => serde_json::json!({}),
    };
    doc["ok"] = false.into();
    doc["error"] = error;
    doc
}

/// The first failed write to stdout (its description), for `lib::main` to turn into exit 1.
static STDOUT_FAILURE: Mutex<Option<String>> = Mutex::new(None);

/// Keep a write error for `stdout_failure`, except a closed pipe (`bcsetup token | head -c0`): the
/// reader's choice, not an error (Rust ignores SIGPIPE, so it arrives as `BrokenPipe`). Anything else
/// (`> /dev/full`, a full disk, a closed descriptor) means the data was lost, and a script must not
/// go on as if `bcsetup token > file` had worked.
pub(crate) fn record(written: std::io::Result<()>) {
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
        && let Ok(mut slot) = STDOUT_FAILURE.lock()
    {
        slot.get_or_insert_with(|| e.to_string());
    }
}

/// Why data for stdout was lost, if it was: the error `lib::main` reports at the end of a run (every
/// write goes through `Printer`, so commands need not check each one).
pub(crate) fn stdout_failure() -> Option<String> {
    STDOUT_FAILURE.lock().ok().and_then(|slot| slot.clone())
}

fn stderr_line(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

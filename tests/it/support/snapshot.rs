//! Screens pinned with insta: what bcsetup shows, compared with a reviewed `.snap` file under
//! `tests/it/snapshots/`, so a change to a screen shows up as a diff to accept
//! (`INSTA_UPDATE=always cargo test …`, then review `git diff`), not as a `contains` that still passes.
//! In CI (`CI=true`) a missing or different snapshot fails.
//!
//! Filters replace what changes from run to run, as uv's test suite does: the test's temp dir, the
//! unique profile name, the fake's port, times, durations and pids.

use std::num::NonZeroU16;

use super::TestEnv;

/// What a terminal of `cols` columns shows after `bytes`: a vt100 screen tall enough that nothing
/// scrolls away, so a prompt dialoguer redrew or cleared appears as the user last saw it.
pub fn terminal_screen(bytes: &[u8], cols: u16) -> String {
    let (Some(rows), Some(cols)) = (NonZeroU16::new(2000), NonZeroU16::new(cols)) else {
        panic!("a terminal has at least one row and column");
    };
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(bytes);
    let text = parser.screen().contents();
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let end = lines.iter().rposition(|l| !l.is_empty()).map_or(0, |i| i + 1);
    lines[..end].join("\n")
}

/// The filters for one test's world.
pub fn settings(env: &TestEnv) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let root = env.root.path().display().to_string();
    settings.add_filter(&regex_escape(&root), "[TMP]");
    settings.add_filter(&format!(r"\b{}\b", regex_escape(&env.profile)), "[PROFILE]");
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)",
        "[TIME]",
    );
    settings.add_filter(r"\b\d+(\.\d+)? ?(ms|s)\b", "[DURATION]");
    settings.add_filter(r"\bpid \d+", "pid [PID]");
    settings
}

/// `s` as a regex that matches it literally.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Pin `text` as snapshot `name`, with the filters of `env`'s world.
#[macro_export]
macro_rules! assert_screen {
    ($env:expr, $name:expr, $text:expr) => {
        $crate::support::snapshot::settings($env).bind(|| insta::assert_snapshot!($name, $text))
    };
}

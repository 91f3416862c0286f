//! Binary-level tests: the built `bcsetup` against a loopback fake BigCommerce and a private
//! Secret Service (gnome-keyring on its own D-Bus session).
#![allow(
    unreachable_pub,
    reason = "a test, bench or example crate has no public API to keep narrow"
)]
// They drive processes, signals and PTYs the Unix way; on Windows only the unit tests run.
#![cfg(unix)]
// Tests read the real environment (PATH) to build the child's scrubbed one, and say why they skip.
#![allow(clippy::print_stderr, clippy::disallowed_methods)]
#![allow(
    clippy::too_many_lines,
    reason = "the 60-line function budget (clippy.toml) is for src/; a scenario test reads best whole"
)]

mod support;

/// Missing inputs listed at once, JSON errors, corrupt profiles.toml, the API base policy, exit 7.
mod bad_input;
/// The bad-input battery: one bad input per row through every entry point; nothing changes.
#[cfg(target_os = "linux")]
mod battery;
/// Concurrent writers and readers on one profile, held locks, a stopped keyring.
mod concurrency;
/// `copy` under a private X server (Xvfb): the value on the clipboard, cleared after the countdown
/// or on Enter, Ctrl-C and SIGTERM, kept when the user copied since; no display is exit 2.
mod copy;
/// SIGKILL during a rotation, parallel runs.
mod crash;
/// The fault battery: BigCommerce, storage and filesystem faults during a rotation.
mod faults;
/// A newcomer's first run: the wizard's opening line and link, the credentials step, `--no-input`
/// lists, `env` on a terminal, a missing profile.
mod first_run;
/// `--help`, completions for every shell, the man page.
mod help;
/// Untrusted text: hostile store names, domains, response bodies and files reach no terminal raw;
/// a token pasted into a non-secret field is refused.
mod hostile_text;
/// Process hygiene: parse errors, core dumps, the browser opener's environment, stdout write errors.
mod hygiene;
/// `init` end to end: storage, rotation, credentials files, storage failures.
mod init;
/// Secret leakage: every command and mode, failure paths, panics, `/proc/<pid>/cmdline`.
#[cfg(target_os = "linux")]
mod leaks;
/// Many stores at once: `verify --all` (rows, JSON array, worst code, bounded parallelism, 429,
/// records, Ctrl-C) and `status --check` (each problem, no network).
mod many;
/// TLS and network policy: http only for loopback, certificates checked, proxies, no redirects
/// (trust added through `SSL_CERT_FILE`, which only the Linux verifier reads).
#[cfg(target_os = "linux")]
mod network;
/// The interactive wizard through a real pseudo-terminal.
mod pty;
/// `remove`: keyring entries and metadata gone, the revoke note, confirmation.
mod remove;
/// `scopes`: the control-panel checklist on stdout.
mod scopes;
/// `status`.
mod status;
/// Stencil-CLI tokens: the preset stencil-cli needs, the advisory scope, theme slots; the
/// Information & Settings proof when `/v2/store` answers without the scope.
mod stencil;
/// `exec --stencil` beside a kept `secrets.stencil.json`: the token lent for the run, the file put back.
mod stencil_exec;
/// `init --from-stencil`: stencil-cli's theme-folder files imported, the token taken out of them.
mod stencil_import;
/// `init` checks the keyring before its first question: no D-Bus, no Secret Service, no default
/// collection, locked; exit 6 at once without a terminal, a Quit-or-file menu on one.
mod storage_first;
/// The terminal after a run ends early (Ctrl-C, Esc, signals: mode and echo restored) and the
/// calm line a cancel ends with.
mod terminal;
/// `token`, `env`, `exec`: credentials for other programs, two profiles side by side, exit 7.
mod token_env_exec;
/// Trust on disk: shared or foreign config directories, killed writes' temp files, odd keyring entries.
mod trust;
/// What a failed verification says: a refused token without a scope table, a shortfall counted in
/// one line, and a change of what is wanted shown as a difference (screens pinned).
mod verdicts;
/// The scope proof and its failure modes against the fake.
mod verify;

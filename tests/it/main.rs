//! Binary-level tests: the built `bcsetup` against a loopback fake BigCommerce and a private
//! Secret Service (gnome-keyring on its own D-Bus session).

// Tests read the real environment (PATH) to build the child's scrubbed one, and say why they skip.
#![allow(clippy::print_stderr, clippy::disallowed_methods)]

mod support;

/// `init` end to end: storage, rotation, credentials files, storage failures.
mod init;
/// Missing and invalid inputs: exit 2, everything listed, nothing written.
mod bad_input;
/// The bad-input battery: one bad input per row through every entry point; nothing changes.
mod battery;
/// The scope proof and its failure modes against the fake.
mod verify;
/// `status`.
mod status;
/// `token`, `env`, `exec`: credentials for other programs, two profiles side by side, exit 7.
mod token_env_exec;
/// `remove`: keyring entries and metadata gone, the revoke note, confirmation.
mod remove;
/// `scopes`: the control-panel checklist on stdout.
mod scopes;
/// The interactive wizard through a real pseudo-terminal.
mod pty;
/// SIGKILL during a rotation, parallel runs.
mod crash;
/// The fault battery: BigCommerce, storage and filesystem faults during a rotation.
mod faults;

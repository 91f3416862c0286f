//! Binary-level tests: the built `bcsetup` against a loopback fake BigCommerce and a private
//! Secret Service (gnome-keyring on its own D-Bus session).

mod support;

/// `init` end to end: storage, rotation, credentials files, storage failures.
mod init;
/// Missing and invalid inputs: exit 2, everything listed, nothing written.
mod bad_input;
/// The scope proof and its failure modes against the fake.
mod verify;
/// `status`.
mod status;

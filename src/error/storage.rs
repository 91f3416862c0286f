//! What to do about a storage failure (`StoreError`): the hint of `Error::Storage` and
//! `Error::StorageLeft`, and the steps that give a headless Linux machine a working keyring, which
//! `init` also shows on a terminal before it asks where to keep the secrets.

use crate::store::{Missing, StoreError};

/// What a failed `init` left behind, which its hint says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// The profile existed, and its credentials are as they were before the run.
    PreviousCredentials,
    /// The keyring could not be used and the user chose to quit before any question: nothing was
    /// asked or saved.
    Nothing,
}

const PACKAGES: &str = "`sudo apt-get install gnome-keyring libsecret-tools dbus-x11` (Debian, Ubuntu)";
const UNLOCK: &str = "`gnome-keyring-daemon --replace --unlock`, then type the keyring's password (a new one the first \
                      time), Enter, Ctrl-D";
const FILE_INSTEAD: &str = "Or keep the secrets in a 0600 file instead: `bcsetup init --insecure-storage`.";

/// The steps that make the keyring usable, for what is missing: sentences, the last one "then run
/// bcsetup again".
pub fn fixes(missing: Missing) -> String {
    match missing {
        Missing::SessionBus => format!(
            "On a desktop, run bcsetup inside the desktop session. Without one (SSH, a container):\n  \
             1. install a keyring: {PACKAGES}\n  \
             2. start a shell with a session bus: `dbus-run-session -- sh`\n  \
             3. in that shell, start and unlock the keyring: {UNLOCK}\n\
             then run bcsetup in that shell."
        ),
        Missing::SecretService => format!(
            "Start a Secret Service on this session bus:\n  \
             1. install one: {PACKAGES}, or turn on KeePassXC's Secret Service integration\n  \
             2. start and unlock gnome-keyring: {UNLOCK}\n\
             then run bcsetup again."
        ),
        Missing::DefaultCollection => format!(
            "Create a default keyring: {UNLOCK}; this creates the `login` keyring. On a desktop, \
             Passwords and Keys (seahorse) can make a keyring the default one; with KeePassXC, unlock \
             the database it shares through the Secret Service. Then run bcsetup again."
        ),
        Missing::Unlock => format!(
            "Unlock it: on a desktop, answer the keyring's unlock prompt (or unlock it in Passwords and \
             Keys); without one, {UNLOCK}. Then run bcsetup again."
        ),
    }
}

/// What the user can do about a storage failure.
pub(super) fn hint(err: &StoreError) -> String {
    match err {
        StoreError::Keyring(missing) => format!("{}\n{FILE_INSTEAD}", fixes(*missing)),
        StoreError::Unavailable(_) | StoreError::ReadBackMismatch(_) => format!(
            "bcsetup needs an unlocked Secret Service (gnome-keyring, KeePassXC) on the D-Bus session \
             bus: unlock your keyring and retry.\n{FILE_INSTEAD}"
        ),
        StoreError::Failed(_) => "check the OS keyring and retry".into(),
        StoreError::BadEncoding => "the stored secret is not text: store it again with `bcsetup init`".into(),
        StoreError::File(_) => "check the permissions of the config directory".into(),
        StoreError::Busy(_) => "let that run finish (or end it), then retry; a lock never outlives its \
                                process, so nothing needs cleaning up"
            .into(),
    }
}

/// The hint of a failed `init`, with what it left.
pub(super) fn hint_left(err: &StoreError, left: Left) -> String {
    match left {
        Left::PreviousCredentials => {
            format!("{}; your previous credentials were left as they were", hint(err))
        }
        Left::Nothing => "nothing was asked or saved; run `bcsetup init` again once the keyring works (the \
                          steps are above)"
            .into(),
    }
}

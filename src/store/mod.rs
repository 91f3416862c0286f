//! Where secrets live. A narrow `SecretStore` trait with three implementations: the OS keyring
//! (`keyring`), a 0600 file chosen only by `--insecure-storage` (`file`), and memory (tests).
//!
//! The stores write and compare secret bytes, so they call `expose_secret()`; the other callers
//! are listed in `bigcommerce/token.rs`. Keyring errors are converted here into `StoreError`, which keeps only text that
//! cannot hold a secret (keyring-core's `BadEncoding` carries the raw secret bytes in its payload).

pub mod file;
pub mod keyring;
pub mod memory;

use secrecy::{ExposeSecret, SecretString};

use crate::domain::{ProfileName, StorageKind};

/// The keyring service name of every bcsetup entry (docs/interface.md, "Storage").
pub const SERVICE: &str = "bcsetup";

/// The name of one secret: the access token or the client secret of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    user: String,
}

impl Key {
    /// The access token of a profile: user `<profile>`, so `secret-tool lookup service bcsetup
    /// username <profile>` prints exactly the token.
    pub fn access_token(profile: &ProfileName) -> Self {
        Self {
            user: profile.as_str().to_owned(),
        }
    }

    /// The client secret of a profile: user `<profile>/client-secret`.
    pub fn client_secret(profile: &ProfileName) -> Self {
        Self {
            user: format!("{}/client-secret", profile.as_str()),
        }
    }

    /// The staged access token of an unfinished rotation: user `<profile>/pending`.
    pub fn pending_access_token(profile: &ProfileName) -> Self {
        Self {
            user: format!("{}/pending", profile.as_str()),
        }
    }

    /// The staged client secret of an unfinished rotation: user `<profile>/pending-client-secret`.
    pub fn pending_client_secret(profile: &ProfileName) -> Self {
        Self {
            user: format!("{}/pending-client-secret", profile.as_str()),
        }
    }

    /// The keyring user name.
    pub fn user(&self) -> &str {
        &self.user
    }
}

/// A failure of the secret store. Holds only descriptions, never secret bytes. What to do about each
/// is `error::storage::hint`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The OS keyring cannot be used, and bcsetup can tell what is missing.
    #[error("{0}")]
    Keyring(Missing),
    /// No usable store, for a reason bcsetup cannot name more precisely (no answer in time, an
    /// unexpected answer from the platform).
    #[error("the OS keyring is not available: {0}")]
    Unavailable(String),
    /// The store answered but the operation failed.
    #[error("the OS keyring failed: {0}")]
    Failed(String),
    /// A value read back after writing differs from what was written (or is absent).
    #[error("the secret read back from {0} does not match what was written")]
    ReadBackMismatch(&'static str),
    /// The stored value is not text.
    #[error("the stored secret is not valid UTF-8")]
    BadEncoding,
    /// The insecure file store failed.
    #[error("{0}")]
    File(String),
    /// Another bcsetup holds a lock this run needed, for longer than the wait allows.
    #[error("{0}")]
    Busy(String),
}

/// What keeps the OS keyring (the Secret Service, on Linux and the BSDs) from keeping a secret, in the
/// order a working keyring needs them: a session bus, a Secret Service on it, a default collection,
/// that collection unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    /// No D-Bus session bus: `DBUS_SESSION_BUS_ADDRESS` unset, or nothing listens where it points.
    #[error(
        "the OS keyring cannot be reached: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is \
         unset, or no bus listens where it points)"
    )]
    SessionBus,
    /// A session bus, and no program that serves the Secret Service on it.
    #[error(
        "the OS keyring cannot be reached: the D-Bus session bus is up, but no Secret Service \
         (gnome-keyring, KeePassXC) runs on it"
    )]
    SecretService,
    /// A Secret Service without a default collection, the keyring new secrets go to.
    #[error(
        "the OS keyring has nowhere to keep secrets: the Secret Service runs, but has no default \
         collection (keyring)"
    )]
    DefaultCollection,
    /// The default collection is locked, and unlocking it was refused or impossible (no prompt can be
    /// shown without a desktop).
    #[error(
        "the OS keyring is locked: its default collection was not unlocked (the unlock prompt was \
         dismissed, or none could be shown)"
    )]
    Unlock,
}

/// A place to keep secrets by key. Missing is `Ok(None)`, not an error.
pub trait SecretStore {
    /// Read a secret.
    fn get(&self, key: &Key) -> Result<Option<SecretString>, StoreError>;
    /// Write (create or replace) a secret.
    fn set(&self, key: &Key, secret: &SecretString) -> Result<(), StoreError>;
    /// Delete a secret; `false` if it was not there.
    fn delete(&self, key: &Key) -> Result<bool, StoreError>;
    /// Which kind of store this is.
    fn kind(&self) -> StorageKind;
    /// Whether the store can keep a secret now, checked without reading or writing any entry: `init`
    /// asks before its first question, so a missing keyring is found before any answer is given.
    fn ready(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Write a secret and read it back; only a matching read-back counts as stored. A locked keyring
/// can accept a write and then answer "no entry", so the read-back is not optional.
pub fn store_verified(store: &dyn SecretStore, key: &Key, secret: &SecretString) -> Result<(), StoreError> {
    store.set(key, secret)?;
    match store.get(key)? {
        Some(back) if same_secret(&back, secret) => Ok(()),
        _ => Err(StoreError::ReadBackMismatch(store.kind().as_str())),
    }
}

/// Whether two secrets are equal (the read-back check, and `transaction::reconcile`).
pub fn same_secret(a: &SecretString, b: &SecretString) -> bool {
    a.expose_secret() == b.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::memory::MemoryStore;
    use super::*;

    fn profile(name: &str) -> ProfileName {
        ProfileName::parse(name).unwrap()
    }

    #[test]
    fn keys_follow_the_design_names() {
        assert_eq!(Key::access_token(&profile("shop-a")).user(), "shop-a");
        assert_eq!(
            Key::client_secret(&profile("shop-a")).user(),
            "shop-a/client-secret"
        );
    }

    #[test]
    fn store_verified_detects_a_lying_store() {
        let store = MemoryStore::default();
        let key = Key::access_token(&profile("p"));
        store_verified(&store, &key, &SecretString::from("tok")).unwrap();
        store.drop_next_write();
        let err = store_verified(&store, &key, &SecretString::from("new")).unwrap_err();
        assert_eq!(err, StoreError::ReadBackMismatch("keyring"));
        assert_eq!(store.get(&key).unwrap().unwrap().expose_secret(), "tok");
    }
}

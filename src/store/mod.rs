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

/// A failure of the secret store. Holds only descriptions, never secret bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No usable store: no Secret Service on the session bus, no D-Bus, keyring locked.
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

impl StoreError {
    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            StoreError::Unavailable(_) | StoreError::ReadBackMismatch(_) => {
                "bcsetup needs an unlocked Secret Service (gnome-keyring, KeePassXC) on the D-Bus session bus; \
                 unlock your keyring, or on a headless machine re-run with `--insecure-storage` to keep the \
                 secret in a 0600 file instead"
                    .into()
            }
            StoreError::Failed(_) | StoreError::BadEncoding => {
                "your previous credentials were left as they were; check the keyring and retry".into()
            }
            StoreError::File(_) => "check the permissions of the config directory".into(),
            StoreError::Busy(_) => "let that run finish (or end it), then retry; a lock never outlives its \
                                    process, so nothing needs cleaning up"
                .into(),
        }
    }
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

//! An in-process secret store for tests of the layers above storage. A normal type, not a
//! `cfg(test)` one, so in-process command tests can use it too. It can be told to fail.

use std::cell::RefCell;
use std::collections::HashMap;

use secrecy::{ExposeSecret, SecretString};

use super::{Key, SecretStore, StorageKind, StoreError};

/// Secrets in a map, with fault injection.
#[derive(Default)]
pub struct MemoryStore {
    secrets: RefCell<HashMap<String, SecretString>>,
    fail_next: RefCell<Option<StoreError>>,
    drop_next_write: RefCell<bool>,
}

impl MemoryStore {
    /// Make the next call of any kind fail with `err`.
    pub fn fail_next(&self, err: StoreError) {
        *self.fail_next.borrow_mut() = Some(err);
    }

    /// Make the next `set` report success without storing anything, as a locked keyring can.
    pub fn drop_next_write(&self) {
        *self.drop_next_write.borrow_mut() = true;
    }

    fn check(&self) -> Result<(), StoreError> {
        self.fail_next.borrow_mut().take().map_or(Ok(()), Err)
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &Key) -> Result<Option<SecretString>, StoreError> {
        self.check()?;
        Ok(self
            .secrets
            .borrow()
            .get(key.user())
            .map(|s| SecretString::from(s.expose_secret())))
    }

    fn set(&self, key: &Key, secret: &SecretString) -> Result<(), StoreError> {
        self.check()?;
        if std::mem::take(&mut *self.drop_next_write.borrow_mut()) {
            return Ok(());
        }
        self.secrets
            .borrow_mut()
            .insert(key.user().to_owned(), SecretString::from(secret.expose_secret()));
        Ok(())
    }

    fn delete(&self, key: &Key) -> Result<bool, StoreError> {
        self.check()?;
        Ok(self.secrets.borrow_mut().remove(key.user()).is_some())
    }

    fn kind(&self) -> StorageKind {
        StorageKind::Keyring
    }
}

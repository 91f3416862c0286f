//! An in-process secret store for tests of the layers above storage. A normal type, not a
//! `cfg(test)` one, so in-process command tests can use it too. It can be told to fail.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use secrecy::{ExposeSecret, SecretString};

use super::{Key, SecretStore, StoreError};
use crate::domain::StorageKind;

/// Secrets in a map, with fault injection.
#[derive(Default)]
pub struct MemoryStore {
    secrets: RefCell<HashMap<String, SecretString>>,
    fail_at: RefCell<Option<(usize, StoreError)>>,
    calls: Cell<usize>,
    drop_next_write: Cell<bool>,
    unready: RefCell<Option<StoreError>>,
}

impl MemoryStore {
    /// Make the next call of any kind fail with `err`.
    pub fn fail_next(&self, err: StoreError) {
        self.fail_at(0, err);
    }

    /// Make the call `n` calls from now (0 = the next one) fail with `err`.
    pub fn fail_at(&self, n: usize, err: StoreError) {
        *self.fail_at.borrow_mut() = Some((self.calls.get() + n, err));
    }

    /// Make `ready` fail with `err`, as a missing keyring does (not counted as a call).
    pub fn fail_ready(&self, err: StoreError) {
        *self.unready.borrow_mut() = Some(err);
    }

    /// Make the next `set` report success without storing anything, as a locked keyring can.
    pub fn drop_next_write(&self) {
        self.drop_next_write.set(true);
    }

    /// How many calls were made so far.
    pub fn calls(&self) -> usize {
        self.calls.get()
    }

    /// The keys present, sorted (for assertions).
    pub fn users(&self) -> Vec<String> {
        let mut users: Vec<String> = self.secrets.borrow().keys().cloned().collect();
        users.sort();
        users
    }

    fn check(&self) -> Result<(), StoreError> {
        let call = self.calls.get();
        self.calls.set(call + 1);
        let mut fail = self.fail_at.borrow_mut();
        match fail.take() {
            Some((at, err)) if at == call => Err(err),
            other => {
                *fail = other;
                Ok(())
            }
        }
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
        if self.drop_next_write.take() {
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

    fn ready(&self) -> Result<(), StoreError> {
        self.unready.borrow().clone().map_or(Ok(()), Err)
    }
}

//! The OS keyring through keyring-core and the platform store crate chosen at compile time:
//! Secret Service (zbus) on Linux and the BSDs, Keychain on macOS, Credential Manager on Windows.
//!
//! The platform store connects when it is constructed (a D-Bus round trip on Linux), so it is built
//! lazily on the first call: `status`, `--help` and runs that fail validation never touch the keyring.
//! Calls are synchronous and made outside the tokio runtime (see `commands::init`).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret, SecretString};

use super::{Key, SERVICE, SecretStore, StoreError};
use crate::domain::StorageKind;

/// Secrets in the OS keyring, service `bcsetup`.
#[derive(Default)]
pub struct KeyringStore {
    store: OnceLock<Result<Arc<CredentialStore>, StoreError>>,
}

impl KeyringStore {
    fn store(&self) -> Result<&Arc<CredentialStore>, StoreError> {
        self.store
            .get_or_init(platform_store)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn entry(&self, key: &Key) -> Result<Entry, StoreError> {
        let label = format!("bcsetup: BigCommerce credentials ({})", key.user());
        let modifiers = HashMap::from([("label", label.as_str())]);
        Entry::new_in_store_with_modifiers(self.store()?, SERVICE, key.user(), &modifiers).map_err(convert)
    }
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new().map_err(|e| {
        // Construction fails when there is no session bus or no Secret Service on it.
        StoreError::Unavailable(describe(&e))
    })?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()
        .map_err(|e| StoreError::Unavailable(describe(&e)))?;
    Ok(store)
}

#[cfg(windows)]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    let store: Arc<CredentialStore> =
        windows_native_keyring_store::Store::new().map_err(|e| StoreError::Unavailable(describe(&e)))?;
    Ok(store)
}

/// A description of a keyring error that cannot contain secret bytes. Never `{:?}` a keyring error:
/// `BadEncoding` and `BadDataFormat` carry the stored value.
fn describe(err: &keyring_core::Error) -> String {
    use keyring_core::Error as K;
    match err {
        K::PlatformFailure(e) | K::NoStorageAccess(e) => e.to_string(),
        K::NoEntry => "no matching entry".into(),
        K::BadEncoding(_) => "the stored value is not UTF-8".into(),
        K::BadDataFormat(..) => "the stored value is malformed".into(),
        K::BadStoreFormat(reason) => format!("the store is malformed: {reason}"),
        K::TooLong(name, limit) => format!("`{name}` is longer than the platform limit of {limit}"),
        K::Invalid(attr, reason) => format!("`{attr}` is invalid: {reason}"),
        K::Ambiguous(items) => format!("{} entries match; remove the duplicates", items.len()),
        K::NoDefaultStore => "no credential store is configured".into(),
        K::NotSupportedByStore(what) => format!("not supported by this store: {what}"),
        _ => "unknown keyring error".into(),
    }
}

#[allow(clippy::needless_pass_by_value)] // consumed so the payload is dropped here, at the boundary
fn convert(err: keyring_core::Error) -> StoreError {
    match &err {
        keyring_core::Error::NoStorageAccess(_) => StoreError::Unavailable(describe(&err)),
        keyring_core::Error::BadEncoding(_) => StoreError::BadEncoding,
        _ => StoreError::Failed(describe(&err)),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &Key) -> Result<Option<SecretString>, StoreError> {
        match self.entry(key)?.get_password() {
            Ok(secret) => Ok(Some(SecretString::from(secret))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(convert(e)),
        }
    }

    fn set(&self, key: &Key, secret: &SecretString) -> Result<(), StoreError> {
        self.entry(key)?
            .set_password(secret.expose_secret())
            .map_err(convert)
    }

    fn delete(&self, key: &Key) -> Result<bool, StoreError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(convert(e)),
        }
    }

    fn kind(&self) -> StorageKind {
        StorageKind::Keyring
    }
}

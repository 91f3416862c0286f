//! The OS keyring through keyring-core and the platform store crate chosen at compile time:
//! Secret Service (zbus) on Linux and the BSDs, Keychain on macOS, Credential Manager on Windows.
//!
//! The platform store connects when it is constructed (a D-Bus round trip on Linux), so it is built
//! lazily on the first call: `status`, `--help` and runs that fail validation never touch the keyring.
//! Calls are synchronous and made outside the tokio runtime (see `commands::init`).
//!
//! A keyring can stop answering: a stopped daemon, a D-Bus call nobody replies to, an unlock prompt
//! left open. Each call therefore runs on its own thread and is waited for at most `Bound::wait`
//! (`BCSETUP_KEYRING_TIMEOUT_MS`), with a notice after `NOTICE_AFTER`; a call that timed out makes the
//! later ones of the run fail at once rather than wait again. The abandoned thread ends with the
//! process.
//!
//! `ready` (the pre-check `init` makes before its first question) is bounded the same way. On Linux
//! and the BSDs it asks the Secret Service for its default collection and unlocks it (`service`), and
//! the errors of every call are classified into `Missing` there, so a user reads what is missing
//! rather than a D-Bus error name.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, mpsc};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};
use secrecy::{ExposeSecret, SecretString};

use super::{Key, SERVICE, SecretStore, StoreError};
use crate::domain::StorageKind;

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
mod service;

/// Keychain and Credential Manager are there whenever the user is logged in: building the store is the
/// whole check, and their errors are not classified.
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
mod service {
    use super::{StoreCell, StoreError, platform_store};
    use crate::store::Missing;

    pub(super) fn missing_in(_err: &keyring_core::Error) -> Option<Missing> {
        None
    }

    pub(super) fn ready(cell: &StoreCell) -> Result<(), StoreError> {
        cell.get_or_init(platform_store)
            .as_ref()
            .map(drop)
            .map_err(Clone::clone)
    }
}

/// The default bound on one keyring call: long enough to type a password into an unlock prompt.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// When a slow call is announced.
const NOTICE_AFTER: Duration = Duration::from_secs(2);

/// How long a keyring call may take, and how a slow one is announced.
pub struct Bound {
    /// The bound on each call.
    pub wait: Duration,
    /// Told once per slow call what bcsetup is waiting for.
    pub notice: Box<dyn Fn(&str)>,
}

impl Default for Bound {
    fn default() -> Self {
        Self {
            wait: DEFAULT_WAIT,
            notice: Box::new(|_| {}),
        }
    }
}

type StoreCell = Arc<OnceLock<Result<Arc<CredentialStore>, StoreError>>>;

/// Secrets in the OS keyring, service `bcsetup`.
#[derive(Default)]
pub struct KeyringStore {
    store: StoreCell,
    bound: Bound,
    hung: Cell<bool>,
}

impl KeyringStore {
    /// A keyring store whose calls are bounded by `bound`.
    pub fn new(bound: Bound) -> Self {
        Self {
            bound,
            ..Self::default()
        }
    }

    /// Run `op` on the entry of `key` on a thread of its own, waiting at most the bound.
    fn call<T: Send + 'static>(
        &self,
        key: &Key,
        op: impl FnOnce(Entry) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (cell, user) = (Arc::clone(&self.store), key.user().to_owned());
        self.bounded(move || entry(&cell, &user).and_then(op))
    }

    /// Run `op` on a thread of its own, waiting at most the bound.
    fn bounded<T: Send + 'static>(
        &self,
        op: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        if self.hung.get() {
            return Err(self.no_answer());
        }
        let (sender, answer) = mpsc::channel();
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = sender.send(op());
            })
            .map_err(|e| StoreError::Failed(format!("could not start a keyring call: {e}")))?;
        let first = NOTICE_AFTER.min(self.bound.wait);
        let result = match answer.recv_timeout(first) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                (self.bound.notice)(
                    "waiting for the OS keyring to answer (is an unlock prompt open, or the keyring daemon stopped?)…",
                );
                answer.recv_timeout(self.bound.wait.saturating_sub(first))
            }
            other => other,
        };
        result.unwrap_or_else(|e| match e {
            mpsc::RecvTimeoutError::Timeout => {
                self.hung.set(true);
                Err(self.no_answer())
            }
            mpsc::RecvTimeoutError::Disconnected => Err(StoreError::Failed("a keyring call failed".into())),
        })
    }

    fn no_answer(&self) -> StoreError {
        StoreError::Unavailable(format!(
            "the OS keyring did not answer within {} s (BCSETUP_KEYRING_TIMEOUT_MS)",
            self.bound.wait.as_secs_f32()
        ))
    }
}

fn entry(cell: &StoreCell, user: &str) -> Result<Entry, StoreError> {
    let store = cell.get_or_init(platform_store).as_ref().map_err(Clone::clone)?;
    let label = format!("bcsetup: BigCommerce credentials ({user})");
    let modifiers = HashMap::from([("label", label.as_str())]);
    Entry::new_in_store_with_modifiers(store, SERVICE, user, &modifiers).map_err(convert)
}

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
fn platform_store() -> Result<Arc<CredentialStore>, StoreError> {
    // Construction fails when there is no session bus or no Secret Service on it.
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new().map_err(|e| {
        service::missing_in(&e).map_or_else(|| StoreError::Unavailable(describe(&e)), StoreError::Keyring)
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
    if let Some(missing) = service::missing_in(&err) {
        return StoreError::Keyring(missing);
    }
    match &err {
        keyring_core::Error::NoStorageAccess(_) => StoreError::Unavailable(describe(&err)),
        keyring_core::Error::BadEncoding(_) => StoreError::BadEncoding,
        _ => StoreError::Failed(describe(&err)),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &Key) -> Result<Option<SecretString>, StoreError> {
        self.call(key, |entry| match entry.get_password() {
            Ok(secret) => Ok(Some(SecretString::from(secret))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(convert(e)),
        })
    }

    fn set(&self, key: &Key, secret: &SecretString) -> Result<(), StoreError> {
        let secret = secret.clone();
        self.call(key, move |entry| {
            entry.set_password(secret.expose_secret()).map_err(convert)
        })
    }

    fn delete(&self, key: &Key) -> Result<bool, StoreError> {
        self.call(key, |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(convert(e)),
        })
    }

    fn kind(&self) -> StorageKind {
        StorageKind::Keyring
    }

    fn ready(&self) -> Result<(), StoreError> {
        let cell = Arc::clone(&self.store);
        self.bounded(move || service::ready(&cell))
    }
}

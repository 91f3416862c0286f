//! `--insecure-storage`: secrets in `<config-dir>/secrets/<profile>.toml`, mode 0600, written
//! atomically. Only ever chosen by the explicit flag (fail closed); every use prints a warning.
//!
//! A secrets file or directory that another user owns, or can read or write, is refused: it could
//! be theirs (ssh's rule for private keys). Each write first deletes the temp files a killed write of
//! the same file left behind; callers write a profile's file only under its owner lock
//! (`transaction`), so no live write's temp file is touched.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::{Key, SecretStore, StoreError};
use crate::atomic::{check_private, remove_stale_temps, write_advice, write_atomic};
use crate::domain::StorageKind;

/// Secrets in per-profile 0600 TOML files.
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// A store under `<config-dir>/secrets`.
    pub fn new(config_dir: &Path) -> Self {
        Self {
            dir: config_dir.join("secrets"),
        }
    }

    /// The file and field a key lives in: `<profile>.toml`, field `access_token`, `client_secret`,
    /// `pending` or `pending-client-secret`.
    fn locate<'k>(&self, key: &'k Key) -> (PathBuf, &'k str) {
        match key.user().split_once('/') {
            Some((profile, "client-secret")) => (self.dir.join(format!("{profile}.toml")), "client_secret"),
            Some((profile, field)) => (self.dir.join(format!("{profile}.toml")), field),
            None => (self.dir.join(format!("{}.toml", key.user())), "access_token"),
        }
    }

    fn load(path: &Path) -> Result<BTreeMap<String, String>, StoreError> {
        if let Some(dir) = path.parent() {
            check_private(dir, true).map_err(StoreError::File)?;
        }
        // A FIFO or device in place of the file would block or never end: refuse before opening.
        if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(StoreError::File(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        check_private(path, true).map_err(StoreError::File)?;
        match fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|_| StoreError::File(format!("{} is not a valid secrets file", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(StoreError::File(format!(
                "could not read {}: {e}",
                path.display()
            ))),
        }
    }

    /// The directory a write would create the secrets file in, or the nearest existing one above it.
    fn nearest_dir(&self) -> Option<&Path> {
        self.dir.ancestors().find(|dir| dir.is_dir())
    }

    fn save(path: &Path, map: &BTreeMap<String, String>) -> Result<(), StoreError> {
        remove_stale_temps(path);
        if map.is_empty() {
            return match fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::File(format!(
                    "could not remove {}: {e}",
                    path.display()
                ))),
                _ => Ok(()),
            };
        }
        let text = toml::to_string(map).map_err(|e| StoreError::File(e.to_string()))?;
        write_atomic(path, text.as_bytes())
            .map_err(|e| StoreError::File(format!("could not write {}: {e}", path.display())))
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &Key) -> Result<Option<SecretString>, StoreError> {
        let (path, field) = self.locate(key);
        Ok(Self::load(&path)?.remove(field).map(SecretString::from))
    }

    fn set(&self, key: &Key, secret: &SecretString) -> Result<(), StoreError> {
        let (path, field) = self.locate(key);
        let mut map = Self::load(&path)?;
        map.insert(field.to_owned(), secret.expose_secret().to_owned());
        Self::save(&path, &map)
    }

    fn delete(&self, key: &Key) -> Result<bool, StoreError> {
        let (path, field) = self.locate(key);
        let mut map = Self::load(&path)?;
        let had = map.remove(field).is_some();
        Self::save(&path, &map)?;
        Ok(had)
    }

    fn kind(&self) -> StorageKind {
        StorageKind::File
    }

    /// The secrets directory is trusted (when it exists) and bcsetup can write in it, or in the
    /// directory it would be created in. The probe file has no name, so nothing is left behind.
    fn ready(&self) -> Result<(), StoreError> {
        if self.dir.exists() {
            check_private(&self.dir, true).map_err(StoreError::File)?;
        }
        let Some(dir) = self.nearest_dir() else {
            return Ok(());
        };
        tempfile::tempfile_in(dir).map(drop).map_err(|e| {
            StoreError::File(format!(
                "cannot write the secrets file: {}",
                write_advice(&e, dir)
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProfileName;

    #[test]
    fn round_trip_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let p = ProfileName::parse("shop").unwrap();
        let token = Key::access_token(&p);
        let secret = Key::client_secret(&p);
        assert!(store.get(&token).unwrap().is_none());
        store.set(&token, &SecretString::from("tok\"$")).unwrap();
        store.set(&secret, &SecretString::from("sec")).unwrap();
        assert_eq!(store.get(&token).unwrap().unwrap().expose_secret(), "tok\"$");
        assert_eq!(store.get(&secret).unwrap().unwrap().expose_secret(), "sec");
        assert!(store.delete(&token).unwrap());
        assert!(!store.delete(&token).unwrap());
        assert!(store.delete(&secret).unwrap());
        assert!(!dir.path().join("secrets/shop.toml").exists());
    }

    #[test]
    fn a_write_removes_what_killed_writes_left_and_remove_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let p = ProfileName::parse("shop").unwrap();
        store
            .set(&Key::access_token(&p), &SecretString::from("tok"))
            .unwrap();
        let stale = dir.path().join("secrets/.shop.toml.Ab12.bcsetup-tmp");
        let other = dir.path().join("secrets/.other.toml.Cd34.bcsetup-tmp");
        fs::write(&stale, "access_token = \"old\"").unwrap();
        fs::write(&other, "access_token = \"live\"").unwrap();
        assert!(store.delete(&Key::access_token(&p)).unwrap());
        assert!(!stale.exists(), "a killed write's copy of the token is gone");
        assert!(other.exists(), "another profile's file is not ours to clean");
    }

    #[cfg(unix)]
    #[test]
    fn ready_checks_the_directory_and_leaves_nothing_behind() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        store.ready().unwrap();
        assert!(
            !dir.path().join("secrets").exists(),
            "ready created the directory"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the probe file was left"
        );
        fs::create_dir(dir.path().join("secrets")).unwrap();
        fs::set_permissions(dir.path().join("secrets"), fs::Permissions::from_mode(0o755)).unwrap();
        let err = store.ready().unwrap_err();
        assert!(err.to_string().contains("chmod 700"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_secrets_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        let p = ProfileName::parse("shop").unwrap();
        store
            .set(&Key::access_token(&p), &SecretString::from("tok"))
            .unwrap();
        let file = dir.path().join("secrets/shop.toml");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        let err = store.get(&Key::access_token(&p)).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}

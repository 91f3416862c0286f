//! `<config-dir>/profiles.toml`: the non-secret metadata of every profile. Loaded without a lock
//! (writes are atomic renames, so a reader never sees a torn file); changed only inside
//! `ProfileFile::update`, which holds an exclusive lock on `profiles.lock` across read-modify-write,
//! so concurrent runs lose nothing. A file that cannot be parsed is reported, never overwritten.
//! This file never holds a secret.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::atomic::{ensure_private_dir, write_atomic};
use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::scopes::{Scope, ScopeSet};
use crate::bigcommerce::{Access, AccountName, Level, StoreHash, TokenType};
use crate::domain::{ProfileName, StorageKind};
use crate::error::{Error, InputErrors};

/// Largest profiles.toml bcsetup reads (thousands of profiles fit; anything bigger is not ours), and
/// so the largest it writes: a file over it would make every command on every profile fail.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The format version written to profiles.toml; a newer one is refused rather than mangled.
pub const FORMAT_VERSION: u32 = 1;

/// What bcsetup remembers about one profile. No secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The store's hash.
    pub store_hash: StoreHash,
    /// `https://api.bigcommerce.com/stores/<hash>/v3/`.
    pub api_path: String,
    /// The store's name, as last seen by verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_name: Option<String>,
    /// The API account's name in the control panel.
    pub account_name: AccountName,
    /// The API account's client ID (not secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Whether a client secret is kept beside the token.
    #[serde(default)]
    pub has_client_secret: bool,
    /// V2/V3 API token or Stencil-CLI token.
    pub token_type: TokenType,
    /// Read-only or Modify.
    pub access: Access,
    /// The scope keys the job needs.
    pub scopes_wanted: Vec<String>,
    /// What the last verification observed, per scope key.
    #[serde(default)]
    pub scopes_observed: BTreeMap<String, Observed>,
    /// Where the secrets live.
    pub storage: StorageKind,
    /// When the profile was first stored.
    pub created_at: Timestamp,
    /// When the credentials were last replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<Timestamp>,
    /// When the credentials were last proven live; `None` = stored with `--no-verify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<Timestamp>,
}

impl Profile {
    /// The scopes to verify: those saved, plus any the token type requires now. A profile saved before
    /// a scope joined its preset (Information & Settings for Stencil-CLI tokens) is checked for what its
    /// tools need today.
    pub fn wanted_scopes(&self) -> ScopeSet {
        ScopeSet::from_keys(self.scopes_wanted.iter().map(String::as_str)).with_required(self.token_type)
    }

    /// The scopes of `set` that the last verification did not prove at `level` (never observed, or
    /// observed below it): what a command about to rely on them should warn about, without a request.
    pub fn unproven(&self, set: &ScopeSet, level: Level) -> Vec<&'static Scope> {
        set.iter()
            .filter(|scope| {
                !self
                    .scopes_observed
                    .get(scope.key)
                    .is_some_and(|seen| seen.satisfies(level))
            })
            .collect()
    }
}

/// The whole profiles.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profiles {
    /// Format version.
    #[serde(default = "default_version")]
    pub version: u32,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<ProfileName, Profile>,
    /// Rotations that staged new credentials but have not been committed yet (see `transaction`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pending: BTreeMap<ProfileName, Profile>,
}

fn default_version() -> u32 {
    FORMAT_VERSION
}

impl Profiles {
    /// Look a profile up, or fail with exit 7.
    pub fn get(&self, name: &ProfileName) -> Result<&Profile, Error> {
        self.profiles
            .get(name)
            .ok_or_else(|| Error::ProfileNotFound(name.to_string()))
    }
}

/// profiles.toml and its lock file in one config directory.
pub struct ProfileFile {
    dir: PathBuf,
}

impl ProfileFile {
    /// The profiles file of a config directory.
    pub fn new(config_dir: &Path) -> Self {
        Self {
            dir: config_dir.to_owned(),
        }
    }

    /// The path of profiles.toml.
    pub fn path(&self) -> PathBuf {
        self.dir.join("profiles.toml")
    }

    /// Read the profiles; a missing file is an empty set.
    pub fn load(&self) -> Result<Profiles, Error> {
        let path = self.path();
        // Never open something that is not a plain file: a FIFO would block forever, a device
        // could be endless.
        match fs::metadata(&path) {
            Ok(meta) if !meta.is_file() => {
                return Err(config_error(
                    &path,
                    "the profiles file is not a regular file".into(),
                ));
            }
            Ok(meta) if meta.len() > MAX_FILE_BYTES => {
                return Err(config_error(
                    &path,
                    format!("the profiles file is larger than {MAX_FILE_BYTES} bytes"),
                ));
            }
            _ => {}
        }
        let text = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Profiles::default()),
            Err(e) => return Err(config_error(&path, format!("cannot read the profiles file: {e}"))),
        };
        let text = String::from_utf8(text)
            .map_err(|_| config_error(&path, "the profiles file is not UTF-8 text".into()))?;
        let profiles: Profiles = toml::from_str(&text).map_err(|e| {
            config_error(
                &path,
                format!("the profiles file is corrupt: {}", e.message().trim()),
            )
        })?;
        if profiles.version > FORMAT_VERSION {
            return Err(config_error(
                &path,
                format!(
                    "the profiles file has format version {}, newer than this bcsetup understands ({FORMAT_VERSION})",
                    profiles.version
                ),
            ));
        }
        Ok(profiles)
    }

    /// Read-modify-write under an exclusive lock. `change` sees the current profiles; if it fails,
    /// or the result is larger than `load` accepts, nothing is written.
    pub fn update<T>(&self, change: impl FnOnce(&mut Profiles) -> Result<T, Error>) -> Result<T, Error> {
        ensure_private_dir(&self.dir)
            .map_err(|e| config_error(&self.dir, format!("cannot create the config directory: {e}")))?;
        let lock_path = self.dir.join("profiles.lock");
        // Opening a FIFO for writing blocks until a reader appears: refuse anything but a plain file.
        if fs::symlink_metadata(&lock_path).is_ok_and(|m| !m.is_file()) {
            return Err(config_error(
                &lock_path,
                "the lock file is not a regular file".into(),
            ));
        }
        let mut options = fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let lock = options
            .open(&lock_path)
            .map_err(|e| config_error(&lock_path, format!("cannot open the lock file: {e}")))?;
        lock.lock_exclusive()
            .map_err(|e| config_error(&lock_path, format!("cannot lock the profiles file: {e}")))?;
        let mut profiles = self.load()?;
        let result = change(&mut profiles)?;
        profiles.version = FORMAT_VERSION;
        let text = toml::to_string_pretty(&profiles).map_err(|e| Error::Internal(e.into()))?;
        let body = format!("# bcsetup profiles: metadata only, no secrets. Managed by bcsetup.\n{text}");
        let path = self.path();
        if u64::try_from(body.len()).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
            return Err(config_error(
                &path,
                format!(
                    "the profiles file would grow to {} bytes, over the {MAX_FILE_BYTES} bcsetup reads; \
                     nothing was written",
                    body.len()
                ),
            ));
        }
        write_atomic(&path, body.as_bytes())
            .map_err(|e| config_error(&path, format!("cannot write the profiles file: {e}")))?;
        // The lock is released when `lock` is dropped, after the rename.
        drop(lock);
        Ok(result)
    }
}

fn config_error(path: &Path, message: String) -> Error {
    Error::Config {
        path: path.to_owned(),
        message,
    }
}

/// Parse a `--profile` value, as an input error naming the flag.
pub fn parse_profile_arg(raw: &str) -> Result<ProfileName, Error> {
    ProfileName::parse(raw).map_err(|e| InputErrors::one("--profile / BCSETUP_PROFILE", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Profile {
        Profile {
            store_hash: StoreHash::parse("abc123").unwrap(),
            api_path: "https://api.bigcommerce.com/stores/abc123/v3/".into(),
            store_name: Some("Shop".into()),
            account_name: AccountName::parse("Migration").unwrap(),
            client_id: Some("cid".into()),
            has_client_secret: false,
            token_type: TokenType::Api,
            access: Access::Modify,
            scopes_wanted: vec!["products".into()],
            scopes_observed: BTreeMap::from([("products".into(), Observed::Modify)]),
            storage: StorageKind::Keyring,
            created_at: Timestamp::UNIX_EPOCH,
            rotated_at: None,
            verified_at: Some(Timestamp::UNIX_EPOCH),
        }
    }

    #[test]
    fn unproven_lists_what_the_last_verification_did_not_prove() {
        let mut p = sample();
        p.scopes_observed.insert("sites".into(), Observed::None);
        p.scopes_observed.insert("themes".into(), Observed::ReadOnly);
        let set = ScopeSet::from_keys(["products", "sites", "themes", "information"]);
        let keys = |level| p.unproven(&set, level).iter().map(|s| s.key).collect::<Vec<_>>();
        assert_eq!(keys(Level::ReadOnly), ["information", "sites"]);
        assert_eq!(keys(Level::Modify), ["information", "themes", "sites"]);
    }

    #[test]
    fn profile_names() {
        for ok in ["default", "shop-a", "a.b_c", "X"] {
            assert!(ProfileName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a/b", "..", ".", "a b", "ü", &"x".repeat(65)] {
            assert!(ProfileName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn update_round_trips_and_load_refuses_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let file = ProfileFile::new(dir.path());
        assert!(file.load().unwrap().profiles.is_empty());
        let name = ProfileName::parse("default").unwrap();
        file.update(|p| {
            p.profiles.insert(name.clone(), sample());
            Ok(())
        })
        .unwrap();
        assert_eq!(file.load().unwrap().get(&name).unwrap(), &sample());

        fs::write(file.path(), "version = 1\n[profiles.default\n").unwrap();
        let err = file.load().unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("corrupt"), "{err}");
        // A failed update leaves the corrupt file exactly as it was.
        assert!(file.update(|_| Ok(())).is_err());
        assert_eq!(
            fs::read_to_string(file.path()).unwrap(),
            "version = 1\n[profiles.default\n"
        );

        fs::write(file.path(), "version = 99\n").unwrap();
        assert!(file.load().unwrap_err().to_string().contains("newer"));
    }

    #[test]
    fn a_file_too_large_to_read_back_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = ProfileFile::new(dir.path());
        let name = ProfileName::parse("default").unwrap();
        file.update(|p| {
            p.profiles.insert(name.clone(), sample());
            Ok(())
        })
        .unwrap();
        let before = fs::read(file.path()).unwrap();
        // DEL is written as `\u007F`: 800 000 of them take six times their count.
        let huge = "\u{7f}".repeat(800_000);
        let err = file
            .update(|p| {
                let other = ProfileName::parse("other").unwrap();
                let mut big = sample();
                big.store_name = Some(huge.clone());
                p.profiles.insert(other, big);
                Ok(())
            })
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("nothing was written"), "{err}");
        assert_eq!(fs::read(file.path()).unwrap(), before, "the file is untouched");
        assert_eq!(file.load().unwrap().get(&name).unwrap(), &sample());
        // Just under the limit is written, and read back.
        file.update(|p| {
            p.profiles.get_mut(&name).unwrap().store_name = Some("x".repeat(4 * 1024 * 1024 - 2_000));
            Ok(())
        })
        .unwrap();
        assert!(file.load().is_ok());
    }

    #[test]
    fn failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = ProfileFile::new(dir.path());
        let r: Result<(), _> = file.update(|_| Err(Error::Interrupted));
        assert!(r.is_err());
        assert!(!file.path().exists());
    }
}

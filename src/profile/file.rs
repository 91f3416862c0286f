//! profiles.toml on disk, and the lock files beside it. Loading takes no lock (writes are atomic
//! renames, so a reader never sees a torn file); `update` holds `profiles.lock` across
//! read-modify-write, so concurrent runs lose nothing. A file that cannot be parsed is reported,
//! never overwritten, and bcsetup never writes a file its own loader would refuse.
//!
//! Every path is checked before it is trusted (`atomic::check_private`): a config directory that
//! another user can write is refused with the `chmod` that fixes it. Every lock wait is bounded
//! (`Waits`), and a wait longer than a moment is announced with what bcsetup is waiting for.

use std::fs;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use super::{FORMAT_VERSION, Profiles};
use crate::atomic::{check_private, ensure_private_dir, remove_stale_temps, write_advice, write_atomic};
use crate::domain::ProfileName;
use crate::error::Error;
use crate::lock::{self, FileLock, LockError, Mode, unwritable};
use crate::store::StoreError;

/// Largest profiles.toml bcsetup reads, and so the largest it writes (thousands of profiles fit;
/// anything bigger is not ours).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The default bound on a lock wait (`BCSETUP_LOCK_TIMEOUT_MS`): longer than any save takes, short
/// enough that a script stuck behind a forgotten wizard learns why.
pub(crate) const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(30);

/// How long a lock is waited for, and how the wait is announced.
#[derive(Clone)]
pub(crate) struct Waits {
    /// The bound on each lock wait.
    pub lock: Duration,
    /// Told, once per wait, what bcsetup is waiting for.
    pub notice: Rc<dyn Fn(&str)>,
}

impl Default for Waits {
    fn default() -> Self {
        Self {
            lock: DEFAULT_LOCK_WAIT,
            notice: Rc::new(|_| {}),
        }
    }
}

/// The two locks of a profile (`transaction` says who holds which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProfileLock {
    /// Held by the one run that may change the profile, for the whole run.
    Owner,
    /// Held exclusively while the profile's secrets and metadata change, shared while they are read.
    Commit,
}

/// profiles.toml and its lock files in one config directory.
pub struct ProfileFile {
    dir: PathBuf,
    waits: Waits,
}

impl ProfileFile {
    /// The profiles file of a config directory.
    pub fn new(config_dir: &Path) -> Self {
        Self::with_waits(config_dir, Waits::default())
    }

    /// The same, with these lock waits.
    pub(crate) fn with_waits(config_dir: &Path, waits: Waits) -> Self {
        Self {
            dir: config_dir.to_owned(),
            waits,
        }
    }

    /// The path of profiles.toml.
    pub fn path(&self) -> PathBuf {
        self.dir.join("profiles.toml")
    }

    /// Read the profiles; a missing file is an empty set.
    pub fn load(&self) -> Result<Profiles, Error> {
        let path = self.path();
        trust(&self.dir, false)?;
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
            _ => trust(&path, false)?,
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

    /// Read-modify-write under the exclusive lock on `profiles.lock`. `change` sees the current
    /// profiles; if it fails, or the result is larger than `load` accepts, nothing is written.
    pub fn update<T>(&self, change: impl FnOnce(&mut Profiles) -> Result<T, Error>) -> Result<T, Error> {
        self.private_dir(&self.dir)?;
        let _lock = self.lock(
            &self.dir.join("profiles.lock"),
            Mode::Exclusive,
            "writing profiles.toml",
        )?;
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
        // Under the lock no other write is in flight: a temp file left here is a killed run's.
        remove_stale_temps(&path);
        write_atomic(&path, body.as_bytes()).map_err(|e| Error::Config {
            path: path.clone(),
            message: format!("cannot write the profiles file: {e}"),
            hint: Some(write_advice(&e, &self.dir)),
        })?;
        Ok(result)
    }

    /// Take one of `name`'s locks (`<config-dir>/locks/<name>.lock` or `.commit`), waiting at most
    /// the configured bound. A shared lock in a config directory nobody can write (a read-only mount)
    /// is not needed: no writer can change what is read.
    pub(crate) fn lock_profile(
        &self,
        name: &ProfileName,
        which: ProfileLock,
        mode: Mode,
    ) -> Result<FileLock, Error> {
        let dir = self.dir.join("locks");
        let (file, doing) = match which {
            ProfileLock::Owner => (format!("{name}.lock"), format!("changing profile `{name}`")),
            ProfileLock::Commit => (format!("{name}.commit"), format!("saving profile `{name}`")),
        };
        self.refuse_non_dir()?;
        trust(&dir, false)?;
        let taken = ensure_private_dir(&dir)
            .map_err(LockError::Io)
            .and_then(|()| self.acquire(&dir.join(&file), mode, &doing));
        match taken {
            Ok(lock) => Ok(lock),
            Err(LockError::Io(e)) if mode == Mode::Shared && unwritable(&e) => Ok(FileLock::unneeded()),
            Err(e) => Err(self.lock_error(e, &dir.join(file), &doing)),
        }
    }

    /// The owner lock of `name` if no other process holds it (no wait); `None` when another does, or
    /// when the config cannot be written, so that there can be no owner.
    pub(crate) fn try_owner_lock(&self, name: &ProfileName) -> Result<Option<FileLock>, Error> {
        let dir = self.dir.join("locks");
        self.refuse_non_dir()?;
        trust(&dir, false)?;
        let taken = ensure_private_dir(&dir).map_err(LockError::Io).and_then(|()| {
            let path = dir.join(format!("{name}.lock"));
            lock::acquire(&path, Mode::Exclusive, Duration::ZERO, &mut |_| {})
        });
        match taken {
            Ok(lock) => Ok(Some(lock)),
            Err(LockError::Busy { .. }) => Ok(None),
            Err(LockError::Io(e)) if unwritable(&e) => Ok(None),
            Err(e) => Err(self.lock_error(e, &dir, "")),
        }
    }

    /// Whether a live run owns `name` (holds its owner lock), checked without waiting and without
    /// creating or changing any file (`status --check` must change nothing).
    pub(crate) fn owner_alive(&self, name: &ProfileName) -> bool {
        lock::held(&self.dir.join("locks").join(format!("{name}.lock")))
    }

    fn refuse_non_dir(&self) -> Result<(), Error> {
        if fs::metadata(&self.dir).is_ok_and(|m| !m.is_dir()) {
            return Err(config_error(
                &self.dir,
                "the config directory is not a directory, so profiles.toml cannot be kept in it".into(),
            ));
        }
        Ok(())
    }

    fn private_dir(&self, dir: &Path) -> Result<(), Error> {
        self.refuse_non_dir()?;
        ensure_private_dir(dir).map_err(|e| Error::Config {
            path: dir.to_owned(),
            message: format!("cannot create the directory: {e}"),
            hint: Some(write_advice(&e, &self.dir)),
        })?;
        trust(dir, false)
    }

    fn lock(&self, path: &Path, mode: Mode, doing: &str) -> Result<FileLock, Error> {
        self.acquire(path, mode, doing)
            .map_err(|e| self.lock_error(e, path, doing))
    }

    fn acquire(&self, path: &Path, mode: Mode, doing: &str) -> Result<FileLock, LockError> {
        let notice = &self.waits.notice;
        let mut waiting = |holder: Option<u32>| {
            notice(&format!(
                "waiting for another bcsetup{}, which is {doing} (at most {} s)…",
                pid_text(holder),
                self.waits.lock.as_secs_f32()
            ));
        };
        lock::acquire(path, mode, self.waits.lock, &mut waiting)
    }

    fn lock_error(&self, err: LockError, path: &Path, doing: &str) -> Error {
        match err {
            LockError::Busy { holder } => Error::Storage(StoreError::Busy(format!(
                "another bcsetup{} is {doing}, and it still was after {} s",
                pid_text(holder),
                self.waits.lock.as_secs_f32()
            ))),
            LockError::Io(e) => Error::Config {
                path: path.to_owned(),
                message: format!("cannot take the lock: {e}"),
                hint: Some(write_advice(&e, &self.dir)),
            },
        }
    }
}

fn pid_text(holder: Option<u32>) -> String {
    holder.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
}

/// Refuse a path that another user owns or can write.
fn trust(path: &Path, secret: bool) -> Result<(), Error> {
    check_private(path, secret).map_err(|message| Error::Config {
        path: path.to_owned(),
        message,
        hint: Some("bcsetup refuses a configuration another user could have changed; fix it as shown".into()),
    })
}

fn config_error(path: &Path, message: String) -> Error {
    Error::Config {
        path: path.to_owned(),
        message,
        hint: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::tests::sample;
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
    fn failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = ProfileFile::new(dir.path());
        let r: Result<(), _> = file.update(|_| Err(Error::Interrupted));
        assert!(r.is_err());
        assert!(!file.path().exists());
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
}

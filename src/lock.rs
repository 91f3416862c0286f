//! Advisory file locks (`flock` on Unix, `LockFileEx` on Windows, through fs4). The OS releases a
//! lock when its holder dies, even by SIGKILL, so a lock is never stale: work left behind by a
//! process whose lock is free was abandoned, and work under a held lock is alive. An exclusive
//! holder writes its pid into the file, so a process that has to wait can say for whom.
//!
//! Waits are bounded: a lock still held after `wait` is `LockError::Busy`, never a hang. Lock files
//! are never deleted, since deleting one that another process has open would let two holders in.

use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use fs4::fs_std::FileExt;

/// How long a wait goes on before the caller is told about it (`waiting` is called once).
pub(crate) const NOTICE_AFTER: Duration = Duration::from_millis(500);

/// Exclusive (one holder, writes) or shared (many holders, reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// One holder; its pid is recorded.
    Exclusive,
    /// Any number of holders, none exclusive.
    Shared,
}

/// A held lock, released when dropped (closing the file releases it).
#[derive(Debug)]
pub(crate) struct FileLock {
    _file: Option<File>,
}

impl FileLock {
    /// No lock at all, for a reader of a config directory nobody can write (a read-only mount): no
    /// writer can change what it reads.
    pub(crate) fn unneeded() -> Self {
        Self { _file: None }
    }
}

/// Whether an error means the lock's directory cannot be written at all.
pub(crate) fn unwritable(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied
    )
}

/// Why a lock was not taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Still held by another process when the wait ended; `holder` is the pid it recorded, if known.
    Busy {
        /// The pid of the exclusive holder.
        holder: Option<u32>,
    },
    /// The lock file could not be opened or locked.
    Io(io::Error),
}

/// Take the lock on `path` (created 0600 if missing), waiting at most `wait`. `waiting` is called once,
/// with the holder's pid, when the wait has lasted `NOTICE_AFTER`.
pub(crate) fn acquire(
    path: &Path,
    mode: Mode,
    wait: Duration,
    waiting: &mut dyn FnMut(Option<u32>),
) -> Result<FileLock, LockError> {
    // Opening a FIFO blocks until a writer appears, and a symlink could point anywhere.
    if fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(LockError::Io(io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        ))));
    }
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).read(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(LockError::Io)?;
    let started = Instant::now();
    let mut told = false;
    let mut pause = Duration::from_millis(10);
    loop {
        let taken = match mode {
            Mode::Exclusive => FileExt::try_lock_exclusive(&file),
            Mode::Shared => FileExt::try_lock_shared(&file),
        }
        .map_err(LockError::Io)?;
        if taken {
            if mode == Mode::Exclusive {
                // Best effort: the pid only improves a waiting process's message.
                let _ = record_pid(&mut file);
            }
            return Ok(FileLock { _file: Some(file) });
        }
        let waited = started.elapsed();
        if waited >= wait {
            return Err(LockError::Busy { holder: holder(path) });
        }
        if !told && waited >= NOTICE_AFTER {
            told = true;
            waiting(holder(path));
        }
        std::thread::sleep(pause.min(wait.saturating_sub(waited)));
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Whether a live process holds `path` exclusively, checked without waiting, creating or writing
/// anything: a shared lock taken and dropped at once. A missing or unreadable file has no holder.
pub(crate) fn held(path: &Path) -> bool {
    if fs::symlink_metadata(path).map_or(true, |m| !m.is_file()) {
        return false;
    }
    let Ok(file) = File::open(path) else {
        return false;
    };
    // Dropping `file` releases the shared lock, if it was taken.
    matches!(FileExt::try_lock_shared(&file), Ok(false))
}

fn record_pid(file: &mut File) -> io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())
}

/// The pid the exclusive holder recorded. On Windows a locked file cannot be read: `None`.
fn holder(path: &Path) -> Option<u32> {
    let mut text = String::new();
    File::open(path).ok()?.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(_: Option<u32>) {
        panic!("no wait expected");
    }

    #[test]
    fn held_sees_an_exclusive_holder_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.lock");
        assert!(!held(&path));
        assert!(!path.exists(), "held() created the file");
        let lock = acquire(&path, Mode::Exclusive, Duration::ZERO, &mut never).unwrap();
        let before = fs::read(&path).unwrap();
        assert!(held(&path));
        assert_eq!(fs::read(&path).unwrap(), before);
        drop(lock);
        assert!(!held(&path));
        // Checking took nothing: an exclusive lock is free at once.
        assert!(acquire(&path, Mode::Exclusive, Duration::ZERO, &mut never).is_ok());
    }

    #[test]
    fn exclusive_excludes_and_records_the_pid_and_is_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.lock");
        let held = acquire(&path, Mode::Exclusive, Duration::ZERO, &mut never).unwrap();
        let mut told = Vec::new();
        let err = acquire(&path, Mode::Shared, Duration::from_millis(700), &mut |pid| {
            told.push(pid);
        });
        assert!(
            matches!(err, Err(LockError::Busy { holder: Some(pid) }) if pid == std::process::id()),
            "{err:?}"
        );
        assert_eq!(told, [Some(std::process::id())], "told once, with the holder");
        drop(held);
        acquire(&path, Mode::Exclusive, Duration::ZERO, &mut never).unwrap();
    }

    #[test]
    fn shared_holders_coexist_and_keep_a_writer_out() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.lock");
        let a = acquire(&path, Mode::Shared, Duration::ZERO, &mut never).unwrap();
        let b = acquire(&path, Mode::Shared, Duration::ZERO, &mut never).unwrap();
        let err = acquire(&path, Mode::Exclusive, Duration::ZERO, &mut never);
        assert!(matches!(err, Err(LockError::Busy { .. })), "{err:?}");
        drop((a, b));
        acquire(&path, Mode::Exclusive, Duration::ZERO, &mut never).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn refuses_what_is_not_a_regular_file_and_creates_it_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let err = acquire(dir.path(), Mode::Exclusive, Duration::ZERO, &mut never);
        assert!(matches!(err, Err(LockError::Io(_))), "{err:?}");
        let path = dir.path().join("new.lock");
        let _held = acquire(&path, Mode::Shared, Duration::ZERO, &mut never).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

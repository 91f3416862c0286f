//! Crash-safe file writes: a private temp file in the same directory, fsync, rename over the target,
//! fsync the directory. A reader sees the old file or the new one, never a torn one. Files are 0600
//! and directories bcsetup creates are 0700 (Unix).

use std::fs;
use std::io::Write;
use std::path::Path;

/// Create `dir` (and parents) if needed; a directory bcsetup creates gets mode 0700.
pub(crate) fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

const TEMP_SUFFIX: &str = ".bcsetup-tmp";

fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    format!(".{name}.")
}

/// Delete the temp files that killed writes of `path` left beside it (a SIGKILL between the write and
/// the rename), and those of bcsetup versions that named them `.bcsetup-*.tmp`. They can hold a
/// secret. Call it only while no other write of `path` can be in flight (under its lock).
pub(crate) fn remove_stale_temps(path: &Path) {
    let (Some(dir), prefix) = (path.parent(), temp_prefix(path)) else {
        return;
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(&prefix) && name.ends_with(TEMP_SUFFIX);
        let legacy = name.starts_with(".bcsetup-") && name.ends_with(".tmp");
        if ours || legacy {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Replace `path` with `contents` atomically, leaving a 0600 file.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, contents, None)
}

/// `write_atomic`, but the new file gets `mode` (set before the rename, so the file never has
/// another) instead of 0600: a file bcsetup edits for another program keeps the permissions it had.
pub(crate) fn write_atomic_with(
    path: &Path,
    contents: &[u8],
    mode: Option<fs::Permissions>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("the path has no parent directory"))?;
    ensure_private_dir(dir)?;
    // tempfile creates the file 0600 on Unix, so the contents are never readable by others. The name
    // says which file it will replace, so `remove_stale_temps` can tell a killed write's leftovers.
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    if let Some(mode) = mode {
        tmp.as_file().set_permissions(mode)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Whether `path` (if it exists) can be trusted, by ssh's `StrictModes` rule: it belongs to this user
/// (or root), and no other user can write it, nor read it when it holds `secret`s. A config directory
/// that others can write lets them swap profiles.toml (for `storage = "file"` and a secrets file of
/// their own, say), and `exec` would hand their token and store to the migration. The error says what
/// is wrong and the command that fixes it.
#[cfg(unix)]
pub(crate) fn check_private(path: &Path, secret: bool) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    // Missing: nothing to trust yet. Followed: a symlink inside a private directory was made by its owner.
    let Ok(meta) = fs::metadata(path) else {
        return Ok(());
    };
    let me = nix::unistd::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(format!(
            "{} belongs to another user (uid {}), not to you (uid {me}); bcsetup does not trust it. \
             Fix: `chown {me} {}`, or move it away",
            path.display(),
            meta.uid(),
            path.display()
        ));
    }
    let mode = meta.mode() & 0o777;
    let (forbidden, fixed) = match (meta.is_dir(), secret) {
        (true, true) => (0o077, "700"),
        (true, false) => (0o022, "700"),
        (false, true) => (0o077, "600"),
        (false, false) => (0o022, "600"),
    };
    if mode & forbidden != 0 {
        let what = if mode & 0o022 != 0 { "writable" } else { "readable" };
        return Err(format!(
            "{} is {what} by other users (mode {mode:o}); bcsetup does not trust it. Fix: `chmod {fixed} {}`",
            path.display(),
            path.display()
        ));
    }
    Ok(())
}

/// Windows: the ACLs of the user's profile directory already keep others out.
#[cfg(not(unix))]
pub(crate) fn check_private(_path: &Path, _secret: bool) -> Result<(), String> {
    Ok(())
}

/// What to do about a failed write, in words: a full disk, a read-only file system and a permission
/// problem each have their own fix (`ErrorKind` covers them on every platform).
pub(crate) fn write_advice(err: &std::io::Error, dir: &Path) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::StorageFull | K::QuotaExceeded => format!(
            "the disk holding {} is full (or over quota): free some space, then retry",
            dir.display()
        ),
        K::ReadOnlyFilesystem => format!(
            "{} is on a read-only file system: remount it read-write, or point --config-dir \
             (BCSETUP_CONFIG_DIR) at a writable directory",
            dir.display()
        ),
        K::PermissionDenied => format!(
            "you may not write in {}: check its owner and mode (`ls -ld {}`), or point --config-dir \
             (BCSETUP_CONFIG_DIR) elsewhere",
            dir.display(),
            dir.display()
        ),
        _ => format!("check the disk and the directory {}, then retry", dir.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/profiles.toml");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            let sub = fs::metadata(dir.path().join("sub")).unwrap();
            assert_eq!(sub.permissions().mode() & 0o777, 0o700);
        }
        // No temp files left behind.
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn stale_temps_of_one_file_go_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            ".a.toml.x1Y2.bcsetup-tmp",
            ".bcsetup-old.tmp",
            ".b.toml.z9.bcsetup-tmp",
            "a.toml",
        ];
        for name in names {
            fs::write(dir.path().join(name), "secret").unwrap();
        }
        remove_stale_temps(&dir.path().join("a.toml"));
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".b.toml.z9.bcsetup-tmp", "a.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn shared_or_foreign_paths_are_not_trusted() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("profiles.toml");
        assert!(check_private(&file, false).is_ok(), "a missing file is fine");
        fs::write(&file, "x").unwrap();
        let chmod = |path: &Path, mode| fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
        for (mode, secret, ok) in [
            (0o600, true, true),
            (0o644, false, true),
            (0o644, true, false),
            (0o620, false, false),
            (0o602, false, false),
        ] {
            chmod(&file, mode);
            let got = check_private(&file, secret);
            assert_eq!(got.is_ok(), ok, "{mode:o} secret={secret}: {got:?}");
            if let Err(e) = got {
                assert!(e.contains("chmod 600") && e.contains(&format!("{mode:o}")), "{e}");
            }
        }
        chmod(dir.path(), 0o775);
        let err = check_private(dir.path(), false).unwrap_err();
        assert!(
            err.contains("writable by other users") && err.contains("chmod 700"),
            "{err}"
        );
        chmod(dir.path(), 0o755);
        assert!(check_private(dir.path(), false).is_ok());
        assert!(
            check_private(dir.path(), true).is_err(),
            "a secrets dir others can list"
        );
        chmod(dir.path(), 0o700);
        if nix::unistd::geteuid().is_root() {
            std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
            let err = check_private(&file, false).unwrap_err();
            assert!(
                err.contains("another user (uid 65534)") && err.contains("chown"),
                "{err}"
            );
        }
    }

    #[test]
    fn write_advice_names_the_disk_problem() {
        use std::io::{Error, ErrorKind};
        let dir = Path::new("/cfg");
        let advice = |kind| write_advice(&Error::from(kind), dir);
        assert!(advice(ErrorKind::StorageFull).contains("disk holding /cfg is full"));
        assert!(advice(ErrorKind::ReadOnlyFilesystem).contains("read-only file system"));
        assert!(advice(ErrorKind::PermissionDenied).contains("ls -ld /cfg"));
    }
}

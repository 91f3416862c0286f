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

/// Replace `path` with `contents` atomically, leaving a 0600 file.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("the path has no parent directory"))?;
    ensure_private_dir(dir)?;
    // tempfile creates the file 0600 on Unix, so the contents are never readable by others.
    let mut tmp = tempfile::Builder::new()
        .prefix(".bcsetup-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    Ok(())
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
}

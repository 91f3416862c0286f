//! Fuzz the profiles.toml loader through the real code path: the bytes are written to
//! `<tmp>/profiles.toml` and read back with `ProfileFile::load`, so its UTF-8 check, TOML parsing,
//! validated newtypes and format-version check all run.
//!
//! Invariants: `load` never panics; every refusal is a config error (exit code 2) naming the file;
//! a loaded file has a version bcsetup understands; and serialising the loaded value with
//! `toml::to_string` (and `to_string_pretty`, which `ProfileFile::update` writes) and loading that
//! gives an equal value.
//!
//! Writing a file per input costs ~20% against calling `toml::from_str` directly (about 8,100 against
//! 10,100 exec/s on tmpfs), which buys running the real `load` instead of a copy of it. On ext4 it
//! costs 25x (about 380 exec/s: rewriting a truncated file forces a flush, `auto_da_alloc`), so the
//! directory goes in `/dev/shm` when `$TMPDIR` is not set. The process keeps that one directory for
//! its whole run; it is left behind when libFuzzer exits.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use bcsetup::error::Error;
use bcsetup::profile::{FORMAT_VERSION, ProfileFile, Profiles};
use libfuzzer_sys::fuzz_target;
use tempfile::TempDir;

static DIR: LazyLock<TempDir> = LazyLock::new(|| {
    let shm = Path::new("/dev/shm");
    let parent = if std::env::temp_dir() == Path::new("/tmp") && shm.is_dir() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    };
    tempfile::Builder::new()
        .prefix("bcsetup-fuzz-profiles-")
        .tempdir_in(parent)
        .expect("create a temporary directory")
});

fuzz_target!(|data: &[u8]| {
    let dir = DIR.path();
    let profiles = match load(dir, data) {
        Ok(profiles) => profiles,
        Err(err) => {
            assert_eq!(err.exit_code(), 2, "unexpected refusal: {err:?}");
            assert!(
                matches!(&err, Error::Config { path, .. } if path.ends_with("profiles.toml")),
                "refusal does not name the file: {err:?}"
            );
            return;
        }
    };
    assert!(
        profiles.version <= FORMAT_VERSION,
        "loaded version {}",
        profiles.version
    );
    for (how, text) in [
        ("to_string", toml::to_string(&profiles)),
        ("to_string_pretty", toml::to_string_pretty(&profiles)),
    ] {
        let text = text.unwrap_or_else(|e| panic!("{how} fails on a loaded file: {e}"));
        let again = load(dir, text.as_bytes())
            .unwrap_or_else(|e| panic!("{how} output does not load: {e}\n---\n{text}"));
        assert_eq!(again, profiles, "{how} round trip changed the value\n---\n{text}");
    }
});

fn load(dir: &Path, bytes: &[u8]) -> Result<Profiles, Error> {
    std::fs::write(dir.join("profiles.toml"), bytes).expect("write profiles.toml");
    ProfileFile::new(dir).load()
}

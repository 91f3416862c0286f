//! Find the credentials file the control panel just downloaded: the newest `*.txt` in the Downloads
//! folder that parses as one. Only a suggestion; the user confirms it.

use std::path::{Path, PathBuf};

use crate::bigcommerce::credentials_file;
use crate::context::Env;

/// The Downloads folder: `XDG_DOWNLOAD_DIR`, else `$HOME/Downloads` (`%USERPROFILE%` on Windows).
pub(crate) fn downloads_dir(env: &Env) -> Option<PathBuf> {
    if let Some(dir) = env.get("XDG_DOWNLOAD_DIR") {
        return Some(PathBuf::from(dir));
    }
    Some(home_dir(env)?.join("Downloads"))
}

/// The home directory, what `~` means in a typed path: `$HOME` (`%USERPROFILE%` on Windows).
pub(crate) fn home_dir(env: &Env) -> Option<PathBuf> {
    let home = env.get("HOME").or_else(|| env.get("USERPROFILE"))?;
    Some(PathBuf::from(home))
}

/// The newest `.txt` file in `dir` (at most 200 looked at) that parses as a credentials file.
pub(crate) fn newest_credentials_file(dir: &Path) -> Option<PathBuf> {
    let mut candidates: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .take(200)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("txt"))
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
    candidates
        .into_iter()
        .map(|(_, p)| p)
        .find(|p| credentials_file::read_path(p).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_newest_parsable_txt() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("api-credentials.txt");
        std::fs::write(&good, "ACCESS TOKEN: abc\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("notes.txt"), "shopping list\n").unwrap();
        std::fs::write(dir.path().join("other.pdf"), "ACCESS TOKEN: abc\n").unwrap();
        assert_eq!(newest_credentials_file(dir.path()), Some(good));
        assert_eq!(newest_credentials_file(&dir.path().join("missing")), None);
    }

    #[test]
    fn downloads_dir_prefers_xdg() {
        let env = Env::from_pairs([("HOME", "/home/a"), ("XDG_DOWNLOAD_DIR", "/dl")]);
        assert_eq!(downloads_dir(&env), Some(PathBuf::from("/dl")));
        let env = Env::from_pairs([("HOME", "/home/a")]);
        assert_eq!(downloads_dir(&env), Some(PathBuf::from("/home/a/Downloads")));
    }
}

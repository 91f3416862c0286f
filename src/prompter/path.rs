//! Typed file paths. `~` and `~/…` mean the home directory, as in a shell (bcsetup runs no shell to
//! expand them), and Tab completes a path through dialoguer's `completion` feature.
//!
//! dialoguer redraws a completion by moving the cursor left over the input, which is only right when
//! the prompt and the completed text fit on one line; a completion that would not fit is not offered,
//! so the line is never garbled. A name with a character a terminal could act on (`text::is_unsafe`)
//! or that is not UTF-8 is never offered either: dialoguer writes the completion as it is.

use std::path::{Path, PathBuf};

use crate::text;

/// How many directory entries one Tab looks at, so a huge directory cannot stall the prompt.
const MAX_ENTRIES: usize = 5000;

/// `raw`, trimmed, with a leading `~` or `~/` (`~\` on Windows) replaced by `home`. `~user` and a path
/// without a home to expand to are left as typed.
pub(crate) fn expand_home(raw: &str, home: Option<&Path>) -> PathBuf {
    let raw = raw.trim();
    let Some(home) = home else {
        return PathBuf::from(raw);
    };
    if raw == "~" {
        return home.to_owned();
    }
    let rest = raw.strip_prefix("~/").or_else(|| {
        raw.strip_prefix('~')
            .filter(|_| cfg!(windows))
            .and_then(|r| r.strip_prefix('\\'))
    });
    rest.map_or_else(|| PathBuf::from(raw), |rest| home.join(rest))
}

/// Tab completion for a path prompt: what [`complete`] gives, when it fits in `room` columns.
pub(super) struct PathCompletion<'a> {
    /// What `~` means.
    pub(super) home: Option<&'a Path>,
    /// The columns left after the prompt.
    pub(super) room: usize,
}

impl dialoguer::Completion for PathCompletion<'_> {
    fn get(&self, input: &str) -> Option<String> {
        complete(input, self.home).filter(|done| console::measure_text_width(done) < self.room)
    }
}

/// `input` extended as far as the names in its directory agree, with a `/` after a lone directory;
/// `None` when there is nothing to add. The text typed (a `~` included) is kept as typed.
pub(super) fn complete(input: &str, home: Option<&Path>) -> Option<String> {
    if input.trim() == "~" && home.is_some() {
        return Some("~/".into());
    }
    let (dir_part, prefix) = input.rfind('/').map_or(("", input), |i| input.split_at(i + 1));
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(dir_part, home)
    };
    let matches: Vec<(String, bool)> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .take(MAX_ENTRIES)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let offered = name.starts_with(prefix)
                && (prefix.starts_with('.') || !name.starts_with('.'))
                && !name.chars().any(text::is_unsafe);
            offered.then(|| (name, entry.path().is_dir()))
        })
        .collect();
    let mut common = matches.first()?.0.clone();
    for (name, _) in matches.iter().skip(1) {
        let same = common
            .char_indices()
            .zip(name.chars())
            .find(|((_, a), b)| a != b)
            .map_or(common.len().min(name.len()), |((i, _), _)| i);
        common.truncate(same);
    }
    if let [(_, true)] = matches.as_slice() {
        common.push('/');
    }
    (common.len() > prefix.len()).then(|| format!("{dir_part}{common}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_tilde_is_the_home_directory() {
        let home = Path::new("/home/a");
        assert_eq!(expand_home(" ~ ", Some(home)), PathBuf::from("/home/a"));
        assert_eq!(
            expand_home("~/Downloads/x.txt", Some(home)),
            PathBuf::from("/home/a/Downloads/x.txt")
        );
        assert_eq!(expand_home("~bob/x.txt", Some(home)), PathBuf::from("~bob/x.txt"));
        assert_eq!(expand_home("/tmp/~/x", Some(home)), PathBuf::from("/tmp/~/x"));
        assert_eq!(expand_home("~/x", None), PathBuf::from("~/x"));
    }

    #[test]
    fn completion_extends_as_far_as_the_names_agree() {
        let home = tempfile::tempdir().unwrap();
        let downloads = home.path().join("Downloads");
        std::fs::create_dir(&downloads).unwrap();
        std::fs::write(downloads.join("api-credentials-1.txt"), "").unwrap();
        std::fs::write(downloads.join("api-credentials-2.txt"), "").unwrap();
        std::fs::write(downloads.join(".hidden-api"), "").unwrap();
        std::fs::write(downloads.join("api-\u{1b}[2J.txt"), "").unwrap();
        let home = Some(home.path());
        assert_eq!(complete("~", home).as_deref(), Some("~/"));
        assert_eq!(complete("~/Dow", home).as_deref(), Some("~/Downloads/"));
        // Two files agree up to the digit; the name with an escape is never offered.
        assert_eq!(
            complete("~/Downloads/a", home).as_deref(),
            Some("~/Downloads/api-credentials-")
        );
        assert_eq!(complete("~/Downloads/api-credentials-", home), None);
        assert_eq!(
            complete("~/Downloads/api-credentials-2", home).as_deref(),
            Some("~/Downloads/api-credentials-2.txt")
        );
        assert_eq!(
            complete("~/Downloads/.h", home).as_deref(),
            Some("~/Downloads/.hidden-api")
        );
        assert_eq!(complete("~/Downloads/zzz", home), None);
        assert_eq!(complete("~/nowhere/a", home), None);
    }

    #[test]
    fn a_completion_that_would_not_fit_on_the_line_is_not_offered() {
        use dialoguer::Completion as _;
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join("Downloads")).unwrap();
        let fits = PathCompletion {
            home: Some(home.path()),
            room: 13,
        };
        assert_eq!(fits.get("~/Dow").as_deref(), Some("~/Downloads/"));
        let tight = PathCompletion {
            home: Some(home.path()),
            room: 12,
        };
        assert_eq!(tight.get("~/Dow"), None);
    }
}

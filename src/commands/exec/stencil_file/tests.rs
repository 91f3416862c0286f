//! Unit tests of `--stencil`'s file: created and removed, lent and put back, and what is refused.

use secrecy::SecretString;

use super::*;

fn token() -> AccessToken {
    AccessToken::parse(&SecretString::from(r#"to"k\en"#.to_owned())).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_missing_file_is_created_private_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRETS_FILE);
    let file = StencilFile::create(dir.path(), &token()).unwrap();
    // What stencil-cli's `JSON.stringify(…, null, 2)` would write, plus a line break.
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\n  \"accessToken\": \"to\\\"k\\\\en\"\n}\n"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    drop(file);
    assert!(!path.exists());
    let missing = StencilFile::create(&dir.path().join("nope"), &token())
        .err()
        .unwrap();
    assert_eq!(missing.exit_code(), 2);
    assert!(
        missing.to_string().contains("not an existing directory"),
        "{missing}"
    );
}

#[test]
fn a_file_of_other_fields_gets_the_token_and_its_bytes_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRETS_FILE);
    let original = "{\n  \"githubToken\": \"gh\\u0041\",\n  \"n\": [1, 2]\n}";
    fs::write(&path, original).unwrap();
    #[cfg(unix)]
    chmod(&path, 0o644);
    let mut file = StencilFile::create(dir.path(), &token()).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\n  \"githubToken\": \"gh\\u0041\",\n  \"n\": [1, 2],\n  \"accessToken\": \"to\\\"k\\\\en\"\n}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600, "private while it holds the token");
    // A second run beside the first finds a token and refuses.
    let again = StencilFile::create(dir.path(), &token()).err().unwrap();
    assert_eq!(again.exit_code(), 2);
    assert!(again.to_string().contains("init --from-stencil"), "{again}");
    assert_eq!(file.clean_up(), None, "put back without a warning");
    assert_eq!(fs::read_to_string(&path).unwrap(), original);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o644);
    // An early return (a failed spawn, a signal before CMD) puts it back too, on drop.
    let file = StencilFile::create(dir.path(), &token()).unwrap();
    assert_ne!(fs::read_to_string(&path).unwrap(), original);
    drop(file);
    assert_eq!(fs::read_to_string(&path).unwrap(), original);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o644);
}

#[test]
fn a_file_changed_during_the_run_loses_the_token_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRETS_FILE);
    fs::write(&path, "{\"githubToken\": \"gh\"}").unwrap();
    let mut file = StencilFile::create(dir.path(), &token()).unwrap();
    // As stencil-cli's `save` writes it: the token beside another field, in its own order.
    let changed = "{\n  \"accessToken\": \"to\\\"k\\\\en\",\n  \"githubToken\": \"gh2\"\n}";
    fs::write(&path, changed).unwrap();
    let warning = file.clean_up().unwrap();
    assert!(warning.contains("took the access token out"), "{warning}");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\n  \"githubToken\": \"gh2\"\n}"
    );
    // Once cleaned up, the guard does nothing more.
    assert!(file.clean_up().is_none());
    drop(file);
    assert!(path.exists());

    // Gone, or without a token: nothing to take out, and the original is not put back blindly.
    for (after, said) in [
        (None, "was removed"),
        (Some("{\"x\": 1}"), "holds no access token"),
    ] {
        fs::write(&path, "{}").unwrap();
        let mut file = StencilFile::create(dir.path(), &token()).unwrap();
        match after {
            Some(text) => fs::write(&path, text).unwrap(),
            None => fs::remove_file(&path).unwrap(),
        }
        let warning = file.clean_up().unwrap();
        assert!(warning.contains(said), "{warning}");
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), after);
    }
}

#[test]
fn a_token_a_malformed_file_and_a_dot_stencil_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRETS_FILE);
    for (text, said) in [
        ("{\"accessToken\": \"theirs\"}", "already holds an accessToken"),
        ("[\"githubToken\"]", "is not a JSON object"),
        ("{\"githubToken\": ", "is not valid JSON"),
    ] {
        fs::write(&path, text).unwrap();
        let err = StencilFile::create(dir.path(), &token()).err().unwrap();
        assert_eq!(err.exit_code(), 2, "{err}");
        assert!(err.to_string().contains(said), "{err}");
        assert!(!err.to_string().contains("theirs"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }
    fs::remove_file(&path).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("elsewhere.json"), &path).unwrap();
        let err = StencilFile::create(dir.path(), &token()).err().unwrap();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        fs::remove_file(&path).unwrap();
    }
    for (text, said) in [
        ("{\"accessToken\": \"old\"}", "init --from-stencil"),
        ("{\"githubToken\": \"g\"}", "holds no token"),
        ("not json", "holds no token"),
    ] {
        fs::write(dir.path().join(OLD_FILE), text).unwrap();
        let err = StencilFile::create(dir.path(), &token()).err().unwrap();
        assert_eq!(err.exit_code(), 2, "{err}");
        assert!(err.to_string().contains("reads it first"), "{err}");
        assert!(err.to_string().contains(said), "{err}");
        assert!(!path.exists(), "nothing written");
    }
}

#[test]
fn the_secrets_file_the_config_names_is_the_one_lent() {
    let dir = tempfile::tempdir().unwrap();
    let config = "{\"secretsFileName\": \"mine.json\"}";
    fs::write(dir.path().join("config.stencil.json"), config).unwrap();
    // Named but missing: stencil-cli falls back to the usual name, and so does exec.
    let file = StencilFile::create(dir.path(), &token()).unwrap();
    assert!(dir.path().join(SECRETS_FILE).exists());
    drop(file);
    let named = dir.path().join("mine.json");
    fs::write(&named, "{\"githubToken\": \"g\"}").unwrap();
    let mut file = StencilFile::create(dir.path(), &token()).unwrap();
    assert!(fs::read_to_string(&named).unwrap().contains("accessToken"));
    assert!(!dir.path().join(SECRETS_FILE).exists());
    assert_eq!(file.clean_up(), None);
    assert_eq!(fs::read_to_string(&named).unwrap(), "{\"githubToken\": \"g\"}");
    fs::write(&named, "{\"accessToken\": \"x\"}").unwrap();
    let err = StencilFile::create(dir.path(), &token()).err().unwrap();
    assert!(err.to_string().contains("mine.json already holds"), "{err}");
}

#[test]
fn a_created_file_the_command_added_fields_to_keeps_them_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRETS_FILE);
    // As `stencil release` saves a new githubToken beside the token it read.
    let mut file = StencilFile::create(dir.path(), &token()).unwrap();
    let saved = "{\n  \"accessToken\": \"to\\\"k\\\\en\",\n  \"githubToken\": \"gh\"\n}";
    fs::write(&path, saved).unwrap();
    let warning = file.clean_up().unwrap();
    assert!(warning.contains("instead of removing it"), "{warning}");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\n  \"githubToken\": \"gh\"\n}"
    );
    // The token alone again, or a write cut short: removed quietly, as a created file is.
    fs::remove_file(&path).unwrap();
    for after in ["{\"accessToken\": \"x\"}", "{\"accessToken\": \"to"] {
        let mut file = StencilFile::create(dir.path(), &token()).unwrap();
        fs::write(&path, after).unwrap();
        assert_eq!(file.clean_up(), None, "{after}");
        assert!(!path.exists(), "{after}");
    }
}

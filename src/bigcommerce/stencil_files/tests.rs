use std::path::Path;

use secrecy::ExposeSecret;

use super::*;

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

#[test]
fn the_newer_pair_gives_the_token_and_the_store_url() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        CONFIG_FILE,
        "{\n  \"normalStoreUrl\": \"https://shop.example.com\",\n  \"port\": 3000\n}",
    );
    write(
        dir.path(),
        SECRETS_FILE,
        "{\n  \"accessToken\": \"tok123\",\n  \"githubToken\": \"gh\"\n}",
    );
    let files = read(dir.path()).unwrap();
    assert_eq!(files.token.expose_secret(), "tok123");
    assert_eq!(files.store_url.as_deref(), Some("https://shop.example.com"));
    assert_eq!(files.token_file, dir.path().join(SECRETS_FILE));
    assert!(!files.newer_ignored);
    assert!(!format!("{files:?}").contains("tok123"));
}

#[test]
fn the_old_file_wins_as_in_stencil_cli() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), SECRETS_FILE, "{\"accessToken\": \"newer\"}");
    write(
        dir.path(),
        OLD_FILE,
        "{\"normalStoreUrl\": \"https://store-abc123.mybigcommerce.com\", \"accessToken\": \"older\"}",
    );
    let files = read(dir.path()).unwrap();
    assert_eq!(files.token.expose_secret(), "older");
    assert_eq!(files.token_file, dir.path().join(OLD_FILE));
    assert!(files.newer_ignored);
}

#[test]
fn a_secrets_file_named_in_the_config_is_read_and_a_path_there_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), CONFIG_FILE, "{\"secretsFileName\": \"mine.json\"}");
    write(dir.path(), "mine.json", "{\"accessToken\": \"named\"}");
    assert_eq!(read(dir.path()).unwrap().token.expose_secret(), "named");
    write(dir.path(), CONFIG_FILE, "{\"secretsFileName\": \"../x.json\"}");
    assert!(matches!(
        read(dir.path()),
        Err(StencilFileError::Malformed { .. })
    ));
}

#[test]
fn bad_files_are_refused_by_name_without_their_values() {
    let cases = [
        ("[\"SENTINEL\"]", "is not a JSON object"),
        ("{\"accessToken\": SENTINEL", "is not valid JSON"),
        ("{\"accessToken\": 12345678}", "not a string"),
        (
            "{\"accessToken\": \"SENTINEL\", \"accessToken\": \"SENTINEL2\"}",
            "twice",
        ),
        ("{\"accessToken\": \"  \"}", "no accessToken"),
        ("{\"githubToken\": \"SENTINEL\"}", "no accessToken"),
    ];
    for (text, said) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), SECRETS_FILE, text);
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(err.contains(said) && err.contains(SECRETS_FILE), "{text}: {err}");
        assert!(!err.contains("SENTINEL"), "{err}");
    }
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        read(empty.path()),
        Err(StencilFileError::NoFiles { .. })
    ));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_or_a_directory_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "elsewhere.json", "{\"accessToken\": \"tok\"}");
    std::os::unix::fs::symlink(dir.path().join("elsewhere.json"), dir.path().join(SECRETS_FILE)).unwrap();
    assert!(matches!(read(dir.path()), Err(StencilFileError::NotAFile { .. })));
    let other = tempfile::tempdir().unwrap();
    fs::create_dir(other.path().join(SECRETS_FILE)).unwrap();
    assert!(matches!(
        read(other.path()),
        Err(StencilFileError::NotAFile { .. })
    ));
}

#[cfg(unix)]
#[test]
fn removal_keeps_the_rest_and_the_mode_or_deletes_an_emptied_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRETS_FILE);
    write(
        dir.path(),
        SECRETS_FILE,
        "{\n  \"accessToken\": \"tok\",\n  \"githubToken\": \"gh\"\n}",
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let files = read(dir.path()).unwrap();
    assert_eq!(files.remove_token().unwrap(), Removal::Rewritten);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\n  \"githubToken\": \"gh\"\n}"
    );
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    // Read again, the file no longer matches what this `files` read: left alone.
    assert_eq!(files.remove_token().unwrap(), Removal::Changed);

    write(dir.path(), SECRETS_FILE, "{\n  \"accessToken\": \"tok\"\n}");
    let files = read(dir.path()).unwrap();
    assert_eq!(files.remove_token().unwrap(), Removal::Deleted);
    assert!(!path.exists());
    assert_eq!(files.remove_token().unwrap(), Removal::Changed);
}

#[test]
fn the_old_file_is_migrated_as_stencil_cli_would_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let old = "{\n  \"normalStoreUrl\": \"https://x.example\",\n  \"accessToken\": \"tok\",\n  \"githubToken\": \"gh\",\n  \"port\": 3000\n}";
    write(dir.path(), OLD_FILE, old);
    let files = read(dir.path()).unwrap();
    assert!(files.migrates() && files.leaves_a_secrets_file());
    assert_eq!(files.remove_token().unwrap(), Removal::Migrated);
    assert!(!dir.path().join(OLD_FILE).exists());
    let config = fs::read_to_string(dir.path().join(CONFIG_FILE)).unwrap();
    assert_eq!(
        config,
        "{\n  \"normalStoreUrl\": \"https://x.example\",\n  \"port\": 3000\n}"
    );
    let secrets = fs::read_to_string(dir.path().join(SECRETS_FILE)).unwrap();
    assert_eq!(secrets, "{\n  \"githubToken\": \"gh\"\n}");

    // Without a githubToken no secrets file is written, so `exec --stencil` can create its own.
    let bare = tempfile::tempdir().unwrap();
    write(bare.path(), OLD_FILE, "{\"accessToken\": \"tok\", \"port\": 1}");
    let files = read(bare.path()).unwrap();
    assert!(!files.leaves_a_secrets_file());
    assert_eq!(files.remove_token().unwrap(), Removal::Migrated);
    assert_eq!(
        fs::read_to_string(bare.path().join(CONFIG_FILE)).unwrap(),
        "{\"port\": 1}"
    );
    assert!(!bare.path().join(SECRETS_FILE).exists());
}

#[test]
fn a_file_changed_since_it_was_read_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SECRETS_FILE);
    write(
        dir.path(),
        SECRETS_FILE,
        "{\"accessToken\": \"read\", \"githubToken\": \"g\"}",
    );
    let files = read(dir.path()).unwrap();
    // `stencil init` run again meanwhile: another token, which no profile keeps.
    let now = "{\"accessToken\": \"newer\", \"githubToken\": \"g\"}";
    write(dir.path(), SECRETS_FILE, now);
    assert_eq!(files.remove_token().unwrap(), Removal::Changed);
    assert_eq!(fs::read_to_string(&path).unwrap(), now);
}

//! `exec --stencil` beside a `secrets.stencil.json` that holds other fields (the `githubToken` that
//! `init --from-stencil` keeps): the token added only while the command runs, the exact bytes and
//! mode put back afterwards (also after SIGTERM and SIGINT to bcsetup), a file the command rewrote
//! (or a field it saved into a file bcsetup created) left without the token; a file with a token and
//! a `.stencil` refused before anything runs.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::keyring_env;
use crate::support::{Level, Outcome, STORE, TestEnv, TokenSpec};
use crate::token_env_exec::{exec, signal_during_stencil_then};

/// A "local development only" Stencil-CLI token, verified against the fake (so exec does not warn).
fn local_dev() -> TokenSpec {
    TokenSpec::new(STORE)
        .with("themes", Level::ReadOnly)
        .with("sites", Level::ReadOnly)
        .with("information", Level::ReadOnly)
        .with("channel_settings", Level::ReadOnly)
}

/// An env whose profile holds a verified Stencil-CLI `token`, in `--insecure-storage`.
fn stencil_profile(token: &str) -> (TestEnv, String) {
    let mut env = TestEnv::new();
    let token = env.token(token, local_dev());
    let out = env.init(
        &token,
        &[
            "--token-type",
            "stencil",
            "--access",
            "read-only",
            "--insecure-storage",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    (env, token)
}

/// `JSON.stringify(value, null, 2)`, as stencil-cli's `save` writes its files.
fn stencil_json(pairs: &[(&str, &str)]) -> String {
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("  \"{k}\": \"{v}\"")).collect();
    format!("{{\n{}\n}}", body.join(",\n"))
}

/// `theme/secrets.stencil.json` under the env's root, holding `text` with `mode`.
fn secrets_file(env: &TestEnv, text: &str, mode: u32) -> PathBuf {
    let dir = env.root.path().join("theme");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("secrets.stencil.json");
    fs::write(&path, text).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// What the command saw: the file (printed by the child, so on stdout) and its `ls -l` mode.
fn seen(out: &Outcome) -> (serde_json::Value, String) {
    let (file, ls) = out
        .stdout
        .split_once("\n---\n")
        .unwrap_or_else(|| panic!("{}", out.stdout));
    (serde_json::from_str(file).unwrap(), ls.to_owned())
}

const SHOW: &str = "cat theme/secrets.stencil.json; printf '\\n---\\n'; ls -l theme/secrets.stencil.json";

#[test]
fn a_github_token_file_gets_the_token_while_the_command_runs_and_its_bytes_back() {
    let (mut env, token) = stencil_profile("SENTINELexecLend0001");
    let github = env.secret("SENTINELgithubLend01");
    let original = stencil_json(&[("githubToken", &github)]);
    let path = secrets_file(&env, &original, 0o640);
    let out = exec(&env, &["--stencil", "theme", "--", "sh", "-c", SHOW]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (json, ls) = seen(&out);
    assert_eq!(
        json,
        serde_json::json!({ "githubToken": github, "accessToken": token })
    );
    assert!(
        ls.starts_with("-rw------- "),
        "private while it holds the token: {ls}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), original, "bytes put back");
    assert_eq!(mode(&path), 0o640, "mode put back");
    assert_eq!(out.stderr, "", "a calm run says nothing");
    // No temp file of the atomic writes is left in the theme folder.
    assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn a_file_the_command_rewrote_loses_the_token_and_keeps_the_rest() {
    let (mut env, _token) = stencil_profile("SENTINELexecLend0002");
    let github = env.secret("SENTINELgithubLend02");
    let path = secrets_file(&env, &stencil_json(&[("githubToken", &github)]), 0o644);
    // As stencil-cli's `save` would: the whole object again, the token first, and a field changed.
    let script = r#"printf '{\n  "accessToken": "%s",\n  "githubToken": "%s",\n  "apiHost": "x"\n}' "$BIGCOMMERCE_ACCESS_TOKEN" "$NEW_GITHUB" > theme/secrets.stencil.json"#;
    let new_github = env.secret("SENTINELgithubNew002");
    env.set_env("NEW_GITHUB", &new_github);
    let out = exec(&env, &["--stencil", "theme", "--", "sh", "-c", script]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!("{{\n  \"githubToken\": \"{new_github}\",\n  \"apiHost\": \"x\"\n}}"),
        "the command's fields kept, byte for byte, without the token"
    );
    assert_eq!(mode(&path), 0o644, "the original permissions");
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    crate::assert_screen!(&env, "exec_stencil_changed_during_the_run", &out.stderr);
}

#[test]
fn a_new_field_saved_into_a_created_file_stays_without_the_token() {
    let (mut env, _token) = stencil_profile("SENTINELexecLend0006");
    fs::create_dir_all(env.root.path().join("theme")).unwrap();
    let path = env.root.path().join("theme/secrets.stencil.json");
    // What `stencil release` does when it saves a new githubToken beside the token it read.
    let github = env.secret("SENTINELgithubLend06");
    env.set_env("NEW_GITHUB", &github);
    let script = r#"printf '{\n  "accessToken": "%s",\n  "githubToken": "%s"\n}' "$BIGCOMMERCE_ACCESS_TOKEN" "$NEW_GITHUB" > theme/secrets.stencil.json"#;
    let out = exec(&env, &["--stencil", "theme", "--", "sh", "-c", script]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        stencil_json(&[("githubToken", &github)])
    );
    assert_eq!(mode(&path), 0o600, "the mode the file had");
    assert!(
        out.stderr.contains("kept the rest, instead of removing it"),
        "{}",
        out.stderr
    );
}

#[test]
fn sigterm_and_sigint_to_bcsetup_still_put_the_file_back() {
    let (mut env, _token) = stencil_profile("SENTINELexecLend0003");
    let github = env.secret("SENTINELgithubLend03");
    let original = stencil_json(&[("githubToken", &github)]);
    let path = secrets_file(&env, &original, 0o644);
    // Passed on to the command, which dies of it: 128 + N; the file is back before bcsetup exits.
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let kept = signal_during_stencil_then(&env, signal, Some(original.as_bytes()));
        assert_eq!(kept, code, "SIG{signal}");
        assert_eq!(mode(&path), 0o644, "SIG{signal}");
    }
}

#[test]
fn a_file_with_a_token_is_refused_untouched_with_the_import_hint() {
    let (mut env, _token) = stencil_profile("SENTINELexecLend0004");
    let other = env.secret("SENTINELotherToken04");
    let github = env.secret("SENTINELgithubLend04");
    let text = stencil_json(&[("accessToken", &other), ("githubToken", &github)]);
    let path = secrets_file(&env, &text, 0o644);
    let out = exec(&env, &["--stencil", "theme", "--", "touch", "ran"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    crate::assert_screen!(&env, "exec_stencil_refuses_a_file_with_a_token", &out.stderr);
    assert!(!env.root.path().join("ran").exists(), "the command ran");
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    assert_eq!(mode(&path), 0o644);

    // Not a JSON object, or not a regular file: exit 2, and left as it is.
    for bad in ["[\"githubToken\"]", "{\"githubToken\": "] {
        fs::write(&path, bad).unwrap();
        let out = exec(&env, &["--stencil", "theme", "--", "touch", "ran"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("fix it or move it away"), "{}", out.stderr);
        assert_eq!(fs::read_to_string(&path).unwrap(), bad);
    }
    let target = env.root.path().join("elsewhere.json");
    fs::write(&target, "{}").unwrap();
    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let out = exec(&env, &["--stencil", "theme", "--", "touch", "ran"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(&target).unwrap(), "{}");
    assert!(fs::symlink_metadata(&path).unwrap().file_type().is_symlink());
    assert!(!env.root.path().join("ran").exists(), "the command ran");
}

#[test]
fn a_dot_stencil_is_refused_before_anything_is_written_or_run() {
    let (mut env, _token) = stencil_profile("SENTINELexecLend0005");
    let old = env.secret("SENTINELoldStencil05");
    let dir = env.root.path().join("theme");
    fs::create_dir_all(&dir).unwrap();
    let text = stencil_json(&[("normalStoreUrl", "https://example.com"), ("accessToken", &old)]);
    fs::write(dir.join(".stencil"), &text).unwrap();
    let out = exec(&env, &["--stencil", "theme", "--", "touch", "ran"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    crate::assert_screen!(&env, "exec_stencil_refuses_a_dot_stencil", &out.stderr);
    assert!(!env.root.path().join("ran").exists(), "the command ran");
    assert!(!dir.join("secrets.stencil.json").exists(), "a file was written");
    assert_eq!(fs::read_to_string(dir.join(".stencil")).unwrap(), text);
    // One without a token cannot be imported: the advice is to move it.
    fs::write(
        dir.join(".stencil"),
        "{\"normalStoreUrl\": \"https://example.com\"}",
    )
    .unwrap();
    let out = exec(&env, &["--stencil", "theme", "--", "touch", "ran"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("It holds no token, so move it away"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("secrets.stencil.json").exists());
}

/// `init --from-stencil` then `exec --stencil`, through the real Secret Service: the two commands fit.
fn import_then_exec(env: &TestEnv, dir: &Path, token: &str, github: &str, extra: &[&str]) {
    let theme = dir.to_str().unwrap();
    let mut args = vec!["init", "--from-stencil", theme, "--name", "Theme dev"];
    args.extend(["--access", "read-only", "--remove-stencil-token"]);
    args.extend_from_slice(extra);
    let out = env.run(&args, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("only while stencil-cli runs, then puts the file back"),
        "{}",
        out.stderr
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token));
    assert!(
        !dir.join(".stencil").exists(),
        "a .stencil would make exec refuse"
    );
    let kept = fs::read(dir.join("secrets.stencil.json")).unwrap();
    let show = SHOW.replace("theme/", "");
    let args = ["exec", "--stencil", theme, "--", "sh", "-c", show.as_str()];
    let mut cmd = env.cmd(&args);
    cmd.current_dir(dir);
    let out = env.run_data(&mut cmd, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        seen(&out).0,
        serde_json::json!({ "githubToken": github, "accessToken": token })
    );
    assert_eq!(fs::read(dir.join("secrets.stencil.json")).unwrap(), kept);
    assert_eq!(
        String::from_utf8(kept).unwrap(),
        stencil_json(&[("githubToken", github)])
    );
}

#[test]
fn after_init_from_stencil_exec_lends_the_kept_file_and_puts_it_back() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELexecImport01", local_dev());
    let github = env.secret("SENTINELgithubImpo01");
    let dir = env.root.path().join("theme");
    fs::create_dir_all(&dir).unwrap();
    let secrets = stencil_json(&[("accessToken", &token), ("githubToken", &github)]);
    fs::write(dir.join("secrets.stencil.json"), secrets).unwrap();
    import_then_exec(&env, &dir, &token, &github, &["--store-hash", STORE]);

    // The older `.stencil`: the import replaces it by the newer files, so exec finds none.
    let mut env = keyring_env!();
    let token = env.token("SENTINELexecImport02", local_dev());
    let github = env.secret("SENTINELgithubImpo02");
    let dir = env.root.path().join("theme");
    fs::create_dir_all(&dir).unwrap();
    let url = format!("https://store-{STORE}.mybigcommerce.com");
    let old = stencil_json(&[
        ("normalStoreUrl", &url),
        ("accessToken", &token),
        ("githubToken", &github),
    ]);
    fs::write(dir.join(".stencil"), old).unwrap();
    import_then_exec(&env, &dir, &token, &github, &[]);
    assert!(dir.join("config.stencil.json").exists());
}

//! `init --from-stencil DIR`: the theme-folder layouts stencil-cli's `lib/StencilConfigManager.spec.js`
//! describes (the newer `config.stencil.json` + `secrets.stencil.json` pair, with and without a
//! `githubToken`, and the older single `.stencil`), written here in our own words; the store hash
//! from a flag, from a `store-{hash}` URL and from the storefront's `/admin/oauth/info` (the fake);
//! the token taken out of the file only after the real Secret Service read it back.

use std::fs;
use std::path::{Path, PathBuf};

use crate::keyring_env;
use crate::support::pty::{ENTER, Pty};
use crate::support::{Level, Outcome, STORE, TestEnv, TokenSpec};

/// What a "local development only" Stencil-CLI token holds.
fn local_dev() -> TokenSpec {
    TokenSpec::new(STORE)
        .with("themes", Level::ReadOnly)
        .with("sites", Level::ReadOnly)
        .with("information", Level::ReadOnly)
        .with("channel_settings", Level::ReadOnly)
}

/// `JSON.stringify(value, null, 2)`, as stencil-cli's `save` writes its files.
fn stencil_json(pairs: &[(&str, &str)]) -> String {
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("  \"{k}\": {v}")).collect();
    format!("{{\n{}\n}}", body.join(",\n"))
}

/// The general settings of `stencil init`, with `url` as `normalStoreUrl`.
fn config(url: &str) -> String {
    stencil_json(&[
        (
            "customLayouts",
            "{\n    \"brand\": {},\n    \"category\": {},\n    \"page\": {},\n    \"product\": {}\n  }",
        ),
        ("normalStoreUrl", &format!("\"{url}\"")),
        ("port", "3000"),
    ])
}

/// A theme folder holding `files`.
fn theme(env: &TestEnv, files: &[(&str, &str)]) -> PathBuf {
    let dir = env.root.path().join("theme");
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn import(env: &TestEnv, dir: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec!["init", "--from-stencil", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.run(&args, "")
}

const NAMED: [&str; 4] = ["--name", "Theme dev", "--access", "read-only"];

fn with(extra: &[&'static str]) -> Vec<&'static str> {
    NAMED.iter().chain(extra).copied().collect()
}

#[test]
fn the_newer_pair_is_imported_and_the_token_alone_leaves_the_secrets_file() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilPair01", local_dev());
    let github = env.secret("SENTINELgithubToken01");
    let url = format!("https://store-{STORE}.mybigcommerce.com");
    let general = config(&url);
    let dir = theme(
        &env,
        &[
            ("config.stencil.json", &general),
            (
                "secrets.stencil.json",
                &stencil_json(&[
                    ("accessToken", &format!("\"{token}\"")),
                    ("githubToken", &format!("\"{github}\"")),
                ]),
            ),
        ],
    );
    let out = import(&env, &dir, &with(&["--remove-stencil-token", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["token_type"], "stencil");
    assert_eq!(json["stencil"]["token_removed"], true);
    assert_eq!(json["stencil"]["file_deleted"], false);
    assert_eq!(
        json["stencil"]["store_hash_from"],
        format!("normalStoreUrl {url}")
    );
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        stencil_json(&[("githubToken", &format!("\"{github}\""))]),
        "githubToken kept, byte for byte as stencil-cli writes it"
    );
    assert_eq!(
        fs::read_to_string(dir.join("config.stencil.json")).unwrap(),
        general
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    assert!(env.profiles_toml().contains("token_type = \"stencil\""));
}

#[test]
fn a_secrets_file_that_held_only_the_token_is_deleted() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilAlone1", local_dev());
    let dir = theme(
        &env,
        &[(
            "secrets.stencil.json",
            &stencil_json(&[("accessToken", &format!("\"{token}\""))]),
        )],
    );
    let out = import(
        &env,
        &dir,
        &with(&["--store-hash", STORE, "--remove-stencil-token", "--json"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["stencil"]["file_deleted"], true);
    assert!(!dir.join("secrets.stencil.json").exists());
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

/// The older `.stencil`: one object with everything, as stencil-cli's spec has it.
fn old_stencil(url: &str, token: Option<&str>, github: Option<&str>) -> String {
    let (token, github) = (
        token.map(|t| format!("\"{t}\"")),
        github.map(|g| format!("\"{g}\"")),
    );
    let url = format!("\"{url}\"");
    let layouts = "{\n    \"brand\": {\n      \"a\": \"aaaa\"\n    }\n  }";
    let mut pairs = vec![("normalStoreUrl", url.as_str()), ("port", "3001")];
    pairs.extend(token.as_deref().map(|t| ("accessToken", t)));
    pairs.extend(github.as_deref().map(|g| ("githubToken", g)));
    pairs.push(("customLayouts", layouts));
    stencil_json(&pairs)
}

#[test]
fn the_older_stencil_file_is_replaced_by_the_pair_without_the_token() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilOld001", local_dev());
    let github = env.secret("SENTINELgithubOld0001");
    let url = format!("https://store-{STORE}.mybigcommerce.com");
    let dir = theme(
        &env,
        &[(".stencil", &old_stencil(&url, Some(&token), Some(&github)))],
    );
    let out = import(&env, &dir, &with(&["--remove-stencil-token", "--json"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stencil = &out.json()["stencil"];
    assert_eq!(
        (stencil["token_removed"].clone(), stencil["migrated"].clone()),
        (true.into(), true.into())
    );
    // What stencil-cli's own migration writes, less the token: githubToken alone in the secrets file.
    assert!(!dir.join(".stencil").exists());
    assert_eq!(
        fs::read_to_string(dir.join("config.stencil.json")).unwrap(),
        old_stencil(&url, None, None)
    );
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        stencil_json(&[("githubToken", &format!("\"{github}\""))])
    );
    assert!(
        out.stderr
            .contains("only while stencil-cli runs, then puts the file back"),
        "{}",
        out.stderr
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn the_older_stencil_file_wins_over_the_pair_as_in_stencil_cli() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilOld002", local_dev());
    let other = env.secret("SENTINELstencilOther2");
    let url = format!("https://store-{STORE}.mybigcommerce.com");
    let newer = stencil_json(&[("accessToken", &format!("\"{other}\""))]);
    let dir = theme(
        &env,
        &[
            (".stencil", &old_stencil(&url, Some(&token), None)),
            ("secrets.stencil.json", &newer),
        ],
    );
    let out = import(&env, &dir, &with(&["--remove-stencil-token"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains(".stencil wins over"), "{}", out.stderr);
    // `exec --stencil` refuses while `.stencil` is there, and the import says so.
    assert!(
        out.stderr.contains("stays, and stencil-cli reads it first"),
        "{}",
        out.stderr
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    // The newer files exist, so nothing is migrated: `.stencil` only loses its token.
    assert_eq!(
        fs::read_to_string(dir.join(".stencil")).unwrap(),
        old_stencil(&url, None, None)
    );
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        newer
    );
}

#[test]
fn a_malformed_file_is_named_and_left_untouched() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilBad001", local_dev());
    for (name, text) in [
        (
            "secrets.stencil.json",
            format!("{{\n  \"accessToken\": \"{token}\",\n"),
        ),
        ("secrets.stencil.json", format!("[\"{token}\"]")),
        (
            "secrets.stencil.json",
            "{\n  \"githubToken\": \"x\"\n}".to_owned(),
        ),
        (".stencil", "{\"accessToken\": 42}".to_owned()),
    ] {
        let dir = env.root.path().join(format!("theme-{}", text.len()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), &text).unwrap();
        let out = import(
            &env,
            &dir,
            &with(&["--store-hash", STORE, "--remove-stencil-token"]),
        );
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        assert!(
            out.stderr.contains(name) && out.stderr.contains("--from-stencil"),
            "{}",
            out.stderr
        );
        assert_eq!(
            fs::read_to_string(dir.join(name)).unwrap(),
            text,
            "the file is untouched"
        );
    }
    assert!(env.fake.requests().is_empty(), "nothing was sent");
    assert!(!env.keyring_has_user(&env.profile));
    assert!(!env.profiles_toml().contains("[profiles."));
}

#[test]
fn a_token_that_fails_verification_leaves_the_file_and_saves_nothing() {
    let mut env = keyring_env!();
    let token = env.secret("SENTINELstencilNope01"); // never registered: the fake answers 401
    let text = stencil_json(&[("accessToken", &format!("\"{token}\""))]);
    let dir = theme(&env, &[("secrets.stencil.json", &text)]);
    let out = import(
        &env,
        &dir,
        &with(&["--store-hash", STORE, "--remove-stencil-token"]),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        text
    );
    assert!(!env.keyring_has_user(&env.profile));
    assert!(!env.profiles_toml().contains("[profiles."));
}

#[test]
fn the_keep_flag_and_no_answer_leave_the_file_as_it_was() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilKeep01", local_dev());
    let text = stencil_json(&[("accessToken", &format!("\"{token}\""))]);
    let dir = theme(&env, &[("secrets.stencil.json", &text)]);
    let out = import(
        &env,
        &dir,
        &with(&["--store-hash", STORE, "--keep-stencil-token", "--json"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["stencil"]["token_removed"], false);
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        text
    );
    // A rotation without either flag and without a terminal keeps it too, and says how to remove it.
    let out = import(&env, &dir, &with(&["--store-hash", STORE, "--yes"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("--remove-stencil-token"), "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        text
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn the_storefront_tells_the_hash_without_being_sent_the_token() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilInfo01", local_dev());
    env.fake.set_storefront(STORE);
    let general = config(&env.fake.base_url());
    let dir = theme(
        &env,
        &[
            ("config.stencil.json", &general),
            (
                "secrets.stencil.json",
                &stencil_json(&[("accessToken", &format!("\"{token}\""))]),
            ),
        ],
    );
    let out = import(&env, &dir, &with(&["--remove-stencil-token"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let said = format!(
        "store hash {STORE}, from {}/admin/oauth/info",
        env.fake.base_url()
    );
    assert!(out.stderr.contains(&said), "{}", out.stderr);
    let asked: Vec<_> = env
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/admin/oauth/info")
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].method, "GET");
    assert_eq!(
        asked[0].auth_token, None,
        "the storefront is never sent the token"
    );
    assert!(!dir.join("secrets.stencil.json").exists());
    crate::assert_screen!(&env, "stencil_import_no_input", &out.stderr);
}

#[test]
fn without_input_every_gap_is_listed_and_conflicts_are_refused() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilGaps01", local_dev());
    let text = stencil_json(&[("accessToken", &format!("\"{token}\""))]);
    // No storefront on the fake: its `/admin/oauth/info` answers 404.
    let dir = theme(
        &env,
        &[
            ("config.stencil.json", &config(&env.fake.base_url())),
            ("secrets.stencil.json", &text),
        ],
    );
    let out = import(&env, &dir, &["--no-input"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for gap in ["--name", "--access", "--store-hash", "HTTP 404"] {
        assert!(out.stderr.contains(gap), "{gap}: {}", out.stderr);
    }
    crate::assert_screen!(&env, "stencil_import_gaps", &out.stderr);
    let out = import(&env, &dir, &with(&["--store-hash", STORE, "--token-type", "api"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--token-type"), "{}", out.stderr);
    env.set_env("BCSETUP_ACCESS_TOKEN", &token);
    let out = import(&env, &dir, &with(&["--store-hash", STORE]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("BCSETUP_ACCESS_TOKEN"), "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        text
    );
    assert!(!env.keyring_has_user(&env.profile));
}

#[test]
fn a_full_import_on_the_terminal() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstencilPty001", local_dev());
    env.fake.set_storefront(STORE);
    // What `stencil init` writes: the storefront's URL, and the token alone in the secrets file.
    let dir = theme(
        &env,
        &[
            ("config.stencil.json", &config(&env.fake.base_url())),
            (
                "secrets.stencil.json",
                &stencil_json(&[("accessToken", &format!("\"{token}\""))]),
            ),
        ],
    );
    let mut pty = Pty::spawn(&env, &["init", "--from-stencil", dir.to_str().unwrap()]);
    pty.expect("Importing the access token");
    pty.expect("API account name");
    pty.send("Theme dev");
    pty.send(ENTER);
    pty.expect("Access");
    pty.send(ENTER); // Local development only
    pty.expect("Use store hash");
    pty.send(ENTER);
    pty.expect("Remove the access token from");
    pty.send(ENTER);
    pty.expect("it held only the access token");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&token), "{screen}");
    crate::assert_screen!(&env, "stencil_import_terminal", &rendered);
    assert!(!dir.join("secrets.stencil.json").exists());
    assert!(dir.join("config.stencil.json").exists());
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    // What the hint says works: stencil-cli gets the token from exec, and the folder is empty again.
    let theme = dir.to_str().unwrap();
    let args = [
        "exec",
        "--stencil",
        theme,
        "--",
        "sh",
        "-c",
        "test -s secrets.stencil.json",
    ];
    let mut cmd = env.cmd(&args);
    cmd.current_dir(&dir);
    let out = env.run_data(&mut cmd, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!dir.join("secrets.stencil.json").exists());
}

#[test]
fn with_no_verify_nothing_proved_the_token_so_the_file_keeps_it() {
    let mut env = keyring_env!();
    let token = env.secret("SENTINELstencilNoVer1"); // unknown to the fake: only a check would tell
    let text = stencil_json(&[("accessToken", &format!("\"{token}\""))]);
    let dir = theme(&env, &[("secrets.stencil.json", &text)]);
    let out = import(
        &env,
        &dir,
        &with(&["--store-hash", STORE, "--no-verify", "--remove-stencil-token"]),
    );
    assert_eq!(out.code, 2, "a usage error: {}", out.stderr);
    let out = import(
        &env,
        &dir,
        &with(&["--store-hash", STORE, "--no-verify", "--json"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["stencil"]["token_removed"], false);
    assert!(out.stderr.contains("nothing proved it"), "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(dir.join("secrets.stencil.json")).unwrap(),
        text
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    assert!(env.fake.requests().is_empty(), "--no-verify sends nothing");
}

#[test]
fn into_the_insecure_file_store_too() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELstencilFile01", local_dev());
    let dir = theme(
        &env,
        &[(
            "secrets.stencil.json",
            &stencil_json(&[("accessToken", &format!("\"{token}\""))]),
        )],
    );
    let out = import(
        &env,
        &dir,
        &with(&[
            "--store-hash",
            STORE,
            "--insecure-storage",
            "--remove-stencil-token",
            "-v",
        ]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!dir.join("secrets.stencil.json").exists());
    let kept = env
        .config_dir()
        .join("secrets")
        .join(format!("{}.toml", env.profile));
    assert!(fs::read_to_string(kept).unwrap().contains(&token));
}

use crate::keyring_env;
use crate::support::{Level, OTHER_STORE, STORE, TestEnv, TokenSpec, scope_row};

#[test]
fn init_stores_the_token_where_secret_tool_finds_it() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELa1b2c3d4e5", TokenSpec::all(STORE, Level::Modify));
    let out = env.init(&token, &["--client-id", "client-xyz", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "human mode keeps stdout clean: {}",
        out.stdout
    );
    assert!(out.stderr.contains("Saved profile"), "{}", out.stderr);
    // Interop with a program we did not write: exactly the token, nothing else.
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    let toml = env.profiles_toml();
    assert!(toml.contains("store_hash = \"abc123\""), "{toml}");
    assert!(toml.contains("client_id = \"client-xyz\""), "{toml}");
    assert!(toml.contains("verified_at"), "{toml}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(env.config_dir().join("profiles.toml")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let dir = std::fs::metadata(env.config_dir()).unwrap();
        assert_eq!(dir.permissions().mode() & 0o777, 0o700);
    }
}

#[test]
fn a_modify_migration_is_proven_without_yes() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELjson0001", TokenSpec::all(STORE, Level::Modify));
    let out = env.init(&token, &["--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["profile"], env.profile.as_str());
    assert_eq!(json["store"]["hash"], STORE);
    assert_eq!(json["store"]["name"], "Test Store");
    assert_eq!(json["token_type"], "api");
    assert_eq!(json["access"], "modify");
    let scopes = json["scopes"].as_array().unwrap();
    assert_eq!(scopes.len(), 8);
    for s in scopes {
        assert_eq!(s["wanted"], "modify", "{s}");
        assert_eq!(s["observed"], "modify", "{s}");
        assert_eq!((&s["ok"], &s["advisory"]), (&true.into(), &false.into()), "{s}");
    }
    // The token check, /v2/store, and a read and a write for each of the eight scopes.
    assert_eq!(json["requests"], 18);
    assert_eq!(env.fake.requests().len(), 18);
    assert!(env.fake.created().is_empty(), "{:?}", env.fake.created());
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn information_at_read_only_fails_a_modify_migration_with_the_new_account_fix() {
    let mut env = keyring_env!();
    let token = env.token(
        "SENTINELinfo0001",
        TokenSpec::all(STORE, Level::Modify).with("information", Level::ReadOnly),
    );
    let out = env.init(&token, &["--json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["error"]["kind"], "scopes_missing");
    let info = scope_row(&json, "information");
    assert_eq!(
        (&info["observed"], &info["ok"]),
        (&"read-only".into(), &false.into())
    );
    let hint = json["error"]["hint"].as_str().unwrap_or_default();
    assert!(
        hint.contains("cannot be edited")
            && hint.contains("create a new API account with Information & Settings at Modify")
            && hint.contains("`bcsetup scopes --access modify`")
            && hint.contains(&format!("`bcsetup init --profile {}`", env.profile))
            && hint.contains("delete the old account"),
        "{hint}"
    );
    assert!(
        out.stderr.contains(hint),
        "the text output gives the same hint: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("edit the account"), "{}", out.stderr);
    assert!(env.keyring_token().is_none());
}

#[test]
fn rotation_needs_yes_and_keeps_the_old_token_until_the_new_one_is_proven() {
    let mut env = keyring_env!();
    let old = env.token("SENTINELold00001", TokenSpec::all(STORE, Level::Modify));
    assert_eq!(env.init(&old, &["--yes"]).code, 0);
    let before = env.profiles_toml();

    // Without --yes and without a terminal: refused, nothing touched.
    let new = env.token("SENTINELnew00001", TokenSpec::all(STORE, Level::Modify));
    let out = env.init(&new, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(env.keyring_token().as_deref(), Some(old.as_str()));

    // A rejected new token: exit 3, the old one stays.
    let bad = env.secret("SENTINELbad00001");
    let out = env.init(&bad, &["--yes"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(env.keyring_token().as_deref(), Some(old.as_str()));
    assert_eq!(env.profiles_toml(), before);

    // A token lacking a scope: exit 4, the old one stays.
    let weak = env.token(
        "SENTINELweak0001",
        TokenSpec::all(STORE, Level::Modify).with("products", Level::ReadOnly),
    );
    assert_eq!(env.init(&weak, &["--yes"]).code, 4);
    assert_eq!(env.keyring_token().as_deref(), Some(old.as_str()));
    assert_eq!(env.profiles_toml(), before);

    // A good new token replaces it, and the profile records the rotation.
    let out = env.init(&new, &["--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("delete the old API account"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Webhooks it created stop with it"),
        "{}",
        out.stderr
    );
    assert_eq!(env.keyring_token().as_deref(), Some(new.as_str()));
    assert!(env.profiles_toml().contains("rotated_at"));
}

#[test]
fn credentials_file_import_fills_store_name_and_token() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELfile0001", TokenSpec::all(STORE, Level::Modify));
    let secret = env.secret("SENTINELclientsecret1");
    let file = env.root.path().join("api-credentials.txt");
    std::fs::write(
        &file,
        format!(
            "\u{feff}ACCESS TOKEN: {token}\r\nCLIENT NAME: Migration bot\r\nAPI PATH: https://api.bigcommerce.com/stores/{STORE}/v3/\r\nCLIENT ID: cid123\r\nCLIENT SECRET: {secret}\r\n"
        ),
    )
    .unwrap();
    let out = env.run(
        &[
            "init",
            "--token-type",
            "api",
            "--access",
            "modify",
            "--yes",
            "--credentials-file",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    let ss = env.keyring.unwrap();
    let stored_secret = ss.lookup("bcsetup", &format!("{}/client-secret", env.profile));
    assert_eq!(stored_secret.as_deref(), Some(secret.as_str()));
    let toml = env.profiles_toml();
    assert!(
        toml.contains("account_name = \"Migration bot\"") && toml.contains("cid123"),
        "{toml}"
    );
}

#[test]
fn credentials_file_from_stdin() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELstdinfile", TokenSpec::all(STORE, Level::ReadOnly));
    let text = format!(
        "access_token = {token}\nname = Reader account\napi-path = https://api.bigcommerce.com/stores/{STORE}/v3\n"
    );
    let out = env.run(
        &[
            "init",
            "--token-type",
            "api",
            "--access",
            "read-only",
            "--credentials-file",
            "-",
        ],
        &text,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn no_secret_service_is_exit_6_before_any_request_and_nothing_is_written() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELnobus0001", TokenSpec::all(STORE, Level::Modify));
    let out = env.init(&token, &["--yes"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.contains("--insecure-storage"),
        "the hint names the fallback: {}",
        out.stderr
    );
    assert!(
        env.fake.requests().is_empty(),
        "no API quota spent before storage is known to work"
    );
    assert!(!env.config_dir().join("profiles.toml").exists());
}

#[test]
fn insecure_storage_is_explicit_and_private() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELfile0002", TokenSpec::all(STORE, Level::Modify));
    let out = env.init(&token, &["--insecure-storage", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("warning: --insecure-storage"),
        "{}",
        out.stderr
    );
    let file = env.config_dir().join(format!("secrets/{}.toml", env.profile));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&token));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let status = env.run(&["status", "--json"], "");
    assert_eq!(status.json()["profiles"][0]["storage"], "file");
    // And verify reads it back from the file.
    assert_eq!(env.run(&["verify"], "").code, 0);
}

#[test]
fn no_verify_stores_offline_and_status_says_unverified() {
    let mut env = keyring_env!();
    let token = env.secret("SENTINELoffline01");
    let out = env.init(&token, &["--no-verify", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(env.fake.requests().is_empty());
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    let status = env.run(&["status"], "");
    assert!(status.stderr.contains("never verified"), "{}", status.stderr);
}

#[test]
fn wrong_store_is_exit_3_and_nothing_is_stored() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELother001", TokenSpec::all(OTHER_STORE, Level::Modify));
    let out = env.init(&token, &["--json", "--yes"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"]["code"], 3);
    assert_eq!(json["error"]["kind"], "wrong_store");
    assert!(env.keyring_token().is_none());
    assert!(env.profiles_toml().is_empty());
}

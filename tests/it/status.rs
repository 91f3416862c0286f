use crate::support::{Level, STORE, TestEnv, TokenSpec};

#[test]
fn status_lists_profiles_without_network_or_keyring() {
    let mut env = TestEnv::new();
    let out = env.run(&["status"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("No profiles yet"), "{}", out.stderr);
    assert_eq!(
        env.run(&["status", "--json"], "").json()["profiles"],
        serde_json::json!([])
    );

    let token = env.token("SENTINELstat0001", TokenSpec::all(STORE, Level::ReadOnly));
    let init = env.init(&token, &["--access", "read-only", "--insecure-storage"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    env.fake.clear_log();
    // The keyring env is a dead bus: status must not need it.
    let out = env.run(&["status", "--json"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let p = &out.json()["profiles"][0];
    for key in [
        "name",
        "store_hash",
        "account_name",
        "token_type",
        "access",
        "storage",
        "created_at",
        "rotated_at",
        "verified_at",
        "default",
    ] {
        assert!(p.get(key).is_some(), "status --json lacks `{key}`: {p}");
    }
    assert_eq!(p["name"], env.profile.as_str());
    assert_eq!(p["store_hash"], STORE);
    assert_eq!(p["access"], "read-only");
    assert_eq!(p["default"], true);
    assert!(env.fake.requests().is_empty(), "status made a request");
    let human = env.run(&["status"], "");
    assert!(
        human.stderr.contains(&env.profile) && human.stderr.contains("Test Store"),
        "{}",
        human.stderr
    );
}

#[test]
fn the_status_screen_keeps_its_columns_apart() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELstat0002", TokenSpec::all(STORE, Level::ReadOnly));
    // Fixed names (not the env's unique one): the columns' widths depend on them.
    for profile in ["shop", "a-longer-profile-name"] {
        env.init_offline(profile, STORE, &token, &["--insecure-storage"]);
    }
    let verify = env.run(&["verify", "--profile", "shop"], "");
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    let out = env.run(&["status", "--profile", "shop"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut settings = crate::support::snapshot::settings(&env);
    settings.add_filter(r"\b\d+[smhd]\b", "[AGE]");
    settings.bind(|| insta::assert_snapshot!("status_two_profiles", out.stderr));
}

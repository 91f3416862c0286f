//! Stencil-CLI tokens and what stencil-cli needs of them, and the Information & Settings proof, against
//! a fake whose stores can answer `/v2/store` without the scope and run out of theme slots.

use crate::support::{Level, STORE, TestEnv, TokenSpec, scope_row as row};
use crate::token_env_exec::exec;

/// What a "publish theme" Stencil-CLI token is expected to hold.
fn publish_theme() -> TokenSpec {
    TokenSpec::new(STORE)
        .with("themes", Level::Modify)
        .with("sites", Level::ReadOnly)
        .with("information", Level::ReadOnly)
        .with("channel_settings", Level::ReadOnly)
}

/// `init` of a "publish theme" Stencil-CLI token into file storage, with the JSON report.
fn init_stencil(env: &TestEnv, token: &str) -> crate::support::Outcome {
    env.init(
        token,
        &["--token-type", "stencil", "--insecure-storage", "--json"],
    )
}

#[test]
fn a_stencil_token_is_checked_for_what_stencil_cli_calls() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELstencil0001", publish_theme());
    let out = init_stencil(&env, &token);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    let keys: Vec<_> = json["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["scope"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(keys, ["information", "channel_settings", "themes", "sites"]);
    assert_eq!(row(&json, "themes")["observed"], "modify");
    assert_eq!(row(&json, "channel_settings")["advisory"], true);
    assert_eq!(row(&json, "information")["advisory"], false);
    let mut sent: Vec<_> = env
        .fake
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.method,
                r.path.trim_start_matches(&format!("/stores/{STORE}"))
            )
        })
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            "GET /v2/store",
            "GET /v3/channels?limit=1",
            "GET /v3/hooks",
            "GET /v3/settings/store/locale",
            "GET /v3/sites?limit=1",
            "GET /v3/themes",
            "POST /v3/themes",
        ]
    );
    assert!(env.fake.created().is_empty(), "{:?}", env.fake.created());
    assert!(!out.stderr.contains("warning: Channel"), "{}", out.stderr);

    // A proven profile gives stencil-cli its token without a warning.
    let theme = env.root.path().join("theme");
    std::fs::create_dir(&theme).unwrap();
    let out = exec(&env, &["--stencil", "theme", "--", "true"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("stencil-cli needs"), "{}", out.stderr);
}

#[test]
fn without_channel_settings_a_stencil_token_passes_with_a_warning() {
    let mut env = TestEnv::new();
    let token = env.token(
        "SENTINELstencil0002",
        publish_theme().with("channel_settings", Level::None),
    );
    let out = init_stencil(&env, &token);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let channels = row(&out.json(), "channel_settings");
    assert_eq!(
        (&channels["observed"], &channels["ok"], &channels["advisory"]),
        (&"none".into(), &false.into(), &true.into())
    );
    assert!(
        out.stderr
            .contains("warning: Channel Settings is none (read-only wanted)"),
        "{}",
        out.stderr
    );
    // -q keeps warnings.
    let out = env.run(&["verify", "-q"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("warning: Channel Settings"), "{}", out.stderr);
}

#[test]
fn without_the_locale_read_a_stencil_token_fails_with_the_new_token_fix() {
    let mut env = TestEnv::new();
    let token = env.token(
        "SENTINELstencil0003",
        publish_theme().with("information", Level::None),
    );
    let out = init_stencil(&env, &token);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["error"]["kind"], "scopes_missing");
    assert_eq!(row(&json, "information")["observed"], "none");
    let hint = json["error"]["hint"].as_str().unwrap_or_default();
    assert!(
        hint.contains("create a new Stencil-CLI token (\"Publish theme\")")
            && hint.contains(&format!("`bcsetup init --profile {}`", env.profile)),
        "{hint}"
    );
    assert!(!hint.contains("API account with"), "{hint}");
    assert!(!env.config_dir().join("profiles.toml").exists());
}

#[test]
fn a_full_theme_store_answers_409_which_proves_modify() {
    let mut env = TestEnv::new();
    env.fake.fill_theme_slots(STORE);
    let token = env.token("SENTINELstencil0004", publish_theme());
    let out = init_stencil(&env, &token);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(row(&out.json(), "themes")["observed"], "modify");
    let upload = env
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(upload, 1, "the 409 is final, not retried");
    // Without Modify the same store still refuses with 403 first.
    let mut env = TestEnv::new();
    env.fake.fill_theme_slots(STORE);
    let token = env.token(
        "SENTINELstencil0005",
        publish_theme().with("themes", Level::ReadOnly),
    );
    let out = init_stencil(&env, &token);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(row(&out.json(), "themes")["observed"], "read-only");
}

#[test]
fn an_offline_profile_warns_before_giving_stencil_cli_its_token() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELstencil0006");
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    let theme = env.root.path().join("theme");
    std::fs::create_dir(&theme).unwrap();
    let out = exec(&env, &["--stencil", "theme", "--", "true"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "has not been proven to read Information & Settings, Themes, Sites & Routes, which stencil-cli needs"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_store_that_answers_v2_store_without_the_scope_still_needs_the_locale_read() {
    let mut env = TestEnv::new();
    env.fake.open_store_info(STORE);
    let token = env.token(
        "SENTINELinfo0002",
        TokenSpec::all(STORE, Level::ReadOnly).with("information", Level::None),
    );
    let out = env.init(&token, &["--access", "read-only", "--insecure-storage", "--json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let json = out.json();
    // /v2/store answered, so the store is named, but it proves nothing about the scope.
    assert_eq!(json["store"]["name"], "Test Store");
    assert_eq!(row(&json, "information")["observed"], "none");
    // And /v2/time, which answers any token, is never asked.
    assert!(env.fake.requests().iter().all(|r| !r.path.contains("/v2/time")));
}

#[test]
fn a_refused_v2_store_still_gives_a_report_with_the_name_unknown() {
    let mut env = TestEnv::new();
    let token = env.token(
        "SENTINELinfo0003",
        TokenSpec::all(STORE, Level::ReadOnly).with("information", Level::None),
    );
    let out = env.init(&token, &["--access", "read-only", "--insecure-storage", "--json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["store"]["name"], serde_json::Value::Null);
    assert_eq!(json["store"]["hash"], STORE);
    assert_eq!(row(&json, "information")["observed"], "none");
    assert_eq!(row(&json, "products")["observed"], "read-only");
    let out = env.init(&token, &["--access", "read-only", "--insecure-storage"]);
    assert!(out.stderr.contains("name unknown"), "{}", out.stderr);
}

//! The scope proof against the fake: outcomes, retries, rate limits and the request log.

use std::time::{Duration, Instant};

use crate::keyring_env;
use crate::support::{Fault, Level, OTHER_STORE, STORE, TestEnv, TokenSpec, scope_row};

/// `init --no-verify` into file storage (no keyring needed), then run `verify` against the fake.
fn stored(token_spec: TokenSpec, token: &str, access: &str) -> TestEnv {
    let mut env = TestEnv::new();
    let token = env.token(token, token_spec);
    let out = env.run(
        &[
            "init",
            "--token-type",
            "api",
            "--name",
            "Migration",
            "--access",
            access,
            "--store-hash",
            STORE,
            "--access-token-stdin",
            "--no-verify",
            "--insecure-storage",
            "--yes",
        ],
        &format!("{token}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    env.fake.clear_log();
    env
}

#[test]
fn verify_after_an_offline_init_accepts_what_no_probe_can_prove() {
    let env = stored(TokenSpec::all(STORE, Level::Modify), "SENTINELvfy00001", "modify");
    let out = env.run(&["verify", "--json", "--no-check-modify"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(scope_row(&out.json(), "information")["observed"], "unknown");
    assert!(env.run(&["status", "--json"], "").json()["profiles"][0]["verified_at"].is_string());
}

#[test]
fn read_only_verify_sends_exactly_the_plan() {
    let env = stored(
        TokenSpec::all(STORE, Level::Modify),
        "SENTINELvfy00002",
        "read-only",
    );
    let out = env.run(&["verify", "--json"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["ok"], true);
    assert!(
        json["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["observed"] == "read-only" && s["ok"] == true)
    );
    let log = env.fake.requests();
    // hooks, /v2/store and one read per migration scope; no writes for read-only.
    assert_eq!(
        log.len(),
        10,
        "{:#?}",
        log.iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
    );
    let mut paths: Vec<_> = log.iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 10, "no duplicate requests");
    assert_eq!(json["requests"], 10);
    assert!(
        paths.contains(&format!("GET /stores/{STORE}/v3/settings/store/locale")),
        "the Information & Settings read proof: {paths:?}"
    );
    assert!(paths.iter().all(|p| !p.contains("/v2/time")), "{paths:?}");
}

#[test]
fn modify_token_is_proven_by_write_probes_that_change_nothing() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELvfy00003", TokenSpec::all(STORE, Level::Modify));
    let out = env.run(
        &[
            "init",
            "--token-type",
            "api",
            "--name",
            "Migration",
            "--access",
            "modify",
            "--store-hash",
            STORE,
            "--access-token-stdin",
            "--insecure-storage",
            "--json",
        ],
        &format!("{token}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let log = env.fake.requests();
    assert!(
        env.fake.created().is_empty(),
        "a probe created data: {:?}",
        env.fake.created()
    );
    assert!(log.iter().all(|r| r.method != "DELETE"));
    assert!(
        log.iter()
            .all(|r| r.auth_token.as_deref() == Some(token.as_str())),
        "every request carries the token"
    );
    assert!(
        log.iter()
            .all(|r| r.accept.as_deref() == Some("application/json"))
    );
    assert!(log.iter().all(|r| {
        r.user_agent
            .as_deref()
            .is_some_and(|ua| ua.starts_with("bcsetup/"))
    }));
    let writes: Vec<_> = log.iter().filter(|r| r.method != "GET").collect();
    assert_eq!(
        writes.len(),
        8,
        "one write probe per migration scope: {writes:#?}"
    );
    for w in &writes {
        assert_eq!(
            w.content_type.as_deref(),
            Some("application/json"),
            "{} {}",
            w.method,
            w.path
        );
        assert!(
            !(w.method == "POST" && w.path.ends_with("/v2/orders")),
            "never POST an order"
        );
    }
    assert_eq!(log.len(), 10 + 8);
    env.fake.clear_log();
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.fake.requests().len(), 18);
}

#[test]
fn read_only_token_with_modify_wanted_is_exit_4_with_every_scope_read_only() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELvfy00004", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&token, &["--insecure-storage", "--json"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["error"]["kind"], "scopes_missing");
    for s in json["scopes"].as_array().unwrap() {
        assert_eq!(s["observed"], "read-only", "{s}");
        assert_eq!(s["ok"], false);
    }
    assert!(!env.config_dir().join("profiles.toml").exists());
}

#[test]
fn one_missing_scope_is_named_with_the_fix() {
    let mut env = TestEnv::new();
    let token = env.token(
        "SENTINELvfy00005",
        TokenSpec::all(STORE, Level::Modify).with("products", Level::None),
    );
    let out = env.init(&token, &["--insecure-storage"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the token lacks Products (modify wanted, none observed)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("create a new API account with Products at Modify"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("set Products to Modify"), "{}", out.stderr);
    assert!(out.stderr.contains("✗"), "the table marks it: {}", out.stderr);
}

#[test]
fn token_of_another_store_and_unknown_token_are_exit_3() {
    let mut env = TestEnv::new();
    let other = env.token("SENTINELvfy00006", TokenSpec::all(OTHER_STORE, Level::Modify));
    let out = env.init(&other, &["--insecure-storage", "--yes"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("does not belong to store `abc123`"),
        "{}",
        out.stderr
    );
    let unknown = env.secret("SENTINELvfy00007");
    let out = env.init(&unknown, &["--insecure-storage", "--yes"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("rejected the access token"), "{}", out.stderr);
}

#[test]
fn rate_limit_is_waited_out_then_the_probe_is_retried() {
    let env = stored(
        TokenSpec::all(STORE, Level::ReadOnly),
        "SENTINELvfy00008",
        "read-only",
    );
    env.fake.fail_next(
        1,
        Fault::RateLimited {
            reset_ms: 1200,
            retry_after_s: None,
        },
    );
    let started = Instant::now();
    let out = env.run(&["verify"], "");
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        took >= Duration::from_millis(1200),
        "retried before the reset time ({took:?})"
    );
    assert_eq!(env.fake.requests().len(), 11, "the plan plus exactly one retry");
}

#[test]
fn a_zero_reset_429_storm_is_not_a_retry_storm() {
    let env = stored(
        TokenSpec::all(STORE, Level::ReadOnly),
        "SENTINELvfy00011",
        "read-only",
    );
    // At the turn of a window the reset header can read 0: retrying at once would loop.
    env.fake.fail_next(
        10_000,
        Fault::RateLimited {
            reset_ms: 0,
            retry_after_s: None,
        },
    );
    let started = Instant::now();
    let out = env.run(&["verify"], "");
    let took = started.elapsed();
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("rate-limiting"), "{}", out.stderr);
    let sent = env.fake.requests().len();
    // 10 planned requests: at most 4 each in all, and at least the 250 ms floor between a probe's tries.
    assert!(sent <= 40, "{sent} requests");
    assert!(sent > 10, "the probes were retried: {sent}");
    assert!(
        took >= Duration::from_millis(250 * 3),
        "no floor between retries: {took:?}"
    );
}

#[test]
fn server_error_storm_is_exit_5_within_the_deadline() {
    let mut env = stored(
        TokenSpec::all(STORE, Level::ReadOnly),
        "SENTINELvfy00009",
        "read-only",
    );
    env.fake.fail_next(1000, Fault::Status(503));
    let started = Instant::now();
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("503"), "{}", out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(env.fake.requests().len() <= 10 * 3, "at most 3 tries per probe");
    env.set_env("BCSETUP_API_BASE", "http://127.0.0.1:9"); // discard port: connection refused
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(
        out.stderr.contains("could not reach BigCommerce"),
        "{}",
        out.stderr
    );
}

#[test]
fn slow_answers_time_out_as_unreachable() {
    let mut env = stored(
        TokenSpec::all(STORE, Level::ReadOnly),
        "SENTINELvfy00010",
        "read-only",
    );
    env.set_env("BCSETUP_HTTP_TIMEOUT_MS", "300");
    env.fake.fail_next(100, Fault::Hang(Duration::from_secs(3)));
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("timed out"), "{}", out.stderr);
}

#[test]
fn redirects_are_not_followed() {
    let env = stored(
        TokenSpec::all(STORE, Level::ReadOnly),
        "SENTINELvfy00011",
        "read-only",
    );
    let elsewhere = TestEnv::new();
    env.fake.fail_next(
        1000,
        Fault::Redirect(format!("{}/stores/{STORE}/v3/hooks", elsewhere.fake.base_url())),
    );
    let out = env.run(&["verify"], "");
    assert_ne!(out.code, 0);
    assert!(
        elsewhere.fake.requests().is_empty(),
        "the token followed a redirect"
    );
}

#[test]
fn revoked_token_and_lost_scope_are_told_apart() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELvfy00012", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.run(
        &[
            "init",
            "--token-type",
            "api",
            "--name",
            "Migration",
            "--access",
            "read-only",
            "--store-hash",
            STORE,
            "--access-token-stdin",
        ],
        &format!("{token}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.run(&["verify"], "").code, 0);

    env.fake.add_token(
        &token,
        TokenSpec::all(STORE, Level::ReadOnly).with("orders", Level::None),
    );
    let out = env.run(&["verify", "--json"], "");
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(out.json()["error"]["kind"], "scope_lost");
    assert!(
        out.stderr.contains("Orders (was read-only, now none)"),
        "{}",
        out.stderr
    );

    env.fake.revoke(&token);
    let out = env.run(&["verify", "--json"], "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(out.json()["error"]["kind"], "revoked");
    // The stored credentials are untouched by failed verifications.
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

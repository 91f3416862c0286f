//! Missing inputs listed at once, JSON errors, a corrupt profiles.toml never overwritten, the API base
//! policy and exit 7. The table of single bad inputs (names, hashes, API paths, credentials files,
//! tokens, profile names) is the battery in `battery.rs`.

use crate::support::{Level, STORE, TestEnv, TokenSpec};

const TOKEN: &str = "SENTINELbadinput1";

fn base<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "init",
        "--token-type",
        "api",
        "--name",
        "Migration",
        "--access",
        "modify",
        "--yes",
    ];
    v.extend_from_slice(extra);
    v
}

fn env() -> TestEnv {
    let mut env = TestEnv::new();
    env.token(TOKEN, TokenSpec::all(STORE, Level::Modify));
    env
}

#[test]
fn missing_inputs_are_listed_all_at_once() {
    let env = env();
    let out = env.run(&["init", "--no-input"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    for needle in [
        "--token-type",
        "--name",
        "--access",
        "--store-hash",
        "access token",
        "missing",
    ] {
        assert!(out.stderr.contains(needle), "`{needle}` not in:\n{}", out.stderr);
    }
    assert!(
        out.stderr.contains("5 inputs are missing or invalid"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    // Nothing but the profile's lock files (no state: a lock is taken before the first question).
    let kept: Vec<_> = crate::support::files_under(&env.config_dir())
        .into_iter()
        .filter(|p| !p.starts_with(env.config_dir().join("locks")))
        .collect();
    assert!(kept.is_empty(), "{kept:?}");
}

#[test]
fn json_errors_are_machine_readable() {
    let env = env();
    let out = env.run(&["init", "--json"], "");
    assert_eq!(out.code, 2);
    let json = out.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"]["code"], 2);
    assert_eq!(json["error"]["kind"], "invalid_input");
    assert!(json["error"]["message"].as_str().unwrap().contains("--name"));
}

#[test]
fn corrupt_profiles_toml_is_reported_and_never_overwritten() {
    let env = env();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    let path = env.config_dir().join("profiles.toml");
    let garbage = "version = 1\n[profiles.x\nstore_hash = 12\n";
    std::fs::write(&path, garbage).unwrap();
    for args in [&["status"][..], &["verify"][..]] {
        let out = env.run(args, "");
        assert_eq!(out.code, 2, "{args:?} {}", out.stderr);
        assert!(out.stderr.contains("corrupt"), "{}", out.stderr);
        assert!(
            out.stderr.contains("profiles.toml"),
            "names the file: {}",
            out.stderr
        );
    }
    let out = env.run(
        &base(&["--store-hash", STORE, "--access-token-stdin"]),
        &format!("{TOKEN}\n"),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), garbage);
    assert!(env.fake.requests().is_empty());
}

#[test]
fn api_base_must_be_https_unless_loopback() {
    let mut env = env();
    env.set_env("BCSETUP_API_BASE", "http://example.com");
    let out = env.run(&["status"], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("loopback"), "{}", out.stderr);
}

#[test]
fn unknown_profile_is_exit_7() {
    let env = env();
    let out = env.run(&["verify", "--profile", "nobody"], "");
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("no profile named `nobody`"), "{}", out.stderr);
}

//! Each bad input: exit 2 (or the documented code), a message naming the problem, nothing written,
//! and no request sent to BigCommerce.

use crate::support::{Level, STORE, TestEnv, TokenSpec};

const TOKEN: &str = "SENTINELbadinput1";

/// Run `init` with these args and stdin, expecting `code` and `needle` in stderr, and no side effects.
fn refused(env: &TestEnv, args: &[&str], stdin: &str, code: i32, needle: &str) {
    let out = env.run(args, stdin);
    assert_eq!(out.code, code, "{args:?}\n{}", out.stderr);
    assert!(out.stderr.contains(needle), "{args:?}: expected `{needle}` in:\n{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(env.fake.requests().is_empty(), "{args:?} sent requests");
    assert!(!env.config_dir().join("profiles.toml").exists(), "{args:?} wrote profiles.toml");
}

fn base<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["init", "--token-type", "api", "--name", "Migration", "--access", "modify", "--yes"];
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
    for needle in ["--token-type", "--name", "--access", "--store-hash", "access token", "missing"] {
        assert!(out.stderr.contains(needle), "`{needle}` not in:\n{}", out.stderr);
    }
    assert!(out.stderr.contains("5 inputs are missing or invalid"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    assert!(!env.config_dir().exists());
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
fn account_names_and_enums() {
    let env = env();
    let t = &format!("{TOKEN}\n");
    let store = ["--store-hash", STORE, "--access-token-stdin"];
    let with = |name: &str| {
        let mut v = vec!["init", "--token-type", "api", "--access", "modify", "--name", name];
        v.extend_from_slice(&store);
        v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    for (name, needle) in [("abc", "at least 4"), ("    ", "at least 4"), (" ab ", "at least 4")] {
        let args = with(name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&env, &args, t, 2, needle);
    }
    refused(&env, &["init", "--token-type", "oauth"], "", 2, "invalid value 'oauth'");
    refused(&env, &["init", "--access", "write"], "", 2, "invalid value 'write'");
    refused(&env, &["init", "--scopes", "prodcts"], "", 2, "unknown scope prodcts");
}

#[test]
fn store_hashes_and_api_paths() {
    let env = env();
    let t = &format!("{TOKEN}\n");
    let long = "a".repeat(200);
    for bad in ["abc/../x", "ABC 123", "", &long] {
        refused(&env, &base(&["--store-hash", bad, "--access-token-stdin"]), t, 2, "--store-hash");
    }
    for bad in [
        "https://evil.example.com/stores/abc123/v3/",
        "http://api.bigcommerce.com/stores/abc123/v3/",
        "https://user@api.bigcommerce.com/stores/abc123/v3/",
        "https://api.bigcommerce.com:8443/stores/abc123/v3/",
    ] {
        refused(&env, &base(&["--api-path", bad, "--access-token-stdin"]), t, 2, "--api-path");
    }
}

#[test]
fn credentials_files() {
    let env = env();
    let dir = env.root.path();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    let missing = dir.join("nope.txt").to_string_lossy().into_owned();
    let empty = write("empty.txt", b"");
    let binary = write("binary.txt", b"\x00\x01\x02ACCESS TOKEN: x\x00");
    let huge = write("huge.txt", &vec![b'a'; 70 * 1024]);
    let no_token = write("notoken.txt", b"CLIENT ID: abc\nAPI PATH: https://api.bigcommerce.com/stores/abc123/v3/\n");
    let conflict = write("conflict.txt", format!("ACCESS TOKEN: {TOKEN}\nACCESS TOKEN: other\n").as_bytes());
    let latin1 = write("latin1.txt", b"ACCESS TOKEN: caf\xe9\n");
    let bad_path = write("badpath.txt", format!("ACCESS TOKEN: {TOKEN}\nAPI PATH: https://evil.com/stores/x/v3/\n").as_bytes());
    let dir_arg = dir.to_string_lossy().into_owned();
    for (file, needle) in [
        (&missing, "could not read"),
        (&empty, "empty"),
        (&binary, "NUL"),
        (&huge, "larger than"),
        (&no_token, "no ACCESS TOKEN"),
        (&conflict, "two different ACCESS TOKEN"),
        (&latin1, "not UTF-8"),
        (&bad_path, "API PATH"),
        (&dir_arg, "not a regular file"),
    ] {
        let mut args = base(&["--store-hash", STORE, "--credentials-file"]);
        args.push(file);
        refused(&env, &args, "", 2, needle);
    }
}

#[test]
fn tokens_and_profiles() {
    let env = env();
    let args = base(&["--store-hash", STORE, "--access-token-stdin"]);
    refused(&env, &args, "", 2, "empty first line");
    refused(&env, &args, "\n\n", 2, "empty first line");
    refused(&env, &args, "has space\n", 2, "spaces");
    let mut with_profile = args.clone();
    with_profile.extend(["--profile", "a/b"]);
    refused(&env, &with_profile, &format!("{TOKEN}\n"), 2, "invalid profile name");
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
        assert!(out.stderr.contains("profiles.toml"), "names the file: {}", out.stderr);
    }
    let out = env.run(&base(&["--store-hash", STORE, "--access-token-stdin"]), &format!("{TOKEN}\n"));
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

//! The fault battery: a rotation attempted under each BigCommerce, storage and filesystem fault
//! fails with its documented exit code, and afterwards the previous credentials are intact (same
//! token in the keyring, profiles.toml byte for byte) and still pass `bcsetup verify`.
//! Store-call failures and read-back mismatches that a real keyring cannot be made to produce are
//! injected through the memory store in `transaction`'s unit tests (every call of a rotation fails
//! in turn there).

use std::time::Duration;

use crate::keyring_env;
use crate::support::{Fault, Level, STORE, SecretService, TestEnv, TokenSpec};

const OLD: &str = "SENTINELfaultOld0001";
const NEW: &str = "SENTINELfaultNew0002";

/// A keyring env holding a verified read-only profile with the OLD token; NEW is also valid.
fn stored(env: &mut TestEnv) -> String {
    env.token(OLD, TokenSpec::all(STORE, Level::ReadOnly));
    env.token(NEW, TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(OLD, &["--access", "read-only", "--scopes", "products"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    env.fake.clear_log();
    env.profiles_toml()
}

fn rotate(env: &TestEnv) -> crate::support::Outcome {
    env.run(&["init", "--yes", "--access-token-stdin"], &format!("{NEW}\n"))
}

/// The previous credentials are exactly as they were and still work; returns profiles.toml after
/// that `verify` (which records the time).
fn assert_intact(env: &TestEnv, toml: &str, case: &str) -> String {
    env.fake.clear_faults();
    assert_eq!(
        env.keyring_token().as_deref(),
        Some(OLD),
        "{case}: the old token was replaced"
    );
    assert_eq!(env.profiles_toml(), toml, "{case}: profiles.toml changed");
    let staging = env.staging_entries_left();
    assert!(staging.is_empty(), "{case}: staging keys left: {staging:?}");
    let verify = env.run(&["verify"], "");
    assert_eq!(
        verify.code, 0,
        "{case}: verify after the fault: {}",
        verify.stderr
    );
    env.profiles_toml()
}

/// A fault: its name, how to inject it, the exit code, and a phrase the error must contain.
type Case = (&'static str, Box<dyn Fn(&mut TestEnv)>, i32, &'static str);

#[test]
#[allow(clippy::too_many_lines)] // one table of faults reads better than several
fn bigcommerce_faults_leave_the_previous_credentials_working() {
    let redirect_target = TestEnv::new();
    let elsewhere = format!("{}/stores/{STORE}/v3/hooks", redirect_target.fake.base_url());
    let cases: Vec<Case> = vec![
        (
            "401",
            Box::new(|e: &mut TestEnv| e.fake.revoke(NEW)),
            3,
            "rejected the access token",
        ),
        (
            "403 storm",
            Box::new(|e: &mut TestEnv| e.fake.fail_next(1000, Fault::Status(403))),
            3,
            "does not belong",
        ),
        (
            "404 storm",
            Box::new(|e: &mut TestEnv| e.fake.fail_next(1000, Fault::Status(404))),
            3,
            "does not belong",
        ),
        (
            "429 past the wait budget",
            Box::new(|e: &mut TestEnv| {
                e.fake.fail_next(
                    1000,
                    Fault::RateLimited {
                        reset_ms: 40_000,
                        retry_after_s: None,
                    },
                );
            }),
            5,
            "rate-limiting",
        ),
        (
            "429 without headers",
            Box::new(|e: &mut TestEnv| e.fake.fail_next(1000, Fault::RateLimitedNoHeaders)),
            5,
            "429",
        ),
        (
            "500 storm",
            Box::new(|e: &mut TestEnv| e.fake.fail_next(1000, Fault::Status(500))),
            5,
            "500",
        ),
        (
            "503 storm",
            Box::new(|e: &mut TestEnv| e.fake.fail_next(1000, Fault::Status(503))),
            5,
            "503",
        ),
        (
            "507 plan limit",
            Box::new(|e: &mut TestEnv| e.fake.fail_next(1000, Fault::Status(507))),
            5,
            "507",
        ),
        (
            "slow past the timeout",
            Box::new(|e: &mut TestEnv| {
                e.set_env("BCSETUP_HTTP_TIMEOUT_MS", "300");
                e.fake.fail_next(1000, Fault::Hang(Duration::from_secs(3)));
            }),
            5,
            "timed out",
        ),
        (
            "connection reset",
            Box::new(|e: &mut TestEnv| e.fake.fail_next(1000, Fault::ResetConnection)),
            5,
            "could not reach",
        ),
        (
            "redirect to another host",
            Box::new(move |e: &mut TestEnv| {
                e.fake.fail_next(1000, Fault::Redirect(elsewhere.clone()));
            }),
            5,
            "301",
        ),
    ];
    for (case, inject, code, needle) in &cases {
        let mut env = keyring_env!();
        let toml = stored(&mut env);
        inject(&mut env);
        let out = rotate(&env);
        assert_eq!(out.code, *code, "{case}: {}", out.stderr);
        assert!(
            out.stderr.contains(needle),
            "{case}: `{needle}` not in:\n{}",
            out.stderr
        );
        env.set_env("BCSETUP_HTTP_TIMEOUT_MS", "20000");
        assert_intact(&env, &toml, case);
    }
    assert!(
        redirect_target.fake.requests().is_empty(),
        "the token followed a redirect"
    );
    eprintln!("fault battery: {} BigCommerce faults", cases.len());
}

#[test]
fn invalid_json_bodies_never_decide_anything() {
    let mut env = keyring_env!();
    stored(&mut env);
    env.fake.fail_next(1000, Fault::InvalidJson);
    let out = rotate(&env);
    // Statuses decide; a broken body only loses the store's name.
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("name unknown"), "{}", out.stderr);
    assert_eq!(env.keyring_token().as_deref(), Some(NEW));
}

#[test]
fn no_bus_and_a_bus_without_a_secret_service_are_exit_6() {
    let mut env = keyring_env!();
    let mut toml = stored(&mut env);
    let dead = format!("unix:path={}/no-such-bus", env.root.path().display());
    let Some(bare) = SecretService::private() else {
        return;
    };
    bare.stop_keyring();
    let bare_bus = bare
        .envs()
        .into_iter()
        .find(|(k, _)| k == "DBUS_SESSION_BUS_ADDRESS")
        .unwrap()
        .1;
    for (case, bus) in [("no D-Bus", dead), ("D-Bus without a Secret Service", bare_bus)] {
        env.fake.clear_log();
        let out = env
            .cmd(&["init", "--yes", "--access-token-stdin"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus)
            .write_stdin(format!("{NEW}\n"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(6), "{case}: {stderr}");
        assert!(stderr.contains("--insecure-storage"), "{case}: {stderr}");
        assert!(!stderr.contains(NEW));
        assert!(
            env.fake.requests().is_empty(),
            "{case}: API quota spent before storage was known to work"
        );
        toml = assert_intact(&env, &toml, case);
    }
}

#[test]
fn a_locked_keyring_is_exit_6_and_keeps_the_old_token() {
    let Some(ss) = SecretService::private() else {
        return;
    };
    let mut env = TestEnv::new();
    for (k, v) in ss.envs() {
        env.set_env(&k, &v);
    }
    env.token(OLD, TokenSpec::all(STORE, Level::ReadOnly));
    env.token(NEW, TokenSpec::all(STORE, Level::ReadOnly));
    assert_eq!(
        env.init(OLD, &["--access", "read-only", "--scopes", "products"])
            .code,
        0
    );
    let toml = env.profiles_toml();
    ss.lock();
    let out = rotate(&env);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("unlock"), "{}", out.stderr);
    // Unlock by restarting the daemon with the password, as a login would.
    ss.stop_keyring();
    ss.start_keyring();
    assert_eq!(ss.lookup("bcsetup", &env.profile).as_deref(), Some(OLD));
    assert_eq!(env.profiles_toml(), toml);
    assert_eq!(env.run(&["verify"], "").code, 0);
}

/// Run `bcsetup ARGS` in a private mount namespace where `script` first changes the config dir.
fn in_namespace(env: &TestEnv, script: &str, args: &[&str], stdin: &str) -> Option<crate::support::Outcome> {
    let probe = std::process::Command::new("unshare")
        .args(["-m", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED: `unshare -m` is not permitted here (needs root): cannot simulate a read-only or full disk"
        );
        return None;
    }
    let cmd = env.std_cmd(args);
    let mut wrapped = std::process::Command::new("unshare");
    wrapped.args(["-m", "sh", "-c", &format!("set -e; {script}; exec \"$0\" \"$@\"")]);
    wrapped.arg(cmd.get_program()).args(cmd.get_args());
    wrapped
        .env_clear()
        .envs(cmd.get_envs().filter_map(|(k, v)| Some((k, v?))));
    wrapped.env("CFG", env.config_dir());
    wrapped
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = wrapped.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Some(crate::support::Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// Scripts for `in_namespace`: the config dir remounted read-only, or on a full 64 KiB tmpfs.
const READ_ONLY: &str = r#"mount --bind "$CFG" "$CFG"; mount -o remount,bind,ro "$CFG""#;
const FULL_DISK: &str = r#"cp -a "$CFG" "$CFG.copy"; mount -t tmpfs -o size=64k tmpfs "$CFG"; cp -a "$CFG.copy/." "$CFG"; rm -rf "$CFG.copy"; dd if=/dev/zero of="$CFG/fill" bs=4k 2>/dev/null || true"#;

#[test]
fn a_read_only_or_full_config_dir_keeps_the_old_credentials() {
    let cases = [
        ("read-only config dir", READ_ONLY, "Read-only file system"),
        ("full disk", FULL_DISK, "No space left"),
    ];
    for (case, script, needle) in cases {
        let mut env = keyring_env!();
        let toml = stored(&mut env);
        let Some(out) = in_namespace(
            &env,
            script,
            &["init", "--yes", "--access-token-stdin"],
            &format!("{NEW}\n"),
        ) else {
            return;
        };
        assert_eq!(out.code, 2, "{case}: {}", out.stderr);
        assert!(
            out.stderr.contains(needle),
            "{case}: `{needle}` not in:\n{}",
            out.stderr
        );
        assert!(!out.stderr.contains(NEW));
        // The keyring lives outside the namespace: the staged secrets must have been rolled back.
        assert_intact(&env, &toml, case);
    }
}

#[test]
fn verify_on_a_read_only_or_full_config_dir_passes_and_says_the_time_was_not_recorded() {
    let cases = [
        ("read-only config dir", READ_ONLY, "read-only file system"),
        ("full disk", FULL_DISK, "is full"),
    ];
    for (case, script, needle) in cases {
        let mut env = keyring_env!();
        let toml = stored(&mut env);
        let Some(out) = in_namespace(&env, script, &["verify"], "") else {
            return;
        };
        assert_eq!(out.code, 0, "{case}: the credentials passed: {}", out.stderr);
        assert!(
            out.stderr.contains("the time could not be recorded") && out.stderr.contains(needle),
            "{case}: `{needle}` not in:\n{}",
            out.stderr
        );
        // A reader needs no lock where nobody can write.
        let Some(token) = in_namespace(&env, script, &["token"], "") else {
            return;
        };
        assert_eq!(
            (token.code, token.stdout.trim()),
            (0, OLD),
            "{case}: {}",
            token.stderr
        );
        assert_eq!(env.profiles_toml(), toml, "{case}");
    }
}

//! `exec`: the variables reach the command, its exit code and signal come back, nesting is refused,
//! and `--stencil`'s file lives exactly as long as the command, also when bcsetup is signalled.

use std::time::{Duration, Instant};

use super::{NASTY, api_path, exec, read, with_profile};
use crate::support::{STORE, TestEnv};

#[test]
fn exec_adds_the_variables_and_keeps_the_environment() {
    let mut env = with_profile(NASTY);
    env.set_env("KEEP_ME", "kept");
    // A variable of another store from an outer `eval "$(bcsetup env)"` must not leak into this one.
    env.set_env("BIGCOMMERCE_CLIENT_SECRET", "stale-from-elsewhere");
    let script = r#"printf %s "$BIGCOMMERCE_ACCESS_TOKEN" > token.txt; env > env.txt"#;
    let out = exec(&env, &["--", "sh", "-c", script]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(read(&env.root.path().join("token.txt")), NASTY);
    let vars = read(&env.root.path().join("env.txt"));
    for line in [
        "KEEP_ME=kept".to_owned(),
        format!("BIGCOMMERCE_STORE_HASH={STORE}"),
        "BIGCOMMERCE_CLIENT_ID=cid-1".to_owned(),
        format!("BIGCOMMERCE_API_PATH={}", api_path(STORE)),
        format!("BCSETUP_PROFILE_ACTIVE={}", env.profile),
    ] {
        assert!(vars.lines().any(|l| l == line), "missing `{line}` in:\n{vars}");
    }
    assert!(!vars.contains("stale-from-elsewhere"), "{vars}");
}

#[test]
fn exec_passes_exit_codes_and_signals_on() {
    let env = with_profile("SENTINELexitcodes1");
    assert_eq!(exec(&env, &["--", "sh", "-c", "exit 42"]).code, 42);
    assert_eq!(exec(&env, &["--", "true"]).code, 0);
    #[cfg(unix)]
    assert_eq!(exec(&env, &["--", "sh", "-c", "kill -TERM $$"]).code, 143);
    let missing = exec(&env, &["--", "no-such-program-bcsetup"]);
    assert_eq!(missing.code, 127, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("could not run `no-such-program-bcsetup`"),
        "{}",
        missing.stderr
    );
    // The child's own silence is passed through: a failing child adds no bcsetup error line.
    assert!(!exec(&env, &["--", "false"]).stderr.contains("error"));
}

#[test]
fn exec_refuses_to_nest() {
    let mut env = with_profile("SENTINELnesting01");
    let bin = assert_cmd::cargo::cargo_bin("bcsetup");
    let bin = bin.to_str().expect("UTF-8 path");
    let nested = exec(&env, &["--", bin, "exec", "--", "true"]);
    assert_eq!(nested.code, 2, "{}", nested.stderr);
    assert!(
        nested.stderr.contains("BCSETUP_PROFILE_ACTIVE"),
        "{}",
        nested.stderr
    );
    env.set_env("BCSETUP_PROFILE_ACTIVE", "outer");
    let out = exec(&env, &["--", "true"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`outer`"), "{}", out.stderr);
}

#[test]
fn exec_stencil_file_exists_only_while_the_command_runs() {
    let env = with_profile(NASTY);
    let theme = env.root.path().join("theme");
    std::fs::create_dir(&theme).unwrap();
    let script =
        "cat theme/secrets.stencil.json > copy.json; ls -l theme/secrets.stencil.json > mode.txt; exit 3";
    let out = exec(&env, &["--stencil", "theme", "--", "sh", "-c", script]);
    assert_eq!(
        out.code, 3,
        "a failing command still gets its code: {}",
        out.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&read(&env.root.path().join("copy.json"))).unwrap();
    assert_eq!(json, serde_json::json!({ "accessToken": NASTY }));
    #[cfg(unix)]
    assert!(read(&env.root.path().join("mode.txt")).starts_with("-rw------- "));
    assert!(
        !theme.join("secrets.stencil.json").exists(),
        "left behind after the command"
    );
    assert_eq!(std::fs::read_dir(&theme).unwrap().count(), 0);
}

#[test]
fn exec_stencil_never_replaces_an_existing_file() {
    let env = with_profile("SENTINELstencilx01");
    let theme = env.root.path().join("theme");
    std::fs::create_dir(&theme).unwrap();
    std::fs::write(theme.join("secrets.stencil.json"), "{\"accessToken\": \"mine\"}").unwrap();
    let out = exec(&env, &["--stencil", "theme", "--", "sh", "-c", "touch ran.txt"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert!(
        !env.root.path().join("ran.txt").exists(),
        "the command ran anyway"
    );
    assert_eq!(
        read(&theme.join("secrets.stencil.json")),
        "{\"accessToken\": \"mine\"}"
    );
    let missing = exec(&env, &["--stencil", "no-such-dir", "--", "true"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
}

/// Start `exec --stencil theme -- sleep 30`, wait for it, check the file is private, send `signal`
/// to bcsetup (not to the child), and return bcsetup's exit code once the file is gone.
#[cfg(unix)]
fn signal_during_stencil(env: &TestEnv, signal: &str) -> i32 {
    let theme = env.root.path().join("theme");
    std::fs::create_dir_all(&theme).unwrap();
    let file = theme.join("secrets.stencil.json");
    let started = env.root.path().join("started");
    let _ = std::fs::remove_file(&started);
    let mut child = env
        .std_cmd(&[
            "exec",
            "--stencil",
            "theme",
            "--",
            "sh",
            "-c",
            "touch started; exec sleep 30",
        ])
        .current_dir(env.root.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn bcsetup");
    let deadline = Instant::now() + Duration::from_secs(20);
    // Once the command runs (not merely once the file exists), so the signal finds it.
    while !started.exists() {
        assert!(Instant::now() < deadline, "the command never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let sent = std::process::Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("bcsetup did not end after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!file.exists(), "the stencil file survived SIG{signal}");
    status
        .code()
        .expect("bcsetup exited (was not killed by the signal)")
}

#[cfg(unix)]
#[test]
fn exec_stencil_file_is_removed_when_bcsetup_is_interrupted() {
    let env = with_profile("SENTINELsigint0001");
    // The signal is passed on to the child, which dies of it: 128 + 2.
    assert_eq!(signal_during_stencil(&env, "INT"), 130);
    assert_eq!(signal_during_stencil(&env, "TERM"), 143);
    assert_eq!(signal_during_stencil(&env, "HUP"), 129);
}

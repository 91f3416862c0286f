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
        format!("BIGCOMMERCE_API_PATH={}", api_path(&env, STORE)),
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
fn exec_stencil_never_replaces_a_file_with_a_token() {
    let env = with_profile("SENTINELstencilx01");
    let theme = env.root.path().join("theme");
    std::fs::create_dir(&theme).unwrap();
    std::fs::write(theme.join("secrets.stencil.json"), "{\"accessToken\": \"mine\"}").unwrap();
    let out = exec(&env, &["--stencil", "theme", "--", "sh", "-c", "touch ran.txt"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("already holds an accessToken"),
        "{}",
        out.stderr
    );
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
/// to bcsetup (not to the child), and return bcsetup's exit code once the file is gone and the child
/// has ended (not orphaned).
#[cfg(unix)]
pub(super) fn signal_during_stencil(env: &TestEnv, signal: &str) -> i32 {
    signal_during_stencil_then(env, signal, None)
}

/// `signal_during_stencil`, for a theme folder whose secrets file held `kept` before the run: then
/// the file must hold exactly those bytes again afterwards (`None`: the file must be gone).
///
/// bcsetup keeps a signal it was started with ignored ignored (`nohup`), on purpose; a test runner
/// that ignores one (`nohup cargo test`) would otherwise hang here for the whole deadline and fail
/// with "did not end". So bcsetup is started with the signal at its default (GNU `env
/// --default-signal`) when this process ignores it.
#[cfg(unix)]
pub(crate) fn signal_during_stencil_then(env: &TestEnv, signal: &str, kept: Option<&[u8]>) -> i32 {
    let theme = env.root.path().join("theme");
    std::fs::create_dir_all(&theme).unwrap();
    let file = theme.join("secrets.stencil.json");
    let started = env.root.path().join("started");
    let _ = std::fs::remove_file(&started);
    let args = [
        "exec",
        "--stencil",
        "theme",
        "--",
        "sh",
        "-c",
        // The pid appears at once, complete (rename), and only once the command runs.
        "echo $$ > started.new; mv started.new started; exec sleep 30",
    ];
    let mut cmd = env.std_cmd(&args);
    if ignored_here(signal) {
        cmd = with_default_signal(&cmd, signal);
    }
    let mut child = cmd
        .current_dir(env.root.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn bcsetup");
    // Generous: under load (a full suite beside other builds on two cores) a debug bcsetup can take
    // seconds to start; a pass takes milliseconds whatever the deadline.
    let deadline = Instant::now() + Duration::from_secs(60);
    // Once the command runs (not merely once the file exists), so the signal finds it.
    while !started.exists() {
        assert!(Instant::now() < deadline, "the command never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let grandchild = read(&started).trim().to_owned();
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
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &grandchild])
                .status();
            panic!(
                "bcsetup did not end after SIG{signal} (ignored here: {})",
                ignored_here(signal)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let alive = std::process::Command::new("kill")
        .args(["-0", &grandchild])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    if alive.success() {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &grandchild])
            .status();
        panic!("SIG{signal}: bcsetup ended but the command (pid {grandchild}) runs on, orphaned");
    }
    match kept {
        None => assert!(!file.exists(), "the stencil file survived SIG{signal}"),
        Some(bytes) => assert_eq!(
            std::fs::read(&file).ok().as_deref(),
            Some(bytes),
            "the secrets file was not put back after SIG{signal}"
        ),
    }
    status
        .code()
        .unwrap_or_else(|| panic!("bcsetup was killed by SIG{signal} ({status:?}) instead of exiting"))
}

/// The number of a signal on this system (`QUIT` → 3 on Linux).
#[cfg(unix)]
pub(super) fn signal_number(name: &str) -> i32 {
    let signal: nix::sys::signal::Signal = format!("SIG{name}")
        .parse()
        .unwrap_or_else(|e| panic!("SIG{name}: {e}"));
    signal as i32
}

/// Whether this test process ignores `signal` (so its children start with it ignored); Linux only.
#[cfg(unix)]
fn ignored_here(signal: &str) -> bool {
    let number = u32::try_from(signal_number(signal)).ok();
    let mask = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("SigIgn:"))
                .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        })
        .unwrap_or(0);
    number.is_some_and(|n| (1..=64).contains(&n) && mask & (1 << (n - 1)) != 0)
}

/// `cmd` run through `env --default-signal=SIG`, which resets an inherited ignore before bcsetup starts.
#[cfg(unix)]
fn with_default_signal(cmd: &std::process::Command, signal: &str) -> std::process::Command {
    let supported = std::process::Command::new("env")
        .args([format!("--default-signal={signal}"), "true".into()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        supported,
        "this test process ignores SIG{signal} (nohup?) and `env --default-signal` is missing: run the \
         test with SIG{signal} at its default"
    );
    let mut wrapped = std::process::Command::new("env");
    wrapped
        .arg(format!("--default-signal={signal}"))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    wrapped.env_clear();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            wrapped.env(key, value);
        }
    }
    wrapped
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

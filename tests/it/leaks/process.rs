//! What a bcsetup process shows besides its output: panic messages (on failures and closed pipes),
//! a corrupt secrets file's contents, and `/proc/<pid>/cmdline` of a running `init` and of the
//! command `exec` runs.

use std::io::Write as _;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Fault, Level, STORE, TestEnv, TokenSpec};

#[test]
fn a_corrupt_secrets_file_is_reported_without_its_contents() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELleakFileStore1");
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    let file = env.config_dir().join("secrets").join(format!("{profile}.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(&token),
        "the insecure store keeps the token in this file"
    );
    // A torn line right after the token: a TOML error would quote it.
    std::fs::write(&file, format!("{text}{token} = [\n")).unwrap();
    for args in [
        &["token"][..],
        &["env", "--json"],
        &["exec", "-v", "--", "true"],
        &["verify", "-v"],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, 6, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("not a valid secrets file"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn nothing_panics_on_failure_or_on_a_closed_pipe() {
    let mut env = TestEnv::new();
    env.set_env("RUST_BACKTRACE", "1");
    let token = env.token("SENTINELleakPanic00001", TokenSpec::all(STORE, Level::ReadOnly));
    let profile = env.profile.clone();
    for (args, code) in [
        (&["verify"][..], 7),
        (&["token", "--profile", "nosuch"], 7),
        (&["init", "--no-input"], 2),
        (&["init", "--json", "--name", "ab"], 2),
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    }
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    env.fake.fail_next(1000, Fault::InvalidJson);
    let out = env.run(&["verify", "-v", "--json"], "");
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    // Output into a pipe nobody reads any more (`bcsetup token | head -c0`): EPIPE, not a panic. The
    // reader (`true`) is gone before bcsetup starts writing.
    for args in [
        &["token"][..],
        &["env"],
        &["status", "--json"],
        &["status"],
        &["completions", "bash"],
        &["man"],
    ] {
        let std = env.std_cmd(args);
        let mut sh = std::process::Command::new("sh");
        sh.env_clear()
            .envs(std.get_envs().filter_map(|(k, v)| Some((k, v?))));
        sh.args(["-c", r#"(sleep 0.3; "$0" "$@"; echo "exit=$?" >&2) | true"#])
            .arg(std.get_program());
        let out = sh.args(std.get_args()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains("exit=0"), "{args:?}: {stderr}");
        assert!(!stderr.contains(&token), "{args:?}");
    }
}

/// The command line of a process (NUL-separated arguments).
fn cmdline(pid: u32) -> String {
    String::from_utf8_lossy(&std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default()).into_owned()
}

/// The environment of a process: "" once it has ended. bcsetup is not dumpable, so when the tests do
/// not run as root its environment is unreadable even to its own user, which is the stronger
/// protection: that is said, and is no silent pass.
fn environ(pid: u32) -> String {
    match std::fs::read(format!("/proc/{pid}/environ")) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            eprintln!("/proc/{pid}/environ is unreadable (bcsetup is not dumpable): nothing to leak");
            String::new()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(3) => String::new(),
        Err(e) => panic!("/proc/{pid}/environ: {e}"),
    }
}

/// The direct children of `pid`, from the fourth field of every `/proc/N/stat`.
fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|n| {
            let stat = std::fs::read_to_string(format!("/proc/{n}/stat")).unwrap_or_default();
            // `comm` may hold spaces and parentheses: the fields that follow start after the last `)`.
            let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) == Some(pid)
        })
        .collect()
}

/// Poll `ready` every 10 ms for at most 20 s.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn finish(mut child: Child) -> i32 {
    let status = child.wait().unwrap();
    status.code().unwrap_or(-1)
}

#[test]
fn a_running_init_shows_no_secret_in_its_command_line() {
    for via_env in [false, true] {
        let mut env = TestEnv::new();
        let token = env.token("SENTINELleakCmdline001", TokenSpec::all(STORE, Level::ReadOnly));
        // Slow answers keep bcsetup running while its /proc entry is read.
        env.fake.set_latency(Duration::from_millis(800));
        let mut args = vec![
            "init",
            "--token-type",
            "api",
            "--name",
            "Cmdline check",
            "--access",
            "read-only",
            "--store-hash",
            STORE,
            "--insecure-storage",
            "--yes",
        ];
        let mut cmd = env.std_cmd(&[]);
        if via_env {
            cmd.env("BCSETUP_ACCESS_TOKEN", &token).stdin(Stdio::null());
        } else {
            args.push("--access-token-stdin");
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(format!("{token}\n").as_bytes()).unwrap();
        }
        let pid = child.id();
        wait_for("the first request", || !env.fake.requests().is_empty());
        let line = cmdline(pid);
        assert!(line.contains("Cmdline check"), "read the right process: {line:?}");
        assert!(
            !line.contains(&token),
            "the token is in bcsetup's command line: {line:?}"
        );
        if !via_env {
            assert!(
                !environ(pid).contains(&token),
                "the token is in bcsetup's environment"
            );
        }
        for kid in children(pid) {
            assert!(
                !cmdline(kid).contains(&token),
                "the token is in a child's command line"
            );
        }
        assert_eq!(finish(child), 0, "via_env = {via_env}");
    }
}

#[test]
fn exec_and_its_command_show_no_secret_in_their_command_lines() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELleakExecCmd001");
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    let stencil = env.root.path().join("theme");
    std::fs::create_dir(&stencil).unwrap();
    let stencil = stencil.to_string_lossy().into_owned();
    for args in [
        &["exec", "--", "sleep", "1"][..],
        &["exec", "--stencil", &stencil, "--", "sleep", "1"],
    ] {
        let child = env
            .std_cmd(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut kids = Vec::new();
        wait_for("the command to start", || {
            kids = children(pid);
            !kids.is_empty()
        });
        let kid = kids[0];
        wait_for("the command to exec sleep", || cmdline(kid).starts_with("sleep"));
        assert!(
            !cmdline(pid).contains(&token),
            "{args:?}: the token is in bcsetup's command line"
        );
        assert!(
            !environ(pid).contains(&token),
            "{args:?}: the token is in bcsetup's own environment"
        );
        let line = cmdline(kid);
        assert_eq!(line, "sleep\u{0}1\u{0}", "{args:?}");
        // The one channel that carries it: the command's environment (readable only by the same user).
        assert!(
            environ(kid).contains(&format!("BIGCOMMERCE_ACCESS_TOKEN={token}")),
            "{args:?}"
        );
        assert_eq!(finish(child), 0, "{args:?}");
    }
    assert!(!Path::new(&stencil).join("secrets.stencil.json").exists());
}

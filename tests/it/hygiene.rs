//! Process hygiene (issue 15): a token in a mistyped variable or a stray `--…` argument is not
//! echoed by parse errors, bcsetup never dumps core, the browser opener inherits no secret, and a
//! failed write to stdout is an error (a closed pipe is not).

use crate::support::{Outcome, STORE, TestEnv};

/// The shape of a BigCommerce access token (31 characters), marked so a leak is easy to find.
const TOKEN: &str = "SENTINELhyg1tok2en3abc4def5ghi6";

/// Run `args` with extra variables; `TOKEN` must appear in no output.
fn run_with(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Outcome {
    let mut cmd = env.cmd(args);
    cmd.envs(vars.iter().copied()).write_stdin(Vec::new());
    let out = env.run_data(&mut cmd, args);
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !text.contains(TOKEN),
            "{args:?} {vars:?} echoed the token on {stream}:\n{text}"
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Parse errors

#[test]
fn a_token_in_a_mistyped_variable_is_not_echoed() {
    let mut env = TestEnv::new();
    env.secret(TOKEN);
    // BCSETUP_ACCESS for BCSETUP_ACCESS_TOKEN, and the other variables that take a checked value.
    for var in [
        "BCSETUP_ACCESS",
        "BCSETUP_TOKEN_TYPE",
        "BCSETUP_STORE_HASH",
        "BCSETUP_API_PATH",
    ] {
        let out = run_with(&env, &["init", "--no-input"], &[(var, TOKEN)]);
        assert_eq!(out.code, 2, "{var}: {}", out.stderr);
        assert!(out.stderr.contains("error"), "{var}: {}", out.stderr);
    }
    let out = run_with(&env, &["init"], &[("BCSETUP_ACCESS", TOKEN)]);
    assert!(
        out.stderr.contains("'[value hidden]' for '--access"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_token_pasted_as_a_long_flag_is_not_echoed() {
    let mut env = TestEnv::new();
    env.secret(TOKEN);
    let flag = format!("--{TOKEN}");
    let with_value = format!("--{TOKEN}=x");
    for args in [
        &["init", flag.as_str()][..],
        &[flag.as_str()],
        &["status", with_value.as_str()],
        &["token", "--reveal", flag.as_str()],
    ] {
        let out = run_with(&env, args, &[]);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("unexpected argument"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_token_pasted_as_the_command_of_exec_is_not_echoed() {
    let mut env = TestEnv::new();
    let stored = env.token(
        "SENTINELhygexec001",
        crate::support::TokenSpec::all(STORE, crate::support::Level::ReadOnly),
    );
    let saved = env.init(&stored, &["--access", "read-only", "--insecure-storage"]);
    assert_eq!(saved.code, 0, "{}", saved.stderr);
    env.secret(TOKEN);
    let plain = TOKEN.replace("SENTINEL", "sentinel7");
    env.secret(&plain);
    let out = run_with(&env, &["exec", &plain], &[]);
    assert_eq!(out.code, 127, "{}", out.stderr);
    assert!(
        !out.stderr.contains(&plain) && out.stderr.contains("looks like a token"),
        "{}",
        out.stderr
    );
}

#[test]
fn short_typos_are_still_quoted() {
    let env = TestEnv::new();
    let out = run_with(&env, &["init", "--acess", "modify"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("'--acess'"), "{}", out.stderr);
    assert!(
        out.stderr.contains("a similar argument exists: '--access'"),
        "{}",
        out.stderr
    );
    let out = run_with(&env, &["init"], &[("BCSETUP_ACCESS", "modfy")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("'modfy'"), "{}", out.stderr);
    let out = run_with(&env, &["init", "--token-type", "oauth"], &[]);
    assert!(out.stderr.contains("'oauth'"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// Core dumps

/// `sh -c 'ulimit -c unlimited; exec PROGRAM ARGS…'`: a process allowed to dump core, in `dir`.
#[cfg(target_os = "linux")]
fn may_dump(
    dir: &std::path::Path,
    program: &std::ffi::OsStr,
    args: &[&std::ffi::OsStr],
) -> std::process::Command {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(r#"ulimit -c unlimited && exec "$0" "$@""#)
        .arg(program)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd
}

/// Wait for `path` to appear (the command under bcsetup has started) and return its text.
#[cfg(target_os = "linux")]
fn wait_for(path: &std::path::Path) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !path.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Send `signal` to `pid` with kill(1).
#[cfg(target_os = "linux")]
fn kill(signal: &str, pid: &str) {
    let _ = std::process::Command::new("kill")
        .args([format!("-{signal}"), pid.to_owned()])
        .stderr(std::process::Stdio::null())
        .status();
}

/// A core dump would hold the token in clear text: killed by SIGTRAP (which dumps core by default,
/// and which neither bcsetup nor Rust's runtime catches; the runtime's SIGSEGV handler swallows a
/// first SIGSEGV sent by `kill`), bcsetup dumps none, even with `ulimit -c unlimited`, while a process of the
/// same setup does (the control), and so does `exec`'s command (the flag does not survive `execve`).
#[cfg(target_os = "linux")]
#[test]
fn bcsetup_never_dumps_core_but_its_command_may() {
    use std::os::unix::process::ExitStatusExt;

    let mut env = TestEnv::new();
    let token = env.secret(TOKEN);
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    let dir = env.root.path().join("cores");
    std::fs::create_dir(&dir).unwrap();
    let mut control = may_dump(&dir, "sleep".as_ref(), &["30".as_ref()])
        .spawn()
        .expect("sleep");
    std::thread::sleep(std::time::Duration::from_millis(200));
    kill("TRAP", &control.id().to_string());
    let status = control.wait().unwrap();
    if !status.core_dumped() {
        crate::support::skip(&format!(
            "this system dumps no core even with `ulimit -c unlimited` ({status:?}, core_pattern {:?})",
            std::fs::read_to_string("/proc/sys/kernel/core_pattern")
                .unwrap_or_default()
                .trim()
        ));
        return;
    }

    let bcsetup = env.std_cmd(&[
        "exec",
        "--",
        "sh",
        "-c",
        "echo $$ > pid.new; mv pid.new pid; exec sleep 30",
    ]);
    let args: Vec<&std::ffi::OsStr> = bcsetup.get_args().collect();
    let mut cmd = may_dump(&dir, bcsetup.get_program(), &args);
    cmd.env_clear()
        .envs(bcsetup.get_envs().filter_map(|(k, v)| Some((k, v?))));
    let mut child = cmd.spawn().expect("bcsetup");
    let command = wait_for(&dir.join("pid"));
    kill("TRAP", &child.id().to_string());
    let status = child.wait().unwrap();
    kill("KILL", &command);
    assert_eq!(status.signal(), Some(5), "{status:?}");
    assert!(!status.core_dumped(), "bcsetup dumped core: {status:?}");

    // The command is dumpable again: with a plain `core` pattern its core file lands in the dir.
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap_or_default();
    if !pattern.trim().starts_with("core") || pattern.contains('/') {
        crate::support::skip(&format!(
            "core files go elsewhere (core_pattern {:?})",
            pattern.trim()
        ));
        return;
    }
    let cores = |dir: &std::path::Path| {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("core"))
            .count()
    };
    let fresh = dir.join("command");
    std::fs::create_dir(&fresh).unwrap();
    let out = may_dump(
        &fresh,
        bcsetup.get_program(),
        &[
            "exec".as_ref(),
            "--".as_ref(),
            "sh".as_ref(),
            "-c".as_ref(),
            "kill -SEGV $$".as_ref(),
        ],
    )
    .env_clear()
    .envs(bcsetup.get_envs().filter_map(|(k, v)| Some((k, v?))))
    .status()
    .unwrap();
    assert_eq!(out.code(), Some(139), "{out:?}");
    assert_eq!(cores(&fresh), 1, "the command's core file is missing");
}

// ---------------------------------------------------------------------------------------------
// The browser opener

/// The wizard's "Open … in your browser?" runs `xdg-open` (here a script first on PATH that writes
/// its environment to a file): it gets the URL and the user's environment, but none of the secrets
/// bcsetup was given, nor the `BIGCOMMERCE_*` variables of an outer `eval "$(bcsetup env)"`.
#[cfg(target_os = "linux")]
#[test]
fn the_browser_opener_inherits_no_secret() {
    use std::os::unix::fs::PermissionsExt;

    use expectrl::Expect;

    let mut env = TestEnv::new();
    let secrets = [
        ("BCSETUP_CLIENT_SECRET", env.secret("SENTINELhygClientSecret1")),
        ("BIGCOMMERCE_ACCESS_TOKEN", env.secret("SENTINELhygOuterToken01")),
        ("BIGCOMMERCE_CLIENT_SECRET", env.secret("SENTINELhygOuterSecret1")),
    ];
    let bin = env.root.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let dump = env.root.path().join("opener-env.txt");
    let opener = bin.join("xdg-open");
    let script = format!("#!/bin/sh\n{{ echo \"URL=$1\"; env; }} > '{}'\n", dump.display());
    std::fs::write(&opener, script).unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();

    // No keyring in this world: without the flag, `init` would ask about storage first.
    let mut args = crate::support::pty::PRESET.to_vec();
    args.push("--insecure-storage");
    let mut cmd = env.std_cmd(&args);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin.clone()];
    paths.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(paths).unwrap())
        .env("DISPLAY", ":99")
        .env("KEEP_ME", "kept")
        .envs(secrets.iter().map(|(k, v)| (*k, v.as_str())));
    let mut session = expectrl::Session::spawn(cmd).expect("spawn on a PTY");
    session
        .get_process_mut()
        .set_window_size(200, 50)
        .expect("window size");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    session.expect("browser?").expect("the browser offer");
    session.send("y").expect("answer");
    session
        .expect(crate::support::pty::SHOWN_ONCE)
        .expect("the next step");
    session.send("\x03").expect("Ctrl-C");
    let _ = session.expect(expectrl::Eof);
    let _ = session.get_process().wait();

    let seen = std::fs::read_to_string(&dump).expect("xdg-open ran");
    assert!(
        seen.lines()
            .any(|l| l.starts_with("URL=https://store-abc123.mybigcommerce.com/")),
        "{seen}"
    );
    assert!(seen.lines().any(|l| l == "KEEP_ME=kept"), "{seen}");
    for (name, value) in &secrets {
        assert!(!seen.contains(value.as_str()), "the opener got {name}:\n{seen}");
    }
    for name in ["BCSETUP_ACCESS_TOKEN", "BCSETUP_CLIENT_SECRET", "BIGCOMMERCE_"] {
        assert!(!seen.contains(name), "the opener got {name}:\n{seen}");
    }
}

// ---------------------------------------------------------------------------------------------
// Write errors on stdout

/// Run `args` with stdout going to `stdout`; returns the exit code and stderr.
fn run_to(env: &TestEnv, args: &[&str], stdout: std::process::Stdio) -> (Option<i32>, String) {
    let out = env
        .std_cmd(args)
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .output()
        .expect("run bcsetup");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains(TOKEN),
        "{args:?} leaked the token on stderr:\n{stderr}"
    );
    (out.status.code(), stderr)
}

/// The commands whose product is stdout, with a profile to print.
const DATA_COMMANDS: [&[&str]; 7] = [
    &["token"],
    &["token", "--json"],
    &["env"],
    &["env", "--format", "dotenv"],
    &["status", "--json"],
    &["scopes"],
    &["scopes", "--json"],
];

/// `bcsetup token > /dev/full` lost the token: that is exit 1 with the reason on stderr, never 0.
#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_is_exit_1() {
    let mut env = TestEnv::new();
    let token = env.secret(TOKEN);
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    let mut all: Vec<&[&str]> = DATA_COMMANDS.to_vec();
    all.extend([&["completions", "bash"][..], &["--help"], &["--version"]]);
    for args in all {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let (code, stderr) = run_to(&env, args, full.into());
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("could not write to stdout"), "{args:?}: {stderr}");
    }
}

/// A reader that went away (`bcsetup token | head -c0`) is its choice: no message, exit 0.
#[test]
fn a_closed_pipe_on_stdout_is_quiet() {
    let mut env = TestEnv::new();
    let token = env.secret(TOKEN);
    let profile = env.profile.clone();
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
    for args in DATA_COMMANDS {
        // The reading end is closed before bcsetup starts, so its first write fails with EPIPE.
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let (code, stderr) = run_to(&env, args, writer.into());
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        // Only the notes a run prints anyway (the .env warning), nothing about the pipe.
        for word in ["error", "write", "pipe", "panicked"] {
            assert!(!stderr.to_lowercase().contains(word), "{args:?}: {stderr}");
        }
    }
}

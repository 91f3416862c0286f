//! `token`, `env` and `exec`: credentials handed to other programs, for one profile or two side by
//! side. Most tests keep the secrets in `--insecure-storage` files so they run without a keyring; the
//! keyring itself is covered by the two-profile test.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::keyring_env;
use crate::support::{OTHER_STORE, Outcome, STORE, TestEnv, have, skip};

/// A token full of shell metacharacters: printable ASCII without spaces, as bcsetup accepts.
const NASTY: &str = r#"SENTINEL'"$HOME`id`\n!#;|&*?(){}[]<>~%^=,:@+"#;

fn api_path(store: &str) -> String {
    format!("https://api.bigcommerce.com/stores/{store}/v3/")
}

/// An env with one offline profile in `--insecure-storage`, holding `token`.
fn with_profile(token: &str) -> TestEnv {
    let mut env = TestEnv::new();
    let token = env.secret(token);
    let profile = env.profile.clone();
    env.init_offline(
        &profile,
        STORE,
        &token,
        &["--insecure-storage", "--client-id", "cid-1"],
        &[],
    );
    env
}

fn exec(env: &TestEnv, args: &[&str]) -> Outcome {
    let mut all = vec!["exec"];
    all.extend_from_slice(args);
    let mut cmd = env.cmd(&all);
    cmd.current_dir(env.root.path());
    env.run_data(&mut cmd, &all)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn token_prints_exactly_the_token_for_pipes() {
    let env = with_profile(NASTY);
    let out = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{NASTY}\n"));
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn token_refuses_on_a_terminal_unless_revealed() {
    use expectrl::process::unix::WaitStatus;
    use expectrl::{Eof, Expect};

    let env = with_profile("SENTINELptytoken01");
    let mut session = expectrl::Session::spawn(env.std_cmd(&["token"])).expect("spawn on a PTY");
    let seen = session.expect(Eof).expect("output until EOF");
    let text = String::from_utf8_lossy(seen.as_bytes()).into_owned();
    assert!(
        !text.contains("SENTINELptytoken01"),
        "token shown on a terminal:\n{text}"
    );
    assert!(text.contains("--reveal") && text.contains("pipe"), "{text}");
    let status = session.get_process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 2)), "{status:?}\n{text}");

    let mut session = expectrl::Session::spawn(env.std_cmd(&["token", "--reveal"])).expect("spawn on a PTY");
    let seen = session.expect(Eof).expect("output until EOF");
    let text = String::from_utf8_lossy(seen.as_bytes()).into_owned();
    assert!(text.contains("SENTINELptytoken01"), "{text}");
    let status = session.get_process().wait().expect("wait");
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}\n{text}");
}

#[test]
fn env_for_sh_round_trips_shell_metacharacters() {
    let env = with_profile(NASTY);
    let out = env.run_data(&mut env.cmd(&["env"]), &["env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = env.root.path().join("env.sh");
    std::fs::write(&file, &out.stdout).unwrap();
    let script = r#"eval "$(cat "$1")"; printf '%s\n%s\n%s\n%s' "$BIGCOMMERCE_STORE_HASH" "$BIGCOMMERCE_CLIENT_ID" "$BIGCOMMERCE_API_PATH" "$BIGCOMMERCE_ACCESS_TOKEN""#;
    let shell = std::process::Command::new("sh")
        .args(["-c", script, "sh"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        shell.status.success(),
        "{}",
        String::from_utf8_lossy(&shell.stderr)
    );
    let expected = format!("{STORE}\ncid-1\n{}\n{NASTY}", api_path(STORE));
    assert_eq!(String::from_utf8_lossy(&shell.stdout), expected);
}

#[test]
fn env_for_fish_round_trips_shell_metacharacters() {
    if !have("fish") {
        skip("fish is not installed");
        return;
    }
    let env = with_profile(NASTY);
    let out = env.run_data(&mut env.cmd(&["env", "--format", "fish"]), &["env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = env.root.path().join("env.fish");
    std::fs::write(&file, &out.stdout).unwrap();
    let fish = std::process::Command::new("fish")
        .args([
            "--no-config",
            "-c",
            "source $argv[1]; printf '%s' $BIGCOMMERCE_ACCESS_TOKEN",
        ])
        .arg(&file)
        .env("HOME", env.root.path())
        .output()
        .unwrap();
    assert!(fish.status.success(), "{}", String::from_utf8_lossy(&fish.stderr));
    assert_eq!(String::from_utf8_lossy(&fish.stdout), NASTY);
}

#[test]
fn env_for_powershell_round_trips_shell_metacharacters() {
    if !have("pwsh") {
        skip("pwsh (PowerShell) is not installed");
        return;
    }
    let env = with_profile(NASTY);
    let out = env.run_data(&mut env.cmd(&["env", "--format", "powershell"]), &["env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = env.root.path().join("env.ps1");
    let script = format!(
        "{}[Console]::Out.Write($Env:BIGCOMMERCE_ACCESS_TOKEN)\n",
        out.stdout
    );
    std::fs::write(&file, script).unwrap();
    let pwsh = std::process::Command::new("pwsh")
        .args(["-NoProfile", "-NonInteractive", "-File"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(pwsh.status.success(), "{}", String::from_utf8_lossy(&pwsh.stderr));
    assert_eq!(String::from_utf8_lossy(&pwsh.stdout), NASTY);
}

#[test]
fn env_formats_dotenv_and_json() {
    let env = with_profile(NASTY);
    let out = env.run_data(&mut env.cmd(&["env", "--format", "dotenv"]), &["env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with(&format!("BIGCOMMERCE_STORE_HASH='{STORE}'\n")),
        "{}",
        out.stdout
    );
    // A token with `'` and `\` is double-quoted with escapes.
    assert!(
        out.stdout
            .contains(r#"BIGCOMMERCE_ACCESS_TOKEN="SENTINEL'\"\$HOME`id`\\n!"#),
        "{}",
        out.stdout
    );
    let out = env.run_data(&mut env.cmd(&["env", "--json"]), &["env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let vars = &out.json()["variables"];
    assert_eq!(vars["BIGCOMMERCE_ACCESS_TOKEN"], NASTY);
    assert_eq!(vars["BIGCOMMERCE_API_PATH"], api_path(STORE).as_str());
    assert!(vars.get("BIGCOMMERCE_CLIENT_SECRET").is_none(), "{vars}");
}

#[test]
fn client_secret_only_with_the_flag() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELcsectoken1");
    let secret = env.secret("SENTINELclientsecret1");
    let profile = env.profile.clone();
    env.init_offline(
        &profile,
        STORE,
        &token,
        &["--insecure-storage"],
        &[("BCSETUP_CLIENT_SECRET", &secret)],
    );
    let plain = env.run_data(&mut env.cmd(&["env"]), &["env"]);
    assert!(!plain.stdout.contains("CLIENT_SECRET"), "{}", plain.stdout);
    assert!(
        !plain.stdout.contains("CLIENT_ID"),
        "no client ID was given: {}",
        plain.stdout
    );
    let with = env.run_data(&mut env.cmd(&["env", "--include-client-secret"]), &["env"]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert!(
        with.stdout
            .contains(&format!("export BIGCOMMERCE_CLIENT_SECRET='{secret}'")),
        "{}",
        with.stdout
    );
    let child = exec(
        &env,
        &[
            "--include-client-secret",
            "--",
            "sh",
            "-c",
            r#"printf %s "$BIGCOMMERCE_CLIENT_SECRET""#,
        ],
    );
    assert_eq!(child.stdout, secret);

    // A profile that never kept one: asking for it is an input error, not a storage failure.
    let other = format!("{}-nosecret", env.profile);
    env.init_offline(&other, STORE, &token, &["--insecure-storage"], &[]);
    let args = ["env", "--profile", &other, "--include-client-secret"];
    let out = env.run_data(&mut env.cmd(&args), &args);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("has no client secret"), "{}", out.stderr);
}

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

#[test]
fn two_profiles_for_two_stores_side_by_side() {
    let mut env = keyring_env!();
    let a = env.profile.clone();
    let b = format!("{a}-other");
    let token_a = env.secret("SENTINELstoreA0001");
    let token_b = env.secret("SENTINELstoreB0002");
    env.init_offline(&a, STORE, &token_a, &[], &[]);
    env.init_offline(&b, OTHER_STORE, &token_b, &["--client-id", "cid-b"], &[]);
    // BCSETUP_PROFILE (set to `a` by TestEnv) is the default; --profile picks the other.
    let out = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(out.stdout, format!("{token_a}\n"), "{}", out.stderr);
    let out = env.run_data(&mut env.cmd(&["token", "--profile", &b]), &["token"]);
    assert_eq!(out.stdout, format!("{token_b}\n"), "{}", out.stderr);
    let show = r#"printf '%s %s %s' "$BIGCOMMERCE_STORE_HASH" "$BIGCOMMERCE_ACCESS_TOKEN" "${BIGCOMMERCE_CLIENT_ID:-none}""#;
    let out = exec(&env, &["--", "sh", "-c", show]);
    assert_eq!(out.stdout, format!("{STORE} {token_a} none"), "{}", out.stderr);
    let out = exec(&env, &["--profile", &b, "--", "sh", "-c", show]);
    assert_eq!(
        out.stdout,
        format!("{OTHER_STORE} {token_b} cid-b"),
        "{}",
        out.stderr
    );
    let status = env.run(&["status", "--json"], "").json();
    let names: Vec<&str> = status["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, [a.as_str(), b.as_str()]);
    // Removing one leaves the other working.
    assert_eq!(env.run(&["remove", "--profile", &b, "--yes"], "").code, 0);
    let out = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(out.stdout, format!("{token_a}\n"), "{}", out.stderr);
    assert_eq!(env.keyring_token().as_deref(), Some(token_a.as_str()));
}

#[test]
fn unknown_profile_is_exit_7_for_every_profile_command() {
    let env = TestEnv::new();
    for args in [
        &["token"][..],
        &["token", "--reveal"],
        &["env"],
        &["env", "--format", "fish"],
        &["exec", "--", "true"],
        &["remove", "--yes"],
        &["remove"],
        &["verify"],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, 7, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("no profile named"),
            "{args:?}: {}",
            out.stderr
        );
        // Right after the subcommand: after `exec --` it would belong to the command.
        let mut json = vec![args[0], "--json"];
        json.extend_from_slice(&args[1..]);
        let out = env.run(&json, "");
        assert_eq!(out.code, 7, "{json:?}: {}", out.stderr);
        assert_eq!(out.json()["error"]["code"], 7, "{json:?}");
    }
}

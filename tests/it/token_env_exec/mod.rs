//! `token`, `env` and `exec`: credentials handed to other programs, for one profile or two side by
//! side. Most tests keep the secrets in `--insecure-storage` files so they run without a keyring; the
//! keyring itself is covered by the two-profile test. `exec` has its own file.

mod exec;
mod hostile;
mod signals;

#[cfg(unix)]
pub(crate) use exec::signal_during_stencil_then;

use std::path::Path;

use crate::keyring_env;
use crate::support::{OTHER_STORE, Outcome, STORE, TestEnv, have, skip};

/// A token full of shell metacharacters: printable ASCII without spaces, as bcsetup accepts.
pub(crate) const NASTY: &str = r#"SENTINEL'"$HOME`id`\n!#;|&*?(){}[]<>~%^=,:@+"#;

/// The API path handed to programs: where bcsetup sends requests, here the fake (`BCSETUP_API_BASE`).
pub(crate) fn api_path(env: &TestEnv, store: &str) -> String {
    format!("{}/stores/{store}/v3/", env.fake.base_url())
}

/// An env with one offline profile in `--insecure-storage`, holding `token`.
pub(crate) fn with_profile(token: &str) -> TestEnv {
    let mut env = TestEnv::new();
    let token = env.secret(token);
    let profile = env.profile.clone();
    env.init_offline(
        &profile,
        STORE,
        &token,
        &["--insecure-storage", "--client-id", "cid-1"],
    );
    env
}

pub(crate) fn exec(env: &TestEnv, args: &[&str]) -> Outcome {
    let mut all = vec!["exec"];
    all.extend_from_slice(args);
    let mut cmd = env.cmd(&all);
    cmd.current_dir(env.root.path());
    env.run_data(&mut cmd, &all)
}

pub(crate) fn read(path: &Path) -> String {
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
    let expected = format!("{STORE}\ncid-1\n{}\n{NASTY}", api_path(&env, STORE));
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
            .contains(r#"BIGCOMMERCE_ACCESS_TOKEN="SENTINEL'\"\$HOME\`id\`\\n!"#),
        "{}",
        out.stdout
    );
    let out = env.run_data(&mut env.cmd(&["env", "--json"]), &["env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let vars = &out.json()["variables"];
    assert_eq!(vars["BIGCOMMERCE_ACCESS_TOKEN"], NASTY);
    assert_eq!(vars["BIGCOMMERCE_API_PATH"], api_path(&env, STORE).as_str());
    assert!(vars.get("BIGCOMMERCE_CLIENT_SECRET").is_none(), "{vars}");
}

#[test]
fn client_secret_only_with_the_flag() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELcsectoken1");
    let secret = env.secret("SENTINELclientsecret1");
    let profile = env.profile.clone();
    // The other profile first: the secret below stays in every later run's environment.
    let other = format!("{}-nosecret", env.profile);
    env.init_offline(&other, STORE, &token, &["--insecure-storage"]);
    env.set_env("BCSETUP_CLIENT_SECRET", &secret);
    env.init_offline(&profile, STORE, &token, &["--insecure-storage"]);
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
    let args = ["env", "--profile", &other, "--include-client-secret"];
    let out = env.run_data(&mut env.cmd(&args), &args);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("has no client secret"), "{}", out.stderr);
}

#[test]
fn two_profiles_for_two_stores_side_by_side() {
    let mut env = keyring_env!();
    let a = env.profile.clone();
    let b = format!("{a}-other");
    let token_a = env.secret("SENTINELstoreA0001");
    let token_b = env.secret("SENTINELstoreB0002");
    env.init_offline(&a, STORE, &token_a, &[]);
    env.init_offline(&b, OTHER_STORE, &token_b, &["--client-id", "cid-b"]);
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

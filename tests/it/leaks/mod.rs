//! Secret leakage (issue 6): a sentinel access token and client secret appear in no output of any
//! command — stdout, stderr, `--verbose`, `--json`, failure paths, panics — and in no file under the
//! config dir, except where they are the product: `token` and `env` on stdout, `exec` in the child's
//! environment. `TestEnv::run` greps every output and every file for the registered secrets; the tests
//! here send every command and mode through it, and look at what a running bcsetup shows to the rest
//! of the machine: `/proc/<pid>/cmdline` of bcsetup and of the command `exec` runs.

mod process;

use crate::keyring_env;
use crate::support::{Fault, Level, OTHER_STORE, Outcome, STORE, TestEnv, TokenSpec};

/// The sentinels: unique strings, so any occurrence anywhere is a leak.
const TOKEN: &str = "SENTINELleakAccess0001";
const SECRET: &str = "SENTINELleakClient0001";

/// Output modes every command is run in.
const MODES: [&[&str]; 5] = [&[], &["-v"], &["--json"], &["--json", "-v"], &["-q"]];
/// The modes of a slow path (retries): human and machine output, each with everything shown.
const SLOW_MODES: [&[&str]; 2] = [&["-v"], &["--json", "-v"]];

/// Store `TOKEN` (Modify on every scope) and `SECRET` in this keyring env's profile, wanting `access`,
/// by a verified `init` that imports the downloaded credentials file (kept outside the config dir).
/// Returns the file's path and text.
///
/// Every env here has its own fake: the fake counts BigCommerce's quota (150 requests per 30 s per
/// store), and a test that spends it waits out the window, so each test stays well below it.
fn stored(env: &mut TestEnv, access: &str) -> (String, String) {
    env.token(TOKEN, TokenSpec::all(STORE, Level::Modify));
    env.secret(SECRET);
    let file = env.root.path().join("api-credentials.txt");
    let text = format!(
        "ACCESS TOKEN: {TOKEN}\nCLIENT NAME: Leak check\nAPI PATH: https://api.bigcommerce.com/stores/{STORE}/v3/\n\
         CLIENT ID: leak-client\nCLIENT SECRET: {SECRET}\n"
    );
    std::fs::write(&file, &text).unwrap();
    let path = file.to_string_lossy().into_owned();
    let out = env.run(&import(access, &path), "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let user = format!("{}/client-secret", env.profile);
    assert_eq!(
        env.keyring.expect("keyring").lookup("bcsetup", &user).as_deref(),
        Some(SECRET)
    );
    env.fake.clear_log();
    (path, text)
}

/// `init` importing a credentials file (a path, or `-` for stdin).
fn import<'a>(access: &'a str, file: &'a str) -> Vec<&'a str> {
    vec![
        "init",
        "--token-type",
        "api",
        "--access",
        access,
        "--yes",
        "--credentials-file",
        file,
    ]
}

/// `init` rotating to a token given on stdin.
fn rotation(access: &str) -> Vec<&str> {
    vec![
        "init",
        "--token-type",
        "api",
        "--name",
        "Leak check",
        "--access",
        access,
        "--store-hash",
        STORE,
        "--access-token-stdin",
        "--yes",
    ]
}

/// `args` with `mode` inserted right after the subcommand.
fn with_mode<'a>(args: &[&'a str], mode: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec![args[0]];
    all.extend_from_slice(mode);
    all.extend_from_slice(&args[1..]);
    all
}

/// Run `args` in each of `modes` through the leak-checking runner; each must exit `code`. With `-v`,
/// the verbose lines must really be there when `verbose_marker` is given (so the mode was exercised).
fn in_modes(
    env: &TestEnv,
    modes: &[&[&str]],
    args: &[&str],
    stdin: &str,
    code: i32,
    verbose_marker: Option<&str>,
) {
    for mode in modes {
        let all = with_mode(args, mode);
        let out = env.run(&all, stdin);
        assert_eq!(out.code, code, "{all:?}\n{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{all:?}\n{}", out.stderr);
        if mode.contains(&"--json") {
            // Parsed, so the JSON path ran; errors carry `"ok": false` (docs/interface.md, "JSON output").
            let json = out.json();
            if code != 0 {
                assert_eq!(json["ok"], false, "{all:?}: {json}");
            }
        }
        if let (Some(marker), true) = (verbose_marker, mode.contains(&"-v")) {
            assert!(
                out.stderr.contains(marker),
                "{all:?}: no verbose output\n{}",
                out.stderr
            );
        }
    }
}

/// The token travels only in `X-Auth-Token`: never in a URL (proxies and logs keep those), never in
/// a body, and the client secret is never sent at all.
fn assert_token_only_in_the_header(env: &TestEnv) {
    let requests = env.fake.requests();
    assert!(!requests.is_empty());
    for request in requests {
        let line = format!("{} {}", request.method, request.path);
        let body = String::from_utf8_lossy(&request.body);
        assert!(
            !request.path.contains(TOKEN) && !request.path.contains(SECRET),
            "{line}"
        );
        assert!(!body.contains(TOKEN) && !body.contains(SECRET), "{line}");
        assert_eq!(request.auth_token.as_deref(), Some(TOKEN), "{line}");
        assert!(!request.user_agent.unwrap_or_default().contains(TOKEN), "{line}");
    }
}

#[test]
fn init_in_every_mode_keeps_the_secrets_out() {
    let mut env = keyring_env!();
    let (path, text) = stored(&mut env, "modify");
    // Modify: the write probes run too.
    in_modes(
        &env,
        &MODES,
        &rotation("modify"),
        &format!("{TOKEN}\n"),
        0,
        Some("v3/hooks"),
    );
    // The credentials file route (the client secret kept too), from a path and from stdin.
    in_modes(
        &env,
        &SLOW_MODES,
        &import("read-only", &path),
        "",
        0,
        Some("v3/hooks"),
    );
    in_modes(
        &env,
        &SLOW_MODES,
        &import("read-only", "-"),
        &text,
        0,
        Some("v3/hooks"),
    );
    assert_token_only_in_the_header(&env);
}

#[test]
fn verify_status_and_the_other_commands_keep_the_secrets_out() {
    let mut env = keyring_env!();
    stored(&mut env, "modify");
    in_modes(&env, &MODES, &["verify"], "", 0, Some("v3/hooks"));
    assert_token_only_in_the_header(&env);
    in_modes(&env, &MODES, &["status"], "", 0, None);
    // Two modes only: every `verify` spends 18 of the store's 150 requests per 30 s.
    in_modes(&env, &SLOW_MODES, &["verify", "--all"], "", 0, Some("v3/hooks"));
    in_modes(&env, &MODES, &["status", "--check"], "", 0, None);
    in_modes(&env, &MODES, &["scopes", "--access", "modify"], "", 0, None);
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["--help"],
        &["init", "--help"],
        &["--version"],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    // Removing, last: the first run removes, the others find nothing (exit 7).
    let out = env.run(&["remove", "--yes", "-v"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    in_modes(&env, &MODES, &["remove", "--yes"], "", 7, None);
}

/// A run whose stdout carries secrets by design; stderr and the config dir are still checked.
fn data(env: &TestEnv, args: &[&str]) -> Outcome {
    let out = env.run_data(&mut env.cmd(args), args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out
}

#[test]
fn token_env_and_exec_hand_out_the_secrets_only_where_asked() {
    let mut env = keyring_env!();
    stored(&mut env, "read-only");
    for mode in MODES {
        let out = data(&env, &with_mode(&["token"], mode));
        assert!(
            out.stdout.contains(TOKEN) && !out.stdout.contains(SECRET),
            "{mode:?}"
        );
        if !mode.contains(&"--json") {
            assert_eq!(out.stdout, format!("{TOKEN}\n"), "{mode:?}");
        }
    }
    for mode in MODES {
        let out = data(&env, &with_mode(&["env"], mode));
        assert!(out.stdout.contains(TOKEN), "{mode:?}: {}", out.stdout);
        assert!(
            !out.stdout.contains(SECRET),
            "{mode:?}: the client secret without the flag"
        );
        let out = data(&env, &with_mode(&["env", "--include-client-secret"], mode));
        assert!(out.stdout.contains(SECRET), "{mode:?}: {}", out.stdout);
    }
    for format in ["sh", "fish", "powershell", "dotenv"] {
        let out = data(&env, &["env", "--format", format]);
        assert!(
            out.stdout.contains(TOKEN) && !out.stdout.contains(SECRET),
            "{format}"
        );
    }
    // exec: the child writes its environment to a file, so bcsetup's own stdout and stderr stay fully
    // checked; the secrets are in the child's environment, the client secret only when asked for.
    let seen = env.root.path().join("child-env.txt");
    let script = format!("env > '{}'", seen.display());
    for mode in MODES {
        let out = env.run(&with_mode(&["exec", "--", "sh", "-c", &script], mode), "");
        assert_eq!(out.code, 0, "{mode:?}: {}", out.stderr);
        let vars = std::fs::read_to_string(&seen).unwrap();
        assert!(
            vars.contains(&format!("BIGCOMMERCE_ACCESS_TOKEN={TOKEN}")),
            "{mode:?}"
        );
        assert!(
            !vars.contains(SECRET),
            "{mode:?}: the client secret without the flag"
        );
    }
    let out = env.run(
        &["exec", "-v", "--include-client-secret", "--", "sh", "-c", &script],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::read_to_string(&seen)
            .unwrap()
            .contains(&format!("BIGCOMMERCE_CLIENT_SECRET={SECRET}"))
    );
    // A command that cannot start, and one that fails: bcsetup's messages name it, not the secrets.
    let out = env.run(&["exec", "-v", "--json", "--", "no-such-program-bcsetup"], "");
    assert_eq!(out.code, 127, "{}", out.stderr);
    assert_eq!(env.run(&["exec", "-v", "--", "false"], "").code, 1);
}

/// A rotation of the stored profile to `new` in each mode; it must fail with `code` and keep `TOKEN`.
fn failed_rotations(env: &TestEnv, modes: &[&[&str]], new: &str, access: &str, code: i32) {
    in_modes(
        env,
        modes,
        &rotation(access),
        &format!("{new}\n"),
        code,
        Some("v3/hooks"),
    );
    assert_eq!(
        env.keyring_token().as_deref(),
        Some(TOKEN),
        "a failed rotation kept the old token"
    );
}

#[test]
fn a_revoked_token_and_an_unknown_one_keep_the_secrets_out() {
    let mut env = keyring_env!();
    stored(&mut env, "read-only");
    let unknown = env.secret("SENTINELleakUnknown001");
    failed_rotations(&env, &MODES, &unknown, "read-only", 3);
    // The account was deleted in the control panel: 401 for the stored token.
    env.fake.revoke(TOKEN);
    in_modes(&env, &MODES, &["verify"], "", 3, Some("401"));
}

#[test]
fn a_lost_scope_and_the_wrong_tokens_keep_the_secrets_out() {
    let mut env = keyring_env!();
    stored(&mut env, "read-only");
    let other_store = env.token(
        "SENTINELleakOtherStore1",
        TokenSpec::all(OTHER_STORE, Level::Modify),
    );
    failed_rotations(&env, &MODES, &other_store, "read-only", 3);
    env.fake.add_token(
        TOKEN,
        TokenSpec::all(STORE, Level::Modify).with("products", Level::None),
    );
    in_modes(&env, &MODES, &["verify"], "", 4, Some("403"));
    // Read-only where Modify is wanted: the write probes answer 403 (a fresh fake: they cost quota).
    let mut env = keyring_env!();
    stored(&mut env, "read-only");
    let read_only = env.token("SENTINELleakReadOnly01", TokenSpec::all(STORE, Level::ReadOnly));
    failed_rotations(&env, &MODES, &read_only, "modify", 4);
}

#[test]
fn server_errors_and_no_network_keep_the_secrets_out() {
    let mut env = keyring_env!();
    stored(&mut env, "read-only");
    env.fake.fail_next(100_000, Fault::Status(503));
    in_modes(&env, &SLOW_MODES, &["verify"], "", 5, None);
    env.set_env("BCSETUP_API_BASE", "http://127.0.0.1:9");
    in_modes(&env, &SLOW_MODES, &["verify"], "", 5, None);
}

#[test]
fn bad_input_around_a_good_token_is_refused_without_echoing_it() {
    let mut env = keyring_env!();
    stored(&mut env, "read-only");
    let other = env.secret("SENTINELleakConflict01");
    let piped = ["init", "--name", "Leak check", "--credentials-file", "-"];
    let stdin = [
        "init",
        "--name",
        "Leak check",
        "--store-hash",
        STORE,
        "--access-token-stdin",
    ];
    let unnamed = ["init", "--store-hash", STORE, "--credentials-file", "-"];
    for (args, input) in [
        (
            &[
                "init",
                "--name",
                "abc",
                "--store-hash",
                STORE,
                "--access-token-stdin",
            ][..],
            format!("{TOKEN}\n"),
        ),
        (
            &[
                "init",
                "--name",
                "Leak check",
                "--store-hash",
                "a b",
                "--access-token-stdin",
            ],
            format!("{TOKEN}\n"),
        ),
        (&stdin, format!("{TOKEN} x\n")),
        (&stdin, format!("{TOKEN}\u{e9}\n")),
        (&piped, format!("ACCESS TOKEN: {TOKEN}\nACCESS TOKEN: {other}\n")),
        (
            &piped,
            format!("ACCESS TOKEN: {TOKEN}\nCLIENT SECRET: {SECRET}\nCLIENT SECRET: {other}\n"),
        ),
        (
            &piped,
            format!(
                "ACCESS TOKEN: {TOKEN}\nCLIENT SECRET: {SECRET}\nAPI PATH: https://evil.example/{TOKEN}\n"
            ),
        ),
        // A secret pasted into the name by mistake: the refusal must not quote the name.
        (
            &unnamed,
            format!("ACCESS TOKEN: {TOKEN}\nCLIENT NAME: {SECRET}\u{7}\n"),
        ),
        (
            &unnamed,
            format!("ACCESS TOKEN: {TOKEN}\nNAME: {SECRET}{SECRET}{SECRET}\n"),
        ),
    ] {
        let args = [args, &["--token-type", "api", "--access", "read-only", "--yes"]].concat();
        in_modes(&env, &MODES, &args, &input, 2, None);
    }
    assert!(env.fake.requests().is_empty(), "bad input sent requests");
    assert_eq!(env.keyring_token().as_deref(), Some(TOKEN));
}

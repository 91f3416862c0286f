//! Process hygiene (issue 15): a token in a mistyped variable or a stray `--…` argument is not
//! echoed by parse errors.

use crate::support::{Outcome, TestEnv};

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

//! What a newcomer meets on a first run (issue 14): the wizard's opening line and the control-panel
//! link, the credentials step (pasting by default, `~` and Tab in a typed path, skipped optional
//! answers said as skipped), `--no-input` listing every problem at once, `env` refusing a terminal
//! like `token`, and a missing profile naming the ones that exist. Each screen is pinned.

use crate::support::pty::Pty;
use crate::support::{OTHER_STORE, STORE, TestEnv};
use crate::token_env_exec::with_profile;

#[test]
fn no_input_lists_the_invalid_and_the_missing_together() {
    let env = TestEnv::new();
    let out = env.run(&["init", "--no-input", "--name", "abc"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    crate::assert_screen!(&env, "wizard_no_input_lists_everything", &out.stderr);
    let out = env.run(&["init", "--no-input", "--json", "--name", "abc"], "");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["error"]["code"], 2);
    assert_eq!(json["error"]["kind"], "invalid_input");
    let message = json["error"]["message"].as_str().unwrap();
    for needle in [
        "5 inputs",
        "--token-type",
        "at least 4",
        "--access",
        "--store-hash",
        "access token",
    ] {
        assert!(message.contains(needle), "`{needle}` not in {message}");
    }
    assert!(env.fake.requests().is_empty());
}

#[test]
fn env_refuses_a_terminal_unless_revealed_like_token() {
    let env = with_profile("SENTINELfirstEnv0001");
    let pty = Pty::spawn(&env, &["env"]);
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 2, "{screen}");
    assert!(!screen.contains("SENTINELfirstEnv0001"), "{screen}");
    crate::assert_screen!(&env, "wizard_env_refuses_a_terminal", &rendered);

    let pty = Pty::spawn(&env, &["env", "--reveal"]);
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("export BIGCOMMERCE_ACCESS_TOKEN='SENTINELfirstEnv0001'"),
        "{screen}"
    );
    assert!(screen.contains("warning: --reveal"), "{screen}");

    // Into a pipe nothing changes; the dotenv warning is a warning.
    let out = env.run_data(&mut env.cmd(&["env", "--format", "dotenv"]), &["env"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("SENTINELfirstEnv0001"));
    assert_eq!(
        out.stderr.trim_end(),
        "warning: a .env file keeps the access token in plain text on disk; `bcsetup exec -- CMD` does not"
    );
}

#[test]
fn a_missing_profile_names_the_ones_that_exist() {
    let mut env = TestEnv::new();
    let token = env.secret("SENTINELfirstProfile1");
    let verify = |env: &TestEnv| {
        let out = env.run(&["verify", "--profile", "default"], "");
        assert_eq!(out.code, 7, "{}", out.stderr);
        out.stderr
    };
    crate::assert_screen!(&env, "wizard_profile_not_found_none", &verify(&env));
    env.init_offline("shop", STORE, &token, &["--insecure-storage"]);
    crate::assert_screen!(&env, "wizard_profile_not_found_one", &verify(&env));
    env.init_offline("staging", OTHER_STORE, &token, &["--insecure-storage"]);
    env.init_offline("archive", STORE, &token, &["--insecure-storage"]);
    crate::assert_screen!(&env, "wizard_profile_not_found_several", &verify(&env));
    // Every command that reads a profile says the same, in JSON too.
    for args in [
        &["token"][..],
        &["env"],
        &["exec", "--", "true"],
        &["remove", "--yes"],
    ] {
        let mut all = vec![args[0], "--json", "--profile", "nosuch"];
        all.extend_from_slice(&args[1..]);
        let out = env.run(&all, "");
        assert_eq!(out.code, 7, "{all:?}: {}", out.stderr);
        let message = out.json()["error"]["message"].as_str().unwrap().to_owned();
        assert_eq!(
            message, "no profile named `nosuch`; the profiles are `archive`, `shop`, `staging`",
            "{all:?}"
        );
    }
}

//! What a newcomer meets on a first run (issue 14): the wizard's opening line and the control-panel
//! link, the credentials step (pasting by default, `~` and Tab in a typed path, skipped optional
//! answers said as skipped), `--no-input` listing every problem at once, `env` refusing a terminal
//! like `token`, and a missing profile naming the ones that exist. Each screen is pinned.

use crate::keyring_env;
use crate::support::pty::{CTRL_C, ENTER, PRESET, Pty, SHOWN_ONCE, UP};
use crate::support::{Level, OTHER_STORE, STORE, TestEnv, TokenSpec};
use crate::token_env_exec::with_profile;

/// `init` with every choice before the credentials given as flags, stored without verification
/// so that the screen ends with the credentials step.
fn settings() -> Vec<&'static str> {
    let mut args = PRESET.to_vec();
    args.push("--no-verify");
    args
}

#[test]
fn the_credentials_step_says_what_was_skipped() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELfirstSkip1234", TokenSpec::all(STORE, Level::ReadOnly));
    let secret = env.secret("SENTINELfirstSecret99");
    let mut pty = Pty::spawn(&env, &settings());
    pty.expect("bcsetup asks for the credentials");
    pty.expect("/manage/settings/api-accounts");
    pty.expect(SHOWN_ONCE);
    pty.send(ENTER); // nothing in Downloads: Enter pastes
    pty.expect("Access token (hidden)");
    pty.type_hidden(&token);
    pty.expect("Client ID");
    pty.send(ENTER);
    pty.expect("Client secret");
    pty.type_hidden(&secret);
    pty.expect("Saved profile");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 0, "{screen}");
    for value in [&token, &secret] {
        assert!(!screen.contains(value.as_str()), "{screen}");
    }
    assert!(rendered.contains("Client ID (optional, not secret; enter to skip) · skipped"));
    assert!(rendered.contains("Client secret (optional, hidden; enter to skip) · ********"));
    crate::assert_screen!(&env, "wizard_credentials_step", &rendered);
    let toml = env.profiles_toml();
    assert!(
        toml.contains("has_client_secret = true") && !toml.contains("client_id"),
        "{toml}"
    );
}

#[test]
fn a_typed_path_expands_the_tilde_and_completes_with_tab() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELfirstTilde01", TokenSpec::all(STORE, Level::ReadOnly));
    // Not in Downloads, so that it is not suggested: the user types where it is.
    let dir = env.root.path().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("store-api-credentials.txt");
    std::fs::write(
        &file,
        format!("ACCESS TOKEN: {token}\nCLIENT NAME: Reader account\nCLIENT ID: cid42\n"),
    )
    .unwrap();
    let mut args = settings();
    args.push("--insecure-storage");
    let mut pty = Pty::spawn(&env, &args);
    pty.expect("keeps them in a 0600 file without checking them (--no-verify)");
    pty.expect(SHOWN_ONCE);
    pty.send(UP); // from "Paste them" to "Import another credentials .txt file"
    pty.send(ENTER);
    pty.expect("Path of the .txt file");
    pty.send("~/exp");
    pty.send("\t");
    pty.expect("~/exports/");
    pty.send("\t");
    pty.expect("store-api-credentials.txt");
    pty.send(ENTER);
    pty.expect("Saved profile");
    pty.expect("holds the token in plain text");
    pty.send("n");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&token), "{screen}");
    crate::assert_screen!(&env, "wizard_import_tilde_path", &rendered);
    assert!(env.profiles_toml().contains("cid42"));
    assert!(file.exists(), "kept: the user said no");
}

#[test]
fn the_opening_line_is_not_said_with_quiet_or_json() {
    // No keyring in this world: file storage, so the first thing asked is the token type.
    let env = TestEnv::new();
    let mut said = Pty::spawn(&env, &["init", "--insecure-storage"]);
    said.expect("Token type");
    said.send(CTRL_C);
    let (code, screen) = said.finish();
    assert_eq!(code, 130, "{screen}");
    assert!(
        screen.contains("bcsetup asks about the API account and the store"),
        "{screen}"
    );
    for flag in ["--quiet", "--json"] {
        let mut pty = Pty::spawn(&env, &["init", "--insecure-storage", flag]);
        pty.expect("Token type");
        pty.send(CTRL_C);
        let (code, screen) = pty.finish();
        assert_eq!(code, 130, "{flag}: {screen}");
        assert!(!screen.contains("bcsetup asks"), "{flag}: {screen}");
    }
}

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

//! The real wizard (dialoguer on a pseudo-terminal) driven by expectrl, against the fake
//! BigCommerce and the private Secret Service. Everything the terminal shows is captured and
//! checked for the token.

use crate::keyring_env;
use crate::support::pty::{CTRL_C, DOWN, ENTER, PRESET, Pty, SHOWN_ONCE, UP};
use crate::support::{Level, STORE, TokenSpec};

/// Answer the first four steps: token type by arrow keys, a rejected short name then a good one,
/// Modify, the default scopes.
fn first_steps(pty: &mut Pty) {
    pty.expect("Token type");
    pty.send(DOWN);
    pty.send(UP);
    pty.send(ENTER);
    pty.expect("API account name");
    pty.send("abc");
    pty.send(ENTER);
    pty.expect("at least 4 characters");
    pty.send("Migration bot");
    pty.send(ENTER);
    pty.expect("Access");
    pty.send(DOWN);
    pty.send(ENTER);
    pty.expect("Scopes");
    pty.send(ENTER);
}

#[test]
fn happy_path_through_the_real_terminal() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELptyHappy1234", TokenSpec::all(STORE, Level::Modify));
    let mut pty = Pty::spawn(&env, &["init"]);
    first_steps(&mut pty);
    pty.expect("Store hash");
    pty.send(&format!("https://api.bigcommerce.com/stores/{STORE}/v3/"));
    pty.send(ENTER);
    pty.expect("→ store abc123");
    pty.expect("Create API Token");
    pty.expect(SHOWN_ONCE);
    pty.send(ENTER); // no file in Downloads: pasting is the default
    pty.expect("Access token (hidden)");
    pty.type_hidden(&token);
    pty.expect("••••1234");
    pty.expect("Client ID");
    pty.send(ENTER);
    pty.expect("Client secret");
    pty.type_hidden("");
    // Every scope, Information & Settings included, is proven at Modify: nothing to accept.
    pty.expect("Saved profile");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 0, "{screen}");
    crate::assert_screen!(&env, "init_wizard_happy_path", &rendered);
    assert!(!screen.contains("unproven"), "{screen}");
    assert!(
        !screen.contains(&token),
        "the token was echoed on the terminal:\n{screen}"
    );
    assert!(
        screen.contains("Products"),
        "the result table is shown:\n{screen}"
    );
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn import_a_credentials_file_and_delete_it_afterwards() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELptyImport1", TokenSpec::all(STORE, Level::ReadOnly));
    let downloads = env.root.path().join("Downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let file = downloads.join("store-api-credentials.txt");
    std::fs::write(
        &file,
        format!("ACCESS TOKEN: {token}\nCLIENT NAME: Reader account\nAPI PATH: https://api.bigcommerce.com/stores/{STORE}/v3/\nCLIENT ID: cid42\n"),
    )
    .unwrap();
    let mut pty = Pty::spawn(&env, PRESET);
    pty.expect("Create API Token");
    pty.expect("the newest credentials file in Downloads");
    pty.send(ENTER);
    pty.expect("Saved profile");
    pty.expect("holds the token in plain text");
    pty.send("y");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&token), "{screen}");
    assert!(!file.exists(), "the imported file was not deleted");
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
    assert!(env.profiles_toml().contains("cid42"));
}

#[test]
fn a_failed_verification_is_fixed_by_re_entering_the_token() {
    let mut env = keyring_env!();
    let wrong = env.secret("SENTINELptyWrong999");
    let right = env.token("SENTINELptyRight111", TokenSpec::all(STORE, Level::ReadOnly));
    let mut pty = Pty::spawn(
        &env,
        &[
            "init",
            "--token-type",
            "api",
            "--access",
            "read-only",
            "--store-hash",
            STORE,
            "--name",
            "Reader account",
        ],
    );
    pty.expect("Scopes");
    pty.send(ENTER);
    pty.paste(&wrong);
    pty.expect("rejected the access token");
    pty.expect("What now?");
    pty.send(ENTER); // re-enter the access token
    pty.expect("Access token (hidden)");
    pty.type_hidden(&right);
    pty.expect("Saved profile");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&wrong) && !screen.contains(&right), "{screen}");
    assert_eq!(env.keyring_token().as_deref(), Some(right.as_str()));
}

#[test]
fn rotation_keeps_the_old_token_when_the_new_one_fails_and_replaces_it_when_it_passes() {
    let mut env = keyring_env!();
    let old = env.token("SENTINELptyOld00001", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&old, &["--access", "read-only", "--scopes", "products"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bad = env.secret("SENTINELptyBad00002");
    let new = env.token("SENTINELptyNew00003", TokenSpec::all(STORE, Level::ReadOnly));

    // A new token that fails, then Cancel: exit 3, old token untouched.
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("already holds credentials");
    pty.expect("What do you want to do?");
    pty.send(ENTER); // rotate
    pty.paste(&bad);
    pty.expect("What now?");
    pty.send(UP); // wraps to the last item: Cancel
    pty.send(ENTER);
    let (code, screen) = pty.finish();
    assert_eq!(code, 3, "{screen}");
    // The failure is told once, above the menu; the run then ends with a cancel's calm line.
    assert_eq!(screen.matches("rejected the access token").count(), 1, "{screen}");
    assert!(
        screen
            .trim_end()
            .ends_with("cancelled: the previous credentials were kept"),
        "{screen}"
    );
    assert_eq!(env.keyring_token().as_deref(), Some(old.as_str()));

    // A new token that passes replaces it; then the old one is checked for revocation.
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("What do you want to do?");
    pty.send(ENTER);
    pty.paste(&new);
    pty.expect("Rotated profile");
    pty.expect("delete the old API account");
    pty.expect("Check now that the old token is revoked");
    pty.send("y");
    pty.expect("the old token still works");
    env.fake.revoke(&old);
    pty.expect("Check now that the old token is revoked");
    pty.send("y");
    pty.expect("the old token is revoked");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{screen}");
    for secret in [&old, &bad, &new] {
        assert!(!screen.contains(secret.as_str()), "{screen}");
    }
    assert_eq!(env.keyring_token().as_deref(), Some(new.as_str()));
}

#[test]
fn ctrl_c_at_two_steps_writes_nothing_and_exits_130() {
    let env = keyring_env!();
    // At the first Select.
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("Token type");
    pty.send(CTRL_C);
    let (code, screen) = pty.finish();
    assert_eq!(code, 130, "{screen}");
    // At the hidden token prompt, after several answers.
    let mut pty = Pty::spawn(&env, PRESET);
    pty.expect(SHOWN_ONCE);
    pty.send(ENTER);
    pty.expect("Access token (hidden)");
    pty.wait_for_echo_off();
    pty.send("SENTINELpartial");
    pty.send(CTRL_C);
    let (code, screen) = pty.finish();
    assert_eq!(code, 130, "{screen}");
    assert!(!screen.contains("SENTINELpartial"), "{screen}");
    assert!(!env.config_dir().join("profiles.toml").exists());
    assert!(env.keyring_token().is_none());
    assert!(env.fake.requests().is_empty());
}

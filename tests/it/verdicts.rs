//! What a failed verification says, pinned as screens: a refused token (401, or another store's
//! token) shows no scope table; a shortfall is one counted line and one action under the table; and
//! "Change the access level or scopes wanted" re-checks the same token showing only what changed.

use crate::keyring_env;
use crate::support::pty::{DOWN, ENTER, Pty};
use crate::support::{Level, OTHER_STORE, Outcome, STORE, TestEnv, TokenSpec};

/// No line of the scope table, nor the store header above it.
fn assert_no_table(out: &Outcome) {
    for needle in ["Scope ", "Wanted", "unknown", "Store   ", "Token   "] {
        assert!(!out.stderr.contains(needle), "{needle:?} shown:\n{}", out.stderr);
    }
}

/// With `--json` the report still comes with a refused token's error (docs/interface.md).
fn assert_json_keeps_the_report(out: &Outcome, kind: &str) {
    let json = out.json();
    assert_eq!(json["error"]["kind"], kind, "{json}");
    let rows = json["scopes"].as_array().expect("the report's scopes");
    assert_eq!(rows.len(), 8, "{json}");
    assert!(rows.iter().all(|r| r["observed"] == "unknown"), "{json}");
    assert_eq!(json["ok"], false);
}

#[test]
fn a_rejected_token_is_said_so_without_a_scope_table() {
    let mut env = keyring_env!();
    let unknown = env.secret("SENTINELverdict0001");
    let out = env.init(&unknown, &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_no_table(&out);
    crate::assert_screen!(&env, "verdict_init_rejected", &out.stderr);
    let out = env.init(&unknown, &["--json"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_json_keeps_the_report(&out, "rejected");
    assert_no_table(&out);
}

#[test]
fn a_token_of_another_store_is_said_so_without_a_scope_table() {
    let mut env = keyring_env!();
    let other = env.token("SENTINELverdict0002", TokenSpec::all(OTHER_STORE, Level::Modify));
    let out = env.init(&other, &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_no_table(&out);
    crate::assert_screen!(&env, "verdict_init_wrong_store", &out.stderr);
    let out = env.init(&other, &["--json"]);
    assert_json_keeps_the_report(&out, "wrong_store");
}

#[test]
fn verify_of_a_rejected_or_revoked_token_shows_no_scope_table() {
    // Stored without a check (file storage, no keyring needed): 401 is "rejected".
    let mut env = TestEnv::new();
    let token = env.token("SENTINELverdict0003", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(
        &token,
        &["--access", "read-only", "--no-verify", "--insecure-storage"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    env.fake.revoke(&token);
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_no_table(&out);
    crate::assert_screen!(&env, "verdict_verify_rejected", &out.stderr);
    let out = env.run(&["verify", "--json"], "");
    assert_json_keeps_the_report(&out, "rejected");

    // Verified once, then its account deleted: "revoked".
    let again = env.token("SENTINELverdict0004", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&again, &["--access", "read-only", "--insecure-storage", "--yes"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    env.fake.revoke(&again);
    let out = env.run(&["verify"], "");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_no_table(&out);
    crate::assert_screen!(&env, "verdict_verify_revoked", &out.stderr);
}

#[test]
fn a_shortfall_is_one_counted_line_and_one_action_under_the_table() {
    let mut env = keyring_env!();
    let read_only = env.token("SENTINELverdict0005", TokenSpec::all(STORE, Level::ReadOnly));
    let out = env.init(&read_only, &[]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    crate::assert_screen!(&env, "verdict_init_shortfall", &out.stderr);
    // The table once, and nothing below it repeats a row.
    let below = out.stderr.split("error:").nth(1).expect("an error line");
    assert!(!below.contains("read-only observed"), "{below}");
    assert!(!below.contains("Content"), "{below}");
    assert_eq!(out.stderr.matches("hint:").count(), 1, "{}", out.stderr);

    let most = env.token(
        "SENTINELverdict0006",
        TokenSpec::all(STORE, Level::ReadOnly).with("channel_settings", Level::Modify),
    );
    let out = env.init(&most, &[]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    crate::assert_screen!(&env, "verdict_init_shortfall_seven_of_eight", &out.stderr);
    // JSON: the same message and hint, and the report with every row.
    let out = env.init(&most, &["--json"]);
    let json = out.json();
    assert_eq!(json["error"]["kind"], "scopes_missing");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("7 of 8 wanted scopes are read-only; modify was wanted: Content, "),
        "{message}"
    );
    let hint = json["error"]["hint"].as_str().unwrap();
    assert!(
        hint.contains("create a new API account with the profile's 8 scopes at Modify"),
        "{hint}"
    );
    assert_eq!(json["scopes"].as_array().map(Vec::len), Some(8), "{json}");
}

/// `init` with every input but the token given as flags, and the token in the environment: on a
/// terminal, only the remedy menus are asked.
fn init_on_a_terminal(env: &mut TestEnv, token: &str) -> Pty {
    env.set_env("BCSETUP_ACCESS_TOKEN", token);
    Pty::spawn(
        env,
        &[
            "init",
            "--token-type",
            "api",
            "--name",
            "Migration bot",
            "--access",
            "modify",
            "--store-hash",
            STORE,
            "--scopes",
            "customers,orders,products",
        ],
    )
}

#[test]
fn changing_the_access_level_rechecks_the_same_token_and_shows_only_the_change() {
    let mut env = keyring_env!();
    let token = env.token("SENTINELverdict0007", TokenSpec::all(STORE, Level::ReadOnly));
    let mut pty = init_on_a_terminal(&mut env, &token);
    pty.expect("What now?");
    let first = env.fake.requests().len();
    pty.send(DOWN); // Change the access level or scopes wanted
    pty.send(ENTER);
    pty.expect("What do you want to change?");
    pty.send(ENTER); // the access level
    pty.expect("Access");
    pty.send(ENTER); // Read-only
    pty.expect("Saved profile");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 0, "{screen}");
    crate::assert_screen!(&env, "verdict_pty_change_access", &rendered);
    assert_eq!(
        env.fake.requests().len(),
        first,
        "the answers already received decide read-only: nothing is sent again"
    );
    assert_eq!(rendered.matches("Channel Listings").count(), 1, "{rendered}");
    assert!(!rendered.contains("OAuth scopes"), "no checklist: {rendered}");
    assert_eq!(env.keyring_token().as_deref(), Some(token.as_str()));
}

#[test]
fn changing_the_scopes_shows_only_the_rows_that_changed() {
    let mut env = keyring_env!();
    let token = env.token(
        "SENTINELverdict0008",
        TokenSpec::all(STORE, Level::Modify)
            .with("products", Level::None)
            .with("orders", Level::ReadOnly),
    );
    let mut pty = init_on_a_terminal(&mut env, &token);
    pty.expect("What now?");
    let first = env.fake.requests().len();
    pty.send(DOWN); // Change the access level or scopes wanted
    pty.send(ENTER);
    pty.expect("What do you want to change?");
    pty.send(DOWN); // the scopes
    pty.send(ENTER);
    pty.expect("Scopes");
    // Untick Products (the sixth item); Orders stays, still read-only.
    for _ in 0..5 {
        pty.send(DOWN);
    }
    pty.send(" ");
    pty.send(ENTER);
    pty.expect("no longer wanted");
    pty.expect("What now?");
    assert_eq!(env.fake.requests().len(), first, "nothing is sent again");
    pty.send(DOWN);
    pty.send(DOWN);
    pty.send(ENTER); // Cancel
    // The PTY may close before its last bytes are read: wait for the run's last words.
    pty.expect("What now? · Cancel");
    // The failure was shown above the menu: the run ends with its code, told as a cancel.
    pty.expect("cancelled: nothing was saved");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 4, "{screen}");
    crate::assert_screen!(&env, "verdict_pty_change_scopes", &rendered);
    assert!(env.keyring_token().is_none());
}

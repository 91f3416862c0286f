//! The storage decision at command level: a keyring that is not ready ends the run before any
//! question, request or store call without a terminal; on one, Quit ends it the same way and the file
//! store carries on. And the hint names previous credentials only when a rotation kept them.

use crate::bigcommerce::Access;
use crate::cli::InitArgs;
use crate::commands::init::run;
use crate::commands::testkit::{Level, STORE, TokenSpec, World, init_args, profile, stored_token};
use crate::domain::StorageKind;
use crate::error::{Error, Left};
use crate::prompter::Reply;
use crate::store::{Missing, StoreError};

const TOKEN: &str = "unitstorage00000000000000000001";
const QUESTION: &str = "Where should bcsetup keep the credentials?";

fn ro() -> InitArgs {
    init_args(Access::ReadOnly, "products")
}

fn broken_keyring(w: &World) {
    w.keyring.fail_ready(StoreError::Keyring(Missing::SecretService));
}

/// Nothing was sent, stored or recorded, and no keyring entry was touched.
fn assert_nothing_done(w: &World, ctx: &crate::context::Context) {
    assert!(w.fake.requests().is_empty(), "requests were sent");
    assert_eq!(w.keyring.calls(), 0, "a keyring entry was read or written");
    assert_eq!(profile(ctx), None);
    assert_eq!(stored_token(ctx, StorageKind::File), None);
}

#[test]
fn without_a_terminal_a_keyring_that_is_not_ready_is_exit_6_before_anything() {
    let w = World::new();
    broken_keyring(&w);
    let token = w.token(TOKEN, TokenSpec::all(STORE, Level::ReadOnly));
    let ctx = w.batch(&[("BCSETUP_ACCESS_TOKEN", &token)]);
    let err = run(&ro(), &ctx).unwrap_err();
    assert!(
        matches!(err, Error::Storage(StoreError::Keyring(Missing::SecretService))),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 6);
    let hint = err.hint().unwrap_or_default();
    assert!(hint.contains("gnome-keyring-daemon --replace --unlock"), "{hint}");
    assert!(hint.contains("--insecure-storage"), "{hint}");
    assert!(!hint.contains("previous credentials"), "{hint}");
    assert_nothing_done(&w, &ctx);
}

#[test]
fn on_a_terminal_the_problem_comes_first_and_quit_is_exit_6() {
    let w = World::new();
    broken_keyring(&w);
    // Every input but the token is given; the token would be pasted at the second prompt.
    let ctx = w.terminal(&[], [Reply::Pick(0)]);
    let err = run(&ro(), &ctx).unwrap_err();
    assert!(
        matches!(
            err,
            Error::StorageLeft {
                left: Left::Nothing,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 6);
    assert_eq!(w.asked(), [QUESTION], "the storage question is the only one");
    let notes = w.script.borrow().notes.join("\n");
    assert!(notes.contains("no Secret Service"), "{notes}");
    assert!(notes.contains("sudo apt-get install gnome-keyring"), "{notes}");
    assert_nothing_done(&w, &ctx);
}

#[test]
fn on_a_terminal_the_file_store_is_an_explicit_choice_and_the_run_goes_on() {
    let w = World::new();
    broken_keyring(&w);
    let token = w.token(TOKEN, TokenSpec::all(STORE, Level::ReadOnly));
    let mut replies = vec![Reply::Pick(1)];
    replies.extend([
        Reply::Pick(1), // paste
        Reply::Text(token.clone()),
        Reply::Text(String::new()),
        Reply::Text(String::new()),
    ]);
    let ctx = w.terminal(&[], replies);
    run(&ro(), &ctx).unwrap();
    assert_eq!(w.asked().first().map(String::as_str), Some(QUESTION));
    assert_eq!(w.unused(), 0);
    assert_eq!(stored_token(&ctx, StorageKind::File), Some(token));
    assert_eq!(profile(&ctx).map(|p| p.storage), Some(StorageKind::File));
    assert_eq!(w.keyring.calls(), 0, "the keyring was not used after all");
}

#[test]
fn previous_credentials_are_mentioned_only_when_a_rotation_kept_them() {
    let w = World::new();
    let token = w.token(TOKEN, TokenSpec::all(STORE, Level::ReadOnly));
    let env = [("BCSETUP_ACCESS_TOKEN", token.as_str())];
    let yes = InitArgs { yes: true, ..ro() };
    // A first init whose store loses the first write (the read-back catches it).
    w.keyring.drop_next_write();
    let first = run(&yes, &w.batch(&env)).unwrap_err();
    assert!(
        matches!(first, Error::Storage(StoreError::ReadBackMismatch(_))),
        "{first:?}"
    );
    assert!(!first.hint().unwrap_or_default().contains("previous credentials"));
    // Stored, then a rotation whose store loses the first write.
    run(&yes, &w.batch(&env)).unwrap();
    w.keyring.drop_next_write();
    let rotation = run(&yes, &w.batch(&env)).unwrap_err();
    assert!(
        matches!(
            rotation,
            Error::StorageLeft {
                left: Left::PreviousCredentials,
                ..
            }
        ),
        "{rotation:?}"
    );
    let hint = rotation.hint().unwrap_or_default();
    assert!(
        hint.contains("your previous credentials were left as they were"),
        "{hint}"
    );
    assert_eq!(stored_token(&w.batch(&[]), StorageKind::Keyring), Some(token));
}

#[test]
fn without_a_terminal_input_problems_come_before_the_storage_one() {
    let w = World::new();
    broken_keyring(&w);
    let ctx = w.batch(&[]);
    let err = run(&InitArgs::default(), &ctx).unwrap_err();
    assert_eq!((err.exit_code(), err.kind()), (2, "invalid_input"), "{err}");
    assert_nothing_done(&w, &ctx);
}

//! `init`'s "Change the access level or scopes wanted" against the fake: the same token is judged
//! again from the answers already received, so only the requests of added scopes or a higher level
//! are sent, and a new token is checked in full.

use super::{TOKEN_MOD, TOKEN_RO, paste};
use crate::bigcommerce::Access;
use crate::bigcommerce::classify::Observed;
use crate::commands::init::run;
use crate::commands::testkit::{Level, STORE, TokenSpec, World, init_args, profile, stored_token};
use crate::domain::StorageKind;
use crate::prompter::Reply;

/// "What now?" → "Change the access level or scopes wanted" (second item after a shortfall).
const CHANGE_WANTED: Reply = Reply::Pick(1);

/// Every request the fake received, as `METHOD path`, sorted.
fn sent(w: &World) -> Vec<String> {
    let mut sent: Vec<String> = w
        .fake
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    sent.sort();
    sent
}

#[test]
fn a_lower_access_level_is_judged_from_the_answers_already_received() {
    let w = World::new();
    let token = w.token(TOKEN_RO, TokenSpec::all(STORE, Level::ReadOnly));
    let mut replies = Vec::from(paste(&token));
    // Modify fails on a read-only token; read-only is what it has.
    replies.extend([CHANGE_WANTED, Reply::Pick(0), Reply::Pick(0)]);
    let ctx = w.terminal(&[], replies);
    run(&init_args(Access::Modify, "products"), &ctx).unwrap();
    let asked = w.asked();
    assert!(
        asked.iter().any(|a| a == "What do you want to change?"),
        "{asked:?}"
    );
    assert_eq!(w.unused(), 0);
    // The six scopes' reads and writes, the token check and the store: each once, none again.
    let sent = sent(&w);
    assert_eq!(sent.len(), 2 + 6 + 6, "{sent:#?}");
    let mut unique = sent.clone();
    unique.dedup();
    assert_eq!(unique, sent, "a request was sent twice");
    let profile = profile(&ctx).unwrap();
    assert_eq!(profile.access, Access::ReadOnly);
    assert_eq!(profile.scopes_observed.get("products"), Some(&Observed::ReadOnly));
    // The checklist is shown once, before the token; not again for the same token.
    let notes = w.script.borrow().notes.clone();
    let checklists = notes.iter().filter(|n| n.contains("OAuth scopes")).count();
    assert_eq!(checklists, 1, "{notes:?}");
}

#[test]
fn changed_scopes_send_only_the_probes_of_the_scopes_added() {
    let w = World::new();
    let token = w.token(
        TOKEN_MOD,
        TokenSpec::all(STORE, Level::Modify).with("products", Level::None),
    );
    let mut replies = Vec::from(paste(&token));
    // Scopes: drop Products (index 5 of the catalog), add Customers (1).
    replies.extend([
        CHANGE_WANTED,
        Reply::Pick(1),
        Reply::Picks(vec![0, 1, 2, 3, 4, 6, 7]),
    ]);
    let ctx = w.terminal(&[], replies);
    let args = init_args(Access::Modify, "orders,products");
    run(&args, &ctx).unwrap();
    assert_eq!(w.unused(), 0);
    let sent = sent(&w);
    let customers: Vec<&String> = sent.iter().filter(|r| r.contains("/customers")).collect();
    assert_eq!(customers.len(), 2, "Customers' read and write: {sent:#?}");
    // Seven scopes at first (read + write each), then Customers' two.
    assert_eq!(sent.len(), 2 + 7 * 2 + 2, "{sent:#?}");
    let mut unique = sent.clone();
    unique.dedup();
    assert_eq!(unique, sent, "a request was sent twice");
    let profile = profile(&ctx).unwrap();
    assert!(!profile.scopes_wanted.iter().any(|s| s == "products"));
    assert!(profile.scopes_wanted.iter().any(|s| s == "customers"));
    assert_eq!(profile.scopes_observed.get("customers"), Some(&Observed::Modify));
}

#[test]
fn a_new_token_after_a_change_is_checked_in_full() {
    let w = World::new();
    let ro = w.token(TOKEN_RO, TokenSpec::all(STORE, Level::ReadOnly));
    let modify = w.token(TOKEN_MOD, TokenSpec::all(STORE, Level::Modify));
    let mut replies = Vec::from(paste(&ro));
    // Scopes changed (Orders added), still short; then a new account's token.
    replies.extend([
        CHANGE_WANTED,
        Reply::Pick(1),
        Reply::Picks(vec![0, 2, 3, 4, 5, 6, 7]),
        Reply::Pick(0),
        Reply::Text(modify.clone()),
    ]);
    let ctx = w.terminal(&[], replies);
    run(&init_args(Access::Modify, "products"), &ctx).unwrap();
    assert_eq!(w.unused(), 0);
    assert_eq!(w.hooks_sent_with(&ro), 1, "the same token is not checked twice");
    assert_eq!(w.hooks_sent_with(&modify), 1, "a new token is checked in full");
    assert_eq!(stored_token(&ctx, StorageKind::Keyring), Some(modify));
}

//! `init` at command level: the real wizard code, transaction and prover, against the loopback fake,
//! with the memory store as keyring and a scripted terminal. Each case states what the user gives
//! and what must be true afterwards: the error (and so the exit code), what is stored, what was sent.

use super::run;
use crate::bigcommerce::Access;
use crate::bigcommerce::classify::Observed;
use crate::cli::InitArgs;
use crate::commands::testkit::{Level, STORE, TokenSpec, World, init_args, profile, stored_token};
use crate::domain::StorageKind;
use crate::error::Error;
use crate::prompter::Reply;

/// "Change the access level or scopes wanted": the same token re-checked from its answers.
mod change_wanted;

pub(super) const TOKEN_RO: &str = "unitreadonly0000000000000000001";
pub(super) const TOKEN_MOD: &str = "unitmodifyall000000000000000001";

/// One unattended run on an empty config dir.
struct Case {
    name: &'static str,
    args: fn() -> InitArgs,
    token: Option<&'static str>,
    /// `None` = success; otherwise the JSON kind of the error.
    expect: Option<&'static str>,
    /// Requests the fake must have seen (`None`: some).
    requests: Option<usize>,
}

fn ro(scopes: &'static str) -> InitArgs {
    init_args(Access::ReadOnly, scopes)
}

const CASES: &[Case] = &[
    Case {
        name: "a read-only migration is proven and saved",
        args: || ro("products,orders"),
        token: Some(TOKEN_RO),
        expect: None,
        requests: None,
    },
    Case {
        name: "a missing token is reported before any request",
        args: || ro("products"),
        token: None,
        expect: Some("invalid_input"),
        requests: Some(0),
    },
    Case {
        name: "a token BigCommerce does not know is rejected",
        args: || ro("products"),
        token: Some("unitunknown00000000000000000001"),
        expect: Some("rejected"),
        requests: None,
    },
    Case {
        name: "Modify wanted from a read-only token: scopes missing",
        args: || init_args(Access::Modify, "products"),
        token: Some(TOKEN_RO),
        expect: Some("scopes_missing"),
        requests: None,
    },
    Case {
        name: "the eight migration scopes at Modify are proven without --yes",
        args: || init_args(Access::Modify, "customers,orders,products"),
        token: Some(TOKEN_MOD),
        expect: None,
        // hooks, /v2/store, and a read and a write for each of the eight scopes
        requests: Some(18),
    },
    Case {
        name: "a scope with no probe (Carts) cannot be proven without --yes",
        args: || init_args(Access::Modify, "products,carts"),
        token: Some(TOKEN_MOD),
        expect: Some("scopes_unproven"),
        requests: None,
    },
    Case {
        name: "--yes accepts what no probe can prove",
        args: || InitArgs {
            yes: true,
            ..init_args(Access::Modify, "products,carts")
        },
        token: Some(TOKEN_MOD),
        expect: None,
        requests: None,
    },
    Case {
        name: "--no-verify stores without a request",
        args: || InitArgs {
            no_verify: true,
            ..ro("products")
        },
        token: Some(TOKEN_RO),
        expect: None,
        requests: Some(0),
    },
];

#[test]
fn unattended_init_cases() {
    for case in CASES {
        let w = World::new();
        w.token(TOKEN_RO, TokenSpec::all(STORE, Level::ReadOnly));
        w.token(TOKEN_MOD, TokenSpec::all(STORE, Level::Modify));
        let env: Vec<(&str, &str)> = case
            .token
            .map(|t| ("BCSETUP_ACCESS_TOKEN", t))
            .into_iter()
            .collect();
        let ctx = w.batch(&env);
        let result = run(&(case.args)(), &ctx);
        assert_eq!(
            result.as_ref().err().map(Error::kind),
            case.expect,
            "{}",
            case.name
        );
        let stored = stored_token(&ctx, StorageKind::Keyring);
        let profile = profile(&ctx);
        if case.expect.is_none() {
            assert_eq!(stored.as_deref(), case.token, "{}", case.name);
            let profile = profile.unwrap_or_else(|| panic!("{}: no profile", case.name));
            assert_eq!(
                profile.verified_at.is_some(),
                case.requests != Some(0),
                "{}",
                case.name
            );
        } else {
            assert_eq!(
                (stored, profile),
                (None, None),
                "{}: nothing may be stored",
                case.name
            );
        }
        if let Some(n) = case.requests {
            assert_eq!(w.fake.requests().len(), n, "{}", case.name);
        }
        assert!(w.fake.created().is_empty(), "{}: a probe changed data", case.name);
    }
}

#[test]
fn an_existing_profile_needs_yes_without_a_terminal_and_stays_as_it_was() {
    let w = World::new();
    let token = w.token(TOKEN_RO, TokenSpec::all(STORE, Level::ReadOnly));
    let ctx = w.batch(&[("BCSETUP_ACCESS_TOKEN", &token)]);
    run(&ro("products"), &ctx).unwrap();
    let before = profile(&ctx);
    let other = w.token(
        "unitother0000000000000000000001",
        TokenSpec::all(STORE, Level::ReadOnly),
    );
    let ctx = w.batch(&[("BCSETUP_ACCESS_TOKEN", &other)]);
    let err = run(&ro("products"), &ctx).unwrap_err();
    assert_eq!((err.exit_code(), err.kind()), (2, "invalid_input"));
    assert!(err.to_string().contains("--yes"), "{err}");
    assert_eq!(profile(&ctx), before);
    assert_eq!(
        stored_token(&ctx, StorageKind::Keyring).as_deref(),
        Some(TOKEN_RO)
    );
}

/// The prompts of the paste path when every flag but the token is given: paste, token, client ID,
/// client secret.
pub(super) fn paste(token: &str) -> [Reply; 4] {
    [
        Reply::Pick(1),
        Reply::Text(token.into()),
        Reply::Text(String::new()),
        Reply::Text(String::new()),
    ]
}

#[test]
fn a_rejected_token_is_fixed_in_place_and_the_run_goes_on() {
    let w = World::new();
    let good = w.token(TOKEN_RO, TokenSpec::all(STORE, Level::ReadOnly));
    let mut replies = Vec::from(paste("unittypo000000000000000000000001"));
    // "What now?" → Re-enter the access token.
    replies.extend([Reply::Pick(0), Reply::Text(good.clone())]);
    let ctx = w.terminal(&[], replies);
    run(&ro("products"), &ctx).unwrap();
    assert!(w.asked().iter().any(|a| a == "What now?"), "{:?}", w.asked());
    assert_eq!(w.unused(), 0);
    assert_eq!(stored_token(&ctx, StorageKind::Keyring), Some(good));
}

#[test]
fn cancel_after_a_failure_gives_the_original_error() {
    let w = World::new();
    let mut replies = Vec::from(paste("unittypo000000000000000000000001"));
    replies.push(Reply::Pick(2)); // Cancel
    let ctx = w.terminal(&[], replies);
    let err = run(&ro("products"), &ctx).unwrap_err();
    assert_eq!((err.kind(), err.exit_code()), ("rejected", 3));
    // Printed above the menu already: it ends as a cancel's calm line, not a second error.
    assert!(err.is_cancel(), "{err:?}");
    assert!(err.calm_line().starts_with("cancelled"), "{}", err.calm_line());
    assert_eq!(profile(&ctx), None);
}

#[test]
fn levels_no_probe_proves_are_accepted_on_the_terminal() {
    let w = World::new();
    let token = w.token(TOKEN_MOD, TokenSpec::all(STORE, Level::Modify));
    let mut replies = Vec::from(paste(&token));
    replies.push(Reply::Yes(true)); // accept unproven
    let ctx = w.terminal(&[], replies);
    run(&init_args(Access::Modify, "products,carts"), &ctx).unwrap();
    let profile = profile(&ctx).unwrap();
    assert_eq!(profile.scopes_observed.get("carts"), Some(&Observed::Unknown));
    assert_eq!(
        profile.scopes_observed.get("information"),
        Some(&Observed::Modify)
    );
    assert_eq!(profile.scopes_observed.get("products"), Some(&Observed::Modify));
    assert_eq!(w.unused(), 0);
}

#[test]
fn a_rotation_that_moves_storage_still_checks_the_old_token() {
    let w = World::new();
    let old = w.token(
        "unitold000000000000000000000001",
        TokenSpec::all(STORE, Level::ReadOnly),
    );
    let new = w.token(
        "unitnew000000000000000000000001",
        TokenSpec::all(STORE, Level::ReadOnly),
    );
    let to_file = InitArgs {
        insecure_storage: true,
        ..ro("products")
    };
    run(&to_file, &w.batch(&[("BCSETUP_ACCESS_TOKEN", &old)])).unwrap();
    w.fake.revoke(&old);
    w.fake.clear_log();
    let mut replies = vec![Reply::Pick(0)]; // Rotate
    replies.extend(paste(&new));
    replies.push(Reply::Yes(true)); // check that the old token is revoked
    let ctx = w.terminal(&[], replies);
    run(&ro("products"), &ctx).unwrap();
    // The menu showed the old token's mask, read from the file store it lives in.
    assert!(
        w.script
            .borrow()
            .notes
            .iter()
            .any(|n| n.contains("••••0001 (31 characters)"))
    );
    assert_eq!(
        w.hooks_sent_with(&old),
        1,
        "the revocation check sends the old token once"
    );
    assert_eq!(w.unused(), 0);
    assert_eq!(stored_token(&ctx, StorageKind::Keyring), Some(new));
    assert_eq!(
        stored_token(&ctx, StorageKind::File),
        None,
        "the old store is emptied"
    );
    let profile = profile(&ctx).unwrap();
    assert_eq!(
        (profile.storage, profile.rotated_at.is_some()),
        (StorageKind::Keyring, true)
    );
}

#[test]
fn the_rotation_menu_can_cancel_or_reverify() {
    let w = World::new();
    let token = w.token(TOKEN_RO, TokenSpec::all(STORE, Level::ReadOnly));
    run(&ro("products"), &w.batch(&[("BCSETUP_ACCESS_TOKEN", &token)])).unwrap();
    let before = profile(&w.batch(&[])).unwrap();
    let ctx = w.terminal(&[], [Reply::Pick(3)]);
    assert!(matches!(run(&ro("products"), &ctx), Err(Error::Interrupted)));
    assert_eq!(profile(&ctx).as_ref(), Some(&before));
    w.fake.clear_log();
    let ctx = w.terminal(&[], [Reply::Pick(1)]);
    run(&ro("products"), &ctx).unwrap();
    let after = profile(&ctx).unwrap();
    assert_eq!(after.created_at, before.created_at);
    assert!(after.verified_at >= before.verified_at);
    assert_eq!(w.hooks_sent_with(&token), 1, "re-verify proves the stored token");
}

#[test]
fn the_rotation_menu_shows_a_raw_store_name_from_profiles_toml_escaped() {
    let w = World::new();
    let token = w.token(TOKEN_RO, TokenSpec::all(STORE, Level::ReadOnly));
    let ctx = w.batch(&[("BCSETUP_ACCESS_TOKEN", &token)]);
    run(&ro("products"), &ctx).unwrap();
    // As another tool or an older bcsetup may have written it: the name kept raw.
    let path = ctx.profiles().path();
    let toml = std::fs::read_to_string(&path).unwrap().replace(
        "store_name = \"Unit Store\"",
        "store_name = \"Unit\\u001B]52;c;eA==\\u0007\\r✓ forged\\u202E\"",
    );
    assert!(toml.contains("forged"), "{toml}");
    std::fs::write(&path, toml).unwrap();
    let ctx = w.terminal(&[], [Reply::Pick(3)]); // Cancel
    assert!(matches!(run(&ro("products"), &ctx), Err(Error::Interrupted)));
    let notes = w.script.borrow().notes.join("\n");
    assert!(
        notes.contains("— Unit\\u{1b}]52;c;eA==\\u{7}\\u{d}✓ forged\\u{202e}"),
        "{notes}"
    );
    assert!(
        !notes.chars().any(|c| crate::text::is_unsafe(c) && c != '\n'),
        "{notes:?}"
    );
}

//! `verify` at command level: a profile stored by `init`, then the fake changes under it (a revoked
//! token, a lost scope) and `verify` must name what changed.

use super::run;
use crate::bigcommerce::Access;
use crate::cli::{InitArgs, VerifyArgs};
use crate::commands::init;
use crate::commands::testkit::{Level, STORE, TokenSpec, World, init_args, profile, stored_token};
use crate::domain::StorageKind;
use crate::error::Error;
use crate::store::{Key, SecretStore};

const TOKEN: &str = "unitverify0000000000000000000001";

struct Case {
    name: &'static str,
    /// Stored with `--no-verify` (never proven) instead of verified.
    unverified: bool,
    /// What happens to the token in the store's control panel afterwards.
    change: fn(&World),
    /// `None` = passes; otherwise the JSON kind.
    expect: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "nothing changed",
        unverified: false,
        change: |_| {},
        expect: None,
    },
    Case {
        name: "the API account was deleted",
        unverified: false,
        change: |w| w.fake.revoke(TOKEN),
        expect: Some("revoked"),
    },
    Case {
        name: "a token never proven and now refused is rejected, not revoked",
        unverified: true,
        change: |w| w.fake.revoke(TOKEN),
        expect: Some("rejected"),
    },
    Case {
        name: "Products went from Modify to Read-only",
        unverified: false,
        change: |w| {
            w.fake.add_token(
                TOKEN,
                TokenSpec::all(STORE, Level::Modify).with("products", Level::ReadOnly),
            );
        },
        expect: Some("scope_lost"),
    },
    Case {
        name: "the token disappeared from the keyring",
        unverified: false,
        change: |w| {
            let name = crate::domain::ProfileName::parse("shop").unwrap();
            w.keyring.delete(&Key::access_token(&name)).unwrap();
        },
        expect: Some("storage"),
    },
];

#[test]
fn verify_cases() {
    for case in CASES {
        let w = World::new();
        w.token(TOKEN, TokenSpec::all(STORE, Level::Modify));
        let args = InitArgs {
            yes: true,
            no_verify: case.unverified,
            ..init_args(Access::Modify, "products")
        };
        init::run(&args, &w.batch(&[("BCSETUP_ACCESS_TOKEN", TOKEN)])).unwrap();
        (case.change)(&w);
        let ctx = w.batch(&[]);
        let before = profile(&ctx).unwrap();
        let result = run(&VerifyArgs::default(), &ctx);
        assert_eq!(
            result.as_ref().err().map(Error::kind),
            case.expect,
            "{}",
            case.name
        );
        let after = profile(&ctx).unwrap();
        if case.expect.is_none() {
            assert!(after.verified_at > before.verified_at, "{}", case.name);
        } else {
            assert_eq!(after, before, "{}: a failed verify changes nothing", case.name);
        }
        if case.name.contains("keyring") {
            assert_eq!(stored_token(&ctx, StorageKind::Keyring), None);
        }
    }
}

#[test]
fn a_profile_that_does_not_exist_is_exit_7() {
    let w = World::new();
    let err = run(&VerifyArgs::default(), &w.batch(&[])).unwrap_err();
    assert_eq!(err.exit_code(), 7);
    assert!(w.fake.requests().is_empty());
}

//! Tests of the rotation transaction: every store call failed in turn, crashes simulated step by step.

use std::rc::Rc;

use secrecy::ExposeSecret;

use super::*;
use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
use crate::context::Env;
use crate::domain::StorageKind;
use crate::store::memory::MemoryStore;

struct World {
    _dir: tempfile::TempDir,
    ctx: Context,
    store: Rc<MemoryStore>,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = Rc::new(MemoryStore::default());
    let ctx = Context::for_tests(dir.path(), Env::default(), store.clone());
    World {
        _dir: dir,
        ctx,
        store,
    }
}

fn profile(name: &str) -> Profile {
    Profile {
        store_hash: StoreHash::parse("abc123").unwrap(),
        api_path: "https://api.bigcommerce.com/stores/abc123/v3/".into(),
        store_name: None,
        account_name: AccountName::parse(name).unwrap(),
        client_id: None,
        has_client_secret: false,
        token_type: TokenType::Api,
        access: Access::ReadOnly,
        scopes_wanted: vec!["products".into()],
        scopes_observed: std::collections::BTreeMap::new(),
        storage: StorageKind::Keyring,
        created_at: jiff::Timestamp::UNIX_EPOCH,
        rotated_at: None,
        verified_at: None,
    }
}

fn state(w: &World) -> (Option<String>, Option<String>, usize, Vec<String>) {
    let token = w
        .store
        .get(&Key::access_token(&w.ctx.profile))
        .unwrap()
        .map(|s| s.expose_secret().to_owned());
    let loaded = w.ctx.profiles().load().unwrap();
    let account = loaded
        .profiles
        .get(&w.ctx.profile)
        .map(|p| p.account_name.to_string());
    (token, account, loaded.pending.len(), w.store.users())
}

fn rotate(w: &World, token: &str, name: &str) -> Result<(), Error> {
    let token = SecretString::from(token);
    let previous = Snapshot::read(&*w.store, &w.ctx.profile)?;
    commit(
        &w.ctx,
        &*w.store,
        profile(name),
        &Secrets {
            token: &token,
            client_secret: None,
        },
        &previous,
    )
}

#[test]
fn commit_writes_both_and_leaves_no_staging() {
    let w = world();
    rotate(&w, "old", "Old account").unwrap();
    rotate(&w, "new", "New account").unwrap();
    assert_eq!(
        state(&w),
        (
            Some("new".into()),
            Some("New account".into()),
            0,
            vec!["shop".into()]
        )
    );
}

#[test]
fn a_failure_at_any_store_call_keeps_the_old_credentials_whole() {
    // Count the calls of a successful rotation, then fail each one in turn.
    let probe = world();
    rotate(&probe, "old", "Old account").unwrap();
    let before = probe.store.calls();
    rotate(&probe, "new", "New account").unwrap();
    let calls = probe.store.calls() - before;
    assert!(calls >= 8, "{calls}");
    for n in 0..calls {
        let w = world();
        rotate(&w, "old", "Old account").unwrap();
        w.store.fail_at(n, StoreError::Failed("injected".into()));
        let result = rotate(&w, "new", "New account");
        let (token, account, pending, users) = state(&w);
        if result.is_ok() {
            // Only the best-effort deletion of the staging keys may fail without failing the commit.
            assert_eq!(
                (token.as_deref(), account.as_deref()),
                (Some("new"), Some("New account")),
                "call {n}"
            );
            assert!(
                users.iter().all(|u| u == "shop" || u.ends_with("pending")),
                "call {n}: {users:?}"
            );
        } else {
            assert_eq!(
                (token.as_deref(), account.as_deref()),
                (Some("old"), Some("Old account")),
                "call {n}"
            );
            assert_eq!(pending, 0, "call {n}");
        }
        // Whatever happened, a later reconcile leaves a consistent, clean profile.
        reconcile(&w.ctx, true).unwrap();
        let (token, account, pending, _) = state(&w);
        assert!(
            matches!(
                (token.as_deref(), account.as_deref()),
                (Some("old"), Some("Old account")) | (Some("new"), Some("New account"))
            ),
            "call {n}"
        );
        assert_eq!(pending, 0);
    }
}

#[test]
fn a_read_back_mismatch_is_a_storage_error_and_changes_nothing() {
    let w = world();
    rotate(&w, "old", "Old account").unwrap();
    w.store.drop_next_write();
    let err = rotate(&w, "new", "New account").unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert_eq!(
        state(&w),
        (
            Some("old".into()),
            Some("Old account".into()),
            0,
            vec!["shop".into()]
        )
    );
}

/// Simulate a crash after step `k` by running the steps by hand, then reconcile.
#[test]
fn reconcile_rolls_forward_only_when_the_real_token_was_replaced() {
    let keys = Keys::new(&ProfileName::parse("shop").unwrap());
    for crash_after in 1..=4 {
        let w = world();
        rotate(&w, "old", "Old account").unwrap();
        let new = SecretString::from("new");
        w.store.set(&keys.staged_token, &new).unwrap();
        if crash_after >= 2 {
            w.ctx
                .profiles()
                .update(|p| {
                    p.pending.insert(w.ctx.profile.clone(), profile("New account"));
                    Ok(())
                })
                .unwrap();
        }
        if crash_after >= 3 {
            w.store.set(&keys.token, &new).unwrap();
        }
        let recovery = reconcile(&w.ctx, true).unwrap();
        let (token, account, pending, users) = state(&w);
        match crash_after {
            1 => assert_eq!(recovery, Recovery::Clean),
            2 => assert_eq!(recovery, Recovery::RolledBack),
            _ => assert_eq!(recovery, Recovery::RolledForward),
        }
        let expected = if crash_after >= 3 {
            ("new", "New account")
        } else {
            ("old", "Old account")
        };
        assert_eq!(
            (token.as_deref(), account.as_deref()),
            (Some(expected.0), Some(expected.1)),
            "{crash_after}"
        );
        assert_eq!(pending, 0);
        if crash_after >= 2 {
            assert_eq!(users, ["shop"], "staging keys removed");
        }
    }
}

/// A pending record is a live run's while its owner lock is held: readers leave it alone (and end
/// after the bounded wait); once the owner is gone, the first reader repairs it.
#[test]
fn a_live_rotation_is_never_reconciled_and_an_abandoned_one_is() {
    let dir = tempfile::tempdir().unwrap();
    let store = Rc::new(MemoryStore::default());
    let env = Env::from_pairs([("BCSETUP_LOCK_TIMEOUT_MS", "200")]);
    let w = World {
        ctx: Context::for_tests(dir.path(), env, store.clone()),
        _dir: dir,
        store,
    };
    rotate(&w, "old", "Old account").unwrap();
    let owner = Owner::acquire(&w.ctx).unwrap();
    // The owner stages and records, then is "slow" before writing the real key.
    let keys = Keys::new(&w.ctx.profile);
    w.store
        .set(&keys.staged_token, &SecretString::from("new"))
        .unwrap();
    w.ctx
        .profiles()
        .update(|p| {
            p.pending.insert(w.ctx.profile.clone(), profile("New account"));
            Ok(())
        })
        .unwrap();
    let err = read_committed(&w.ctx, true)
        .err()
        .expect("the reader must not go on");
    assert_eq!(err.exit_code(), 6, "{err}");
    assert!(err.to_string().contains("changing profile"), "{err}");
    assert_eq!(state(&w).2, 1, "the live rotation's record is untouched");
    assert!(w.store.users().contains(&"shop/pending".to_owned()));

    // Without a pending record, a reader reads the committed state beside a live owner.
    w.ctx
        .profiles()
        .update(|p| {
            p.pending.clear();
            Ok(())
        })
        .unwrap();
    drop(read_committed(&w.ctx, false).unwrap());

    // The owner dies with its record back in place: the next reader rolls it back.
    w.ctx
        .profiles()
        .update(|p| {
            p.pending.insert(w.ctx.profile.clone(), profile("New account"));
            Ok(())
        })
        .unwrap();
    drop(owner);
    drop(read_committed(&w.ctx, true).unwrap());
    let (token, account, pending, users) = state(&w);
    assert_eq!(
        (token.as_deref(), account.as_deref(), pending),
        (Some("old"), Some("Old account"), 0)
    );
    assert_eq!(users, ["shop"]);
}

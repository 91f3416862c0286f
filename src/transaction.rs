//! Replacing a profile's credentials so that a crash at any instant (even SIGKILL) leaves either the
//! old credentials or the new ones — secret and metadata agreeing — never a mix.
//!
//! The secret store and profiles.toml cannot be written atomically together, so the new secrets are
//! staged first and the metadata records the intent:
//!
//! 1. write the new secrets to the staging keys (`<profile>/pending`, `<profile>/pending-client-secret`),
//!    each read back;
//! 2. record the new metadata under `[pending.<profile>]` in profiles.toml (atomic rename);
//! 3. write the new secrets to the real keys, each read back;
//! 4. move the metadata from `pending` to `profiles` (atomic rename) — the commit point;
//! 5. delete the staging keys.
//!
//! `reconcile` finishes or undoes an interrupted run: if the real token equals the staged one, step 3
//! completed for the token and the rotation rolls forward; otherwise the real keys still hold the old
//! secrets and it rolls back. A failure that is reported (not a crash) undoes its own steps.

use secrecy::{ExposeSecret, SecretString};

use crate::context::Context;
use crate::error::Error;
use crate::profile::{Profile, ProfileName};
use crate::store::{Key, SecretStore, StoreError, store_verified};

/// The new secrets of a profile.
pub struct Secrets<'a> {
    /// The access token.
    pub token: &'a SecretString,
    /// The client secret; `None` removes a stored one (it belonged to the old account).
    pub client_secret: Option<&'a SecretString>,
}

struct Keys {
    token: Key,
    secret: Key,
    staged_token: Key,
    staged_secret: Key,
}

impl Keys {
    fn new(name: &ProfileName) -> Self {
        Self {
            token: Key::access_token(name),
            secret: Key::client_secret(name),
            staged_token: Key::pending_access_token(name),
            staged_secret: Key::pending_client_secret(name),
        }
    }
}

/// The real secrets before the run, to put back when a reported failure happens after step 3 began.
struct Previous {
    token: Option<SecretString>,
    secret: Option<SecretString>,
}

/// Store `secrets` and `profile` for `ctx.profile`, following the protocol above.
pub fn commit(
    ctx: &Context,
    store: &dyn SecretStore,
    profile: Profile,
    secrets: &Secrets<'_>,
) -> Result<(), Error> {
    let name = &ctx.profile;
    let keys = Keys::new(name);
    let previous = Previous {
        token: store.get(&keys.token)?,
        secret: store.get(&keys.secret)?,
    };

    let staged = stage(store, &keys, secrets).and_then(|()| {
        ctx.profiles().update(|p| {
            p.pending.insert(name.clone(), profile);
            Ok(())
        })
    });
    if let Err(err) = staged {
        discard_staging(store, &keys);
        return Err(err);
    }
    let committed = write_secrets(store, &keys.token, &keys.secret, secrets).and_then(|()| {
        ctx.profiles().update(|p| {
            if let Some(new) = p.pending.remove(name) {
                p.profiles.insert(name.clone(), new);
            }
            Ok(())
        })
    });
    if let Err(err) = committed {
        undo(ctx, store, &keys, &previous);
        return Err(err);
    }
    discard_staging(store, &keys);
    Ok(())
}

fn stage(store: &dyn SecretStore, keys: &Keys, secrets: &Secrets<'_>) -> Result<(), Error> {
    write_secrets(store, &keys.staged_token, &keys.staged_secret, secrets)
}

fn write_secrets(
    store: &dyn SecretStore,
    token: &Key,
    secret: &Key,
    secrets: &Secrets<'_>,
) -> Result<(), Error> {
    store_verified(store, token, secrets.token)?;
    match secrets.client_secret {
        Some(s) => store_verified(store, secret, s)?,
        None => {
            store.delete(secret)?;
        }
    }
    Ok(())
}

/// Put the previous real secrets back and forget the pending metadata; say so loudly if impossible.
fn undo(ctx: &Context, store: &dyn SecretStore, keys: &Keys, previous: &Previous) {
    let restored = [(&keys.token, &previous.token), (&keys.secret, &previous.secret)]
        .into_iter()
        .try_for_each(|(key, old)| -> Result<(), StoreError> {
            match old {
                Some(s) => store_verified(store, key, s),
                None => store.delete(key).map(|_| ()),
            }
        });
    match restored {
        // With the old secrets back, the pending record must go, or reconcile would roll forward.
        Ok(()) => {
            let _ = ctx.profiles().update(|p| {
                p.pending.remove(&ctx.profile);
                Ok(())
            });
            discard_staging(store, keys);
        }
        Err(e) => ctx.printer.warn(format_args!(
            "could not put the previous secret of profile `{}` back ({e}); the new credentials stay staged \
             and the next bcsetup run finishes the rotation",
            ctx.profile
        )),
    }
}

fn discard_staging(store: &dyn SecretStore, keys: &Keys) {
    let _ = store.delete(&keys.staged_token);
    let _ = store.delete(&keys.staged_secret);
}

/// What `reconcile` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Nothing was pending.
    Clean,
    /// An interrupted rotation was completed: the new credentials are in place.
    RolledForward,
    /// An interrupted rotation was undone: the old credentials are in place.
    RolledBack,
}

/// Finish or undo an interrupted rotation of `ctx.profile`. Cheap when nothing is pending: it only
/// reads profiles.toml — unless `tidy`, which also deletes staging keys a run killed before step 2
/// left behind (two store calls; `init` and `verify` tidy, the hot paths `token`/`env`/`exec` do not).
pub fn reconcile(ctx: &Context, tidy: bool) -> Result<Recovery, Error> {
    let name = &ctx.profile;
    let profiles = ctx.profiles().load()?;
    let Some(pending) = profiles.pending.get(name).cloned() else {
        if let Some(profile) = profiles.profiles.get(name).filter(|_| tidy) {
            discard_staging(&*ctx.store(profile.storage), &Keys::new(name));
        }
        return Ok(Recovery::Clean);
    };
    let store = ctx.store(pending.storage);
    let keys = Keys::new(name);
    let staged = store.get(&keys.staged_token)?;
    let real = store.get(&keys.token)?;
    let forward = matches!((&staged, &real), (Some(s), Some(r)) if s.expose_secret() == r.expose_secret());
    if let (true, Some(token)) = (forward, &staged) {
        // The token reached the real key; the client secret may not have: copy it from staging.
        let staged_secret = store.get(&keys.staged_secret)?;
        let secrets = Secrets {
            token,
            client_secret: staged_secret.as_ref(),
        };
        write_secrets(&*store, &keys.token, &keys.secret, &secrets)?;
    }
    ctx.profiles().update(|p| {
        if let Some(new) = p.pending.remove(name).filter(|_| forward) {
            p.profiles.insert(name.clone(), new);
        }
        Ok(())
    })?;
    discard_staging(&*store, &keys);
    let recovery = if forward {
        Recovery::RolledForward
    } else {
        Recovery::RolledBack
    };
    ctx.printer.warn(format_args!(
        "finished an interrupted rotation of profile `{name}`: {}",
        if forward {
            "the new credentials are in place"
        } else {
            "the previous credentials were kept"
        }
    ));
    Ok(recovery)
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
    use crate::cli::GlobalArgs;
    use crate::context::Env;
    use crate::output::Printer;
    use crate::store::StorageKind;
    use crate::store::memory::MemoryStore;

    struct World {
        _dir: tempfile::TempDir,
        ctx: Context,
        store: Rc<MemoryStore>,
    }

    fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let global = GlobalArgs {
            profile: "shop".into(),
            json: false,
            no_input: true,
            config_dir: Some(dir.path().to_owned()),
            quiet: true,
            verbose: false,
        };
        let store = Rc::new(MemoryStore::default());
        let ctx = Context::new(
            &global,
            Env::default(),
            Printer {
                quiet: true,
                ..Printer::default()
            },
        )
        .unwrap()
        .with_keyring(store.clone());
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
        commit(
            &w.ctx,
            &*w.store,
            profile(name),
            &Secrets {
                token: &token,
                client_secret: None,
            },
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
}

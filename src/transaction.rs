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
//!
//! Concurrent runs are kept apart by two locks per profile (`profile::ProfileLock`), which the OS
//! releases when their holder dies:
//! - the **owner** lock: the one run that may change the profile (`init`, `remove`) holds it from
//!   before its first question to its end (`Owner::acquire`). A second writer waits, bounded, then
//!   fails clearly. A `[pending]` record whose owner lock is free was left by a dead run: only then
//!   does `reconcile` touch it;
//! - the **commit** lock: held exclusively while secrets and metadata change (`Owner::changing`, and
//!   `reconcile`), shared while a reader reads them (`read_committed`). A reader never waits for a
//!   wizard's questions, only for a save in progress, and never sees half of one.

use secrecy::SecretString;

use crate::context::Context;
use crate::domain::ProfileName;
use crate::error::Error;
use crate::lock::{FileLock, Mode};
use crate::profile::{Profile, ProfileLock};
use crate::store::{Key, SecretStore, StoreError, same_secret, store_verified};

/// The right to change `ctx.profile` for the rest of the run: its owner lock.
pub(crate) struct Owner<'c> {
    ctx: &'c Context,
    _lock: FileLock,
}

impl<'c> Owner<'c> {
    /// Take the owner lock (waiting at most the lock bound), then finish or undo what a dead run left,
    /// staging keys included (`reconcile` with `tidy`: a writer is about to use them).
    pub(crate) fn acquire(ctx: &'c Context) -> Result<Self, Error> {
        let lock = ctx
            .profiles()
            .lock_profile(&ctx.profile, ProfileLock::Owner, Mode::Exclusive)?;
        let owner = Self { ctx, _lock: lock };
        owner.changing(|| reconcile(ctx, true))?;
        Ok(owner)
    }

    /// Run `change` (a commit, a removal) under the exclusive commit lock, so no reader sees it halfway.
    pub(crate) fn changing<T>(&self, change: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        let _commit =
            self.ctx
                .profiles()
                .lock_profile(&self.ctx.profile, ProfileLock::Commit, Mode::Exclusive)?;
        change()
    }
}

/// Locks that keep `ctx.profile`'s committed state still while it is read; drop it once read.
pub(crate) struct ReadGuard {
    _locks: Vec<FileLock>,
}

/// Wait (bounded) until no save of `ctx.profile` is in progress and hold it so while the caller reads.
/// With no live owner, an unfinished rotation was abandoned, and is finished or undone first
/// (`reconcile`, `tidy` as there); with one, its rotation is left alone and the committed state read
/// — unless that owner's save failed halfway, and then the reader waits for it to end.
pub(crate) fn read_committed(ctx: &Context, tidy: bool) -> Result<ReadGuard, Error> {
    let file = ctx.profiles();
    let owner = if let Some(owner) = file.try_owner_lock(&ctx.profile)? {
        owner
    } else {
        let commit = file.lock_profile(&ctx.profile, ProfileLock::Commit, Mode::Shared)?;
        if !file.load()?.pending.contains_key(&ctx.profile) {
            return Ok(ReadGuard { _locks: vec![commit] });
        }
        drop(commit);
        file.lock_profile(&ctx.profile, ProfileLock::Owner, Mode::Exclusive)?
    };
    let commit = file.lock_profile(&ctx.profile, ProfileLock::Commit, Mode::Exclusive)?;
    reconcile(ctx, tidy)?;
    Ok(ReadGuard {
        _locks: vec![owner, commit],
    })
}

/// The new secrets of a profile.
pub(crate) struct Secrets<'a> {
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

/// The real secrets of a profile in one store, read once before a run changes them: what `undo`
/// puts back when a reported failure happens after step 3 began. `init` reads it before verifying,
/// which also proves the store works before any API quota is spent, and shows the token from it.
pub(crate) struct Snapshot {
    /// The access token, if one is stored.
    pub token: Option<SecretString>,
    /// The client secret, if one is stored.
    pub secret: Option<SecretString>,
}

impl Snapshot {
    /// Read the real keys of a profile.
    pub(crate) fn read(store: &dyn SecretStore, name: &ProfileName) -> Result<Self, StoreError> {
        let keys = Keys::new(name);
        Ok(Self {
            token: store.get(&keys.token)?,
            secret: store.get(&keys.secret)?,
        })
    }
}

/// Store `secrets` and `profile` for `ctx.profile`, following the protocol above. `previous` is the
/// store's content before the run (`Snapshot::read` of the same store).
pub(crate) fn commit(
    ctx: &Context,
    store: &dyn SecretStore,
    profile: Profile,
    secrets: &Secrets<'_>,
    previous: &Snapshot,
) -> Result<(), Error> {
    let name = &ctx.profile;
    let keys = Keys::new(name);

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
        undo(ctx, store, &keys, previous);
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
fn undo(ctx: &Context, store: &dyn SecretStore, keys: &Keys, previous: &Snapshot) {
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
pub(crate) enum Recovery {
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
/// Only under the owner and commit locks (`Owner::acquire`, `read_committed`): then no live run's
/// rotation can be mistaken for an abandoned one.
fn reconcile(ctx: &Context, tidy: bool) -> Result<Recovery, Error> {
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
    let forward = matches!((&staged, &real), (Some(s), Some(r)) if same_secret(s, r));
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
mod tests;

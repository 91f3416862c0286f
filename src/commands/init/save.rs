//! The commit of `init`: write the secrets (each read back and compared), then the metadata. If any
//! step fails, the secrets that were there before are put back, so the profile is either wholly the
//! old one or wholly the new one.

use jiff::Timestamp;
use secrecy::SecretString;

use crate::bigcommerce::verify::Report;
use crate::context::Context;
use crate::error::Error;
use crate::profile::{Profile, ProfileName};
use crate::store::{Key, SecretStore, StorageKind, StoreError, store_verified};
use crate::wizard::InitPlan;

/// The two keys of a profile.
pub struct Keys {
    token: Key,
    secret: Key,
}

impl Keys {
    /// The keys of `profile`.
    pub fn new(profile: &ProfileName) -> Self {
        Self { token: Key::access_token(profile), secret: Key::client_secret(profile) }
    }
}

/// The secrets in the store before this run, to put back if anything fails.
pub struct Snapshot {
    /// The previous access token (kept in memory only, also for the revocation check).
    pub token: Option<SecretString>,
    secret: Option<SecretString>,
}

impl Snapshot {
    /// Read the current secrets. This also proves the store is usable before any API quota is spent.
    pub fn take(store: &dyn SecretStore, keys: &Keys) -> Result<Self, StoreError> {
        Ok(Self { token: store.get(&keys.token)?, secret: store.get(&keys.secret)? })
    }

    /// Put the old secrets back.
    fn restore(&self, store: &dyn SecretStore, keys: &Keys) -> Result<(), StoreError> {
        for (key, old) in [(&keys.token, &self.token), (&keys.secret, &self.secret)] {
            match old {
                Some(secret) => store_verified(store, key, secret)?,
                None => {
                    store.delete(key)?;
                }
            }
        }
        Ok(())
    }
}

/// What to commit.
pub struct Commit<'a> {
    /// The validated inputs.
    pub plan: &'a InitPlan,
    /// The verification report (`None` with `--no-verify`).
    pub report: Option<&'a Report>,
    /// The profile being rotated, if any.
    pub existing: Option<&'a Profile>,
    /// Where the secrets go.
    pub storage: StorageKind,
}

/// Write secrets, read them back, write metadata; on failure restore the previous secrets.
pub fn commit(ctx: &Context, store: &dyn SecretStore, keys: &Keys, previous: &Snapshot, c: &Commit<'_>) -> Result<(), Error> {
    let write = || -> Result<(), Error> {
        store_verified(store, &keys.token, &c.plan.access_token)?;
        match &c.plan.client_secret {
            Some(secret) => store_verified(store, &keys.secret, secret)?,
            // A client secret of the old account is useless with the new one.
            None => {
                store.delete(&keys.secret)?;
            }
        }
        let profile = profile(c);
        ctx.profiles().update(|profiles| {
            profiles.profiles.insert(ctx.profile.clone(), profile);
            Ok(())
        })
    };
    write().inspect_err(|_| {
        if let Err(restore) = previous.restore(store, keys) {
            ctx.printer.warn(format_args!(
                "could not put the previous secret back ({restore}); the previous access token may be lost \
                 from the {} for profile `{}`",
                store.kind().as_str(),
                ctx.profile
            ));
        }
    })
}

fn profile(c: &Commit<'_>) -> Profile {
    let now = Timestamp::now();
    let plan = c.plan;
    Profile {
        store_hash: plan.store_hash.clone(),
        api_path: plan.store_hash.api_path(),
        store_name: c.report.and_then(|r| r.store.name.clone()),
        account_name: plan.account_name.clone(),
        client_id: plan.client_id.clone(),
        has_client_secret: plan.client_secret.is_some(),
        token_type: plan.token_type,
        access: plan.access,
        scopes_wanted: plan.scopes.keys().into_iter().map(str::to_owned).collect(),
        scopes_observed: c
            .report
            .map(|r| r.scopes.iter().map(|s| (s.scope.to_owned(), s.observed)).collect())
            .unwrap_or_default(),
        storage: c.storage,
        created_at: c.existing.map_or(now, |p| p.created_at),
        rotated_at: c.existing.map(|_| now),
        verified_at: c.report.map(|_| now),
    }
}

/// After moving a profile between storages, remove its secrets from the old one (best effort).
pub fn remove_old_storage(ctx: &Context, old: StorageKind, keys: &Keys) {
    let store = ctx.store(old);
    for key in [&keys.token, &keys.secret] {
        if let Err(e) = store.delete(key) {
            ctx.printer.warn(format_args!("could not remove the old secret from the {}: {e}", old.as_str()));
        }
    }
}

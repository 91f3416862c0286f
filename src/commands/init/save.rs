//! What `init` stores: the new profile's metadata, and the secrets that were there before (read
//! first, which also proves the store works before any API quota is spent).

use jiff::Timestamp;
use secrecy::SecretString;

use crate::bigcommerce::verify::Report;
use crate::context::Context;
use crate::error::Error;
use crate::profile::Profile;
use crate::store::{Key, SecretStore, StorageKind};
use crate::transaction::{self, Secrets};
use crate::wizard::InitPlan;

/// The access token stored before this run (kept in memory only, for the revocation check).
pub fn previous_token(ctx: &Context, store: &dyn SecretStore) -> Result<Option<SecretString>, Error> {
    Ok(store.get(&Key::access_token(&ctx.profile))?)
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

/// Store the secrets and the metadata as one crash-safe transaction.
pub fn commit(ctx: &Context, store: &dyn SecretStore, c: &Commit<'_>) -> Result<(), Error> {
    let secrets = Secrets {
        token: &c.plan.access_token,
        client_secret: c.plan.client_secret.as_ref(),
    };
    transaction::commit(ctx, store, profile(c), &secrets)
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
            .map(|r| {
                r.scopes
                    .iter()
                    .map(|s| (s.scope.to_owned(), s.observed))
                    .collect()
            })
            .unwrap_or_default(),
        storage: c.storage,
        created_at: c.existing.map_or(now, |p| p.created_at),
        rotated_at: c.existing.map(|_| now),
        verified_at: c.report.map(|_| now),
    }
}

/// After moving a profile between storages, remove its secrets from the old one (best effort).
pub fn remove_old_storage(ctx: &Context, old: StorageKind) {
    let store = ctx.store(old);
    for key in [Key::access_token(&ctx.profile), Key::client_secret(&ctx.profile)] {
        if let Err(e) = store.delete(&key) {
            ctx.printer.warn(format_args!(
                "could not remove the old secret from the {}: {e}",
                old.as_str()
            ));
        }
    }
}

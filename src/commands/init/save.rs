//! What `init` stores and says when it is done: the new profile's metadata, the commit of secrets and
//! metadata as one transaction, the clean-up of a store the profile moved away from, and the summary.

use jiff::Timestamp;

use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::report::Report;
use crate::context::Context;
use crate::domain::StorageKind;
use crate::error::{Error, Left};
use crate::profile::Profile;
use crate::store::{Key, SecretStore};
use crate::text;
use crate::transaction::{self, Secrets, Snapshot};
use crate::wizard::InitPlan;

/// What to commit.
pub(super) struct Commit<'a> {
    /// The validated inputs.
    pub plan: &'a InitPlan,
    /// The verification report (`None` with `--no-verify`).
    pub report: Option<&'a Report>,
    /// The profile being rotated, if any.
    pub existing: Option<&'a Profile>,
    /// Where the secrets go.
    pub storage: StorageKind,
}

/// Store the secrets and the metadata as one crash-safe transaction; `previous` is what the store
/// held, put back if the save fails halfway.
pub(super) fn commit(
    ctx: &Context,
    store: &dyn SecretStore,
    c: &Commit<'_>,
    previous: &Snapshot,
) -> Result<(), Error> {
    let secrets = Secrets {
        token: c.plan.access_token.as_secret(),
        client_secret: c.plan.client_secret.as_ref(),
    };
    transaction::commit(ctx, store, profile(c), &secrets, previous).map_err(|err| match err {
        // Said only when it is true: a profile existed, and no rotation was left half-done (an undo
        // that failed keeps the pending record, and has warned already).
        Error::Storage(error) if c.existing.is_some() && !pending(ctx) => Error::StorageLeft {
            error,
            left: Left::PreviousCredentials,
        },
        other => other,
    })
}

/// Whether profiles.toml still records an unfinished rotation of this profile (unknown counts as yes).
fn pending(ctx: &Context) -> bool {
    ctx.profiles()
        .load()
        .map_or(true, |p| p.pending.contains_key(&ctx.profile))
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
        scopes_observed: c.report.map(Report::observed).unwrap_or_default(),
        storage: c.storage,
        created_at: c.existing.map_or(now, |p| p.created_at),
        rotated_at: c.existing.map(|_| now),
        verified_at: c.report.map(|_| now),
    }
}

/// After moving a profile between storages, remove its secrets from the old one (best effort).
pub(super) fn remove_old_storage(ctx: &Context, old: StorageKind) {
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

/// The result: the report (or the unverified summary) as JSON, or the summary and next steps as text.
/// A JSON document with `stencil` added after its keys (`flatten` keeps the report's key order).
#[derive(serde::Serialize)]
struct WithStencil<'a, T: serde::Serialize> {
    #[serde(flatten)]
    inner: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    stencil: Option<serde_json::Value>,
}

/// `stencil` is what `--from-stencil` did with the theme folder's file, added to the JSON document.
pub(super) fn finish(ctx: &Context, c: &Commit<'_>, stencil: Option<serde_json::Value>) {
    let plan = c.plan;
    if ctx.printer.json {
        let unverified = serde_json::json!({
            "ok": true,
            "profile": ctx.profile,
            "verified": false,
            "store": { "hash": plan.store_hash },
            "token_type": plan.token_type,
            "access": plan.access,
        });
        match c.report {
            Some(inner) => ctx.printer.json(&WithStencil { inner, stencil }),
            None => ctx.printer.json(&WithStencil {
                inner: &unverified,
                stencil,
            }),
        }
        return;
    }
    let unknown: Vec<&str> = c
        .report
        .iter()
        .flat_map(|r| r.scopes.iter())
        .filter(|s| s.observed == Observed::Unknown)
        .map(|s| s.name)
        .collect();
    if !unknown.is_empty() {
        ctx.printer
            .warn(format_args!("accepted without proof: {}", unknown.join(", ")));
    }
    let place = match c.storage {
        StorageKind::Keyring => "the OS keyring".to_owned(),
        StorageKind::File => text::path(&ctx.config_dir.join("secrets")),
    };
    let verb = if c.existing.is_some() { "Rotated" } else { "Saved" };
    let unverified = if c.report.is_some() { "" } else { " (unverified)" };
    ctx.printer.success(format_args!(
        "{verb} profile `{}` for store {} in {place}{unverified}",
        ctx.profile, plan.store_hash
    ));
    next_steps(ctx, c.existing.is_some());
}

fn next_steps(ctx: &Context, rotated: bool) {
    let flag = if ctx.profile.as_str() == "default" {
        String::new()
    } else {
        format!(" --profile {}", ctx.profile)
    };
    ctx.printer.info(format_args!(
        "  use it: bcsetup{flag} exec -- <command>   (or `bcsetup{flag} env`, `bcsetup{flag} token`)"
    ));
    if rotated {
        ctx.printer.info(
            "Now delete the old API account in the control panel (Settings › Store-level API accounts). \
             Webhooks it created stop with it, and only it could reach its metafields and scripts.",
        );
    }
}

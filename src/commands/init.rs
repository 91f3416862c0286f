//! `bcsetup init`: resolve inputs → prove them live → store the secret and read it back → write the
//! metadata. Re-running on an existing profile is a rotation: the previous credentials stay exactly
//! as they were unless every step for the new ones succeeded (on a failure after the secret was
//! replaced, the old secret is put back).

use std::io::Read;

use jiff::Timestamp;
use secrecy::SecretString;

use super::prove::{Claim, prove};
use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::verify::Report;
use crate::cli::InitArgs;
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::profile::Profile;
use crate::store::{Key, SecretStore, StorageKind, StoreError, store_verified};
use crate::wizard::prompter::DialoguerPrompter;
use crate::wizard::{InitPlan, Inputs, resolve};

/// Run the wizard (or its unattended form).
pub fn run(args: &InitArgs, ctx: &Context) -> Result<(), Error> {
    let existing = ctx.profiles().load()?.profiles.get(&ctx.profile).cloned();
    let mut terminal = DialoguerPrompter::default();
    let plan = resolve(Inputs {
        args,
        env: &ctx.env,
        stdin: &mut std::io::stdin().lock() as &mut dyn Read,
        prompter: if ctx.interactive {
            Some(&mut terminal)
        } else {
            None
        },
    })?;
    if let Some(old) = &existing {
        confirm_rotation(args, ctx, old, &mut terminal)?;
    }
    let storage = if args.insecure_storage {
        StorageKind::File
    } else {
        StorageKind::Keyring
    };
    if storage == StorageKind::File {
        ctx.printer.warn(format_args!(
            "--insecure-storage: the secrets will be kept in a plain 0600 file under {}, not in the OS keyring",
            ctx.config_dir.join("secrets").display()
        ));
    }
    let store = ctx.store(storage);
    // Read what is there now, before any network call: this proves the store is usable (exit 6 early
    // instead of after spending API quota) and keeps the old secrets to restore on failure.
    let keys = Keys::new(ctx);
    let previous = Snapshot::take(&*store, &keys)?;

    let report = if args.no_verify {
        ctx.printer.warn(
            "--no-verify: storing the credentials without checking them; `bcsetup verify` checks later",
        );
        None
    } else {
        let check_modify = !args.no_check_modify;
        let claim = Claim {
            store: &plan.store_hash,
            token: &plan.access_token,
            token_type: plan.token_type,
            access: plan.access,
            scopes: &plan.scopes,
            check_modify,
        };
        let report = prove(ctx, &claim, &|_| true)?;
        accept_unproven(args, ctx, &report, &mut terminal)?;
        Some(report)
    };

    commit(
        ctx,
        &*store,
        &keys,
        &previous,
        &plan,
        report.as_ref(),
        existing.as_ref(),
        storage,
    )?;
    if let Some(old) = existing.as_ref().filter(|old| old.storage != storage) {
        remove_old_storage(ctx, old.storage, &keys);
    }
    finish(ctx, &plan, report.as_ref(), existing.is_some(), storage);
    Ok(())
}

fn confirm_rotation(
    args: &InitArgs,
    ctx: &Context,
    old: &Profile,
    terminal: &mut DialoguerPrompter,
) -> Result<(), Error> {
    if args.yes {
        return Ok(());
    }
    if !ctx.interactive {
        return Err(InputErrors::one(
            "--yes",
            format!(
                "profile `{}` already holds credentials for store `{}`; pass --yes to replace them (rotation)",
                ctx.profile, old.store_hash
            ),
        ));
    }
    let question = format!(
        "Profile `{}` holds credentials for store {} (account `{}`). Replace them with the new ones once they are verified?",
        ctx.profile, old.store_hash, old.account_name
    );
    if crate::wizard::prompter::Prompter::confirm(terminal, &question, false)? {
        Ok(())
    } else {
        Err(Error::Interrupted)
    }
}

/// Levels no probe could decide (`unknown`) are stored only when the user accepts them: `--yes`,
/// or a confirmation on the terminal. Otherwise exit 4 with the report.
fn accept_unproven(
    args: &InitArgs,
    ctx: &Context,
    report: &Report,
    terminal: &mut DialoguerPrompter,
) -> Result<(), Error> {
    let unknown: Vec<&str> = report.short().filter(|s| s.observed == Observed::Unknown).map(|s| s.name).collect();
    if unknown.is_empty() || args.yes {
        return Ok(());
    }
    let list = unknown.join(", ");
    if ctx.interactive {
        let question = format!(
            "No safe request can prove {list} at the wanted level without changing data. Store the credentials anyway?"
        );
        if crate::wizard::prompter::Prompter::confirm(terminal, &question, true)? {
            return Ok(());
        }
        return Err(Error::Interrupted);
    }
    Err(Error::Verification {
        code: 4,
        kind: "scopes_unproven",
        message: format!("could not prove {list} at the wanted level"),
        hint: Some(
            "no safe request decides these levels (see `bcsetup scopes`); pass --yes to accept them unproven".into(),
        ),
        report: Some(Box::new(report.clone())),
    })
}

/// The two keys of the profile.
struct Keys {
    token: Key,
    secret: Key,
}

impl Keys {
    fn new(ctx: &Context) -> Self {
        Self {
            token: Key::access_token(&ctx.profile),
            secret: Key::client_secret(&ctx.profile),
        }
    }
}

/// The secrets in the store before this run, to put back if anything fails.
struct Snapshot {
    token: Option<SecretString>,
    secret: Option<SecretString>,
}

impl Snapshot {
    fn take(store: &dyn SecretStore, keys: &Keys) -> Result<Self, StoreError> {
        Ok(Self {
            token: store.get(&keys.token)?,
            secret: store.get(&keys.secret)?,
        })
    }

    /// Put the old secrets back. Errors are returned so the caller can say so loudly.
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

#[allow(clippy::too_many_arguments)]
fn commit(
    ctx: &Context,
    store: &dyn SecretStore,
    keys: &Keys,
    previous: &Snapshot,
    plan: &InitPlan,
    report: Option<&Report>,
    existing: Option<&Profile>,
    storage: StorageKind,
) -> Result<(), Error> {
    let write = || -> Result<(), Error> {
        store_verified(store, &keys.token, &plan.access_token)?;
        match &plan.client_secret {
            Some(secret) => store_verified(store, &keys.secret, secret)?,
            // A client secret of the old account is useless with the new one.
            None => {
                store.delete(&keys.secret)?;
            }
        }
        let now = Timestamp::now();
        let profile = Profile {
            store_hash: plan.store_hash.clone(),
            api_path: plan.store_hash.api_path(),
            store_name: report.and_then(|r| r.store.name.clone()),
            account_name: plan.account_name.clone(),
            client_id: plan.client_id.clone(),
            has_client_secret: plan.client_secret.is_some(),
            token_type: plan.token_type,
            access: plan.access,
            scopes_wanted: plan.scopes.keys().into_iter().map(str::to_owned).collect(),
            scopes_observed: report
                .map(|r| {
                    r.scopes
                        .iter()
                        .map(|s| (s.scope.to_owned(), s.observed))
                        .collect()
                })
                .unwrap_or_default(),
            storage,
            created_at: existing.map_or(now, |p| p.created_at),
            rotated_at: existing.map(|_| now),
            verified_at: report.map(|_| now),
        };
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

fn remove_old_storage(ctx: &Context, old: StorageKind, keys: &Keys) {
    let store = ctx.store(old);
    for key in [&keys.token, &keys.secret] {
        if let Err(e) = store.delete(key) {
            ctx.printer.warn(format_args!(
                "could not remove the old secret from the {}: {e}",
                old.as_str()
            ));
        }
    }
}

fn finish(ctx: &Context, plan: &InitPlan, report: Option<&Report>, rotated: bool, storage: StorageKind) {
    if ctx.printer.json {
        match report {
            Some(r) => ctx.printer.json(r),
            None => ctx.printer.json(&serde_json::json!({
                "ok": true,
                "profile": ctx.profile,
                "verified": false,
                "store": { "hash": plan.store_hash },
                "token_type": plan.token_type,
                "access": plan.access,
            })),
        }
        return;
    }
    let unknown: Vec<&str> = report
        .map(|r| {
            r.scopes
                .iter()
                .filter(|s| s.observed == Observed::Unknown)
                .map(|s| s.name)
                .collect()
        })
        .unwrap_or_default();
    if !unknown.is_empty() {
        ctx.printer.warn(format_args!(
            "accepted without proof (--yes): {}",
            unknown.join(", ")
        ));
    }
    let place = match storage {
        StorageKind::Keyring => "the OS keyring".to_owned(),
        StorageKind::File => format!("{}", ctx.config_dir.join("secrets").display()),
    };
    let verb = if rotated { "Rotated" } else { "Saved" };
    ctx.printer.success(format_args!(
        "{verb} profile `{}` for store {} in {place}{}",
        ctx.profile,
        plan.store_hash,
        if report.is_some() { "" } else { " (unverified)" }
    ));
    if rotated {
        ctx.printer.info(
            "Now delete the old API account in the control panel (Settings › Store-level API accounts). \
             Webhooks, metafields and scripts it created are deleted with it.",
        );
    }
}

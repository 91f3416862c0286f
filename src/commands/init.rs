//! `bcsetup init`: resolve inputs → prove them live → store the secret and read it back → write the
//! metadata. Re-running on an existing profile is a rotation: the previous credentials stay exactly
//! as they were unless every step for the new ones succeeded.

mod interactive;
mod save;

use std::io::Read;

use secrecy::SecretString;

use super::prove::{Claim, prove};
use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::verify::Report;
use crate::cli::{InitArgs, VerifyArgs};
use crate::context::Context;
use crate::error::Error;
use crate::profile::Profile;
use crate::store::StorageKind;
use crate::wizard::prompter::{DialoguerPrompter, Prompter};
use crate::wizard::{Defaults, InitPlan, Inputs, import, resolve};
use interactive::Existing;
use save::{Commit, commit, previous_token, remove_old_storage};

/// Run the wizard (or its unattended form).
pub fn run(args: &InitArgs, ctx: &Context) -> Result<(), Error> {
    crate::interrupt::install();
    crate::transaction::reconcile(ctx, true)?;
    let existing = ctx.profiles().load()?.profiles.get(&ctx.profile).cloned();
    let mut terminal = DialoguerPrompter::default();
    let mut defaults = existing.as_ref().map(Defaults::from_profile).unwrap_or_default();
    if let Some(old) = &existing {
        match interactive::existing(args, ctx, old, prompter(ctx, &mut terminal))? {
            Existing::Rotate(access) => defaults.access = access.or(defaults.access),
            Existing::Reverify => return super::verify::run(&VerifyArgs::default(), ctx),
        }
    }
    let mut plan = resolve(Inputs {
        args,
        env: &ctx.env,
        // Not locked: a hidden prompt reads the terminal through `Stdin` too, and would wait on the lock.
        stdin: &mut std::io::stdin() as &mut dyn Read,
        prompter: prompter(ctx, &mut terminal),
        defaults,
        downloads: import::downloads_dir(&ctx.env),
        can_open_browser: can_open_browser(ctx),
    })?;
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
    let previous = previous_token(ctx, &*store)?;
    let report = if args.no_verify {
        ctx.printer.warn(
            "--no-verify: storing the credentials without checking them; `bcsetup verify` checks later",
        );
        None
    } else {
        Some(verify(args, ctx, &mut plan, &mut terminal)?)
    };
    let change = Commit {
        plan: &plan,
        report: report.as_ref(),
        existing: existing.as_ref(),
        storage,
    };
    let (saved, signal) = crate::interrupt::critical(|| commit(ctx, &*store, &change));
    saved?;
    if let Some(old) = existing.as_ref().filter(|old| old.storage != storage) {
        remove_old_storage(ctx, old.storage);
    }
    finish(ctx, &plan, report.as_ref(), existing.is_some(), storage);
    if signal.is_some() {
        ctx.printer
            .warn("interrupted while saving: the save was completed first, so nothing is half-written");
        return Err(Error::Interrupted);
    }
    after_save(ctx, &plan, existing.as_ref(), previous.as_ref(), &mut terminal)
}

fn prompter<'a>(ctx: &Context, terminal: &'a mut DialoguerPrompter) -> Option<&'a mut dyn Prompter> {
    if ctx.interactive { Some(terminal) } else { None }
}

/// A browser can be opened on macOS and Windows, and on other systems when there is a display.
fn can_open_browser(ctx: &Context) -> bool {
    cfg!(any(target_os = "macos", windows))
        || ctx.env.get("DISPLAY").is_some()
        || ctx.env.get("WAYLAND_DISPLAY").is_some()
}

/// Prove the plan; on a terminal, a failure can be fixed in place and retried without starting over.
fn verify(
    args: &InitArgs,
    ctx: &Context,
    plan: &mut InitPlan,
    terminal: &mut DialoguerPrompter,
) -> Result<Report, Error> {
    loop {
        let claim = Claim {
            store: &plan.store_hash,
            token: &plan.access_token,
            token_type: plan.token_type,
            access: plan.access,
            scopes: &plan.scopes,
            check_modify: !args.no_check_modify,
        };
        let outcome = prove(ctx, &claim, &|_| true).and_then(|report| {
            interactive::accept_unproven(args, &report, prompter(ctx, terminal)).map(|()| report)
        });
        match (outcome, prompter(ctx, terminal)) {
            (Ok(report), _) => return Ok(report),
            (Err(err @ (Error::Verification { .. } | Error::Unreachable(_))), Some(p)) => {
                ctx.printer.problem(&err);
                interactive::recover(err, plan, p)?;
            }
            (Err(err), _) => return Err(err),
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
        ctx.printer
            .warn(format_args!("accepted without proof: {}", unknown.join(", ")));
    }
    let place = match storage {
        StorageKind::Keyring => "the OS keyring".to_owned(),
        StorageKind::File => format!("{}", ctx.config_dir.join("secrets").display()),
    };
    let verb = if rotated { "Rotated" } else { "Saved" };
    let unverified = if report.is_some() { "" } else { " (unverified)" };
    ctx.printer.success(format_args!(
        "{verb} profile `{}` for store {} in {place}{unverified}",
        ctx.profile, plan.store_hash
    ));
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
             Webhooks, metafields and scripts it created are deleted with it.",
        );
    }
}

/// On a terminal: confirm the old token is revoked after a rotation, and offer to delete an imported file.
fn after_save(
    ctx: &Context,
    plan: &InitPlan,
    existing: Option<&Profile>,
    old_token: Option<&SecretString>,
    terminal: &mut DialoguerPrompter,
) -> Result<(), Error> {
    let Some(p) = prompter(ctx, terminal) else {
        return Ok(());
    };
    if let (Some(old), Some(token)) = (existing, old_token) {
        interactive::confirm_old_revoked(ctx, &old.store_hash, token, p)?;
    }
    if let Some(path) = &plan.source_file {
        interactive::offer_delete(ctx, path, p)?;
    }
    Ok(())
}

//! `bcsetup init`: resolve inputs → prove them live → store the secret and read it back → write the
//! metadata. Re-running on an existing profile is a rotation: the previous credentials stay exactly
//! as they were unless every step for the new ones succeeded.

mod existing;
mod interactive;
mod save;
#[cfg(test)]
mod tests;

use std::io::Read;

use crate::bigcommerce::report::Report;
use crate::cli::{InitArgs, VerifyArgs};
use crate::context::Context;
use crate::domain::StorageKind;
use crate::error::Error;
use crate::prompter::Prompter;
use crate::prover::{Claim, prove};
use crate::text;
use crate::transaction::{Owner, Snapshot};
use crate::wizard::{Defaults, InitPlan, Inputs, import, resolve};
use existing::Existing;
use interactive::{Choice, Remedy};
use save::{Commit, commit, finish, remove_old_storage};

/// Run the wizard (or its unattended form).
pub(super) fn run(args: &InitArgs, ctx: &Context) -> Result<(), Error> {
    ctx.watch_signals();
    // Before the first question: a second run on the same profile waits here (bounded), not after
    // the user has answered everything.
    let owner = Owner::acquire(ctx)?;
    let existing = Existing::load(ctx)?;
    crate::terminal::cancel_keeps(if existing.is_some() {
        "the previous credentials were kept"
    } else {
        "nothing was saved"
    });
    let mut defaults = Defaults::default();
    if let Some(old) = &existing {
        match interactive::existing(args, ctx, old)? {
            Choice::Rotate(access) => {
                defaults = Defaults::from_profile(&old.profile);
                defaults.access = access.or(defaults.access);
            }
            Choice::Reverify => return super::verify::run(&VerifyArgs::default(), ctx),
        }
    }
    let mut plan = resolve_plan(ctx, args, defaults)?;
    let storage = storage(ctx, args);
    let store = ctx.store(storage);
    // Read before any API quota is spent: it proves the store works, and it is what a failed save
    // puts back. The profile's own secrets were read already when they live in the same store.
    let fresh;
    let previous = if let Some(old) = existing.as_ref().filter(|e| e.profile.storage == storage) {
        old.secrets.as_ref().map_err(|e| Error::Storage(e.clone()))?
    } else {
        fresh = Snapshot::read(&*store, &ctx.profile)?;
        &fresh
    };
    let report = if args.no_verify {
        ctx.printer.warn(
            "--no-verify: storing the credentials without checking them; `bcsetup verify` checks later",
        );
        None
    } else {
        Some(prove_until_done(args, ctx, &mut plan)?)
    };
    let change = Commit {
        plan: &plan,
        report: report.as_ref(),
        existing: existing.as_ref().map(|e| &e.profile),
        storage,
    };
    let (saved, signal) = crate::interrupt::critical(|| {
        owner.changing(|| {
            commit(ctx, &*store, &change, previous)?;
            if let Some(old) = existing.as_ref().filter(|old| old.profile.storage != storage) {
                remove_old_storage(ctx, old.profile.storage);
            }
            Ok(())
        })
    });
    saved?;
    crate::terminal::cancel_keeps("the new credentials were saved");
    finish(ctx, &change);
    if let Some(signal) = signal {
        ctx.printer
            .warn("interrupted while saving: the save was completed first, so nothing is half-written");
        return Err(Error::Signalled(signal));
    }
    after_save(ctx, &plan, existing.as_ref())
}

fn resolve_plan(ctx: &Context, args: &InitArgs, defaults: Defaults) -> Result<InitPlan, Error> {
    let mut prompter = ctx.prompter();
    // Not locked: a hidden prompt reads the terminal through `Stdin` too, and would wait on the lock.
    let mut stdin = std::io::stdin();
    resolve(Inputs {
        args,
        env: &ctx.env,
        profile: &ctx.profile,
        stdin: &mut stdin as &mut dyn Read,
        prompter: prompter.as_deref_mut().map(|p| p as &mut dyn Prompter),
        defaults,
        downloads: import::downloads_dir(&ctx.env),
        can_open_browser: can_open_browser(ctx),
    })
}

/// The keyring, unless `--insecure-storage` asks for the file (with a warning every time).
fn storage(ctx: &Context, args: &InitArgs) -> StorageKind {
    if !args.insecure_storage {
        return StorageKind::Keyring;
    }
    ctx.printer.warn(format_args!(
        "--insecure-storage: the secrets will be kept in a plain 0600 file under {}, not in the OS keyring",
        text::path(&ctx.config_dir.join("secrets"))
    ));
    StorageKind::File
}

/// A browser can be opened on macOS and Windows, and on other systems when there is a display.
fn can_open_browser(ctx: &Context) -> bool {
    cfg!(any(target_os = "macos", windows))
        || ctx.env.get("DISPLAY").is_some()
        || ctx.env.get("WAYLAND_DISPLAY").is_some()
}

/// Prove the plan; on a terminal, a failure can be fixed in place and retried without starting over.
fn prove_until_done(args: &InitArgs, ctx: &Context, plan: &mut InitPlan) -> Result<Report, Error> {
    loop {
        let claim = Claim {
            store: &plan.store_hash,
            token: &plan.access_token,
            token_type: plan.token_type,
            access: plan.access,
            scopes: &plan.scopes,
            check_modify: !args.no_check_modify,
        };
        let outcome = prove(ctx, &claim, &|_| true)
            .and_then(|report| interactive::accept_unproven(args, ctx, &report).map(|()| report));
        let err = match outcome {
            Ok(report) => return Ok(report),
            Err(err) => err,
        };
        let (Some(menu), Some(mut p)) = (Remedy::menu_for(&err), ctx.prompter()) else {
            return Err(err);
        };
        ctx.printer.problem(&err);
        if !interactive::recover(menu, plan, &mut *p)? {
            return Err(err);
        }
        // A token typed again may be what was given as the account name or client ID.
        crate::wizard::settle_copies(plan, &ctx.profile, &mut *p)?;
    }
}

/// On a terminal: confirm the old token is revoked after a rotation, and offer to delete an imported file.
fn after_save(ctx: &Context, plan: &InitPlan, existing: Option<&Existing>) -> Result<(), Error> {
    let Some(mut p) = ctx.prompter() else {
        return Ok(());
    };
    if let Some((old, token)) = existing.and_then(|e| Some((e, e.token()?))) {
        interactive::confirm_old_revoked(ctx, &old.profile.store_hash, &token, &mut *p)?;
    }
    if let Some(path) = &plan.source_file {
        interactive::offer_delete(ctx, path, &mut *p)?;
    }
    Ok(())
}

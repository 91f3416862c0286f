//! `bcsetup init`: resolve inputs → prove them live → store the secret and read it back → write the
//! metadata. Re-running on an existing profile is a rotation: the previous credentials stay exactly
//! as they were unless every step for the new ones succeeded.

mod existing;
mod interactive;
mod save;
mod stencil;
mod storage;
#[cfg(test)]
mod tests;

use std::io::Read;

use crate::bigcommerce::report::Report;
use crate::cli::{InitArgs, VerifyArgs};
use crate::context::Context;
use crate::domain::StorageKind;
use crate::error::Error;
use crate::prompter::Prompter;
use crate::prover::{Claim, Prover};
use crate::transaction::{Owner, Snapshot};
use crate::wizard::steps::Opening;
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
    // Also before the first question: no answer is given to a run that cannot keep the secrets.
    // Without a terminal its failure waits for the inputs' check (`kind` below), before any request.
    let chosen = storage::choose(args, ctx)?;
    let existing = Existing::load(ctx)?;
    let Some(defaults) = rotation_defaults(args, ctx, existing.as_ref())? else {
        return super::verify::run(&VerifyArgs::default(), ctx);
    };
    let mut plan = resolve_plan(ctx, args, defaults, chosen.planned())?;
    stencil::tell(ctx, &plan);
    let storage = chosen.kind()?;
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
    done(args, ctx, &change, signal)?;
    after_save(ctx, &plan, existing.as_ref())
}

/// Once saved: the summary or JSON document, a signal held during the save, and the theme folder's
/// copy of the token, which may go only now that the keyring read it back (before the JSON document,
/// which reports it; after the summary on a terminal).
fn done(args: &InitArgs, ctx: &Context, change: &Commit<'_>, signal: Option<i32>) -> Result<(), Error> {
    let json_first = ctx.printer.json && signal.is_none();
    let outcome = if json_first {
        stencil::take_out(args, ctx, change.plan)?
    } else {
        None
    };
    finish(ctx, change, outcome.as_ref().map(stencil::Outcome::json));
    if let Some(signal) = signal {
        ctx.printer
            .warn("interrupted while saving: the save was completed first, so nothing is half-written");
        return Err(Error::Signalled(signal));
    }
    if !json_first {
        stencil::take_out(args, ctx, change.plan)?;
    }
    Ok(())
}

/// What the answers start from: nothing for a new profile; for an existing one, after asking what
/// to do with it, its settings (a rotation), or `None` when the user chose to re-verify it instead.
fn rotation_defaults(
    args: &InitArgs,
    ctx: &Context,
    existing: Option<&Existing>,
) -> Result<Option<Defaults>, Error> {
    crate::terminal::cancel_keeps(if existing.is_some() {
        "the previous credentials were kept"
    } else {
        "nothing was saved"
    });
    let Some(old) = existing else {
        return Ok(Some(Defaults::default()));
    };
    Ok(match interactive::existing(args, ctx, old)? {
        Choice::Rotate(access) => {
            let mut defaults = Defaults::from_profile(&old.profile);
            defaults.access = access.or(defaults.access);
            Some(defaults)
        }
        Choice::Reverify => None,
    })
}

fn resolve_plan(
    ctx: &Context,
    args: &InitArgs,
    defaults: Defaults,
    storage: StorageKind,
) -> Result<InitPlan, Error> {
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
        api_base: &ctx.api_base,
        opening: opening(ctx, args, storage),
        lookup: &|info| {
            ctx.printer.detail(format_args!("GET {info} (no token)"));
            crate::prover::storefront_store_hash(info)
        },
    })
}

/// What the wizard's opening line says the run will do: not said with --quiet, whose user asked for
/// silence, nor with --json, whose run is driven by a program.
fn opening(ctx: &Context, args: &InitArgs, storage: StorageKind) -> Option<Opening> {
    (!ctx.printer.quiet && !ctx.printer.json).then_some(Opening {
        storage,
        verify: !args.no_verify,
    })
}

/// A browser can be opened on macOS and Windows, and on other systems when there is a display.
fn can_open_browser(ctx: &Context) -> bool {
    cfg!(any(target_os = "macos", windows))
        || ctx.env.get("DISPLAY").is_some()
        || ctx.env.get("WAYLAND_DISPLAY").is_some()
}

/// Prove the plan; on a terminal, a failure can be fixed in place and retried without starting over.
/// After a change of what is wanted only, the same token is judged again from the answers already
/// received (`Prover::prove_again`): only missing requests are sent and only what changed is shown.
fn prove_until_done(args: &InitArgs, ctx: &Context, plan: &mut InitPlan) -> Result<Report, Error> {
    let mut prover = Prover::default();
    let mut same_token = false;
    loop {
        let claim = Claim {
            store: &plan.store_hash,
            token: &plan.access_token,
            token_type: plan.token_type,
            access: plan.access,
            scopes: &plan.scopes,
            check_modify: !args.no_check_modify,
        };
        let outcome = if same_token {
            prover.prove_again(ctx, &claim, &|_| true)
        } else {
            prover.prove(ctx, &claim, &|_| true)
        };
        let outcome =
            outcome.and_then(|report| interactive::accept_unproven(args, ctx, &report).map(|()| report));
        let err = match outcome {
            Ok(report) => return Ok(report),
            Err(err) => err,
        };
        let (Some(menu), Some(mut p)) = (Remedy::menu_for(&err), ctx.prompter()) else {
            return Err(err);
        };
        ctx.printer.problem(&err);
        let Some(remedy) = interactive::recover(menu, plan, &ctx.api_base, &mut *p)? else {
            // Shown just above: the run ends with its code, told as a cancel, not printed again.
            return Err(Error::Declined(Box::new(err)));
        };
        same_token = remedy == Remedy::ChangeWanted;
        // A token typed again may be what was given as the account name or client ID.
        crate::wizard::settle_copies(plan, &ctx.profile, &ctx.api_base, &mut *p)?;
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

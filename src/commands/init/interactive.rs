//! The decisions `init` asks the user about: what to do with an existing profile, whether to accept
//! levels no probe can prove, how to recover from a failed verification without starting over, and
//! the checks after a rotation. Without a terminal each falls back to its flag (`--yes`) or fails.
//! Every menu is an enum whose variants carry their labels, so a choice cannot drift from its text.

use jiff::Timestamp;

use super::existing::Existing;
use crate::bigcommerce::classify::Answer;
use crate::bigcommerce::client::ApiBase;
use crate::bigcommerce::judge::{self, Failed, VerifyFailure};
use crate::bigcommerce::report::Report;
use crate::bigcommerce::token::AccessToken;
use crate::bigcommerce::{Access, StoreHash, TokenType};
use crate::cli::InitArgs;
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::prompter::Prompter;
use crate::prover::token_answer;
use crate::render::age;
use crate::text;
use crate::wizard::{InitPlan, steps};

/// What to do with an existing profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Choice {
    /// Replace its credentials (rotation), possibly at another access level.
    Rotate(Option<Access>),
    /// Only re-verify what is stored.
    Reverify,
}

/// The rotation menu, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExistingItem {
    Rotate,
    Reverify,
    ChangeAccess,
    Cancel,
}

impl ExistingItem {
    const MENU: [Self; 4] = [Self::Rotate, Self::Reverify, Self::ChangeAccess, Self::Cancel];

    fn label(self) -> &'static str {
        match self {
            Self::Rotate => "Rotate: replace them with a new API account's credentials",
            Self::Reverify => "Re-verify the stored credentials",
            Self::ChangeAccess => "Change the access level (needs a new API account, so it is a rotation)",
            Self::Cancel => "Cancel",
        }
    }
}

/// Show the stored profile and ask what to do; `--yes` means rotate, no terminal without it fails.
pub(super) fn existing(args: &InitArgs, ctx: &Context, old: &Existing) -> Result<Choice, Error> {
    if args.yes {
        return Ok(Choice::Rotate(None));
    }
    let Some(mut p) = ctx.prompter() else {
        return Err(InputErrors::one(
            "--yes",
            format!(
                "profile `{}` already holds credentials for store `{}`; pass --yes to replace them (rotation)",
                ctx.profile, old.profile.store_hash
            ),
        ));
    };
    p.note(&describe(ctx, old));
    let labels = ExistingItem::MENU.map(ExistingItem::label);
    let choice = pick(&mut *p, "What do you want to do?", &ExistingItem::MENU, &labels)?;
    match choice.unwrap_or(ExistingItem::Cancel) {
        ExistingItem::Rotate => Ok(Choice::Rotate(None)),
        ExistingItem::Reverify => Ok(Choice::Reverify),
        ExistingItem::ChangeAccess => Ok(Choice::Rotate(Some(steps::access(
            &mut *p,
            old.profile.token_type,
        )?))),
        ExistingItem::Cancel => Err(Error::Interrupted),
    }
}

fn describe(ctx: &Context, old: &Existing) -> String {
    let now = Timestamp::now();
    let p = &old.profile;
    let verified = p
        .verified_at
        .map_or_else(|| "never".to_owned(), |t| format!("{} ago", age(t, now)));
    let token = old
        .token()
        .map_or_else(|| "(not readable)".to_owned(), |t| t.mask());
    format!(
        "Profile `{}` already holds credentials:\n  Store     {}{}\n  Account   {} ({}, {})\n  Scopes    {}\n  Token     {token}\n  Created   {} ago, last verified {verified}",
        ctx.profile,
        p.store_hash,
        // profiles.toml may come from another tool or an older bcsetup that kept the name raw.
        p.store_name
            .as_deref()
            .map(|n| format!(" — {}", text::one_line(n)))
            .unwrap_or_default(),
        text::one_line(p.account_name.as_str()),
        p.token_type.ui_name(),
        p.access,
        p.scopes_wanted.join(", "),
        age(p.created_at, now),
    )
}

/// Levels no probe could decide are stored only with `--yes` or a yes on the terminal.
pub(super) fn accept_unproven(args: &InitArgs, ctx: &Context, report: &Report) -> Result<(), Error> {
    let Some(failure) = judge::unproven(report).filter(|_| !args.yes) else {
        return Ok(());
    };
    if let (VerifyFailure::ScopesUnproven { unproven }, Some(mut p)) = (&failure, ctx.prompter()) {
        let names: Vec<&str> = unproven.iter().map(|s| s.name).collect();
        let question = format!(
            "No safe request can prove {} at the wanted level without changing data. Accept unproven?",
            names.join(", ")
        );
        if p.confirm(&question, true)? {
            return Ok(());
        }
    }
    Err(Error::from(Failed {
        failure,
        report: Some(Box::new(report.clone())),
    }))
}

/// What the user can do after a failed verification, without starting over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Remedy {
    /// Paste the token again (a typo).
    ReenterToken,
    /// Paste the token of a new API account (the scopes of an account cannot be edited).
    NewAccountToken,
    /// Type the store again.
    ChangeStore,
    /// Send the same probes again (an answer that decided nothing may decide now).
    CheckAgain,
    /// Pick another access level or other scopes.
    ChangeWanted,
    /// Try again after a network failure.
    TryAgain,
    /// Give up with the original error.
    Cancel,
}

impl Remedy {
    /// The menu for a failure, or `None` when nothing can be fixed in place (a defect, a storage error).
    pub(super) fn menu_for(err: &Error) -> Option<&'static [Remedy]> {
        use Remedy::{
            Cancel, ChangeStore, ChangeWanted, CheckAgain, NewAccountToken, ReenterToken, TryAgain,
        };
        match err {
            Error::Verification { failure, .. } => match failure {
                VerifyFailure::Rejected { .. }
                | VerifyFailure::WrongStore { .. }
                | VerifyFailure::Revoked { .. } => Some(&[ReenterToken, ChangeStore, Cancel]),
                // The account's scopes cannot be edited: only a new account's token can fix it.
                VerifyFailure::ScopesMissing { .. } | VerifyFailure::ScopeLost { .. } => {
                    Some(&[NewAccountToken, ChangeWanted, Cancel])
                }
                // An undecided answer (a 5xx on a write probe) may decide on a second try.
                VerifyFailure::ScopesUnproven { .. } => {
                    Some(&[CheckAgain, NewAccountToken, ChangeWanted, Cancel])
                }
                VerifyFailure::ProbeChangedData { .. } | VerifyFailure::Unhealthy { .. } => None,
            },
            Error::Unreachable(_) => Some(&[TryAgain, Cancel]),
            _ => None,
        }
    }

    /// The menu text.
    pub(super) fn label(self) -> &'static str {
        match self {
            Remedy::ReenterToken => "Re-enter the access token",
            Remedy::NewAccountToken => "Paste the access token of a new account (scopes can't be edited)",
            Remedy::ChangeStore => "Change the store",
            Remedy::CheckAgain => "Check the same token again",
            Remedy::ChangeWanted => "Change the access level or scopes wanted",
            Remedy::TryAgain => "Try again",
            Remedy::Cancel => "Cancel",
        }
    }
}

/// Ask which remedy to apply and apply it to the plan: the remedy applied, to retry, or `None` to
/// cancel.
pub(super) fn recover(
    menu: &[Remedy],
    plan: &mut InitPlan,
    base: &ApiBase,
    p: &mut dyn Prompter,
) -> Result<Option<Remedy>, Error> {
    let labels: Vec<&str> = menu.iter().map(|r| r.label()).collect();
    let remedy = pick(p, "What now?", menu, &labels)?.unwrap_or(Remedy::Cancel);
    match remedy {
        Remedy::ReenterToken | Remedy::NewAccountToken => plan.access_token = steps::access_token(p)?,
        Remedy::ChangeStore => plan.store_hash = steps::store(p, Some(&plan.access_token), base)?,
        Remedy::ChangeWanted => change_wanted(plan, p)?,
        Remedy::CheckAgain | Remedy::TryAgain => {}
        Remedy::Cancel => return Ok(None),
    }
    Ok(Some(remedy))
}

/// What to change, for the same token: the access level, or the scopes. No checklist here: the
/// same token is checked again at once, and a shortfall's hint names the command that prints one.
fn change_wanted(plan: &mut InitPlan, p: &mut dyn Prompter) -> Result<(), Error> {
    // A Stencil-CLI token's scopes are a fixed preset: only its access can change.
    if plan.token_type == TokenType::Stencil {
        plan.access = steps::access(p, plan.token_type)?;
        return Ok(());
    }
    let access = format!("The access level (now {})", plan.access.level().ui_name());
    let scopes = format!("The scopes ({} wanted now)", plan.scopes.keys().len());
    if p.select("What do you want to change?", &[&access, &scopes], 0)? == 0 {
        plan.access = steps::access(p, plan.token_type)?;
    } else {
        plan.scopes = steps::scopes(p, Some(&plan.scopes))?;
    }
    Ok(())
}

/// A select over typed items; `None` for an index outside the menu, which callers treat as Cancel.
fn pick<T: Copy>(
    p: &mut dyn Prompter,
    prompt: &str,
    items: &[T],
    labels: &[&str],
) -> Result<Option<T>, Error> {
    let index = p.select(prompt, labels, 0)?;
    Ok(items.get(index).copied())
}

/// After a rotation: offer to confirm that the old token is revoked (it must get 401). The old token
/// lives only in memory, for this check.
pub(super) fn confirm_old_revoked(
    ctx: &Context,
    store: &StoreHash,
    old: &AccessToken,
    p: &mut dyn Prompter,
) -> Result<(), Error> {
    loop {
        if !p.confirm(
            "Check now that the old token is revoked (after deleting the old API account)?",
            false,
        )? {
            return Ok(());
        }
        match token_answer(ctx, store, old) {
            Ok(Answer::Unauthorized) => {
                ctx.printer
                    .success("the old token is revoked: BigCommerce answers 401");
                return Ok(());
            }
            Ok(Answer::Success(_)) => ctx.printer.warn(
                "the old token still works: delete the old API account in the control panel \
                 (Settings › Store-level API accounts), then check again",
            ),
            Ok(other) => ctx
                .printer
                .warn(format_args!("could not tell: GET /v3/hooks answered {other:?}")),
            Err(e) => ctx.printer.problem(&e),
        }
    }
}

/// After importing a credentials file: offer to delete it, since it holds the token in plain text.
pub(super) fn offer_delete(ctx: &Context, path: &std::path::Path, p: &mut dyn Prompter) -> Result<(), Error> {
    let shown = text::path(path);
    let question = format!("Delete {shown}? It holds the token in plain text");
    if p.confirm(&question, true)? {
        match std::fs::remove_file(path) {
            Ok(()) => ctx.printer.success(format_args!("deleted {shown}")),
            Err(e) => ctx.printer.warn(format_args!("could not delete {shown}: {e}")),
        }
    }
    Ok(())
}

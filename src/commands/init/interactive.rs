//! The decisions `init` asks the user about: what to do with an existing profile, whether to accept
//! levels no probe can prove, how to recover from a failed verification without starting over, and
//! the checks after a rotation. Without a terminal each falls back to its flag (`--yes`) or fails.

use jiff::Timestamp;
use secrecy::SecretString;

use crate::bigcommerce::classify::{Answer, Observed};
use crate::bigcommerce::verify::Report;
use crate::bigcommerce::{Access, StoreHash};
use crate::checklist::Checklist;
use crate::cli::InitArgs;
use crate::commands::prove::token_answer;
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::profile::Profile;
use crate::render::age;
use crate::store::Key;
use crate::wizard::prompter::Prompter;
use crate::wizard::{InitPlan, steps};

/// What to do with an existing profile.
pub enum Existing {
    /// Replace its credentials (rotation), possibly at another access level.
    Rotate(Option<Access>),
    /// Only re-verify what is stored.
    Reverify,
}

/// Show the stored profile and ask what to do; `--yes` means rotate, no terminal without it fails.
pub fn existing(
    args: &InitArgs,
    ctx: &Context,
    old: &Profile,
    p: Option<&mut dyn Prompter>,
) -> Result<Existing, Error> {
    if args.yes {
        return Ok(Existing::Rotate(None));
    }
    let Some(p) = p else {
        return Err(InputErrors::one(
            "--yes",
            format!(
                "profile `{}` already holds credentials for store `{}`; pass --yes to replace them (rotation)",
                ctx.profile, old.store_hash
            ),
        ));
    };
    let token = ctx
        .store(old.storage)
        .get(&Key::access_token(&ctx.profile))
        .ok()
        .flatten();
    let now = Timestamp::now();
    let verified = old
        .verified_at
        .map_or_else(|| "never".to_owned(), |t| format!("{} ago", age(t, now)));
    p.note(&format!(
        "Profile `{}` already holds credentials:\n  Store     {}{}\n  Account   {} ({}, {})\n  Scopes    {}\n  Token     {}\n  Created   {} ago, last verified {verified}",
        ctx.profile,
        old.store_hash,
        old.store_name.as_deref().map(|n| format!(" — {n}")).unwrap_or_default(),
        old.account_name,
        old.token_type.ui_name(),
        old.access,
        old.scopes_wanted.join(", "),
        token.as_ref().map_or_else(|| "(not readable)".to_owned(), steps::mask),
        age(old.created_at, now),
    ));
    let items = [
        "Rotate: replace them with a new API account's credentials",
        "Re-verify the stored credentials",
        "Change the access level (needs a new API account, so it is a rotation)",
        "Cancel",
    ];
    match p.select("What do you want to do?", &items, 0)? {
        0 => Ok(Existing::Rotate(None)),
        1 => Ok(Existing::Reverify),
        2 => Ok(Existing::Rotate(Some(steps::access(p, old.token_type)?))),
        _ => Err(Error::Interrupted),
    }
}

/// Levels no probe could decide are stored only with `--yes` or a yes on the terminal.
pub fn accept_unproven(args: &InitArgs, report: &Report, p: Option<&mut dyn Prompter>) -> Result<(), Error> {
    let unknown: Vec<&str> = report
        .short()
        .filter(|s| s.observed == Observed::Unknown)
        .map(|s| s.name)
        .collect();
    if unknown.is_empty() || args.yes {
        return Ok(());
    }
    let list = unknown.join(", ");
    if let Some(p) = p {
        let question = format!(
            "No safe request can prove {list} at the wanted level without changing data. Accept unproven?"
        );
        if p.confirm(&question, true)? {
            return Ok(());
        }
    }
    Err(Error::Verification {
        code: 4,
        kind: "scopes_unproven",
        message: format!("could not prove {list} at the wanted level"),
        hint: Some(
            "no safe request decides these levels (see `bcsetup scopes`); pass --yes to accept them unproven"
                .into(),
        ),
        report: Some(Box::new(report.clone())),
    })
}

/// After a failed verification on a terminal: fix the inputs in place and try again, or give up with
/// the original error. Returns `Ok(())` to retry.
pub fn recover(err: Error, plan: &mut InitPlan, p: &mut dyn Prompter) -> Result<(), Error> {
    let items: &[&str] = match err.exit_code() {
        3 => &["Re-enter the access token", "Change the store", "Cancel"],
        4 => &[
            "Check again (after changing the scopes in the control panel)",
            "Re-enter the access token (a new API account)",
            "Change the access level or scopes wanted",
            "Cancel",
        ],
        5 => &["Try again", "Cancel"],
        _ => return Err(err),
    };
    let choice = items
        .get(p.select("What now?", items, 0)?)
        .copied()
        .unwrap_or("Cancel");
    match choice {
        "Re-enter the access token" | "Re-enter the access token (a new API account)" => {
            plan.access_token = steps::access_token(p)?;
        }
        "Change the store" => plan.store_hash = steps::store(p)?,
        "Change the access level or scopes wanted" => {
            plan.access = steps::access(p, plan.token_type)?;
            if plan.token_type == crate::bigcommerce::TokenType::Api {
                plan.scopes = steps::scopes(p, Some(&plan.scopes))?;
            }
            p.note(
                &Checklist::new(
                    plan.token_type,
                    plan.access,
                    &plan.scopes,
                    Some(&plan.account_name),
                )
                .render(),
            );
        }
        "Cancel" => return Err(err),
        _ => {}
    }
    Ok(())
}

/// After a rotation: offer to confirm that the old token is revoked (it must get 401). The old token
/// lives only in memory, for this check.
pub fn confirm_old_revoked(
    ctx: &Context,
    store: &StoreHash,
    old: &SecretString,
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
pub fn offer_delete(ctx: &Context, path: &std::path::Path, p: &mut dyn Prompter) -> Result<(), Error> {
    let question = format!("Delete {}? It holds the token in plain text", path.display());
    if p.confirm(&question, true)? {
        match std::fs::remove_file(path) {
            Ok(()) => ctx.printer.success(format_args!("deleted {}", path.display())),
            Err(e) => ctx
                .printer
                .warn(format_args!("could not delete {}: {e}", path.display())),
        }
    }
    Ok(())
}

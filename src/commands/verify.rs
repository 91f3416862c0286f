//! `bcsetup verify`: prove stored credentials again, record what was observed and when, and tell a
//! revoked token (401 on a token that used to work) and a lost scope apart from a first failure.

use jiff::Timestamp;

use super::prove::{Claim, prove};
use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::scopes::ScopeSet;
use crate::cli::VerifyArgs;
use crate::context::Context;
use crate::error::Error;
use crate::store::{Key, StoreError};

/// Re-verify a stored profile.
pub fn run(args: &VerifyArgs, ctx: &Context) -> Result<(), Error> {
    crate::transaction::reconcile(ctx, true)?;
    let profile = ctx.profiles().load()?.get(&ctx.profile)?.clone();
    let store = ctx.store(profile.storage);
    let token = store.get(&Key::access_token(&ctx.profile))?.ok_or_else(|| {
        StoreError::Failed(format!(
            "profile `{}` has metadata but no access token in the {}; run `bcsetup init --profile {}` again",
            ctx.profile,
            profile.storage.as_str(),
            ctx.profile
        ))
    })?;
    let scopes = ScopeSet::from_keys(profile.scopes_wanted.iter().map(String::as_str));
    let claim = Claim {
        store: &profile.store_hash,
        token: &token,
        token_type: profile.token_type,
        access: profile.access,
        scopes: &scopes,
        check_modify: !args.no_check_modify,
    };
    // A level no probe could decide stays acceptable where it was accepted before (init with --yes),
    // was never observed (stored with --no-verify), or cannot be checked now (--no-check-modify).
    let accept = |key: &str| {
        args.no_check_modify || matches!(profile.scopes_observed.get(key), None | Some(Observed::Unknown))
    };
    let report = match prove(ctx, &claim, &accept) {
        Ok(report) => report,
        Err(err) => return Err(explain_regression(err, &profile)),
    };
    ctx.profiles().update(|profiles| {
        let p = profiles
            .profiles
            .get_mut(&ctx.profile)
            .ok_or_else(|| Error::ProfileNotFound(ctx.profile.to_string()))?;
        p.verified_at = Some(Timestamp::now());
        p.scopes_observed = report
            .scopes
            .iter()
            .map(|s| (s.scope.to_owned(), s.observed))
            .collect();
        if report.store.name.is_some() {
            p.store_name.clone_from(&report.store.name);
        }
        Ok(())
    })?;
    if ctx.printer.json {
        ctx.printer.json(&report);
    } else {
        ctx.printer
            .success(format_args!("profile `{}` verified", ctx.profile));
    }
    Ok(())
}

/// Reword a failure when the profile used to pass: "revoked" or "scope lost".
fn explain_regression(err: Error, profile: &crate::profile::Profile) -> Error {
    let Error::Verification {
        code,
        kind,
        message,
        hint,
        report,
    } = err
    else {
        return err;
    };
    let was_verified = profile.verified_at.is_some();
    match kind {
        "rejected" if was_verified => Error::Verification {
            code,
            kind: "revoked",
            message: format!(
                "the access token was revoked: it worked before, and now BigCommerce answers 401 ({message})"
            ),
            hint: Some(
                "its API account was probably deleted in the control panel; create a new one and run \
                 `bcsetup init` to rotate"
                    .into(),
            ),
            report,
        },
        "scopes_missing" => {
            let lost: Vec<String> = report
                .iter()
                .flat_map(|r| r.short())
                .filter(|s| {
                    profile
                        .scopes_observed
                        .get(s.scope)
                        .is_some_and(|before| before.satisfies(s.wanted))
                })
                .map(|s| {
                    format!(
                        "{} (was {}, now {})",
                        s.name,
                        profile.scopes_observed[s.scope].as_str(),
                        s.observed.as_str()
                    )
                })
                .collect();
            if lost.is_empty() {
                return Error::Verification {
                    code,
                    kind,
                    message,
                    hint,
                    report,
                };
            }
            Error::Verification {
                code,
                kind: "scope_lost",
                message: format!("scope lost since the last verification: {}", lost.join(", ")),
                hint,
                report,
            }
        }
        _ => Error::Verification {
            code,
            kind,
            message,
            hint,
            report,
        },
    }
}

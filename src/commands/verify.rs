//! `bcsetup verify`: prove stored credentials again, record what was observed and when, and tell a
//! revoked token (401 on a token that used to work) and a lost scope apart from a first failure.

use jiff::Timestamp;

use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::judge;
use crate::bigcommerce::report::Report;
use crate::bigcommerce::scopes::ScopeSet;
use crate::cli::VerifyArgs;
use crate::context::Context;
use crate::error::Error;
use crate::profile::Profile;
use crate::prover::{Claim, prove};
use crate::stored;

/// Re-verify a stored profile.
pub(super) fn run(args: &VerifyArgs, ctx: &Context) -> Result<(), Error> {
    let (profile, token) = {
        let _committed = crate::transaction::read_committed(ctx, true)?;
        let profile = ctx.profiles().load()?.get(&ctx.profile)?.clone();
        let token = stored::access_token(ctx, &profile, &*ctx.store(profile.storage))?;
        (profile, token)
    };
    let scopes = profile.wanted_scopes();
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
    let report = prove(ctx, &claim, &accept).map_err(|err| regression(err, &profile))?;
    record(ctx, &profile, &scopes, &report)?;
    if ctx.printer.json {
        ctx.printer.json(&report);
    } else {
        ctx.printer
            .success(format_args!("profile `{}` verified", ctx.profile));
    }
    Ok(())
}

/// Record what was observed and when, unless the profile was rotated meanwhile (then what was proven
/// is the previous token). A record that cannot be written is a warning: the credentials did pass.
fn record(ctx: &Context, profile: &Profile, scopes: &ScopeSet, report: &Report) -> Result<(), Error> {
    let recorded = ctx.profiles().update(|profiles| {
        let Some(p) = profiles.profiles.get_mut(&ctx.profile) else {
            return Err(profiles.not_found(&ctx.profile));
        };
        // Rotated while this run was proving the old token: what it saw is not the new token's.
        if !same_credentials(p, profile) {
            return Ok(false);
        }
        p.verified_at = Some(Timestamp::now());
        p.scopes_wanted = scopes.keys().into_iter().map(str::to_owned).collect();
        p.scopes_observed = report.observed();
        if report.store.name.is_some() {
            p.store_name.clone_from(&report.store.name);
        }
        Ok(true)
    });
    match recorded {
        Ok(true) => {}
        Ok(false) => ctx.printer.warn(format_args!(
            "profile `{}` was rotated while it was being verified; the result is the previous token's and \
             was not recorded",
            ctx.profile
        )),
        // The credentials passed; only the record of it failed (a full disk, a read-only or busy config).
        Err(err @ (Error::Config { .. } | Error::Storage(_))) => ctx.printer.warn(format_args!(
            "the credentials are verified, but the time could not be recorded: {err}{}",
            err.hint().map(|h| format!(" ({h})")).unwrap_or_default()
        )),
        Err(err) => return Err(err),
    }
    Ok(())
}

/// Whether two records of a profile describe the same stored credentials.
fn same_credentials(a: &Profile, b: &Profile) -> bool {
    (a.created_at, a.rotated_at, a.storage, &a.store_hash, a.token_type)
        == (b.created_at, b.rotated_at, b.storage, &b.store_hash, b.token_type)
}

/// Reword a failure of a profile that passed before: "revoked" or "scope lost".
fn regression(err: Error, profile: &Profile) -> Error {
    match err {
        Error::Verification { failure, report } => Error::Verification {
            failure: judge::regression(
                failure,
                report.as_deref(),
                profile.verified_at.is_some(),
                &profile.scopes_observed,
            ),
            report,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests;

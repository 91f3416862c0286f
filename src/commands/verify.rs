//! `bcsetup verify`: prove stored credentials again, record what was observed and when, and tell a
//! revoked token (401 on a token that used to work) and a lost scope apart from a first failure.

use jiff::Timestamp;

use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::judge;
use crate::bigcommerce::report::Report;
use crate::bigcommerce::token::AccessToken;
use crate::cli::VerifyArgs;
use crate::context::Context;
use crate::error::Error;
use crate::profile::Profile;
use crate::prover::{Claim, prove};
use crate::stored;

/// Re-verify a stored profile (or every one, with `--all`).
pub(super) fn run(args: &VerifyArgs, ctx: &Context) -> Result<(), Error> {
    if args.all {
        return all::run(args, ctx);
    }
    let (profile, token) = read(ctx)?;
    let report = check(ctx, args.no_check_modify, &profile, &token)?;
    match record(ctx, &profile, &report)? {
        Recorded::Yes => {}
        Recorded::Rotated => ctx.printer.warn(format_args!(
            "profile `{}` was rotated while it was being verified; the result is the previous token's and \
             was not recorded",
            ctx.profile
        )),
        Recorded::Failed(why) => ctx.printer.warn(format_args!(
            "the credentials are verified, but the time could not be recorded: {why}"
        )),
    }
    if ctx.printer.json {
        ctx.printer.json(&report);
    } else {
        ctx.printer
            .success(format_args!("profile `{}` verified", ctx.profile));
    }
    Ok(())
}

/// The profile's metadata and token, read under `read_committed` (so from one committed state).
fn read(ctx: &Context) -> Result<(Profile, AccessToken), Error> {
    let _committed = crate::transaction::read_committed(ctx, true)?;
    let profile = ctx.profiles().load()?.get(&ctx.profile)?.clone();
    let token = stored::access_token(ctx, &profile, &*ctx.store(profile.storage))?;
    Ok((profile, token))
}

/// Prove the stored credentials live, without any lock; a failure of a profile that passed before
/// is reworded (revoked, scope lost).
fn check(
    ctx: &Context,
    no_check_modify: bool,
    profile: &Profile,
    token: &AccessToken,
) -> Result<Report, Error> {
    let scopes = profile.wanted_scopes();
    let claim = Claim {
        store: &profile.store_hash,
        token,
        token_type: profile.token_type,
        access: profile.access,
        scopes: &scopes,
        check_modify: !no_check_modify,
    };
    // A level no probe could decide stays acceptable where it was accepted before (init with --yes),
    // was never observed (stored with --no-verify), or cannot be checked now (--no-check-modify).
    let accept = |key: &str| {
        no_check_modify || matches!(profile.scopes_observed.get(key), None | Some(Observed::Unknown))
    };
    prove(ctx, &claim, &accept).map_err(|err| regression(err, profile))
}

/// Whether a passed verification was recorded in profiles.toml.
enum Recorded {
    /// `verified_at` and `scopes_observed` were updated.
    Yes,
    /// The profile was rotated meanwhile: what was proven is the previous token, so nothing changed.
    Rotated,
    /// profiles.toml could not be written (a full disk, a read-only or busy config): why.
    Failed(String),
}

/// Record what was observed and when, unless the profile was rotated meanwhile (then what was proven
/// is the previous token). A record that cannot be written is not a failure: the credentials did pass.
fn record(ctx: &Context, profile: &Profile, report: &Report) -> Result<Recorded, Error> {
    let scopes = profile.wanted_scopes();
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
        Ok(true) => Ok(Recorded::Yes),
        Ok(false) => Ok(Recorded::Rotated),
        // The credentials passed; only the record of it failed (a full disk, a read-only or busy config).
        Err(err @ (Error::Config { .. } | Error::Storage(_))) => Ok(Recorded::Failed(format!(
            "{err}{}",
            err.hint().map(|h| format!(" ({h})")).unwrap_or_default()
        ))),
        Err(err) => Err(err),
    }
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

mod all;
#[cfg(test)]
mod tests;

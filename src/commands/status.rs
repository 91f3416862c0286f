//! `bcsetup status`: the profiles in profiles.toml. No network, no keyring. With `--check`, exit 8
//! when a profile needs attention (unverified, too old, left mid-rotation), for a shell prompt or
//! cron: still no network and no keyring, no lock waited for, nothing written.

use jiff::Timestamp;

use crate::cli::StatusArgs;
use crate::context::Context;
use crate::error::Error;
use crate::profile::problems;
use crate::render::Problems;

/// List profiles.
pub(super) fn run(args: &StatusArgs, ctx: &Context) -> Result<(), Error> {
    let file = ctx.profiles();
    let profiles = file.load()?;
    let now = Timestamp::now();
    if args.check && profiles.profiles.is_empty() && profiles.pending.is_empty() {
        return Err(Error::NoProfiles);
    }
    // A pending record whose owner lock is held is a rotation in progress, not one left behind; plain
    // `status` names every pending record, as it always did.
    let alive = |name: &_| args.check && file.owner_alive(name);
    let problems = problems(&profiles, now, args.max_age, &|name| !alive(name));
    if ctx.printer.json {
        json(args, ctx, &profiles, &problems);
    } else if !(args.check && ctx.printer.quiet) {
        ctx.printer
            .show(crate::render::status(&profiles, ctx.profile.as_str(), now, &problems).trim_end());
    } else {
        // `--check --quiet`: nothing on success, only the problems.
        for line in crate::render::problem_lines(&problems) {
            ctx.printer.warn(line);
        }
    }
    if !args.check {
        return Ok(());
    }
    if problems.is_empty() {
        ctx.printer.success(format_args!(
            "{} profile(s) verified, none older than {} days, no rotation left unfinished",
            profiles.profiles.len(),
            args.max_age
        ));
        return Ok(());
    }
    let total = profiles.profiles.len().max(problems.len());
    if !ctx.printer.json && !ctx.printer.quiet {
        ctx.printer.show(format_args!(
            "{} of {total} profiles need attention",
            problems.len()
        ));
    }
    Err(Error::Reported(Box::new(Error::NeedsAttention(problems.len()))))
}

fn json(args: &StatusArgs, ctx: &Context, profiles: &crate::profile::Profiles, problems: &Problems) {
    let list: Vec<_> = profiles
        .profiles
        .iter()
        .map(|(name, p)| {
            let mut doc = serde_json::json!({
                "name": name,
                "store_hash": p.store_hash,
                "store_name": p.store_name,
                "account_name": p.account_name,
                "token_type": p.token_type,
                "access": p.access,
                "scopes": p.scopes_wanted,
                "storage": p.storage,
                "created_at": p.created_at,
                "rotated_at": p.rotated_at,
                "verified_at": p.verified_at,
                "default": name == &ctx.profile,
            });
            if args.check {
                let keys: Vec<&str> = problems
                    .get(name)
                    .into_iter()
                    .flatten()
                    .map(|p| p.key())
                    .collect();
                doc["problems"] = keys.into();
            }
            doc
        })
        .collect();
    let mut doc = serde_json::json!({ "profiles": list });
    if args.check {
        doc["ok"] = problems.is_empty().into();
        // A first `init` cut short has a pending record and no profile yet: listed by name.
        let unfinished: Vec<&str> = problems
            .keys()
            .filter(|name| !profiles.profiles.contains_key(*name))
            .map(crate::domain::ProfileName::as_str)
            .collect();
        doc["unfinished"] = unfinished.into();
    }
    ctx.printer.json(&doc);
}

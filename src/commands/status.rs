//! `bcsetup status`: the profiles in profiles.toml. No network, no keyring.

use jiff::Timestamp;

use crate::cli::StatusArgs;
use crate::context::Context;
use crate::error::Error;

/// List profiles.
pub(super) fn run(args: &StatusArgs, ctx: &Context) -> Result<(), Error> {
    let profiles = ctx.profiles().load()?;
    if ctx.printer.json {
        let list: Vec<_> = profiles
            .profiles
            .iter()
            .map(|(name, p)| {
                serde_json::json!({
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
                })
            })
            .collect();
        ctx.printer.json(&serde_json::json!({ "profiles": list }));
        return Ok(());
    }
    ctx.printer.show(
        crate::render::status(&profiles, ctx.profile.as_str(), Timestamp::now(), args.max_age).trim_end(),
    );
    Ok(())
}

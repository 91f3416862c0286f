//! `bcsetup token`: the access token and a newline on stdout, for pipes and `$(…)`. Refuses when
//! stdout is a terminal unless `--reveal`, so the token is not put on screen (and into scrollback or a
//! screen share) by accident; `gh auth token` and `cargo` print it unasked, which is what this avoids.

use std::io::IsTerminal;

use crate::cli::TokenArgs;
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::stored;

/// Print the access token of `ctx.profile`.
pub(super) fn run(args: &TokenArgs, ctx: &Context) -> Result<(), Error> {
    // The profile is looked up first: an unknown profile is exit 7 whatever stdout is.
    let creds = stored::load(ctx, false)?;
    if !args.reveal && std::io::stdout().is_terminal() {
        return Err(InputErrors::one(
            "--reveal",
            "stdout is a terminal, so the access token would be shown on screen; pipe it \
             (`bcsetup token | …`, `VAR=$(bcsetup token)`) or pass --reveal to print it anyway",
        ));
    }
    if args.reveal && std::io::stdout().is_terminal() {
        ctx.printer
            .warn("--reveal: the access token is shown on screen; clear the scrollback when done");
    }
    // The one place `token` exposes the secret: the bytes go straight to stdout.
    if ctx.printer.json {
        ctx.printer.json(&serde_json::json!({
            "ok": true,
            "profile": ctx.profile,
            "access_token": creds.access_token.expose_to_program(),
        }));
    } else {
        ctx.printer
            .data(&format!("{}\n", creds.access_token.expose_to_program()));
    }
    Ok(())
}

//! `bcsetup completions SHELL` and the hidden `bcsetup man`: generated from the clap definitions,
//! so they never drift from the real flags.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Context;
use crate::error::Error;

/// Print completions for a shell to stdout.
#[allow(clippy::unnecessary_wraps)] // every command has the same signature, dispatched from one match
pub(super) fn run(args: &CompletionsArgs, ctx: &Context) -> Result<(), Error> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "bcsetup", &mut out);
    ctx.printer.data(&String::from_utf8_lossy(&out));
    Ok(())
}

/// Print the man page (roff) to stdout.
pub(super) fn man(ctx: &Context) -> Result<(), Error> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Error::Internal(anyhow::Error::new(e).context("could not render the man page")))?;
    ctx.printer.data(&String::from_utf8_lossy(&out));
    Ok(())
}

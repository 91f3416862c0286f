//! One file per subcommand: glue between parsing, the BigCommerce layer, storage and output.

mod completions;
mod copy;
mod env;
mod exec;
mod init;
mod remove;
mod scopes;
mod status;
mod token;
mod verify;

#[cfg(test)]
#[path = "../../tests/it/support/fake_store.rs"]
#[allow(
    unreachable_pub,
    reason = "the fake is shared with the integration tests and the example"
)]
mod fake_store;
#[cfg(test)]
mod testkit;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Error;

/// Run one subcommand.
pub(crate) fn run(command: Command, ctx: &Context) -> Result<(), Error> {
    match command {
        Command::Init(args) => init::run(&args, ctx),
        Command::Verify(args) => verify::run(&args, ctx),
        Command::Status(args) => status::run(&args, ctx),
        Command::Token(args) => token::run(&args, ctx),
        Command::Copy(args) => copy::run(&args, ctx),
        Command::Env(args) => env::run(&args, ctx),
        Command::Exec(args) => exec::run(&args, ctx),
        Command::Remove(args) => remove::run(&args, ctx),
        Command::Scopes(args) => scopes::run(&args, ctx),
        Command::Completions(args) => completions::run(&args, ctx),
        Command::Man => completions::man(ctx),
    }
}

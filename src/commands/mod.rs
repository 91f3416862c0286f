//! One file per subcommand: glue between parsing, the BigCommerce layer, storage and output.

mod init;
mod prove;
mod status;
mod verify;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Error;

/// Run one subcommand.
pub fn run(command: Command, ctx: &Context) -> Result<(), Error> {
    match command {
        Command::Init(args) => init::run(&args, ctx),
        Command::Verify(args) => verify::run(&args, ctx),
        Command::Status(args) => status::run(&args, ctx),
    }
}

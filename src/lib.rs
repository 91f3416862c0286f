//! bcsetup: create, verify and keep BigCommerce store-level API credentials in the OS keyring.
//!
//! Layout: `cli` parses; `wizard` and `bigcommerce::{scopes, probe, classify, store_hash,
//! credentials_file}` decide (pure); `bigcommerce::{client, verify}`, `store` and `profile` act;
//! `commands` glues them per subcommand; `error` maps every failure to an exit code, and `output`
//! is the only writer to stdout and stderr.

pub mod atomic;
pub mod bigcommerce;
pub mod checklist;
pub mod cli;
pub mod commands;
pub mod context;
pub mod credentials;
pub mod error;
pub mod interrupt;
pub mod output;
pub mod profile;
pub mod render;
pub mod store;
pub mod transaction;
pub mod wizard;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::context::{Context, Env};
use crate::output::Printer;

/// Run bcsetup with these arguments and the process environment; returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" with exit code 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let printer = Printer {
        json: cli.global.json,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
    };
    let result = Context::new(&cli.global, Env::from_process(), printer)
        .and_then(|ctx| commands::run(cli.command, &ctx));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if !matches!(err, error::Error::Child(_)) {
                printer.error(&err);
            }
            ExitCode::from(err.exit_code())
        }
    }
}

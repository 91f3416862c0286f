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
pub mod domain;

pub mod error;
pub mod interrupt;
pub mod output;
pub mod profile;
pub mod prompter;
pub mod prover;
pub mod render;
pub mod store;
pub mod stored;
pub mod transaction;
pub mod wizard;

#[cfg(test)]
mod architecture_tests;
#[cfg(test)]
mod leak_tests;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::context::{Context, Env};
use crate::output::Printer;

/// Run bcsetup with these arguments and the process environment; returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = u8::try_from(e.exit_code()).unwrap_or(2);
            if e.use_stderr() {
                let text = redact_values(&e.render().to_string(), &args);
                let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
            } else {
                // --help and --version: "errors" with exit code 0, printed to stdout.
                let _ = e.print();
            }
            return ExitCode::from(code);
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

/// Clap quotes a stray value back in its error (`unexpected argument '…'`): a token pasted where an
/// argument was expected would land on stderr and in CI logs. Long values (12+ characters, the
/// shape of a token; short ones like `oauth` stay, so the error remains helpful) are hidden.
fn redact_values(message: &str, args: &[OsString]) -> String {
    let mut text = message.to_owned();
    for arg in args.iter().skip(1).map(|a| a.to_string_lossy()) {
        let value = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => value,
            _ if arg.starts_with('-') => continue,
            _ => arg.as_ref(),
        };
        if value.chars().count() >= 12 {
            text = text.replace(value, "[value hidden]");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_stray_values_are_hidden_from_parse_errors() {
        let args: Vec<OsString> = [
            "bcsetup",
            "init",
            "SENTINELtoken123456",
            "--access-token-stdin=SENTINELother999",
            "oauth",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let message = "error: unexpected argument 'SENTINELtoken123456' found; 'SENTINELother999'; 'oauth'";
        let text = redact_values(message, &args);
        assert!(!text.contains("SENTINEL"), "{text}");
        assert!(text.contains("'oauth'"), "{text}");
    }
}

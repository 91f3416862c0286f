//! bcsetup: create, verify and keep BigCommerce store-level API credentials in the OS keyring.
//!
//! Layers, lowest first (ARCHITECTURE.md; `architecture_tests.rs` checks that every reference points
//! down): `domain`, `atomic` and `text`; `bigcommerce` (the API: validated types, scope catalog,
//! probe plan, runner, judgement); `store` (secrets); `error` (every failure → exit code, kind, hint); `output`,
//! `prompter`, `interrupt`, `profile`; `render`, `checklist`, `cli`; `context`; `transaction`,
//! `prover`, `wizard`; `stored`; `commands`, one file per subcommand; and this file, which runs them.

// The library's public surface is the domain and its storage, for the fuzz targets; everything
// else is the binary's own, `pub(crate)` at most (the `unreachable_pub` lint keeps it so).
pub mod bigcommerce;
pub mod domain;
pub mod error;
pub mod profile;
pub mod store;

mod atomic;
mod checklist;
mod cli;
mod commands;
mod context;
mod interrupt;
mod output;
mod prompter;
mod prover;
mod render;
mod stored;
mod text;
mod transaction;
mod wizard;

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

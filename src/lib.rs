//! bcsetup: create, verify and keep BigCommerce store-level API credentials in the OS keyring.
//!
//! Layers, lowest first (ARCHITECTURE.md; `architecture_tests.rs` checks that every reference points
//! down): `domain`, `atomic`, `lock`, `text` and `terminal`; `bigcommerce` (the API: validated types, scope
//! catalog, probe plan, runner, judgement); `store` (secrets); `error` (every failure → exit code, kind, hint); `output`,
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
mod clipboard;
mod commands;
mod context;
mod interrupt;
mod lock;
mod output;
mod prompter;
mod prover;
mod render;
mod stored;
mod terminal;
mod text;
mod transaction;
mod wizard;

#[cfg(test)]
mod architecture_tests;
#[cfg(test)]
mod leak_tests;

use std::ffi::OsString;
use std::process::ExitCode;

use crate::context::{Context, Env};
use crate::output::Printer;

/// Run bcsetup with these arguments and the process environment; returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    no_core_dumps();
    let args: Vec<OsString> = args.into_iter().collect();
    // Taken before parsing: a parse error must hide the values clap read from it, too.
    let env = Env::from_process();
    let cli = match cli::parse(&args) {
        Ok(cli) => cli,
        Err(e) => return parse_error(&e, &args, &env),
    };
    let printer = Printer {
        json: cli.global.json,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
    };
    let result = Context::new(&cli.global, env, printer)
        .and_then(|ctx| commands::run(cli.command, &ctx))
        .and_then(|()| stdout_written());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A child's code passes through silently; a reported outcome was printed by the command.
            if !matches!(err, error::Error::Child(_) | error::Error::Reported(_)) {
                printer.error(&err);
            }
            ExitCode::from(err.exit_code())
        }
    }
}

/// A core dump would put the token (and the client secret) on disk in clear text: from the
/// environment snapshot, the keyring's answer, the HTTP header. So none is made, before any secret is
/// read. On Linux the process becomes non-dumpable (`PR_SET_DUMPABLE` 0), which also makes its
/// `/proc/<pid>/` files (`environ`, `mem`) root's and refuses `ptrace` by the same user; `execve`
/// resets the flag, so `exec`'s CMD can still dump core. Elsewhere the soft `RLIMIT_CORE` becomes 0
/// (the hard limit stays, so CMD may raise it again); CMD inherits that limit.
/// A failure is ignored: it cannot happen for an unprivileged change like this one, and bcsetup
/// works the same without it.
fn no_core_dumps() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = nix::sys::prctl::set_dumpable(false);
    #[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
    {
        use nix::sys::resource::{Resource, getrlimit, setrlimit};
        if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_CORE) {
            let _ = setrlimit(Resource::RLIMIT_CORE, 0, hard);
        }
    }
}

/// Print clap's error (redacted) or its help/version, and give its exit code.
fn parse_error(e: &clap::Error, args: &[OsString], env: &Env) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(2);
    if e.use_stderr() {
        let from_env: Vec<&str> = cli::env_variables().iter().filter_map(|n| env.get(n)).collect();
        let text = redact_values(&e.render().to_string(), args, &from_env);
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
    } else {
        // --help and --version: "errors" with exit code 0, printed to stdout.
        output::record(e.print());
        if let Err(err) = stdout_written() {
            Printer::default().error(&err);
            return ExitCode::from(err.exit_code());
        }
    }
    ExitCode::from(code)
}

/// A write to stdout that failed (other than a closed pipe) fails the run: the data was lost.
fn stdout_written() -> Result<(), error::Error> {
    match output::stdout_failure() {
        Some(why) => Err(error::Error::Internal(anyhow::anyhow!(
            "could not write to stdout: {why}"
        ))),
        None => Ok(()),
    }
}

/// Values of this many characters or more are hidden; shorter ones (`oauth`, `modfy`) are quoted, so
/// the error stays helpful. BigCommerce tokens are 31 characters.
const HIDE_FROM: usize = 12;

/// Clap quotes a stray value back in its error (`unexpected argument '…'`, `invalid value '…'`): a
/// token pasted where an argument was expected, or set in a mistyped variable (`BCSETUP_ACCESS` for
/// `BCSETUP_ACCESS_TOKEN`), would land on stderr and in CI logs. Hidden: argv values and the values
/// of the variables clap reads (`from_env`) of `HIDE_FROM`+ characters, and stray `--NAME`s whose
/// NAME is not shaped like a flag (see `flag_shaped`).
fn redact_values(message: &str, args: &[OsString], from_env: &[&str]) -> String {
    let mut values: Vec<&str> = from_env.to_vec();
    let mut names: Vec<&str> = Vec::new();
    let args: Vec<_> = args.iter().skip(1).map(|a| a.to_string_lossy()).collect();
    for arg in &args {
        match arg.strip_prefix("--") {
            Some(long) => {
                let (name, value) = long.split_once('=').unwrap_or((long, ""));
                if !flag_shaped(name) {
                    names.push(name);
                }
                values.push(value);
            }
            None => values.push(arg),
        }
    }
    let mut text = message.to_owned();
    // With its dashes, a name cannot match anything else in the message, however short it is.
    for name in names {
        text = text.replace(&format!("--{name}"), "--[name hidden]");
    }
    for value in values {
        if value.chars().count() >= HIDE_FROM {
            text = text.replace(value, "[value hidden]");
        }
    }
    text
}

/// Whether a long option's name looks like one of bcsetup's: letters and `-` only, and no longer
/// than the longest (`include-client-secret`) allows for a typo. A token (31 letters and digits) is
/// not; `acess` and `access-token-stdinn` are, and clap's "a similar argument exists" tip stays.
fn flag_shaped(name: &str) -> bool {
    name.len() <= 24 && name.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        std::iter::once("bcsetup")
            .chain(list.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn long_stray_values_are_hidden_from_parse_errors() {
        let args = args(&[
            "init",
            "SENTINELtoken123456",
            "--access-token-stdin=SENTINELother999",
            "oauth",
        ]);
        let message = "error: unexpected argument 'SENTINELtoken123456' found; 'SENTINELother999'; 'oauth'";
        let text = redact_values(message, &args, &[]);
        assert!(!text.contains("SENTINEL"), "{text}");
        assert!(text.contains("'oauth'"), "{text}");
    }

    #[test]
    fn values_clap_read_from_the_environment_are_hidden() {
        let message = "error: invalid value 'SENTINELenv1234567' for '--access <LEVEL>'; 'modfy'";
        let text = redact_values(message, &args(&["init"]), &["SENTINELenv1234567", "modfy"]);
        assert_eq!(
            text,
            "error: invalid value '[value hidden]' for '--access <LEVEL>'; 'modfy'"
        );
    }

    #[test]
    fn stray_long_flags_of_token_shape_are_hidden_and_typos_are_not() {
        let message = "error: unexpected argument '--a1b2' found; '--SENTINELtok3n=x'; '--acess'; '--access'";
        let args = args(&["init", "--a1b2", "--SENTINELtok3n=x", "--acess"]);
        let text = redact_values(message, &args, &[]);
        assert_eq!(
            text,
            "error: unexpected argument '--[name hidden]' found; '--[name hidden]=x'; '--acess'; '--access'"
        );
        assert!(flag_shaped("access-token-stdinn") && flag_shaped("include-client-secret"));
        assert!(!flag_shaped("abcdefghijklmnopqrstuvwxyzabcde") && !flag_shaped("abc123"));
    }
}

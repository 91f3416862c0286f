//! `bcsetup exec -- CMD ARGS…`: run CMD with the profile's `BIGCOMMERCE_*` variables added to the
//! environment bcsetup was started with, and `BCSETUP_PROFILE_ACTIVE=<profile>` so a nested
//! `bcsetup exec` can refuse (two profiles' variables must never mix). bcsetup exits with CMD's
//! code, 128+N when CMD was killed by signal N, 127 when CMD was not found and 126 when it could not
//! be run, as shells do. CMD runs directly, without a shell.
//!
//! Signals (Unix): while CMD runs, no signal whose default is to end a process ends bcsetup, except
//! SIGKILL, the fault signals (SIGSEGV, SIGTRAP, …) and the real-time ones (`platform::FORWARDED` has
//! the list and the reasons). One that another process sent (`kill`, a supervisor, CI) is passed on
//! to CMD; one the terminal generated (Ctrl-C, Ctrl-\\) already reached CMD, which shares the
//! terminal's process group, so it is not sent twice (a second SIGINT makes many programs skip their
//! cleanup). Either way bcsetup waits for CMD, then cleans up. One of the exceptions ends bcsetup
//! before CMD, and then `--stencil`'s file keeps the token and CMD runs on.
//!
//! `--stencil DIR` puts the token in `DIR/secrets.stencil.json` before CMD starts and takes it out
//! when CMD ends, however it ends, so stencil-cli never needs a token file at rest: a missing file is
//! created and removed, a file of other fields (`githubToken`) gets the token added and its original
//! bytes back, and one CMD changed loses the token only (`exec/stencil_file.rs`, which also says what
//! is refused).

use std::ffi::OsString;
use std::process::{Command, ExitStatus};

use crate::bigcommerce::Level;
use crate::bigcommerce::scopes::ScopeSet;
use crate::cli::ExecArgs;
use crate::context::{Context, withhold_secrets};
use crate::error::{Error, InputErrors};
use crate::stored;

/// Set in CMD's environment to the profile's name; its presence makes a nested `exec` refuse.
pub(super) const ACTIVE: &str = "BCSETUP_PROFILE_ACTIVE";

/// Run the command with the profile's variables and pass its exit code on.
pub(super) fn run(args: &ExecArgs, ctx: &Context) -> Result<(), Error> {
    if let Some(active) = ctx.env.get(ACTIVE) {
        return Err(InputErrors::one(
            ACTIVE,
            format!(
                "already inside `bcsetup exec` for profile `{active}`; nesting would mix two profiles' \
                 variables. Run the command directly, or leave the outer `bcsetup exec` first"
            ),
        ));
    }
    let creds = stored::load(ctx, args.include_client_secret)?;
    // `--stencil` promises stencil-cli a token, not a working one: say so when the last verification
    // did not prove what every stencil-cli command reads, so a failing `stencil start` is explained.
    let unproven = match args.stencil {
        Some(_) => creds
            .profile
            .unproven(&ScopeSet::stencil_required(), Level::ReadOnly),
        None => Vec::new(),
    };
    if !unproven.is_empty() {
        let names: Vec<_> = unproven.iter().map(|scope| scope.ui_name).collect();
        ctx.printer.warn(format_args!(
            "profile `{0}` has not been proven to read {1}, which stencil-cli needs: `stencil start` may \
             fail (`bcsetup verify --profile {0}` checks a Stencil-CLI profile for them)",
            ctx.profile,
            names.join(", ")
        ));
    }
    let Some((program, rest)) = args.command.split_first() else {
        return Err(InputErrors::one("CMD", "missing: give the command after `--`"));
    };
    let mut command = Command::new(program);
    command.args(rest);
    // Variables inherited from an outer shell (another store's `eval "$(bcsetup env)"`) must not mix
    // with this profile's: every managed name is cleared, then the known ones are set. bcsetup's own
    // secret inputs are not CMD's business: the token goes in only under its BIGCOMMERCE_ name, and
    // the client secret only with --include-client-secret.
    withhold_secrets(&mut command);
    for (name, value) in creds.variables() {
        // One of the two places exec exposes a secret: CMD's environment.
        command.env(name, value.expose_to_program());
    }
    command.env(ACTIVE, ctx.profile.as_str());
    ctx.printer.detail(format_args!(
        "running `{}` with profile `{}` (store {})",
        program.to_string_lossy(),
        ctx.profile,
        creds.profile.store_hash
    ));
    let status = platform::supervise(ctx, command, args.stencil.as_deref(), &creds.access_token)?;
    match exit_code(status) {
        0 => Ok(()),
        code => Err(Error::Child(code)),
    }
}

/// The code bcsetup exits with for CMD's status: its own code, or 128+N for signal N.
fn exit_code(status: ExitStatus) -> u8 {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return crate::error::signal_exit_code(signal);
    }
    // Windows codes are 32-bit; one that does not fit a byte still has to read as failure.
    status.code().map_or(1, |code| u8::try_from(code).unwrap_or(1))
}

/// CMD could not be started: 127 when it does not exist, 126 otherwise, like a shell.
fn not_run(program: &OsString, err: &std::io::Error) -> Error {
    let code = if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    };
    Error::CommandNotRun {
        program: shown_program(&program.to_string_lossy()),
        code,
        reason: err.to_string(),
    }
}

/// The command's name as the error shows it. A token pasted where the command goes
/// (`bcsetup exec <token>`) must not land on stderr and in CI logs: a name of 20 or more letters and
/// digits, with a digit and no path, is not quoted (BigCommerce tokens are 31 such characters).
fn shown_program(name: &str) -> String {
    let token_shaped = name.chars().count() >= 20
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.chars().any(|c| c.is_ascii_digit());
    if token_shaped {
        format!(
            "[a {}-character name, hidden: it looks like a token]",
            name.chars().count()
        )
    } else {
        name.to_owned()
    }
}

/// Start CMD, mapping a failure to start to 126/127.
fn spawn(mut command: Command) -> Result<std::process::Child, Error> {
    command
        .spawn()
        .map_err(|e| not_run(&command.get_program().to_owned(), &e))
}

mod stencil_file;

#[cfg(unix)]
#[path = "exec/unix.rs"]
mod platform;

#[cfg(not(unix))]
mod platform {
    use std::path::Path;
    use std::process::{Command, ExitStatus};

    use super::spawn;
    use super::stencil_file::StencilFile;
    use crate::bigcommerce::token::AccessToken;
    use crate::context::Context;
    use crate::error::Error;

    /// Run CMD to its end with the stencil file around it. Console Ctrl-C reaches CMD directly;
    /// bcsetup installs no handler here, so a Ctrl-C can end it before CMD (stencil file left behind).
    pub fn supervise(
        ctx: &Context,
        command: Command,
        stencil: Option<&Path>,
        token: &AccessToken,
    ) -> Result<ExitStatus, Error> {
        let stencil = stencil.map(|dir| StencilFile::create(dir, token)).transpose()?;
        let status = spawn(command)?.wait();
        if let Some(file) = stencil {
            file.finish(ctx);
        }
        status.map_err(|e| Error::Internal(anyhow::Error::new(e).context("could not wait for the command")))
    }
}

#[cfg(test)]
mod tests;

//! Command-line definitions (clap derive) and nothing else: raw values, no validation beyond what clap
//! does, no I/O. `wizard::resolve` turns these into a validated plan.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::bigcommerce::{Access, TokenType};

mod copy;
pub(crate) use copy::{CopyArgs, CopyWhat};

/// Create, verify and keep BigCommerce store-level API credentials in the OS keyring.
#[derive(Debug, Parser)]
#[command(name = "bcsetup", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    /// Options every command accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted before or after the subcommand.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct GlobalArgs {
    /// Profile to use [A-Za-z0-9._-]{1,64}
    #[arg(
        long,
        global = true,
        env = "BCSETUP_PROFILE",
        default_value = "default",
        value_name = "NAME"
    )]
    pub profile: String,
    /// Machine-readable JSON on stdout, nothing else there
    #[arg(long, global = true)]
    pub json: bool,
    /// Never prompt (implied when stdin or stderr is not a terminal)
    #[arg(long, global = true)]
    pub no_input: bool,
    /// Where profiles.toml lives [default: the platform config dir + bcsetup]
    #[arg(long, global = true, env = "BCSETUP_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Print only errors and data
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print each request and its status (never a secret)
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a profile, or rotate an existing one (re-run = rotate)
    Init(InitArgs),
    /// Re-check stored credentials live and update the last-verified time
    Verify(VerifyArgs),
    /// List profiles (no network, no keyring)
    Status(StatusArgs),
    /// Print the access token to stdout, for pipes
    Token(TokenArgs),
    /// Put a credential on the clipboard (the token masked on screen); cleared after a countdown
    Copy(CopyArgs),
    /// Print `export BIGCOMMERCE_…=…` lines for a shell
    Env(EnvArgs),
    /// Run a command with the BIGCOMMERCE_* variables set; exits with its code
    Exec(ExecArgs),
    /// Delete a profile's secrets and metadata (does not revoke the token)
    Remove(RemoveArgs),
    /// Print the control-panel checklist: each scope and the level to set
    Scopes(ScopesArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    #[command(hide = true)]
    Man,
}

/// `bcsetup init`: every prompt has a flag or an environment variable.
#[derive(Debug, Args, Default)]
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct InitArgs {
    /// V2/V3 API token, or Stencil-CLI token
    #[arg(long, env = "BCSETUP_TOKEN_TYPE", value_name = "TYPE")]
    pub token_type: Option<TokenType>,
    /// The API account's name as typed in the control panel (at least 4 characters)
    #[arg(long, env = "BCSETUP_ACCOUNT_NAME", value_name = "NAME")]
    pub name: Option<String>,
    /// read-only (migrating FROM BigCommerce) or modify (migrating TO it)
    #[arg(long, env = "BCSETUP_ACCESS", value_name = "LEVEL")]
    pub access: Option<Access>,
    /// Comma list of scope keys [default: the 8 migration scopes; required ones are always kept]
    #[arg(long, value_name = "LIST")]
    pub scopes: Option<String>,
    /// The store hash (or the API path / control-panel URL that contains it)
    #[arg(
        long,
        env = "BCSETUP_STORE_HASH",
        value_name = "HASH",
        conflicts_with = "api_path"
    )]
    pub store_hash: Option<String>,
    /// The API path shown with the credentials (`https://api.bigcommerce.com/stores/HASH/v3/`)
    #[arg(long, env = "BCSETUP_API_PATH", value_name = "URL")]
    pub api_path: Option<String>,
    /// The API account's client ID (not secret)
    #[arg(long, env = "BCSETUP_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// Read the access token from stdin (one line; or set `BCSETUP_ACCESS_TOKEN`)
    #[arg(long)]
    pub access_token_stdin: bool,
    /// Import the .txt file the control panel downloaded (`-` reads it from stdin)
    #[arg(long, value_name = "PATH", conflicts_with = "access_token_stdin")]
    pub credentials_file: Option<PathBuf>,
    /// Import the token stencil-cli keeps in a theme folder (secrets.stencil.json or .stencil)
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = ["access_token_stdin", "credentials_file"]
    )]
    pub from_stencil: Option<PathBuf>,
    /// After --from-stencil's profile is saved, take the token out of the theme folder's file
    #[arg(long, requires = "from_stencil", conflicts_with_all = ["keep_stencil_token", "no_verify"])]
    pub remove_stencil_token: bool,
    /// After --from-stencil, leave the theme folder's file as it is
    #[arg(long, requires = "from_stencil")]
    pub keep_stencil_token: bool,
    /// Confirm replacing an existing profile's credentials, and accept levels no probe can prove
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Store without checking (offline); the profile is marked unverified
    #[arg(long)]
    pub no_verify: bool,
    /// Keep secrets in a 0600 file when no OS keyring is usable (never chosen silently)
    #[arg(long)]
    pub insecure_storage: bool,
    /// Run the safe write probes that prove Modify [default: on when access is modify]
    #[arg(long, overrides_with = "no_check_modify")]
    pub check_modify: bool,
    /// Skip the write probes; Modify is then reported as unknown
    #[arg(long, overrides_with = "check_modify")]
    pub no_check_modify: bool,
}

/// `bcsetup verify`.
#[derive(Debug, Args, Default)]
pub(crate) struct VerifyArgs {
    /// Skip the write probes; Modify is then reported as unknown
    #[arg(long)]
    pub no_check_modify: bool,
    /// Verify every profile, a few stores at a time; one row per profile (not with --profile)
    #[arg(long)]
    pub all: bool,
    /// With --all: how many stores to verify at a time (1 to 16)
    #[arg(
        long,
        requires = "all",
        default_value_t = 4,
        value_name = "N",
        value_parser = clap::value_parser!(u8).range(1..=16)
    )]
    pub jobs: u8,
}

/// `bcsetup status`.
#[derive(Debug, Args, Default)]
pub(crate) struct StatusArgs {
    /// Warn about profiles whose credentials are older than this many days
    #[arg(long, default_value_t = 90, value_name = "DAYS")]
    pub max_age: u32,
    /// Exit 8 when a profile is unverified, older than --max-age or left mid-rotation (no network)
    #[arg(long)]
    pub check: bool,
}

/// `bcsetup token`.
#[derive(Debug, Args, Default)]
pub(crate) struct TokenArgs {
    /// Print even when stdout is a terminal (the token will be visible on screen)
    #[arg(long)]
    pub reveal: bool,
}

/// Shell syntax for `bcsetup env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum EnvFormat {
    /// POSIX sh, bash, zsh: `export NAME='value'`
    #[default]
    Sh,
    /// fish: `set -gx NAME 'value'`
    Fish,
    /// `PowerShell`: `$Env:NAME = 'value'`
    Powershell,
    /// .env files: `NAME='value'` (also inert when sourced by sh)
    Dotenv,
}

/// `bcsetup env`.
#[derive(Debug, Args, Default)]
pub(crate) struct EnvArgs {
    /// Output syntax
    #[arg(long, value_enum, default_value_t = EnvFormat::Sh)]
    pub format: EnvFormat,
    /// Also export `BIGCOMMERCE_CLIENT_SECRET`
    #[arg(long)]
    pub include_client_secret: bool,
    /// Print even when stdout is a terminal (the token will be visible on screen)
    #[arg(long)]
    pub reveal: bool,
}

/// `bcsetup exec`.
#[derive(Debug, Args, Default)]
pub(crate) struct ExecArgs {
    /// Also pass `BIGCOMMERCE_CLIENT_SECRET`
    #[arg(long)]
    pub include_client_secret: bool,
    /// Write a 0600 secrets.stencil.json in DIR while CMD runs, and remove it afterwards
    #[arg(long, value_name = "DIR")]
    pub stencil: Option<PathBuf>,
    /// The command and its arguments
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub command: Vec<std::ffi::OsString>,
}

/// `bcsetup remove`.
#[derive(Debug, Args, Default)]
pub(crate) struct RemoveArgs {
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `bcsetup scopes`.
#[derive(Debug, Args)]
pub(crate) struct ScopesArgs {
    /// V2/V3 API token, or Stencil-CLI token
    #[arg(long, default_value = "api", value_name = "TYPE")]
    pub token_type: TokenType,
    /// read-only or modify
    #[arg(long, default_value = "read-only", value_name = "LEVEL")]
    pub access: Access,
    /// Comma list of scope keys [default: the migration scopes]
    #[arg(long, value_name = "LIST")]
    pub scopes: Option<String>,
    /// The account name to show in the checklist
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

/// `bcsetup completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Parse argv. On top of clap's own checks: `verify --all` with a `--profile` typed on the command
/// line is a usage error (exit 2), since `--all` means every profile. `BCSETUP_PROFILE` set in the
/// environment is no conflict: a shell that exports it can still check everything.
pub(crate) fn parse(args: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    let typed =
        |m: &clap::ArgMatches| m.value_source("profile") == Some(clap::parser::ValueSource::CommandLine);
    let profile_typed = typed(&matches) || matches.subcommand().is_some_and(|(_, sub)| typed(sub));
    if let Command::Verify(VerifyArgs { all: true, .. }) = &cli.command
        && profile_typed
    {
        return Err(command.error(
            clap::error::ErrorKind::ArgumentConflict,
            "`--all` verifies every profile and cannot be combined with `--profile`",
        ));
    }
    Ok(cli)
}

/// The variables clap reads (every `env =` above), found by walking the command tree, so a new one
/// is never missed: `lib` hides their values from clap's errors.
pub(crate) fn env_variables() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if let Some(name) = arg.get_env().and_then(|n| n.to_str())
                && !out.iter().any(|o| o == name)
            {
                out.push(name.to_owned());
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&<Cli as clap::CommandFactory>::command(), &mut out);
    out
}

#[cfg(test)]
mod tests;

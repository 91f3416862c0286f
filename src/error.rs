//! The one error type of bcsetup. Each variant is a *cause* a user can act on, knows its exit code
//! (docs/interface.md, "Exit codes"), its JSON `kind`, and an optional hint. Nothing here may hold a
//! secret: messages are built from validated, non-secret values only.

use std::path::PathBuf;

use crate::bigcommerce::judge::{Accepted, VerifyFailure};
use crate::bigcommerce::report::Report;
use crate::bigcommerce::run::Unreachable;
use crate::store::StoreError;
use crate::text;

mod input;
mod rank;
mod storage;
mod verification;

pub use input::{InputError, InputErrors};
pub use rank::{NEEDS_ATTENTION, worst};
pub use storage::{Left, fixes};
pub use verification::Facts;

/// Everything that can end a bcsetup run early.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad or missing input: every problem found, listed at once. Exit 2.
    #[error("{0}")]
    Input(InputErrors),
    /// profiles.toml (or another config file) cannot be read, parsed, trusted or written; a file
    /// bcsetup cannot read is never overwritten. Exit 2. The path and the parser's message (which can
    /// quote a key or value from the file) are shown escaped.
    #[error("{}: {}", text::path(path), text::one_line(message))]
    Config {
        /// The file involved.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
        /// What to do, when it is not "fix or move the file by hand" (a full disk, a shared directory).
        hint: Option<String>,
    },
    /// BigCommerce answered, and the answer ends verification: rejected token (3), missing scopes (4),
    /// or a probe that changed data (1). The full report goes with it so `--json` can show every scope.
    #[error("{}", failure.facts().message)]
    Verification {
        /// The cause.
        failure: VerifyFailure,
        /// The report, when probing ran far enough to produce one.
        report: Option<Box<Report>>,
    },
    /// BigCommerce could not be reached, or stayed unhealthy after retries. Exit 5.
    #[error("could not reach BigCommerce: {0}")]
    Unreachable(String),
    /// The secret store is unavailable or failed. Exit 6.
    #[error("secure storage failed: {0}")]
    Storage(#[from] StoreError),
    /// A storage failure of `init` whose hint says what the run left: the previous credentials of a
    /// profile it was rotating, or nothing at all. Exit 6.
    #[error("secure storage failed: {error}")]
    StorageLeft {
        /// The failure.
        error: StoreError,
        /// What the run left.
        left: Left,
    },
    /// No profile of that name. The message names the profiles that do exist (read from
    /// profiles.toml, so shown escaped), and the hint the one to use or how to create it. Exit 7.
    #[error("{}", not_found_message(name, existing))]
    ProfileNotFound {
        /// The profile asked for.
        name: String,
        /// The profiles in profiles.toml, in their order there.
        existing: Vec<String>,
    },
    /// `verify --all` or `status --check` found no profile at all. Exit 7.
    #[error("there are no profiles yet")]
    NoProfiles,
    /// `status --check`: this many profiles are unverified, too old or left mid-rotation. Exit 8.
    #[error("{0} profile(s) need attention")]
    NeedsAttention(usize),
    /// The command printed its outcome itself, one row per profile (`verify --all`, `status
    /// --check`): the run ends with the code of the worst row's error, and nothing more is printed
    /// (with `--json`, the document already on stdout stays the only one).
    #[error("{0}")]
    Reported(Box<Error>),
    /// `copy` found no clipboard to use: no display server named in the environment, or one it could
    /// not reach. Exit 2: the run's surroundings cannot do what was asked, as for `token` to a
    /// terminal. The message is the cause, never the value.
    #[error("no clipboard to copy to: {0}")]
    NoClipboard(String),
    /// Ctrl-C or Esc at a prompt, SIGINT, a Cancel item, No at a confirmation. Exit 130. Shown as
    /// one calm line that says what was kept (`cancelled: nothing was saved`), never as an error.
    #[error("{}", crate::terminal::cancelled())]
    Interrupted,
    /// The user chose Cancel at the menu shown under this failure, which was printed already: the run
    /// ends with the failure's code, kind and JSON object, and is told as a cancel's calm line.
    #[error("{0}")]
    Declined(Box<Error>),
    /// SIGTERM or SIGHUP (N) ended the run at once, outside a save. Exit 128+N; shown like a cancel.
    #[error("{}", crate::terminal::stopped(*.0))]
    Stopped(i32),
    /// A termination signal arrived while `init` was saving; the save finished first. Exit 128+N.
    #[error("interrupted by signal {0}")]
    Signalled(i32),
    /// A child process run by `exec` ended; its code is passed through.
    #[error("the command exited with status {0}")]
    Child(u8),
    /// `exec` could not start the command: 127 when it was not found, 126 when it could not be run,
    /// as shells do.
    #[error("could not run `{program}`: {reason}")]
    CommandNotRun {
        /// The command as given.
        program: String,
        /// 126 or 127.
        code: u8,
        /// Why it could not start.
        reason: String,
    },
    /// Anything unexpected. Exit 1.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// The process exit code for this error (docs/interface.md, "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Config { .. } | Error::NoClipboard(_) => 2,
            Error::Verification { failure, .. } => failure.facts().code,
            Error::Child(code) | Error::CommandNotRun { code, .. } => *code,
            Error::Unreachable(_) => 5,
            Error::Storage(_) | Error::StorageLeft { .. } => 6,
            Error::ProfileNotFound { .. } | Error::NoProfiles => 7,
            Error::NeedsAttention(_) => NEEDS_ATTENTION,
            Error::Interrupted => 130,
            Error::Signalled(signal) | Error::Stopped(signal) => signal_exit_code(*signal),
            Error::Internal(_) => 1,
            Error::Declined(shown) | Error::Reported(shown) => shown.exit_code(),
        }
    }

    /// The `kind` key of the JSON error object.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Input(_) => "invalid_input",
            Error::Config { .. } => "invalid_config",
            Error::NoClipboard(_) => "no_clipboard",
            Error::Verification { failure, .. } => failure.facts().kind,
            Error::Unreachable(_) => "unreachable",
            Error::Storage(_) | Error::StorageLeft { .. } => "storage",
            Error::ProfileNotFound { .. } | Error::NoProfiles => "profile_not_found",
            Error::NeedsAttention(_) => "needs_attention",
            Error::Interrupted | Error::Signalled(_) | Error::Stopped(_) => "interrupted",
            Error::Child(_) => "child_exit",
            Error::CommandNotRun { code: 127, .. } => "command_not_found",
            Error::CommandNotRun { .. } => "command_not_executable",
            Error::Internal(_) => "internal",
            Error::Declined(shown) | Error::Reported(shown) => shown.kind(),
        }
    }

    /// A hint telling the user what to do next, if there is a useful one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Input(errors) if errors.non_interactive => Some(
                "no terminal to ask on (or --no-input): give the inputs as flags or environment variables; \
                 see `bcsetup init --help`"
                    .into(),
            ),
            Error::Config { hint: Some(hint), .. } => Some(hint.clone()),
            Error::Config { hint: None, .. } => {
                Some("fix or move the file by hand; bcsetup never overwrites a file it cannot read".into())
            }
            Error::Verification { failure, .. } => Some(failure.facts().hint),
            Error::Unreachable(msg) if msg.contains("certificate") => Some(
                "the server's TLS certificate was not trusted: a TLS-inspecting proxy or antivirus may be in \
                 the way; bcsetup never skips certificate checks, but it trusts the system's root \
                 certificates (on Linux, SSL_CERT_FILE adds one)"
                    .into(),
            ),
            Error::Unreachable(_) => Some(verification::UNREACHABLE_HINT.into()),
            Error::NoClipboard(_) => Some(
                "copy needs a desktop session's clipboard (X11 or Wayland). Without one, pipe the token \
                 (`bcsetup token | …`) or run the program with the credentials in its environment \
                 (`bcsetup exec -- CMD`)"
                    .into(),
            ),
            Error::Storage(err) => Some(storage::hint(err)),
            Error::StorageLeft { error, left } => Some(storage::hint_left(error, *left)),
            Error::ProfileNotFound { name, existing } => Some(not_found_hint(name, existing)),
            Error::NoProfiles => Some("create one with `bcsetup init`".into()),
            Error::CommandNotRun { code: 127, .. } => Some(
                "check the name and PATH; the command runs without a shell, so use `sh -c '…'` for shell syntax"
                    .into(),
            ),
            Error::CommandNotRun { .. } => Some("check that the file is a program and is executable".into()),
            Error::Declined(shown) | Error::Reported(shown) => shown.hint(),
            Error::Input(_)
            | Error::NeedsAttention(_)
            | Error::Interrupted
            | Error::Signalled(_)
            | Error::Stopped(_)
            | Error::Child(_)
            | Error::Internal(_) => None,
        }
    }

    /// A cancel, or a signal that ended the run at once: told in one calm line, not as an error.
    pub fn is_cancel(&self) -> bool {
        matches!(self, Error::Interrupted | Error::Stopped(_) | Error::Declined(_))
    }

    /// The calm line a cancel ends with (`is_cancel`).
    pub fn calm_line(&self) -> String {
        match self {
            Error::Declined(_) => crate::terminal::cancelled(),
            other => other.to_string(),
        }
    }

    /// The error for a signal that ends the run at once: SIGINT is a cancel like Ctrl-C at a prompt.
    pub fn for_signal(signal: i32) -> Self {
        if signal == 2 {
            Error::Interrupted
        } else {
            Error::Stopped(signal)
        }
    }

    /// The writes BigCommerce accepted (`probe_changed_data`), for the JSON error's `accepted`.
    pub fn accepted(&self) -> &[Accepted] {
        match self {
            Error::Verification {
                failure: VerifyFailure::ProbeChangedData { accepted },
                ..
            } => accepted,
            Error::Declined(shown) => shown.accepted(),
            _ => &[],
        }
    }

    /// The report to print with `--json`, when verification produced one.
    pub fn report(&self) -> Option<&Report> {
        match self {
            Error::Verification { report, .. } => report.as_deref(),
            Error::Declined(shown) => shown.report(),
            _ => None,
        }
    }
}

/// How many profile names a not-found message lists; `status` lists them all.
const NAMES_SHOWN: usize = 10;

fn not_found_message(name: &str, existing: &[String]) -> String {
    let name = text::one_line(name);
    let quoted: Vec<String> = existing
        .iter()
        .take(NAMES_SHOWN)
        .map(|n| format!("`{}`", text::one_line(n)))
        .collect();
    match (existing.len(), quoted.as_slice()) {
        (0, _) => format!("no profile named `{name}`: there are no profiles yet"),
        (1, [only]) => format!("no profile named `{name}`; the only profile is {only}"),
        (n, shown) if n > shown.len() => format!(
            "no profile named `{name}`; there are {n} profiles: {}, and {} more",
            shown.join(", "),
            n - shown.len()
        ),
        (_, shown) => format!("no profile named `{name}`; the profiles are {}", shown.join(", ")),
    }
}

fn not_found_hint(name: &str, existing: &[String]) -> String {
    let create = if name == "default" {
        "`bcsetup init`".to_owned()
    } else {
        format!("`bcsetup init --profile {}`", text::one_line(name))
    };
    match existing {
        [] => format!("{create} creates it"),
        [only] => format!(
            "use it with `--profile {}` (or BCSETUP_PROFILE), or create `{}` with {create}",
            text::one_line(only),
            text::one_line(name)
        ),
        _ => format!(
            "pick one with `--profile NAME` (or BCSETUP_PROFILE; `bcsetup status` lists them), or create `{}` \
             with {create}",
            text::one_line(name)
        ),
    }
}

/// The exit code for signal N, as shells report a process it ended: 128+N (130 for SIGINT, 143 for
/// SIGTERM, 129 for SIGHUP). Used for bcsetup's own interrupts and for a CMD `exec` saw killed.
pub fn signal_exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(255)
}

impl From<Unreachable> for Error {
    fn from(e: Unreachable) -> Self {
        Error::Unreachable(e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_design_table() {
        let mut input = InputErrors::default();
        input.missing("--name / BCSETUP_ACCOUNT_NAME");
        assert_eq!(Error::Input(input).exit_code(), 2);
        assert_eq!(Error::Unreachable("timeout".into()).exit_code(), 5);
        assert_eq!(
            Error::Storage(StoreError::Unavailable("no bus".into())).exit_code(),
            6
        );
        assert_eq!(
            Error::ProfileNotFound {
                name: "x".into(),
                existing: vec![]
            }
            .exit_code(),
            7
        );
        assert_eq!(Error::Interrupted.exit_code(), 130);
        assert_eq!(Error::Signalled(15).exit_code(), 143);
        assert_eq!(Error::Signalled(1).exit_code(), 129);
        assert_eq!(Error::for_signal(2).exit_code(), 130);
        assert_eq!(Error::for_signal(15).exit_code(), 143);
        assert_eq!(Error::for_signal(1).kind(), "interrupted");
        assert_eq!(signal_exit_code(2), 130);
        assert_eq!(Error::Internal(anyhow::anyhow!("boom")).exit_code(), 1);
        let rejected = Error::Verification {
            failure: VerifyFailure::Rejected {
                store: crate::bigcommerce::StoreHash::parse("abc123").unwrap(),
            },
            report: None,
        };
        assert_eq!(rejected.exit_code(), 3);
    }

    #[test]
    fn a_missing_profile_names_the_ones_that_exist() {
        let err = |name: &str, existing: &[&str]| Error::ProfileNotFound {
            name: name.into(),
            existing: existing.iter().map(|&n| n.to_owned()).collect(),
        };
        let none = err("default", &[]);
        assert_eq!(
            none.to_string(),
            "no profile named `default`: there are no profiles yet"
        );
        assert_eq!(none.hint().unwrap(), "`bcsetup init` creates it");
        let one = err("default", &["shop"]);
        assert_eq!(
            one.to_string(),
            "no profile named `default`; the only profile is `shop`"
        );
        assert!(one.hint().unwrap().starts_with("use it with `--profile shop`"));
        let many = err("x", &["a", "b"]);
        assert_eq!(
            many.to_string(),
            "no profile named `x`; the profiles are `a`, `b`"
        );
        assert!(many.hint().unwrap().ends_with("`bcsetup init --profile x`"));
        let names: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
        let lots = Error::ProfileNotFound {
            name: "x".into(),
            existing: names,
        };
        assert!(lots.to_string().ends_with("`p9`, and 2 more"), "{lots}");
        // Names come from a file: a control character is shown escaped.
        let hostile = err("x", &["a\u{1b}[2J"]).to_string();
        assert!(hostile.contains("a\\u{1b}[2J"), "{hostile}");
    }
}

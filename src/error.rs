//! The one error type of bcsetup. Each variant is a *cause* a user can act on, knows its exit code
//! (docs/interface.md, "Exit codes"), its JSON `kind`, and an optional hint. Nothing here may hold a
//! secret: messages are built from validated, non-secret values only.

use std::fmt;
use std::path::PathBuf;

use crate::bigcommerce::judge::{Failed, Shortfall, VerifyFailure};
use crate::bigcommerce::report::Report;
use crate::bigcommerce::run::Unreachable;
use crate::store::StoreError;

/// Everything that can end a bcsetup run early.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad or missing input: every problem found, listed at once. Exit 2.
    #[error("{0}")]
    Input(InputErrors),
    /// profiles.toml (or another config file) cannot be read or parsed; it is never overwritten. Exit 2.
    #[error("{path}: {message}")]
    Config {
        /// The file involved.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
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
    /// No profile of that name. Exit 7.
    #[error("no profile named `{0}`")]
    ProfileNotFound(String),
    /// Ctrl-C or Esc at a prompt. Exit 130.
    #[error("interrupted")]
    Interrupted,
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
            Error::Input(_) | Error::Config { .. } => 2,
            Error::Verification { failure, .. } => failure.facts().code,
            Error::Child(code) | Error::CommandNotRun { code, .. } => *code,
            Error::Unreachable(_) => 5,
            Error::Storage(_) => 6,
            Error::ProfileNotFound(_) => 7,
            Error::Interrupted => 130,
            Error::Internal(_) => 1,
        }
    }

    /// The `kind` key of the JSON error object.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Input(_) => "invalid_input",
            Error::Config { .. } => "invalid_config",
            Error::Verification { failure, .. } => failure.facts().kind,
            Error::Unreachable(_) => "unreachable",
            Error::Storage(_) => "storage",
            Error::ProfileNotFound(_) => "profile_not_found",
            Error::Interrupted => "interrupted",
            Error::Child(_) => "child_exit",
            Error::CommandNotRun { code: 127, .. } => "command_not_found",
            Error::CommandNotRun { .. } => "command_not_executable",
            Error::Internal(_) => "internal",
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
            Error::Config { .. } => {
                Some("fix or move the file by hand; bcsetup never overwrites a file it cannot read".into())
            }
            Error::Verification { failure, .. } => Some(failure.facts().hint),
            Error::Unreachable(msg) if msg.contains("certificate") => Some(
                "the server's TLS certificate was not trusted: a TLS-inspecting proxy or antivirus may be in \
                 the way; bcsetup never skips certificate checks, but it trusts the system's root \
                 certificates (on Linux, SSL_CERT_FILE adds one)"
                    .into(),
            ),
            Error::Unreachable(_) => Some(UNREACHABLE_HINT.into()),
            Error::Storage(err) => Some(err.hint()),
            Error::ProfileNotFound(_) => {
                Some("`bcsetup status` lists profiles; `bcsetup init --profile NAME` creates one".into())
            }
            Error::CommandNotRun { code: 127, .. } => Some(
                "check the name and PATH; the command runs without a shell, so use `sh -c '…'` for shell syntax"
                    .into(),
            ),
            Error::CommandNotRun { .. } => Some("check that the file is a program and is executable".into()),
            Error::Input(_) | Error::Interrupted | Error::Child(_) | Error::Internal(_) => None,
        }
    }

    /// The report to print with `--json`, when verification produced one.
    pub fn report(&self) -> Option<&Report> {
        match self {
            Error::Verification { report, .. } => report.as_deref(),
            _ => None,
        }
    }
}

impl From<Unreachable> for Error {
    fn from(e: Unreachable) -> Self {
        Error::Unreachable(e.0)
    }
}

impl From<Failed> for Error {
    fn from(failed: Failed) -> Self {
        match failed.failure {
            // Not an answer about the token: BigCommerce itself is in doubt.
            VerifyFailure::Unhealthy { status } => Error::Unreachable(format!(
                "GET /v3/hooks answered {status}; BigCommerce may be unhealthy"
            )),
            failure => Error::Verification {
                failure,
                report: failed.report,
            },
        }
    }
}

/// What the user sees of a verification failure (docs/interface.md, "Exit codes" and "JSON output").
pub struct Facts {
    /// Exit code.
    pub code: u8,
    /// The JSON `kind`.
    pub kind: &'static str,
    /// One-line cause.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl VerifyFailure {
    /// Exit code, kind, message and hint, decided together in one place.
    pub fn facts(&self) -> Facts {
        let facts = |code, kind, message: String, hint: String| Facts {
            code,
            kind,
            message,
            hint,
        };
        match self {
            VerifyFailure::Rejected { store } => facts(3, "rejected", rejected(store), REJECTED_HINT.into()),
            VerifyFailure::WrongStore { store } => facts(
                3,
                "wrong_store",
                format!("the access token does not belong to store `{store}` (GET /v3/hooks was refused)"),
                format!(
                    "check the store hash: it is the part after /stores/ in the API PATH shown with the \
                     credentials, e.g. {} (without a `store-` prefix)",
                    store.api_path()
                ),
            ),
            VerifyFailure::Revoked { store } => facts(
                3,
                "revoked",
                format!(
                    "the access token was revoked: it worked before, and now BigCommerce answers 401 ({})",
                    rejected(store)
                ),
                "its API account was probably deleted in the control panel; create a new one and run \
                 `bcsetup init` to rotate"
                    .into(),
            ),
            VerifyFailure::ScopesMissing { missing } => facts(
                4,
                "scopes_missing",
                format!("the token lacks {}", shortfalls(missing)),
                scope_fix(missing),
            ),
            VerifyFailure::ScopeLost { lost, missing } => facts(
                4,
                "scope_lost",
                format!("scope lost since the last verification: {}", lost_list(lost)),
                scope_fix(missing),
            ),
            VerifyFailure::ScopesUnproven { unproven } => facts(
                4,
                "scopes_unproven",
                format!("could not prove {}", shortfalls(unproven)),
                "no safe request decides these levels (see `bcsetup scopes`); pass --yes to accept them \
                 unproven"
                    .into(),
            ),
            VerifyFailure::ProbeChangedData {
                request,
                status,
                excerpt,
            } => facts(
                1,
                "probe_changed_data",
                format!(
                    "DEFECT: the write probe {request} answered {status}: BigCommerce accepted a request \
                     bcsetup sends expecting a rejection, so something may have been created or changed in \
                     the store. Probing stopped and nothing was retried. Response body: {excerpt}"
                ),
                "check the store for the object in the response above and delete it if it is unwanted; \
                 re-run with --no-check-modify to skip write probes, and please report this defect"
                    .into(),
            ),
            VerifyFailure::Unhealthy { status } => facts(
                5,
                "unreachable",
                format!("GET /v3/hooks answered {status}; BigCommerce may be unhealthy"),
                UNREACHABLE_HINT.into(),
            ),
        }
    }
}

const REJECTED_HINT: &str =
    "the token is mistyped, or its API account was deleted; paste it again or create a new API account";

const UNREACHABLE_HINT: &str = "check your network, proxy (HTTPS_PROXY) and https://status.bigcommerce.com, \
                                then retry; `--no-verify` stores credentials without checking them";

fn rejected(store: &crate::bigcommerce::StoreHash) -> String {
    format!("BigCommerce rejected the access token for store `{store}` (401)")
}

fn shortfalls(list: &[Shortfall]) -> String {
    let rows: Vec<String> = list
        .iter()
        .map(|s| {
            format!(
                "{} ({} wanted, {} observed)",
                s.name,
                s.wanted.as_str(),
                s.observed.as_str()
            )
        })
        .collect();
    rows.join(", ")
}

fn lost_list(list: &[Shortfall]) -> String {
    let rows: Vec<String> = list
        .iter()
        .map(|s| {
            let before = s.before.map_or("?", |b| b.as_str());
            format!("{} (was {before}, now {})", s.name, s.observed.as_str())
        })
        .collect();
    rows.join(", ")
}

fn scope_fix(missing: &[Shortfall]) -> String {
    let fixes: Vec<String> = missing
        .iter()
        .filter(|s| s.observed != crate::bigcommerce::classify::Observed::Unknown)
        .map(|s| format!("set {} to {}", s.name, s.wanted.ui_name()))
        .collect();
    format!(
        "in the control panel (Settings › Store-level API accounts › edit the account): {}; save, then run \
         bcsetup again",
        fixes.join(", ")
    )
}

/// One missing or invalid input, named by the flag and environment variable that supply it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// How the user can give the input, e.g. `--name / BCSETUP_ACCOUNT_NAME`.
    pub source: String,
    /// What is wrong: "missing" or the validation message.
    pub problem: String,
}

/// Every input problem of one run, so the user fixes them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputErrors {
    /// The problems, in the order the wizard asks.
    pub errors: Vec<InputError>,
    /// The run could not prompt (no terminal, or `--no-input`).
    pub non_interactive: bool,
}

impl InputErrors {
    /// Record an input that was not given.
    pub fn missing(&mut self, source: &str) {
        self.errors.push(InputError {
            source: source.into(),
            problem: "missing".into(),
        });
    }

    /// Record an input that was given but is not valid.
    pub fn invalid(&mut self, source: &str, problem: impl Into<String>) {
        self.errors.push(InputError {
            source: source.into(),
            problem: problem.into(),
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// A single invalid input as an error.
    pub fn one(source: &str, problem: impl Into<String>) -> Error {
        let mut errors = Self::default();
        errors.invalid(source, problem);
        Error::Input(errors)
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [one] => write!(f, "{}: {}", one.source, one.problem),
            many => {
                write!(f, "{} inputs are missing or invalid:", many.len())?;
                for e in many {
                    write!(f, "\n  - {}: {}", e.source, e.problem)?;
                }
                Ok(())
            }
        }
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
        assert_eq!(Error::ProfileNotFound("x".into()).exit_code(), 7);
        assert_eq!(Error::Interrupted.exit_code(), 130);
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
    fn input_errors_list_every_problem() {
        let mut errors = InputErrors::default();
        errors.missing("--name / BCSETUP_ACCOUNT_NAME");
        errors.invalid("--store-hash / BCSETUP_STORE_HASH", "bad");
        let text = errors.to_string();
        assert!(text.starts_with("2 inputs are missing or invalid:"), "{text}");
        assert!(text.contains("--name / BCSETUP_ACCOUNT_NAME: missing"));
        assert!(text.contains("--store-hash / BCSETUP_STORE_HASH: bad"));
    }
}

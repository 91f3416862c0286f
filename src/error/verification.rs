//! What the user sees of a failed verification: for each `VerifyFailure`, the exit code
//! (docs/interface.md, "Exit codes"), the JSON `kind`, the message and the hint, decided together in
//! `VerifyFailure::facts`. The BigCommerce layer only names the cause; the words and the flags they
//! mention (`--yes`, `--no-check-modify`) live here.

use super::Error;
use crate::bigcommerce::StoreHash;
use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::judge::{Failed, Shortfall, VerifyFailure};
use crate::bigcommerce::scopes::Request;

impl From<Failed> for Error {
    fn from(failed: Failed) -> Self {
        match failed.failure {
            // Not an answer about the token: BigCommerce itself is in doubt.
            VerifyFailure::Unhealthy { status } => Error::Unreachable(unhealthy(status)),
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
    /// Exit code, kind, message and hint, decided together for each cause.
    pub fn facts(&self) -> Facts {
        let facts = |code, kind, message: String, hint: String| Facts {
            code,
            kind,
            message,
            hint,
        };
        match self {
            VerifyFailure::Rejected { store } => facts(3, "rejected", rejected(store), REJECTED_HINT.into()),
            VerifyFailure::WrongStore { store } => {
                facts(3, "wrong_store", wrong_store(store), wrong_store_hint(store))
            }
            VerifyFailure::Revoked { store } => facts(3, "revoked", revoked(store), REVOKED_HINT.into()),
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
                UNPROVEN_HINT.into(),
            ),
            VerifyFailure::ProbeChangedData {
                request,
                status,
                excerpt,
            } => facts(
                1,
                "probe_changed_data",
                defect(request, *status, excerpt),
                DEFECT_HINT.into(),
            ),
            VerifyFailure::Unhealthy { status } => {
                facts(5, "unreachable", unhealthy(*status), UNREACHABLE_HINT.into())
            }
        }
    }
}

const REVOKED_HINT: &str = "its API account was probably deleted in the control panel; create a new one and run \
                            `bcsetup init` to rotate";

const UNPROVEN_HINT: &str =
    "no safe request decides these levels (see `bcsetup scopes`); pass --yes to accept them unproven";

const DEFECT_HINT: &str = "check the store for the object in the response above and delete it if it is \
                           unwanted; re-run with --no-check-modify to skip write probes, and please report \
                           this defect";

fn wrong_store(store: &StoreHash) -> String {
    format!("the access token does not belong to store `{store}` (GET /v3/hooks was refused)")
}

fn wrong_store_hint(store: &StoreHash) -> String {
    format!(
        "check the store hash: it is the part after /stores/ in the API PATH shown with the credentials, \
         e.g. {} (without a `store-` prefix)",
        store.api_path()
    )
}

fn revoked(store: &StoreHash) -> String {
    format!(
        "the access token was revoked: it worked before, and now BigCommerce answers 401 ({})",
        rejected(store)
    )
}

fn unhealthy(status: u16) -> String {
    format!("GET /v3/hooks answered {status}; BigCommerce may be unhealthy")
}

fn defect(request: &Request, status: u16, excerpt: &str) -> String {
    format!(
        "DEFECT: the write probe {request} answered {status}: BigCommerce accepted a request bcsetup sends \
         expecting a rejection, so something may have been created or changed in the store. Probing \
         stopped and nothing was retried. Response body: {excerpt}"
    )
}

const REJECTED_HINT: &str =
    "the token is mistyped, or its API account was deleted; paste it again or create a new API account";

pub(super) const UNREACHABLE_HINT: &str = "check your network, proxy (HTTPS_PROXY) and https://status.bigcommerce.com, \
                                then retry; `--no-verify` stores credentials without checking them";

fn rejected(store: &StoreHash) -> String {
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
        .filter(|s| s.observed != Observed::Unknown)
        .map(|s| format!("set {} to {}", s.name, s.wanted.ui_name()))
        .collect();
    format!(
        "in the control panel (Settings › Store-level API accounts › edit the account): {}; save, then run \
         bcsetup again",
        fixes.join(", ")
    )
}

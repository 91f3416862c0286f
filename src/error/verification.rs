//! What the user sees of a failed verification: for each `VerifyFailure`, the exit code
//! (docs/interface.md, "Exit codes"), the JSON `kind`, the message and the hint, decided together in
//! `VerifyFailure::facts`. The BigCommerce layer only names the cause; the words and the flags they
//! mention (`--yes`, `--no-check-modify`) live here.

use std::fmt::Write;

use super::Error;
use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::judge::{Accepted, Failed, Remake, Shortfall, VerifyFailure};
use crate::bigcommerce::scopes::{self, ScopeSet};
use crate::bigcommerce::{Level, StoreHash, TokenType};
use crate::text;

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
            VerifyFailure::ScopesMissing { missing, remake } => facts(
                4,
                "scopes_missing",
                shortfall(missing, remake.scopes.len()),
                scope_fix(missing, remake),
            ),
            VerifyFailure::ScopeLost {
                lost,
                missing,
                remake,
            } => facts(
                4,
                "scope_lost",
                format!("scope lost since the last verification: {}", lost_list(lost)),
                scope_fix(missing, remake),
            ),
            VerifyFailure::ScopesUnproven { unproven } => facts(
                4,
                "scopes_unproven",
                format!("could not prove {}", shortfalls(unproven)),
                UNPROVEN_HINT.into(),
            ),
            VerifyFailure::ProbeChangedData { accepted } => {
                facts(1, "probe_changed_data", defect(accepted), DEFECT_HINT.into())
            }
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

const DEFECT_HINT: &str = "check the store for the objects in the responses above and delete those that are \
                           unwanted; re-run with --no-check-modify to skip write probes, and please report \
                           this defect";

fn wrong_store(store: &StoreHash) -> String {
    format!(
        "the access token does not belong to store `{store}` (GET /v3/hooks was refused), so no scope could \
         be checked"
    )
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
        "the access token was revoked: it worked before, and now BigCommerce rejects it for store `{store}` \
         (401), so no scope could be checked"
    )
}

fn unhealthy(status: u16) -> String {
    format!("GET /v3/hooks answered {status}; BigCommerce may be unhealthy")
}

/// Every accepted write, one line each. A body is BigCommerce's text, not bcsetup's: escaped, so it
/// cannot move the cursor, write the clipboard or forge a line of its own.
fn defect(accepted: &[Accepted]) -> String {
    let what = match accepted {
        [one] => format!("the write probe {} was", one.request),
        many => format!("{} write probes were", many.len()),
    };
    let mut message = format!(
        "DEFECT: {what} accepted: BigCommerce took requests bcsetup sends expecting a rejection, so \
         something may have been created or changed in the store. Probing stopped and nothing was retried."
    );
    for one in accepted {
        let _ = write!(
            message,
            "\n  - {} answered {}; response body: {}",
            one.request,
            one.status,
            text::one_line(&one.body)
        );
    }
    message
}

const REJECTED_HINT: &str =
    "the token is mistyped, or its API account was deleted; paste it again or create a new API account";

pub(super) const UNREACHABLE_HINT: &str = "check your network, proxy (HTTPS_PROXY) and https://status.bigcommerce.com, \
                                then retry; `--no-verify` stores credentials without checking them";

fn rejected(store: &StoreHash) -> String {
    format!("BigCommerce rejected the access token for store `{store}` (401), so no scope could be checked")
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

/// The shortfall in one line, counted and grouped by what was observed, since the table above shows
/// each row: "7 of 8 wanted scopes are read-only; modify was wanted: Content, …". Every wanted scope
/// short by the same level needs no names at all.
fn shortfall(missing: &[Shortfall], wanted_scopes: usize) -> String {
    if let [one] = missing {
        return format!(
            "the token lacks {} ({} wanted, {} observed)",
            one.name,
            one.wanted.as_str(),
            one.observed.as_str()
        );
    }
    let every = missing.len() >= wanted_scopes;
    let count = if every {
        format!("all {} wanted scopes", missing.len())
    } else {
        format!("{} of {wanted_scopes} wanted scopes", missing.len())
    };
    let mut groups: Vec<(Observed, Vec<&str>)> = Vec::new();
    for s in missing {
        match groups.iter_mut().find(|(o, _)| *o == s.observed) {
            Some((_, names)) => names.push(s.name),
            None => groups.push((s.observed, vec![s.name])),
        }
    }
    let wanted = missing
        .first()
        .map(|first| first.wanted)
        .filter(|w| missing.iter().all(|s| s.wanted == *w))
        .map(Level::as_str);
    if let ([(observed, names)], Some(wanted)) = (groups.as_slice(), wanted) {
        let names = if every {
            String::new()
        } else {
            format!(": {}", names.join(", "))
        };
        return format!(
            "{count} are {}; {wanted} was wanted{names}",
            observed_as(*observed)
        );
    }
    let groups: Vec<String> = groups
        .iter()
        .map(|(observed, names)| {
            let verb = if names.len() == 1 { "is" } else { "are" };
            format!("{} {verb} {}", names.join(", "), observed_as(*observed))
        })
        .collect();
    let of = wanted.map(|w| format!(" of {w}")).unwrap_or_default();
    format!("{count} fall short{of}: {}", groups.join("; "))
}

/// An observed level as a predicate: "Products is not granted".
fn observed_as(observed: Observed) -> &'static str {
    match observed {
        Observed::None => "not granted",
        Observed::ReadOnly => "read-only",
        Observed::Modify => "modify",
        Observed::Unknown => "unproven",
    }
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

/// The fix for a shortfall: the control panel cannot edit a store-level account's scopes ("You can't
/// change store-level access tokens or OAuth scopes", docs/bigcommerce.md), so the only way is a new
/// account, a rotation onto it, and deleting the old one.
fn scope_fix(missing: &[Shortfall], remake: &Remake) -> String {
    let profile = if remake.profile == "default" {
        String::new()
    } else {
        format!(" --profile {}", remake.profile)
    };
    // On a saved profile this `init` is a rotation: the working credentials stay until the new ones pass.
    let rotate = |old: &str| {
        format!(
            "run `bcsetup init{profile}` again with its credentials, then delete the old {old} in the control panel"
        )
    };
    match remake.token_type {
        TokenType::Stencil => format!(
            "a Stencil-CLI token's scopes are a fixed preset that cannot be edited: create a new Stencil-CLI \
             token (\"{}\"), {}",
            remake.access.stencil_option(),
            rotate("token")
        ),
        TokenType::Api => format!(
            "a store-level API account's scopes cannot be edited: create a new API account with {} (`{}` \
             prints the checklist), {}",
            new_account_scopes(missing, remake),
            checklist_command(remake),
            rotate("account")
        ),
    }
}

/// The scopes of the new account. One short scope is named; several are named by the error's
/// message already, and the new account needs every scope of the profile anyway, so they are counted.
fn new_account_scopes(missing: &[Shortfall], remake: &Remake) -> String {
    // A level no probe decided is not known to be missing; the new account's checklist has it.
    let needed: Vec<&Shortfall> = missing
        .iter()
        .filter(|s| s.observed != Observed::Unknown)
        .collect();
    if let [one] = needed.as_slice() {
        let others = if remake.scopes.len() > 1 {
            " and the profile's other scopes"
        } else {
            ""
        };
        return format!("{} at {}{others}", one.name, one.wanted.ui_name());
    }
    let mut levels = remake
        .scopes
        .iter()
        .filter_map(|key| scopes::find(key))
        .map(|scope| scopes::wanted_level(scope, remake.token_type, remake.access));
    let level = match levels.next() {
        Some(first) if levels.all(|l| l == first) => first.ui_name(),
        _ => "the levels of the checklist",
    };
    format!("the profile's {} scopes at {level}", remake.scopes.len())
}

/// The `bcsetup scopes` command that prints the checklist for the account to create.
fn checklist_command(remake: &Remake) -> String {
    let mut command = format!("bcsetup scopes --access {}", remake.access);
    let default = ScopeSet::default_for(remake.token_type).keys();
    if remake.scopes != default {
        command.push_str(" --scopes ");
        command.push_str(&remake.scopes.join(","));
    }
    command
}

#[cfg(test)]
mod tests;

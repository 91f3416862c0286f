//! What the user sees of a failed verification: for each `VerifyFailure`, the exit code
//! (docs/interface.md, "Exit codes"), the JSON `kind`, the message and the hint, decided together in
//! `VerifyFailure::facts`. The BigCommerce layer only names the cause; the words and the flags they
//! mention (`--yes`, `--no-check-modify`) live here.

use std::fmt::Write;

use super::Error;
use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::judge::{Accepted, Failed, Remake, Shortfall, VerifyFailure};
use crate::bigcommerce::scopes::ScopeSet;
use crate::bigcommerce::{StoreHash, TokenType};
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
                format!("the token lacks {}", shortfalls(missing)),
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
        TokenType::Api => {
            // A level no probe decided is not known to be missing; the new account's checklist has it.
            let needed: Vec<String> = missing
                .iter()
                .filter(|s| s.observed != Observed::Unknown)
                .map(|s| format!("{} at {}", s.name, s.wanted.ui_name()))
                .collect();
            let others = if needed.len() < remake.scopes.len() {
                " and the profile's other scopes"
            } else {
                ""
            };
            format!(
                "a store-level API account's scopes cannot be edited: create a new API account with {}{others} \
                 (`{}` prints the checklist), {}",
                needed.join(", "),
                checklist_command(remake),
                rotate("account")
            )
        }
    }
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
mod tests {
    use super::*;
    use crate::bigcommerce::scopes::ScopeSet;
    use crate::bigcommerce::{Access, Level};

    fn remake(token_type: TokenType, scopes: &ScopeSet, profile: &str) -> Remake {
        Remake {
            token_type,
            access: Access::Modify,
            scopes: scopes.keys(),
            profile: profile.to_owned(),
        }
    }

    fn short(name: &'static str, observed: Observed) -> Shortfall {
        Shortfall {
            name,
            wanted: Level::Modify,
            observed,
            before: None,
        }
    }

    #[test]
    fn a_shortfall_hint_asks_for_a_new_account_never_an_edit() {
        let missing = [
            short("Products", Observed::ReadOnly),
            short("Orders", Observed::None),
        ];
        let cases = [
            (
                remake(TokenType::Api, &ScopeSet::migration(), "default"),
                "bcsetup scopes --access modify`",
            ),
            (
                remake(
                    TokenType::Api,
                    &ScopeSet::parse("products", TokenType::Api).unwrap(),
                    "shop",
                ),
                "bcsetup scopes --access modify --scopes content,information,marketing,products,\
                 channel_settings,channel_listings`",
            ),
        ];
        for (remake, checklist) in cases {
            let failure = VerifyFailure::ScopesMissing {
                missing: missing.to_vec(),
                remake: remake.clone(),
            };
            let hint = failure.facts().hint;
            assert!(hint.contains("cannot be edited"), "{hint}");
            assert!(
                hint.contains("create a new API account with Products at Modify, Orders at Modify"),
                "{hint}"
            );
            assert!(hint.contains(checklist), "{hint}");
            assert!(hint.contains("delete the old account"), "{hint}");
            let init = if remake.profile == "default" {
                "`bcsetup init`"
            } else {
                "`bcsetup init --profile shop`"
            };
            assert!(hint.contains(init), "{hint}");
            assert!(
                !hint.contains("set Products") && !hint.contains("edit the account"),
                "{hint}"
            );
            assert!(
                hint.contains("Orders at Modify and the profile's other scopes"),
                "{hint}"
            );
        }
        // Every wanted scope is short: there are no others to keep.
        let all = VerifyFailure::ScopesMissing {
            missing: missing.to_vec(),
            remake: remake(
                TokenType::Api,
                &ScopeSet::from_keys(["products", "orders"]),
                "default",
            ),
        };
        assert!(!all.facts().hint.contains("other scopes"), "{}", all.facts().hint);
    }

    #[test]
    fn a_stencil_shortfall_asks_for_a_new_stencil_token() {
        let failure = VerifyFailure::ScopeLost {
            lost: vec![short("Themes", Observed::ReadOnly)],
            missing: vec![short("Themes", Observed::ReadOnly)],
            remake: remake(TokenType::Stencil, &ScopeSet::stencil(), "theme"),
        };
        let facts = failure.facts();
        assert_eq!((facts.code, facts.kind), (4, "scope_lost"));
        assert!(
            facts
                .hint
                .contains("create a new Stencil-CLI token (\"Publish theme\")"),
            "{}",
            facts.hint
        );
        assert!(
            facts.hint.contains("`bcsetup init --profile theme`"),
            "{}",
            facts.hint
        );
        assert!(!facts.hint.contains("API account with"), "{}", facts.hint);
    }

    #[test]
    fn a_defect_lists_every_accepted_write_with_its_body_escaped() {
        use crate::bigcommerce::scopes::{Method, Request};
        let write = |path| Request {
            method: Method::Post,
            path,
            body: Some("{}"),
        };
        let accepted = vec![
            Accepted {
                request: write("/v3/catalog/products"),
                status: 201,
                body: "{\"id\":7}\u{1b}]52;c;eA==\u{7}\r✓ all good\n\u{202e}".into(),
            },
            Accepted {
                request: write("/v2/currencies"),
                status: 200,
                body: "\u{9b}2J".into(),
            },
        ];
        let failure = VerifyFailure::ProbeChangedData { accepted };
        let facts = failure.facts();
        assert_eq!((facts.code, facts.kind), (1, "probe_changed_data"));
        let lines: Vec<&str> = facts.message.lines().collect();
        assert!(
            lines[0].starts_with("DEFECT: 2 write probes were accepted"),
            "{}",
            facts.message
        );
        assert_eq!(
            lines[1..],
            [
                "  - POST /v3/catalog/products answered 201; response body: \
                 {\"id\":7}\\u{1b}]52;c;eA==\\u{7}\\u{d}✓ all good\\u{a}\\u{202e}",
                "  - POST /v2/currencies answered 200; response body: \\u{9b}2J",
            ]
        );
        assert!(!facts.message.chars().any(|c| text::is_unsafe(c) && c != '\n'));
        assert!(
            facts.hint.contains("objects in the responses above"),
            "{}",
            facts.hint
        );
    }
}

//! The verdict: evidence in, a `Report` or a `Failed` out. Pure, and free of CLI words: which exit
//! code, JSON `kind` and hint each `VerifyFailure` gets is decided in `error.rs`, in one `match`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::classify::{self, Answer, Observed, TokenVerdict};
use super::probe::{HOOKS, ProbePlan, Purpose, STORE_INFO, Wanted};
use super::report::{Report, ScopeResult, StoreInfo};
use super::run::{Evidence, is_defect};
use super::scopes::{Need, Request};
use super::{Access, Level, StoreHash, TokenType};

/// How many characters of a defect's response body are kept for the user to find what was created.
const EXCERPT_CHARS: usize = 500;

/// A scope that fell short of the wanted level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// Control-panel name.
    pub name: &'static str,
    /// Level wanted.
    pub wanted: Level,
    /// Level observed now.
    pub observed: Observed,
    /// Level observed by the last verification, when it proved the wanted level (`ScopeLost` only).
    pub before: Option<Observed>,
}

/// What a shortfall asks of the user. The scopes of a store-level account cannot be edited, so the
/// fix is a new account with every scope the profile wants, then a rotation (docs/bigcommerce.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remake {
    /// The kind of account to create.
    pub token_type: TokenType,
    /// The access it needs.
    pub access: Access,
    /// Every scope key the new account needs, in catalog order.
    pub scopes: Vec<&'static str>,
    /// The profile to run `init` for.
    pub profile: String,
}

/// Why a verification did not pass. Each variant is one cause a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyFailure {
    /// The token check answered 401: the token is mistyped or its account was deleted.
    Rejected {
        /// The store the token was sent to.
        store: StoreHash,
    },
    /// The token check was refused: the token belongs to another store.
    WrongStore {
        /// The store the token was sent to.
        store: StoreHash,
    },
    /// The token check answered a status that says nothing about the token.
    Unhealthy {
        /// The status.
        status: u16,
    },
    /// At least one scope was observed below the wanted level.
    ScopesMissing {
        /// Every scope not proven and not accepted, in catalog order.
        missing: Vec<Shortfall>,
        /// The account to create instead.
        remake: Remake,
    },
    /// Only levels no probe could decide are left, and they were not accepted.
    ScopesUnproven {
        /// Those scopes.
        unproven: Vec<Shortfall>,
    },
    /// Write probes succeeded: BigCommerce accepted requests sent expecting a rejection.
    ProbeChangedData {
        /// Every accepted write, in plan order (the probes run concurrently, so several can be).
        accepted: Vec<Accepted>,
    },
    /// A token that passed before now answers 401 (`verify` only).
    Revoked {
        /// The store.
        store: StoreHash,
    },
    /// Scopes that passed the last verification fall short now (`verify` only).
    ScopeLost {
        /// Those scopes, with `before` set.
        lost: Vec<Shortfall>,
        /// Every shortfall, for the fix.
        missing: Vec<Shortfall>,
        /// The account to create instead.
        remake: Remake,
    },
}

impl VerifyFailure {
    /// Whether the token itself was refused (401, or another store's token). Then no scope was
    /// observed: the report's rows are all `unknown` and say nothing, so no table shows them.
    pub fn token_refused(&self) -> bool {
        matches!(
            self,
            VerifyFailure::Rejected { .. } | VerifyFailure::WrongStore { .. } | VerifyFailure::Revoked { .. }
        )
    }
}

/// A write probe BigCommerce accepted (2xx): what to look for in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// The request, `POST /v3/catalog/products`.
    #[serde(serialize_with = "as_text")]
    pub request: Request,
    /// Its 2xx status.
    pub status: u16,
    /// The start of the response body as answered (at most `EXCERPT_CHARS` characters), to find
    /// what was created. Not bcsetup's text: shown only through `text::one_line`.
    pub body: String,
}

fn as_text<S: serde::Serializer>(request: &Request, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(request)
}

/// A failed verification, with the report when probing got far enough to make one.
#[derive(Debug, Clone)]
pub struct Failed {
    /// The cause.
    pub failure: VerifyFailure,
    /// The full report, so `--json` can show every scope.
    pub report: Option<Box<Report>>,
}

impl Failed {
    fn new(failure: VerifyFailure, report: Report) -> Self {
        Self {
            failure,
            report: Some(Box::new(report)),
        }
    }
}

/// Judge the evidence of a plan. `accept_unknown(scope_key)` says whether a level no probe could
/// decide is acceptable for that scope (init with `--yes`; verify where init already accepted it).
pub fn judge(
    plan: &ProbePlan,
    evidence: &Evidence,
    store: &StoreHash,
    profile: &str,
    accept_unknown: &dyn Fn(&str) -> bool,
) -> Result<Report, Failed> {
    let store_body = evidence
        .answers
        .iter()
        .find(|(r, a, _)| *r == STORE_INFO && matches!(a, Answer::Success(_)))
        .map(|(_, _, b)| b.as_ref());
    let mut report = Report {
        ok: false,
        profile: profile.to_owned(),
        store: StoreInfo::parse(store, store_body),
        token_type: plan.token_type,
        access: plan.access,
        scopes: Vec::new(),
        requests: evidence.attempts.len(),
    };
    let accepted: Vec<Accepted> = evidence
        .answers
        .iter()
        .filter(|(r, a, _)| is_defect(*r, *a))
        .map(|(request, answer, body)| Accepted::of(*request, *answer, body))
        .collect();
    if !accepted.is_empty() {
        return Err(Failed::new(VerifyFailure::ProbeChangedData { accepted }, report));
    }
    let hooks = evidence.answer(HOOKS).unwrap_or(Answer::Other(0));
    let token_ok = matches!(hooks, Answer::Success(_));
    report.scopes = plan
        .wanted
        .iter()
        .map(|wanted| scope_result(plan, evidence, wanted, token_ok))
        .collect();
    let failure = match classify::judge_token(hooks) {
        TokenVerdict::Valid => scopes_failure(plan, &report, accept_unknown),
        TokenVerdict::Rejected => Some(VerifyFailure::Rejected { store: store.clone() }),
        TokenVerdict::WrongStore => Some(VerifyFailure::WrongStore { store: store.clone() }),
        TokenVerdict::Unexpected(status) => Some(VerifyFailure::Unhealthy { status }),
    };
    if let Some(failure) = failure {
        return Err(Failed::new(failure, report));
    }
    report.ok = true;
    Ok(report)
}

/// One row: the answers of the scope's read and write probes, read at the wanted level. Nothing is
/// observed when the token itself failed.
fn scope_result(plan: &ProbePlan, evidence: &Evidence, wanted: &Wanted, token_ok: bool) -> ScopeResult {
    let answer_to = |purpose: fn(&Purpose) -> Option<&'static super::scopes::Scope>| {
        plan.probes
            .iter()
            .find(|probe| {
                probe
                    .purposes
                    .iter()
                    .any(|p| purpose(p).is_some_and(|s| std::ptr::eq(s, wanted.scope)))
            })
            .and_then(|probe| evidence.answer(probe.request))
    };
    let read = answer_to(|p| if let Purpose::Read(s) = p { Some(s) } else { None });
    let write = answer_to(|p| if let Purpose::Write(s) = p { Some(s) } else { None });
    let observed = if token_ok {
        classify::observe(read, write, wanted.level)
    } else {
        Observed::Unknown
    };
    ScopeResult {
        scope: wanted.scope.key,
        name: wanted.scope.ui_name,
        wanted: wanted.level,
        observed,
        ok: observed.satisfies(wanted.level),
        advisory: wanted.need == Need::Advisory,
    }
}

/// The scopes' verdict for a valid token: `None` when every shortfall is an accepted unknown.
fn scopes_failure(
    plan: &ProbePlan,
    report: &Report,
    accept_unknown: &dyn Fn(&str) -> bool,
) -> Option<VerifyFailure> {
    let missing: Vec<Shortfall> = report
        .short()
        .filter(|s| !(s.observed == Observed::Unknown && accept_unknown(s.scope)))
        .map(Shortfall::of)
        .collect();
    if missing.is_empty() {
        None
    } else if report.short().all(|s| s.observed == Observed::Unknown) {
        Some(VerifyFailure::ScopesUnproven { unproven: missing })
    } else {
        Some(VerifyFailure::ScopesMissing {
            missing,
            remake: Remake::of(plan, &report.profile),
        })
    }
}

impl Remake {
    fn of(plan: &ProbePlan, profile: &str) -> Self {
        Self {
            token_type: plan.token_type,
            access: plan.access,
            scopes: plan.wanted.iter().map(|w| w.scope.key).collect(),
            profile: profile.to_owned(),
        }
    }
}

/// The levels no probe decided, when the caller did not accept them (init without `--yes`).
pub fn unproven(report: &Report) -> Option<VerifyFailure> {
    let unproven: Vec<Shortfall> = report
        .short()
        .filter(|s| s.observed == Observed::Unknown)
        .map(Shortfall::of)
        .collect();
    (!unproven.is_empty()).then_some(VerifyFailure::ScopesUnproven { unproven })
}

impl Shortfall {
    fn of(row: &ScopeResult) -> Self {
        Self {
            name: row.name,
            wanted: row.wanted,
            observed: row.observed,
            before: None,
        }
    }
}

impl Accepted {
    fn of(request: Request, answer: Answer, body: &[u8]) -> Self {
        let status = match answer {
            Answer::Success(s) => s,
            _ => 0,
        };
        Self {
            request,
            status,
            body: String::from_utf8_lossy(body)
                .chars()
                .take(EXCERPT_CHARS)
                .collect(),
        }
    }
}

/// Reword a failure of a profile that passed before: a rejected token that was verified is
/// `Revoked`, and missing scopes that were proven last time are `ScopeLost`. `before` is the
/// profile's last observation per scope key.
pub fn regression(
    failure: VerifyFailure,
    report: Option<&Report>,
    was_verified: bool,
    before: &BTreeMap<String, Observed>,
) -> VerifyFailure {
    match failure {
        VerifyFailure::Rejected { store } if was_verified => VerifyFailure::Revoked { store },
        VerifyFailure::ScopesMissing { missing, remake } => {
            let lost: Vec<Shortfall> = report
                .into_iter()
                .flat_map(Report::short)
                .filter_map(|row| {
                    let was = before
                        .get(row.scope)
                        .copied()
                        .filter(|b| b.satisfies(row.wanted))?;
                    Some(Shortfall {
                        before: Some(was),
                        ..Shortfall::of(row)
                    })
                })
                .collect();
            if lost.is_empty() {
                VerifyFailure::ScopesMissing { missing, remake }
            } else {
                VerifyFailure::ScopeLost {
                    lost,
                    missing,
                    remake,
                }
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;

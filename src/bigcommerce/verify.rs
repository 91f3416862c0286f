//! Run a probe plan against BigCommerce and judge the answers.
//!
//! `execute` is the only async code in bcsetup: every probe runs concurrently on one client, so a full
//! verification costs about one round trip. It retries a probe on 429 (waiting what the rate-limit
//! headers say, within a budget) and on 5xx or connection failures (jittered backoff, at most
//! `max_tries`), and the whole run has a deadline. `assess` is pure: evidence in, report or error out.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::join_all;
use serde::Serialize;

use super::classify::{self, Answer, Observed, TokenVerdict};
use super::client::{Client, Timeouts};
use super::probe::{Plan, Purpose};
use super::scopes::{Method, Request};
use super::{Access, Level, StoreHash, TokenType};
use crate::error::Error;

/// Retry and time limits of one verification.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Tries per probe for 5xx, connection failures and header-less 429s.
    pub max_tries: u32,
    /// Longest total wait one probe may spend on rate limits before giving up.
    pub rate_limit_budget: Duration,
    /// Deadline of the whole verification.
    pub deadline: Duration,
    /// First backoff step; doubled per try, with jitter.
    pub backoff: Duration,
    /// Per-request timeouts.
    pub timeouts: Timeouts,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_tries: 3,
            rate_limit_budget: Duration::from_secs(30),
            deadline: Duration::from_secs(90),
            backoff: Duration::from_millis(400),
            timeouts: Timeouts::default(),
        }
    }
}

/// One request as sent, for `--verbose` and the request count.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The request.
    pub request: Request,
    /// Status, or `None` when no response came.
    pub status: Option<u16>,
    /// How long it took.
    pub elapsed: Duration,
}

/// The final answer of every probe, in plan order.
#[derive(Debug, Default)]
pub struct Evidence {
    /// (request, final answer, body) per planned probe.
    pub answers: Vec<(Request, Answer, Bytes)>,
    /// Every attempt, including retries.
    pub attempts: Vec<Attempt>,
}

impl Evidence {
    /// The final answer to a request of the plan.
    pub fn answer(&self, request: Request) -> Option<Answer> {
        self.answers
            .iter()
            .find(|(r, ..)| *r == request)
            .map(|(_, a, _)| *a)
    }
}

/// Run every probe of the plan concurrently.
pub async fn execute(client: &Client, plan: &Plan, limits: Limits) -> Result<Evidence, Error> {
    let abort = AtomicBool::new(false);
    let runs = plan
        .probes
        .iter()
        .map(|p| run_probe(client, p.request, limits, &abort));
    let results = tokio::time::timeout(limits.deadline, join_all(runs))
        .await
        .map_err(|_| {
            Error::Unreachable(format!(
                "verification did not finish within {} s",
                limits.deadline.as_secs()
            ))
        })?;
    let mut evidence = Evidence::default();
    let mut failure = None;
    for (result, attempts) in results {
        evidence.attempts.extend(attempts);
        match result {
            Ok(answer) => evidence.answers.push(answer),
            Err(e) => failure = failure.or(Some(e)),
        }
    }
    // A write probe that succeeded outranks transport failures: it must be reported.
    if evidence.answers.iter().any(|(r, a, _)| is_defect(*r, *a)) {
        return Ok(evidence);
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(evidence),
    }
}

fn is_defect(request: Request, answer: Answer) -> bool {
    request.method != Method::Get && matches!(answer, Answer::Success(_))
}

type ProbeResult = (Result<(Request, Answer, Bytes), Error>, Vec<Attempt>);

async fn run_probe(client: &Client, request: Request, limits: Limits, abort: &AtomicBool) -> ProbeResult {
    let mut attempts = Vec::new();
    let mut tries = 0;
    let mut rate_limited = Duration::ZERO;
    loop {
        tries += 1;
        let started = Instant::now();
        let sent = client.send(&request).await;
        let status = sent.as_ref().ok().map(|r| r.status);
        attempts.push(Attempt {
            request,
            status,
            elapsed: started.elapsed(),
        });
        let retry_in = match sent {
            Ok(response) => {
                let answer = classify::classify(response.status, &response.headers);
                if is_defect(request, answer) {
                    abort.store(true, Ordering::SeqCst);
                }
                match answer {
                    Answer::RateLimited(Some(wait)) => {
                        rate_limited += wait;
                        if rate_limited > limits.rate_limit_budget {
                            let msg = format!(
                                "BigCommerce kept rate-limiting {request} (waited {} s in all); the store's API \
                                 quota is shared with its other apps",
                                rate_limited.saturating_sub(wait).as_secs()
                            );
                            return (Err(Error::Unreachable(msg)), attempts);
                        }
                        // A rate-limit wait is not a failed try: the request was never processed.
                        tries -= 1;
                        wait
                    }
                    Answer::RateLimited(None) | Answer::Unhealthy(_) if tries < limits.max_tries => {
                        backoff(limits.backoff, tries)
                    }
                    Answer::RateLimited(None) | Answer::Unhealthy(_) => {
                        let msg = format!("{request} answered {} after {tries} tries", response.status);
                        return (Err(Error::Unreachable(msg)), attempts);
                    }
                    _ => return (Ok((request, answer, response.body)), attempts),
                }
            }
            Err(e) if tries < limits.max_tries && !e.is_builder() => backoff(limits.backoff, tries),
            Err(e) => return (Err(Error::Unreachable(describe(&e))), attempts),
        };
        if abort.load(Ordering::SeqCst) {
            let msg = format!("{request} was not retried: probing stopped after a write probe succeeded");
            return (Err(Error::Unreachable(msg)), attempts);
        }
        tokio::time::sleep(retry_in).await;
    }
}

/// Exponential backoff with up to 50 % jitter, so concurrent probes do not retry in lockstep.
fn backoff(base: Duration, tries: u32) -> Duration {
    let step = base.saturating_mul(1 << tries.saturating_sub(1).min(6));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    step + step.mul_f64(f64::from(nanos % 500) / 1000.0)
}

/// A transport error in words, without the token (reqwest errors carry the URL, never headers).
fn describe(err: &reqwest::Error) -> String {
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the response was cut off"
    } else {
        "the request failed"
    };
    let mut text = format!("{what}: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let _ = write!(text, ": {s}");
        source = s.source();
    }
    text
}

/// The store as `GET /v2/store` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreInfo {
    /// Store hash.
    pub hash: StoreHash,
    /// Store name, when Information & Settings could be read.
    pub name: Option<String>,
    /// Primary domain.
    pub domain: Option<String>,
    /// Storefront URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_url: Option<String>,
    /// Control panel URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_panel_url: Option<String>,
}

impl StoreInfo {
    fn parse(hash: &StoreHash, body: Option<&[u8]>) -> Self {
        let json: serde_json::Value = body
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        Self {
            hash: hash.clone(),
            name: text("name"),
            domain: text("domain"),
            secure_url: text("secure_url"),
            control_panel_url: text("control_panel_base_url"),
        }
    }
}

/// One row of the scope matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeResult {
    /// Scope key.
    pub scope: &'static str,
    /// Control-panel name.
    pub name: &'static str,
    /// Level wanted.
    pub wanted: Level,
    /// Level observed.
    pub observed: Observed,
    /// Whether observed proves wanted.
    pub ok: bool,
}

/// The result of a verification (docs/interface.md, "JSON output").
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Token and every wanted scope proven.
    pub ok: bool,
    /// Profile name.
    pub profile: String,
    /// The store.
    pub store: StoreInfo,
    /// Token type verified.
    pub token_type: TokenType,
    /// Access verified.
    pub access: Access,
    /// Per-scope matrix.
    pub scopes: Vec<ScopeResult>,
    /// Requests sent, retries included.
    pub requests: usize,
}

impl Report {
    /// Rows that fell short of the wanted level.
    pub fn short(&self) -> impl Iterator<Item = &ScopeResult> {
        self.scopes.iter().filter(|s| !s.ok)
    }
}

/// Judge the evidence. `accept_unknown(scope_key)` says whether an unproven level is acceptable
/// for a scope (init with `--yes`; verify where init already accepted it).
pub fn assess(
    plan: &Plan,
    evidence: &Evidence,
    store: &StoreHash,
    profile: &str,
    accept_unknown: &dyn Fn(&str) -> bool,
) -> Result<Report, Error> {
    let store_body = evidence
        .answers
        .iter()
        .find(|(r, a, _)| *r == super::probe::STORE_INFO && matches!(a, Answer::Success(_)))
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
    if let Some((request, answer, body)) = evidence.answers.iter().find(|(r, a, _)| is_defect(*r, *a)) {
        return Err(defect(*request, *answer, body, report));
    }
    let hooks = evidence.answer(super::probe::HOOKS).unwrap_or(Answer::Other(0));
    for wanted in &plan.wanted {
        let find = |p: fn(&Purpose) -> Option<&'static super::scopes::Scope>| {
            plan.probes
                .iter()
                .find(|probe| {
                    probe
                        .purposes
                        .iter()
                        .any(|x| p(x).is_some_and(|s| std::ptr::eq(s, wanted.scope)))
                })
                .and_then(|probe| evidence.answer(probe.request))
        };
        let read = find(|p| if let Purpose::Read(s) = p { Some(s) } else { None });
        let write = find(|p| if let Purpose::Write(s) = p { Some(s) } else { None });
        let observed = if matches!(hooks, Answer::Success(_)) {
            classify::observe(read, write, wanted.level)
        } else {
            Observed::Unknown
        };
        report.scopes.push(ScopeResult {
            scope: wanted.scope.key,
            name: wanted.scope.ui_name,
            wanted: wanted.level,
            observed,
            ok: observed.satisfies(wanted.level),
        });
    }
    judge(report, hooks, store, accept_unknown)
}

fn judge(
    mut report: Report,
    hooks: Answer,
    store: &StoreHash,
    accept_unknown: &dyn Fn(&str) -> bool,
) -> Result<Report, Error> {
    let fail = |code, kind, message: String, hint: String, report: Report| Error::Verification {
        code,
        kind,
        message,
        hint: Some(hint),
        report: Some(Box::new(report)),
    };
    match classify::judge_token(hooks) {
        TokenVerdict::Valid => {}
        TokenVerdict::Rejected => {
            return Err(fail(
                3,
                "rejected",
                format!("BigCommerce rejected the access token for store `{store}` (401)"),
                "the token is mistyped, or its API account was deleted; paste it again or create a new API account"
                    .into(),
                report,
            ));
        }
        TokenVerdict::WrongStore => {
            return Err(fail(
                3,
                "wrong_store",
                format!("the access token does not belong to store `{store}` (GET /v3/hooks was refused)"),
                format!(
                    "check the store hash: it is the part after /stores/ in the API PATH shown with the \
                     credentials, e.g. {} (without a `store-` prefix)",
                    store.api_path()
                ),
                report,
            ));
        }
        TokenVerdict::Unexpected(status) => {
            return Err(Error::Unreachable(format!(
                "GET /v3/hooks answered {status}; BigCommerce may be unhealthy"
            )));
        }
    }
    let missing: Vec<String> = report
        .short()
        .filter(|s| !(s.observed == Observed::Unknown && accept_unknown(s.scope)))
        .map(|s| {
            format!(
                "{} ({} wanted, {} observed)",
                s.name,
                s.wanted.as_str(),
                s.observed.as_str()
            )
        })
        .collect();
    if missing.is_empty() {
        report.ok = true;
        return Ok(report);
    }
    let only_unknown = report.short().all(|s| s.observed == Observed::Unknown);
    let (kind, message, hint) = if only_unknown {
        (
            "scopes_unproven",
            format!("could not prove {}", missing.join(", ")),
            "no safe probe decides these levels; pass --yes to accept them unproven".to_owned(),
        )
    } else {
        let fixes: Vec<String> = report
            .short()
            .filter(|s| s.observed != Observed::Unknown)
            .map(|s| format!("set {} to {}", s.name, s.wanted.ui_name()))
            .collect();
        (
            "scopes_missing",
            format!("the token lacks {}", missing.join(", ")),
            format!(
                "in the control panel (Settings › Store-level API accounts › edit the account): {}; save, then run \
                 bcsetup again",
                fixes.join(", ")
            ),
        )
    };
    Err(fail(4, kind, message, hint, report))
}

fn defect(request: Request, answer: Answer, body: &[u8], report: Report) -> Error {
    let status = match answer {
        Answer::Success(s) => s,
        _ => 0,
    };
    let excerpt: String = String::from_utf8_lossy(body).chars().take(500).collect();
    Error::Verification {
        code: 1,
        kind: "probe_changed_data",
        message: format!(
            "DEFECT: the write probe {request} answered {status}: BigCommerce accepted a request bcsetup sends \
             expecting a rejection, so something may have been created or changed in the store. Probing stopped \
             and nothing was retried. Response body: {excerpt}"
        ),
        hint: Some(
            "check the store for the object in the response above and delete it if it is unwanted; \
             re-run with --no-check-modify to skip write probes, and please report this defect"
                .into(),
        ),
        report: Some(Box::new(report)),
    }
}

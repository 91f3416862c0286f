//! Send a probe plan to BigCommerce: the only async code in bcsetup. Every probe runs concurrently on
//! one client, so a verification costs about one round trip. A probe is retried on 429 (waiting what
//! the rate-limit headers say, never less than a floor, plus jitter) and on 5xx or connection failures
//! (jittered backoff, at most `max_tries`). Rate-limit retries are bounded per probe, and the whole
//! run has a request budget and a deadline, because the store's quota is shared with every other app
//! on it. What the answers mean is `judge.rs`'s job.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::join_all;

use super::classify::{self, Answer};
use super::client::{Client, Timeouts};
use super::probe::ProbePlan;
use super::scopes::{Method, Request};

/// BigCommerce could not be reached, or stayed unhealthy after retries: why, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreachable(pub String);

/// The shortest wait after a 429, whatever its headers say. BigCommerce's reset header can read `0`
/// or `1` ms at the turn of a window, and retrying at once would spend the store's shared quota in a
/// loop (docs/bigcommerce.md, "Rate limits").
pub const RATE_LIMIT_FLOOR: Duration = Duration::from_millis(250);

/// Retry and time limits of one verification.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Tries per probe for 5xx, connection failures and header-less 429s.
    pub max_tries: u32,
    /// Rate-limited answers one probe accepts before giving up.
    pub max_rate_limited: u32,
    /// Longest total wait one probe may spend on rate limits before giving up.
    pub rate_limit_budget: Duration,
    /// Requests the whole verification may send, retries included, as a multiple of the plan's size.
    pub requests_per_probe: usize,
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
            max_rate_limited: 8,
            rate_limit_budget: Duration::from_secs(30),
            requests_per_probe: 4,
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
pub async fn execute(client: &Client, plan: &ProbePlan, limits: Limits) -> Result<Evidence, Unreachable> {
    let shared = Shared {
        abort: AtomicBool::new(false),
        sent: AtomicUsize::new(0),
        budget: plan
            .request_count()
            .max(4)
            .saturating_mul(limits.requests_per_probe),
    };
    let runs = plan
        .probes
        .iter()
        .map(|p| run_probe(client, p.request, limits, &shared));
    let results = tokio::time::timeout(limits.deadline, join_all(runs))
        .await
        .map_err(|_| {
            Unreachable(format!(
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

/// A write probe that succeeded: it may have changed data.
pub(super) fn is_defect(request: Request, answer: Answer) -> bool {
    request.method != Method::Get && matches!(answer, Answer::Success(_))
}

/// What the probes of one run share: the stop signal and the request budget.
struct Shared {
    /// Set when a write probe succeeded: nothing is retried after that.
    abort: AtomicBool,
    /// Requests sent so far, retries included.
    sent: AtomicUsize,
    /// Requests the run may send.
    budget: usize,
}

type ProbeResult = (Result<(Request, Answer, Bytes), Unreachable>, Vec<Attempt>);

/// How one probe's tries went so far.
#[derive(Default)]
struct Tally {
    /// Failed tries (5xx, connection failures, header-less 429s).
    failed: u32,
    /// Rate-limited answers with a wait.
    rate_limited: u32,
    /// Time spent waiting on rate limits.
    waited: Duration,
}

async fn run_probe(client: &Client, request: Request, limits: Limits, shared: &Shared) -> ProbeResult {
    let mut attempts = Vec::new();
    let mut tally = Tally::default();
    loop {
        if shared.sent.fetch_add(1, Ordering::SeqCst) >= shared.budget {
            let why = if tally.rate_limited > 0 {
                "BigCommerce kept rate-limiting it, and the store's API quota is shared with its other apps"
            } else {
                "BigCommerce kept failing"
            };
            let msg = format!(
                "{request} was not retried: {why}, so bcsetup stopped at its budget of {} requests for one \
                 verification; try again in a minute",
                shared.budget
            );
            return (Err(Unreachable(msg)), attempts);
        }
        let started = Instant::now();
        let sent = client.send(&request).await;
        attempts.push(Attempt {
            request,
            status: sent.as_ref().ok().map(|r| r.status),
            elapsed: started.elapsed(),
        });
        let retry_in = match sent {
            Ok(response) => {
                let answer = classify::classify(response.status, &response.headers);
                if is_defect(request, answer) {
                    shared.abort.store(true, Ordering::SeqCst);
                }
                match retry_after_answer(request, answer, response.status, limits, &mut tally) {
                    Retry::After(wait) => wait,
                    Retry::GiveUp(msg) => return (Err(Unreachable(msg)), attempts),
                    Retry::Done => return (Ok((request, answer, response.body)), attempts),
                }
            }
            Err(e) => match failed_try(limits, &mut tally).filter(|_| !e.is_builder()) {
                Some(wait) => wait,
                None => return (Err(Unreachable(describe(&e))), attempts),
            },
        };
        if shared.abort.load(Ordering::SeqCst) {
            let msg = format!("{request} was not retried: probing stopped after a write probe succeeded");
            return (Err(Unreachable(msg)), attempts);
        }
        tokio::time::sleep(retry_in).await;
    }
}

/// What to do after an answer.
#[derive(Debug, PartialEq, Eq)]
enum Retry {
    /// Send the request again after this wait.
    After(Duration),
    /// Stop: BigCommerce kept refusing, for this reason.
    GiveUp(String),
    /// The answer is final.
    Done,
}

fn retry_after_answer(
    request: Request,
    answer: Answer,
    status: u16,
    limits: Limits,
    tally: &mut Tally,
) -> Retry {
    match answer {
        Answer::RateLimited(Some(header)) => {
            tally.rate_limited += 1;
            // The budget counts what BigCommerce asked for, not the jitter: a full 30 s window must
            // still be waited out once.
            tally.waited += header.max(RATE_LIMIT_FLOOR);
            if tally.rate_limited > limits.max_rate_limited || tally.waited > limits.rate_limit_budget {
                return Retry::GiveUp(format!(
                    "BigCommerce kept rate-limiting {request} ({} answers of 429 in a row); the store's API \
                     quota is shared with its other apps, so try again in a minute",
                    tally.rate_limited
                ));
            }
            Retry::After(rate_limit_delay(header, jitter_unit()))
        }
        Answer::RateLimited(None) | Answer::Unhealthy(_) => match failed_try(limits, tally) {
            Some(wait) => Retry::After(wait),
            None => Retry::GiveUp(format!(
                "{request} answered {status} after {} tries",
                tally.failed
            )),
        },
        _ => Retry::Done,
    }
}

/// Count a failed try (5xx, header-less 429, transport error): the jittered backoff before the next
/// one, never under `RATE_LIMIT_FLOOR`, or `None` when the tries are spent.
fn failed_try(limits: Limits, tally: &mut Tally) -> Option<Duration> {
    tally.failed += 1;
    (tally.failed < limits.max_tries)
        .then(|| backoff(limits.backoff, tally.failed, jitter_unit()).max(RATE_LIMIT_FLOOR))
}

/// The wait after a 429 whose headers asked for `header`: never less than `RATE_LIMIT_FLOOR`, plus up
/// to one floor of jitter (`unit` in `[0, 1)`), so probes limited together do not retry together. The
/// jitter only lengthens the wait: retrying before the window resets would be refused again.
fn rate_limit_delay(header: Duration, unit: f64) -> Duration {
    header.max(RATE_LIMIT_FLOOR) + RATE_LIMIT_FLOOR.mul_f64(unit.clamp(0.0, 1.0))
}

/// Exponential backoff with up to 50 % jitter (`unit` in `[0, 1)`), so concurrent probes do not retry
/// in lockstep.
fn backoff(base: Duration, tries: u32, unit: f64) -> Duration {
    let step = base.saturating_mul(1 << tries.saturating_sub(1).min(6));
    step + step.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
}

/// A number in `[0, 1)` that differs between calls: enough to spread retries, not a secret.
fn jitter_unit() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
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

#[cfg(test)]
mod tests;

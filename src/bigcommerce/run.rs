//! Send a probe plan to BigCommerce: the only async code in bcsetup. Every probe runs concurrently on
//! one client, so a verification costs about one round trip. A probe is retried on 429 (waiting what
//! the rate-limit headers say, within a budget) and on 5xx or connection failures (jittered backoff,
//! at most `max_tries`), and the whole run has a deadline. What the answers mean is `judge.rs`'s job.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
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
pub async fn execute(client: &Client, plan: &ProbePlan, limits: Limits) -> Result<Evidence, Unreachable> {
    let abort = AtomicBool::new(false);
    let runs = plan
        .probes
        .iter()
        .map(|p| run_probe(client, p.request, limits, &abort));
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

type ProbeResult = (Result<(Request, Answer, Bytes), Unreachable>, Vec<Attempt>);

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
                            return (Err(Unreachable(msg)), attempts);
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
                        return (Err(Unreachable(msg)), attempts);
                    }
                    _ => return (Ok((request, answer, response.body)), attempts),
                }
            }
            Err(e) if tries < limits.max_tries && !e.is_builder() => backoff(limits.backoff, tries),
            Err(e) => return (Err(Unreachable(describe(&e))), attempts),
        };
        if abort.load(Ordering::SeqCst) {
            let msg = format!("{request} was not retried: probing stopped after a write probe succeeded");
            return (Err(Unreachable(msg)), attempts);
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

//! Proving credentials live, for `init` and `verify`: build the probe plan, send it on a
//! current-thread runtime (the only async code; prompts, files and the keyring stay outside it) with
//! a spinner on a terminal, judge the answers, and print the table. The BigCommerce layer does the
//! work (`probe`, `run`, `judge`); this module adds the context: limits from the environment, the
//! printer, and the conversion of its failures into `Error`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::bigcommerce::classify::Answer;
use crate::bigcommerce::client::Client;
use crate::bigcommerce::judge::judge;
use crate::bigcommerce::probe::{HOOKS, ProbePlan};
use crate::bigcommerce::report::Report;
use crate::bigcommerce::run::{Evidence, Limits, execute};
use crate::bigcommerce::scopes::ScopeSet;
use crate::bigcommerce::token::AccessToken;
use crate::bigcommerce::{Access, StoreHash, TokenType};
use crate::context::Context;
use crate::error::Error;

/// What to prove.
pub(crate) struct Claim<'a> {
    /// The store.
    pub store: &'a StoreHash,
    /// The token.
    pub token: &'a AccessToken,
    /// Token type.
    pub token_type: TokenType,
    /// Access wanted.
    pub access: Access,
    /// Scopes wanted.
    pub scopes: &'a ScopeSet,
    /// Whether to run the write probes where Modify is wanted.
    pub check_modify: bool,
}

/// Prove a claim live. The table goes to stderr (unless `--json` or `--quiet`); the report is returned
/// when every wanted scope is proven, otherwise it travels inside the error.
pub(crate) fn prove(
    ctx: &Context,
    claim: &Claim<'_>,
    accept_unknown: &dyn Fn(&str) -> bool,
) -> Result<Report, Error> {
    Prover::default().prove(ctx, claim, accept_unknown)
}

/// Proving one token for one store, more than once when only what is wanted changes (`init`'s
/// "Change the access level or scopes wanted"). The answers already received are kept: a changed
/// claim is judged from them and only the requests they lack are sent, so no write probe (nor any
/// other request) goes out twice, and only what changed is shown.
#[derive(Default)]
pub(crate) struct Prover {
    earlier: Option<Earlier>,
}

/// What the last proof received and showed.
struct Earlier {
    evidence: Evidence,
    report: Report,
}

impl Prover {
    /// Send the whole plan and show the whole table (none when the token itself was refused: its
    /// rows would all be `unknown`).
    pub(crate) fn prove(
        &mut self,
        ctx: &Context,
        claim: &Claim<'_>,
        accept_unknown: &dyn Fn(&str) -> bool,
    ) -> Result<Report, Error> {
        self.earlier = None;
        let plan = ProbePlan::new(claim.token_type, claim.access, claim.scopes, claim.check_modify);
        let (evidence, _) = send(ctx, claim, &plan, Evidence::default())?;
        let (result, report) = self.judged(ctx, claim, &plan, evidence, accept_unknown);
        if let Some(report) = report {
            if !ctx.printer.json {
                ctx.printer.info(crate::render::report(report));
            }
            for warning in crate::render::report_warnings(report) {
                ctx.printer.warn(warning);
            }
        }
        result
    }

    /// Judge a changed claim for the same token and store from the answers already received,
    /// sending only the requests they lack, and show what changed against the last report. Without
    /// earlier answers this is [`Prover::prove`].
    pub(crate) fn prove_again(
        &mut self,
        ctx: &Context,
        claim: &Claim<'_>,
        accept_unknown: &dyn Fn(&str) -> bool,
    ) -> Result<Report, Error> {
        let Some(earlier) = self.earlier.take() else {
            return self.prove(ctx, claim, accept_unknown);
        };
        let plan = ProbePlan::new(claim.token_type, claim.access, claim.scopes, claim.check_modify);
        let (evidence, sent) = send(ctx, claim, &plan, earlier.evidence)?;
        let (result, report) = self.judged(ctx, claim, &plan, evidence, accept_unknown);
        if let Some(report) = report {
            if !ctx.printer.json {
                ctx.printer
                    .info(crate::render::recheck(&earlier.report, report, sent));
            }
            for warning in crate::render::recheck_warnings(&earlier.report, report) {
                ctx.printer.warn(warning);
            }
        }
        result
    }

    /// Judge, and keep the evidence and the report for a later change. Returns the result and the
    /// report to show (`None` when the token itself was refused).
    fn judged(
        &mut self,
        ctx: &Context,
        claim: &Claim<'_>,
        plan: &ProbePlan,
        evidence: Evidence,
        accept_unknown: &dyn Fn(&str) -> bool,
    ) -> (Result<Report, Error>, Option<&Report>) {
        let judged = judge(plan, &evidence, claim.store, ctx.profile.as_str(), accept_unknown);
        let (report, refused) = match &judged {
            Ok(report) => (Some(report.clone()), false),
            Err(failed) => (failed.report.as_deref().cloned(), failed.failure.token_refused()),
        };
        let result = judged.map_err(Error::from);
        self.earlier = report.map(|report| Earlier { evidence, report });
        let shown = self.earlier.as_ref().map(|e| &e.report).filter(|_| !refused);
        (result, shown)
    }
}

/// Send the requests of `plan` that `known` has no answer to, and add their answers to it. Returns
/// the evidence and how many requests were sent, retries included.
fn send(
    ctx: &Context,
    claim: &Claim<'_>,
    plan: &ProbePlan,
    mut known: Evidence,
) -> Result<(Evidence, usize), Error> {
    let mut todo = plan.clone();
    todo.probes.retain(|p| known.answer(p.request).is_none());
    if todo.probes.is_empty() {
        return Ok((known, 0));
    }
    let limits = limits_from_env(ctx)?;
    let client = Client::new(
        ctx.api_base.clone(),
        claim.store.clone(),
        claim.token,
        limits.timeouts,
    )?;
    let runtime = runtime()?;
    let spinner = spinner(ctx, todo.request_count());
    let evidence = runtime.block_on(execute(&client, &todo, limits));
    spinner.finish_and_clear();
    let evidence = evidence?;
    for attempt in &evidence.attempts {
        let status = attempt
            .status
            .map_or_else(|| "no response".to_owned(), |s| s.to_string());
        ctx.printer.detail(format_args!(
            "{} → {status} ({} ms)",
            attempt.request,
            attempt.elapsed.as_millis()
        ));
    }
    let sent = evidence.attempts.len();
    known.answers.extend(evidence.answers);
    known.attempts.extend(evidence.attempts);
    Ok((known, sent))
}

/// Ask BigCommerce whether a token is still accepted for a store (one request): 401 means revoked.
pub(crate) fn token_answer(ctx: &Context, store: &StoreHash, token: &AccessToken) -> Result<Answer, Error> {
    let plan = ProbePlan::token_check(TokenType::Api, Access::ReadOnly);
    let limits = limits_from_env(ctx)?;
    let client = Client::new(ctx.api_base.clone(), store.clone(), token, limits.timeouts)?;
    let evidence = runtime()?.block_on(execute(&client, &plan, limits))?;
    Ok(evidence.answer(HOOKS).unwrap_or(Answer::Other(0)))
}

/// The store hash a storefront tells at its public `/admin/oauth/info` (no token sent), for
/// `init --from-stencil`; the error says why not, for the user to give `--store-hash` instead.
pub(crate) fn storefront_store_hash(info: &url::Url) -> Result<StoreHash, String> {
    let runtime = runtime().map_err(|e| e.to_string())?;
    runtime.block_on(crate::bigcommerce::storefront::ask_store_hash(info))
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(anyhow::Error::new(e).context("could not start the async runtime")))
}

fn spinner(ctx: &Context, requests: usize) -> ProgressBar {
    if ctx.printer.quiet || ctx.printer.json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar =
        ProgressBar::new_spinner().with_message(format!("Verifying with BigCommerce ({requests} requests)…"));
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// `BCSETUP_HTTP_TIMEOUT_MS` and `BCSETUP_VERIFY_DEADLINE_MS` tune the limits (slow links, tests);
/// a value that is not a positive number of milliseconds is an input error, not silently ignored.
pub(crate) fn limits_from_env(ctx: &Context) -> Result<Limits, Error> {
    let mut limits = Limits::default();
    let ms = |name: &str| ctx.env.millis(name);
    if let Some(t) = ms("BCSETUP_HTTP_TIMEOUT_MS")? {
        limits.timeouts.request = t;
        limits.timeouts.connect = limits.timeouts.connect.min(t);
    }
    if let Some(d) = ms("BCSETUP_VERIFY_DEADLINE_MS")? {
        limits.deadline = d;
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Env;
    use crate::store::memory::MemoryStore;

    fn limits(pairs: &[(&str, &str)]) -> Result<Limits, Error> {
        let dir = tempfile::tempdir().unwrap();
        let keyring = std::rc::Rc::new(MemoryStore::default());
        let ctx = Context::for_tests(dir.path(), Env::from_pairs(pairs.iter().copied()), keyring);
        limits_from_env(&ctx)
    }

    #[test]
    fn limits_come_from_the_environment_or_are_an_input_error() {
        let default = limits(&[]).unwrap();
        assert_eq!(default.deadline, Duration::from_secs(90));
        let tuned = limits(&[
            ("BCSETUP_HTTP_TIMEOUT_MS", " 250 "),
            ("BCSETUP_VERIFY_DEADLINE_MS", "1000"),
        ])
        .unwrap();
        assert_eq!(tuned.timeouts.request, Duration::from_millis(250));
        // The connect timeout never exceeds the request timeout.
        assert_eq!(tuned.timeouts.connect, Duration::from_millis(250));
        assert_eq!(tuned.deadline, Duration::from_secs(1));
        for (name, bad) in [
            ("BCSETUP_HTTP_TIMEOUT_MS", "0"),
            ("BCSETUP_HTTP_TIMEOUT_MS", "-5"),
            ("BCSETUP_VERIFY_DEADLINE_MS", "1.5"),
            ("BCSETUP_VERIFY_DEADLINE_MS", "soon"),
        ] {
            let err = limits(&[(name, bad)])
                .err()
                .map(|e| (e.exit_code(), e.to_string()));
            let (code, text) = err.unwrap_or_else(|| panic!("{name}={bad} accepted"));
            assert_eq!(code, 2, "{text}");
            assert!(text.contains(name), "{text}");
        }
    }
}

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
use crate::bigcommerce::run::{Limits, execute};
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

/// Prove a claim live. The table goes to stderr (unless `--json` or `--quiet`; none when the token
/// itself was refused); the report is returned when every wanted scope is proven, otherwise it travels
/// inside the error.
pub(crate) fn prove(
    ctx: &Context,
    claim: &Claim<'_>,
    accept_unknown: &dyn Fn(&str) -> bool,
) -> Result<Report, Error> {
    let plan = ProbePlan::new(claim.token_type, claim.access, claim.scopes, claim.check_modify);
    let limits = limits_from_env(ctx)?;
    let client = Client::new(
        ctx.api_base.clone(),
        claim.store.clone(),
        claim.token,
        limits.timeouts,
    )?;
    let runtime = runtime()?;
    let spinner = spinner(ctx, plan.request_count());
    let evidence = runtime.block_on(execute(&client, &plan, limits));
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
    let result = judge(
        &plan,
        &evidence,
        claim.store,
        ctx.profile.as_str(),
        accept_unknown,
    )
    .map_err(Error::from);
    // A refused token (401, another store's) observed no scope: its rows would all be `unknown`.
    let report = match &result {
        Ok(report) => Some(report),
        Err(Error::Verification { failure, report }) if !failure.token_refused() => report.as_deref(),
        Err(_) => None,
    };
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

/// Ask BigCommerce whether a token is still accepted for a store (one request): 401 means revoked.
pub(crate) fn token_answer(ctx: &Context, store: &StoreHash, token: &AccessToken) -> Result<Answer, Error> {
    let plan = ProbePlan::token_check(TokenType::Api, Access::ReadOnly);
    let limits = limits_from_env(ctx)?;
    let client = Client::new(ctx.api_base.clone(), store.clone(), token, limits.timeouts)?;
    let evidence = runtime()?.block_on(execute(&client, &plan, limits))?;
    Ok(evidence.answer(HOOKS).unwrap_or(Answer::Other(0)))
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
fn limits_from_env(ctx: &Context) -> Result<Limits, Error> {
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

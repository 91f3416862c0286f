//! `bcsetup verify --all`: every profile, a few stores at a time, through the single-profile path
//! (`read`, `check`, `record`), one row each in profile-name order, and the worst row's exit code
//! (`error::worst`).
//!
//! The main thread reads each profile's token in turn (`read`: its locks, reconcile, the keyring),
//! so keyring calls stay on one thread and off any async runtime, and hands it to `--jobs` worker
//! threads (4 by default). Each worker proves one store at a time with a context of its own (a
//! `Context` is not `Send`) and its own runtime, so a store that answers 429 keeps its own retry
//! budget and holds only its own worker. Records are serialized (`RECORDING`) and each runs inside
//! `interrupt::critical`: Ctrl-C outside one ends the run at once with every finished profile
//! already recorded; inside one, the record finishes first and the run then ends (exit 130).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Recorded, check, read, record};
use crate::bigcommerce::report::Report;
use crate::bigcommerce::token::AccessToken;
use crate::cli::VerifyArgs;
use crate::context::{Context, Seed};
use crate::domain::ProfileName;
use crate::error::Error;
use crate::output::{Printer, error_document};
use crate::profile::Profile;
use crate::render::{Outcome, Row};

/// What a cancel leaves (the calm line: `cancelled: …`).
const KEPT: &str = "the profiles verified so far were recorded";

/// One record at a time, so only one is ever inside `interrupt::critical`.
static RECORDING: Mutex<()> = Mutex::new(());
/// Set once the run ends early: no record starts after it.
static STOPPED: AtomicBool = AtomicBool::new(false);

/// One profile to prove.
struct Job {
    index: usize,
    name: ProfileName,
    profile: Profile,
    token: AccessToken,
}

/// What a worker sends back: the result of one profile, and a signal held during its record.
struct Done {
    index: usize,
    result: Result<(Report, Recorded), Error>,
    held: Option<i32>,
}

/// Verify every profile and print one row each.
pub(super) fn run(args: &VerifyArgs, ctx: &Context) -> Result<(), Error> {
    let profiles = ctx.profiles().load()?.profiles;
    if profiles.is_empty() {
        return Err(Error::NoProfiles);
    }
    // A bad limit is one input error for the run, not the same error in every row.
    crate::prover::limits_from_env(ctx)?;
    ctx.watch_signals();
    crate::terminal::cancel_keeps(KEPT);
    let names: Vec<ProfileName> = profiles.keys().cloned().collect();
    let results = verify_each(args, ctx, &names)?;
    let mut rows = Vec::with_capacity(names.len());
    let mut docs = Vec::with_capacity(names.len());
    let mut worst: Option<Error> = None;
    for ((name, profile), result) in profiles.iter().zip(results) {
        let result = result.unwrap_or_else(|| {
            Err(Error::Internal(anyhow::anyhow!(
                "the check of profile `{name}` did not finish"
            )))
        });
        let (row, doc) = describe(name, profile, &result);
        rows.push(row);
        docs.push(doc);
        // The first row of the worst code (in name order) speaks for the run.
        if let Err(err) = result {
            let so_far = worst.as_ref().map_or(0, Error::exit_code);
            if crate::error::worst([so_far, err.exit_code()]) != so_far {
                worst = Some(err);
            }
        }
    }
    if ctx.printer.json {
        ctx.printer.json(&docs);
    } else {
        let table = crate::render::verify_all(&rows, ctx.printer.quiet);
        if !table.is_empty() {
            ctx.printer.show(table.trim_end());
        }
        ctx.printer.info(crate::render::verify_all_summary(&rows));
    }
    worst.map_or(Ok(()), |err| Err(Error::Reported(Box::new(err))))
}

/// The result of each profile, in `names` order (`None`: its worker died). Ends early, with the
/// signal's error, when a signal arrived during a record.
#[allow(
    clippy::type_complexity,
    reason = "one slot per profile, filled as workers finish"
)]
fn verify_each(
    args: &VerifyArgs,
    ctx: &Context,
    names: &[ProfileName],
) -> Result<Vec<Option<Result<(Report, Recorded), Error>>>, Error> {
    let (job_tx, job_rx) = mpsc::channel::<Job>();
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let job_rx = Arc::new(Mutex::new(job_rx));
    // Workers print nothing of their own but warnings (and `--verbose` request lines): no scope
    // table, no spinner.
    let quiet = Printer {
        quiet: true,
        ..ctx.printer
    };
    for _ in 0..usize::from(args.jobs).min(names.len()) {
        let (jobs, done, seed) = (Arc::clone(&job_rx), done_tx.clone(), ctx.seed());
        let no_check_modify = args.no_check_modify;
        std::thread::spawn(move || work(&jobs, &done, &seed, quiet, no_check_modify));
    }
    drop(done_tx);
    let bar = progress(ctx, names.len(), args.jobs);
    let mut results: Vec<Option<Result<(Report, Recorded), Error>>> = names.iter().map(|_| None).collect();
    for (index, name) in names.iter().enumerate() {
        match read(&ctx.for_profile(name.clone())) {
            Ok((profile, token)) => {
                let _ = job_tx.send(Job {
                    index,
                    name: name.clone(),
                    profile,
                    token,
                });
            }
            Err(err) => {
                results[index] = Some(Err(err));
                bar.inc(1);
            }
        }
    }
    drop(job_tx);
    for done in done_rx {
        results[done.index] = Some(done.result);
        bar.inc(1);
        if let Some(signal) = done.held {
            stop();
            bar.finish_and_clear();
            return Err(Error::for_signal(signal));
        }
    }
    bar.finish_and_clear();
    Ok(results)
}

/// A worker: prove and record the profiles it is handed, one at a time, until there are none.
fn work(
    jobs: &Mutex<Receiver<Job>>,
    done: &mpsc::Sender<Done>,
    seed: &Seed,
    printer: Printer,
    no_check_modify: bool,
) {
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else { return };
        let ctx = seed.context(job.name.clone(), printer);
        let mut held = None;
        let result = check(&ctx, no_check_modify, &job.profile, &job.token).and_then(|report| {
            let (recorded, signal) = record_once(&ctx, &job.profile, &report);
            held = signal;
            recorded.map(|r| (report, r))
        });
        let _ = done.send(Done {
            index: job.index,
            result,
            held,
        });
    }
}

/// `record`, alone and with signals held, unless the run has stopped; returns a signal that arrived.
fn record_once(ctx: &Context, profile: &Profile, report: &Report) -> (Result<Recorded, Error>, Option<i32>) {
    let _alone = RECORDING.lock().unwrap_or_else(PoisonError::into_inner);
    if STOPPED.load(Ordering::SeqCst) {
        return (Ok(Recorded::Failed("the run was cancelled first".into())), None);
    }
    let (recorded, signal) = crate::interrupt::critical(|| record(ctx, profile, report));
    // `critical` told a cancel what a cut-short save leaves; outside it, this run's words apply.
    crate::terminal::cancel_keeps(KEPT);
    (recorded, signal)
}

/// No record starts from now on (one in progress has finished once this returns).
fn stop() {
    let _alone = RECORDING.lock().unwrap_or_else(PoisonError::into_inner);
    STOPPED.store(true, Ordering::SeqCst);
}

/// A progress line on a terminal: how many profiles are done.
fn progress(ctx: &Context, total: usize, jobs: u8) -> ProgressBar {
    if ctx.printer.quiet || ctx.printer.json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64).with_message(format!(
        "Verifying {total} profiles, {} at a time…",
        usize::from(jobs).min(total)
    ));
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos}/{len}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// A profile's row and its JSON object: the report's keys where there is one, else the store and
/// token facts profiles.toml has; `result`, `code`, and for a failure the standard `error` object.
fn describe(
    name: &ProfileName,
    profile: &Profile,
    result: &Result<(Report, Recorded), Error>,
) -> (Row, serde_json::Value) {
    let (outcome, detail, mut doc) = match result {
        Ok((report, recorded)) => {
            let detail = match recorded {
                Recorded::Yes => String::new(),
                Recorded::Rotated => "rotated meanwhile; not recorded".to_owned(),
                Recorded::Failed(why) => format!("not recorded: {why}"),
            };
            let mut doc = serde_json::to_value(report).unwrap_or_default();
            doc["recorded"] = matches!(recorded, Recorded::Yes).into();
            (Outcome::Ok, detail, doc)
        }
        Err(err) => (
            Outcome::of(err),
            crate::render::failure_detail(err),
            error_document(err),
        ),
    };
    let code = result.as_ref().err().map_or(0, Error::exit_code);
    let facts: BTreeMap<&str, serde_json::Value> = [
        (
            "store",
            serde_json::json!({ "hash": profile.store_hash, "name": profile.store_name }),
        ),
        ("token_type", serde_json::json!(profile.token_type)),
        ("access", serde_json::json!(profile.access)),
    ]
    .into();
    for (key, value) in facts {
        if doc.get(key).is_none() {
            doc[key] = value;
        }
    }
    doc["profile"] = name.as_str().into();
    doc["ok"] = result.is_ok().into();
    doc["result"] = outcome.key().into();
    doc["code"] = code.into();
    let row = Row {
        profile: name.to_string(),
        store: profile.store_hash.to_string(),
        outcome,
        detail,
    };
    (row, doc)
}

//! `cargo bench --bench verify`: the numbers in BENCHMARKS.md.
//!
//! A plain program (no harness) that drives the real, release-built binary against the loopback fake
//! BigCommerce of the tests (included by path: one fake only) and prints one table:
//!
//! - (a) `verify` wall time with 0, 50 and 150 ms of latency injected per request, for the eight
//!   migration scopes with Modify (18 requests); goal ≤ 1.3 × L + 50 ms;
//! - (b) requests per verification from the fake's log; goal: exactly the plan, no duplicates;
//! - (c) process start-up of `--version` and of `status` with 10 profiles; goal: median ≤ 10 ms;
//! - (d) peak memory (max RSS) of `verify`; goal ≤ 20 MiB (Unix);
//! - (e) size of the stripped release binary; goal ≤ 8 MiB.
//!
//! Each timed `verify` uses its own store on the fake, so the fake's rate limit (150 requests per
//! 30 s per store, as on BigCommerce) never answers 429 during a run. Profiles are stored first with
//! `init --no-verify --insecure-storage --yes` into a temporary config dir; no keyring is touched.
//!
//! Peak memory: the program runs itself as a small helper (`--max-rss CMD…`) that spawns CMD, waits,
//! and reads `getrusage(RUSAGE_CHILDREN)`. The indirection matters: on Linux a child's max RSS
//! includes the memory of the process that spawned it, up to its `exec`, and this program holds a
//! tokio runtime and the fake.
#![allow(
    unreachable_pub,
    reason = "a test, bench or example crate has no public API to keep narrow"
)]
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

#[path = "../tests/it/support/fake_store.rs"]
mod fake_store;

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use fake_store::{FakeStore, Level, TokenSpec};

/// The binary under test, built with the bench profile (= release: stripped, fat LTO).
const BIN: &str = env!("CARGO_BIN_EXE_bcsetup");
/// Timed `verify` runs per latency (each against its own store).
const VERIFY_RUNS: usize = 15;
/// Start-up runs per command (goal is about the median of at least 30).
const STARTUP_RUNS: usize = 50;
/// `verify` runs measured for peak memory.
const RSS_RUNS: usize = 5;
/// Requests the plan sends for the eight migration scopes with Modify: `GET /v3/hooks`,
/// `GET /v2/store` (the store's name), and a read and a write probe for each scope.
const PLANNED_REQUESTS: usize = 18;
const MIB: f64 = 1024.0 * 1024.0;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "--max-rss") {
        return max_rss_helper(&args[1..]);
    }
    // `cargo bench` passes `--bench` (and any filter); there is nothing to select.
    match run() {
        Ok(0) => ExitCode::SUCCESS,
        Ok(missed) => {
            println!("\n{missed} goal(s) missed (see BENCHMARKS.md for why)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One row of the result table.
struct Row {
    what: String,
    measured: String,
    goal: String,
    met: Option<bool>,
}

fn run() -> Result<usize, String> {
    let root = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let fake = FakeStore::start();
    let world = World {
        root: root.path().to_owned(),
        base: fake.base_url(),
    };
    println!("bcsetup benchmarks — binary {BIN}");
    println!(
        "{VERIFY_RUNS} runs of verify per latency, {STARTUP_RUNS} start-ups per command, {RSS_RUNS} memory runs\n"
    );

    let verify_dir = world.root.join("verify");
    for i in 0..VERIFY_RUNS {
        let (store, token) = (format!("bench{i}"), format!("benchtoken{i:026}"));
        fake.add_store(&store, &format!("Bench Store {i}"));
        fake.add_token(&token, TokenSpec::all(&store, Level::Modify));
        world.init(&verify_dir, &format!("p{i}"), &store, &token)?;
    }
    // The warm-up's store is not timed: the first run pays for page cache and the fake's first
    // connections.
    fake.add_store("warmup", "Warm-up Store");
    fake.add_token("benchtokenwarmup", TokenSpec::all("warmup", Level::Modify));
    world.init(&verify_dir, "warmup", "warmup", "benchtokenwarmup")?;

    let mut rows = measure_verify(&world, &fake, &verify_dir)?;
    print_request_log(&world, &fake, &verify_dir)?;

    // (c) start-up: `--version` parses only; `status` reads profiles.toml with 10 profiles.
    let status_dir = world.root.join("status");
    for i in 0..10 {
        world.init(&status_dir, &format!("s{i}"), "bench0", "benchtokenstatus")?;
    }
    let goal = Duration::from_millis(10);
    if cfg!(unix) {
        let mut times = time_runs(STARTUP_RUNS, || {
            let mut cmd = Command::new("true");
            cmd.stdout(Stdio::null());
            cmd
        })?;
        rows.push(timing_row("(c) spawn + wait of `true` (floor)", &mut times, None));
    }
    let mut times = time_runs(STARTUP_RUNS, || world.cmd(&status_dir, &["--version"]))?;
    rows.push(timing_row(
        "(c) start-up `bcsetup --version`",
        &mut times,
        Some(goal),
    ));
    let mut times = time_runs(STARTUP_RUNS, || world.cmd(&status_dir, &["status"]))?;
    rows.push(timing_row(
        "(c) start-up `bcsetup status` (10 profiles)",
        &mut times,
        Some(goal),
    ));

    // (d) peak memory of verify, 50 ms latency, each run on a store with quota left.
    fake.set_latency(Duration::from_millis(50));
    rows.push(memory_row(&world, &verify_dir)?);

    // (e) the stripped release binary.
    let size = std::fs::metadata(BIN).map_err(|e| format!("{BIN}: {e}"))?.len();
    #[allow(clippy::cast_precision_loss, reason = "a file size in MiB")]
    let mib = size as f64 / MIB;
    rows.push(Row {
        what: "(e) release binary size (stripped)".into(),
        measured: format!("{mib:.2} MiB ({size} bytes)"),
        goal: "≤ 8 MiB".into(),
        met: Some(mib <= 8.0),
    });

    print_table(&rows);
    Ok(rows.iter().filter(|r| r.met == Some(false)).count())
}

/// (a) and (b): time `verify` at each latency and check each run's requests against the plan.
fn measure_verify(world: &World, fake: &FakeStore, config_dir: &Path) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut counts = Vec::new();
    let mut duplicates = Vec::new();
    let mut unplanned = Vec::new();
    for latency_ms in [0_u64, 50, 150] {
        fake.set_latency(Duration::from_millis(latency_ms));
        world.verify(config_dir, "warmup").output_ok()?;
        let mut times = Vec::new();
        for i in 0..VERIFY_RUNS {
            fake.clear_log();
            let started = Instant::now();
            world.verify(config_dir, &format!("p{i}")).output_ok()?;
            times.push(started.elapsed());
            let log = fake.requests();
            counts.push(log.len());
            let mut seen = HashSet::new();
            for r in &log {
                let key = format!("{} {}", r.method, r.path);
                if !seen.insert(key.clone()) {
                    duplicates.push(key.clone());
                }
                if r.method == "DELETE" || r.auth_token.is_none() {
                    unplanned.push(key);
                }
            }
        }
        rows.push(verify_row(latency_ms, &mut times));
    }
    if !fake.created().is_empty() {
        return Err(format!("the fake accepted writes: {:?}", fake.created()));
    }

    counts.sort_unstable();
    let exact =
        counts.iter().all(|&c| c == PLANNED_REQUESTS) && duplicates.is_empty() && unplanned.is_empty();
    rows.push(Row {
        what: format!("(b) requests per verify ({} runs)", counts.len()),
        measured: format!(
            "{}–{}, {} duplicate(s), {} DELETE/unauthenticated",
            counts.first().copied().unwrap_or(0),
            counts.last().copied().unwrap_or(0),
            duplicates.len(),
            unplanned.len()
        ),
        goal: format!("= {PLANNED_REQUESTS}, no duplicates"),
        met: Some(exact),
    });
    Ok(rows)
}

/// The temp config dirs and the fake's URL; builds every command with a scrubbed environment.
struct World {
    root: PathBuf,
    base: String,
}

impl World {
    /// The binary with only the variables it needs: no keyring reachable, no colour, this fake.
    fn cmd(&self, config_dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("HOME", &self.root)
            .env("NO_COLOR", "1")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}/no-bus", self.root.display()),
            )
            .env("BCSETUP_CONFIG_DIR", config_dir)
            .env("BCSETUP_API_BASE", &self.base)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    }

    /// Store a Modify profile for the eight migration scopes, without any request.
    fn init(&self, config_dir: &Path, profile: &str, store: &str, token: &str) -> Result<(), String> {
        let mut cmd = self.cmd(
            config_dir,
            &[
                "init",
                "--profile",
                profile,
                "--token-type",
                "api",
                "--name",
                "Bench account",
                "--access",
                "modify",
                "--store-hash",
                store,
                "--access-token-stdin",
                "--no-verify",
                "--insecure-storage",
                "--yes",
            ],
        );
        let mut child = cmd
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn {BIN}: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{token}").map_err(|e| format!("write the token: {e}"))?;
        }
        let out = child.wait_with_output().map_err(|e| format!("init: {e}"))?;
        check("init", &out)
    }

    fn verify(&self, config_dir: &Path, profile: &str) -> Command {
        self.cmd(config_dir, &["verify", "--profile", profile])
    }
}

trait OutputOk {
    fn output_ok(&mut self) -> Result<(), String>;
}

impl OutputOk for Command {
    fn output_ok(&mut self) -> Result<(), String> {
        let out = self.output().map_err(|e| format!("spawn {BIN}: {e}"))?;
        check(&format!("{:?}", self.get_args().collect::<Vec<_>>()), &out)
    }
}

fn check(what: &str, out: &std::process::Output) -> Result<(), String> {
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn time_runs(n: usize, mut make: impl FnMut() -> Command) -> Result<Vec<Duration>, String> {
    (0..=n)
        .map(|_| {
            let mut cmd = make();
            let started = Instant::now();
            cmd.output_ok()?;
            Ok(started.elapsed())
        })
        // The first run warms the page cache.
        .skip(1)
        .collect()
}

/// Median, min and max (sorts `times`).
fn stats(times: &mut [Duration]) -> (Duration, Duration, Duration) {
    times.sort_unstable();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let min = times.first().copied().unwrap_or_default();
    let max = times.last().copied().unwrap_or_default();
    (median, min, max)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn verify_row(latency_ms: u64, times: &mut [Duration]) -> Row {
    let (median, min, max) = stats(times);
    let latency = Duration::from_millis(latency_ms);
    let goal = latency.mul_f64(1.3) + Duration::from_millis(50);
    let ratio = if latency_ms == 0 {
        String::new()
    } else {
        format!(", {:.2} × L", median.as_secs_f64() / latency.as_secs_f64())
    };
    Row {
        what: format!("(a) verify, L = {latency_ms} ms"),
        measured: format!(
            "median {:.1} ms (min {:.1}, max {:.1}){ratio}",
            ms(median),
            ms(min),
            ms(max)
        ),
        goal: format!("≤ {:.0} ms", ms(goal)),
        met: Some(median <= goal),
    }
}

fn timing_row(what: &str, times: &mut [Duration], goal: Option<Duration>) -> Row {
    let (median, min, max) = stats(times);
    Row {
        what: what.to_owned(),
        measured: format!(
            "median {:.2} ms (min {:.2}, max {:.2})",
            ms(median),
            ms(min),
            ms(max)
        ),
        goal: goal.map_or_else(String::new, |g| format!("≤ {:.0} ms", ms(g))),
        met: goal.map(|g| median <= g),
    }
}

/// One verification's requests, for the reader of the output.
fn print_request_log(world: &World, fake: &FakeStore, config_dir: &Path) -> Result<(), String> {
    fake.set_latency(Duration::ZERO);
    fake.clear_log();
    world.verify(config_dir, "warmup").output_ok()?;
    println!("requests of one verification (arrival order):");
    for r in fake.requests() {
        println!("  {} {}", r.method, r.path);
    }
    println!();
    Ok(())
}

#[cfg(unix)]
fn memory_row(world: &World, config_dir: &Path) -> Result<Row, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    let mut peaks = Vec::new();
    for i in 0..RSS_RUNS {
        let verify = world.verify(config_dir, &format!("p{i}"));
        let mut helper = Command::new(&exe);
        helper
            .arg("--max-rss")
            .arg(verify.get_program())
            .args(verify.get_args())
            .env_clear()
            .envs(verify.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .stdin(Stdio::null())
            .stderr(Stdio::piped());
        let out = helper.output().map_err(|e| format!("spawn the helper: {e}"))?;
        check("verify under the max-rss helper", &out)?;
        let kib: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|e| format!("helper output: {e}"))?;
        peaks.push(kib);
    }
    peaks.sort_unstable();
    let max = peaks.last().copied().unwrap_or(0);
    #[allow(clippy::cast_precision_loss, reason = "KiB to MiB")]
    let mib = |kib: u64| kib as f64 / 1024.0;
    Ok(Row {
        what: format!("(d) peak RSS of verify ({RSS_RUNS} runs)"),
        measured: format!(
            "max {:.1} MiB (min {:.1})",
            mib(max),
            mib(peaks.first().copied().unwrap_or(0))
        ),
        goal: "≤ 20 MiB".into(),
        met: Some(mib(max) <= 20.0),
    })
}

#[cfg(not(unix))]
fn memory_row(_world: &World, _config_dir: &Path) -> Result<Row, String> {
    Ok(Row {
        what: "(d) peak RSS of verify".into(),
        measured: "not measured (Unix only)".into(),
        goal: "≤ 20 MiB".into(),
        met: None,
    })
}

/// `--max-rss CMD ARGS…`: run CMD, print its peak RSS in KiB on stdout, exit with its status.
#[cfg(unix)]
fn max_rss_helper(args: &[OsString]) -> ExitCode {
    use nix::sys::resource::{UsageWho, getrusage};
    let Some((program, rest)) = args.split_first() else {
        return ExitCode::from(2);
    };
    let status = match Command::new(program).args(rest).stdout(Stdio::null()).status() {
        Ok(status) => status,
        Err(e) => {
            println!("spawn: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(usage) = getrusage(UsageWho::RUSAGE_CHILDREN) else {
        return ExitCode::FAILURE;
    };
    // Linux and the BSDs report KiB; macOS reports bytes.
    let kib = if cfg!(target_os = "macos") {
        usage.max_rss() / 1024
    } else {
        usage.max_rss()
    };
    println!("{kib}");
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(not(unix))]
fn max_rss_helper(_args: &[OsString]) -> ExitCode {
    ExitCode::FAILURE
}

fn print_table(rows: &[Row]) {
    let width = |f: fn(&Row) -> &str| rows.iter().map(|r| f(r).chars().count()).max().unwrap_or(0);
    let (w1, w2, w3) = (width(|r| &r.what), width(|r| &r.measured), width(|r| &r.goal));
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    println!(
        "{}  {}  {}  result",
        pad("benchmark", w1),
        pad("measured", w2),
        pad("goal", w3)
    );
    println!("{}", "-".repeat(w1 + w2 + w3 + 14));
    for r in rows {
        let result = match r.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "",
        };
        println!(
            "{}  {}  {}  {result}",
            pad(&r.what, w1),
            pad(&r.measured, w2),
            pad(&r.goal, w3)
        );
    }
}

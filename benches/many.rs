//! `cargo bench --bench many`: the `verify --all` and `status --check` numbers in BENCHMARKS.md.
//!
//! A plain program (no harness), like `benches/verify.rs`: the real, release-built binary against the
//! loopback fake BigCommerce of the tests (included by path), with a scrubbed environment, a
//! temporary config dir per set of profiles and no reachable keyring (`--insecure-storage`).
//!
//! - `verify` of one profile and `verify --all` over 20 profiles, with 100 ms of latency on each
//!   request; every profile has a store of its own, and every timed set of profiles has stores of its
//!   own, so the fake's rate limit (150 requests per 30 s per store) never answers 429;
//! - `status --check` and `status` over 50 verified profiles (no network, no keyring).
#![allow(
    unreachable_pub,
    reason = "a test, bench or example crate has no public API to keep narrow"
)]
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

#[path = "../tests/it/support/fake_store.rs"]
mod fake_store;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use fake_store::{FakeStore, Level, TokenSpec};

const BIN: &str = env!("CARGO_BIN_EXE_bcsetup");
/// The latency the fake adds to every request.
const LATENCY: Duration = Duration::from_millis(100);
/// Profiles for `verify --all`.
const PROFILES: usize = 20;
/// Timed runs of each `verify --all` variant (after one warm-up): 7 runs of 18 requests per store
/// stay under the fake's quota of 150 per 30 s.
const ALL_RUNS: usize = 6;
/// Timed single `verify` runs, each on its own store.
const SINGLE_RUNS: usize = 11;
/// Profiles for `status --check`, and its runs.
const STATUS_PROFILES: usize = 50;
const STATUS_RUNS: usize = 50;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}

struct World {
    root: PathBuf,
    fake: FakeStore,
}

impl World {
    fn cmd(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("BCSETUP_CONFIG_DIR", dir)
            .env("BCSETUP_API_BASE", self.fake.base_url())
            .env("HOME", &self.root)
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    /// A config dir `name` with `n` profiles `p00…`, each on a store of its own, stored offline.
    fn profiles(&self, name: &str, n: usize) -> Result<PathBuf, String> {
        let dir = self.root.join(name);
        for i in 0..n {
            let (store, token) = (format!("{name}{i:02}"), format!("{name}token{i:024}"));
            self.fake.add_store(&store, "Bench Store");
            self.fake.add_token(&token, TokenSpec::all(&store, Level::Modify));
            let profile = format!("p{i:02}");
            let args = [
                "init",
                "--profile",
                &profile,
                "--token-type",
                "api",
                "--name",
                "Bench migration",
                "--access",
                "modify",
                "--store-hash",
                &store,
                "--access-token-stdin",
                "--no-verify",
                "--insecure-storage",
                "--yes",
            ];
            let mut child = self
                .cmd(&dir, &args)
                .stdin(Stdio::piped())
                .spawn()
                .map_err(|e| e.to_string())?;
            if let Some(mut stdin) = child.stdin.take() {
                writeln!(stdin, "{token}").map_err(|e| e.to_string())?;
            }
            let status = child.wait().map_err(|e| e.to_string())?;
            if !status.success() {
                return Err(format!("init {profile} in {name}: {status}"));
            }
        }
        Ok(dir)
    }

    /// Time `args` in `dir`; each run must exit with `code`.
    fn time(&self, dir: &Path, args: &[&str], code: i32) -> Result<Duration, String> {
        let started = Instant::now();
        let status = self.cmd(dir, args).status().map_err(|e| e.to_string())?;
        let took = started.elapsed();
        if status.code() != Some(code) {
            return Err(format!("{args:?}: {status}, expected exit {code}"));
        }
        Ok(took)
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn line(what: &str, times: &mut [Duration]) -> Duration {
    let m = median(times);
    println!(
        "{what:<46} median {:>7.1} ms  (min {:.1}, max {:.1}, {} runs)",
        ms(m),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
    m
}

fn run() -> Result<(), String> {
    let root = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let world = World {
        root: root.path().to_owned(),
        fake: FakeStore::start(),
    };
    println!("bcsetup many-stores benchmark — binary {BIN}\n");

    world.fake.set_latency(LATENCY);
    let single = world.profiles("single", SINGLE_RUNS + 1)?;
    world.time(&single, &["verify", "--profile", "p00"], 0)?;
    let mut times = (1..=SINGLE_RUNS)
        .map(|i| world.time(&single, &["verify", "--profile", &format!("p{i:02}")], 0))
        .collect::<Result<Vec<_>, _>>()?;
    let one = line("verify, 1 profile, L = 100 ms", &mut times);

    for jobs in ["4", "1", "16"] {
        let dir = world.profiles(&format!("all{jobs}x"), PROFILES)?;
        let args = ["verify", "--all", "--jobs", jobs];
        world.time(&dir, &args, 0)?;
        let mut times = (0..ALL_RUNS)
            .map(|_| world.time(&dir, &args, 0))
            .collect::<Result<Vec<_>, _>>()?;
        let all = line(
            &format!("verify --all, {PROFILES} profiles, --jobs {jobs}, L = 100 ms"),
            &mut times,
        );
        println!(
            "{:<46} ratio to one verify: {:.2}",
            "",
            all.as_secs_f64() / one.as_secs_f64()
        );
    }

    world.fake.set_latency(Duration::ZERO);
    let status = world.profiles("status", STATUS_PROFILES)?;
    world.time(&status, &["verify", "--all", "--jobs", "16"], 0)?;
    for args in [
        &["status", "--check"][..],
        &["status", "--check", "--quiet"],
        &["status"],
    ] {
        world.time(&status, args, 0)?;
        let mut times = (0..STATUS_RUNS)
            .map(|_| world.time(&status, args, 0))
            .collect::<Result<Vec<_>, _>>()?;
        line(
            &format!("{}, {STATUS_PROFILES} profiles", args.join(" ")),
            &mut times,
        );
    }
    if !world.fake.created().is_empty() {
        return Err(format!("the fake accepted writes: {:?}", world.fake.created()));
    }
    Ok(())
}

//! Crash safety and concurrency: SIGKILL at random instants of a rotation never leaves a mix of old
//! and new credentials, and parallel runs on different profiles lose nothing.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::secret_service::SecretService;
use crate::support::{Level, STORE, TestEnv, TokenSpec};

/// A small deterministic generator, seeded from the clock and printed, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below.max(1)
    }
}

fn rotate_args(name: &str) -> Vec<String> {
    [
        "init",
        "--token-type",
        "api",
        "--access",
        "read-only",
        "--store-hash",
        STORE,
        "--scopes",
        "products",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([
        "--name".into(),
        name.into(),
        "--access-token-stdin".into(),
        "--no-verify".into(),
        "--yes".into(),
    ])
    .collect()
}

/// Start bcsetup with `token` on its stdin (closed after it), stdout discarded.
fn spawn_with_token(env: &TestEnv, args: &[&str], token: &str, stderr: Stdio) -> std::process::Child {
    let mut child = env
        .std_cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{token}\n").as_bytes())
        .unwrap();
    child
}

/// Start a rotation to `token` and kill it after `delay` (or let it finish when the delay is long).
fn rotate_and_kill(env: &TestEnv, token: &str, name: &str, delay: Duration) -> bool {
    let args = rotate_args(name);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = spawn_with_token(env, &args, token, Stdio::null());
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(
            Duration::from_micros(200).min(deadline.saturating_duration_since(Instant::now())),
        );
    }
    let killed = child.try_wait().unwrap().is_none() && child.kill().is_ok();
    let _ = child.wait();
    killed
}

#[test]
fn sigkill_during_rotation_leaves_old_or_new_never_a_mix() {
    // A Secret Service of its own: killing clients mid-call can make gnome-keyring end itself (see
    // `SecretService::revive_if_dead`), and that must not take the other tests' keyring with it.
    let Some(ss) = SecretService::private() else {
        return;
    };
    let ss: &'static SecretService = Box::leak(Box::new(ss));
    let mut env = TestEnv::with_service(ss);
    let mut revived = 0;
    let tokens = [env.secret("SENTINELcrashA0001"), env.secret("SENTINELcrashB0002")];
    let names = ["Account A", "Account B"];
    for t in &tokens {
        env.fake.add_token(t, TokenSpec::all(STORE, Level::ReadOnly));
    }
    // How long an undisturbed rotation takes, to spread the kills across all of it: the slowest of
    // three (alternating tokens), and half as long again, since a run under load can take longer
    // than the ones measured and the commit point comes near the end. A kill drawn after a run
    // ended kills nothing and does not count.
    let mut slowest = Duration::ZERO;
    for i in [0, 1, 0] {
        let started = Instant::now();
        rotate_and_kill(&env, &tokens[i], names[i], Duration::from_secs(30));
        slowest = slowest.max(started.elapsed());
    }
    let full = u64::try_from(slowest.as_micros() * 3 / 2).unwrap_or(u64::MAX);
    let seed = u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos(),
    );
    eprintln!("crash test: kills drawn within {full} µs, seed {seed}");
    let mut rng = Lcg(seed);
    let (mut old_kept, mut new_kept, mut kills) = (0, 0, 0);
    let mut run = 0;
    // Until 50 runs were killed mid-way (bounded: a run that finishes first does not count).
    while kills < 50 && run < 200 {
        run += 1;
        let i = run % 2;
        let (from, to) = (i ^ 1, i);
        let delay = Duration::from_micros(rng.next(full));
        kills += usize::from(rotate_and_kill(&env, &tokens[to], names[to], delay));
        // The next bcsetup run finishes or undoes whatever was interrupted.
        let mut verify = env.run(&["verify", "--json"], "");
        // gnome-keyring's own crash (not bcsetup's doing) is survived, at most 3 times in a run: the
        // items are on disk, and the check below must hold across a restarted keyring too.
        if verify.code == 6 && revived < 3 && ss.revive_if_dead() {
            revived += 1;
            verify = env.run(&["verify", "--json"], "");
        }
        assert_eq!(
            verify.code, 0,
            "run {run} (seed {seed}, delay {delay:?}): {}",
            verify.stderr
        );
        let status = env.run(&["status", "--json"], "");
        assert_eq!(status.code, 0, "profiles.toml must stay valid: {}", status.stderr);
        let account = status.json()["profiles"][0]["account_name"]
            .as_str()
            .unwrap()
            .to_owned();
        let token = env.keyring_token().expect("a token is always stored");
        let holder = tokens
            .iter()
            .position(|t| *t == token)
            .expect("the token is one of the two");
        assert_eq!(
            account, names[holder],
            "run {run} (seed {seed}, delay {delay:?}): keyring and metadata disagree"
        );
        assert!(
            !env.profiles_toml().contains("[pending"),
            "run {run}: a pending rotation was left behind"
        );
        // This profile's entries only: other tests share the Secret Service and rotate meanwhile.
        let staging = env.staging_entries_left();
        assert!(
            staging.is_empty(),
            "run {run} (seed {seed}, delay {delay:?}): staging keys left: {staging:?}; {}",
            staging_diagnosis(&env)
        );
        if holder == to {
            new_kept += 1;
        } else if holder == from {
            old_kept += 1;
        }
        // Make sure the next round rotates away from whatever is stored now.
        if holder != to {
            rotate_and_kill(&env, &tokens[to], names[to], Duration::from_secs(30));
        }
    }
    eprintln!("crash test: {run} runs, {kills} killed mid-way, old kept {old_kept}, new in place {new_kept}");
    assert!(kills >= 50, "only {kills} runs were killed before finishing");
    assert!(
        old_kept > 0 && new_kept > 0,
        "the kills did not cover both sides of the commit point (old {old_kept}, new {new_kept})"
    );
}

/// After a failure: whether the leftover outlives a second look and whether the next run tidies it,
/// which tells a late-arriving write of the killed run from a tidy that did not happen.
fn staging_diagnosis(env: &TestEnv) -> String {
    std::thread::sleep(Duration::from_millis(500));
    let later = env.staging_entries_left();
    let verify = env.run(&["verify"], "");
    format!(
        "500 ms later: {later:?}; after another verify (exit {}): {:?}",
        verify.code,
        env.staging_entries_left()
    )
}

#[test]
fn twenty_parallel_inits_on_twenty_profiles_lose_nothing() {
    let mut env = TestEnv::new();
    let token = env.token("SENTINELpar000001", TokenSpec::all(STORE, Level::ReadOnly));
    let children: Vec<_> = (0..20)
        .map(|i| {
            let profile = format!("par{i}");
            let mut args = rotate_args("Parallel account");
            args.extend(["--profile".into(), profile, "--insecure-storage".into()]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            spawn_with_token(&env, &args, &token, Stdio::piped())
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let status = env.run(&["status", "--json"], "");
    let profiles = status.json()["profiles"].as_array().unwrap().len();
    assert_eq!(profiles, 20, "{}", env.profiles_toml());
}

/// The harness's answer to gnome-keyring ending itself: the daemon is restarted with its items kept,
/// so a keyring crash costs at most the calls in flight, not every later keyring test.
#[test]
fn a_keyring_daemon_that_died_is_revived_with_its_items() {
    let Some(ss) = SecretService::private() else {
        return;
    };
    ss.store("bcsetup", "survivor", "SENTINELsurvivor01");
    assert!(!ss.revive_if_dead(), "a live daemon is left alone");
    // SIGTRAP, as GLib's g_error ends it.
    ss.signal_keyring("-TRAP");
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut revived = false;
    while !revived && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        revived = ss.revive_if_dead();
    }
    assert!(revived, "the dead daemon is restarted");
    assert_eq!(
        ss.lookup("bcsetup", "survivor").as_deref(),
        Some("SENTINELsurvivor01")
    );
}

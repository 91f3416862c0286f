//! Concurrent runs on one profile: two writers never leave a mix (keyring, file storage, and a
//! profile moving between them), a reader never sees half a rotation and never undoes a live one, a
//! held lock or a stopped keyring is a bounded, announced wait, never a hang.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::keyring_env;
use crate::support::secret_service::SecretService;
use crate::support::{Level, OTHER_STORE, STORE, TestEnv, TokenSpec};

const ROUNDS: usize = 50;

/// The two credentials the runs race with: each token belongs to its own store and account name.
struct Pair {
    tokens: [String; 2],
}

const STORES: [&str; 2] = [STORE, OTHER_STORE];
const NAMES: [&str; 2] = ["Account A", "Account B"];

impl Pair {
    fn new(env: &mut TestEnv) -> Self {
        let tokens = [
            env.token("SENTINELconcA00001", TokenSpec::all(STORE, Level::ReadOnly)),
            env.token("SENTINELconcB00002", TokenSpec::all(OTHER_STORE, Level::ReadOnly)),
        ];
        Self { tokens }
    }

    /// Which of the two a token is.
    fn which(&self, token: &str) -> usize {
        self.tokens
            .iter()
            .position(|t| t == token.trim())
            .unwrap_or_else(|| panic!("an unknown token is stored ({} bytes)", token.len()))
    }
}

/// Start `init` of credentials `i` (verified against the fake), with `extra` arguments.
fn spawn_init(env: &TestEnv, pair: &Pair, i: usize, extra: &[&str]) -> Child {
    let mut args = vec![
        "init",
        "--yes",
        "--token-type",
        "api",
        "--access",
        "read-only",
        "--scopes",
        "products",
        "--store-hash",
        STORES[i],
        "--name",
        NAMES[i],
        "--access-token-stdin",
    ];
    args.extend_from_slice(extra);
    let mut child = env
        .std_cmd(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(format!("{}\n", pair.tokens[i]).as_bytes())
        .unwrap();
    child
}

/// What the profile holds now, read through bcsetup itself: (store hash, account name, token).
fn stored(env: &TestEnv) -> (String, String, String) {
    let status = env.run(&["status", "--json"], "");
    assert_eq!(status.code, 0, "{}", status.stderr);
    let json = status.json();
    let profile = &json["profiles"][0];
    let token = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(token.code, 0, "{}", token.stderr);
    (
        profile["store_hash"].as_str().unwrap().to_owned(),
        profile["account_name"].as_str().unwrap().to_owned(),
        token.stdout,
    )
}

/// Two `init` runs start together, `ROUNDS` times: both succeed (the second waits for the first),
/// and what is left is wholly one of them. With `storages`, each run of a round keeps its secrets in
/// the given storage, so the profile also moves between the keyring and the file. `--no-verify`: the
/// race is in the save, and the rounds take half the time.
fn race_two_writers(env: &TestEnv, pair: &Pair, storages: [&[&str]; 2]) {
    for round in 0..ROUNDS {
        let first = round % 2;
        let args = |i: usize| [storages[i], &["--no-verify"]].concat();
        let runs = [
            spawn_init(env, pair, first, &args(first)),
            spawn_init(env, pair, first ^ 1, &args(first ^ 1)),
        ];
        for run in runs {
            let out = run.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "round {round}: {stderr}");
        }
        let (hash, account, token) = stored(env);
        let holder = pair.which(&token);
        assert_eq!(
            (hash.as_str(), account.as_str()),
            (STORES[holder], NAMES[holder]),
            "round {round}: the token of one run, the metadata of another"
        );
        let toml = env.profiles_toml();
        assert!(!toml.contains("[pending"), "round {round}: pending left:\n{toml}");
    }
}

#[test]
fn two_writers_on_one_profile_never_mix_in_the_keyring() {
    let mut env = keyring_env!();
    let pair = Pair::new(&mut env);
    race_two_writers(&env, &pair, [&[], &[]]);
    let staging = env.staging_entries_left();
    assert!(staging.is_empty(), "staging keys left: {staging:?}");
}

#[test]
fn two_writers_never_mix_in_the_file_or_across_stores() {
    let mut env = keyring_env!();
    let pair = Pair::new(&mut env);
    race_two_writers(&env, &pair, [&["--insecure-storage"], &["--insecure-storage"]]);
    race_two_writers(&env, &pair, [&["--insecure-storage"], &[]]);
}

#[test]
fn readers_see_whole_rotations_only() {
    let mut env = keyring_env!();
    let pair = Pair::new(&mut env);
    assert!(spawn_init(&env, &pair, 0, &[]).wait().unwrap().success());
    let mut seen = [0, 0];
    for round in 0..ROUNDS {
        let writer = spawn_init(&env, &pair, (round + 1) % 2, &[]);
        // Read while the rotation runs: each read is the old pair or the new one, never a mix.
        let printenv = [
            "exec",
            "--",
            "printenv",
            "BIGCOMMERCE_STORE_HASH",
            "BIGCOMMERCE_ACCESS_TOKEN",
        ];
        let out = env.run_data(&mut env.cmd(&printenv), &printenv);
        assert_eq!(out.code, 0, "round {round}: {}", out.stderr);
        let lines: Vec<&str> = out.stdout.lines().collect();
        let holder = pair.which(lines[1]);
        assert_eq!(lines[0], STORES[holder], "round {round}: exec exported a mix");
        seen[holder] += 1;
        assert!(
            writer.wait_with_output().unwrap().status.success(),
            "round {round}"
        );
        assert!(!env.profiles_toml().contains("[pending"), "round {round}");
    }
    eprintln!("readers during rotations: {seen:?} (old/new alternate)");
}

/// Hold a lock of the env's profile from another process (`flock`, a program we did not write).
fn hold_lock(env: &TestEnv, file: &str) -> Child {
    let dir = env.config_dir().join("locks");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.{file}", env.profile));
    let mut child = Command::new("flock")
        .args([
            "--exclusive",
            "--no-fork",
            path.to_str().unwrap(),
            "sh",
            "-c",
            "echo locked; exec sleep 60",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = [0u8; 7];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut line).unwrap();
    child
}

#[test]
fn a_second_writer_waits_bounded_and_says_why_while_readers_go_on() {
    let mut env = keyring_env!();
    let pair = Pair::new(&mut env);
    assert!(spawn_init(&env, &pair, 0, &[]).wait().unwrap().success());
    env.set_env("BCSETUP_LOCK_TIMEOUT_MS", "1500");
    let mut holder = hold_lock(&env, "lock");

    let started = Instant::now();
    let out = spawn_init(&env, &pair, 1, &[]).wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    for needle in [
        "waiting for another bcsetup",
        "changing profile",
        "still was after 1.5 s",
    ] {
        assert!(stderr.contains(needle), "`{needle}` not in:\n{stderr}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // A reader does not wait for a writer that is only asking questions: it reads the committed state.
    let (hash, _, token) = stored(&env);
    assert_eq!((pair.which(&token), hash.as_str()), (0, STORE));

    // A pending record under a live owner is that owner's: a reader leaves it alone and waits.
    let toml = env.profiles_toml();
    let section = &toml[toml.find("[profiles.").unwrap()..];
    let with_pending = format!("{toml}\n{}", section.replace("[profiles.", "[pending."));
    std::fs::write(env.config_dir().join("profiles.toml"), &with_pending).unwrap();
    let out = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("changing profile"), "{}", out.stderr);
    assert_eq!(env.profiles_toml(), with_pending, "a live rotation was touched");

    // Once its owner is gone, the same record is an abandoned rotation: repaired, then read.
    holder.kill().unwrap();
    holder.wait().unwrap();
    let out = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("finished an interrupted rotation"),
        "{}",
        out.stderr
    );
    assert!(!env.profiles_toml().contains("[pending"));
}

#[test]
fn a_stopped_keyring_is_an_announced_bounded_wait() {
    let Some(ss) = SecretService::private() else {
        return;
    };
    let mut env = TestEnv::new();
    for (k, v) in ss.envs() {
        env.set_env(&k, &v);
    }
    let token = env.token("SENTINELstopped001", TokenSpec::all(STORE, Level::ReadOnly));
    assert_eq!(env.init(&token, &["--access", "read-only"]).code, 0);
    env.set_env("BCSETUP_KEYRING_TIMEOUT_MS", "3000");
    ss.pause_keyring();
    let started = Instant::now();
    let out = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    let took = started.elapsed();
    ss.resume_keyring();
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(
        out.stderr.contains("waiting for the OS keyring"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did not answer within 3 s"), "{}", out.stderr);
    assert!(took < Duration::from_secs(15), "{took:?}");
    let again = env.run_data(&mut env.cmd(&["token"]), &["token"]);
    assert_eq!(
        again.code, 0,
        "works again once the keyring answers: {}",
        again.stderr
    );
}

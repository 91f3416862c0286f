//! The bad-input battery (issue 6): one bad input at a time through every entry point — flags,
//! `BCSETUP_*` variables, stdin, credentials files, API paths and store hashes, profile and account
//! names, `BCSETUP_API_BASE` and profiles.toml — against a config dir and a keyring that already hold
//! a profile, so that "nothing changed" means something.
//!
//! Every `init` row is a complete, valid *rotation* of that profile (with a token the fake accepts)
//! except for its one bad input. A validation gap therefore shows up as a rotation: a request at the
//! fake, a changed keyring entry or a changed file. Each row asserts the exit code (docs/interface.md,
//! "Exit codes"), row-specific needles in stderr that name the problem, no panic, no request at the
//! fake, no secret on stdout or stderr, and that the config dirs (every path with its bytes, mode, inode and mtime)
//! and the profile's keyring entries are exactly as before. No row is exempt from "nothing written":
//! a refused input must not even create `profiles.lock` or the config dir.

mod files;
mod rows;
mod snapshot;
mod special_files;
mod urls;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::keyring_env;
use crate::support::{Level, Outcome, STORE, TestEnv, TokenSpec};
use files::{config_rows, file_rows};
use rows::{env_rows, flag_rows, stdin_rows};
use snapshot::{diff, snapshot};
use urls::{name_rows, url_rows};

/// The number of rows; update it with the table. It may grow, never silently shrink.
const ROWS: usize = 213;
const _: () = assert!(ROWS >= 40, "the battery must try at least 40 bad inputs");

/// The stored profile's token and client secret, and the (valid) token every rotation row offers.
const TOKEN: &str = "SENTINELbatteryStored01";
const CLIENT_SECRET: &str = "SENTINELbatterySecret01";
const NEW_TOKEN: &str = "SENTINELbatteryNew00002";
/// Secrets that appear only in conflicting inputs.
const OTHER_TOKEN: &str = "SENTINELbatteryOther003";
const OTHER_SECRET: &str = "SENTINELbatterySecret02";
/// A proxy on the discard port: should a row ever get past validation to a non-loopback host, the
/// attempt stays on this machine (and fails) instead of reaching the internet.
const DEAD_PROXY: &str = "http://127.0.0.1:9";

/// One bad input and what bcsetup must answer.
struct Row {
    what: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    code: i32,
    needles: Vec<String>,
}

impl Row {
    /// A command other than a rotation, with empty stdin.
    fn cmd(what: &str, args: &[&str], code: i32, needles: &[&str]) -> Row {
        Row {
            what: what.to_owned(),
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            env: Vec::new(),
            stdin: Vec::new(),
            code,
            needles: needles.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A rotation, the new valid token on stdin.
    fn init(what: &str, init: &Init, code: i32, needles: &[&str]) -> Row {
        let mut row = Row::cmd(what, &[], code, needles);
        row.args = init.args();
        row.stdin = format!("{NEW_TOKEN}\n").into_bytes();
        row
    }

    fn env(mut self, key: &str, value: &str) -> Row {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Row {
        self.stdin = bytes.into();
        self
    }

    /// The value following `flag` in the args, or the variable `var`.
    fn named(&self, flag: &str, var: &str) -> Option<String> {
        let from_args = self.args.windows(2).find(|w| w[0] == flag).map(|w| w[1].clone());
        from_args.or_else(|| self.env.iter().find(|(k, _)| k == var).map(|(_, v)| v.clone()))
    }
}

/// The flags of a complete, valid rotation of the stored profile; rows change one of them.
#[derive(Clone)]
struct Init(Vec<(String, Option<String>)>);

impl Init {
    fn valid() -> Init {
        let mut init = Init(Vec::new());
        for (flag, value) in [
            ("--token-type", Some("api")),
            ("--name", Some("Rotation bot")),
            ("--access", Some("read-only")),
            ("--store-hash", Some(STORE)),
            ("--access-token-stdin", None),
            ("--yes", None),
        ] {
            init.0.push((flag.to_owned(), value.map(str::to_owned)));
        }
        init
    }

    /// Set `flag` to `value`, replacing an earlier value.
    fn set(mut self, flag: &str, value: &str) -> Init {
        self = self.without(flag);
        self.0.push((flag.to_owned(), Some(value.to_owned())));
        self
    }

    fn without(mut self, flag: &str) -> Init {
        self.0.retain(|(f, _)| f != flag);
        self
    }

    /// Import `path` instead of reading the token from stdin.
    fn file(self, path: &str) -> Init {
        self.without("--access-token-stdin")
            .set("--credentials-file", path)
    }

    fn args(&self) -> Vec<String> {
        let mut args = vec!["init".to_owned()];
        for (flag, value) in &self.0 {
            args.push(flag.clone());
            args.extend(value.clone());
        }
        args
    }
}

#[test]
fn every_bad_input_is_refused_and_changes_nothing() {
    let mut env = keyring_env!();
    for secret in [TOKEN, CLIENT_SECRET, NEW_TOKEN, OTHER_TOKEN, OTHER_SECRET] {
        env.secret(secret);
    }
    env.fake.add_token(TOKEN, TokenSpec::all(STORE, Level::ReadOnly));
    env.fake
        .add_token(NEW_TOKEN, TokenSpec::all(STORE, Level::ReadOnly));
    store_the_profile(&env);
    let inputs = env.root.path().join("inputs");
    std::fs::create_dir(&inputs).expect("inputs dir");
    let template = std::fs::read_to_string(env.config_dir().join("profiles.toml")).expect("profiles.toml");

    let mut rows = flag_rows();
    rows.extend(env_rows(&inputs));
    rows.extend(stdin_rows());
    rows.extend(file_rows(&inputs));
    rows.extend(url_rows());
    rows.extend(name_rows());
    rows.extend(config_rows(
        &env.root.path().join("configs"),
        &template,
        &env.profile,
    ));
    // On the real stderr (not captured by the harness), so every run shows the count.
    let _ = writeln!(std::io::stderr(), "bad-input battery: {} rows", rows.len());
    assert_eq!(rows.len(), ROWS, "update ROWS with the table");
    assert_distinct(&rows);

    let mut failures = String::new();
    for row in &rows {
        if let Err(why) = check(&env, row) {
            let _ = writeln!(failures, "- {}: {why}", row.what);
        }
    }
    assert!(failures.is_empty(), "rows that failed:\n{failures}");
    assert_eq!(
        env.keyring_token().as_deref(),
        Some(TOKEN),
        "the stored token survived the battery"
    );
}

/// `init --no-verify` from a downloaded credentials file: the token and the client secret in the
/// keyring, the metadata in profiles.toml.
fn store_the_profile(env: &TestEnv) {
    let file = env.root.path().join("api-credentials.txt");
    std::fs::write(&file, credentials(TOKEN, CLIENT_SECRET, STORE)).expect("credentials file");
    let file = file.to_string_lossy().into_owned();
    let args = [
        "init",
        "--token-type",
        "api",
        "--access",
        "read-only",
        "--credentials-file",
        &file,
    ];
    let out = env.run(&[&args[..], &["--no-verify"]].concat(), "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.keyring_token().as_deref(), Some(TOKEN));
    let secret = env
        .keyring
        .expect("keyring")
        .lookup("bcsetup", &format!("{}/client-secret", env.profile));
    assert_eq!(secret.as_deref(), Some(CLIENT_SECRET));
    assert!(env.fake.requests().is_empty());
}

/// A credentials file as the control panel downloads it.
fn credentials(token: &str, secret: &str, store: &str) -> String {
    format!(
        "ACCESS TOKEN: {token}\nCLIENT NAME: Battery bot\nAPI PATH: https://api.bigcommerce.com/stores/{store}/v3/\n\
         CLIENT ID: battery-client-id\nCLIENT SECRET: {secret}\n"
    )
}

/// Two rows with the same args, variables and stdin would be one input counted twice.
fn assert_distinct(rows: &[Row]) {
    let mut seen = BTreeMap::new();
    for row in rows {
        let key = (row.args.clone(), row.env.clone(), row.stdin.clone());
        if let Some(previous) = seen.insert(key, &row.what) {
            panic!("rows `{previous}` and `{}` are the same input", row.what);
        }
    }
}

/// Run one row and check everything it promises.
fn check(env: &TestEnv, row: &Row) -> Result<(), String> {
    let profiles = row_profiles(env, row);
    let dirs = row_dirs(env, row);
    let files_before: Vec<_> = dirs.iter().map(|d| snapshot(d)).collect();
    let keyring_before = keyring(env, &profiles);

    let out = run(env, row);

    let mut problems = Vec::new();
    if out.code != row.code {
        problems.push(format!("exit {} instead of {}", out.code, row.code));
    }
    for needle in &row.needles {
        if !out.stderr.contains(needle.as_str()) {
            problems.push(format!("stderr lacks `{needle}`"));
        }
    }
    if out.stderr.contains("panicked") || out.stderr.contains("RUST_BACKTRACE") {
        problems.push("panicked".to_owned());
    }
    for secret in [TOKEN, CLIENT_SECRET, NEW_TOKEN, OTHER_TOKEN, OTHER_SECRET] {
        if out.stdout.contains(secret) {
            problems.push("a secret on stdout".to_owned());
        }
    }
    let requests = env.fake.requests();
    if !requests.is_empty() {
        problems.push(format!("{} request(s) reached the fake", requests.len()));
        env.fake.clear_log();
    }
    for (dir, before) in dirs.iter().zip(&files_before) {
        problems.extend(diff(dir, before, &snapshot(dir)));
    }
    let keyring_after = keyring(env, &profiles);
    for (user, value) in &keyring_before {
        if keyring_after.get(user) != Some(value) {
            problems.push(format!("keyring entry `{user}` changed"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n  args: {:?}\n  stderr: {}",
            problems.join("; "),
            row.args,
            out.stderr.trim()
        ))
    }
}

fn run(env: &TestEnv, row: &Row) -> Outcome {
    let args: Vec<&str> = row.args.iter().map(String::as_str).collect();
    let mut cmd = env.cmd(&args);
    // A panic must show as a panic; a FIFO or a device must not hang the battery.
    cmd.env("RUST_BACKTRACE", "1").timeout(Duration::from_secs(20));
    for (key, value) in &row.env {
        cmd.env(key, value);
    }
    cmd.write_stdin(row.stdin.clone());
    env.run_data(&mut cmd, &args)
}

/// The profiles a row names, besides the stored one: a bad name must not get keyring entries either.
fn row_profiles(env: &TestEnv, row: &Row) -> Vec<String> {
    let mut profiles = vec![env.profile.clone()];
    profiles.extend(
        row.named("--profile", "BCSETUP_PROFILE")
            .filter(|p| !p.is_empty()),
    );
    profiles
}

/// The config dirs a row can touch: the env's, and the one its `--config-dir` / variable names.
fn row_dirs(env: &TestEnv, row: &Row) -> Vec<PathBuf> {
    let mut dirs = vec![env.config_dir()];
    dirs.extend(row.named("--config-dir", "BCSETUP_CONFIG_DIR").map(PathBuf::from));
    dirs
}

/// The keyring entries of these profiles (token, client secret and the staging keys of a rotation).
///
/// Read with one `secret-tool lookup` per key rather than compared as `secret-tool search` listings: the
/// Secret Service is shared by every test of the binary, and other tests add and delete entries of
/// their own profiles concurrently.
fn keyring(env: &TestEnv, profiles: &[String]) -> BTreeMap<String, Option<String>> {
    let service = env.keyring.expect("keyring env");
    let mut entries = BTreeMap::new();
    for profile in profiles {
        for suffix in ["", "/client-secret", "/pending", "/pending-client-secret"] {
            let user = format!("{profile}{suffix}");
            entries.insert(user.clone(), service.lookup("bcsetup", &user));
        }
    }
    entries
}

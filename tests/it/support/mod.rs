//! Test support: `TestEnv` gives each test a private config dir, a loopback fake BigCommerce, a unique
//! profile name and (where installed) the process-wide private Secret Service; it runs the real
//! binary with a scrubbed environment and checks every output for leaked secrets.

#![allow(dead_code)]

pub mod fake_store;
pub mod pty;
pub mod secret_service;
pub mod snapshot;
pub mod xvfb;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use tempfile::TempDir;

pub use fake_store::{FakeStore, Fault, Level, TokenSpec};
pub use secret_service::SecretService;

/// The store every test's fake knows.
pub const STORE: &str = "abc123";
/// A second store, for wrong-store and two-store tests.
pub const OTHER_STORE: &str = "def456";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Outcome {
    /// Stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// The row of one scope in a JSON verification report.
pub fn scope_row(report: &serde_json::Value, scope: &str) -> serde_json::Value {
    report["scopes"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["scope"] == scope))
        .cloned()
        .unwrap_or_else(|| panic!("no row for {scope}: {report}"))
}

/// One test's world.
pub struct TestEnv {
    /// Root of the test's files; the config dir is `<root>/config`.
    pub root: TempDir,
    /// The fake BigCommerce.
    pub fake: FakeStore,
    /// The profile name, unique per test (the Secret Service is shared by the whole test binary).
    pub profile: String,
    /// The private Secret Service, when this env uses it.
    pub keyring: Option<&'static SecretService>,
    /// Values that must never appear in any output or file.
    secrets: Vec<String>,
    env: Vec<(String, String)>,
}

impl TestEnv {
    /// A world without a keyring: D-Bus points at a socket that does not exist, so a run can never
    /// reach the developer's own keyring.
    pub fn new() -> Self {
        let fake = FakeStore::start();
        fake.add_store(STORE, "Test Store");
        fake.add_store(OTHER_STORE, "Other Store");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = tempfile::tempdir().expect("temp dir");
        let dead_bus = format!("unix:path={}/no-such-bus", root.path().display());
        Self {
            root,
            fake,
            profile: format!("t{}-{n}", std::process::id()),
            keyring: None,
            secrets: Vec::new(),
            env: vec![("DBUS_SESSION_BUS_ADDRESS".into(), dead_bus)],
        }
    }

    /// A world with the private Secret Service, or `None` (after saying why) where gnome-keyring is
    /// not installed. With `BCSETUP_REQUIRE_SECRET_SERVICE=1` a missing service panics instead.
    pub fn with_keyring() -> Option<Self> {
        let ss = SecretService::shared()?;
        ss.revive_if_dead();
        Some(Self::with_service(ss))
    }

    /// A world with this Secret Service (a private one leaked to `'static`; the watchdog still stops
    /// it when the test process ends).
    pub fn with_service(ss: &'static SecretService) -> Self {
        let mut env = Self::new();
        env.env = ss.envs();
        env.keyring = Some(ss);
        env
    }

    /// The config dir the binary uses.
    pub fn config_dir(&self) -> PathBuf {
        self.root.path().join("config")
    }

    /// Register a token on the fake and remember it as a secret that must not leak.
    pub fn token(&mut self, token: &str, spec: TokenSpec) -> String {
        self.fake.add_token(token, spec);
        self.secret(token)
    }

    /// Remember a value that must never leak.
    pub fn secret(&mut self, value: &str) -> String {
        self.secrets.push(value.to_owned());
        value.to_owned()
    }

    /// Set an extra environment variable for every run.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.push((key.into(), value.into()));
    }

    /// The binary with a scrubbed environment pointing at this world (see [`TestEnv::std_cmd`]).
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::from_std(self.std_cmd(args));
        cmd.timeout(std::time::Duration::from_secs(120));
        cmd
    }

    /// Run with `stdin`, check nothing leaked, and return the outcome.
    pub fn run(&self, args: &[&str], stdin: &str) -> Outcome {
        let out = self
            .cmd(args)
            .write_stdin(stdin.as_bytes().to_vec())
            .output()
            .expect("run bcsetup");
        let outcome = Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        self.assert_no_leak(&outcome, args);
        outcome
    }

    /// `init` with every input given, the token on stdin: an API token with Modify unless `extra` gives
    /// `--token-type` or `--access`.
    pub fn init(&self, token: &str, extra: &[&str]) -> Outcome {
        let mut args = vec![
            "init",
            "--name",
            "Migration bot",
            "--store-hash",
            STORE,
            "--access-token-stdin",
        ];
        if !extra.contains(&"--token-type") {
            args.extend(["--token-type", "api"]);
        }
        if !extra.contains(&"--access") {
            args.extend(["--access", "modify"]);
        }
        args.extend_from_slice(extra);
        self.run(&args, &format!("{token}\n"))
    }

    /// Secrets must appear in no output and no file under the config dir.
    fn assert_no_leak(&self, out: &Outcome, args: &[&str]) {
        for secret in &self.secrets {
            assert!(
                !out.stdout.contains(secret.as_str()),
                "{args:?} leaked a secret on stdout:\n{}",
                out.stdout
            );
            assert!(
                !out.stderr.contains(secret.as_str()),
                "{args:?} leaked a secret on stderr:\n{}",
                out.stderr
            );
            for file in files_under(&self.config_dir()) {
                if file.components().any(|c| c.as_os_str() == "secrets") {
                    continue; // --insecure-storage keeps secrets there by design
                }
                let bytes = std::fs::read(&file).unwrap_or_default();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(secret.as_str()),
                    "{args:?} wrote a secret into {}",
                    file.display()
                );
            }
        }
    }

    /// The token stored for this env's profile, read with `secret-tool` (a program we did not write).
    pub fn keyring_token(&self) -> Option<String> {
        self.keyring
            .expect("keyring env")
            .lookup("bcsetup", &self.profile)
    }

    /// profiles.toml as text ("" when absent).
    pub fn profiles_toml(&self) -> String {
        std::fs::read_to_string(self.config_dir().join("profiles.toml")).unwrap_or_default()
    }
}

/// Every file below `dir`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Skip a keyring test loudly when the Secret Service is missing (never in CI: `shared()` panics there).
#[macro_export]
macro_rules! keyring_env {
    () => {
        match $crate::support::TestEnv::with_keyring() {
            Some(env) => env,
            None => {
                eprintln!(
                    "SKIPPED: no Secret Service sandbox (install gnome-keyring, libsecret-tools, dbus-x11)"
                );
                return;
            }
        }
    };
}

/// Helpers for `token`, `env`, `exec`, `remove` and `scopes`: more profiles per env, runs whose stdout
/// carries a secret by design, and the binary as a plain process (to signal it or give it a PTY).
impl TestEnv {
    /// `init` of `profile` for `store`, offline (`--no-verify --yes`, read-only); asserts success.
    pub fn init_offline(&self, profile: &str, store: &str, token: &str, extra: &[&str]) -> Outcome {
        let mut args = vec![
            "init",
            "--profile",
            profile,
            "--token-type",
            "api",
            "--name",
            "Migration bot",
        ];
        args.extend([
            "--store-hash",
            store,
            "--access",
            "read-only",
            "--access-token-stdin",
        ]);
        args.extend(["--no-verify", "--yes"]);
        args.extend_from_slice(extra);
        let out = self.run(&args, &format!("{token}\n"));
        assert_eq!(out.code, 0, "init {profile}: {}", out.stderr);
        out
    }

    /// Run a command whose stdout may carry a registered secret (`token`, `env`): stderr and the
    /// config dir are still checked for leaks.
    pub fn run_data(&self, cmd: &mut Command, args: &[&str]) -> Outcome {
        let out = cmd.output().expect("run bcsetup");
        let outcome = Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        let checked = Outcome {
            code: outcome.code,
            stdout: String::new(),
            stderr: outcome.stderr.clone(),
        };
        self.assert_no_leak(&checked, args);
        outcome
    }

    /// The binary as a `std::process::Command` with the same scrubbed environment as [`TestEnv::cmd`].
    #[allow(clippy::disallowed_methods, reason = "the test process passes its PATH on")]
    pub fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("bcsetup"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root.path())
            .env("NO_COLOR", "1")
            .env("BCSETUP_CONFIG_DIR", self.config_dir())
            .env("BCSETUP_API_BASE", self.fake.base_url())
            .env("BCSETUP_PROFILE", &self.profile)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(args);
        cmd
    }

    /// Whether the keyring of this env holds an entry of `user` (exact match of the username attribute).
    pub fn keyring_has_user(&self, user: &str) -> bool {
        self.keyring.expect("keyring env").has("bcsetup", user)
    }

    /// The staging entries of this env's profile that a finished (or undone) rotation must not leave.
    pub fn staging_entries_left(&self) -> Vec<String> {
        ["pending", "pending-client-secret"]
            .into_iter()
            .map(|suffix| format!("{}/{suffix}", self.profile))
            .filter(|user| self.keyring_has_user(user))
            .collect()
    }
}

/// Whether a program is on PATH (optional shells in tests).
pub fn have(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

/// Say loudly why a test is skipped (an optional program is missing).
#[allow(clippy::print_stderr, reason = "the skip must show in the test output")]
pub fn skip(why: &str) {
    eprintln!("SKIPPED: {why}");
}

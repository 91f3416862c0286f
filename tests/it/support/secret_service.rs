//! A private Secret Service for the tests: one D-Bus session bus and one gnome-keyring per test process,
//! so keyring tests never read or write the developer's keyring and never talk to their session bus.
//!
//! [`SecretService::shared`] starts it once per test binary:
//!
//! 1. a temp dir `bcsetup-secret-service-*` holding the bus socket `bus`, `data/` (`XDG_DATA_HOME`, where
//!    the keyrings live), `run/` (`XDG_RUNTIME_DIR`, 0700) and the daemons' logs;
//! 2. `dbus-daemon --nofork` with a generated config that listens only on `DIR/bus` and has **no service
//!    activation**: nothing can start a second, unmanaged gnome-keyring, nor a password prompter;
//! 3. `gnome-keyring-daemon --unlock --foreground --components=secrets`, password on stdin: it creates the
//!    `login` collection, which is the `default` alias, and unlocks it, so writes never prompt;
//! 4. a wait (at most [`STARTUP`]) until `org.freedesktop.secrets` has an owner and a `secret-tool`
//!    store / lookup / clear round trip works.
//!
//! A test that breaks its keyring (locks it, stops it) starts one of its own instead: `private` is the
//! same setup; `private_without_keyring` stops after step 2, `private_without_default_collection` starts
//! gnome-keyring without `--unlock` (so no `login` collection), and
//! `private_with_dangling_default_collection` adds a second daemon that leaves the `default` alias naming
//! a collection the first cannot serve (see [`Keyring`]).
//!
//! The variables go only on child processes ([`SecretService::envs`]); the test process's environment,
//! `HOME` and the developer's own bus are never touched. The daemons also lose `DISPLAY` and
//! `WAYLAND_DISPLAY`, so nothing can open a window on a developer's desktop.
//!
//! Cleanup: the instance lives in a static and is never dropped, and `prctl(PR_SET_PDEATHSIG)` would need
//! `unsafe`. So the first process started is a watchdog `sh` whose stdin is a pipe that only this process
//! holds (std opens pipes close-on-exec, so no other child inherits it). When the test process exits, by
//! any means including SIGKILL, the kernel closes the pipe, the watchdog's `read` returns, and it kills the
//! daemons (their pids are in `DIR/*.pid`), waits up to 5 s for them to go (a zombie counts as gone) and
//! deletes the dir. It ignores SIGINT, SIGHUP and SIGTERM, so a Ctrl-C or a CI timeout that signals the
//! whole process group does not stop the cleanup. gnome-keyring also exits on its own once its bus is gone.
//!
//! Where the Secret Service is not what bcsetup uses (macOS, Windows) or the tools are missing, `shared`
//! returns `None` after one message on stderr, unless `BCSETUP_REQUIRE_SECRET_SERVICE=1` (CI), which makes
//! it panic with the reason instead.
#![allow(dead_code, reason = "each test file uses a subset")]

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

/// How long the daemons get to come up before the sandbox counts as broken.
const STARTUP: Duration = Duration::from_secs(10);
/// The login keyring's password; the keyring is thrown away with the process.
const PASSWORD: &str = "bcsetup-test-keyring";
/// The variable that turns "skip" into "fail" (set it in CI).
const REQUIRE: &str = "BCSETUP_REQUIRE_SECRET_SERVICE";

/// What a private instance runs on its bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyring {
    /// gnome-keyring with its `login` collection created and unlocked (the default alias).
    Unlocked,
    /// No Secret Service at all: a session bus nobody serves `org.freedesktop.secrets` on.
    Absent,
    /// gnome-keyring on a fresh data dir, started without `--unlock`: no collection but `session`, so
    /// the `default` alias names nothing.
    NoDefault,
    /// `NoDefault`, then a second `gnome-keyring-daemon --unlock` that cannot take the bus name but
    /// writes `login.keyring`: the first daemon then answers the `default` alias with a collection it
    /// has no object for (`UnknownMethod … /collection/login`), as a user who followed an old hint met.
    Dangling,
}

/// Kills the daemons and removes the dir once stdin reaches end of file, i.e. when the test process is gone.
const WATCHDOG: &str = r#"
trap '' INT HUP TERM
read -r _
for file in "$1"/*.pid; do [ -f "$file" ] && kill "$(cat "$file")" 2>/dev/null; done
# Wait for them to go; a zombie counts as gone, since some inits (containers) reap orphans late.
tries=0
while [ "$tries" -lt 50 ]; do
  alive=0
  for file in "$1"/*.pid; do
    pid=$(cat "$file" 2>/dev/null) || continue
    kill -0 "$pid" 2>/dev/null || continue
    case "$(cat "/proc/$pid/stat" 2>/dev/null)" in *") Z "*) continue ;; esac
    alive=1
  done
  [ "$alive" = 0 ] && break
  sleep 0.1
  tries=$((tries + 1))
done
rm -rf "$1"
"#;

/// A running private Secret Service (session bus + gnome-keyring) for this test process.
pub struct SecretService {
    dir: PathBuf,
    bus: String,
    // Never written to: the watchdog cleans up when this pipe closes, that is when the process exits.
    _watchdog: ChildStdin,
}

static SHARED: OnceLock<Result<SecretService, String>> = OnceLock::new();

impl SecretService {
    /// The process-wide instance, started on first use; `None` (after one stderr message) when unavailable.
    pub fn shared() -> Option<&'static SecretService> {
        let started = SHARED.get_or_init(|| {
            let started = start(Keyring::Unlocked);
            if let Err(reason) = &started
                && !required()
            {
                // Written to the real stderr rather than with eprintln!, which the test harness captures:
                // a silently skipped keyring test would look like a passing one.
                let _ = writeln!(
                    io::stderr(),
                    "\nwarning: skipping the tests that need a Secret Service: {reason}\n\
                     hint: on Debian/Ubuntu, apt-get install dbus-daemon gnome-keyring libsecret-tools \
                     (Fedora: dnf install dbus-daemon gnome-keyring libsecret); \
                     set {REQUIRE}=1 to make this an error\n"
                );
            }
            started
        });
        match started {
            Ok(service) => Some(service),
            Err(reason) if required() => panic!("{REQUIRE}=1 but the Secret Service did not start: {reason}"),
            Err(_) => None,
        }
    }

    /// A private instance with its own bus and keyring, for tests that lock or stop it; `None` (or a
    /// panic under the require variable) as for `shared`.
    pub fn private() -> Option<SecretService> {
        private_with(Keyring::Unlocked)
    }

    /// A private session bus with no Secret Service on it; `None` as for `private`.
    pub fn private_without_keyring() -> Option<SecretService> {
        private_with(Keyring::Absent)
    }

    /// A private gnome-keyring that has no default collection (never unlocked, so never created);
    /// `None` as for `private`.
    pub fn private_without_default_collection() -> Option<SecretService> {
        private_with(Keyring::NoDefault)
    }

    /// A private gnome-keyring whose `default` alias names a collection it cannot serve (see
    /// `Keyring::Dangling`); `None` as for `private`.
    pub fn private_with_dangling_default_collection() -> Option<SecretService> {
        private_with(Keyring::Dangling)
    }

    /// Locks the login collection, as a screen lock does; reads then need an unlock prompt.
    pub fn lock(&self) {
        let output = self
            .command("dbus-send")
            .args([
                "--session",
                "--dest=org.freedesktop.secrets",
                "--type=method_call",
                "--print-reply",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .output();
        checked(output, "dbus-send Lock").unwrap_or_else(|error| panic!("{error}"));
    }

    /// Stops gnome-keyring and leaves the bus running: a session bus without a Secret Service.
    pub fn stop_keyring(&self) {
        let pid = fs::read_to_string(self.dir.join("gnome-keyring-daemon.pid")).expect("keyring pid");
        let _ = Command::new("kill").arg(pid.trim()).status();
        let deadline = Instant::now() + STARTUP;
        while self.secrets_owned() && Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(!self.secrets_owned(), "gnome-keyring did not stop");
    }

    /// Freezes gnome-keyring (SIGSTOP): the bus takes calls for it that nobody answers, as with a hung
    /// daemon. `resume_keyring` thaws it.
    pub fn pause_keyring(&self) {
        self.signal_keyring("-STOP");
    }

    /// Thaws a keyring frozen by `pause_keyring`.
    pub fn resume_keyring(&self) {
        self.signal_keyring("-CONT");
    }

    /// Sends `signal` to gnome-keyring (`-STOP`, `-CONT`, or `-TRAP` as a `GLib` error ends it).
    pub fn signal_keyring(&self, signal: &str) {
        let pid = fs::read_to_string(self.dir.join("gnome-keyring-daemon.pid")).expect("keyring pid");
        let status = Command::new("kill").args([signal, pid.trim()]).status().unwrap();
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// Starts gnome-keyring again (after `stop_keyring`), unlocking the login keyring from disk.
    pub fn start_keyring(&self) {
        let mut keyring = self.command("gnome-keyring-daemon");
        keyring.args(["--unlock", "--foreground", "--components=secrets"]);
        let mut daemons = vec![(
            "gnome-keyring-daemon",
            self.spawn_daemon(keyring, Some(PASSWORD)).expect("restart"),
        )];
        wait_until(
            Instant::now() + STARTUP,
            &mut daemons,
            "org.freedesktop.secrets on the bus",
            || self.secrets_owned(),
        )
        .unwrap_or_else(|error| panic!("{error}"));
        // The watchdog kills it at exit through its pid file; the handle is not needed.
        std::mem::forget(daemons);
    }

    /// Restart gnome-keyring if it died, and say so loudly with the end of its log. gnome-keyring 42
    /// can end itself with a `GLib` error when a client is killed in the middle of a call (the crash
    /// test does that on purpose; see gnome-keyring's `gkd_secret_service_*: assertion 'client'
    /// failed` reports); its items are on disk, so a restart loses none. Returns whether it had died.
    pub fn revive_if_dead(&self) -> bool {
        static REVIVING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = REVIVING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.secrets_owned() {
            return false;
        }
        let log = fs::read_to_string(self.dir.join("gnome-keyring-daemon.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        // The real stderr, not the captured one: a daemon that died must never go unnoticed.
        let _ = writeln!(
            io::stderr(),
            "\nwarning: the test Secret Service's gnome-keyring-daemon died; restarting it. Its log ends:\n  {}\n",
            tail.join("\n  ")
        );
        self.start_keyring();
        true
    }

    /// The variables to set on a child process (bcsetup, secret-tool) so that it uses this service.
    pub fn envs(&self) -> Vec<(String, String)> {
        let path = |name: &str| self.dir.join(name).to_string_lossy().into_owned();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".to_owned(), self.bus.clone()),
            ("XDG_DATA_HOME".to_owned(), path("data")),
            ("XDG_RUNTIME_DIR".to_owned(), path("run")),
        ]
    }

    /// The secret stored under `service` / `username` (`secret-tool lookup`), or `None` if there is none.
    pub fn lookup(&self, service: &str, username: &str) -> Option<String> {
        self.try_lookup(service, username)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Stores `secret` under `service` / `username` (`secret-tool store`, the secret on stdin).
    pub fn store(&self, service: &str, username: &str, secret: &str) {
        self.try_store(service, username, secret)
            .unwrap_or_else(|error| panic!("{error}"));
    }

    /// Whether an item with exactly these `service` and `username` attributes exists. A lookup, not a
    /// `secret-tool search` of the service: the service is shared by every test of the binary, running in
    /// parallel, and a search fails ("No such secret item") when another test deletes an item between
    /// secret-tool's listing and its read of it; it would also see other tests' entries.
    pub fn has(&self, service: &str, username: &str) -> bool {
        self.lookup(service, username).is_some()
    }

    fn try_lookup(&self, service: &str, username: &str) -> Result<Option<String>, String> {
        let output = self
            .secret_tool(&["lookup", "service", service, "username", username], None)
            .map_err(|error| format!("cannot run secret-tool: {error}"))?;
        match (output.status.success(), output.stderr.is_empty()) {
            (true, _) => Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned())),
            // secret-tool says "not found" only through exit status 1 with nothing on stderr.
            (false, true) => Ok(None),
            (false, false) => Err(failure("secret-tool lookup", &output)),
        }
    }

    fn try_store(&self, service: &str, username: &str, secret: &str) -> Result<(), String> {
        let label = format!("--label=bcsetup tests: {service} {username}");
        let args = ["store", &label, "service", service, "username", username];
        // The secret goes on stdin, byte for byte: secret-tool keeps a trailing newline if one is sent.
        checked(self.secret_tool(&args, Some(secret)), "secret-tool store").map(drop)
    }

    fn secret_tool(&self, args: &[&str], stdin: Option<&str>) -> io::Result<Output> {
        let mut command = self.command("secret-tool");
        let input = stdin.map_or_else(Stdio::null, |_| Stdio::piped());
        command
            .args(args)
            .stdin(input)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn()?;
        if let (Some(secret), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(secret.as_bytes())?;
        }
        child.wait_with_output()
    }

    /// A command that sees this service and no display.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .envs(self.envs())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        command
    }
}

/// A private instance running `keyring`; `None` (after a message) when it cannot start, or a panic
/// under the require variable.
fn private_with(keyring: Keyring) -> Option<SecretService> {
    match start(keyring) {
        Ok(service) => Some(service),
        Err(reason) if required() => panic!("{REQUIRE}=1 but the Secret Service did not start: {reason}"),
        Err(reason) => {
            let _ = writeln!(
                io::stderr(),
                "warning: skipping a private Secret Service test: {reason}"
            );
            None
        }
    }
}

#[allow(clippy::disallowed_methods, reason = "a test switch of the test support")]
fn required() -> bool {
    std::env::var_os(REQUIRE).is_some_and(|value| value == "1")
}

/// The programs the sandbox runs that are not on `PATH`, checked before anything is started.
#[allow(clippy::disallowed_methods, reason = "the test support finds its own tools")]
fn missing_tools() -> Vec<&'static str> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let tools = [
        "sh",
        "dbus-daemon",
        "dbus-send",
        "gnome-keyring-daemon",
        "secret-tool",
    ];
    let found = |tool: &str| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file());
    tools.into_iter().filter(|tool| !found(tool)).collect()
}

/// Starts the watchdog, the bus and gnome-keyring, then checks a round trip.
fn start(keyring: Keyring) -> Result<SecretService, String> {
    if !cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd",
        target_os = "dragonfly"
    )) {
        return Err("bcsetup uses the Secret Service only on Linux and the BSDs".to_owned());
    }
    let missing = missing_tools();
    if !missing.is_empty() {
        return Err(format!("not found on PATH: {}", missing.join(", ")));
    }
    let dir = tempfile::Builder::new()
        .prefix("bcsetup-secret-service-")
        .tempdir()
        .map_err(|error| format!("cannot create a temp dir: {error}"))?
        .keep();
    // First, so that whatever happens next is cleaned up when the process exits.
    let watchdog = spawn_watchdog(&dir)?;
    let bus_path = dir.join("bus");
    // sockaddr_un holds 108 bytes; a long TMPDIR would make the bus fail with an obscure error.
    if bus_path.as_os_str().len() > 100 {
        return Err(format!(
            "the socket path {} is too long; set a shorter TMPDIR",
            bus_path.display()
        ));
    }
    let service = SecretService {
        bus: format!("unix:path={}", dbus_escape(&bus_path)),
        dir,
        _watchdog: watchdog,
    };
    let mut daemons = Vec::new();
    let started = service.start_daemons(keyring, &mut daemons);
    if started.is_err() {
        for (_, child) in &mut daemons {
            // Best effort: the watchdog kills them at exit anyway.
            let _ = child.kill();
        }
    }
    started
        .map(|()| service)
        .map_err(|error| format!("{error}{}", logs(&bus_path)))
}

/// The daemons' logs, for an error message (the dir itself is gone once the process exits).
fn logs(bus_path: &Path) -> String {
    let dir = bus_path.parent().unwrap_or(bus_path);
    let mut text = String::new();
    for name in [
        "dbus-daemon.log",
        "gnome-keyring-daemon.log",
        "gnome-keyring-daemon-2.log",
    ] {
        if let Ok(log) = fs::read_to_string(dir.join(name))
            && !log.trim().is_empty()
        {
            // Writing to a String cannot fail.
            let _ = write!(text, "\n--- {name}:\n{}", log.trim());
        }
    }
    text
}

impl SecretService {
    fn start_daemons(
        &self,
        keyring: Keyring,
        daemons: &mut Vec<(&'static str, Child)>,
    ) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP;
        for dir in [self.dir.clone(), self.dir.join("data"), self.dir.join("run")] {
            private_dir(&dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
        }
        let config = self.dir.join("bus.conf");
        fs::write(&config, bus_config(&self.bus))
            .map_err(|error| format!("cannot write bus.conf: {error}"))?;
        let mut dbus = self.command("dbus-daemon");
        dbus.arg(format!("--config-file={}", config.display()))
            .arg("--nofork");
        daemons.push(("dbus-daemon", self.spawn_daemon(dbus, None)?));
        wait_until(deadline, daemons, "the bus socket", || {
            self.dir.join("bus").exists()
        })?;
        if keyring == Keyring::Absent {
            return Ok(());
        }
        let unlocked = keyring == Keyring::Unlocked;
        if keyring == Keyring::Dangling {
            // gnome-keyring watches its keyrings dir only if it exists when it starts; a user who ever
            // had a keyring has it.
            let keyrings = self.dir.join("data/keyrings");
            private_dir(&keyrings)
                .map_err(|error| format!("cannot create {}: {error}", keyrings.display()))?;
        }
        let mut daemon = self.command("gnome-keyring-daemon");
        daemon.args(["--foreground", "--components=secrets"]);
        if unlocked {
            daemon.arg("--unlock");
        }
        let password = unlocked.then_some(PASSWORD);
        daemons.push(("gnome-keyring-daemon", self.spawn_daemon(daemon, password)?));
        wait_until(deadline, daemons, "org.freedesktop.secrets on the bus", || {
            self.secrets_owned()
        })?;
        match keyring {
            Keyring::Unlocked => self.round_trip(),
            Keyring::Dangling => self.dangle(deadline, daemons),
            Keyring::Absent | Keyring::NoDefault => Ok(()),
        }
    }

    /// A second daemon creates `login.keyring` on disk; wait until the first one, which keeps the bus
    /// name, answers the `default` alias with it.
    fn dangle(&self, deadline: Instant, daemons: &mut Vec<(&'static str, Child)>) -> Result<(), String> {
        let mut second = self.command("gnome-keyring-daemon");
        second.args(["--foreground", "--components=secrets", "--unlock"]);
        let child = self.spawn_daemon_as(second, Some(PASSWORD), "gnome-keyring-daemon-2")?;
        daemons.push(("gnome-keyring-daemon (second)", child));
        // The first daemon rescans its keyrings dir when the dir's mtime changes, compared in whole
        // seconds, so a file written in the second it started is never seen; and a rescan during the
        // second daemon's write finds a torn file. So: move the mtime on, a second at a time, until
        // the first daemon answers with the new collection.
        let keyrings = self.dir.join("data/keyrings");
        let mut later = std::time::SystemTime::now();
        wait_until(deadline, daemons, "a dangling `default` alias", || {
            if self.default_alias().contains("/collection/login") {
                return true;
            }
            later += Duration::from_secs(1);
            let _ = File::open(&keyrings).and_then(|dir| dir.set_modified(later));
            thread::sleep(Duration::from_millis(50));
            false
        })
    }

    /// What `ReadAlias("default")` answers (`dbus-send`'s reply text).
    fn default_alias(&self) -> String {
        let mut command = self.command("dbus-send");
        command.args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.ReadAlias",
            "string:default",
        ]);
        command.stdin(Stdio::null()).stderr(Stdio::null());
        command
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
            .unwrap_or_default()
    }

    /// A `secret-tool` store / lookup / clear of a probe item.
    fn round_trip(&self) -> Result<(), String> {
        self.try_store("bcsetup-sandbox", "probe", "round trip")?;
        let found = self.try_lookup("bcsetup-sandbox", "probe")?;
        if found.as_deref() != Some("round trip") {
            return Err(format!("secret-tool lookup of the probe item returned {found:?}"));
        }
        let cleared = self.secret_tool(
            &["clear", "service", "bcsetup-sandbox", "username", "probe"],
            None,
        );
        checked(cleared, "secret-tool clear").map(drop)
    }

    /// Spawns a daemon with its stderr in `DIR/<program>.log` and its pid in `DIR/<program>.pid`.
    fn spawn_daemon(&self, command: Command, stdin: Option<&str>) -> Result<Child, String> {
        let program = command.get_program().to_string_lossy().into_owned();
        self.spawn_daemon_as(command, stdin, &program)
    }

    /// Spawns a daemon with its stderr in `DIR/<name>.log` and its pid in `DIR/<name>.pid` (which the
    /// watchdog kills).
    fn spawn_daemon_as(
        &self,
        mut command: Command,
        stdin: Option<&str>,
        name: &str,
    ) -> Result<Child, String> {
        let program = name;
        let log = File::create(self.dir.join(format!("{program}.log")))
            .map_err(|error| format!("cannot create {program}.log: {error}"))?;
        let input = stdin.map_or_else(Stdio::null, |_| Stdio::piped());
        let mut child = command
            .stdin(input)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|error| match error.kind() {
                io::ErrorKind::NotFound => format!("{program} is not installed"),
                _ => format!("cannot start {program}: {error}"),
            })?;
        let pid_file = self.dir.join(format!("{program}.pid"));
        fs::write(pid_file, child.id().to_string())
            .map_err(|error| format!("cannot write a pid file: {error}"))?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // Dropping the pipe right after sends end of file, which ends gnome-keyring's password read.
            pipe.write_all(text.as_bytes())
                .map_err(|error| format!("cannot unlock the keyring: {error}"))?;
        }
        Ok(child)
    }

    /// Whether gnome-keyring owns its name yet (`NameHasOwner` never triggers activation).
    fn secrets_owned(&self) -> bool {
        let mut command = self.command("dbus-send");
        command.args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ]);
        command.stdin(Stdio::null()).stderr(Stdio::null());
        command
            .output()
            .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains("boolean true"))
    }
}

fn spawn_watchdog(dir: &Path) -> Result<ChildStdin, String> {
    let mut child = Command::new("sh")
        .args(["-c", WATCHDOG, "bcsetup-secret-service-watchdog"])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start the cleanup watchdog (sh): {error}"))?;
    child
        .stdin
        .take()
        .ok_or_else(|| "the watchdog has no stdin".to_owned())
}

/// Polls `ready` every 10 ms until `deadline`, failing early with its log if a daemon exits.
fn wait_until(
    deadline: Instant,
    daemons: &mut [(&'static str, Child)],
    what: &str,
    mut ready: impl FnMut() -> bool,
) -> Result<(), String> {
    loop {
        if ready() {
            return Ok(());
        }
        for (name, child) in daemons.iter_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("{name} exited ({status}) while waiting for {what}"));
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "timed out after {} s waiting for {what}",
                STARTUP.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A session bus that listens only on `address` and activates nothing.
fn bus_config(address: &str) -> String {
    let address = address
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#
    )
}

/// Escapes a path for a D-Bus address: bytes outside `[-0-9A-Za-z_/.\*]` become `%XX`.
fn dbus_escape(path: &Path) -> String {
    let mut escaped = String::new();
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"-_/.\\*".contains(&byte) {
            escaped.push(char::from(byte));
        } else {
            let _ = write!(escaped, "%{byte:02x}");
        }
    }
    escaped
}

/// Creates `path` if needed and makes it 0700: the keyrings and the bus socket are the user's alone.
#[cfg(unix)]
fn private_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    if !path.is_dir() {
        fs::create_dir(path)?;
    }
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn private_dir(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        Ok(())
    } else {
        fs::create_dir(path)
    }
}

fn checked(output: io::Result<Output>, what: &str) -> Result<Output, String> {
    let output = output.map_err(|error| format!("cannot run {what}: {error}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(failure(what, &output))
    }
}

fn failure(what: &str, output: &Output) -> String {
    format!(
        "{what} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    )
}

//! `init` settles where the secrets go before its first question (issue 14, items 1 and 3), against
//! real broken keyrings: no D-Bus at all, a session bus with no Secret Service on it, a gnome-keyring
//! with no default collection, one whose `default` alias names a collection it cannot serve, and a
//! locked one that cannot be unlocked without a desktop.
//!
//! Without a terminal, each is exit 6 at once: no question, no request to BigCommerce, nothing written,
//! and a message that says what is missing and how to fix it (pinned as a snapshot), never a mention
//! of previous credentials on a first `init`. On a terminal, the same is said before the first
//! question, with a menu: Quit (the default) is exit 6 with nothing written; the file store continues
//! into the wizard and saves there.

use std::time::{Duration, Instant};

use crate::support::pty::{DOWN, ENTER, Pty};
use crate::support::{Level, STORE, SecretService, TestEnv, TokenSpec};

/// How a world's keyring is broken.
#[derive(Debug, Clone, Copy)]
enum Broken {
    /// `DBUS_SESSION_BUS_ADDRESS` names a socket that does not exist (`TestEnv::new`).
    NoBus,
    /// A session bus, and nothing serves `org.freedesktop.secrets` on it.
    NoSecretService,
    /// gnome-keyring, never unlocked, so without a `login` collection: `default` names nothing.
    NoDefaultCollection,
    /// gnome-keyring whose `default` alias names `/collection/login`, which it cannot serve.
    DanglingDefault,
    /// gnome-keyring with its default collection locked, and no prompter to unlock it.
    Locked,
}

/// The broken keyring of a test, kept running while its envs are used.
struct Keyring {
    broken: Broken,
    service: Option<SecretService>,
}

impl Keyring {
    /// `None` (the test skips, loudly) where the Secret Service tools are missing.
    fn start(broken: Broken) -> Option<Self> {
        let service = match broken {
            Broken::NoBus => None,
            Broken::NoSecretService => Some(SecretService::private_without_keyring()?),
            Broken::NoDefaultCollection => Some(SecretService::private_without_default_collection()?),
            Broken::DanglingDefault => Some(SecretService::private_with_dangling_default_collection()?),
            Broken::Locked => {
                let service = SecretService::private()?;
                service.lock();
                Some(service)
            }
        };
        Some(Self { broken, service })
    }

    /// A fresh world (config dir, fake BigCommerce, profile) that sees this keyring.
    fn env(&self) -> TestEnv {
        let mut env = TestEnv::new();
        for (key, value) in self.service.iter().flat_map(SecretService::envs) {
            env.set_env(&key, &value);
        }
        env
    }

    /// A variable this keyring's world sets (the service's bus address, say).
    fn env_value(&self, key: &str) -> String {
        self.service
            .iter()
            .flat_map(SecretService::envs)
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .unwrap_or_default()
    }

    fn name(&self) -> &'static str {
        match self.broken {
            Broken::NoBus => "no_bus",
            Broken::NoSecretService => "no_secret_service",
            Broken::NoDefaultCollection => "no_default_collection",
            Broken::DanglingDefault => "dangling_default_collection",
            Broken::Locked => "locked",
        }
    }
}

/// Nothing of the run is left: no metadata, no secrets file, and BigCommerce never asked.
fn assert_nothing_done(env: &TestEnv, case: &str) {
    assert!(
        env.fake.requests().is_empty(),
        "{case}: API requests were sent before storage was known to work"
    );
    assert!(
        !env.config_dir().join("profiles.toml").exists(),
        "{case}: profiles.toml was written"
    );
    assert!(
        !env.config_dir().join("secrets").exists(),
        "{case}: the secrets directory was created"
    );
}

/// Without a terminal: exit 6 at once, in words, with the fixes, and nothing done.
fn without_a_terminal(keyring: &Keyring) {
    let case = keyring.name();
    let mut env = keyring.env();
    let token = env.token("SENTINELstorageFirst01", TokenSpec::all(STORE, Level::Modify));
    let started = Instant::now();
    let out = env.init(&token, &[]);
    let took = started.elapsed();
    assert_eq!(out.code, 6, "{case}: {}", out.stderr);
    assert!(
        took < Duration::from_secs(10),
        "{case}: exit 6 took {took:?}, not at once"
    );
    assert_nothing_done(&env, case);
    for raw in ["zbus", "SS error", "org.freedesktop.DBus.Error", "UnknownMethod"] {
        assert!(
            !out.stderr.contains(raw),
            "{case}: a raw error reached the user: {}",
            out.stderr
        );
    }
    assert!(
        !out.stderr.contains("previous credentials"),
        "{case}: a first init has no previous credentials: {}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--insecure-storage"),
        "{case}: {}",
        out.stderr
    );
    crate::assert_screen!(&env, format!("storage_{case}_no_terminal").as_str(), &out.stderr);
}

/// On a terminal, plain `init`: the problem before any question, and Enter (Quit) is exit 6.
fn on_a_terminal_quit(keyring: &Keyring) {
    let case = keyring.name();
    let env = keyring.env();
    let mut pty = Pty::spawn(&env, &["init"]);
    pty.expect("Where should bcsetup keep the credentials?");
    pty.send(ENTER);
    // The last words, waited for: what arrives after the last `expect` may be lost at end of file.
    pty.expect("(the steps are above)");
    let (code, screen, rendered) = pty.finish_rendered();
    assert_eq!(code, 6, "{case}: {screen}");
    assert!(
        !screen.contains("Token type"),
        "{case}: the wizard asked a question first: {screen}"
    );
    assert_nothing_done(&env, case);
    crate::assert_screen!(&env, format!("storage_{case}_terminal_quit").as_str(), &rendered);
}

/// On a terminal, choosing the file store: its warning, then the wizard goes on (it asks for the
/// account name, the one input not given) and saves there. The token comes from the environment: the
/// hidden prompts have their own PTY tests.
fn on_a_terminal_file(keyring: &Keyring) {
    let case = keyring.name();
    let mut env = keyring.env();
    let token = env.token("SENTINELstorageFile0002", TokenSpec::all(STORE, Level::ReadOnly));
    let args = [
        "init",
        "--token-type",
        "api",
        "--access",
        "read-only",
        "--scopes",
        "products",
        "--store-hash",
        STORE,
    ];
    let mut cmd = env.std_cmd(&args);
    cmd.env("BCSETUP_ACCESS_TOKEN", &token);
    let mut pty = Pty::spawn_cmd(cmd);
    pty.expect("Where should bcsetup keep the credentials?");
    pty.send(DOWN);
    pty.send(ENTER);
    pty.expect("not in the OS keyring");
    pty.expect("API account name");
    pty.send("Migration bot");
    pty.send(ENTER);
    pty.expect("Saved profile");
    let (code, screen) = pty.finish();
    assert_eq!(code, 0, "{case}: {screen}");
    assert!(!screen.contains(&token), "{case}: the token was shown");
    assert!(
        env.profiles_toml().contains("storage = \"file\""),
        "{case}: {}",
        env.profiles_toml()
    );
    let file = env.config_dir().join(format!("secrets/{}.toml", env.profile));
    let stored = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        stored.contains(&token),
        "{case}: the token is not in {}",
        file.display()
    );
    assert_eq!(env.run(&["verify"], "").code, 0, "{case}: verify reads the file");
}

fn every_way(broken: Broken) {
    let Some(keyring) = Keyring::start(broken) else {
        return;
    };
    without_a_terminal(&keyring);
    on_a_terminal_quit(&keyring);
    on_a_terminal_file(&keyring);
}

#[test]
fn no_dbus_is_found_before_the_first_question() {
    every_way(Broken::NoBus);
}

#[test]
fn a_bus_without_a_secret_service_is_found_before_the_first_question() {
    every_way(Broken::NoSecretService);
}

#[test]
fn a_keyring_without_a_default_collection_is_found_before_the_first_question() {
    every_way(Broken::NoDefaultCollection);
}

#[test]
fn a_default_alias_naming_a_missing_collection_is_found_before_the_first_question() {
    every_way(Broken::DanglingDefault);
}

#[test]
fn a_locked_keyring_without_a_prompter_is_found_before_the_first_question() {
    let Some(keyring) = Keyring::start(Broken::Locked) else {
        return;
    };
    without_a_terminal(&keyring);
}

/// `token` and `verify` read the keyring: their exit 6 says what is missing too.
#[test]
fn readers_of_a_stored_profile_say_what_is_missing() {
    let mut env = crate::keyring_env!();
    let token = env.token("SENTINELstorageRead003", TokenSpec::all(STORE, Level::ReadOnly));
    assert_eq!(env.init(&token, &["--access", "read-only"]).code, 0);
    let Some(bare) = Keyring::start(Broken::NoSecretService) else {
        return;
    };
    let dead = format!("unix:path={}/no-such-bus", env.root.path().display());
    let bare_bus = bare.env_value("DBUS_SESSION_BUS_ADDRESS");
    let cases = [
        (dead.as_str(), "there is no D-Bus session bus"),
        (
            bare_bus.as_str(),
            "no Secret Service (gnome-keyring, KeePassXC) runs on it",
        ),
    ];
    for (bus, words) in cases {
        for args in [&["token", "--reveal"][..], &["verify"][..]] {
            let out = env.run_data(env.cmd(args).env("DBUS_SESSION_BUS_ADDRESS", bus), args);
            assert_eq!(out.code, 6, "{args:?}: {}", out.stderr);
            assert!(out.stderr.contains(words), "{args:?}: {}", out.stderr);
            assert!(
                out.stderr.contains("gnome-keyring-daemon --replace --unlock"),
                "{}",
                out.stderr
            );
            for raw in ["zbus", "SS error", "org.freedesktop.DBus.Error"] {
                assert!(!out.stderr.contains(raw), "{args:?}: {}", out.stderr);
            }
        }
    }
}

//! Everything a command needs from its surroundings, built once in `lib::main` and passed down:
//! a snapshot of the environment (the only place bcsetup reads it, so tests can inject one), the
//! profile, the config dir, the printer, and the three I/O seams a command talks through: the
//! terminal (`Prompter`, present only when prompting is allowed) and the two secret stores (the
//! keyring connects lazily, on its first call). Tests swap each seam: `with_prompter`, `with_keyring`.

use std::cell::{RefCell, RefMut};
use std::collections::HashMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use secrecy::SecretString;

use crate::bigcommerce::client::ApiBase;
use crate::cli::GlobalArgs;
use crate::domain::{ProfileName, StorageKind};
use crate::error::{Error, InputErrors};
use crate::output::Printer;
use crate::profile::{ProfileFile, Waits, parse_profile_arg};
use crate::prompter::{DialoguerPrompter, Prompter};
use crate::store::SecretStore;
use crate::store::file::FileStore;
use crate::store::keyring::{self, KeyringStore};

/// The variables that carry a secret. They are wrapped when the snapshot is taken, so no plain copy
/// of them lives on in the snapshot, and `Env::get` never returns them.
const SECRET_VARIABLES: [&str; 2] = ["BCSETUP_ACCESS_TOKEN", "BCSETUP_CLIENT_SECRET"];

/// What a program bcsetup starts (`exec`'s CMD, the browser opener) never inherits: bcsetup's own secret
/// inputs, and every `BIGCOMMERCE_*` name `env` and `exec` manage (`stored::VARIABLES`; an outer
/// `eval "$(bcsetup env)"` may have set them, for another store). `exec` then sets its profile's own.
/// A browser has no use for any of them, and it may keep its environment in crash reports.
pub(crate) const WITHHELD_FROM_PROGRAMS: [&str; 7] = [
    "BCSETUP_ACCESS_TOKEN",
    "BCSETUP_CLIENT_SECRET",
    "BIGCOMMERCE_STORE_HASH",
    "BIGCOMMERCE_ACCESS_TOKEN",
    "BIGCOMMERCE_CLIENT_ID",
    "BIGCOMMERCE_API_PATH",
    "BIGCOMMERCE_CLIENT_SECRET",
];

/// Remove `WITHHELD_FROM_PROGRAMS` from the environment `command` will start with.
pub(crate) fn withhold_secrets(command: &mut std::process::Command) {
    for name in WITHHELD_FROM_PROGRAMS {
        command.env_remove(name);
    }
}

/// A snapshot of environment variables. Its `Debug` shows names only.
#[derive(Clone, Default)]
pub(crate) struct Env {
    plain: HashMap<String, String>,
    secret: HashMap<&'static str, SecretString>,
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.plain.keys().map(String::as_str).collect();
        names.extend(self.secret.keys());
        names.sort_unstable();
        f.debug_map()
            .entries(names.into_iter().map(|n| (n, "[redacted]")))
            .finish()
    }
}

impl Env {
    /// The process environment (non-UTF-8 variables are skipped).
    #[allow(clippy::disallowed_methods)]
    pub(crate) fn from_process() -> Self {
        std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect()
    }

    /// An environment made of the given pairs (tests).
    #[cfg(test)]
    pub(crate) fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// A variable, treating an empty value as unset. Secret variables are not readable here.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.plain.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A positive number of milliseconds (`BCSETUP_*_MS`); unset is `None`, anything else exit 2.
    pub(crate) fn millis(&self, name: &str) -> Result<Option<Duration>, Error> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        match raw.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(Some(Duration::from_millis(n))),
            _ => Err(InputErrors::one(
                name,
                "must be a positive whole number of milliseconds",
            )),
        }
    }

    /// A secret variable, trimmed; an empty value is unset.
    pub(crate) fn secret(&self, name: &str) -> Option<SecretString> {
        self.secret.get(name).cloned()
    }
}

impl FromIterator<(String, String)> for Env {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut env = Env::default();
        for (name, value) in pairs {
            match SECRET_VARIABLES.iter().find(|s| **s == name) {
                // Trimmed but kept when only whitespace is left: the token check names that problem.
                Some(secret) if !value.is_empty() => {
                    env.secret
                        .insert(secret, SecretString::from(value.trim().to_owned()));
                }
                Some(_) => {}
                None => {
                    env.plain.insert(name, value);
                }
            }
        }
        env
    }
}

/// The shared state of one run.
pub(crate) struct Context {
    /// The environment snapshot.
    pub env: Env,
    /// The profile named by `--profile` / `BCSETUP_PROFILE`.
    pub profile: ProfileName,
    /// The config directory.
    pub config_dir: PathBuf,
    /// Output.
    pub printer: Printer,
    /// The API base (`BCSETUP_API_BASE`).
    pub api_base: ApiBase,
    prompter: RefCell<Option<Box<dyn Prompter>>>,
    waits: Waits,
    keyring: Rc<dyn SecretStore>,
    file: Rc<dyn SecretStore>,
}

impl Context {
    /// Build the context from the global options and the environment.
    pub(crate) fn new(global: &GlobalArgs, env: Env, printer: Printer) -> Result<Self, Error> {
        let profile = parse_profile_arg(&global.profile)?;
        let config_dir = match &global.config_dir {
            Some(dir) => dir.clone(),
            None => default_config_dir()?,
        };
        let api_base = match env.get("BCSETUP_API_BASE") {
            Some(raw) => ApiBase::parse(raw).map_err(|e| InputErrors::one("BCSETUP_API_BASE", e))?,
            None => ApiBase::default(),
        };
        // Prompts need a terminal on stdin and stderr (dialoguer draws on stderr); piped stdin is
        // never taken as answers.
        let interactive =
            !global.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let prompter: Option<Box<dyn Prompter>> = if interactive {
            Some(Box::new(DialoguerPrompter::new()))
        } else {
            None
        };
        let file: Rc<dyn SecretStore> = Rc::new(FileStore::new(&config_dir));
        // A wait that lasts is announced even with --quiet: silence is what makes a wait look hung.
        let waits = Waits {
            lock: env
                .millis("BCSETUP_LOCK_TIMEOUT_MS")?
                .unwrap_or(crate::profile::DEFAULT_LOCK_WAIT),
            notice: Rc::new(move |text: &str| printer.show(text)),
        };
        let keyring = KeyringStore::new(keyring::Bound {
            wait: env
                .millis("BCSETUP_KEYRING_TIMEOUT_MS")?
                .unwrap_or(keyring::DEFAULT_WAIT),
            notice: Box::new(move |text: &str| printer.show(text)),
        });
        Ok(Self {
            env,
            profile,
            config_dir,
            printer,
            api_base,
            prompter: RefCell::new(prompter),
            waits,
            keyring: Rc::new(keyring),
            file,
        })
    }

    /// A context for unit tests: profile `shop` in `dir`, no terminal, a quiet printer, this
    /// environment, and `keyring` in place of the OS keyring.
    #[cfg(test)]
    pub(crate) fn for_tests(dir: &std::path::Path, env: Env, keyring: Rc<dyn SecretStore>) -> Self {
        let global = GlobalArgs {
            profile: "shop".into(),
            json: false,
            no_input: true,
            config_dir: Some(dir.to_owned()),
            quiet: true,
            verbose: false,
        };
        let printer = Printer {
            quiet: true,
            ..Printer::default()
        };
        let ctx = Self::new(&global, env, printer).expect("a valid test context");
        ctx.with_keyring(keyring)
    }

    /// Replace the terminal (tests give a scripted prompter, or `None` for "no terminal").
    #[cfg(test)]
    #[must_use]
    pub(crate) fn with_prompter(self, prompter: Option<Box<dyn Prompter>>) -> Self {
        *self.prompter.borrow_mut() = prompter;
        self
    }

    /// The terminal, when prompting is allowed, borrowed for one step. A step that already holds it
    /// passes it down instead of asking again; a nested call gets `None` (and trips the debug
    /// assertion) rather than a panic.
    pub(crate) fn prompter(&self) -> Option<RefMut<'_, dyn Prompter + 'static>> {
        debug_assert!(
            self.prompter.try_borrow_mut().is_ok(),
            "the prompter is already borrowed"
        );
        let slot = self.prompter.try_borrow_mut().ok()?;
        let prompter = RefMut::filter_map(slot, Option::as_deref_mut).ok()?;
        // A run that asks watches signals from its first question on, so a signal at a prompt
        // restores the terminal. Only then: `exec`, which never asks, forwards signals itself.
        self.watch_signals();
        Some(prompter)
    }

    /// Whether there is a terminal to ask on (stdin and stderr are terminals, no `--no-input`),
    /// without lending it: `copy` reads Enter from it.
    pub(crate) fn interactive(&self) -> bool {
        self.prompter.try_borrow().is_ok_and(|p| p.is_some())
    }

    /// End the run at once, restoring the terminal, on SIGINT, SIGTERM or SIGHUP (outside a
    /// save: `interrupt::critical`); the signal is told as a cancel (with `--json`, the error object).
    pub(crate) fn watch_signals(&self) {
        let printer = self.printer;
        crate::interrupt::install(move |err| printer.error(err));
    }

    /// The same run for another profile (`verify --all` reads each profile's secrets through it):
    /// the same environment, printer, locks' bounds and stores, no terminal.
    pub(crate) fn for_profile(&self, profile: ProfileName) -> Self {
        Self {
            env: self.env.clone(),
            profile,
            config_dir: self.config_dir.clone(),
            printer: self.printer,
            api_base: self.api_base.clone(),
            prompter: RefCell::new(None),
            waits: self.waits.clone(),
            keyring: Rc::clone(&self.keyring),
            file: Rc::clone(&self.file),
        }
    }

    /// What another thread needs to build a context of its own (a `Context` stays on its thread).
    pub(crate) fn seed(&self) -> Seed {
        Seed {
            env: self.env.clone(),
            config_dir: self.config_dir.clone(),
            api_base: self.api_base.clone(),
            lock_wait: self.waits.lock,
        }
    }

    /// Replace the keyring with another store (in-process tests use the memory store).
    #[cfg(test)]
    #[must_use]
    pub(crate) fn with_keyring(mut self, store: Rc<dyn SecretStore>) -> Self {
        self.keyring = store;
        self
    }

    /// profiles.toml of this config dir.
    pub(crate) fn profiles(&self) -> ProfileFile {
        ProfileFile::with_waits(&self.config_dir, self.waits.clone())
    }

    /// The secret store of a storage kind.
    pub(crate) fn store(&self, kind: StorageKind) -> Rc<dyn SecretStore> {
        match kind {
            StorageKind::Keyring => Rc::clone(&self.keyring),
            StorageKind::File => Rc::clone(&self.file),
        }
    }
}

/// The sendable part of a context, from which a worker thread of `verify --all` builds its own.
#[derive(Clone)]
pub(crate) struct Seed {
    env: Env,
    config_dir: PathBuf,
    api_base: ApiBase,
    lock_wait: Duration,
}

impl Seed {
    /// A context for `profile` on this thread, with this printer: no terminal, and stores of its
    /// own. The worker proves and records; it reads no secret, so its keyring never connects.
    pub(crate) fn context(&self, profile: ProfileName, printer: Printer) -> Context {
        Context {
            env: self.env.clone(),
            profile,
            config_dir: self.config_dir.clone(),
            printer,
            api_base: self.api_base.clone(),
            prompter: RefCell::new(None),
            waits: Waits {
                lock: self.lock_wait,
                notice: Rc::new(move |text: &str| printer.show(text)),
            },
            keyring: Rc::new(KeyringStore::new(keyring::Bound::default())),
            file: Rc::new(FileStore::new(&self.config_dir)),
        }
    }
}

fn default_config_dir() -> Result<PathBuf, Error> {
    use etcetera::BaseStrategy;
    let strategy = etcetera::choose_base_strategy().map_err(|e| {
        InputErrors::one(
            "--config-dir / BCSETUP_CONFIG_DIR",
            format!("no home directory to derive it from: {e}"),
        )
    })?;
    Ok(strategy.config_dir().join("bcsetup"))
}

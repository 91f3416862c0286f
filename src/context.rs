//! Everything a command needs from its surroundings, built once in `lib::main` and passed down:
//! a snapshot of the environment (the only place bcsetup reads it, so tests can inject one), the
//! profile, the config dir, the printer, whether prompting is allowed, and the secret stores (built
//! lazily: the keyring connects when constructed).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::rc::Rc;

use secrecy::SecretString;

use crate::bigcommerce::client::ApiBase;
use crate::cli::GlobalArgs;
use crate::error::{Error, InputErrors};
use crate::output::Printer;
use crate::profile::{ProfileFile, ProfileName, parse_profile_arg};
use crate::store::file::FileStore;
use crate::store::keyring::KeyringStore;
use crate::store::{SecretStore, StorageKind};

/// A snapshot of environment variables.
#[derive(Debug, Clone, Default)]
pub struct Env(HashMap<String, String>);

impl Env {
    /// The process environment (non-UTF-8 variables are skipped).
    #[allow(clippy::disallowed_methods)]
    pub fn from_process() -> Self {
        Self(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        )
    }

    /// An environment made of the given pairs (tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }

    /// A variable, treating an empty value as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A secret variable, wrapped the moment it is read.
    pub fn secret(&self, name: &str) -> Option<SecretString> {
        self.get(name).map(|v| SecretString::from(v.trim().to_owned()))
    }
}

/// The shared state of one run.
pub struct Context {
    /// The environment snapshot.
    pub env: Env,
    /// The profile named by `--profile` / `BCSETUP_PROFILE`.
    pub profile: ProfileName,
    /// The config directory.
    pub config_dir: PathBuf,
    /// Output.
    pub printer: Printer,
    /// Whether prompts may be shown (a terminal on stdin and stderr, and no `--no-input`).
    pub interactive: bool,
    /// The API base (`BCSETUP_API_BASE`).
    pub api_base: ApiBase,
    keyring: Rc<dyn SecretStore>,
    file: Rc<dyn SecretStore>,
}

impl Context {
    /// Build the context from the global options and the environment.
    pub fn new(global: &GlobalArgs, env: Env, printer: Printer) -> Result<Self, Error> {
        let profile = parse_profile_arg(&global.profile)?;
        let config_dir = match &global.config_dir {
            Some(dir) => dir.clone(),
            None => default_config_dir()?,
        };
        let api_base = match env.get("BCSETUP_API_BASE") {
            Some(raw) => ApiBase::parse(raw).map_err(|e| InputErrors::one("BCSETUP_API_BASE", e))?,
            None => ApiBase::default(),
        };
        let interactive =
            !global.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let file: Rc<dyn SecretStore> = Rc::new(FileStore::new(&config_dir));
        Ok(Self {
            env,
            profile,
            config_dir,
            printer,
            interactive,
            api_base,
            keyring: Rc::new(KeyringStore::default()),
            file,
        })
    }

    /// Replace the keyring with another store (in-process tests use the memory store).
    #[must_use]
    pub fn with_keyring(mut self, store: Rc<dyn SecretStore>) -> Self {
        self.keyring = store;
        self
    }

    /// profiles.toml of this config dir.
    pub fn profiles(&self) -> ProfileFile {
        ProfileFile::new(&self.config_dir)
    }

    /// The secret store of a storage kind.
    pub fn store(&self, kind: StorageKind) -> Rc<dyn SecretStore> {
        match kind {
            StorageKind::Keyring => Rc::clone(&self.keyring),
            StorageKind::File => Rc::clone(&self.file),
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

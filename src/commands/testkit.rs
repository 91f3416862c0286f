//! The world a command-level unit test runs in: a temporary config dir, the loopback fake
//! BigCommerce (`tests/it/support/fake_store.rs`, the same fake the binary tests use), the memory
//! store as the keyring, and a scripted terminal that the test can still read after the `Context`
//! took it. Commands run in-process, so a test sees the `Error` itself, not only an exit code.

use std::cell::RefCell;
use std::rc::Rc;

use secrecy::{ExposeSecret, SecretString};

pub(super) use super::fake_store::{FakeStore, Level, TokenSpec};
use crate::cli::InitArgs;
use crate::context::{Context, Env};
use crate::domain::StorageKind;
use crate::profile::Profile;
use crate::prompter::{Reply, ScriptedPrompter};
use crate::store::memory::MemoryStore;
use crate::store::{Key, SecretStore};

/// The store hash the fake knows.
pub(super) const STORE: &str = "unit123";

pub(super) struct World {
    dir: tempfile::TempDir,
    pub(super) fake: FakeStore,
    pub(super) keyring: Rc<MemoryStore>,
    pub(super) script: Rc<RefCell<ScriptedPrompter>>,
}

impl World {
    pub(super) fn new() -> Self {
        let fake = FakeStore::start();
        fake.add_store(STORE, "Unit Store");
        Self {
            dir: tempfile::tempdir().unwrap(),
            fake,
            keyring: Rc::new(MemoryStore::default()),
            script: Rc::new(RefCell::new(ScriptedPrompter::default())),
        }
    }

    /// A token the fake accepts for `STORE`.
    pub(super) fn token(&self, token: &str, spec: TokenSpec) -> String {
        self.fake.add_token(token, spec);
        token.to_owned()
    }

    /// A context without a terminal; `env` comes on top of the fake's API base.
    pub(super) fn batch(&self, env: &[(&str, &str)]) -> Context {
        let base = self.fake.base_url();
        let mut pairs = vec![("BCSETUP_API_BASE", base.as_str())];
        pairs.extend_from_slice(env);
        Context::for_tests(
            self.dir.path(),
            Env::from_pairs(pairs),
            Rc::clone(&self.keyring) as Rc<dyn SecretStore>,
        )
    }

    /// A context on a "terminal" that answers with `replies`.
    pub(super) fn terminal(&self, env: &[(&str, &str)], replies: impl IntoIterator<Item = Reply>) -> Context {
        *self.script.borrow_mut() = ScriptedPrompter::new(replies);
        self.batch(env)
            .with_prompter(Some(Box::new(Rc::clone(&self.script))))
    }

    /// Every prompt shown so far.
    pub(super) fn asked(&self) -> Vec<String> {
        self.script.borrow().asked.clone()
    }

    /// Replies the script did not use (a test expects them all used).
    pub(super) fn unused(&self) -> usize {
        self.script.borrow().answers.len()
    }

    /// `GET /v3/hooks` requests sent with this token.
    pub(super) fn hooks_sent_with(&self, token: &str) -> usize {
        self.fake
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/v3/hooks") && r.auth_token.as_deref() == Some(token))
            .count()
    }
}

/// `init` flags for every input except the token (which comes from the environment or a prompt).
pub(super) fn init_args(access: crate::bigcommerce::Access, scopes: &str) -> InitArgs {
    InitArgs {
        token_type: Some(crate::bigcommerce::TokenType::Api),
        name: Some("Unit migration".into()),
        access: Some(access),
        scopes: Some(scopes.into()),
        store_hash: Some(STORE.into()),
        ..InitArgs::default()
    }
}

/// The metadata of `shop`.
pub(super) fn profile(ctx: &Context) -> Option<Profile> {
    ctx.profiles().load().unwrap().profiles.get(&ctx.profile).cloned()
}

/// The token stored for `shop` in a store.
pub(super) fn stored_token(ctx: &Context, kind: StorageKind) -> Option<String> {
    let key = Key::access_token(&ctx.profile);
    ctx.store(kind)
        .get(&key)
        .unwrap()
        .map(|s: SecretString| s.expose_secret().to_owned())
}

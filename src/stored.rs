//! A profile's stored credentials, as `token`, `env` and `exec` hand them to other programs (and
//! `verify` proves them): the profile's metadata, its access token and, when asked for, its client
//! secret, read from the store the profile names. `variables` decides which `BIGCOMMERCE_*`
//! variables exist and what they hold; `Value::expose_to_program` is the one place their text is
//! read, at the moment it is handed over.
//!
//! Failures map to the design's exit codes: no such profile → 7; metadata without its secret in the
//! store → 6 (the store lost it); a client secret asked for that was never stored → 2 (a request the
//! profile cannot satisfy, fixed by `bcsetup init`, not by the keyring).

use secrecy::{ExposeSecret, SecretString};

use crate::bigcommerce::token::AccessToken;
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::profile::Profile;
use crate::store::{Key, SecretStore, StoreError};

/// The `BIGCOMMERCE_*` variables `env` and `exec` manage, in output order (docs/interface.md,
/// "Environment handed to programs").
pub(crate) const VARIABLES: [&str; 5] = [
    "BIGCOMMERCE_STORE_HASH",
    "BIGCOMMERCE_ACCESS_TOKEN",
    "BIGCOMMERCE_CLIENT_ID",
    "BIGCOMMERCE_API_PATH",
    "BIGCOMMERCE_CLIENT_SECRET",
];

/// A profile with its secrets.
pub(crate) struct Stored {
    /// The profile's metadata.
    pub profile: Profile,
    /// The access token.
    pub access_token: AccessToken,
    /// The client secret, loaded only when asked for.
    pub client_secret: Option<SecretString>,
    /// The API path to hand over: where bcsetup itself sends requests for this store.
    pub api_path: String,
}

/// The value of one exported variable: plain text, or a secret to expose only at the last moment.
pub(crate) enum Value<'a> {
    /// Not secret (store hash, client ID, API path).
    Plain(String),
    /// The access token.
    Token(&'a AccessToken),
    /// The client secret.
    Secret(&'a SecretString),
}

impl Value<'_> {
    /// The text handed to the program.
    pub(crate) fn expose_to_program(&self) -> &str {
        match self {
            Value::Plain(text) => text,
            Value::Token(token) => token.expose_to_program(),
            Value::Secret(secret) => secret.expose_secret(),
        }
    }
}

/// Load `ctx.profile` with its access token and, if `with_client_secret`, its client secret.
pub(crate) fn load(ctx: &Context, with_client_secret: bool) -> Result<Stored, Error> {
    // Held until the secrets are read: metadata and secrets come from the same committed state.
    let _guard = crate::transaction::read_committed(ctx, false)?;
    let profile = ctx.profiles().load()?.get(&ctx.profile)?.clone();
    let store = ctx.store(profile.storage);
    let access_token = access_token(ctx, &profile, &*store)?;
    let client_secret = if with_client_secret {
        if !profile.has_client_secret {
            return Err(InputErrors::one(
                "--include-client-secret",
                format!(
                    "profile `{}` has no client secret; keep one with `BCSETUP_CLIENT_SECRET=… bcsetup init \
                     --profile {}` (or import the credentials file with --credentials-file)",
                    ctx.profile, ctx.profile
                ),
            ));
        }
        let secret = store
            .get(&Key::client_secret(&ctx.profile))?
            .ok_or_else(|| lost(ctx, &profile, "client secret"))?;
        Some(secret)
    } else {
        None
    };
    Ok(Stored {
        api_path: ctx.api_base.api_path(&profile.store_hash),
        profile,
        access_token,
        client_secret,
    })
}

/// The profile's access token from its store; missing or no longer a token is the store's problem
/// (exit 6).
pub(crate) fn access_token(
    ctx: &Context,
    profile: &Profile,
    store: &dyn SecretStore,
) -> Result<AccessToken, Error> {
    let raw = store
        .get(&Key::access_token(&ctx.profile))?
        .ok_or_else(|| lost(ctx, profile, "access token"))?;
    let token = AccessToken::from_store(&raw).map_err(StoreError::Failed)?;
    // Another tool (`secret-tool store` from a pipe, an editor) may have kept a newline: harmless once
    // trimmed, but worth knowing, since other programs reading the entry get it too.
    if raw.expose_secret().len() != token.expose_to_program().len() {
        ctx.printer.warn(format_args!(
            "the stored access token of profile `{}` has spaces or a newline around it (stored by \
             another tool?); bcsetup trims them. `bcsetup init --profile {}` stores it clean",
            ctx.profile, ctx.profile
        ));
    }
    Ok(token)
}

/// The metadata says a secret is stored, but the store has none: exit 6.
fn lost(ctx: &Context, profile: &Profile, what: &str) -> StoreError {
    StoreError::Failed(format!(
        "profile `{}` has metadata but no {what} in the {}; run `bcsetup init --profile {}` again",
        ctx.profile,
        profile.storage.as_str(),
        ctx.profile
    ))
}

impl Stored {
    /// The variables to export, in `VARIABLES` order; unknown ones (no client ID, no secret) are absent.
    pub(crate) fn variables(&self) -> Vec<(&'static str, Value<'_>)> {
        let hash = &self.profile.store_hash;
        let mut vars = vec![
            (VARIABLES[0], Value::Plain(hash.as_str().to_owned())),
            (VARIABLES[1], Value::Token(&self.access_token)),
        ];
        if let Some(id) = &self.profile.client_id {
            vars.push((VARIABLES[2], Value::Plain(id.clone())));
        }
        // Where bcsetup sends this store's requests, not profiles.toml's copy: the real
        // `https://api.bigcommerce.com/stores/<hash>/v3/`, or the `BCSETUP_API_BASE` one (the offline
        // try-out's fake), so a program under `exec` talks to the API the token was proven against
        // (docs/interface.md, "Environment handed to programs" and "API base override").
        vars.push((VARIABLES[3], Value::Plain(self.api_path.clone())));
        if let Some(secret) = &self.client_secret {
            vars.push((VARIABLES[4], Value::Secret(secret)));
        }
        vars
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
    use crate::context::Env;
    use crate::domain::StorageKind;
    use crate::store::SecretStore;
    use crate::store::memory::MemoryStore;

    fn context(dir: &std::path::Path, store: Rc<MemoryStore>) -> Context {
        Context::for_tests(dir, Env::default(), store)
    }

    fn profile(client_id: Option<&str>, has_client_secret: bool) -> Profile {
        Profile {
            store_hash: StoreHash::parse("abc123").unwrap(),
            api_path: "https://api.bigcommerce.com/stores/abc123/v3/".into(),
            store_name: None,
            account_name: AccountName::parse("Migration").unwrap(),
            client_id: client_id.map(str::to_owned),
            has_client_secret,
            token_type: TokenType::Api,
            access: Access::ReadOnly,
            scopes_wanted: vec![],
            scopes_observed: std::collections::BTreeMap::new(),
            storage: StorageKind::Keyring,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            rotated_at: None,
            verified_at: None,
        }
    }

    fn save(ctx: &Context, p: Profile) {
        ctx.profiles()
            .update(|all| {
                all.profiles.insert(ctx.profile.clone(), p);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn exit_codes_for_missing_profile_token_and_secret() {
        let dir = tempfile::tempdir().unwrap();
        let store = Rc::new(MemoryStore::default());
        let ctx = context(dir.path(), Rc::clone(&store));
        assert_eq!(load(&ctx, false).err().map(|e| e.exit_code()), Some(7));
        save(&ctx, profile(None, false));
        assert_eq!(load(&ctx, false).err().map(|e| e.exit_code()), Some(6));
        store
            .set(&Key::access_token(&ctx.profile), &SecretString::from("tok"))
            .unwrap();
        assert!(load(&ctx, false).is_ok());
        // Asked for, never kept: the request is the problem (2), not the store.
        assert_eq!(load(&ctx, true).err().map(|e| e.exit_code()), Some(2));
        // Kept according to the metadata, gone from the store: the store is the problem (6).
        save(&ctx, profile(None, true));
        assert_eq!(load(&ctx, true).err().map(|e| e.exit_code()), Some(6));
    }

    #[test]
    fn variables_follow_the_design_and_skip_what_is_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let store = Rc::new(MemoryStore::default());
        let ctx = context(dir.path(), Rc::clone(&store));
        save(&ctx, profile(Some("cid"), true));
        store
            .set(&Key::access_token(&ctx.profile), &SecretString::from("tok"))
            .unwrap();
        store
            .set(&Key::client_secret(&ctx.profile), &SecretString::from("sec"))
            .unwrap();
        let show = |creds: &Stored| -> Vec<(String, String)> {
            creds
                .variables()
                .into_iter()
                .map(|(k, v)| match v {
                    Value::Plain(p) => (k.to_owned(), p),
                    secret => (k.to_owned(), format!("secret:{}", secret.expose_to_program())),
                })
                .collect()
        };
        let all = show(&load(&ctx, true).unwrap());
        let expected = [
            ("BIGCOMMERCE_STORE_HASH", "abc123"),
            ("BIGCOMMERCE_ACCESS_TOKEN", "secret:tok"),
            ("BIGCOMMERCE_CLIENT_ID", "cid"),
            (
                "BIGCOMMERCE_API_PATH",
                "https://api.bigcommerce.com/stores/abc123/v3/",
            ),
            ("BIGCOMMERCE_CLIENT_SECRET", "secret:sec"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(all, expected);
        save(&ctx, profile(None, true));
        let names: Vec<String> = show(&load(&ctx, false).unwrap())
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            names,
            [
                "BIGCOMMERCE_STORE_HASH",
                "BIGCOMMERCE_ACCESS_TOKEN",
                "BIGCOMMERCE_API_PATH"
            ]
        );
    }

    #[test]
    fn the_api_path_follows_the_api_base_and_profiles_toml_keeps_the_real_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Rc::new(MemoryStore::default());
        let env = Env::from_pairs([("BCSETUP_API_BASE", "http://127.0.0.1:9")]);
        let ctx = Context::for_tests(dir.path(), env, Rc::clone(&store) as Rc<dyn SecretStore>);
        save(&ctx, profile(None, false));
        store
            .set(&Key::access_token(&ctx.profile), &SecretString::from("tok"))
            .unwrap();
        let stored = load(&ctx, false).unwrap();
        let path = stored
            .variables()
            .into_iter()
            .find(|(k, _)| *k == "BIGCOMMERCE_API_PATH")
            .map(|(_, v)| v.expose_to_program().to_owned());
        assert_eq!(path.as_deref(), Some("http://127.0.0.1:9/stores/abc123/v3/"));
        assert_eq!(
            stored.profile.api_path,
            "https://api.bigcommerce.com/stores/abc123/v3/"
        );
    }
}

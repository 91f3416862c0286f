//! `<config-dir>/profiles.toml`: the non-secret metadata of every profile. Loaded without a lock
//! (writes are atomic renames, so a reader never sees a torn file); changed only inside
//! `ProfileFile::update`, which holds an exclusive lock on `profiles.lock` across read-modify-write,
//! so concurrent runs lose nothing. A file that cannot be parsed is reported, never overwritten.
//! This file never holds a secret.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::bigcommerce::classify::Observed;
use crate::bigcommerce::scopes::{Scope, ScopeSet};
use crate::bigcommerce::{Access, AccountName, Level, StoreHash, TokenType};
use crate::domain::{ProfileName, StorageKind};
use crate::error::{Error, InputErrors};

mod attention;
mod file;

pub(crate) use attention::{Problem, problems};
pub(crate) use file::{DEFAULT_LOCK_WAIT, ProfileLock, Waits};
pub use file::{MAX_FILE_BYTES, ProfileFile};

/// The format version written to profiles.toml; a newer one is refused rather than mangled.
pub const FORMAT_VERSION: u32 = 1;

/// What bcsetup remembers about one profile. No secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The store's hash.
    pub store_hash: StoreHash,
    /// `https://api.bigcommerce.com/stores/<hash>/v3/`.
    pub api_path: String,
    /// The store's name, as last seen by verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_name: Option<String>,
    /// The API account's name in the control panel.
    pub account_name: AccountName,
    /// The API account's client ID (not secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Whether a client secret is kept beside the token.
    #[serde(default)]
    pub has_client_secret: bool,
    /// V2/V3 API token or Stencil-CLI token.
    pub token_type: TokenType,
    /// Read-only or Modify.
    pub access: Access,
    /// The scope keys the job needs.
    pub scopes_wanted: Vec<String>,
    /// What the last verification observed, per scope key.
    #[serde(default)]
    pub scopes_observed: BTreeMap<String, Observed>,
    /// Where the secrets live.
    pub storage: StorageKind,
    /// When the profile was first stored.
    pub created_at: Timestamp,
    /// When the credentials were last replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<Timestamp>,
    /// When the credentials were last proven live; `None` = stored with `--no-verify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<Timestamp>,
}

impl Profile {
    /// The scopes to verify: those saved, plus any the token type requires now. A profile saved before
    /// a scope joined its preset (Information & Settings for Stencil-CLI tokens) is checked for what its
    /// tools need today.
    pub fn wanted_scopes(&self) -> ScopeSet {
        ScopeSet::from_keys(self.scopes_wanted.iter().map(String::as_str)).with_required(self.token_type)
    }

    /// The scopes of `set` that the last verification did not prove at `level` (never observed, or
    /// observed below it): what a command about to rely on them should warn about, without a request.
    pub fn unproven(&self, set: &ScopeSet, level: Level) -> Vec<&'static Scope> {
        set.iter()
            .filter(|scope| {
                !self
                    .scopes_observed
                    .get(scope.key)
                    .is_some_and(|seen| seen.satisfies(level))
            })
            .collect()
    }
}

/// The whole profiles.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profiles {
    /// Format version.
    #[serde(default = "default_version")]
    pub version: u32,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<ProfileName, Profile>,
    /// Rotations that staged new credentials but have not been committed yet (see `transaction`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pending: BTreeMap<ProfileName, Profile>,
}

fn default_version() -> u32 {
    FORMAT_VERSION
}

impl Profiles {
    /// Look a profile up, or fail with exit 7.
    pub fn get(&self, name: &ProfileName) -> Result<&Profile, Error> {
        self.profiles.get(name).ok_or_else(|| self.not_found(name))
    }

    /// Exit 7 for `name`, naming the profiles that exist so the user can pick one.
    pub fn not_found(&self, name: &ProfileName) -> Error {
        Error::ProfileNotFound {
            name: name.to_string(),
            existing: self.profiles.keys().map(ToString::to_string).collect(),
        }
    }
}

/// Parse a `--profile` value, as an input error naming the flag.
pub fn parse_profile_arg(raw: &str) -> Result<ProfileName, Error> {
    ProfileName::parse(raw).map_err(|e| InputErrors::one("--profile / BCSETUP_PROFILE", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn sample() -> Profile {
        Profile {
            store_hash: StoreHash::parse("abc123").unwrap(),
            api_path: "https://api.bigcommerce.com/stores/abc123/v3/".into(),
            store_name: Some("Shop".into()),
            account_name: AccountName::parse("Migration").unwrap(),
            client_id: Some("cid".into()),
            has_client_secret: false,
            token_type: TokenType::Api,
            access: Access::Modify,
            scopes_wanted: vec!["products".into()],
            scopes_observed: BTreeMap::from([("products".into(), Observed::Modify)]),
            storage: StorageKind::Keyring,
            created_at: Timestamp::UNIX_EPOCH,
            rotated_at: None,
            verified_at: Some(Timestamp::UNIX_EPOCH),
        }
    }

    #[test]
    fn unproven_lists_what_the_last_verification_did_not_prove() {
        let mut p = sample();
        p.scopes_observed.insert("sites".into(), Observed::None);
        p.scopes_observed.insert("themes".into(), Observed::ReadOnly);
        let set = ScopeSet::from_keys(["products", "sites", "themes", "information"]);
        let keys = |level| p.unproven(&set, level).iter().map(|s| s.key).collect::<Vec<_>>();
        assert_eq!(keys(Level::ReadOnly), ["information", "sites"]);
        assert_eq!(keys(Level::Modify), ["information", "themes", "sites"]);
    }

    #[test]
    fn profile_names() {
        for ok in ["default", "shop-a", "a.b_c", "X"] {
            assert!(ProfileName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a/b", "..", ".", "a b", "ü", &"x".repeat(65)] {
            assert!(ProfileName::parse(bad).is_err(), "{bad}");
        }
    }
}

//! The scope catalog: one static table of the store resource scopes bcsetup knows, with the requests
//! that prove each level. Pure data plus the control-panel checklist built from it.
//!
//! Every write probe here must be unable to change data: it either omits fields the spec marks required
//! (so the API must answer 400/422 when the scope allows the write) or targets an id that cannot exist
//! (404). A scope with no such request has no write probe, and bcsetup reports its Modify as `unknown`.
//! Every request here is recorded, with the facts from BigCommerce's OpenAPI specs that make it safe, in
//! `tests/data/probe-contract.toml`; `scopes/contract.rs` checks the catalog against that fixture, and
//! `tests/contract/spec_drift.rs` checks the fixture against the specs (docs/bigcommerce.md, "Sources").

use std::fmt;

use serde::{Serialize, Serializer};

use super::{Access, Level, TokenType};

/// HTTP method of a probe. There is deliberately no DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Read probe.
    Get,
    /// Write probe against a create endpoint, with a body missing required fields.
    Post,
    /// Write probe against an id that cannot exist.
    Put,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }
}

/// One request relative to `/stores/{hash}`, e.g. `GET /v3/catalog/products?limit=1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// Path and query below `/stores/{hash}`, starting with `/v2/` or `/v3/`.
    pub path: &'static str,
    /// JSON body for write probes.
    pub body: Option<&'static str>,
}

impl Request {
    const fn get(path: &'static str) -> Self {
        Self {
            method: Method::Get,
            path,
            body: None,
        }
    }
    const fn post(path: &'static str, body: &'static str) -> Self {
        Self {
            method: Method::Post,
            path,
            body: Some(body),
        }
    }
    const fn put(path: &'static str, body: &'static str) -> Self {
        Self {
            method: Method::Put,
            path,
            body: Some(body),
        }
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.as_str(), self.path)
    }
}

/// Which levels the control panel offers for a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// None / Read-only / Modify.
    Both,
    /// None / Modify (e.g. customers login).
    ModifyOnly,
    /// None / Read-only (e.g. payment methods).
    ReadOnlyOnly,
}

/// One store resource scope.
#[derive(Debug, PartialEq, Eq)]
pub struct Scope {
    /// bcsetup's key for the scope (`--scopes`, JSON, profiles.toml).
    pub key: &'static str,
    /// The name the control panel shows.
    pub ui_name: &'static str,
    /// OAuth parameter of the Modify level (or of the only level).
    pub param: &'static str,
    /// OAuth parameter of the Read-only level, where one exists.
    pub param_read_only: Option<&'static str>,
    /// Levels the control panel offers.
    pub offered: Offered,
    /// Part of the default migration set.
    pub migration: bool,
    /// Always kept for a migration, whatever `--scopes` says.
    pub required: bool,
    /// A side-effect-free request that succeeds with Read-only or Modify and gets 403 with None.
    pub read_probe: Option<Request>,
    /// A request that gets 400/404/422 with Modify and 403 without, and can never change data.
    pub write_probe: Option<Request>,
}

impl Serialize for &'static Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key)
    }
}

impl Scope {
    /// A scope bcsetup can set up but not probe: outside the migration set, and no BigCommerce spec
    /// documents a side-effect-free endpoint for it, so its level is `unknown`.
    const fn unprobed(
        key: &'static str,
        ui_name: &'static str,
        param: &'static str,
        param_read_only: Option<&'static str>,
        offered: Offered,
    ) -> Self {
        Self {
            key,
            ui_name,
            param,
            param_read_only,
            offered,
            migration: false,
            required: false,
            read_probe: None,
            write_probe: None,
        }
    }
}

mod catalog;

pub use catalog::SCOPES;

/// Look a scope up by its key.
pub fn find(key: &str) -> Option<&'static Scope> {
    SCOPES.iter().find(|s| s.key == key)
}

/// Position in the catalog, used to keep sets in control-panel order.
fn position(scope: &Scope) -> usize {
    SCOPES
        .iter()
        .position(|s| std::ptr::eq(s, scope))
        .unwrap_or(usize::MAX)
}

/// A set of wanted scopes, kept in catalog order without duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct ScopeSet(Vec<&'static Scope>);

impl ScopeSet {
    /// The eight scopes of the migration checklist.
    pub fn migration() -> Self {
        Self::from_scopes(SCOPES.iter().filter(|s| s.migration))
    }

    /// The scopes stencil-cli calls with a Stencil-CLI token (`STENCIL_PRESET`).
    pub fn stencil() -> Self {
        Self::from_scopes(STENCIL_PRESET.iter().filter_map(|(key, _)| find(key)))
    }

    /// The scopes every stencil-cli command needs at least Read-only, whatever the token type.
    pub fn stencil_required() -> Self {
        Self::from_scopes(
            STENCIL_PRESET
                .iter()
                .filter(|(_, need)| *need == Need::Required)
                .filter_map(|(key, _)| find(key)),
        )
    }

    /// The default set for a token type.
    pub fn default_for(token_type: TokenType) -> Self {
        match token_type {
            TokenType::Api => Self::migration(),
            TokenType::Stencil => Self::stencil(),
        }
    }

    /// Parse a comma list of keys; unknown keys are reported together. For API tokens the scopes
    /// required for a migration are always added.
    pub fn parse(list: &str, token_type: TokenType) -> Result<Self, String> {
        let mut unknown = Vec::new();
        let mut scopes = Vec::new();
        for key in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            match find(&key.to_ascii_lowercase().replace('-', "_")) {
                Some(scope) => scopes.push(scope),
                None => unknown.push(key.to_owned()),
            }
        }
        if !unknown.is_empty() {
            let known: Vec<_> = SCOPES.iter().map(|s| s.key).collect();
            return Err(format!(
                "unknown scope {} (known: {})",
                unknown.join(", "),
                known.join(", ")
            ));
        }
        if scopes.is_empty() {
            return Err("the scope list is empty".into());
        }
        Ok(Self::from_scopes(scopes).with_required(token_type))
    }

    /// The set with the scopes the token type cannot do without: for API tokens the catalog's
    /// `required` ones, for Stencil-CLI tokens the preset's required reads. A profile saved by an
    /// older bcsetup gets the scopes added since, so `verify` checks what the tools need today.
    #[must_use]
    pub fn with_required(self, token_type: TokenType) -> Self {
        let required = match token_type {
            TokenType::Api => Self::from_scopes(SCOPES.iter().filter(|s| s.required)),
            TokenType::Stencil => Self::stencil_required(),
        };
        Self::from_scopes(self.0.into_iter().chain(required.0))
    }

    /// Build from scope keys (as stored in profiles.toml), ignoring keys this version does not know.
    pub fn from_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        Self::from_scopes(keys.into_iter().filter_map(find))
    }

    fn from_scopes(scopes: impl IntoIterator<Item = &'static Scope>) -> Self {
        let mut v: Vec<_> = scopes.into_iter().collect();
        v.sort_by_key(|s| position(s));
        v.dedup_by(|a, b| std::ptr::eq(*a, *b));
        Self(v)
    }

    /// The scopes, in catalog order.
    pub fn iter(&self) -> impl Iterator<Item = &'static Scope> + '_ {
        self.0.iter().copied()
    }

    /// The keys, in catalog order.
    pub fn keys(&self) -> Vec<&'static str> {
        self.0.iter().map(|s| s.key).collect()
    }

    /// Whether the set holds a scope.
    pub fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|s| s.key == key)
    }
}

/// Whether a shortfall of a wanted scope fails the verification or is only a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Below the wanted level, the verification fails.
    Required,
    /// Below the wanted level, bcsetup warns and the exit code does not change.
    Advisory,
}

/// What stencil-cli calls with a Stencil-CLI token (docs/bigcommerce.md, "Stencil-CLI tokens"):
/// `stencil start` fails without `GET /v3/sites` or `GET /v3/settings/store/locale` (Information &
/// Settings), `stencil push` needs Themes, and a refused `GET /v3/channels` only warns since 7.5.1.
const STENCIL_PRESET: [(&str, Need); 4] = [
    ("themes", Need::Required),
    ("sites", Need::Required),
    ("information", Need::Required),
    ("channel_settings", Need::Advisory),
];

/// How much a scope's shortfall matters for a token type: only the Stencil preset has advisory scopes.
pub fn need(scope: &Scope, token_type: TokenType) -> Need {
    match token_type {
        TokenType::Api => Need::Required,
        TokenType::Stencil => STENCIL_PRESET
            .iter()
            .find(|(key, _)| *key == scope.key)
            .map_or(Need::Required, |(_, need)| *need),
    }
}

/// The level to set in the control panel for a scope, given the token type and the access wanted.
///
/// Stencil tokens come with a preset; only Themes rises to Modify, for "publish theme".
pub fn wanted_level(scope: &Scope, token_type: TokenType, access: Access) -> Level {
    let level = match token_type {
        TokenType::Api => access.level(),
        TokenType::Stencil if scope.key == "themes" => access.level(),
        TokenType::Stencil => Level::ReadOnly,
    };
    match (scope.offered, level) {
        (Offered::ModifyOnly, Level::ReadOnly) => Level::Modify,
        (Offered::ReadOnlyOnly, Level::Modify) => Level::ReadOnly,
        (_, level) => level,
    }
}

#[cfg(test)]
mod contract;
#[cfg(test)]
mod tests;

//! What a verification found: the store as `GET /v2/store` describes it (when it answers) and one
//! row per wanted scope. Plain data that serializes to the JSON report (docs/interface.md, "JSON output"); the
//! judgement that fills it is `judge.rs`, the table that shows it is `render.rs`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::classify::Observed;
use super::{Access, Level, StoreHash, TokenType};

/// The store as `GET /v2/store` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreInfo {
    /// Store hash.
    pub hash: StoreHash,
    /// Store name, when Information & Settings could be read.
    pub name: Option<String>,
    /// Primary domain.
    pub domain: Option<String>,
    /// Storefront URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_url: Option<String>,
    /// Control panel URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_panel_url: Option<String>,
}

impl StoreInfo {
    pub(super) fn parse(hash: &StoreHash, body: Option<&[u8]>) -> Self {
        let json: serde_json::Value = body
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        Self {
            hash: hash.clone(),
            name: text("name"),
            domain: text("domain"),
            secure_url: text("secure_url"),
            control_panel_url: text("control_panel_base_url"),
        }
    }
}

/// One row of the scope matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeResult {
    /// Scope key.
    pub scope: &'static str,
    /// Control-panel name.
    pub name: &'static str,
    /// Level wanted.
    pub wanted: Level,
    /// Level observed.
    pub observed: Observed,
    /// Whether observed proves wanted.
    pub ok: bool,
    /// A shortfall here is a warning, not a failure (Channel Settings for a Stencil-CLI token).
    pub advisory: bool,
}

/// The result of a verification (docs/interface.md, "JSON output").
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Token and every wanted scope proven.
    pub ok: bool,
    /// Profile name.
    pub profile: String,
    /// The store.
    pub store: StoreInfo,
    /// Token type verified.
    pub token_type: TokenType,
    /// Access verified.
    pub access: Access,
    /// Per-scope matrix.
    pub scopes: Vec<ScopeResult>,
    /// Requests sent, retries included.
    pub requests: usize,
}

impl Report {
    /// Rows that fell short of the wanted level and fail the verification.
    pub fn short(&self) -> impl Iterator<Item = &ScopeResult> {
        self.scopes.iter().filter(|s| !s.ok && !s.advisory)
    }

    /// Rows that fell short where that is only a warning.
    pub fn warnings(&self) -> impl Iterator<Item = &ScopeResult> {
        self.scopes.iter().filter(|s| !s.ok && s.advisory)
    }

    /// What was observed per scope key, as profiles.toml records it.
    pub fn observed(&self) -> BTreeMap<String, Observed> {
        self.scopes
            .iter()
            .map(|s| (s.scope.to_owned(), s.observed))
            .collect()
    }
}

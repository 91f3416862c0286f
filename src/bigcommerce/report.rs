//! What a verification found: the store as `GET /v2/store` describes it (when it answers) and one
//! row per wanted scope. Plain data that serializes to the JSON report (docs/interface.md, "JSON output"); the
//! judgement that fills it is `judge.rs`, the table that shows it is `render.rs`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::classify::Observed;
use super::{Access, Level, StoreHash, TokenType};
use crate::text;

/// Longest store name kept, in characters: it is stored in profiles.toml and shown in `status`.
pub const STORE_NAME_CHARS: usize = 200;
/// Longest domain or URL kept, in characters (a domain name has at most 253).
const FIELD_CHARS: usize = 300;

/// The store as `GET /v2/store` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreInfo {
    /// Store hash.
    pub hash: StoreHash,
    /// Store name, when Information & Settings could be read: without control or bidi characters,
    /// at most `STORE_NAME_CHARS`.
    pub name: Option<String>,
    /// Primary domain, as answered (at most 300 characters); shown only through `text::one_line`.
    pub domain: Option<String>,
    /// Storefront URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_url: Option<String>,
    /// Control panel URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_panel_url: Option<String>,
}

impl StoreInfo {
    /// The store as the body of `GET /v2/store` describes it. Every field is bounded; the name is
    /// also cleaned, since it is kept in profiles.toml (by `init` and `verify`) and shown later.
    pub(super) fn parse(hash: &StoreHash, body: Option<&[u8]>) -> Self {
        let json: serde_json::Value = body
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        let field = |k: &str| json.get(k).and_then(|v| v.as_str());
        let bounded = |k: &str| field(k).map(|v| text::bound(v, FIELD_CHARS));
        Self {
            hash: hash.clone(),
            name: field("name").map(|v| text::clean(v, STORE_NAME_CHARS)),
            domain: bounded("domain"),
            secure_url: bounded("secure_url"),
            control_panel_url: bounded("control_panel_base_url"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_store_answer_is_bounded_and_its_name_cleaned() {
        let hash = StoreHash::parse("abc123").unwrap();
        let body = serde_json::json!({
            "name": format!("Shop\u{1b}]52;c;eA==\u{7}\r✓ forged\u{202e}{}", "\u{7f}".repeat(1000) + &"x".repeat(500)),
            "domain": format!("evil\u{1b}[2J{}.example", "d".repeat(1000)),
        });
        let info = StoreInfo::parse(&hash, Some(body.to_string().as_bytes()));
        let name = info.name.unwrap();
        assert!(name.starts_with("Shop]52;c;eA== ✓ forged"), "{name}");
        assert_eq!(name.chars().count(), STORE_NAME_CHARS);
        assert!(!name.chars().any(text::is_unsafe), "{name:?}");
        // Not kept, so shown escaped rather than changed: the JSON report carries it as answered.
        let domain = info.domain.unwrap();
        assert!(domain.starts_with("evil\u{1b}[2Jddd"), "{domain:?}");
        assert_eq!(domain.chars().count(), FIELD_CHARS);
        assert_eq!(info.secure_url, None);
    }
}

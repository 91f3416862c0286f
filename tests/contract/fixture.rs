//! The probe contract: `tests/data/probe-contract.toml`, the facts from BigCommerce's OpenAPI specs that
//! every request bcsetup's verification sends relies on. Two checks read it:
//!
//! - `src/bigcommerce/scopes/contract.rs` (part of `cargo test`): the scope catalog and the fixture name the
//!   same requests, and each write probe, by the fixture's own facts, cannot change data;
//! - `tests/contract/spec_drift.rs` (`cargo test --test spec-drift`, with `BCSETUP_OPENAPI_DIR` pointing at
//!   BigCommerce's `reference/` folder): re-derives every entry from the YAML and fails on any drift.
//!
//! Both include this file with `#[path]`, so the fixture has one reader.

use serde::{Deserialize, Serialize};

/// The fixture's text, compiled in so the check needs nothing at run time.
pub const TEXT: &str = include_str!("../data/probe-contract.toml");

/// The whole fixture.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// One entry per request, in catalog order.
    pub probe: Vec<Probe>,
}

/// What a request is for, which decides the rule that makes it safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// The token and store check: an endpoint every API account may call (the spec lists no scope).
    Token,
    /// The store's name and domain (`GET /v2/store`): a GET that proves no scope, because its guard was
    /// never observed refusing a request.
    Store,
    /// A read: proves the scope is at least Read-only; a GET, never a body.
    Read,
    /// A write that the API must refuse whatever the store holds.
    Write,
}

/// Why a write cannot change data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Reads change nothing.
    Read,
    /// Every object the body sends lacks fields the spec marks required, so the API must answer 400/422.
    RequiredFieldsMissing,
    /// The request targets id 0 in every `{…}` segment, which the spec types as a positive integer id:
    /// no such entity exists, so the API must answer 404.
    IdCannotExist,
}

/// One request, as the catalog sends it, with what the spec says about it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// The catalog key of the scope it proves (for the store request: the scope its spec names); `""`
    /// for the token check.
    pub scope: String,
    /// What it proves.
    pub purpose: Purpose,
    /// `GET`, `POST` or `PUT` (never `DELETE`).
    pub method: String,
    /// Path and query below `/stores/{store_hash}`.
    pub path: String,
    /// The JSON body, for writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The spec file in BigCommerce's `reference/` folder that documents the endpoint.
    pub spec: String,
    /// The bigcommerce/docs commit the spec was read from.
    pub commit: String,
    /// The path template the request matches, below the spec's server URL (`/v2` or `/v3`).
    pub template: String,
    /// The spec's `operationId`.
    pub operation: String,
    /// The OAuth parameter (Modify level) that guards the endpoint, from the spec's scope table;
    /// `""` when the spec says no scope is required.
    pub guard: String,
    /// Why the request cannot change data.
    pub rule: Rule,
    /// Query parameters sent; the spec declares each.
    #[serde(default)]
    pub query: Vec<String>,
    /// Path ids sent, in order.
    #[serde(default)]
    pub ids: Vec<PathId>,
    /// The fields the spec requires of the body (of each item, for an array body), sorted.
    #[serde(default)]
    pub required: Vec<String>,
}

/// A value in one `{…}` segment of the path.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PathId {
    /// The template's parameter name.
    pub name: String,
    /// The value sent.
    pub value: String,
    /// Whether the spec types the parameter as an integer.
    pub integer: bool,
}

/// Parse the fixture; a broken fixture is a test failure with the parser's message.
pub fn load() -> Contract {
    toml::from_str(TEXT).unwrap_or_else(|e| panic!("tests/data/probe-contract.toml: {e}"))
}

impl Probe {
    /// The request as the catalog prints it: `GET /v3/hooks`.
    pub fn request(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Check, from the entry's own facts, that the request cannot change data and that the facts agree
    /// with the request (template, ids and query against the path). Returns every problem found.
    pub fn check_safety(&self) -> Vec<String> {
        let mut problems = self.check_shape();
        let body = self
            .body
            .as_deref()
            .map(serde_json::from_str::<serde_json::Value>);
        let rule_holds = match (self.purpose, self.rule, self.method.as_str(), &body) {
            (Purpose::Token | Purpose::Store | Purpose::Read, Rule::Read, "GET", None) => {
                self.required.is_empty()
            }
            (Purpose::Write, Rule::RequiredFieldsMissing, "POST" | "PUT", Some(Ok(body))) => {
                !self.required.is_empty() && lacks(body, &self.required)
            }
            (Purpose::Write, Rule::IdCannotExist, "PUT", Some(Ok(_))) => {
                !self.ids.is_empty() && self.ids.iter().all(|id| id.value == "0" && id.integer)
            }
            _ => false,
        };
        if !rule_holds {
            problems.push(format!(
                "rule {:?} does not hold for a {:?} {} with body {:?}, required {:?}, ids {:?}",
                self.rule, self.purpose, self.method, self.body, self.required, self.ids
            ));
        }
        problems
    }

    /// The template, ids and query agree with the path.
    fn check_shape(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let (path, query) = self.path.split_once('?').unwrap_or((&self.path, ""));
        let segments: Vec<&str> = path.split('/').collect();
        let patterns: Vec<&str> = self.template.split('/').collect();
        let mut ids = self.ids.iter();
        let same_length = segments.len() == patterns.len();
        let aligned = same_length
            && patterns.iter().zip(&segments).all(|(pattern, segment)| {
                match pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) => ids
                        .next()
                        .is_some_and(|id| id.name == name && id.value == *segment),
                    None => pattern == segment,
                }
            });
        if !aligned || ids.next().is_some() {
            problems.push(format!(
                "template {} and ids {:?} do not match the path",
                self.template, self.ids
            ));
        }
        let sent: Vec<&str> = query
            .split('&')
            .filter(|q| !q.is_empty())
            .map(|q| q.split('=').next().unwrap_or(q))
            .collect();
        if sent != self.query.iter().map(String::as_str).collect::<Vec<_>>() {
            problems.push(format!("query {:?} does not match the path", self.query));
        }
        problems
    }
}

/// Whether every object the body sends lacks at least one required field (and an array is not empty).
pub fn lacks(body: &serde_json::Value, required: &[String]) -> bool {
    match body {
        serde_json::Value::Object(fields) => required.iter().any(|name| !fields.contains_key(name)),
        serde_json::Value::Array(items) => {
            !items.is_empty() && items.iter().all(|item| lacks(item, required))
        }
        _ => false,
    }
}

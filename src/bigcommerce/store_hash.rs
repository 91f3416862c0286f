//! The store hash: the short id in every API path (`/stores/{store_hash}/v3/`).
//!
//! Owns turning what users paste (a bare hash, `store-{hash}`, the API path, the control-panel URL) into a
//! validated `StoreHash`, and building the URLs that contain it. It must not touch the network and its
//! errors must not echo the input: a user may paste a secret into the wrong prompt, and inputs can be huge.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

/// Longest hash accepted; real ones are 7–10 characters, the margin leaves room for new formats.
const MAX_HASH_CHARS: usize = 32;
/// Longest URL looked at; a real API path or control-panel URL is far shorter.
const MAX_URL_BYTES: usize = 2048;
/// The only host an API path may name.
const API_HOST: &str = "api.bigcommerce.com";
/// Control-panel hosts are `store-{hash}.mybigcommerce.com`.
const CONTROL_PANEL_PREFIX: &str = "store-";
const CONTROL_PANEL_SUFFIX: &str = ".mybigcommerce.com";
/// The shape an API path must have, quoted in errors.
const API_PATH_SHAPE: &str = "https://api.bigcommerce.com/stores/{store_hash}/v3/";

/// A validated store hash: 1 to 32 characters of `a-z` and `0-9`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StoreHash(String);

impl StoreHash {
    /// Lenient: what a user pastes into `--store-hash` or a prompt.
    ///
    /// Accepts the bare hash in any case, `store-{hash}` (a common cause of 403s), the API path (v2 or v3,
    /// optionally followed by a resource path) and the control-panel URL `https://store-{hash}.…/manage/…`.
    pub fn parse(input: &str) -> Result<StoreHash, String> {
        let input = input.trim();
        if input.contains("://") {
            // Case-insensitive throughout: scheme and host are by definition, and only the hash is kept.
            return from_url(&input.to_ascii_lowercase(), Strictness::Lenient);
        }
        let lower = input.to_ascii_lowercase();
        match lower.strip_prefix(CONTROL_PANEL_PREFIX) {
            Some("") => Err("the store hash is empty after removing the `store-` prefix".into()),
            Some(rest) => validate_hash(rest),
            None => validate_hash(&lower).map_err(|err| {
                if lower.contains("bigcommerce.com") {
                    format!("{err}; paste the whole URL, starting with https://")
                } else {
                    err
                }
            }),
        }
    }

    /// Strict: an API path as the control panel shows it (`--api-path`, the credentials file's API PATH).
    pub fn from_api_path(input: &str) -> Result<StoreHash, String> {
        let input = input.trim();
        if input.is_empty() {
            return Err("the API path is empty".into());
        }
        if !input.contains("://") {
            return Err(format!("the API path must be a URL like {API_PATH_SHAPE}"));
        }
        from_url(input, Strictness::Strict)
    }

    /// The validated hash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `https://api.bigcommerce.com/stores/{hash}/v3/`
    pub fn api_path(&self) -> String {
        format!("https://{API_HOST}/stores/{}/v3/", self.0)
    }

    /// `https://store-{hash}.mybigcommerce.com/manage/`
    pub fn control_panel_url(&self) -> String {
        format!(
            "https://{CONTROL_PANEL_PREFIX}{}{CONTROL_PANEL_SUFFIX}/manage/",
            self.0
        )
    }
}

impl fmt::Display for StoreHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deserialization accepts only the canonical form that `From<StoreHash> for String` writes.
impl TryFrom<String> for StoreHash {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        validate_hash(&value)
    }
}

impl From<StoreHash> for String {
    fn from(value: StoreHash) -> Self {
        value.0
    }
}

/// How much beyond the bare API path a URL may carry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    /// `parse`: API path with any resource path or query, or the control-panel URL.
    Lenient,
    /// `from_api_path`: exactly `https://api.bigcommerce.com/stores/{hash}/v2|v3` with an optional `/`.
    Strict,
}

/// Check an already lower-cased candidate against `^[a-z0-9]{1,32}$`, naming the first bad character.
fn validate_hash(candidate: &str) -> Result<StoreHash, String> {
    if candidate.is_empty() {
        return Err("the store hash is empty".into());
    }
    if let Some(bad) = candidate.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9')) {
        // One character, escaped by `{:?}`, is all the input an error ever shows.
        return Err(format!(
            "the store hash may only contain letters a-z and digits 0-9 (found {bad:?})"
        ));
    }
    let chars = candidate.len(); // ASCII only at this point, so bytes = characters
    if chars > MAX_HASH_CHARS {
        return Err(format!(
            "the store hash is too long ({chars} characters; at most {MAX_HASH_CHARS})"
        ));
    }
    Ok(StoreHash(candidate.to_owned()))
}

/// Parse an API path or control-panel URL after refusing what the `url` crate would silently rewrite.
fn from_url(raw: &str, strictness: Strictness) -> Result<StoreHash, String> {
    if raw.len() > MAX_URL_BYTES {
        return Err(format!(
            "the URL is too long ({} bytes; at most {MAX_URL_BYTES})",
            raw.len()
        ));
    }
    check_raw_url(raw)?;
    let url = Url::parse(raw).map_err(|err| format!("the URL is not valid: {err}"))?;
    // Defence in depth: check_raw_url already refused these, but they must never get through.
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL must not contain a user name or password".into());
    }
    if url.port().is_some() {
        return Err("the URL must not contain a port".into());
    }
    let host = url.host_str().unwrap_or_default();
    if host == API_HOST {
        if url.scheme() != "https" {
            return Err("the API path must use https".into());
        }
        return hash_from_api_path(&url, strictness);
    }
    let panel_hash = host
        .strip_prefix(CONTROL_PANEL_PREFIX)
        .and_then(|rest| rest.strip_suffix(CONTROL_PANEL_SUFFIX))
        .filter(|hash| {
            !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    match (panel_hash, strictness) {
        (Some(_), Strictness::Strict) => Err(format!(
            "this is the control-panel URL, not the API path; the API path looks like {API_PATH_SHAPE}"
        )),
        (Some(_), Strictness::Lenient) if url.scheme() != "https" => {
            Err("the control-panel URL must use https".into())
        }
        (Some(hash), Strictness::Lenient) => validate_hash(hash),
        (None, Strictness::Strict) => Err(format!("the API path must be on {API_HOST}")),
        (None, Strictness::Lenient) => Err(format!(
            "the URL must be on {API_HOST} or store-{{store_hash}}{CONTROL_PANEL_SUFFIX}"
        )),
    }
}

/// Refuse, in the raw text, everything the `url` crate would normalise away before we could see it:
/// `..` and `%2e%2e` segments, tabs and newlines (silently removed), backslashes (read as `/`),
/// non-ASCII hosts (IDNA maps full-width `ａｐｉ` to `api`), userinfo and default ports (`:443` vanishes).
fn check_raw_url(raw: &str) -> Result<(), String> {
    if !raw.is_ascii() {
        return Err(
            "the URL must contain only ASCII characters (international host names are refused)".into(),
        );
    }
    if raw
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err("the URL must not contain spaces or control characters".into());
    }
    if raw.contains('\\') {
        return Err("the URL must not contain backslashes".into());
    }
    // Only a scheme may come before `://`: in `https:/host#://x` the url crate reads `host`, which is
    // not where the checks below would look.
    let after_scheme = match raw.split_once("://") {
        Some((scheme, rest)) if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphabetic()) => rest,
        _ => return Err("the URL must start with its scheme, like https://".into()),
    };
    let authority_end = after_scheme.find(['/', '?', '#']).unwrap_or(after_scheme.len());
    let (authority, rest) = after_scheme.split_at(authority_end);
    if authority.is_empty() {
        // `https:////host/…` still parses to `host`; refuse what does not read as a plain URL.
        return Err("the URL has no host".into());
    }
    if authority.contains('@') {
        return Err("the URL must not contain a user name or password".into());
    }
    if authority.starts_with('[') {
        return Err("the URL must name a host, not an IP address".into());
    }
    if authority.contains(':') {
        return Err("the URL must not contain a port".into());
    }
    if authority.contains('%') {
        return Err("the URL's host must not contain percent-encoded characters".into());
    }
    if authority
        .to_ascii_lowercase()
        .split('.')
        .any(|label| label.starts_with("xn--"))
    {
        return Err("the URL's host must not be an international (punycode) host name".into());
    }
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    if path.contains('%') {
        return Err("the URL's path must not contain percent-encoded characters".into());
    }
    if path.split('/').any(|segment| segment == "." || segment == "..") {
        return Err("the URL's path must not contain `.` or `..` segments".into());
    }
    Ok(())
}

/// Take the hash from `/stores/{hash}/v2|v3…` on the API host.
fn hash_from_api_path(url: &Url, strictness: Strictness) -> Result<StoreHash, String> {
    let shape_error = || format!("the API path must look like {API_PATH_SHAPE}");
    let mut segments = url.path_segments().ok_or_else(shape_error)?;
    if segments.next() != Some("stores") {
        return Err(shape_error());
    }
    let hash = segments.next().unwrap_or_default();
    if !matches!(segments.next(), Some("v2" | "v3")) {
        return Err(shape_error());
    }
    if strictness == Strictness::Strict {
        // Only a trailing slash may follow: the control panel shows the base, never a resource.
        let rest: Vec<&str> = segments.collect();
        if !matches!(rest.as_slice(), [] | [""]) {
            return Err(format!(
                "the API path must end after the version, like {API_PATH_SHAPE}"
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "the API path must not have a query or fragment, like {API_PATH_SHAPE}"
            ));
        }
    }
    validate_hash(&hash.to_ascii_lowercase())
}

#[cfg(test)]
mod tests;

//! The HTTP client: one reqwest client (rustls, HTTP/2 where offered, connection reuse) bound to one
//! API base and one store. It sends the token as the `X-Auth-Token` header that `AccessToken::header`
//! builds, marked sensitive so its `Debug` prints `Sensitive`.
//!
//! Redirects are never followed: BigCommerce redirects http to https, and a redirect must never carry
//! the token to another host. A plain-http (so loopback) base never goes through a proxy, which would
//! see the token in clear text.

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use url::{Host, Url};

use super::StoreHash;
use super::scopes::{Method, Request};
use super::token::AccessToken;

/// The production API host.
pub const DEFAULT_API_BASE: &str = "https://api.bigcommerce.com";
/// Largest response body read; probe answers are small, and a hostile one must not exhaust memory.
const MAX_BODY: usize = 1024 * 1024;

/// Scheme and host the API is reached at (`BCSETUP_API_BASE`, docs/interface.md, "API base override").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase(Url);

impl ApiBase {
    /// Parse an API base: https anywhere, plain http only for loopback hosts; no user info, path,
    /// query or fragment.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = Url::parse(raw.trim()).map_err(|e| format!("`{}` is not a URL: {e}", short(raw)))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err("the API base must not contain a user name or password".into());
        }
        if url.query().is_some() || url.fragment().is_some() || !matches!(url.path(), "" | "/") {
            return Err("the API base is a scheme and host only, like https://api.bigcommerce.com".into());
        }
        let loopback = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => return Err("the API base has no host".into()),
        };
        match url.scheme() {
            "https" => Ok(Self(url)),
            "http" if loopback => Ok(Self(url)),
            "http" => Err("plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost)".into()),
            other => Err(format!("unsupported scheme `{}`: use https", short(other))),
        }
    }

    /// The API path a program should use for `store` when bcsetup talks to this base:
    /// `<base>/stores/<hash>/v3/`, which is `StoreHash::api_path` for the default base.
    pub fn api_path(&self, store: &StoreHash) -> String {
        self.url(store, "/v3/")
            .map_or_else(|_| store.api_path(), String::from)
    }

    /// The URL of a request for a store: `<base>/stores/<hash><path>`.
    pub fn url(&self, store: &StoreHash, path: &str) -> Result<Url, url::ParseError> {
        self.0.join(&format!("/stores/{}{}", store.as_str(), path))
    }

    /// The host requests go to.
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }
}

impl Default for ApiBase {
    fn default() -> Self {
        // unwrap is safe here because the constant is a valid https URL (pinned by a unit test).
        #[allow(clippy::unwrap_used)]
        Self(Url::parse(DEFAULT_API_BASE).unwrap())
    }
}

fn short(raw: &str) -> String {
    raw.chars()
        .take(60)
        .collect::<String>()
        .escape_default()
        .to_string()
}

/// Per-request timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// TCP + TLS connect.
    pub connect: Duration,
    /// Whole request, connect to last body byte.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(20),
        }
    }
}

/// One answer, with the body capped at `MAX_BODY`.
#[derive(Debug)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers (rate-limit headers among them).
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

/// An authenticated client for one store.
pub struct Client {
    http: reqwest::Client,
    base: ApiBase,
    store: StoreHash,
    token: HeaderValue,
}

impl Client {
    /// Build a client for one store and token.
    pub fn new(
        base: ApiBase,
        store: StoreHash,
        token: &AccessToken,
        timeouts: Timeouts,
    ) -> anyhow::Result<Self> {
        let https = base.0.scheme() == "https";
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("bcsetup/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .https_only(https);
        // A plain-http base is a loopback host (`ApiBase::parse`): an `HTTP_PROXY` would read the
        // token in clear text, and a proxy's loopback is not this machine's anyway. reqwest exempts
        // no host but `NO_PROXY`'s, so the proxy is turned off here. An https base keeps the proxy
        // (a `CONNECT` tunnel, which the proxy cannot read into).
        if !https {
            builder = builder.no_proxy();
        }
        let http = builder.build()?;
        Ok(Self {
            http,
            base,
            store,
            token: token.header(),
        })
    }

    /// Send one probe request and read its (capped) body.
    pub async fn send(&self, request: &Request) -> Result<RawResponse, reqwest::Error> {
        // The URL is built from a validated hash and a static path, so join cannot fail in practice;
        // fall back to the base URL rather than panic.
        let url = self
            .base
            .url(&self.store, request.path)
            .unwrap_or_else(|_| self.base.0.clone());
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
        };
        let mut builder = self
            .http
            .request(method, url)
            .header("X-Auth-Token", self.token.clone())
            .header(ACCEPT, "application/json");
        if let Some(body) = request.body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body);
        }
        let mut response = builder.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let (body, _cut) = capped_body(&mut response, MAX_BODY).await?;
        Ok(RawResponse {
            status,
            headers,
            body: Bytes::from(body),
        })
    }
}

/// The body, at most `max` bytes of it, and whether the server sent more (the rest is not read).
pub(super) async fn capped_body(
    response: &mut reqwest::Response,
    max: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = max.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if chunk.len() > room {
            return Ok((body, true));
        }
    }
    Ok((body, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_base_policy() {
        assert_eq!(ApiBase::default().host(), "api.bigcommerce.com");
        for ok in [
            "https://api.bigcommerce.com",
            "http://127.0.0.1:8080",
            "http://localhost:1/",
            "http://[::1]:9",
        ] {
            assert!(ApiBase::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.bigcommerce.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://user:pw@api.bigcommerce.com",
            "https://api.bigcommerce.com/stores/x",
            "https://api.bigcommerce.com?x=1",
            "not a url",
        ] {
            assert!(ApiBase::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_keep_the_store_path() {
        let base = ApiBase::parse("http://127.0.0.1:5000").unwrap();
        let hash = StoreHash::parse("abc123").unwrap();
        assert_eq!(
            base.url(&hash, "/v3/hooks").unwrap().as_str(),
            "http://127.0.0.1:5000/stores/abc123/v3/hooks"
        );
    }

    #[test]
    fn the_token_header_is_redacted_in_debug() {
        let client = Client::new(
            ApiBase::default(),
            StoreHash::parse("abc").unwrap(),
            &AccessToken::parse(&secrecy::SecretString::from("SENTINEL123")).unwrap(),
            Timeouts::default(),
        )
        .unwrap();
        assert!(!format!("{:?}", client.token).contains("SENTINEL"));
    }
}

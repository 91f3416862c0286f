//! The store hash from a storefront's URL (`normalStoreUrl` in stencil-cli's config): read off a
//! `https://store-{hash}.mybigcommerce.com` URL, or asked of the storefront's public
//! `GET /admin/oauth/info`, which answers `{"store_hash": "…"}` (stencil-cli's `getStoreHash` in
//! `lib/theme-api-client.js`, docs/bigcommerce.md).
//!
//! The request carries no token and no cookie, uses https (plain http only for a loopback host, the
//! rule of `ApiBase`), follows a redirect only on the same host over https, and is bounded by
//! `TIMEOUT`. Errors say what went wrong, never quoting the answer's body.

use std::time::Duration;

use url::Url;

use super::StoreHash;
use super::client::ApiBase;

/// The whole lookup; the answer is a few bytes, so a slow storefront is not waited for long.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest answer read.
const MAX_BODY: usize = 64 * 1024;

/// The hash in a `store-{hash}.mybigcommerce.com` URL, `None` for any other storefront.
pub fn hash_in_url(store_url: &str) -> Option<StoreHash> {
    let url = Url::parse(store_url.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let rest = host.strip_prefix("store-")?.strip_suffix(".mybigcommerce.com")?;
    (url.scheme() == "https" && !rest.is_empty())
        .then(|| StoreHash::parse(rest).ok())
        .flatten()
}

/// `<scheme>://<host>[:port]/admin/oauth/info` of a storefront URL: https, or http on loopback.
pub fn info_url(store_url: &str) -> Result<Url, String> {
    let url = Url::parse(store_url.trim()).map_err(|e| format!("normalStoreUrl is not a URL: {e}"))?;
    let origin = format!(
        "{}://{}",
        url.scheme(),
        url.host_str().ok_or("normalStoreUrl has no host")?
    );
    let origin = match url.port() {
        Some(port) => format!("{origin}:{port}"),
        None => origin,
    };
    ApiBase::parse(&origin).map_err(|e| format!("normalStoreUrl: {e}"))?;
    Url::parse(&origin)
        .and_then(|u| u.join("/admin/oauth/info"))
        .map_err(|e| format!("normalStoreUrl: {e}"))
}

/// Ask the storefront at `info` (from [`info_url`]) for its store hash.
pub async fn ask_store_hash(info: &Url) -> Result<StoreHash, String> {
    let host = info.host_str().unwrap_or_default().to_owned();
    let same_host = reqwest::redirect::Policy::custom(move |attempt| {
        let ok = attempt.previous().len() < 3
            && attempt.url().scheme() == "https"
            && attempt.url().host_str() == Some(host.as_str());
        if ok { attempt.follow() } else { attempt.stop() }
    });
    let https = info.scheme() == "https";
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("bcsetup/", env!("CARGO_PKG_VERSION")))
        .redirect(same_host)
        .timeout(TIMEOUT)
        .https_only(https);
    if !https {
        builder = builder.no_proxy();
    }
    let client = builder
        .build()
        .map_err(|e| format!("could not build the client: {e}"))?;
    let mut response = client
        .get(info.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("it answered HTTP {}", status.as_u16()));
    }
    let (body, cut) = super::client::capped_body(&mut response, MAX_BODY)
        .await
        .map_err(|e| describe(&e))?;
    if cut {
        return Err("its answer is too large".into());
    }
    parse_answer(&body)
}

/// `{"store_hash": "…"}`; anything else is refused without quoting it.
pub fn parse_answer(body: &[u8]) -> Result<StoreHash, String> {
    #[derive(serde::Deserialize)]
    struct Info {
        store_hash: Option<String>,
    }
    let info: Info =
        serde_json::from_slice(body).map_err(|_| "its answer is not the JSON expected".to_owned())?;
    let hash = info
        .store_hash
        .filter(|h| !h.trim().is_empty())
        .ok_or("its answer holds no store_hash")?;
    StoreHash::parse(&hash).map_err(|e| format!("its store_hash is not one: {e}"))
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if e.is_redirect() {
        "it redirected to another host".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "the request failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_url_gives_its_hash_or_needs_asking() {
        assert_eq!(
            hash_in_url("https://store-abc123.mybigcommerce.com").map(|h| h.to_string()),
            Some("abc123".into())
        );
        assert_eq!(
            hash_in_url("https://Store-ABC123.mybigcommerce.com/").map(|h| h.to_string()),
            Some("abc123".into())
        );
        for other in [
            "https://shop.example.com",
            "http://store-abc123.mybigcommerce.com",
            "https://store-.mybigcommerce.com",
            "https://url-from-stencilConfig.mybigcommerce.com",
            "not a url",
        ] {
            assert_eq!(hash_in_url(other), None, "{other}");
        }
    }

    #[test]
    fn the_info_url_is_https_or_loopback_http() {
        assert_eq!(
            info_url("https://shop.example.com/some/page?x=1")
                .unwrap()
                .as_str(),
            "https://shop.example.com/admin/oauth/info"
        );
        assert_eq!(
            info_url("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080/admin/oauth/info"
        );
        assert!(info_url("http://shop.example.com").is_err());
        assert!(info_url("ftp://shop.example.com").is_err());
    }

    #[test]
    fn the_answer_must_hold_a_store_hash() {
        assert_eq!(
            parse_answer(br#"{"store_hash":"abc123"}"#).unwrap().as_str(),
            "abc123"
        );
        for bad in [
            &b"{}"[..],
            br#"{"store_hash":""}"#,
            b"<html>SENTINEL",
            br#"{"store_hash":"a b"}"#,
        ] {
            let err = parse_answer(bad).unwrap_err();
            assert!(!err.contains("SENTINEL"), "{err}");
        }
    }
}

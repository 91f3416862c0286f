//! Fuzz `StoreHash::parse` (lenient) and `StoreHash::from_api_path` (strict).
//!
//! Invariants: neither panics; an accepted hash matches `^[a-z0-9]{1,32}$` and survives every
//! round trip (`parse(as_str)`, `from_api_path(api_path)`, `parse(control_panel_url)`,
//! `try_from(String)`); whatever `from_api_path` accepts, `parse` accepts as the same hash; an
//! accepted URL is https, on `api.bigcommerce.com` (`/stores/{hash}/v2|v3`) or on
//! `store-{hash}.mybigcommerce.com`, with no user info or port, and its text begins with exactly
//! `https://<that host>` (nothing rewritten by the url crate); errors are short and never echo
//! the input beyond the one quoted character (see `common.rs`).
#![no_main]

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;

use bcsetup::bigcommerce::StoreHash;
use libfuzzer_sys::fuzz_target;
use url::Url;

/// The `store_hash` module has about 50 messages (`url::ParseError`'s included); an echo exceeds this fast.
const MAX_TEMPLATES: usize = 120;
static TEMPLATES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let lenient = StoreHash::parse(input);
    let strict = StoreHash::from_api_path(input);
    for result in [&lenient, &strict] {
        match result {
            Ok(hash) => check_hash(hash),
            Err(message) => check_message(message),
        }
    }
    if let Ok(hash) = &lenient {
        check_url_source(input, hash);
    }
    if let Ok(hash) = &strict {
        assert_eq!(
            lenient.as_ref(),
            Ok(hash),
            "from_api_path accepts {input:?} but parse does not agree"
        );
    }
});

fn check_hash(hash: &StoreHash) {
    let text = hash.as_str();
    assert!(common::is_canonical_hash(text), "not canonical: {text:?}");
    assert_eq!(hash.to_string(), text);
    assert_eq!(StoreHash::parse(text).as_ref(), Ok(hash), "parse(as_str)");
    assert_eq!(
        StoreHash::from_api_path(&hash.api_path()).as_ref(),
        Ok(hash),
        "api_path"
    );
    assert_eq!(
        StoreHash::parse(&hash.api_path()).as_ref(),
        Ok(hash),
        "parse(api_path)"
    );
    assert_eq!(
        StoreHash::parse(&hash.control_panel_url()).as_ref(),
        Ok(hash),
        "control panel"
    );
    assert_eq!(
        StoreHash::try_from(text.to_owned()).as_ref(),
        Ok(hash),
        "try_from"
    );
}

/// A hash taken from a URL must come from BigCommerce's own hosts, over https.
fn check_url_source(input: &str, hash: &StoreHash) {
    let trimmed = input.trim();
    if !trimmed.contains("://") {
        return;
    }
    let url = Url::parse(&trimmed.to_ascii_lowercase())
        .unwrap_or_else(|e| panic!("accepted {input:?} is not a URL: {e}"));
    assert_eq!(url.scheme(), "https", "{input:?}");
    assert!(url.username().is_empty() && url.password().is_none(), "{input:?}");
    assert_eq!(url.port(), None, "{input:?}");
    let host = url.host_str().unwrap_or_default();
    // check_raw_url refuses what the url crate would rewrite, so the text must literally begin with
    // `https://<host>`: no missing slashes, user info, port, percent-encoding or trailing dot.
    let lowered = trimmed.to_ascii_lowercase();
    let after_host = lowered.strip_prefix(&format!("https://{host}"));
    assert!(
        matches!(after_host, Some(rest) if rest.is_empty() || rest.starts_with(['/', '?', '#'])),
        "{input:?} accepted, but the url crate read its host as {host:?}"
    );
    if host == "api.bigcommerce.com" {
        let segments: Vec<&str> = url.path_segments().map(Iterator::collect).unwrap_or_default();
        assert!(
            segments.len() >= 3
                && segments[0] == "stores"
                && segments[1] == hash.as_str()
                && matches!(segments[2], "v2" | "v3"),
            "{input:?} accepted with path {}",
            url.path()
        );
    } else {
        assert_eq!(
            host,
            format!("store-{}.mybigcommerce.com", hash.as_str()),
            "{input:?} accepted on another host"
        );
    }
}

fn check_message(message: &str) {
    assert!(!message.is_empty());
    assert!(
        message.len() <= 256,
        "long error ({} bytes): {message:?}",
        message.len()
    );
    assert!(
        message.starts_with(|c: char| c.is_ascii_lowercase()),
        "not lowercase: {message:?}"
    );
    common::record_template(&TEMPLATES, message, MAX_TEMPLATES);
}

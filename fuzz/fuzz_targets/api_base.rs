//! Fuzz the small validated strings: `ApiBase::parse` (`BCSETUP_API_BASE`), `ProfileName::parse`
//! (`--profile`) and `AccountName::parse` (`--name`), all fed the same UTF-8 input.
//!
//! Invariants: none panics. An accepted API base is https, or http on a loopback host (127.0.0.0/8,
//! `::1`, localhost), with no user info, path, query or fragment, and every request URL built from it
//! keeps its scheme, host and port (the token goes only to the configured host). An accepted profile
//! name is the input itself, 1 to 64 of `A-Za-z0-9._-`, not `.` or `..`; an accepted account name is
//! the trimmed input, 4 to 64 characters without control characters; both round-trip through
//! `parse`. Errors never carry raw control characters (terminal escapes); the profile-name error
//! quotes at most 70 escaped characters; account-name errors never quote the input.
#![no_main]

mod common;

use std::collections::BTreeSet;
use std::net::Ipv6Addr;
use std::sync::Mutex;

use bcsetup::bigcommerce::client::ApiBase;
use bcsetup::bigcommerce::{AccountName, StoreHash};
use bcsetup::domain::ProfileName;
use libfuzzer_sys::fuzz_target;
use url::{Host, Url};

/// `AccountName` has three messages.
const MAX_ACCOUNT_TEMPLATES: usize = 8;
static ACCOUNT_TEMPLATES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    check_api_base(input);
    check_profile_name(input);
    check_account_name(input);
});

fn check_api_base(input: &str) {
    let base = match ApiBase::parse(input) {
        Ok(base) => base,
        Err(message) => {
            assert!(
                !message.chars().any(char::is_control),
                "control character in {message:?}"
            );
            return;
        }
    };
    let url = Url::parse(input.trim()).expect("an accepted API base is a URL");
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.octets()[0] == 127,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => panic!("accepted API base without a host: {input:?}"),
    };
    match url.scheme() {
        "https" => {}
        "http" => assert!(loopback, "plain http to a non-loopback host accepted: {input:?}"),
        other => panic!("scheme {other:?} accepted: {input:?}"),
    }
    assert!(url.username().is_empty() && url.password().is_none(), "{input:?}");
    assert!(url.query().is_none() && url.fragment().is_none(), "{input:?}");
    assert_eq!(url.path(), "/", "{input:?}");
    assert_eq!(base.host(), url.host_str().unwrap_or_default());
    let hash = StoreHash::parse("abc123").expect("a valid hash");
    for path in ["/v3/hooks", "/v2/store", "/v3/catalog/products?limit=1"] {
        let request = base.url(&hash, path).expect("a request URL");
        assert_eq!(request.scheme(), url.scheme(), "{input:?} {path}");
        assert_eq!(request.host(), url.host(), "{input:?} {path}");
        assert_eq!(request.port_or_known_default(), url.port_or_known_default());
        assert!(request.path().starts_with("/stores/abc123/v"), "{request}");
    }
}

fn check_profile_name(input: &str) {
    match ProfileName::parse(input) {
        Ok(name) => {
            let text = name.as_str();
            assert_eq!(text, input);
            assert!(
                (1..=64).contains(&text.len()) && text != "." && text != "..",
                "{text:?}"
            );
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)),
                "{text:?}"
            );
            assert_eq!(ProfileName::parse(text).as_ref(), Ok(&name));
        }
        Err(message) => {
            assert!(
                !message.chars().any(char::is_control),
                "control character in {message:?}"
            );
            // 70 characters escaped by escape_default (at most 10 bytes each: \u{10ffff}) plus text.
            assert!(
                message.len() <= 70 * 10 + 100,
                "unbounded echo: {} bytes",
                message.len()
            );
        }
    }
}

fn check_account_name(input: &str) {
    match AccountName::parse(input) {
        Ok(name) => {
            let text = name.as_str();
            assert_eq!(text, input.trim());
            assert!((4..=64).contains(&text.chars().count()), "{text:?}");
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert_eq!(AccountName::parse(text).as_ref(), Ok(&name));
        }
        Err(message) => {
            common::record_template(&ACCOUNT_TEMPLATES, &message, MAX_ACCOUNT_TEMPLATES);
        }
    }
}

//! Unit tests of store-hash parsing and validation.

use super::*;

const HASH: &str = "abc123";

/// Inputs both parsers accept, all meaning `abc123`.
const API_PATHS: &[&str] = &[
    "https://api.bigcommerce.com/stores/abc123/v3/",
    "https://api.bigcommerce.com/stores/abc123/v3",
    "https://api.bigcommerce.com/stores/abc123/v2/",
    "https://api.bigcommerce.com/stores/abc123/v2",
    "  https://api.bigcommerce.com/stores/abc123/v3/\n",
    "https://api.bigcommerce.com/stores/ABC123/v3/",
    "HTTPS://API.BIGCOMMERCE.COM/stores/abc123/v3/",
];

/// Inputs only the lenient parser accepts, all meaning `abc123`.
const LENIENT_ONLY: &[&str] = &[
    "abc123",
    "ABC123",
    "  abc123\t\r\n",
    "store-abc123",
    "STORE-ABC123",
    " Store-abc123 ",
    "https://api.bigcommerce.com/stores/abc123/v3/catalog/products",
    "https://api.bigcommerce.com/stores/abc123/v2/store?limit=1",
    "https://api.bigcommerce.com/stores/abc123/v3/#top",
    "HTTPS://API.BIGCOMMERCE.COM/STORES/ABC123/V3/",
    "https://store-abc123.mybigcommerce.com/manage/",
    "https://store-abc123.mybigcommerce.com/manage/settings/api-accounts",
    "https://store-abc123.mybigcommerce.com/manage/dashboard?tab=1#x",
    "https://store-abc123.mybigcommerce.com/",
    "https://store-abc123.mybigcommerce.com",
    "https://STORE-ABC123.MyBigCommerce.com/manage",
];

/// Inputs both parsers refuse, with a fragment `parse`'s error must contain.
#[rustfmt::skip]
const REJECTED_URLS: &[(&str, &str)] = &[
    ("http://api.bigcommerce.com/stores/abc123/v3/",            "the API path must use https"),
    ("ftp://api.bigcommerce.com/stores/abc123/v3/",             "must use https"),
    ("https://api.bigcommerce.com.evil.com/stores/abc123/v3/",  "must be on api.bigcommerce.com"),
    ("https://evil.com/stores/abc123/v3",                       "must be on api.bigcommerce.com"),
    ("https://api.bigcommerce.com./stores/abc123/v3/",          "must be on api.bigcommerce.com"),
    ("https://127.0.0.1/stores/abc123/v3/",                     "must be on api.bigcommerce.com"),
    ("https://[::1]/stores/abc123/v3/",                         "not an IP address"),
    ("https://user@api.bigcommerce.com/stores/abc123/v3/",      "user name or password"),
    ("https://user:pw@api.bigcommerce.com/stores/abc123/v3/",   "user name or password"),
    ("https://api.bigcommerce.com:443/stores/abc123/v3/",       "port"),
    ("https://api.bigcommerce.com:8443/stores/abc123/v3/",      "port"),
    ("https://api.bigcommerce.com/stores/abc123/v4/",           "must look like"),
    ("https://api.bigcommerce.com/stores/abc123/",              "must look like"),
    ("https://api.bigcommerce.com/stores/abc123",               "must look like"),
    ("https://api.bigcommerce.com/store/abc123/v3/",            "must look like"),
    ("https://api.bigcommerce.com/v3/stores/abc123/",           "must look like"),
    ("https://api.bigcommerce.com/",                            "must look like"),
    ("https://api.bigcommerce.com",                             "must look like"),
    ("https://api.bigcommerce.com/stores//v3/",                 "the store hash is empty"),
    ("https://api.bigcommerce.com/stores/ab-c/v3/",             "found '-'"),
    ("https://api.bigcommerce.com/stores/abc/../def/v3/",       "`..` segments"),
    ("https://api.bigcommerce.com/stores/./abc123/v3/",         "`..` segments"),
    ("https://api.bigcommerce.com/x/../stores/abc123/v3/",      "`..` segments"),
    ("https://api.bigcommerce.com/stores/abc/%2e%2e/def/v3/",   "percent-encoded"),
    ("https://api.bigcommerce.com/stores/abc%2F/v3/",           "percent-encoded"),
    ("https://api.bigcommerce.com/stores/%61bc123/v3/",         "percent-encoded"),
    ("https://api.bigcommerce%2ecom/stores/abc123/v3/",         "percent-encoded"),
    ("https://api.bigcommerce.com/stores/abc 123/v3/",          "spaces or control"),
    ("https://api.bigcommerce.com/stores/abc\t123/v3/",         "spaces or control"),
    ("https://api.bigcommerce.com/stores/abc\n123/v3/",         "spaces or control"),
    ("https://api.bigcommerce.com\\stores\\abc123\\v3",         "backslashes"),
    ("https:////api.bigcommerce.com/stores/abc123/v3/",         "no host"),
    ("https://",                                                "no host"),
    ("https://api.big<commerce.com/stores/abc123/v3/",          "not valid"),
    ("https://xn--pi-7ba.bigcommerce.com/stores/abc123/v3/",    "punycode"),
    ("https://api.xn--bigcommrce-j7a.com/stores/abc123/v3/",    "punycode"),
    ("https://äpi.bigcommerce.com/stores/abc123/v3/",           "ASCII"),
    ("https://ａｐｉ.bigcommerce.com/stores/abc123/v3/",        "ASCII"),
    ("https://api.bigcommerce.com/stores/abç/v3/",              "ASCII"),
    // Found by fuzzing (fuzz/regressions/store_hash): `://` later in the text, not after the scheme.
    ("https:/store-a.mybigcommerce.com//s://aza",               "must start with its scheme"),
    ("https:api.bigcommerce%2Ecom/stores/abc123/v3/#://x",      "must start with its scheme"),
    ("https:api.bigcommerce.com:443/stores/zzz/../abc123/v3/?q=://x", "must start with its scheme"),
];

/// Assert `result` is an error containing `fragment` and starting lowercase.
fn expect_err(result: Result<StoreHash, String>, input: &str, fragment: &str) {
    let err = result.expect_err(input);
    assert!(err.contains(fragment), "{input:?}: {err:?} lacks {fragment:?}");
    assert!(
        err.starts_with(|c: char| c.is_ascii_lowercase()),
        "{input:?}: {err:?} is not lowercase"
    );
}

#[test]
fn both_parsers_accept_api_paths() {
    for input in API_PATHS {
        assert_eq!(
            StoreHash::parse(input).as_ref().map(StoreHash::as_str),
            Ok(HASH),
            "{input:?}"
        );
        let strict = StoreHash::from_api_path(input);
        assert_eq!(
            strict.as_ref().map(StoreHash::as_str),
            Ok(HASH),
            "from_api_path {input:?}"
        );
    }
}

#[test]
fn parse_accepts_every_pasted_form() {
    for input in LENIENT_ONLY {
        assert_eq!(
            StoreHash::parse(input).as_ref().map(StoreHash::as_str),
            Ok(HASH),
            "{input:?}"
        );
    }
    let max = "a".repeat(MAX_HASH_CHARS);
    assert_eq!(StoreHash::parse(&max).map(String::from), Ok(max.clone()));
    assert_eq!(StoreHash::parse("7").map(String::from), Ok("7".to_owned()));
}

#[test]
fn both_parsers_refuse_bad_urls() {
    for (input, fragment) in REJECTED_URLS {
        expect_err(StoreHash::parse(input), input, fragment);
        assert!(
            StoreHash::from_api_path(input).is_err(),
            "from_api_path accepted {input:?}"
        );
    }
}

#[test]
#[rustfmt::skip]
fn from_api_path_refuses_everything_but_the_api_path() {
    for input in LENIENT_ONLY {
        assert!(StoreHash::from_api_path(input).is_err(), "{input:?} was accepted");
    }
    let cases: &[(&str, &str)] = &[
        ("",                                                      "the API path is empty"),
        ("   ",                                                   "the API path is empty"),
        ("abc123",                                                "must be a URL like"),
        ("api.bigcommerce.com/stores/abc123/v3/",                 "must be a URL like"),
        ("https://store-abc123.mybigcommerce.com/manage/",        "control-panel URL, not the API path"),
        ("https://api.bigcommerce.com/stores/abc123/v3/catalog",  "must end after the version"),
        ("https://api.bigcommerce.com/stores/abc123/v3//",        "must end after the version"),
        ("https://api.bigcommerce.com/stores/abc123/v3/?x=1",     "query or fragment"),
        ("https://api.bigcommerce.com/stores/abc123/v3/#x",       "query or fragment"),
        ("https://api.bigcommerce.com/STORES/abc123/v3/",         "must look like"),
        ("https://evil.com/stores/abc123/v3/",                    "API path must be on api.bigcommerce"),
    ];
    for (input, fragment) in cases {
        expect_err(StoreHash::from_api_path(input), input, fragment);
    }
}

#[test]
#[rustfmt::skip]
fn parse_refuses_bad_hashes_and_control_panel_urls() {
    let too_long = "a".repeat(MAX_HASH_CHARS + 1);
    let long_host = format!("https://store-{}.mybigcommerce.com/", "a".repeat(MAX_HASH_CHARS + 1));
    let cases: &[(&str, &str)] = &[
        ("",                                          "the store hash is empty"),
        (" \t\n",                                     "the store hash is empty"),
        ("store-",                                    "empty after removing the `store-` prefix"),
        (&too_long,                                   "too long (33 characters; at most 32)"),
        (&long_host,                                  "too long (33 characters; at most 32)"),
        ("abc/../x",                                  "found '/'"),
        ("ABC 123",                                   "found ' '"),
        ("abc%2F",                                    "found '%'"),
        ("abc-123",                                   "found '-'"),
        ("abc_123",                                   "found '_'"),
        ("abc\u{0}",                                  "found '\\0'"),
        ("ábc",                                       "found 'á'"),
        ("store-store-abc",                           "found '-'"),
        ("api.bigcommerce.com/stores/abc123/v3/",     "paste the whole URL, starting with https://"),
        ("http://store-abc123.mybigcommerce.com/",    "the control-panel URL must use https"),
        ("https://store-abc123.mybigcommerce.com.evil.com/", "store-{store_hash}.mybigcommerce.com"),
        ("https://store-abc.evil.mybigcommerce.com/", "store-{store_hash}.mybigcommerce.com"),
        ("https://store-.mybigcommerce.com/",         "store-{store_hash}.mybigcommerce.com"),
        ("https://mybigcommerce.com/manage/",         "store-{store_hash}.mybigcommerce.com"),
        ("https://login.bigcommerce.com/deep-links/", "store-{store_hash}.mybigcommerce.com"),
    ];
    for (input, fragment) in cases {
        expect_err(StoreHash::parse(input), input, fragment);
    }
}

#[test]
fn huge_inputs_are_refused_without_echo() {
    let bare = "q".repeat(1_000_000);
    let url = format!("https://api.bigcommerce.com/stores/{bare}/v3/");
    for input in [&bare, &url] {
        for result in [StoreHash::parse(input), StoreHash::from_api_path(input)] {
            let err = result.expect_err("a huge input is refused");
            assert!(err.contains("too long") || err.contains("must be a URL"), "{err}");
            assert!(err.len() < 120 && !err.contains("qq"), "{err}");
        }
    }
}

#[test]
fn builds_urls_that_parse_back() {
    let hash = StoreHash::parse(HASH).expect("valid hash");
    assert_eq!(hash.api_path(), "https://api.bigcommerce.com/stores/abc123/v3/");
    assert_eq!(
        hash.control_panel_url(),
        "https://store-abc123.mybigcommerce.com/manage/"
    );
    assert_eq!(StoreHash::from_api_path(&hash.api_path()), Ok(hash.clone()));
    assert_eq!(StoreHash::parse(&hash.control_panel_url()), Ok(hash.clone()));
    assert_eq!(hash.to_string(), HASH);
    assert_eq!(format!("{hash:?}"), "StoreHash(\"abc123\")");
}

#[test]
fn serde_is_a_plain_validated_string() {
    let hash = StoreHash::parse(HASH).expect("valid hash");
    assert_eq!(serde_json::to_string(&hash).expect("serialize"), "\"abc123\"");
    assert_eq!(
        serde_json::from_str::<StoreHash>("\"abc123\"").expect("deserialize"),
        hash
    );
    // Stored data is written canonical, so anything else is corruption rather than user input.
    for bad in [
        "\"\"",
        "\"ABC123\"",
        "\"store-abc123\"",
        "\" abc123\"",
        "\"abc/123\"",
        "123",
    ] {
        assert!(
            serde_json::from_str::<StoreHash>(bad).is_err(),
            "{bad} deserialized"
        );
    }
}

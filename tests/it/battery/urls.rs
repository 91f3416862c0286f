//! Rows for API paths, store hashes, profile names and account names.

use super::{Init, Row};

/// `--api-path` and `--store-hash` values: other hosts, look-alikes, userinfo, ports, encodings,
/// IDN, traversal, http, empty, huge.
#[allow(clippy::too_many_lines, reason = "a table: one row per bad input")]
pub(super) fn url_rows() -> Vec<Row> {
    let valid = Init::valid();
    let long_url = format!(
        "https://api.bigcommerce.com/stores/abc123/v3/{}",
        "a".repeat(2100)
    );
    let api_paths: Vec<(&str, String, &str)> = vec![
        (
            "another host",
            "https://evil.example.com/stores/abc123/v3/".into(),
            "must be on api.bigcommerce.com",
        ),
        (
            "a look-alike suffix",
            "https://api.bigcommerce.com.evil.example/stores/abc123/v3/".into(),
            "must be on",
        ),
        (
            "a look-alike with a hyphen",
            "https://api-bigcommerce.com/stores/abc123/v3/".into(),
            "must be on",
        ),
        (
            "a look-alike TLD",
            "https://api.bigcommerce.co/stores/abc123/v3/".into(),
            "must be on",
        ),
        (
            "a look-alike without the dot",
            "https://apibigcommerce.com/stores/abc123/v3/".into(),
            "must be on",
        ),
        (
            "userinfo",
            "https://user@api.bigcommerce.com/stores/abc123/v3/".into(),
            "user name or password",
        ),
        (
            "the real host as userinfo",
            "https://api.bigcommerce.com@evil.example/stores/abc123/v3/".into(),
            "user name",
        ),
        (
            "a port",
            "https://api.bigcommerce.com:8443/stores/abc123/v3/".into(),
            "port",
        ),
        (
            "the default port spelt out",
            "https://api.bigcommerce.com:443/stores/abc123/v3/".into(),
            "port",
        ),
        (
            "a percent-encoded host",
            "https://api.bigcommerce%2Ecom/stores/abc123/v3/".into(),
            "percent-encoded",
        ),
        (
            "a percent-encoded hash",
            "https://api.bigcommerce.com/stores/abc%31/v3/".into(),
            "percent-encoded",
        ),
        (
            "an IDN look-alike (Greek omicron)",
            "https://api.bigc\u{3bf}mmerce.com/stores/abc123/v3/".into(),
            "ASCII",
        ),
        (
            "full-width letters",
            "https://\u{ff41}pi.bigcommerce.com/stores/abc123/v3/".into(),
            "ASCII",
        ),
        (
            "a punycode host",
            "https://xn--bigcommerce-abc.com/stores/abc123/v3/".into(),
            "punycode",
        ),
        (
            "path traversal",
            "https://api.bigcommerce.com/stores/abc123/../def456/v3/".into(),
            "`..`",
        ),
        (
            "encoded traversal",
            "https://api.bigcommerce.com/stores/%2e%2e/def456/v3/".into(),
            "percent-encoded",
        ),
        (
            "plain http",
            "http://api.bigcommerce.com/stores/abc123/v3/".into(),
            "https",
        ),
        ("empty", String::new(), "empty"),
        ("a bare hash", "abc123".into(), "must be a URL"),
        (
            "the control-panel URL",
            "https://store-abc123.mybigcommerce.com/manage/".into(),
            "control-panel URL",
        ),
        (
            "no version",
            "https://api.bigcommerce.com/stores/abc123/".into(),
            "must look like",
        ),
        (
            "a resource after the version",
            "https://api.bigcommerce.com/stores/abc123/v3/catalog".into(),
            "end after",
        ),
        (
            "a backslash",
            "https://api.bigcommerce.com\\@evil.example/stores/abc123/v3/".into(),
            "backslash",
        ),
        (
            "an IP address",
            "https://[::1]/stores/abc123/v3/".into(),
            "IP address",
        ),
        (
            "a tab inside",
            "https://api.bigcommerce.com/stores/abc\t123/v3/".into(),
            "control characters",
        ),
        ("2 KiB long", long_url, "too long"),
        (
            "no host",
            "https:////api.bigcommerce.com/stores/abc123/v3/".into(),
            "no host",
        ),
    ];
    let mut rows: Vec<Row> = api_paths
        .into_iter()
        .map(|(what, value, needle)| {
            let init = valid.clone().without("--store-hash").set("--api-path", &value);
            Row::init(&format!("--api-path: {what}"), &init, 2, &["--api-path", needle])
        })
        .collect();
    let long_hash = "a".repeat(200);
    let hashes: Vec<(&str, String, &str)> = vec![
        ("200 characters", long_hash, "too long"),
        ("a space inside", "abc 123".into(), "may only contain"),
        ("path traversal", "abc/../x".into(), "may only contain"),
        ("empty", String::new(), "empty"),
        ("only the store- prefix", "store-".into(), "empty after removing"),
        ("not ASCII", "ab\u{e7}123".into(), "may only contain"),
        (
            "a URL on another host",
            "https://evil.example/stores/abc123/v3/".into(),
            "must be on",
        ),
        (
            "the control-panel URL over http",
            "http://store-abc123.mybigcommerce.com/manage/".into(),
            "https",
        ),
        (
            "a URL with userinfo",
            "https://me@api.bigcommerce.com/stores/abc123/v3/".into(),
            "user name",
        ),
    ];
    rows.extend(hashes.into_iter().map(|(what, value, needle)| {
        Row::init(
            &format!("--store-hash: {what}"),
            &valid.clone().set("--store-hash", &value),
            2,
            &["--store-hash", needle],
        )
    }));
    rows
}

/// Profile names (on several commands) and account names.
pub(super) fn name_rows() -> Vec<Row> {
    let valid = Init::valid();
    let long_profile = "p".repeat(65);
    let mut rows: Vec<Row> = [
        "a/b",
        "..",
        ".",
        &long_profile,
        "pr\u{f8}fil",
        "",
        "my profile",
        "../../etc",
    ]
    .into_iter()
    .map(|name| {
        let init = valid.clone().set("--profile", name);
        Row::init(
            &format!("--profile {name:?}"),
            &init,
            2,
            &["--profile", "invalid profile name"],
        )
    })
    .collect();
    for args in [
        &["verify", "--profile", ".."][..],
        &["status", "--profile", "a/b"],
        &["token", "--profile", ""],
        &["env", "--profile", "x y"],
        &["remove", "--yes", "--profile", "../x"],
        &["exec", "--profile", "a\\b", "--", "true"],
    ] {
        rows.push(Row::cmd(&format!("{args:?}"), args, 2, &["invalid profile name"]));
    }
    let long_name = "n".repeat(65);
    let long_wide = "\u{e9}".repeat(65);
    for (what, name, needle) in [
        ("3 characters", "abc", "at least 4"),
        ("only spaces", "      ", "at least 4"),
        ("3 characters after trimming", "  ab  ", "at least 4"),
        ("empty", "", "at least 4"),
        ("a BEL", "Mig\u{7}ration", "control characters"),
        ("a newline", "Migration\nbot", "control characters"),
        ("an ANSI escape", "\u{1b}[31mMigration", "control characters"),
        ("65 characters", &long_name, "at most 64"),
        ("65 two-byte characters", &long_wide, "at most 64"),
    ] {
        rows.push(Row::init(
            &format!("--name: {what}"),
            &valid.clone().set("--name", name),
            2,
            &["--name", needle],
        ));
    }
    for args in [
        &["verify", "--profile", "nosuch"][..],
        &["remove", "--yes", "--profile", "nosuch"],
        &["token", "--profile", "nosuch"],
    ] {
        rows.push(Row::cmd(
            &format!("{args:?} (no such profile)"),
            args,
            7,
            &["no profile named `nosuch`"],
        ));
    }
    rows
}

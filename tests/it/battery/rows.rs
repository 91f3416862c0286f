//! Rows for flags and subcommands, `BCSETUP_*` variables and stdin.

use std::path::Path;

use super::{CLIENT_SECRET, DEAD_PROXY, Init, NEW_TOKEN, OTHER_SECRET, OTHER_TOKEN, Row, credentials};
use crate::support::STORE;

/// Flags and subcommands (clap's own checks, and the confirmation a rotation needs).
#[allow(clippy::too_many_lines, reason = "a table: one row per bad input")]
pub(super) fn flag_rows() -> Vec<Row> {
    let valid = Init::valid();
    vec![
        Row::init(
            "--token-type oauth",
            &valid.clone().set("--token-type", "oauth"),
            2,
            &["invalid value 'oauth'", "--token-type"],
        ),
        Row::init(
            "--access write",
            &valid.clone().set("--access", "write"),
            2,
            &["invalid value 'write'", "--access"],
        ),
        Row::init(
            "--scopes with an unknown key",
            &valid.clone().set("--scopes", "prodcts"),
            2,
            &["--scopes", "unknown scope prodcts"],
        ),
        Row::init(
            "--scopes with one typo among good keys",
            &valid.clone().set("--scopes", "products,ordrs"),
            2,
            &["unknown scope ordrs"],
        ),
        Row::init(
            "--scopes empty",
            &valid.clone().set("--scopes", ""),
            2,
            &["--scopes", "empty"],
        ),
        Row::init(
            "--scopes separated by semicolons",
            &valid.clone().set("--scopes", "products;orders"),
            2,
            &["unknown scope"],
        ),
        Row::init(
            "--store-hash and --api-path together",
            &valid
                .clone()
                .set("--api-path", "https://api.bigcommerce.com/stores/abc123/v3/"),
            2,
            &["--store-hash", "cannot be used with", "--api-path"],
        ),
        Row::init(
            "--credentials-file and --access-token-stdin together",
            &valid.clone().set("--credentials-file", "/dev/null"),
            2,
            &["cannot be used with"],
        ),
        Row::cmd(
            "-q and -v together",
            &["-q", "-v", "status"],
            2,
            &["cannot be used with"],
        ),
        Row::init(
            "a flag that would take the token",
            &valid.clone().set("--access-token", NEW_TOKEN),
            2,
            &["unexpected argument '--access-token'"],
        ),
        Row::init(
            "a flag that would take the client secret",
            &valid.clone().set("--client-secret", OTHER_SECRET),
            2,
            &["unexpected argument '--client-secret'"],
        ),
        Row::init(
            "rotation without --yes and no terminal",
            &valid.clone().without("--yes"),
            2,
            &["already holds credentials", "--yes"],
        ),
        Row::cmd(
            "unknown subcommand",
            &["rotate"],
            2,
            &["unrecognized subcommand 'rotate'"],
        ),
        Row::cmd(
            "env --format xml",
            &["env", "--format", "xml"],
            2,
            &["invalid value 'xml'"],
        ),
        Row::cmd("exec without a command", &["exec"], 2, &["required"]),
        Row::cmd("exec -- with nothing after it", &["exec", "--"], 2, &["required"]),
        Row::cmd(
            "completions for an unknown shell",
            &["completions", "nosh"],
            2,
            &["invalid value 'nosh'"],
        ),
        Row::cmd(
            "status --max-age not a number",
            &["status", "--max-age", "ninety"],
            2,
            &["invalid value 'ninety'", "--max-age"],
        ),
        Row::cmd(
            "scopes --scopes unknown",
            &["scopes", "--scopes", "nope"],
            2,
            &["unknown scope nope"],
        ),
    ]
}

/// `BCSETUP_*` variables (the flag removed, so the variable is what is read).
#[allow(clippy::too_many_lines, reason = "a table: one row per bad input")]
pub(super) fn env_rows(inputs: &Path) -> Vec<Row> {
    let valid = Init::valid();
    let long_token = "x".repeat(600);
    let not_a_dir = inputs.join("not-a-dir");
    std::fs::write(&not_a_dir, "a regular file\n").expect("write");
    let not_a_dir = not_a_dir.to_string_lossy().into_owned();
    let other_secret = inputs.join("other-secret.txt");
    std::fs::write(&other_secret, credentials(NEW_TOKEN, OTHER_SECRET, STORE)).expect("write");
    let other_secret = other_secret.to_string_lossy().into_owned();
    let file = valid.clone().file(&other_secret);
    let base = |value: &str| Row::init("", &valid, 0, &[]).env("BCSETUP_API_BASE", value);
    let mut rows = vec![
        Row::init(
            "BCSETUP_TOKEN_TYPE=oauth",
            &valid.clone().without("--token-type"),
            2,
            &["invalid value 'oauth'"],
        )
        .env("BCSETUP_TOKEN_TYPE", "oauth"),
        Row::init(
            "BCSETUP_ACCESS=write",
            &valid.clone().without("--access"),
            2,
            &["invalid value 'write'"],
        )
        .env("BCSETUP_ACCESS", "write"),
        Row::init(
            "BCSETUP_ACCOUNT_NAME too short",
            &valid.clone().without("--name"),
            2,
            &["BCSETUP_ACCOUNT_NAME", "at least 4"],
        )
        .env("BCSETUP_ACCOUNT_NAME", "abc"),
        Row::init(
            "BCSETUP_STORE_HASH with a space",
            &valid.clone().without("--store-hash"),
            2,
            &["BCSETUP_STORE_HASH", "may only contain"],
        )
        .env("BCSETUP_STORE_HASH", "abc 123"),
        Row::init(
            "BCSETUP_API_PATH on another host",
            &valid.clone().without("--store-hash"),
            2,
            &["BCSETUP_API_PATH", "must be on api.bigcommerce.com"],
        )
        .env("BCSETUP_API_PATH", "https://evil.example.com/stores/abc123/v3/"),
        Row::init(
            "BCSETUP_ACCESS_TOKEN with a space",
            &valid.clone().without("--access-token-stdin"),
            2,
            &["BCSETUP_ACCESS_TOKEN", "spaces"],
        )
        .env("BCSETUP_ACCESS_TOKEN", "has space"),
        Row::init(
            "BCSETUP_ACCESS_TOKEN of 600 characters",
            &valid.clone().without("--access-token-stdin"),
            2,
            &["longer than 512"],
        )
        .env("BCSETUP_ACCESS_TOKEN", &long_token),
        Row::init(
            "BCSETUP_ACCESS_TOKEN not ASCII",
            &valid.clone().without("--access-token-stdin"),
            2,
            &["non-ASCII"],
        )
        .env("BCSETUP_ACCESS_TOKEN", "tökén0123456789"),
        Row::init(
            "BCSETUP_ACCESS_TOKEN with a tab inside",
            &valid.clone().without("--access-token-stdin"),
            2,
            &["control"],
        )
        .env("BCSETUP_ACCESS_TOKEN", "abc\tdef"),
        Row::init(
            "BCSETUP_PROFILE=a/b",
            &valid,
            2,
            &["BCSETUP_PROFILE", "invalid profile name"],
        )
        .env("BCSETUP_PROFILE", "a/b"),
        Row::init(
            "BCSETUP_CLIENT_SECRET differs from the file's",
            &file,
            2,
            &["BCSETUP_CLIENT_SECRET", "different values"],
        )
        .env("BCSETUP_CLIENT_SECRET", CLIENT_SECRET),
        Row::init(
            "BCSETUP_ACCESS_TOKEN differs from the file's",
            &file,
            2,
            &["access token", "different values"],
        )
        .env("BCSETUP_ACCESS_TOKEN", OTHER_TOKEN),
        Row::init(
            "BCSETUP_CLIENT_ID differs from the file's",
            &file,
            2,
            &[
                "BCSETUP_CLIENT_ID",
                "differs from the value in the credentials file",
            ],
        )
        .env("BCSETUP_CLIENT_ID", "another-client-id"),
        Row::init(
            "BCSETUP_CONFIG_DIR is a regular file",
            &valid,
            2,
            &["is not a directory", "profiles.toml"],
        )
        .env("BCSETUP_CONFIG_DIR", &not_a_dir),
        Row::cmd(
            "status with BCSETUP_CONFIG_DIR a regular file",
            &["status"],
            2,
            &["Not a directory"],
        )
        .env("BCSETUP_CONFIG_DIR", &not_a_dir),
    ];
    // BCSETUP_API_BASE, on a rotation that would otherwise verify against it.
    for (value, needle) in [
        ("http://example.com", "loopback"),
        ("http://127.0.0.1.evil.example", "loopback"),
        ("http://localhost.evil.example:8080", "loopback"),
        ("http://10.0.0.1", "loopback"),
        ("https://user:pw@api.bigcommerce.com", "user name or password"),
        ("https://token@127.0.0.1:9", "user name or password"),
        (
            "https://api.bigcommerce.com/stores/abc123",
            "scheme and host only",
        ),
        ("https://api.bigcommerce.com?x=1", "scheme and host only"),
        ("ftp://127.0.0.1", "unsupported scheme"),
        ("not a url", "not a URL"),
    ] {
        let mut row = base(value)
            .env("HTTPS_PROXY", DEAD_PROXY)
            .env("HTTP_PROXY", DEAD_PROXY);
        row.what = format!("BCSETUP_API_BASE={value}");
        row.code = 2;
        row.needles = vec!["BCSETUP_API_BASE".to_owned(), needle.to_owned()];
        rows.push(row);
    }
    rows
}

/// `--access-token-stdin` and `--credentials-file -`.
pub(super) fn stdin_rows() -> Vec<Row> {
    let valid = Init::valid();
    let piped = valid.clone().file("-");
    let ten_mb = vec![b'a'; 10 * 1024 * 1024];
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        credentials(NEW_TOKEN, OTHER_SECRET, STORE)
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    vec![
        Row::init(
            "empty stdin",
            &valid,
            2,
            &["--access-token-stdin", "empty first line"],
        )
        .stdin(""),
        Row::init(
            "stdin whose first line is empty",
            &valid,
            2,
            &["empty first line"],
        )
        .stdin(format!("\n{NEW_TOKEN}\n")),
        Row::init("stdin token with a space", &valid, 2, &["spaces"]).stdin("has space\n"),
        Row::init("binary stdin", &valid, 2, &["control"]).stdin(&b"\x00\x01\x02\x03\n"[..]),
        Row::init("stdin that is not UTF-8", &valid, 2, &["non-ASCII"]).stdin(&b"\xff\xfeabc\n"[..]),
        Row::init(
            "10 MB on stdin without a newline",
            &valid,
            2,
            &["longer than 512"],
        )
        .stdin(ten_mb.clone()),
        Row::init(
            "a UTF-16 credentials file on stdin",
            &piped,
            2,
            &["--credentials-file", "not UTF-8"],
        )
        .stdin(utf16),
        Row::init(
            "an empty credentials file on stdin",
            &piped,
            2,
            &["credentials file is empty"],
        )
        .stdin(""),
        Row::init("10 MB credentials file on stdin", &piped, 2, &["larger than"]).stdin(ten_mb),
        Row::init(
            "a credentials file on stdin without a token",
            &piped,
            2,
            &["no ACCESS TOKEN"],
        )
        .stdin("CLIENT ID: abc\nCLIENT NAME: Rotation bot\n"),
    ]
}

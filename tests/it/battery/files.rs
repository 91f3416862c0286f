//! Rows for credentials files (encodings, sizes, special files, conflicts) and broken profiles.toml
//! files, each through every command that reads it.

use std::path::Path;

use super::{CLIENT_SECRET, Init, NEW_TOKEN, OTHER_SECRET, OTHER_TOKEN, Row, credentials};
use crate::support::STORE;

/// Write `bytes` to `inputs/name` and return the path.
fn put(inputs: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let path = inputs.join(name);
    std::fs::write(&path, bytes).expect("write an input file");
    path.to_string_lossy().into_owned()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    units
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

/// Credentials files with one defect each.
#[allow(clippy::too_many_lines, reason = "a table: one row per bad input")]
pub(super) fn file_rows(inputs: &Path) -> Vec<Row> {
    let good = credentials(NEW_TOKEN, OTHER_SECRET, STORE);
    let latin1: Vec<u8> = good
        .replace("Battery bot", "Caf\u{e9} bot")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    let mut bom_garbage = b"\xEF\xBB\xBF".to_vec();
    bom_garbage.extend_from_slice(b"\xC3\x28\xA0\xA1 ACCESS TOKEN: x\n");
    let mut big = good.clone().into_bytes();
    while big.len() < 10 * 1024 * 1024 {
        big.extend_from_slice(b"NOTE: padding padding padding padding padding padding padding padding\n");
    }
    let mut just_over = good.clone().into_bytes();
    just_over.resize(64 * 1024 + 1, b'\n');
    let fifo = inputs.join("fifo.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success(), "mkfifo failed");
    std::os::unix::fs::symlink("/dev/zero", inputs.join("zero.txt")).expect("symlink");
    std::os::unix::fs::symlink(inputs.join("no-such-target"), inputs.join("dangling.txt")).expect("symlink");
    std::fs::create_dir(inputs.join("a-directory.txt")).expect("mkdir");
    let path = |name: &str| inputs.join(name).to_string_lossy().into_owned();

    let table: Vec<(&str, String, &[&str])> = vec![
        (
            "UTF-16 LE with BOM",
            put(inputs, "utf16le-bom.txt", utf16(&good, false, true)),
            &["not UTF-8"],
        ),
        (
            "UTF-16 BE with BOM",
            put(inputs, "utf16be-bom.txt", utf16(&good, true, true)),
            &["not UTF-8"],
        ),
        (
            "UTF-16 LE without BOM",
            put(inputs, "utf16le.txt", utf16(&good, false, false)),
            &["NUL", "UTF-16"],
        ),
        (
            "UTF-16 BE without BOM",
            put(inputs, "utf16be.txt", utf16(&good, true, false)),
            &["NUL", "UTF-16"],
        ),
        ("Latin-1", put(inputs, "latin1.txt", latin1), &["not UTF-8"]),
        (
            "a UTF-8 BOM followed by invalid bytes",
            put(inputs, "bom-garbage.txt", bom_garbage),
            &["not UTF-8"],
        ),
        (
            "a UTF-8 BOM followed by text without a token",
            put(
                inputs,
                "bom-text.txt",
                "\u{feff}Dear customer,\r\nthank you for your order.\r\n",
            ),
            &["no ACCESS TOKEN"],
        ),
        (
            "CRLF with two different tokens",
            put(
                inputs,
                "crlf-conflict.txt",
                format!("ACCESS TOKEN: {NEW_TOKEN}\r\nACCESS TOKEN: {OTHER_TOKEN}\r\n"),
            ),
            &["two different ACCESS TOKEN"],
        ),
        (
            "the client secret twice, spelt differently, with different values",
            put(
                inputs,
                "secret-twice.txt",
                format!("{good}client_secret = {CLIENT_SECRET}\n")
                    .replace("CLIENT SECRET:", "Client-Secret:"),
            ),
            &["two different CLIENT SECRET"],
        ),
        (
            "two API paths of different stores",
            put(
                inputs,
                "paths-twice.txt",
                format!("{good}API PATH: https://api.bigcommerce.com/stores/def456/v3/\n"),
            ),
            &["two different API PATH"],
        ),
        ("10 MB", put(inputs, "big.txt", big), &["larger than"]),
        (
            "one byte over 64 KiB",
            put(inputs, "just-over.txt", just_over),
            &["larger than"],
        ),
        ("a directory", path("a-directory.txt"), &["not a regular file"]),
        ("a FIFO", path("fifo.txt"), &["not a regular file"]),
        (
            "a symlink to /dev/zero",
            path("zero.txt"),
            &["not a regular file"],
        ),
        ("a dangling symlink", path("dangling.txt"), &["could not read"]),
        ("a missing file", path("no-such-file.txt"), &["could not read"]),
        (
            "an empty file",
            put(inputs, "empty.txt", ""),
            &["credentials file is empty"],
        ),
        (
            "white space only",
            put(inputs, "blank.txt", " \r\n\t\n"),
            &["credentials file is empty"],
        ),
        (
            "a binary file",
            put(
                inputs,
                "binary.txt",
                b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00ACCESS TOKEN: x",
            ),
            &["NUL"],
        ),
        (
            "no token line",
            put(
                inputs,
                "no-token.txt",
                good.replace(&format!("ACCESS TOKEN: {NEW_TOKEN}\n"), ""),
            ),
            &["no ACCESS TOKEN"],
        ),
        (
            "an empty token value",
            put(inputs, "empty-token.txt", good.replace(NEW_TOKEN, "   ")),
            &["no ACCESS TOKEN"],
        ),
        (
            "an API PATH on another host",
            put(
                inputs,
                "other-host.txt",
                good.replace("api.bigcommerce.com", "api.bigcommerce.com.evil.example"),
            ),
            &["API PATH", "must be on api.bigcommerce.com"],
        ),
        (
            "the control-panel URL as API PATH",
            put(
                inputs,
                "panel-url.txt",
                good.replace(
                    "https://api.bigcommerce.com/stores/abc123/v3/",
                    "https://store-abc123.mybigcommerce.com/manage/",
                ),
            ),
            &["API PATH", "control-panel URL"],
        ),
        (
            "a token with a space",
            put(inputs, "token-space.txt", good.replace(NEW_TOKEN, "has space")),
            &["spaces"],
        ),
    ];
    let valid = Init::valid();
    let mut rows: Vec<Row> = table
        .into_iter()
        .map(|(what, file, needles)| {
            let mut row = Row::init(
                &format!("credentials file: {what}"),
                &valid.clone().file(&file),
                2,
                needles,
            );
            row.needles.push("--credentials-file".to_owned());
            row.stdin = Vec::new();
            row
        })
        .collect();
    let other_store = put(
        inputs,
        "other-store.txt",
        credentials(NEW_TOKEN, OTHER_SECRET, "def456"),
    );
    rows.push(
        Row::init(
            "credentials file of another store than --store-hash",
            &valid.clone().file(&other_store),
            2,
            &["--store-hash", "differs from the value in the credentials file"],
        )
        .stdin(""),
    );
    let short_name = put(inputs, "short-name.txt", good.replace("Battery bot", "Bot"));
    rows.push(
        Row::init(
            "credentials file with a 3-character CLIENT NAME",
            &valid.clone().without("--name").file(&short_name),
            2,
            &["--name", "at least 4"],
        )
        .stdin(""),
    );
    rows
}

/// Broken profiles.toml files, each in its own config dir, through every command that reads it.
pub(super) fn config_rows(root: &Path, template: &str, profile: &str) -> Vec<Row> {
    let half = template.len() / 2;
    let mut non_utf8 = template.as_bytes().to_vec();
    let at = template
        .find("Battery bot")
        .expect("account name in profiles.toml");
    non_utf8[at] = 0xFF;
    let store_line = template
        .lines()
        .find(|l| l.starts_with("store_hash"))
        .expect("store_hash line");
    let variants: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", template.as_bytes()[..half].to_vec(), "corrupt"),
        (
            "store_hash is a number",
            template.replace(store_line, "store_hash = 12").into_bytes(),
            "corrupt",
        ),
        (
            "an unknown format version",
            template.replace("version = 1", "version = 99").into_bytes(),
            "version 99",
        ),
        ("not UTF-8", non_utf8, "not UTF-8"),
        (
            "an unknown top-level key",
            format!("colour = \"blue\"\n{template}").into_bytes(),
            "unknown field",
        ),
        (
            "profiles is a string",
            b"version = 1\nprofiles = \"all of them\"\n".to_vec(),
            "corrupt",
        ),
        (
            "an invalid store hash",
            template
                .replace(store_line, "store_hash = \"ABC 123\"")
                .into_bytes(),
            "store hash",
        ),
        (
            "an invalid profile name",
            template
                .replace(&format!("profiles.{profile}"), "profiles.\"a/b\"")
                .into_bytes(),
            "invalid profile name",
        ),
    ];
    let mut rows = Vec::new();
    for (i, (what, bytes, needle)) in variants.into_iter().enumerate() {
        let dir = root.join(format!("config-{i}"));
        std::fs::create_dir_all(&dir).expect("config dir");
        std::fs::write(dir.join("profiles.toml"), bytes).expect("profiles.toml");
        rows.extend(config_commands(
            &format!("profiles.toml with {what}"),
            &dir,
            &["profiles.toml", needle],
        ));
    }
    let dir = root.join("config-dir");
    std::fs::create_dir_all(dir.join("profiles.toml")).expect("a directory named profiles.toml");
    rows.extend(config_commands(
        "profiles.toml is a directory",
        &dir,
        &["profiles.toml", "not a regular file"],
    ));
    // A FIFO would block a reader forever; the row's timeout turns a hang into a failure.
    let dir = root.join("config-fifo");
    std::fs::create_dir_all(&dir).expect("config dir");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("profiles.toml"))
        .status()
        .expect("mkfifo");
    assert!(made.success(), "mkfifo failed");
    rows.extend(config_commands(
        "profiles.toml is a FIFO",
        &dir,
        &["profiles.toml", "not a regular file"],
    ));
    rows
}

/// The same broken config dir through init (a rotation), status, verify, token, env, exec and remove.
fn config_commands(what: &str, dir: &Path, needles: &[&str]) -> Vec<Row> {
    let dir = dir.to_string_lossy().into_owned();
    let init = Init::valid().set("--config-dir", &dir);
    let mut rows = vec![Row::init(&format!("{what}: init"), &init, 2, needles)];
    for command in [
        &["status"][..],
        &["verify"],
        &["token"],
        &["env"],
        &["exec", "--", "true"],
        &["remove", "--yes"],
    ] {
        let mut args = vec![command[0], "--config-dir", &dir];
        args.extend(&command[1..]);
        rows.push(Row::cmd(&format!("{what}: {}", command[0]), &args, 2, needles));
    }
    rows
}

//! Fuzz the credentials-file parser (`credentials_file::parse` and `read_from`).
//!
//! Invariants:
//! - neither panics, and `read_from` over the bytes gives exactly what `parse` gives;
//! - on success every value is non-empty, trimmed and on one line, and a store hash is canonical;
//! - `Debug` of a parsed file does not depend on the access token or client secret: replacing them
//!   changes nothing in `{:?}` or `{:#?}`;
//! - errors never depend on a value: changing the letters and digits of every ACCESS TOKEN, CLIENT
//!   SECRET, CLIENT ID and (CLIENT) NAME value leaves the error's `Display` and `Debug` unchanged
//!   (and changing only the secrets leaves a success's `Debug` unchanged); errors are short, start
//!   lowercase and come from a small set of templates (see `common.rs`), so an API PATH is not
//!   echoed either.
//!
//! Why not "no error contains a line of the input longer than 12 characters": errors name labels by
//! design (`two different CLIENT SECRET values`, 13 characters), so a file with a bare `CLIENT SECRET`
//! line and a conflict breaks it, and a line that happens to be fixed message text (`the credentials
//! file has no ACCESS TOKEN line`) is "echoed" without any value leaking. The parser's promise is
//! that no *value* reaches an error, and changing the values is how to test that soundly.
#![no_main]

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;

use bcsetup::bigcommerce::StoreHash;
use bcsetup::bigcommerce::credentials_file::{self, CredentialsFile, CredentialsFileError};
use libfuzzer_sys::fuzz_target;
use secrecy::{ExposeSecret, SecretString};

/// The parser has ~10 messages, plus the ~50 of `StoreHash::from_api_path` behind `API PATH`.
const MAX_TEMPLATES: usize = 120;
static TEMPLATES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Labels whose values are secret.
const SECRET_LABELS: &[&str] = &["ACCESS TOKEN", "CLIENT SECRET"];
/// Every label whose value is opaque to the parser (all but API PATH, which is validated).
const VALUE_LABELS: &[&str] = &["ACCESS TOKEN", "CLIENT SECRET", "CLIENT ID", "CLIENT NAME"];

fuzz_target!(|data: &[u8]| {
    let parsed = credentials_file::parse(data);
    let streamed = credentials_file::read_from(data);
    assert_eq!(render(&parsed), render(&streamed), "read_from and parse disagree");
    if let Ok(text) = std::str::from_utf8(data) {
        check_values_are_not_shown(text, &parsed);
    }
    match parsed {
        Ok(file) => check_parsed(file),
        Err(err) => check_refused(&err),
    }
});

/// Everything observable about an outcome, secrets included (for comparing two outcomes only).
fn render(result: &Result<CredentialsFile, CredentialsFileError>) -> String {
    match result {
        Ok(file) => format!(
            "{file:?} token={:?} secret={:?}",
            file.access_token.expose_secret(),
            file.client_secret.as_ref().map(ExposeSecret::expose_secret)
        ),
        Err(err) => format!("{err} / {err:?}"),
    }
}

fn check_parsed(mut file: CredentialsFile) {
    let values = [
        ("access token", Some(file.access_token.expose_secret())),
        (
            "client secret",
            file.client_secret.as_ref().map(ExposeSecret::expose_secret),
        ),
        ("client id", file.client_id.as_deref()),
        ("client name", file.client_name.as_deref()),
    ];
    for (name, value) in values {
        let Some(value) = value else { continue };
        assert!(!value.is_empty(), "empty {name}");
        assert_eq!(value, value.trim(), "{name} not trimmed");
        assert!(!value.contains(['\r', '\n', '\0']), "{name} spans lines");
    }
    if let Some(hash) = &file.store_hash {
        assert!(common::is_canonical_hash(hash.as_str()), "{hash:?}");
        assert_eq!(StoreHash::from_api_path(&hash.api_path()).as_ref(), Ok(hash));
    }
    let before = [format!("{file:?}"), format!("{file:#?}")];
    file.access_token = SecretString::from("replaced token");
    file.client_secret = file.client_secret.map(|_| SecretString::from("replaced secret"));
    let after = [format!("{file:?}"), format!("{file:#?}")];
    assert_eq!(before, after, "Debug shows the token or the client secret");
}

fn check_refused(err: &CredentialsFileError) {
    assert!(
        !matches!(
            err,
            CredentialsFileError::Io { .. } | CredentialsFileError::NotAFile { .. }
        ),
        "bytes in memory cannot fail to read: {err:?}"
    );
    let message = err.to_string();
    assert!(message.len() <= 300, "long error: {message:?}");
    assert!(
        message.starts_with(|c: char| c.is_ascii_lowercase()),
        "not lowercase: {message:?}"
    );
    common::record_template(&TEMPLATES, &message, MAX_TEMPLATES);
}

/// Re-parse with values changed and compare what the user would see.
fn check_values_are_not_shown(text: &str, parsed: &Result<CredentialsFile, CredentialsFileError>) {
    for labels in [SECRET_LABELS, VALUE_LABELS] {
        let Some(changed) = change_values(text, labels) else {
            continue;
        };
        let reparsed = credentials_file::parse(changed.as_bytes());
        match (parsed, &reparsed) {
            (Err(a), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "an error shows a value");
                assert_eq!(
                    format!("{a:?}"),
                    format!("{b:?}"),
                    "an error's Debug shows a value"
                );
            }
            (Ok(a), Ok(b)) if labels == SECRET_LABELS => {
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "Debug shows a secret");
                // The harness changed the lines the parser read (else its label matching is stale).
                let expected = rotate(a.access_token.expose_secret());
                assert_eq!(b.access_token.expose_secret(), expected, "harness out of date");
            }
            (Ok(_), Ok(_)) => {} // client id and name are shown by design
            _ => panic!(
                "changing values changed the outcome: {} vs {}",
                outcome(parsed),
                outcome(&reparsed)
            ),
        }
    }
}

fn outcome(result: &Result<CredentialsFile, CredentialsFileError>) -> String {
    match result {
        Ok(_) => "parsed".into(),
        Err(err) => err.to_string(),
    }
}

/// The text with every letter and digit of the values of `labels` rotated (a→b, z→a, 9→0), so
/// emptiness, trimming, quotes and equality between duplicates are all kept. `None` if nothing changed.
fn change_values(text: &str, labels: &[&str]) -> Option<String> {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(bom);
    let mut changed = false;
    for line in body.split_inclusive(['\r', '\n']) {
        let separator = line.find([':', '=']);
        match separator {
            Some(at) if labels.contains(&normalise_label(&line[..at]).as_str()) => {
                let (label, rest) = line.split_at(at);
                let rotated = rotate(rest);
                changed |= rotated != rest;
                out.push_str(label);
                out.push_str(&rotated);
            }
            _ => out.push_str(line),
        }
    }
    changed.then_some(out)
}

/// The parser's label matching, restated: words split on white space, `_` and `-`, upper-cased;
/// `NAME` is the client name.
fn normalise_label(raw: &str) -> String {
    let words: Vec<String> = raw
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let label = words.join(" ");
    if label == "NAME" {
        "CLIENT NAME".into()
    } else {
        label
    }
}

fn rotate(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            'a'..='y' | 'A'..='Y' | '0'..='8' => char::from(c as u8 + 1),
            other => other,
        })
        .collect()
}

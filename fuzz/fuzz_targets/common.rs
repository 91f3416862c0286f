#![allow(dead_code)] // each target uses only some of these
//! Checks shared by the fuzz targets: the store-hash shape and "error messages are templates".
//!
//! An error that must not echo its input cannot be checked by looking for the input in the message:
//! the input may itself be a piece of the fixed text (`https://api.bigcommerce.com/stores/`, a label).
//! Instead each message is reduced to its template (digit runs become `#`, the one character a
//! store-hash error quotes becomes `?`) and the number of distinct templates seen in this process must
//! stay small. An error that echoed input would produce a new template for almost every input.
//! Because the set lives for the whole run, a failure here may not reproduce from the saved input
//! alone; the panic lists every template, and the odd one out shows the echo.

use std::collections::BTreeSet;
use std::sync::Mutex;

/// `^[a-z0-9]{1,32}$`, written out rather than taken from bcsetup.
pub fn is_canonical_hash(hash: &str) -> bool {
    (1..=32).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Reduce an error message to its template.
pub fn template(message: &str) -> String {
    // `(found 'x')`: validate_hash quotes the first bad character, escaped by `{:?}`.
    const FOUND: &str = "(found '";
    let mut message = message.to_owned();
    if let Some(start) = message.find(FOUND) {
        let after = start + FOUND.len();
        if let Some(end) = message[after..].find("')") {
            message.replace_range(start..after + end + 2, "(found ?)");
        }
    }
    let mut out = String::with_capacity(message.len());
    let mut in_digits = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// Remember `message`'s template in `seen`; panic once more than `limit` distinct ones exist.
pub fn record_template(seen: &Mutex<BTreeSet<String>>, message: &str, limit: usize) {
    let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if seen.insert(template(message)) && seen.len() > limit {
        let list: Vec<&String> = seen.iter().collect();
        panic!(
            "more than {limit} distinct error templates: some message echoes its input.\n\
             newest: {message:?}\nall: {list:#?}"
        );
    }
}

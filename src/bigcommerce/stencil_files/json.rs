//! The top-level members of a JSON object, with where each starts and ends in the text, so that one
//! member can be cut out and every other byte (order, indentation, nested values) kept as it was.
//! `serde_json` sorts an object's keys unless its crate-wide `preserve_order` feature is on, which
//! would change bcsetup's other JSON; cutting the text needs neither.

use std::ops::Range;

use secrecy::zeroize::Zeroizing;

/// One member of the top-level object.
pub(super) struct Member {
    /// The decoded key.
    pub key: String,
    /// From the key's opening quote to the value's last byte.
    pub span: Range<usize>,
    /// The value's text.
    pub value: Range<usize>,
}

/// Why the text is not a JSON object; the words never quote the text.
pub(super) fn members(text: &str) -> Result<Vec<Member>, String> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(format!(
            "is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ));
    }
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if bytes.get(pos) != Some(&b'{') {
        return Err("is not a JSON object".into());
    }
    pos += 1;
    let mut out = Vec::new();
    loop {
        pos = skip_ws(bytes, pos);
        if bytes.get(pos) == Some(&b'}') || pos >= bytes.len() {
            return Ok(out);
        }
        let start = pos;
        let key_end = string_end(bytes, pos);
        let key = serde_json::from_str::<String>(&text[start..key_end])
            .map_err(|_| "has a key that is not a JSON string".to_owned())?;
        // The text is valid JSON, so a `:` follows the key and a value follows the `:`.
        pos = skip_ws(bytes, skip_ws(bytes, key_end) + 1);
        let value_end = value_end(bytes, pos);
        out.push(Member {
            key,
            span: start..value_end,
            value: pos..value_end,
        });
        pos = skip_ws(bytes, value_end);
        if bytes.get(pos) == Some(&b',') {
            pos += 1;
        }
    }
}

/// `text` without `members[index]` and one comma beside it; the rest is byte for byte the same.
/// The cut is checked by meaning too: the result must parse to the original object less that one
/// member, so a scanner mistake can never write a damaged or different file (it is refused instead).
pub(super) fn without(text: &str, members: &[Member], index: usize) -> Result<String, String> {
    let out = cut(text, members, index);
    let parse = |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok();
    let expected = parse(text).map(|mut object| {
        object.remove(&members[index].key);
        object
    });
    match (expected, parse(&out)) {
        (Some(expected), Some(got)) if expected == got => Ok(out),
        _ => Err("could not be rewritten without that field safely, so it was left as it was".into()),
    }
}

/// `text` with `"key": value` (value: a JSON string's text) added after the last member, on a line
/// of its own indented like that member when the members are one a line; every other byte kept.
/// Checked by meaning as `without` is: the result must parse to the original object plus that one
/// member, and the original must not hold `key` already (that member would be shadowed, not added).
pub(super) fn with_member(
    text: &str,
    members: &[Member],
    key: &str,
    value: &str,
) -> Result<Zeroizing<String>, String> {
    let refused = || format!("could not be rewritten with {key} added safely, so it was left as it was");
    if members.iter().any(|m| m.key == key) {
        return Err(refused());
    }
    let key_text = serde_json::to_string(key).map_err(|_| refused())?;
    let (at, before, after) = insertion(text, members).ok_or_else(refused)?;
    // Sized once, so no reallocation leaves an unwiped copy of the value behind.
    let size = text.len() + before.len() + key_text.len() + value.len() + after.len() + 2;
    let mut out = Zeroizing::new(String::with_capacity(size));
    out.push_str(&text[..at.start]);
    out.push_str(&before);
    out.push_str(&key_text);
    out.push_str(": ");
    out.push_str(value);
    out.push_str(after);
    out.push_str(&text[at.end..]);
    if adds_exactly(text, &out, key, value) {
        Ok(out)
    } else {
        Err(refused())
    }
}

/// Where a new last member goes (the range it replaces), and the text before and after it.
fn insertion(text: &str, members: &[Member]) -> Option<(Range<usize>, String, &'static str)> {
    if let Some(last) = members.last() {
        let start = last.span.start;
        let line = text[..start].rfind('\n').map_or(0, |nl| nl + 1);
        let indent = &text[line..start];
        let separator = if line > 0 && indent.trim().is_empty() {
            format!(",\n{indent}")
        } else {
            ", ".to_owned()
        };
        return Some((last.span.end..last.span.end, separator, ""));
    }
    // `{}`, `{ }` or `{\n}`: what is between the braces becomes the one member, on its own line.
    let open = text.find('{')?;
    let close = text.rfind('}')?;
    Some((open + 1..close, "\n  ".to_owned(), "\n"))
}

/// Whether `out` parses to the object `text` holds plus `key` with the string `value`, and nothing else.
fn adds_exactly(text: &str, out: &str, key: &str, value: &str) -> bool {
    let parse = |t: &str| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).ok();
    let expected = parse(text).zip(serde_json::from_str::<serde_json::Value>(value).ok());
    let Some(((mut expected, mut added), mut got)) = expected.zip(parse(out)) else {
        return false;
    };
    let same = added.is_string() && {
        expected.insert(key.to_owned(), added.take());
        expected == got
    };
    // The value is a token: its decoded copies are wiped, not merely freed.
    for v in [expected.get_mut(key), got.get_mut(key)].into_iter().flatten() {
        wipe(v);
    }
    same
}

/// Overwrite a string value's bytes before it is freed.
fn wipe(value: &mut serde_json::Value) {
    if let serde_json::Value::String(s) = value {
        secrecy::zeroize::Zeroize::zeroize(s);
    }
}

fn cut(text: &str, members: &[Member], index: usize) -> String {
    let cut = match (index.checked_sub(1), members.get(index + 1)) {
        // Up to the next member: takes this member, its comma and the line break before the next.
        (_, Some(next)) => members[index].span.start..next.span.start,
        // The last member: from the end of the previous one, which takes the comma before it.
        (Some(prev), None) => members[prev].span.end..members[index].span.end,
        (None, None) => members[index].span.clone(),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..cut.start]);
    out.push_str(&text[cut.end..]);
    out
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| b" \t\r\n".contains(b)) {
        pos += 1;
    }
    pos
}

/// The index after the string that starts (with its quote) at `pos`.
fn string_end(bytes: &[u8], pos: usize) -> usize {
    let mut i = pos + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index after the value that starts at `pos`.
fn value_end(bytes: &[u8], pos: usize) -> usize {
    match bytes.get(pos) {
        Some(b'"') => string_end(bytes, pos),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = pos;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = string_end(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        _ => {
            let mut i = pos;
            while bytes.get(i).is_some_and(|b| !b",}] \t\r\n".contains(b)) {
                i += 1;
            }
            i
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, key: &str) -> String {
        let m = members(text).unwrap();
        let i = m.iter().position(|m| m.key == key).unwrap();
        without(text, &m, i).unwrap()
    }

    #[test]
    fn members_are_found_in_order_with_nested_values_intact() {
        let text = "{\n  \"b\": {\"x\": [1, \"}\"]},\n  \"a\\\"\": \"v,}\",\n  \"n\": -1.5e3\n}";
        let m = members(text).unwrap();
        let keys: Vec<_> = m.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["b", "a\"", "n"]);
        assert_eq!(&text[m[0].value.clone()], "{\"x\": [1, \"}\"]}");
        assert_eq!(&text[m[1].value.clone()], "\"v,}\"");
        assert_eq!(&text[m[2].value.clone()], "-1.5e3");
    }

    #[test]
    fn a_member_is_cut_with_one_comma_and_the_rest_kept() {
        let first = "{\n  \"accessToken\": \"t\",\n  \"githubToken\": \"g\"\n}";
        assert_eq!(cut(first, "accessToken"), "{\n  \"githubToken\": \"g\"\n}");
        let last = "{\n  \"githubToken\": \"g\",\n  \"accessToken\": \"t\"\n}\n";
        assert_eq!(cut(last, "accessToken"), "{\n  \"githubToken\": \"g\"\n}\n");
        let middle = "{\"a\":1,\"accessToken\":\"t\",\"b\":2}";
        assert_eq!(cut(middle, "accessToken"), "{\"a\":1,\"b\":2}");
        let alone = "{\n  \"accessToken\": \"t\"\n}";
        assert_eq!(cut(alone, "accessToken"), "{\n  \n}");
        for text in [
            cut(first, "accessToken"),
            cut(last, "accessToken"),
            cut(middle, "accessToken"),
        ] {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    }

    #[test]
    fn a_cut_that_would_change_another_member_is_refused() {
        // Two `a` members: cutting the last one changes what `a` means (serde_json keeps the last).
        let text = "{\"a\": 1, \"a\": 2}";
        let m = members(text).unwrap();
        assert!(without(text, &m, 1).is_err());
        assert_eq!(
            without(
                "{\"a\": 1, \"b\": 2}",
                &members("{\"a\": 1, \"b\": 2}").unwrap(),
                1
            )
            .unwrap(),
            "{\"a\": 1}"
        );
    }

    fn add(text: &str) -> Result<String, String> {
        let m = members(text).unwrap();
        with_member(text, &m, "accessToken", "\"t\"").map(|s| s.to_string())
    }

    #[test]
    fn a_member_is_added_after_the_last_in_its_style_and_the_rest_kept() {
        // stencil-cli's `JSON.stringify(…, null, 2)`, with a nested last value.
        let pretty = "{\n  \"githubToken\": \"g\",\n  \"x\": {\n    \"y\": [1]\n  }\n}";
        assert_eq!(
            add(pretty).unwrap(),
            "{\n  \"githubToken\": \"g\",\n  \"x\": {\n    \"y\": [1]\n  },\n  \"accessToken\": \"t\"\n}"
        );
        assert_eq!(add("{\"g\":1}\n").unwrap(), "{\"g\":1, \"accessToken\": \"t\"}\n");
        assert_eq!(
            add("{\n\t\"a\": 1, \"b\": 2\n}").unwrap(),
            "{\n\t\"a\": 1, \"b\": 2, \"accessToken\": \"t\"\n}"
        );
        assert_eq!(
            add("\t{\"g\": \"}\"}").unwrap(),
            "\t{\"g\": \"}\", \"accessToken\": \"t\"}"
        );
        for empty in ["{}", "{ }", "{\n}\n"] {
            let got = add(empty).unwrap();
            assert!(got.starts_with("{\n  \"accessToken\": \"t\"\n}"), "{got:?}");
        }
    }

    #[test]
    fn a_member_that_is_there_already_is_not_added() {
        assert!(add("{\"accessToken\": \"other\"}").is_err());
        // Not a string: not what the caller gives, refused by the meaning check.
        let m = members("{}").unwrap();
        assert!(with_member("{}", &m, "accessToken", "1").is_err());
    }

    #[test]
    fn what_is_not_an_object_is_refused_without_quoting_it() {
        for bad in [
            "[\"SENTINEL\"]",
            "\"SENTINEL\"",
            "{\"a\": SENTINEL}",
            "",
            "{\"a\":1,}",
        ] {
            let err = members(bad).err().unwrap();
            assert!(!err.contains("SENTINEL"), "{err}");
        }
        assert!(members("{}").unwrap().is_empty());
        assert!(members(" {\"a\": null} ").is_ok());
    }
}

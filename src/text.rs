//! Text that bcsetup did not write itself (a store's name and domain, a response body, a value or a
//! name read from a file) made harmless for a terminal. A terminal obeys control characters: ESC
//! starts sequences that clear the screen, move the cursor or write the clipboard (OSC 52), CR and LF
//! let a value forge a line of its own ("✓ verified"), and bidi controls reorder what is shown. So
//! every such character is either shown as a visible escape (`\u{1b}`), so a user still sees that
//! something is odd (`one_line`, `lines`), or removed from a value that is kept (`clean`).
//!
//! A leaf: pure functions of strings, used by every layer that shows or keeps outside text.

use std::borrow::Cow;
use std::fmt::Write;
use std::path::Path;

/// The mark a shortened value ends with.
const ELLIPSIS: char = '…';

/// Whether a terminal could act on `c` rather than show it: the C0 controls (TAB, LF, CR and ESC
/// included), DEL, the C1 controls, the line and paragraph separators, and the bidi controls
/// (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
pub(crate) fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `s` safe to show on one line: each unsafe character becomes its escape, `\u{1b}`.
pub(crate) fn one_line(s: &str) -> Cow<'_, str> {
    escape(s, |_| true)
}

/// `s` safe to show as lines: like `one_line`, but LF stays a line break. For bcsetup's own
/// multi-line text that carries outside values, as the last guard before a terminal; the values
/// themselves go through `one_line` first, so none of them can start a line.
pub(crate) fn lines(s: &str) -> Cow<'_, str> {
    escape(s, |c| c != '\n')
}

/// A path as `one_line` shows it: a file name can hold any character but `/` and NUL.
pub(crate) fn path(p: &Path) -> String {
    one_line(&p.display().to_string()).into_owned()
}

fn escape(s: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && escaped(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) && escaped(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A JSON document with every unsafe character written as a `\u` escape. `serde_json` escapes only
/// C0, so DEL, C1 and bidi characters would reach a terminal that shows the JSON. Outside strings
/// JSON is ASCII, and inside them an escape sequence is ASCII too, so each such character is a
/// literal one: the escaped document parses to the same value. All of them are in the BMP. LF is
/// left alone: `serde_json` escapes it in strings, and the pretty layout puts it between them.
pub(crate) fn json(doc: &str) -> Cow<'_, str> {
    let escaped = |c: char| is_unsafe(c) && c != '\n';
    if !doc.chars().any(escaped) {
        return Cow::Borrowed(doc);
    }
    let mut out = String::with_capacity(doc.len() + 16);
    for c in doc.chars() {
        if escaped(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value to keep (a store name in profiles.toml): unsafe characters removed (those that break a
/// line or a word become one space), surrounding white space trimmed, at most `max_chars`.
pub(crate) fn clean(s: &str, max_chars: usize) -> String {
    let kept: String = s
        .chars()
        .filter_map(|c| match c {
            c if !is_unsafe(c) => Some(c),
            c if c.is_whitespace() => Some(' '),
            _ => None,
        })
        .collect();
    bound(kept.trim(), max_chars)
}

/// At most `max_chars` characters: a longer `s` is cut on a character boundary and ends with `…`.
pub(crate) fn bound(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        None => s.to_owned(),
        Some(_) if max_chars == 0 => String::new(),
        Some(_) => {
            let mut out: String = s.chars().take(max_chars.saturating_sub(1)).collect();
            out.push(ELLIPSIS);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIDI: [char; 12] = [
        '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}',
        '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ];

    /// Every Unicode scalar value.
    fn every_char() -> impl Iterator<Item = char> {
        (0..=0x10_FFFF_u32).filter_map(char::from_u32)
    }

    #[test]
    fn the_unsafe_set_is_exactly_the_controls_and_the_bidi_marks() {
        let mut unsafe_chars = 0;
        for c in every_char() {
            let expected = c.is_control() || BIDI.contains(&c) || c == '\u{2028}' || c == '\u{2029}';
            assert_eq!(is_unsafe(c), expected, "U+{:04X}", u32::from(c));
            unsafe_chars += usize::from(expected);
        }
        // 32 C0, DEL, 32 C1, 12 bidi, 2 separators.
        assert_eq!(unsafe_chars, 79);
    }

    #[test]
    fn no_char_survives_unescaped_and_every_safe_one_is_kept() {
        for c in every_char() {
            let text = format!("a{c}b");
            let shown = one_line(&text);
            assert!(
                !shown.chars().any(is_unsafe),
                "U+{:04X} -> {shown:?}",
                u32::from(c)
            );
            if is_unsafe(c) {
                assert_eq!(shown, format!("a\\u{{{:x}}}b", u32::from(c)));
            } else {
                assert_eq!(shown, text, "a safe character is shown as it is");
            }
            let kept = clean(&text, 10);
            assert!(!kept.chars().any(is_unsafe), "U+{:04X} -> {kept:?}", u32::from(c));
            let block = lines(&text);
            assert!(
                !block.chars().any(|k| is_unsafe(k) && k != '\n'),
                "U+{:04X} -> {block:?}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn hostile_names_are_shown_escaped_on_one_line() {
        let osc52 = "Shop\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
        assert_eq!(one_line(osc52), "Shop\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}");
        let forged = "Shop\r✓ forged\n";
        assert_eq!(one_line(forged), "Shop\\u{d}✓ forged\\u{a}");
        assert_eq!(lines(forged), "Shop\\u{d}✓ forged\n");
        assert_eq!(one_line("\u{202e}gpj.exe"), "\\u{202e}gpj.exe");
        assert_eq!(one_line("a\u{9b}2Jb"), "a\\u{9b}2Jb");
        assert!(matches!(one_line("Plain Shop ✓"), Cow::Borrowed(_)));
        assert_eq!(path(Path::new("/tmp/a\nb.txt")), "/tmp/a\\u{a}b.txt");
    }

    #[test]
    fn json_carries_the_same_value_with_no_raw_control() {
        let value = serde_json::json!({
            "name": "a\u{1b}b\u{7f}c\u{9b}d\u{202e}e\u{2028}f\\\u{7f}g\"\n",
        });
        let doc = serde_json::to_string_pretty(&value).unwrap();
        let shown = json(&doc);
        assert!(!shown.chars().any(|c| is_unsafe(c) && c != '\n'), "{shown:?}");
        assert!(shown.contains("c\\u009bd"), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn kept_values_lose_their_controls_and_are_bounded() {
        assert_eq!(
            clean("  My\u{1b}[2J Shop\r\n✓ forged\u{202e} ", 200),
            "My[2J Shop  ✓ forged"
        );
        assert_eq!(clean("\u{7f}\u{7f}\u{7f}", 200), "");
        assert_eq!(clean(&"é".repeat(300), 200).chars().count(), 200);
        assert!(clean(&"é".repeat(300), 200).ends_with("é…"));
        assert_eq!(clean(&"x".repeat(200), 200), "x".repeat(200));
        assert_eq!(bound("abcdef", 4), "abc…");
        assert_eq!(bound("ééé", 3), "ééé");
        assert_eq!(bound("abc", 0), "");
    }
}

//! The access token, validated once where it enters bcsetup and carried as `AccessToken` from then on.
//!
//! It enters from five places, each of which calls `AccessToken::parse` on the `SecretString` it
//! just wrapped: `BCSETUP_ACCESS_TOKEN` and `--access-token-stdin` (`wizard::gather`), the credentials
//! file (`wizard::gather`, `wizard::steps::shown_once`), the hidden prompt (`wizard::steps::access_token`)
//! and the secret store (`AccessToken::from_store`, for `token`/`env`/`exec`/`verify` and a rotation).
//!
//! The token's text leaves this type through three methods only, and these are its only readers:
//! - `header`: the `X-Auth-Token` header, marked sensitive (`client::Client::new`);
//! - `expose_to_program`: where the token is the product: `token` prints it, `env` quotes it,
//!   `exec` puts it in the child's environment (and `secrets.stencil.json`), `copy` on the clipboard;
//! - `mask`: the last four characters, on a terminal, for tokens longer than eight characters.
//!
//! `is_copied_in` compares it with a non-secret value, so a token pasted as a client ID or an
//! account name is refused rather than kept in profiles.toml.
//!
//! `client_secret_from` trims a typed client secret, which is otherwise only stored and handed over.
//!
//! Storing it goes through `as_secret` (still a `SecretString`; `store/` writes it), and comparing
//! through `same_as`.
//!
//! Outside tests, `expose_secret()` is called in these files only, which the test
//! `expose_secret_only_where_documented` (`leak_tests.rs`) checks: `bigcommerce/token.rs` (this
//! file); `store/mod.rs`,
//! `store/file.rs`, `store/keyring.rs` and `store/memory.rs` (writing, reading back and comparing
//! bytes); `stored.rs` (`Value::expose_to_program`: the client secret handed to a program); and
//! `commands/env.rs` (the rendered variables, written to stdout). `exec --stencil` writes the token
//! through `expose_to_program` into zeroized buffers (`stencil_files::lend`), without `expose_secret()`.

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

/// Longest token accepted; BigCommerce's are 31 characters, and a longer value is a wrong paste.
const MAX_BYTES: usize = 512;

/// A store-level API access token: trimmed, 1–512 visible ASCII characters. No `Display` and no
/// `Clone`: it is passed by reference, and only the methods above read it. `Debug` redacts.
pub struct AccessToken(SecretString);

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

impl AccessToken {
    /// Trim and validate. The error names the problem, never the value.
    pub fn parse(raw: &SecretString) -> Result<Self, String> {
        let text = raw.expose_secret().trim();
        if text.is_empty() {
            return Err("the access token is empty".into());
        }
        if text.len() > MAX_BYTES {
            return Err(format!("the access token is longer than {MAX_BYTES} characters"));
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the access token contains spaces, control or non-ASCII characters".into());
        }
        Ok(Self(SecretString::from(text.to_owned())))
    }

    /// A token read back from the secret store; one that is not a token any more (edited by hand)
    /// is reported as the store's problem.
    pub fn from_store(raw: &SecretString) -> Result<Self, String> {
        Self::parse(raw).map_err(|e| format!("the stored access token is not usable ({e})"))
    }

    /// The `X-Auth-Token` header value, marked sensitive so HTTP debug output hides it.
    pub fn header(&self) -> HeaderValue {
        // Visible ASCII only (checked in `parse`), so this conversion cannot fail; an empty header
        // would be rejected by BigCommerce rather than leak anything.
        let mut value = HeaderValue::from_str(self.0.expose_secret()).unwrap_or(HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }

    /// The token's text, for the places where handing it over is the command's purpose.
    pub fn expose_to_program(&self) -> &str {
        self.0.expose_secret()
    }

    /// The wrapped value, for the secret store.
    pub fn as_secret(&self) -> &SecretString {
        &self.0
    }

    /// Whether two tokens are the same.
    pub fn same_as(&self, other: &AccessToken) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }

    /// Whether a value meant to be non-secret (an account name, a client ID, a store hash, a profile
    /// name) is this token: trimmed, and ignoring ASCII case, since a store hash is lowercased.
    /// Such a value would be kept in plain text in profiles.toml, so it is refused.
    pub fn is_copied_in(&self, value: &str) -> bool {
        value.trim().eq_ignore_ascii_case(self.0.expose_secret())
    }

    /// `••••wxyz (31 characters)`: the last four characters only when more than eight remain hidden.
    /// A parsed token holds visible ASCII only; anything else would show as `?`, never as a control
    /// character.
    pub fn mask(&self) -> String {
        let s = self.0.expose_secret();
        let n = s.chars().count();
        let tail: String = if n > 8 {
            s.chars()
                .skip(n - 4)
                .map(|c| if c.is_ascii_graphic() { c } else { '?' })
                .collect()
        } else {
            String::new()
        };
        format!("••••{tail} ({n} characters)")
    }
}

/// A client secret as typed: trimmed, and `None` when nothing is left (the prompt allows skipping).
pub fn client_secret_from(raw: &SecretString) -> Option<SecretString> {
    let text = raw.expose_secret().trim();
    (!text.is_empty()).then(|| SecretString::from(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<AccessToken, String> {
        AccessToken::parse(&SecretString::from(s))
    }

    #[test]
    fn only_sendable_tokens_parse_and_errors_never_echo() {
        assert!(parse("abc123").is_ok());
        assert!(parse("a\"b$c'd").is_ok());
        assert_eq!(
            parse("  abc123\n").map(|t| t.expose_to_program().to_owned()),
            Ok("abc123".into())
        );
        for bad in ["", "   ", "a b", "a\nb", "tök", &"x".repeat(513)] {
            let err = parse(bad).err().unwrap_or_default();
            assert!(!err.is_empty(), "{bad:?} parsed");
            assert!(bad.trim().is_empty() || !err.contains(bad.trim()), "{err}");
        }
    }

    #[test]
    fn no_mask_holds_a_control_character() {
        let hostile = [
            "abcdefghijkl\u{1b}[2J",
            "abcdefghij\u{0}\u{0}",
            "abcdefghij\u{7f}xyz",
            "abcdefghij\u{9b}31m",
            "abcdefghijkl\u{202e}",
            "\u{85}abcdefghijklm\u{85}",
            "abcdefghijk\rDONE",
        ];
        for raw in hostile {
            match parse(raw) {
                Ok(token) => {
                    let mask = token.mask();
                    assert!(!mask.chars().any(crate::text::is_unsafe), "{raw:?} → {mask:?}");
                }
                Err(e) => assert!(!e.chars().any(char::is_control), "{e:?}"),
            }
        }
        // Trimmed away: white space around a token is not part of it.
        assert_eq!(
            parse("\u{85}abcdefghijklm\u{85}").map(|t| t.mask()),
            Ok("••••jklm (13 characters)".into())
        );
    }

    #[test]
    fn a_copy_of_the_token_is_recognised_in_any_case() {
        let token = parse("abcdefghij0123456789abcdefghij1").unwrap();
        assert!(token.is_copied_in("abcdefghij0123456789abcdefghij1"));
        assert!(token.is_copied_in("  ABCDEFGHIJ0123456789abcdefghij1 "));
        assert!(!token.is_copied_in("abcdefghij0123456789abcdefghij"));
        assert!(!token.is_copied_in("Migration bot"));
    }

    #[test]
    fn masks_show_at_most_the_last_four() {
        assert_eq!(
            parse("abcdefghijklmnop").map(|t| t.mask()),
            Ok("••••mnop (16 characters)".into())
        );
        assert_eq!(parse("short").map(|t| t.mask()), Ok("•••• (5 characters)".into()));
    }

    #[test]
    fn the_header_is_sensitive_and_tokens_compare() {
        let a = parse("tok-a").unwrap();
        assert!(a.header().is_sensitive());
        assert_eq!(a.header().to_str().ok(), Some("tok-a"));
        assert!(a.same_as(&parse(" tok-a ").unwrap()));
        assert!(!a.same_as(&parse("tok-b").unwrap()));
    }
}

//! `bcsetup env`: the `BIGCOMMERCE_*` variables of a profile as lines a shell evaluates
//! (`eval "$(bcsetup env)"`, `bcsetup env --format fish | source`,
//! `bcsetup env --format powershell | Invoke-Expression`) or a .env file reads. Every value is quoted
//! so that the shell sees exactly the stored bytes, whatever printable ASCII a token holds.
//!
//! dotenv has no standard, and a .env file is often also sourced by sh (`set -a; . ./.env`), so every
//! line must be inert there, whatever the value (a client ID comes from the user, a token is any
//! visible ASCII). A value without `'`, `\`, newline or CR is written `NAME='value'`: literal in sh,
//! bash and dash, in python-dotenv 1.2 (checked by the binary-level tests), Node's dotenv and dotenvy
//! (run by hand), and in Ruby's dotenv and Docker Compose ("single-quoted values are used literally",
//! their docs). Real BigCommerce tokens and client IDs are alphanumeric and always take this form.
//! Any other value is double-quoted with `\\`, `\"`, `\$` and `` \` `` escaped and newlines kept as
//! they are: sh reads that back exactly and runs nothing, and so does dotenvy. No form is exact for
//! every parser here: python-dotenv keeps the backslash of `\$` and `` \` `` (and expands `${…}`
//! unless `interpolate=False`), Docker Compose interpolates `$` in double quotes, and Node's dotenv
//! decodes only `\n`.

use std::fmt::Write;
use std::io::IsTerminal;

use secrecy::{ExposeSecret, SecretString};

use crate::cli::{EnvArgs, EnvFormat};
use crate::context::Context;
use crate::error::{Error, InputErrors};
use crate::stored::{self, Value};

/// Print the variables of `ctx.profile` for a shell or a .env file. Like `token`, it refuses a
/// terminal on stdout unless `--reveal`: the lines hold the access token.
pub(super) fn run(args: &EnvArgs, ctx: &Context) -> Result<(), Error> {
    // The profile is looked up first: an unknown profile is exit 7 whatever stdout is.
    let creds = stored::load(ctx, args.include_client_secret)?;
    let on_screen = std::io::stdout().is_terminal();
    if on_screen && !args.reveal {
        return Err(InputErrors::one(
            "--reveal",
            "stdout is a terminal, so the access token would be shown on screen; use \
             `eval \"$(bcsetup env)\"`, write it to a file (`bcsetup env --format dotenv > .env`), run \
             `bcsetup exec -- CMD`, or pass --reveal to print it anyway",
        ));
    }
    if on_screen {
        ctx.printer
            .warn("--reveal: the access token is shown on screen; clear the scrollback when done");
    }
    let vars = creds.variables();
    if ctx.printer.json {
        let map: serde_json::Map<String, serde_json::Value> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.expose_to_program().to_owned().into()))
            .collect();
        ctx.printer.json(&serde_json::json!({
            "ok": true,
            "profile": ctx.profile,
            "variables": map,
        }));
        return Ok(());
    }
    if args.format == EnvFormat::Dotenv {
        ctx.printer
            .warn("a .env file keeps the access token in plain text on disk; `bcsetup exec -- CMD` does not");
    }
    let text = render(args.format, &vars);
    ctx.printer.data(text.expose_secret());
    Ok(())
}

/// Every variable as one line in `format`; the text is a secret, zeroed when dropped.
fn render(format: EnvFormat, vars: &[(&str, Value<'_>)]) -> SecretString {
    let mut out = String::new();
    for (name, value) in vars {
        let value = value.expose_to_program();
        let _ = match format {
            EnvFormat::Sh => writeln!(out, "export {name}={}", quote_sh(value)),
            EnvFormat::Fish => writeln!(out, "set -gx {name} {}", quote_fish(value)),
            EnvFormat::Powershell => writeln!(out, "$Env:{name} = {}", quote_powershell(value)),
            EnvFormat::Dotenv => writeln!(out, "{name}={}", quote_dotenv(value)),
        };
    }
    SecretString::from(out)
}

/// POSIX sh: inside single quotes nothing is special; a `'` closes, is escaped, and reopens.
fn quote_sh(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish: inside single quotes only `\\` and `\'` are escapes.
fn quote_fish(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// `PowerShell`: inside single quotes a quote is doubled. `PowerShell` also takes the typographic single
/// quotes (U+2018–U+201B) as quotes, so they are doubled too (a client ID can hold any text).
fn quote_powershell(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// dotenv: single quotes when the value allows it, else double quotes with the four characters sh
/// treats specially there escaped (see the module doc).
fn quote_dotenv(value: &str) -> String {
    if !value.contains(['\'', '\\', '\n', '\r']) {
        return format!("'{value}'");
    }
    let mut out = String::with_capacity(value.len() + 8);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Printable ASCII without space, as a token may hold.
    const NASTY: &str = r#"a'b"c$d`e\f!g#h;i|j&k*l?m(n)o{p}q[r]s<t>u~v%w^x"#;

    #[test]
    fn sh_quoting() {
        assert_eq!(quote_sh("abc"), "'abc'");
        assert_eq!(quote_sh("a'b"), r"'a'\''b'");
        assert_eq!(quote_sh(r#"$x`y`"\"#), r#"'$x`y`"\'"#);
    }

    #[test]
    fn fish_quoting() {
        assert_eq!(quote_fish("abc"), "'abc'");
        assert_eq!(quote_fish(r"a'b\c"), r"'a\'b\\c'");
        assert_eq!(quote_fish(r#"$x"y"#), r#"'$x"y'"#);
    }

    #[test]
    fn powershell_quoting() {
        assert_eq!(quote_powershell("abc"), "'abc'");
        assert_eq!(quote_powershell(r#"a'b"c$d`e"#), r#"'a''b"c$d`e'"#);
        assert_eq!(quote_powershell("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
    }

    #[test]
    fn dotenv_quoting() {
        assert_eq!(quote_dotenv("abc"), "'abc'");
        assert_eq!(quote_dotenv(r#"a"b$c`d"#), r#"'a"b$c`d'"#);
        assert_eq!(quote_dotenv("a'b"), r#""a'b""#);
        assert_eq!(quote_dotenv(r#"a\b"c$d'`e`"#), r#""a\\b\"c\$d'\`e\`""#);
        // Kept as is: sh reads a newline inside double quotes literally.
        assert_eq!(quote_dotenv("a\nb'"), "\"a\nb'\"");
    }

    #[test]
    fn render_writes_one_line_per_variable() {
        let token = SecretString::from(NASTY.to_owned());
        let vars = [
            ("BIGCOMMERCE_STORE_HASH", Value::Plain("abc123".into())),
            ("BIGCOMMERCE_ACCESS_TOKEN", Value::Secret(&token)),
        ];
        let sh = render(EnvFormat::Sh, &vars);
        let mut lines = sh.expose_secret().lines();
        assert_eq!(lines.next(), Some("export BIGCOMMERCE_STORE_HASH='abc123'"));
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("export BIGCOMMERCE_ACCESS_TOKEN='a'\\''b")
        );
        assert_eq!(lines.next(), None);
        let fish = render(EnvFormat::Fish, &vars);
        assert!(
            fish.expose_secret()
                .starts_with("set -gx BIGCOMMERCE_STORE_HASH 'abc123'\n")
        );
        let ps = render(EnvFormat::Powershell, &vars);
        assert!(
            ps.expose_secret()
                .starts_with("$Env:BIGCOMMERCE_STORE_HASH = 'abc123'\n")
        );
        let dotenv = render(EnvFormat::Dotenv, &vars);
        assert!(
            dotenv
                .expose_secret()
                .starts_with("BIGCOMMERCE_STORE_HASH='abc123'\n")
        );
    }

    /// Decode the sh quoting the way sh does, to prove the round trip without a shell.
    fn unquote_sh(quoted: &str) -> String {
        let mut out = String::new();
        let mut in_quotes = false;
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            match (c, in_quotes) {
                ('\'', _) => in_quotes = !in_quotes,
                ('\\', false) => out.extend(chars.next()),
                (c, _) => out.push(c),
            }
        }
        out
    }

    #[test]
    fn sh_round_trips_every_printable_character() {
        let all: String = (0x21u8..0x7f).map(char::from).collect();
        assert_eq!(unquote_sh(&quote_sh(&all)), all);
        assert_eq!(unquote_sh(&quote_sh(NASTY)), NASTY);
    }
}

//! Text for people: the verification table and the profile list. Pure functions from data to
//! strings, so they are unit-tested without a terminal. Output fits 80 columns and reads the same
//! without colour (the ✓/✗ marks carry the meaning, colour only repeats it). Values bcsetup did not
//! write (the store's name and domain, names read from profiles.toml) go through `text::one_line`:
//! the result carries bcsetup's own styling, so the printer cannot escape it afterwards.

use std::fmt::Write;

use console::style;
use jiff::Timestamp;

use crate::bigcommerce::report::{Report, ScopeResult};
use crate::text;

mod many;
mod recheck;
mod status;

pub(crate) use many::{Outcome, Row, detail as failure_detail, summary as verify_all_summary, verify_all};
pub(crate) use status::{Problems, problem_lines, status};

pub(crate) use recheck::{recheck, recheck_warnings};

/// The verification report as a table with the store above it.
pub(crate) fn report(report: &Report) -> String {
    let mut out = String::new();
    let store = &report.store;
    // The name and domain are the API's words, not bcsetup's: shown escaped, each on its own line.
    let name = store.name.as_deref().map_or(
        "(name unknown: GET /v2/store did not answer it)".into(),
        text::one_line,
    );
    let _ = writeln!(out, "Store   {name} — hash {}", store.hash);
    if let Some(domain) = &store.domain {
        let _ = writeln!(out, "Domain  {}", text::one_line(domain));
    }
    let _ = writeln!(out, "Token   {}, {}", report.token_type.ui_name(), report.access);
    let _ = writeln!(out);
    let _ = writeln!(out, "  {:<28} {:<10} Observed", "Scope", "Wanted");
    for row in &report.scopes {
        let _ = writeln!(out, "{}", row_line(' ', row));
    }
    out
}

/// One row of the scope table, after a one-character margin (`+`, `-` or a space).
fn row_line(margin: char, row: &ScopeResult) -> String {
    format!(
        "{margin} {:<28} {:<10} {:<10} {}",
        row.name,
        row.wanted.as_str(),
        row.observed.as_str(),
        mark(row)
    )
}

/// The verdict of a row: proven, a warning only, undecided, or short.
fn mark(row: &ScopeResult) -> String {
    if row.ok {
        style("✓").green().for_stderr().to_string()
    } else if row.advisory {
        style("!").yellow().for_stderr().to_string()
    } else if row.observed == crate::bigcommerce::classify::Observed::Unknown {
        style("?").yellow().for_stderr().to_string()
    } else {
        style("✗").red().for_stderr().to_string()
    }
}

/// One warning per advisory scope that fell short. Only the Stencil preset has advisory scopes
/// (docs/bigcommerce.md, "Stencil-CLI tokens").
pub(crate) fn report_warnings(report: &Report) -> Vec<String> {
    report.warnings().map(warning).collect()
}

fn warning(row: &ScopeResult) -> String {
    format!(
        "{} is {} ({} wanted): `stencil start` lists no storefront channels without it, and \
         stencil-cli 7.5.1 and later only warn, so the check still passes",
        row.name,
        row.observed.as_str(),
        row.wanted.as_str()
    )
}

/// A short age: `45s`, `12m`, `5h`, `3d`.
pub(crate) fn age(since: Timestamp, now: Timestamp) -> String {
    let secs = now.as_second().saturating_sub(since.as_second()).max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        let t = |s: i64| Timestamp::from_second(s).unwrap();
        assert_eq!(age(t(0), t(59)), "59s");
        assert_eq!(age(t(0), t(120)), "2m");
        assert_eq!(age(t(0), t(7200)), "2h");
        assert_eq!(age(t(0), t(3 * 86_400)), "3d");
        assert_eq!(age(t(10), t(0)), "0s");
    }

    #[test]
    fn an_advisory_shortfall_is_a_warning_under_the_table() {
        use crate::bigcommerce::classify::Observed;
        use crate::bigcommerce::report::{ScopeResult, StoreInfo};
        use crate::bigcommerce::{Access, Level, StoreHash, TokenType};
        let row = |scope, name, observed: Observed, advisory| ScopeResult {
            scope,
            name,
            wanted: Level::ReadOnly,
            observed,
            ok: observed.satisfies(Level::ReadOnly),
            advisory,
        };
        let report = Report {
            ok: true,
            profile: "theme".into(),
            store: StoreInfo {
                hash: StoreHash::parse("abc123").unwrap(),
                name: None,
                domain: None,
                secure_url: None,
                control_panel_url: None,
            },
            token_type: TokenType::Stencil,
            access: Access::ReadOnly,
            scopes: vec![
                row("sites", "Sites & Routes", Observed::ReadOnly, false),
                row("channel_settings", "Channel Settings", Observed::None, true),
            ],
            requests: 6,
        };
        console::set_colors_enabled_stderr(false);
        let text = super::report(&report);
        assert!(text.contains("name unknown"), "{text}");
        let marks: Vec<_> = text.lines().filter_map(|l| l.trim_end().chars().last()).collect();
        assert!(marks.contains(&'✓') && marks.contains(&'!'), "{text}");
        let warnings = report_warnings(&report);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("Channel Settings is none (read-only wanted)"),
            "{warnings:?}"
        );
    }

    #[test]
    fn outside_text_reaches_neither_table_raw() {
        use crate::bigcommerce::report::StoreInfo;
        use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
        use crate::domain::ProfileName;
        use crate::profile::Profile;
        let hostile = "Shop\u{1b}[2J\u{1b}]52;c;eA==\u{7}\r✓ forged\n\u{202e}\u{9b}";
        let verified = Report {
            ok: true,
            profile: "shop".into(),
            store: StoreInfo {
                hash: StoreHash::parse("abc123").unwrap(),
                name: Some(hostile.into()),
                domain: Some(hostile.into()),
                secure_url: None,
                control_panel_url: None,
            },
            token_type: TokenType::Api,
            access: Access::ReadOnly,
            scopes: Vec::new(),
            requests: 2,
        };
        console::set_colors_enabled_stderr(false);
        let shown = report(&verified);
        assert!(shown.contains("Store   Shop\\u{1b}[2J"), "{shown}");
        assert!(shown.contains("Domain  Shop\\u{1b}[2J"), "{shown}");
        // A profiles.toml written by another tool: the account name may hold a bidi control.
        let profile = Profile {
            store_hash: StoreHash::parse("abc123").unwrap(),
            api_path: String::new(),
            store_name: Some(hostile.into()),
            account_name: AccountName::parse("Bot\u{202e}txt.exe").unwrap(),
            client_id: None,
            has_client_secret: false,
            token_type: TokenType::Api,
            access: Access::ReadOnly,
            scopes_wanted: Vec::new(),
            scopes_observed: std::collections::BTreeMap::new(),
            storage: crate::domain::StorageKind::Keyring,
            created_at: Timestamp::UNIX_EPOCH,
            rotated_at: None,
            verified_at: None,
        };
        let mut profiles = crate::profile::Profiles::default();
        profiles
            .profiles
            .insert(ProfileName::parse("shop").unwrap(), profile);
        let listed = status(&profiles, "shop", Timestamp::UNIX_EPOCH, &Problems::new());
        assert!(listed.contains("Bot\\u{202e}txt.exe"), "{listed}");
        assert!(listed.contains("Shop\\u{1b}[2J"), "{listed}");
        for text in [shown, listed] {
            assert!(
                !text.chars().any(|c| crate::text::is_unsafe(c) && c != '\n'),
                "{text:?}"
            );
            assert!(!text.lines().any(|l| l.starts_with("✓")), "{text}");
        }
    }

    #[test]
    fn clipping_counts_characters() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("ééé", 3), "ééé");
    }
}

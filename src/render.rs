//! Text for people: the verification table and the profile list. Pure functions from data to
//! strings, so they are unit-tested without a terminal. Output fits 80 columns and reads the same
//! without colour (the ✓/✗ marks carry the meaning, colour only repeats it). Values bcsetup did not
//! write (the store's name and domain, names read from profiles.toml) go through `text::one_line`:
//! the result carries bcsetup's own styling, so the printer cannot escape it afterwards.

use std::fmt::Write;

use console::style;
use jiff::Timestamp;

use crate::bigcommerce::report::{Report, ScopeResult};
use crate::profile::Profiles;
use crate::text;

mod recheck;

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

/// The profile list: one row per profile, the store's and the account's names on the line under
/// it (names are long; the columns above stay short enough for 80 columns), then warnings for
/// unverified, old and half-rotated profiles.
pub(crate) fn status(profiles: &Profiles, current: &str, now: Timestamp, max_age_days: u32) -> String {
    let mut out = String::new();
    if profiles.profiles.is_empty() && profiles.pending.is_empty() {
        out.push_str("No profiles yet. Create one with `bcsetup init`.\n");
        return out;
    }
    let header = STATUS_COLUMNS.map(str::to_owned);
    let rows: Vec<[String; 7]> = profiles
        .profiles
        .iter()
        .map(|(name, p)| {
            let verified = p
                .verified_at
                .map_or_else(|| "never".to_owned(), |t| format!("{} ago", age(t, now)));
            [
                name.to_string(),
                p.store_hash.to_string(),
                p.token_type.as_str().to_owned(),
                p.access.as_str().to_owned(),
                p.storage.as_str().to_owned(),
                age(p.rotated_at.unwrap_or(p.created_at), now),
                verified,
            ]
        })
        .collect();
    let widths = column_widths(&header, &rows);
    let _ = writeln!(out, "  {}", table_line(&header, &widths));
    for ((name, p), row) in profiles.profiles.iter().zip(&rows) {
        let marker = if name.as_str() == current { "*" } else { " " };
        let _ = writeln!(out, "{marker} {}", table_line(row, &widths));
        // profiles.toml may come from another tool or an older bcsetup that kept the names raw.
        let account = clip(p.account_name.as_str(), 36);
        let names = match &p.store_name {
            Some(store) => {
                let room = 65 - account.chars().count();
                format!(
                    "{} · account {}",
                    text::one_line(&clip(store, room)),
                    text::one_line(&account)
                )
            }
            None => format!("account {}", text::one_line(&account)),
        };
        let _ = writeln!(out, "    {names}");
    }
    for w in status_warnings(profiles, now, max_age_days) {
        let _ = writeln!(out, "{}: {w}", style("warning").yellow().bold().for_stderr());
    }
    out
}

const STATUS_COLUMNS: [&str; 7] = ["PROFILE", "STORE", "TYPE", "ACCESS", "STORAGE", "AGE", "VERIFIED"];

/// Each column as wide as its widest cell, two spaces apart; the profile column gives way (to 8,
/// its names clipped with `…`) when the line would pass 80 columns.
fn column_widths(header: &[String; 7], rows: &[[String; 7]]) -> [usize; 7] {
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let total = 2 + widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    widths[0] = widths[0].saturating_sub(total.saturating_sub(80)).max(8);
    widths
}

fn table_line(cells: &[String; 7], widths: &[usize; 7]) -> String {
    let mut line = String::new();
    for (i, (cell, &width)) in cells.iter().zip(widths).enumerate() {
        let cell = clip(cell, width);
        if i + 1 == cells.len() {
            line.push_str(&cell);
        } else {
            let _ = write!(line, "{cell:<width$}  ");
        }
    }
    line
}

fn status_warnings(profiles: &Profiles, now: Timestamp, max_age_days: u32) -> Vec<String> {
    let mut warnings = Vec::new();
    for (name, p) in &profiles.profiles {
        if p.verified_at.is_none() {
            warnings.push(format!(
                "profile `{name}` was never verified: run `bcsetup verify --profile {name}`"
            ));
        }
        let changed = p.rotated_at.unwrap_or(p.created_at);
        let days = now.as_second().saturating_sub(changed.as_second()) / 86_400;
        if days > i64::from(max_age_days) {
            warnings.push(format!(
                "profile `{name}` has credentials {days} days old (over {max_age_days}): BigCommerce tokens never \
                 expire, so rotate them with `bcsetup init --profile {name}`"
            ));
        }
    }
    for name in profiles.pending.keys() {
        warnings.push(format!(
            "profile `{name}` has an unfinished rotation (bcsetup was interrupted); the next `bcsetup verify \
             --profile {name}` finishes or undoes it"
        ));
    }
    warnings
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
    fn the_status_table_fits_80_columns() {
        use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
        use crate::domain::ProfileName;
        use crate::profile::Profile;
        let profile = Profile {
            store_hash: StoreHash::parse("abcdefghij").unwrap(),
            api_path: String::new(),
            store_name: Some("A store with a rather long name indeed, longer than the column".into()),
            account_name: AccountName::parse("A long account name for migrations").unwrap(),
            client_id: None,
            has_client_secret: false,
            token_type: TokenType::Stencil,
            access: Access::ReadOnly,
            scopes_wanted: Vec::new(),
            scopes_observed: std::collections::BTreeMap::new(),
            storage: crate::domain::StorageKind::Keyring,
            created_at: Timestamp::UNIX_EPOCH,
            rotated_at: None,
            verified_at: Some(Timestamp::from_second(86_400).unwrap()),
        };
        let mut profiles = Profiles::default();
        profiles
            .profiles
            .insert(ProfileName::parse("a-long-profile-name").unwrap(), profile);
        let text = status(&profiles, "x", Timestamp::from_second(200 * 86_400).unwrap(), 90);
        for line in text.lines().filter(|l| !l.starts_with("warning")) {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line}",
                line.chars().count()
            );
        }
    }

    #[test]
    fn status_columns_are_two_spaces_apart_and_line_up() {
        use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
        use crate::domain::ProfileName;
        use crate::profile::Profile;
        let profile = |name: &str, access| Profile {
            store_hash: StoreHash::parse("demo123").unwrap(),
            api_path: String::new(),
            store_name: None,
            account_name: AccountName::parse(name).unwrap(),
            client_id: None,
            has_client_secret: false,
            token_type: TokenType::Stencil,
            access,
            scopes_wanted: Vec::new(),
            scopes_observed: std::collections::BTreeMap::new(),
            storage: crate::domain::StorageKind::Keyring,
            created_at: Timestamp::UNIX_EPOCH,
            rotated_at: None,
            verified_at: None,
        };
        let mut profiles = Profiles::default();
        for (key, name, access) in [
            ("demo-read-only", "Demo migration", Access::ReadOnly),
            ("b", "Bot!", Access::Modify),
        ] {
            profiles
                .profiles
                .insert(ProfileName::parse(key).unwrap(), profile(name, access));
        }
        let text = status(&profiles, "b", Timestamp::from_second(90).unwrap(), 90);
        let lines: Vec<&str> = text.lines().take(5).collect();
        let cells = |line: &str| -> Vec<String> {
            line[2..]
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(cells(lines[0]), STATUS_COLUMNS, "{text}");
        assert_eq!(
            cells(lines[3]),
            [
                "demo-read-only",
                "demo123",
                "stencil",
                "read-only",
                "keyring",
                "1m",
                "never"
            ],
            "{text}"
        );
        assert!(lines[1].starts_with("* b "), "{text}");
        assert_eq!(lines[4], "    account Demo migration", "{text}");
        // Every column starts where its header does.
        let starts = |line: &str| -> Vec<usize> {
            let mut at = Vec::new();
            let chars: Vec<char> = line.chars().collect();
            for i in 2..chars.len() {
                if chars[i] != ' ' && (i == 2 || chars[i - 1] == ' ' && chars[i - 2] == ' ') {
                    at.push(i);
                }
            }
            at
        };
        assert_eq!(starts(lines[0]), starts(lines[3]), "{text}");
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
        let mut profiles = Profiles::default();
        profiles
            .profiles
            .insert(ProfileName::parse("shop").unwrap(), profile);
        let listed = status(&profiles, "shop", Timestamp::UNIX_EPOCH, 90);
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

//! `bcsetup status`: the profile list. One row of short columns per profile (sized to their content,
//! two spaces apart), the store's and the account's names on the line under it, then warnings.

use std::collections::BTreeMap;
use std::fmt::Write;

use console::style;
use jiff::Timestamp;

use super::{age, clip};
use crate::domain::ProfileName;
use crate::profile::{Problem, Profiles};
use crate::text;

/// The profile list: one row per profile, the store's and the account's names on the line under
/// it (names are long; the columns above stay short enough for 80 columns), then warnings for
/// unverified, old and half-rotated profiles.
pub(crate) fn status(profiles: &Profiles, current: &str, now: Timestamp, problems: &Problems) -> String {
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
    for w in problem_lines(problems) {
        let _ = writeln!(out, "{}: {w}", style("warning").yellow().bold().for_stderr());
    }
    out
}

/// Each profile's problems, by name (`profile::problems`).
pub(crate) type Problems = BTreeMap<ProfileName, Vec<Problem>>;

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

/// One line per problem: each profile's unverified and old credentials in name order, then the
/// rotations left unfinished.
pub(crate) fn problem_lines(problems: &Problems) -> Vec<String> {
    let mut lines = Vec::new();
    let mut left = Vec::new();
    for (name, list) in problems {
        for problem in list {
            match *problem {
                Problem::Unverified => lines.push(format!(
                    "profile `{name}` was never verified: run `bcsetup verify --profile {name}`"
                )),
                Problem::TooOld { days, max } => lines.push(format!(
                    "profile `{name}` has credentials {days} days old (over {max}): BigCommerce tokens never \
                     expire, so rotate them with `bcsetup init --profile {name}`"
                )),
                Problem::MidRotation => left.push(format!(
                    "profile `{name}` has an unfinished rotation (bcsetup was interrupted); the next `bcsetup \
                     verify --profile {name}` finishes or undoes it"
                )),
            }
        }
    }
    lines.extend(left);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bigcommerce::{Access, AccountName, StoreHash, TokenType};
    use crate::domain::ProfileName;
    use crate::profile::{Profile, problems};

    fn profile(store: &str, account: &str, access: Access) -> Profile {
        Profile {
            store_hash: StoreHash::parse(store).unwrap(),
            api_path: String::new(),
            store_name: None,
            account_name: AccountName::parse(account).unwrap(),
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
        }
    }

    fn listing(entries: Vec<(&str, Profile)>) -> Profiles {
        let mut profiles = Profiles::default();
        for (name, p) in entries {
            profiles.profiles.insert(ProfileName::parse(name).unwrap(), p);
        }
        profiles
    }

    #[test]
    fn the_status_table_fits_80_columns() {
        let mut long = profile(
            "abcdefghij",
            "A long account name for migrations",
            Access::ReadOnly,
        );
        long.store_name = Some("A store with a rather long name indeed, longer than the column".into());
        long.verified_at = Some(Timestamp::from_second(86_400).unwrap());
        let profiles = listing(vec![("a-long-profile-name-of-forty-characters-", long)]);
        let now = Timestamp::from_second(200 * 86_400).unwrap();
        let text = status(&profiles, "x", now, &problems(&profiles, now, 90, &|_| true));
        for line in text.lines().filter(|l| !l.starts_with("warning")) {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line}",
                line.chars().count()
            );
        }
    }

    /// The cells of a table line: what two or more spaces separate.
    fn cells(line: &str) -> Vec<String> {
        line[2..]
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Where each cell of a table line starts.
    fn starts(line: &str) -> Vec<usize> {
        let chars: Vec<char> = line.chars().collect();
        (2..chars.len())
            .filter(|&i| chars[i] != ' ' && (i == 2 || chars[i - 1] == ' ' && chars[i - 2] == ' '))
            .collect()
    }

    #[test]
    fn status_columns_are_two_spaces_apart_and_line_up() {
        let profiles = listing(vec![
            (
                "demo-read-only",
                profile("demo123", "Demo migration", Access::ReadOnly),
            ),
            ("b", profile("demo123", "Bot!", Access::Modify)),
        ]);
        let now = Timestamp::from_second(90).unwrap();
        let text = status(&profiles, "b", now, &problems(&profiles, now, 90, &|_| true));
        let lines: Vec<&str> = text.lines().take(5).collect();
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
        assert_eq!(starts(lines[0]), starts(lines[3]), "{text}");
    }
}

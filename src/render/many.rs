//! `verify --all`: one row per profile (no scope tables), what each result is called in text and in
//! JSON, the short detail of a failure, and the summary line.

use std::fmt::Write;

use console::style;

use super::clip;
use crate::bigcommerce::judge::{Shortfall, VerifyFailure};
use crate::error::Error;
use crate::store::StoreError;
use crate::text;

/// What verifying one profile came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Outcome {
    /// Token and every wanted scope proven.
    Ok,
    /// 401 for a token that passed before.
    Revoked,
    /// 401 for a token never verified.
    Rejected,
    /// The token belongs to another store.
    WrongStore,
    /// A scope that passed before falls short now.
    ScopeLost,
    /// A wanted scope falls short (never verified before, or never proven).
    ScopeMissing,
    /// A level no probe could decide, not accepted.
    Unproven,
    /// BigCommerce could not be reached or stayed unhealthy.
    Unreachable,
    /// The secret could not be read (keyring, secrets file, a lock held too long).
    Storage,
    /// A write probe was accepted: a defect.
    ChangedData,
    /// The profile was removed while the run went on.
    NotFound,
    /// profiles.toml or a lock file is unusable.
    Invalid,
    /// Anything else (an internal error).
    Failed,
}

impl Outcome {
    /// The outcome of a failure, by its JSON `kind`.
    pub(crate) fn of(err: &Error) -> Self {
        match err.kind() {
            "revoked" => Outcome::Revoked,
            "rejected" => Outcome::Rejected,
            "wrong_store" => Outcome::WrongStore,
            "scope_lost" => Outcome::ScopeLost,
            "scopes_missing" => Outcome::ScopeMissing,
            "scopes_unproven" => Outcome::Unproven,
            "unreachable" => Outcome::Unreachable,
            "storage" => Outcome::Storage,
            "probe_changed_data" => Outcome::ChangedData,
            "profile_not_found" => Outcome::NotFound,
            "invalid_config" | "invalid_input" => Outcome::Invalid,
            _ => Outcome::Failed,
        }
    }

    /// The JSON `result` (docs/interface.md).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Revoked => "revoked",
            Outcome::Rejected => "rejected",
            Outcome::WrongStore => "wrong-store",
            Outcome::ScopeLost => "scope-lost",
            Outcome::ScopeMissing => "scope-missing",
            Outcome::Unproven => "scope-unproven",
            Outcome::Unreachable => "unreachable",
            Outcome::Storage => "storage",
            Outcome::ChangedData => "changed-data",
            Outcome::NotFound => "not-found",
            Outcome::Invalid => "invalid-config",
            Outcome::Failed => "error",
        }
    }

    /// The words in the RESULT column and the summary.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Revoked => "revoked",
            Outcome::Rejected => "rejected",
            Outcome::WrongStore => "wrong store",
            Outcome::ScopeLost => "scope lost",
            Outcome::ScopeMissing => "scope missing",
            Outcome::Unproven => "unproven",
            Outcome::Unreachable => "unreachable",
            Outcome::Storage => "storage",
            Outcome::ChangedData => "CHANGED DATA",
            Outcome::NotFound => "not found",
            Outcome::Invalid => "invalid config",
            Outcome::Failed => "error",
        }
    }
}

/// One profile's row.
pub(crate) struct Row {
    /// The profile name.
    pub profile: String,
    /// The store hash.
    pub store: String,
    /// The result.
    pub outcome: Outcome,
    /// A few words on why (the lost scopes, the HTTP reason); may be empty.
    pub detail: String,
}

const COLUMNS: [&str; 4] = ["PROFILE", "STORE", "RESULT", "DETAIL"];

/// The table, in the order given (profile names); with `only_failed`, the rows that are not ok
/// (and nothing at all when every row is ok).
pub(crate) fn verify_all(rows: &[Row], only_failed: bool) -> String {
    let shown: Vec<&Row> = rows
        .iter()
        .filter(|r| !only_failed || r.outcome != Outcome::Ok)
        .collect();
    let mut out = String::new();
    if shown.is_empty() {
        return out;
    }
    let width = |cells: &mut dyn Iterator<Item = usize>, head: &str, cap: usize| {
        cells.max().unwrap_or(0).max(head.len()).min(cap)
    };
    let w_profile = width(
        &mut shown.iter().map(|r| r.profile.chars().count()),
        COLUMNS[0],
        24,
    );
    let w_store = width(&mut shown.iter().map(|r| r.store.chars().count()), COLUMNS[1], 16);
    let w_result = width(&mut shown.iter().map(|r| r.outcome.label().len()), COLUMNS[2], 14);
    let w_detail = 80usize.saturating_sub(w_profile + w_store + w_result + 6).max(20);
    let _ = writeln!(
        out,
        "{:<w_profile$}  {:<w_store$}  {:<w_result$}  {}",
        COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3]
    );
    for row in shown {
        let label = format!("{:<w_result$}", row.outcome.label());
        let label = if row.outcome == Outcome::Ok {
            style(label).green().for_stderr()
        } else {
            style(label).red().bold().for_stderr()
        };
        let line = format!(
            "{:<w_profile$}  {:<w_store$}  {label}  {}",
            clip(&text::one_line(&row.profile), w_profile),
            clip(&row.store, w_store),
            clip(&text::one_line(&row.detail), w_detail)
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// "18 ok, 1 revoked, 1 unreachable": the count of each result, ok first, then in `Outcome` order.
pub(crate) fn summary(rows: &[Row]) -> String {
    let mut outcomes: Vec<Outcome> = rows.iter().map(|r| r.outcome).collect();
    outcomes.sort_unstable();
    let mut parts: Vec<String> = Vec::new();
    let mut rest = outcomes.as_slice();
    while let Some(&first) = rest.first() {
        let n = rest.iter().take_while(|&&o| o == first).count();
        parts.push(format!("{n} {}", first.label()));
        rest = &rest[n..];
    }
    parts.join(", ")
}

/// A few words on a failure for its row; the whole message is in `--json` and in a single `verify`.
pub(crate) fn detail(err: &Error) -> String {
    match err {
        Error::Verification { failure, .. } => match failure {
            VerifyFailure::Revoked { .. } => "401; it passed before".into(),
            VerifyFailure::Rejected { .. } => "401; never verified before".into(),
            VerifyFailure::WrongStore { .. } => "the token belongs to another store".into(),
            VerifyFailure::ScopeLost { lost, .. } => lost_now(lost),
            VerifyFailure::ScopesMissing { missing, .. }
            | VerifyFailure::ScopesUnproven { unproven: missing } => short_now(missing),
            VerifyFailure::ProbeChangedData { accepted } => {
                format!("{} write probe(s) accepted: see `bcsetup verify`", accepted.len())
            }
            VerifyFailure::Unhealthy { status } => format!("GET /v3/hooks answered {status}"),
        },
        Error::Unreachable(why) => why.clone(),
        Error::Storage(StoreError::Failed(why)) => without_name(why),
        other => without_name(&other.to_string()),
    }
}

/// A message without its leading "profile `name` ": the row names the profile already.
fn without_name(message: &str) -> String {
    message
        .strip_prefix("profile `")
        .and_then(|rest| rest.split_once("` "))
        .map_or(message, |(_, rest)| rest)
        .to_owned()
}

fn lost_now(lost: &[Shortfall]) -> String {
    let each: Vec<String> = lost
        .iter()
        .map(|s| {
            let before = s.before.map_or("?", |b| b.as_str());
            format!("{} {before} → {}", s.name, s.observed.as_str())
        })
        .collect();
    each.join(", ")
}

fn short_now(missing: &[Shortfall]) -> String {
    if let [one] = missing {
        return format!(
            "{} {} ({} wanted)",
            one.name,
            one.observed.as_str(),
            one.wanted.as_str()
        );
    }
    let names: Vec<&str> = missing.iter().map(|s| s.name).collect();
    format!("{} scopes short: {}", missing.len(), names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(profile: &str, outcome: Outcome, detail: &str) -> Row {
        Row {
            profile: profile.into(),
            store: "abc123".into(),
            outcome,
            detail: detail.into(),
        }
    }

    #[test]
    fn rows_line_up_fit_80_columns_and_quiet_keeps_the_failures() {
        let rows = [
            row("alpha", Outcome::Ok, ""),
            row("beta", Outcome::Revoked, "401"),
            row(
                "gamma-with-a-much-longer-name-than-fits",
                Outcome::Unreachable,
                &"x".repeat(200),
            ),
        ];
        let table = verify_all(&rows, false);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[0].starts_with("PROFILE"), "{table}");
        let at = lines[0].find("RESULT").unwrap();
        assert_eq!(lines[2].find("revoked"), Some(at), "{table}");
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{table}");
        let quiet = verify_all(&rows, true);
        assert_eq!(quiet.lines().count(), 3, "{quiet}");
        assert!(!quiet.contains("alpha"), "{quiet}");
        assert_eq!(verify_all(&rows[..1], true), "");
    }

    #[test]
    fn the_summary_counts_ok_first_then_each_result() {
        let rows = [
            row("a", Outcome::Unreachable, ""),
            row("b", Outcome::Ok, ""),
            row("c", Outcome::Revoked, ""),
            row("d", Outcome::Ok, ""),
        ];
        assert_eq!(summary(&rows), "2 ok, 1 revoked, 1 unreachable");
    }

    #[test]
    fn details_are_short_and_leave_the_name_to_the_row() {
        let lost = Error::Storage(StoreError::Failed(
            "profile `shop` has metadata but no access token in the keyring".into(),
        ));
        assert_eq!(detail(&lost), "has metadata but no access token in the keyring");
        assert_eq!(detail(&Error::Unreachable("timeout".into())), "timeout");
        assert_eq!(Outcome::of(&lost), Outcome::Storage);
        assert_eq!(
            Outcome::of(&Error::Unreachable(String::new())).key(),
            "unreachable"
        );
    }

    #[test]
    fn a_hostile_detail_is_escaped() {
        let table = verify_all(&[row("a", Outcome::Unreachable, "bad\u{1b}[2Jthing")], false);
        assert!(!table.contains('\u{1b}'), "{table}");
    }
}

//! What a re-check of the same token shows after `init`'s "Change the access level or scopes
//! wanted". The whole table was shown just above it, so this shows only the change: what was
//! changed, whether requests were sent for it, and the rows whose verdict or observed level changed,
//! or that were added or dropped; one line when every wanted scope is proven now. A wanted level that
//! only follows the new access level is not a change of its own: the first line says it.

use std::fmt::Write;

use console::style;

use super::{mark, row_line, warning};
use crate::bigcommerce::report::{Report, ScopeResult};

/// How one row differs from the last report.
enum Change<'a> {
    Added(&'a ScopeResult),
    Dropped(&'a ScopeResult),
    Changed {
        before: &'a ScopeResult,
        after: &'a ScopeResult,
    },
}

fn changes<'a>(before: &'a Report, after: &'a Report) -> Vec<Change<'a>> {
    let find = |report: &'a Report, key: &str| report.scopes.iter().find(|r| r.scope == key);
    let same_access = before.access == after.access;
    let mut out = Vec::new();
    for row in &after.scopes {
        match find(before, row.scope) {
            None => out.push(Change::Added(row)),
            Some(old)
                if (old.observed, old.ok) != (row.observed, row.ok)
                    || (same_access && old.wanted != row.wanted) =>
            {
                out.push(Change::Changed {
                    before: old,
                    after: row,
                });
            }
            Some(_) => {}
        }
    }
    out.extend(
        before
            .scopes
            .iter()
            .filter(|row| find(after, row.scope).is_none())
            .map(Change::Dropped),
    );
    out
}

/// The re-check after a change of what is wanted, for the same token: `sent` requests were needed
/// beyond the answers already received.
pub(crate) fn recheck(before: &Report, after: &Report, sent: usize) -> String {
    let changes = changes(before, after);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Re-checked the same token: {}.",
        what_changed(before, after, &changes)
    );
    let _ = writeln!(
        out,
        "{}",
        match sent {
            0 => "No request sent: the answers already received decide it.".to_owned(),
            1 => "1 request sent; the other answers were already received.".to_owned(),
            n => format!("{n} requests sent; the other answers were already received."),
        }
    );
    if after.scopes.iter().all(|row| row.ok) {
        let _ = writeln!(
            out,
            "{} now all {} wanted scopes are proven",
            style("✓").green().for_stderr(),
            after.scopes.len()
        );
        return out;
    }
    if changes.is_empty() {
        let _ = writeln!(out, "No scope's verdict changed.");
        return out;
    }
    let _ = writeln!(out, "  {:<28} {:<10} Observed", "Scope", "Wanted");
    for change in &changes {
        let line = match change {
            Change::Added(row) => format!("{}  new", row_line('+', row)),
            Change::Dropped(row) => format!("{}  no longer wanted", row_line('-', row)),
            Change::Changed { before, after } if before.observed == after.observed => {
                format!("{}  was {}", row_line(' ', after), mark(before))
            }
            Change::Changed { before, after } => format!(
                "{}  was {} {}",
                row_line(' ', after),
                before.observed.as_str(),
                mark(before)
            ),
        };
        let _ = writeln!(out, "{line}");
    }
    out
}

/// "access modify → read-only, Orders added, Products dropped".
fn what_changed(before: &Report, after: &Report, changes: &[Change<'_>]) -> String {
    let mut parts = Vec::new();
    if before.access != after.access {
        parts.push(format!("access {} → {}", before.access, after.access));
    }
    let names = |added: bool| -> Vec<&str> {
        changes
            .iter()
            .filter_map(|c| match (c, added) {
                (Change::Added(row), true) | (Change::Dropped(row), false) => Some(row.name),
                _ => None,
            })
            .collect()
    };
    for (list, verb) in [(names(true), "added"), (names(false), "dropped")] {
        if !list.is_empty() {
            parts.push(format!("{} {verb}", list.join(", ")));
        }
    }
    if parts.is_empty() {
        "the same access and scopes".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The advisory warnings of rows that are new or changed: the others were printed with the table.
pub(crate) fn recheck_warnings(before: &Report, after: &Report) -> Vec<String> {
    changes(before, after)
        .iter()
        .filter_map(|change| match change {
            Change::Added(row) | Change::Changed { after: row, .. } => Some(*row),
            Change::Dropped(_) => None,
        })
        .filter(|row| !row.ok && row.advisory)
        .map(warning)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bigcommerce::classify::Observed;
    use crate::bigcommerce::report::StoreInfo;
    use crate::bigcommerce::{Access, StoreHash, TokenType};

    /// A report of `rows`: (key, name, observed), every scope wanted at `access`.
    fn report(access: Access, rows: &[(&'static str, &'static str, Observed)]) -> Report {
        let scopes = rows
            .iter()
            .map(|&(scope, name, observed)| ScopeResult {
                scope,
                name,
                wanted: access.level(),
                observed,
                ok: observed.satisfies(access.level()),
                advisory: false,
            })
            .collect();
        Report {
            ok: false,
            profile: "p".into(),
            store: StoreInfo {
                hash: StoreHash::parse("abc123").unwrap(),
                name: None,
                domain: None,
                secure_url: None,
                control_panel_url: None,
            },
            token_type: TokenType::Api,
            access,
            scopes,
            requests: 10,
        }
    }

    const RO: Observed = Observed::ReadOnly;

    #[test]
    fn a_change_that_proves_everything_is_one_line_after_the_change() {
        console::set_colors_enabled_stderr(false);
        let rows = [("content", "Content", RO), ("orders", "Orders", RO)];
        let before = report(Access::Modify, &rows);
        let after = report(Access::ReadOnly, &rows);
        assert_eq!(
            recheck(&before, &after, 0),
            "Re-checked the same token: access modify → read-only.\nNo request sent: the answers already \
             received decide it.\n✓ now all 2 wanted scopes are proven\n"
        );
    }

    /// Content short, Orders proven, Products not granted; Modify wanted.
    fn before() -> Report {
        report(
            Access::Modify,
            &[
                ("content", "Content", RO),
                ("orders", "Orders", Observed::Modify),
                ("products", "Products", Observed::None),
            ],
        )
    }

    #[test]
    fn a_dropped_scope_is_the_only_row_shown() {
        console::set_colors_enabled_stderr(false);
        let before = before();
        // Products dropped: Content is still short and unchanged, Orders still proven.
        let dropped = report(
            Access::Modify,
            &[("content", "Content", RO), ("orders", "Orders", Observed::Modify)],
        );
        let text = recheck(&before, &dropped, 0);
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        assert_eq!(
            lines,
            [
                "Re-checked the same token: Products dropped.",
                "No request sent: the answers already received decide it.",
                "  Scope                        Wanted     Observed",
                "- Products                     modify     none       ✗  no longer wanted",
            ]
        );
    }

    #[test]
    fn a_new_access_level_shows_the_rows_whose_verdict_or_observation_changed() {
        console::set_colors_enabled_stderr(false);
        let before = before();
        // Read-only now: Content and Orders pass (Orders was already proven, so it is not shown),
        // Products stays short with the new level, which the first line already says.
        let lowered = report(
            Access::ReadOnly,
            &[
                ("content", "Content", RO),
                ("orders", "Orders", RO),
                ("products", "Products", Observed::None),
            ],
        );
        let text = recheck(&before, &lowered, 0);
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        assert_eq!(
            lines[2..],
            [
                "  Scope                        Wanted     Observed",
                "  Content                      read-only  read-only  ✓  was ✗",
                "  Orders                       read-only  read-only  ✓  was modify ✓",
            ]
        );
    }

    #[test]
    fn an_added_scope_is_new_and_its_requests_are_counted() {
        console::set_colors_enabled_stderr(false);
        let before = before();
        let added = report(
            Access::Modify,
            &[
                ("content", "Content", RO),
                ("orders", "Orders", Observed::Modify),
                ("products", "Products", Observed::None),
                ("customers", "Customers", RO),
            ],
        );
        let text = recheck(&before, &added, 2);
        assert!(
            text.starts_with(
                "Re-checked the same token: Customers added.\n2 requests sent; the other answers were already \
                 received.\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("\n+ Customers                    modify     read-only  ✗  new\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 4, "{text}");
        let same = recheck(&before, &before, 0);
        assert!(same.contains("the same access and scopes"), "{same}");
        assert!(same.ends_with("No scope's verdict changed.\n"), "{same}");
    }
}

//! What needs attention in profiles.toml, read without the network or the keyring (`status`, and
//! `status --check`'s exit 8): a profile never verified, credentials older than the bound, and a
//! rotation a dead run left (its `[pending.<name>]` record while no live run owns the profile).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::Profiles;
use crate::domain::ProfileName;

/// One problem of one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// `verified_at` is missing (stored with `--no-verify`).
    Unverified,
    /// Created or last rotated this many whole days ago, over the bound.
    TooOld {
        /// Its age.
        days: i64,
        /// The bound (`--max-age`).
        max: u32,
    },
    /// A rotation was left unfinished.
    MidRotation,
}

impl Problem {
    /// The stable JSON string (docs/interface.md, `status --check`).
    pub(crate) fn key(self) -> &'static str {
        match self {
            Problem::Unverified => "unverified",
            Problem::TooOld { .. } => "too-old",
            Problem::MidRotation => "mid-rotation",
        }
    }
}

/// Every profile's problems (only those with one), by name; a name may be pending only (a first
/// `init` cut short). `left` tells whether a pending record was left by a run that is gone.
pub(crate) fn problems(
    profiles: &Profiles,
    now: Timestamp,
    max_age_days: u32,
    left: &dyn Fn(&ProfileName) -> bool,
) -> BTreeMap<ProfileName, Vec<Problem>> {
    let mut found: BTreeMap<ProfileName, Vec<Problem>> = BTreeMap::new();
    for (name, p) in &profiles.profiles {
        let mut list = Vec::new();
        if p.verified_at.is_none() {
            list.push(Problem::Unverified);
        }
        let changed = p.rotated_at.unwrap_or(p.created_at);
        let days = now.as_second().saturating_sub(changed.as_second()) / 86_400;
        if days > i64::from(max_age_days) {
            list.push(Problem::TooOld {
                days,
                max: max_age_days,
            });
        }
        if !list.is_empty() {
            found.insert(name.clone(), list);
        }
    }
    for name in profiles.pending.keys().filter(|n| left(n)) {
        found.entry(name.clone()).or_default().push(Problem::MidRotation);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_found_and_a_live_rotation_is_not_one() {
        let day = |d: i64| Timestamp::from_second(d * 86_400).unwrap();
        let mut profiles = Profiles::default();
        let name = |n: &str| ProfileName::parse(n).unwrap();
        let mut fine = super::super::tests::sample();
        fine.created_at = day(150);
        fine.verified_at = Some(day(160));
        let mut unverified = fine.clone();
        unverified.verified_at = None;
        let mut old = fine.clone();
        old.created_at = day(0);
        let mut rotated = old.clone();
        rotated.rotated_at = Some(day(120));
        for (n, p) in [
            ("fine", &fine),
            ("unverified", &unverified),
            ("old", &old),
            ("rotated", &rotated),
        ] {
            profiles.profiles.insert(name(n), p.clone());
        }
        profiles.pending.insert(name("fine"), fine.clone());
        profiles.pending.insert(name("live"), fine.clone());
        let left = |n: &ProfileName| n.as_str() != "live";
        let found = problems(&profiles, day(200), 90, &left);
        let keys = |n: &str| {
            found
                .get(&name(n))
                .map(|l| l.iter().map(|p| p.key()).collect::<Vec<_>>())
        };
        assert_eq!(keys("fine"), Some(vec!["mid-rotation"]));
        assert_eq!(keys("unverified"), Some(vec!["unverified"]));
        assert_eq!(keys("old"), Some(vec!["too-old"]));
        assert_eq!(found[&name("old")], [Problem::TooOld { days: 200, max: 90 }]);
        assert_eq!(keys("rotated"), None, "rotated 80 days ago");
        assert_eq!(keys("live"), None);
        // The bound is inclusive: exactly max days old is fine.
        assert!(!problems(&profiles, day(90), 90, &left).contains_key(&name("old")));
        assert!(!problems(&profiles, day(200), 200, &left).contains_key(&name("old")));
    }
}

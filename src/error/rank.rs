//! Which exit code wins when one run checks many profiles (`verify --all`): the worst row's, by a
//! documented ranking (docs/interface.md, "Exit codes"), not the largest number, which would put
//! "unreachable" (5, try again later) above "revoked" (3, act now).

/// `status --check`: at least one profile is unverified, too old or left mid-rotation.
pub const NEEDS_ATTENTION: u8 = 8;

/// Exit codes, worst first. 1: a defect (or a write probe accepted) needs a person now; 2: the
/// config itself is broken; 6: the secrets cannot be read, so nothing was checked; 3: the token is
/// dead; 4: the token lives but lacks scopes; 5: nothing was learned (BigCommerce unreachable, try
/// again); 7: the profile went away while the run went on; 0: fine.
const RANKING: [u8; 8] = [1, 2, 6, 3, 4, 5, 7, 0];

/// How bad a code is: 0 for the worst. A code outside the ranking counts as bad as an internal
/// error, so it is never hidden behind a milder one.
fn severity(code: u8) -> usize {
    RANKING.iter().position(|&c| c == code).unwrap_or(0)
}

/// The exit code of a run made of these rows' codes: the worst by the ranking; 0 for none.
pub fn worst(codes: impl IntoIterator<Item = u8>) -> u8 {
    codes.into_iter().min_by_key(|&c| severity(c)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_row_wins_by_the_ranking_not_by_the_number() {
        assert_eq!(worst([]), 0);
        assert_eq!(worst([0, 0]), 0);
        // Revoked (3) is worse than unreachable (5), though smaller.
        assert_eq!(worst([0, 5, 3, 0]), 3);
        assert_eq!(worst([5, 4]), 4);
        assert_eq!(worst([4, 3]), 3);
        assert_eq!(worst([3, 6]), 6);
        assert_eq!(worst([6, 1, 3]), 1);
        assert_eq!(worst([7, 5]), 5);
        assert_eq!(worst([0, 7]), 7);
        assert_eq!(worst([2, 6]), 2);
        // An unexpected code is never hidden.
        assert_eq!(worst([3, 99]), 99);
    }

    #[test]
    fn the_ranking_names_each_code_once() {
        let mut seen = RANKING.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), RANKING.len());
        assert_eq!(RANKING.last(), Some(&0));
    }
}

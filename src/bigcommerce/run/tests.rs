//! Unit tests of the retry decisions: the rate-limit floor and jitter, backoff, and the limits.

use super::*;

const PROBE: Request = super::super::probe::HOOKS;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn a_rate_limit_wait_is_never_below_the_floor() {
    for header in [ms(0), ms(1), ms(249)] {
        assert_eq!(rate_limit_delay(header, 0.0), RATE_LIMIT_FLOOR, "{header:?}");
    }
    assert_eq!(rate_limit_delay(ms(1500), 0.0), ms(1500));
}

#[test]
fn jitter_only_lengthens_a_header_wait_by_at_most_one_floor() {
    let waits: Vec<_> = [0.0, 0.3, 0.999]
        .iter()
        .map(|u| rate_limit_delay(ms(1500), *u))
        .collect();
    assert_eq!(waits[0], ms(1500));
    assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");
    assert!(waits[2] < ms(1500) + RATE_LIMIT_FLOOR);
    // Out-of-range units cannot shorten the wait or stretch it further.
    assert_eq!(rate_limit_delay(ms(10), -5.0), RATE_LIMIT_FLOOR);
    assert_eq!(rate_limit_delay(ms(10), 7.0), RATE_LIMIT_FLOOR * 2);
}

#[test]
fn backoff_doubles_with_up_to_half_again_of_jitter() {
    assert_eq!(backoff(ms(400), 1, 0.0), ms(400));
    assert_eq!(backoff(ms(400), 2, 0.0), ms(800));
    assert_eq!(backoff(ms(400), 3, 0.5), ms(1600) + ms(400));
}

#[test]
fn a_zero_reset_429_storm_gives_up_after_the_rate_limit_tries() {
    let limits = Limits::default();
    let mut tally = Tally::default();
    let zero = Answer::RateLimited(Some(Duration::ZERO));
    let mut waits = Vec::new();
    let outcome = loop {
        match retry_after_answer(PROBE, zero, 429, limits, &mut tally) {
            Retry::After(wait) => waits.push(wait),
            other => break other,
        }
    };
    assert!(
        matches!(outcome, Retry::GiveUp(ref m) if m.contains("429")),
        "{outcome:?}"
    );
    assert_eq!(waits.len(), limits.max_rate_limited as usize);
    assert!(waits.iter().all(|w| *w >= RATE_LIMIT_FLOOR), "{waits:?}");
}

#[test]
fn a_full_window_reset_is_waited_out_within_the_budget() {
    // BigCommerce's window is 30 s, the same as the budget: the jitter must not push it over.
    let limits = Limits::default();
    let mut tally = Tally::default();
    let full = Answer::RateLimited(Some(limits.rate_limit_budget));
    for _ in 0..50 {
        let mut tally = Tally::default();
        let retry = retry_after_answer(PROBE, full, 429, limits, &mut tally);
        assert!(
            matches!(retry, Retry::After(w) if w >= limits.rate_limit_budget),
            "{retry:?}"
        );
    }
    let _ = retry_after_answer(PROBE, full, 429, limits, &mut tally);
    let twice = retry_after_answer(PROBE, full, 429, limits, &mut tally);
    assert!(
        matches!(twice, Retry::GiveUp(_)),
        "a second full wait is over the budget: {twice:?}"
    );
}

#[test]
fn a_header_less_429_backs_off_and_counts_as_a_try() {
    let limits = Limits {
        backoff: ms(1),
        ..Limits::default()
    };
    let mut tally = Tally::default();
    let bare = Answer::RateLimited(None);
    assert!(matches!(
        retry_after_answer(PROBE, bare, 429, limits, &mut tally),
        Retry::After(w) if w >= RATE_LIMIT_FLOOR
    ));
    assert!(matches!(
        retry_after_answer(PROBE, bare, 429, limits, &mut tally),
        Retry::After(_)
    ));
    assert!(matches!(
        retry_after_answer(PROBE, bare, 429, limits, &mut tally),
        Retry::GiveUp(_)
    ));
    assert_eq!(
        retry_after_answer(PROBE, Answer::Invalid(422), 422, limits, &mut tally),
        Retry::Done
    );
}

//! The pure part of `copy`: the countdown loop (time and keys come from the caller) and every word
//! the run prints about it.

use std::time::{Duration, Instant};

use crate::cli::CopyWhat;
use crate::clipboard::Left;

/// How often the loop looks at the clock, the keys and the signals: Enter and Ctrl-C feel instant.
const TICK: Duration = Duration::from_millis(100);

/// The keys the countdown offers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Keys {
    /// Enter clears at once (stdin is a terminal, and `--no-input` was not given).
    pub enter: bool,
    /// Ctrl-C clears, then ends the run (where signals are watched: Unix).
    pub ctrl_c: bool,
}

/// Why the countdown ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    not(unix),
    allow(dead_code, reason = "without Unix, no key or signal ends a countdown early")
)]
pub(super) enum Ended {
    /// The time ran out.
    Deadline,
    /// The user pressed Enter.
    Enter,
    /// SIGINT, SIGTERM or SIGHUP.
    Signal(i32),
}

/// Count down to `deadline`: `tick` gets the seconds left each time that number changes, and
/// `step` waits at most the slice it is given and says whether the run must end sooner.
pub(super) fn count_down(
    deadline: Instant,
    tick: &mut impl FnMut(u64),
    mut step: impl FnMut(Duration) -> Option<Ended>,
) -> Ended {
    let mut shown = None;
    loop {
        let Some(rest) = deadline
            .checked_duration_since(Instant::now())
            .filter(|rest| !rest.is_zero())
        else {
            return Ended::Deadline;
        };
        // Rounded up: "1 s" until the very end, never "0 s" while the value is still there.
        let secs = rest.as_secs() + u64::from(rest.subsec_nanos() > 0);
        if shown != Some(secs) {
            tick(secs);
            shown = Some(secs);
        }
        if let Some(ended) = step(rest.min(TICK)) {
            return ended;
        }
    }
}

/// The countdown line.
pub(super) fn countdown(secs: u64, keys: Keys) -> String {
    let how = match (keys.enter, keys.ctrl_c) {
        (true, true) => " — Enter clears now, Ctrl-C clears and quits",
        (true, false) => " — Enter clears now",
        (false, true) => " — Ctrl-C clears and quits",
        (false, false) => "",
    };
    format!("Clipboard clears in {secs} s{how}")
}

/// What was copied, in a sentence.
pub(super) fn name(what: CopyWhat) -> &'static str {
    match what {
        CopyWhat::Token => "the access token",
        CopyWhat::ApiPath => "the API path",
        CopyWhat::ClientId => "the client ID",
        CopyWhat::StoreHash => "the store hash",
    }
}

/// What was copied, in JSON (the argument's own spelling).
pub(super) fn key(what: CopyWhat) -> &'static str {
    match what {
        CopyWhat::Token => "token",
        CopyWhat::ApiPath => "api-path",
        CopyWhat::ClientId => "client-id",
        CopyWhat::StoreHash => "store-hash",
    }
}

/// How the clipboard was left, as a cancel's line ends (`cancelled: …`).
pub(super) fn kept(left: Left) -> &'static str {
    match left {
        Left::Cleared | Left::ClearedUnread => "the clipboard was cleared",
        Left::Kept => "the clipboard holds something else now; left as it is",
        Left::Empty => "the clipboard was emptied meanwhile; nothing to clear",
    }
}

/// A line of its own: `kept`'s words as a sentence.
pub(super) fn capital(words: &str) -> String {
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        format!("{}{}.", first.to_uppercase(), chars.as_str())
    })
}

/// The JSON `outcome`.
pub(super) fn outcome(ended: Ended, left: Left) -> &'static str {
    match (left, ended) {
        (Left::Cleared | Left::ClearedUnread, Ended::Enter) => "cleared-early",
        (Left::Cleared | Left::ClearedUnread, _) => "cleared",
        (Left::Kept, _) => "kept",
        (Left::Empty, _) => "empty",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_countdown_names_only_the_keys_that_work() {
        let keys = |enter, ctrl_c| Keys { enter, ctrl_c };
        assert_eq!(
            countdown(27, keys(true, true)),
            "Clipboard clears in 27 s — Enter clears now, Ctrl-C clears and quits"
        );
        assert_eq!(
            countdown(30, keys(false, true)),
            "Clipboard clears in 30 s — Ctrl-C clears and quits"
        );
        assert_eq!(countdown(5, keys(false, false)), "Clipboard clears in 5 s");
    }

    #[test]
    fn the_ending_is_told_as_it_happened() {
        assert_eq!(outcome(Ended::Deadline, Left::Cleared), "cleared");
        assert_eq!(outcome(Ended::Enter, Left::Cleared), "cleared-early");
        assert_eq!(outcome(Ended::Enter, Left::Kept), "kept");
        assert_eq!(outcome(Ended::Deadline, Left::Empty), "empty");
        assert_eq!(
            capital(kept(Left::Kept)),
            "The clipboard holds something else now; left as it is."
        );
        assert_eq!(capital(kept(Left::ClearedUnread)), "The clipboard was cleared.");
    }

    #[test]
    fn the_count_goes_down_by_whole_seconds_and_ends_on_time_or_on_a_key() {
        let mut seen = Vec::new();
        let start = Instant::now();
        let ended = count_down(
            start + Duration::from_millis(1500),
            &mut |s| seen.push(s),
            |slice| {
                assert!(slice <= TICK);
                std::thread::sleep(slice);
                None
            },
        );
        assert_eq!(ended, Ended::Deadline);
        assert!(start.elapsed() >= Duration::from_millis(1500));
        assert_eq!(seen, [2, 1]);

        let mut steps = 0;
        let ended = count_down(Instant::now() + Duration::from_secs(60), &mut |_| {}, |_| {
            steps += 1;
            (steps == 3).then_some(Ended::Enter)
        });
        assert_eq!((ended, steps), (Ended::Enter, 3));
        // A deadline already past ends at once, without a tick.
        let mut ticks = 0;
        let ended = count_down(Instant::now(), &mut |_| ticks += 1, |_| None);
        assert_eq!((ended, ticks), (Ended::Deadline, 0));
    }
}

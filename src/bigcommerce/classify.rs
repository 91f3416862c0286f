//! Turn BigCommerce's answers into domain facts. Pure and table-tested: the network code only feeds
//! status codes and headers in. Decisions rest on the status code, never on the body or its title,
//! because BigCommerce's error bodies differ between endpoints (even plain text for some 401s).

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

use super::Level;

/// What one HTTP status means to bcsetup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 2xx, including 204 for an empty v2 list.
    Success(u16),
    /// 401: the token is missing, invalid or revoked.
    Unauthorized,
    /// 403: the token lacks the scope (or, on the default-scope probe, the store hash is wrong).
    Forbidden,
    /// 404: no such route or entity.
    NotFound,
    /// 400 (v2) or 422 (v3): the request passed the scope check and failed validation.
    Invalid(u16),
    /// 409: refused for the store's state (a theme upload limit, an upload in progress), which is
    /// decided after the scope check.
    Conflict,
    /// 429: wait this long before retrying, if the headers say.
    RateLimited(Option<Duration>),
    /// 500/502/503/504: retry with backoff.
    Unhealthy(u16),
    /// Anything else, including redirects (never followed) and 507.
    Other(u16),
}

/// Classify a response status (and, for 429, its rate-limit headers).
pub fn classify(status: u16, headers: &HeaderMap) -> Answer {
    match status {
        200..=299 => Answer::Success(status),
        401 => Answer::Unauthorized,
        403 => Answer::Forbidden,
        404 => Answer::NotFound,
        400 | 422 => Answer::Invalid(status),
        409 => Answer::Conflict,
        429 => Answer::RateLimited(rate_limit_wait(headers)),
        500 | 502 | 503 | 504 => Answer::Unhealthy(status),
        _ => Answer::Other(status),
    }
}

/// How long a 429 asks us to wait: `X-Rate-Limit-Time-Reset-Ms`, or `X-Retry-After` (seconds),
/// the longer when both are present. `None` when neither is there (platform load: back off).
pub fn rate_limit_wait(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
    let reset = number("x-rate-limit-time-reset-ms").map(Duration::from_millis);
    let retry_after = number("x-retry-after").map(Duration::from_secs);
    match (reset, retry_after) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The level bcsetup observed for a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Observed {
    /// The read probe got 403.
    None,
    /// Reads pass; writes were refused (or not needed).
    ReadOnly,
    /// The write probe passed the scope check.
    Modify,
    /// No probe could decide (no safe write probe, `--no-check-modify`, or an unexpected answer).
    Unknown,
}

impl Observed {
    /// The key used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Observed::None => "none",
            Observed::ReadOnly => "read-only",
            Observed::Modify => "modify",
            Observed::Unknown => "unknown",
        }
    }

    /// Whether this observation proves `wanted`.
    pub fn satisfies(self, wanted: Level) -> bool {
        match self {
            Observed::None | Observed::Unknown => false,
            Observed::ReadOnly => wanted <= Level::ReadOnly,
            Observed::Modify => true,
        }
    }
}

/// Combine a scope's read and write answers. `write` is `None` when no write probe ran; then a
/// wanted Modify cannot be proven and is reported as `Unknown`, never assumed.
pub fn observe(read: Option<Answer>, write: Option<Answer>, wanted: Level) -> Observed {
    match (read, write) {
        (Some(Answer::Forbidden), _) => Observed::None,
        (
            Some(Answer::Success(_)) | None,
            Some(Answer::Invalid(_) | Answer::Conflict | Answer::NotFound | Answer::Success(_)),
        ) => Observed::Modify,
        (Some(Answer::Success(_)), Some(Answer::Forbidden)) => Observed::ReadOnly,
        (Some(Answer::Success(_)), None) if wanted <= Level::ReadOnly => Observed::ReadOnly,
        (None, Some(Answer::Forbidden)) if wanted >= Level::Modify => Observed::None,
        _ => Observed::Unknown,
    }
}

/// What the default-scope probe (`GET /v3/hooks`) says about the token and the store hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenVerdict {
    /// Token and store match.
    Valid,
    /// 401: the token is invalid, or its API account was deleted.
    Rejected,
    /// 403/404 on an endpoint every account may call: this token does not belong to this store.
    WrongStore,
    /// Anything else: cannot judge.
    Unexpected(u16),
}

/// Judge the token from the hooks probe's answer (docs/bigcommerce.md, "Telling causes apart").
pub fn judge_token(hooks: Answer) -> TokenVerdict {
    match hooks {
        Answer::Success(_) => TokenVerdict::Valid,
        Answer::Unauthorized => TokenVerdict::Rejected,
        Answer::Forbidden | Answer::NotFound => TokenVerdict::WrongStore,
        Answer::Invalid(s) | Answer::Unhealthy(s) | Answer::Other(s) => TokenVerdict::Unexpected(s),
        Answer::RateLimited(_) => TokenVerdict::Unexpected(429),
        Answer::Conflict => TokenVerdict::Unexpected(409),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn status_table() {
        let none = HeaderMap::new();
        let cases = [
            (200, Answer::Success(200)),
            (204, Answer::Success(204)),
            (401, Answer::Unauthorized),
            (403, Answer::Forbidden),
            (404, Answer::NotFound),
            (409, Answer::Conflict),
            (400, Answer::Invalid(400)),
            (422, Answer::Invalid(422)),
            (429, Answer::RateLimited(None)),
            (500, Answer::Unhealthy(500)),
            (503, Answer::Unhealthy(503)),
            (507, Answer::Other(507)),
            (301, Answer::Other(301)),
        ];
        for (status, want) in cases {
            assert_eq!(classify(status, &none), want, "{status}");
        }
    }

    #[test]
    fn rate_limit_headers_take_the_longer_wait() {
        assert_eq!(
            rate_limit_wait(&headers(&[("X-Rate-Limit-Time-Reset-Ms", "1500")])),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            rate_limit_wait(&headers(&[("x-retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        let both = headers(&[("X-Rate-Limit-Time-Reset-Ms", "2500"), ("X-Retry-After", "1")]);
        assert_eq!(rate_limit_wait(&both), Some(Duration::from_millis(2500)));
        let both = headers(&[("X-Rate-Limit-Time-Reset-Ms", "200"), ("X-Retry-After", "1")]);
        assert_eq!(rate_limit_wait(&both), Some(Duration::from_secs(1)));
        assert_eq!(
            rate_limit_wait(&headers(&[("X-Rate-Limit-Time-Reset-Ms", "soon")])),
            None
        );
        assert_eq!(
            classify(429, &headers(&[("x-rate-limit-time-reset-ms", "10")])),
            Answer::RateLimited(Some(Duration::from_millis(10)))
        );
    }

    #[test]
    fn observation_table() {
        use Answer::{Conflict, Forbidden, Invalid, NotFound, Success, Unhealthy};
        let m = Level::Modify;
        let r = Level::ReadOnly;
        let cases = [
            (Some(Forbidden), None, r, Observed::None),
            (Some(Forbidden), Some(Forbidden), m, Observed::None),
            (Some(Success(200)), None, r, Observed::ReadOnly),
            (Some(Success(204)), None, r, Observed::ReadOnly),
            (Some(Success(200)), None, m, Observed::Unknown),
            (Some(Success(200)), Some(Forbidden), m, Observed::ReadOnly),
            (Some(Success(200)), Some(Invalid(422)), m, Observed::Modify),
            (Some(Success(200)), Some(Invalid(400)), m, Observed::Modify),
            (Some(Success(200)), Some(NotFound), m, Observed::Modify),
            (Some(Success(200)), Some(Conflict), m, Observed::Modify),
            (Some(Forbidden), Some(Conflict), m, Observed::None),
            (Some(NotFound), None, r, Observed::Unknown),
            (Some(Success(200)), Some(Unhealthy(500)), m, Observed::Unknown),
            (None, Some(Invalid(422)), m, Observed::Modify),
            (None, Some(Forbidden), m, Observed::None),
            (None, None, m, Observed::Unknown),
        ];
        for (read, write, wanted, want) in cases {
            assert_eq!(
                observe(read, write, wanted),
                want,
                "{read:?} {write:?} {wanted:?}"
            );
        }
    }

    #[test]
    fn satisfies_compares_levels() {
        assert!(Observed::Modify.satisfies(Level::ReadOnly));
        assert!(Observed::ReadOnly.satisfies(Level::ReadOnly));
        assert!(!Observed::ReadOnly.satisfies(Level::Modify));
        assert!(!Observed::Unknown.satisfies(Level::ReadOnly));
        assert!(!Observed::None.satisfies(Level::ReadOnly));
    }

    #[test]
    fn token_verdicts() {
        assert_eq!(judge_token(Answer::Success(200)), TokenVerdict::Valid);
        assert_eq!(judge_token(Answer::Unauthorized), TokenVerdict::Rejected);
        assert_eq!(judge_token(Answer::Forbidden), TokenVerdict::WrongStore);
        assert_eq!(judge_token(Answer::NotFound), TokenVerdict::WrongStore);
        assert_eq!(judge_token(Answer::Other(507)), TokenVerdict::Unexpected(507));
    }
}

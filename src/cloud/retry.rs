//! When to retry a CLB call and how long to wait, and a client-side limiter that keeps each action under the
//! API's frequency limit (20 requests per second per action). Pure over explicit instants.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Errors worth waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retryable {
    /// `RequestLimitExceeded` (and its `.IPLimitExceeded` / `.UinLimitExceeded` variants): too many calls,
    /// possibly from other clients of the same account, such as TKE's own controllers.
    RateLimited,
    /// `FailedOperation.ResourceInOperating`: the CLB is busy with another task.
    Busy,
}

pub fn classify(code: &str) -> Option<Retryable> {
    if code == "RequestLimitExceeded" || code.starts_with("RequestLimitExceeded.") {
        Some(Retryable::RateLimited)
    } else if code == "FailedOperation.ResourceInOperating" {
        Some(Retryable::Busy)
    } else {
        None
    }
}

/// Bounded exponential backoff: `base · 2^retry`, capped at `max_delay`, at most `max_retries` retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max_delay: Duration,
    pub max_retries: u32,
}

impl Default for Backoff {
    /// 0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s: about 23 s in all before giving up (Tencent's own controller waits
    /// from 500 ms up, five times, on a busy CLB).
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retries: 6,
        }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (0-based), or None when retries are used up. `jitter` in
    /// [0, 1) spreads the wait over ±20 % so that parallel clients do not retry in step.
    pub fn delay(&self, retry: u32, jitter: f64) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let exp = self
            .base
            .saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX));
        let capped = exp.min(self.max_delay);
        let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
        Some(capped.mul_f64(factor))
    }
}

/// At most `max` calls per action in any `window`.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    sent: HashMap<String, VecDeque<Instant>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        RateLimiter {
            max: max.max(1),
            window,
            sent: HashMap::new(),
        }
    }

    /// The API's limit with a small margin for network jitter: the server counts arrivals, we count sends.
    pub fn for_clb() -> Self {
        RateLimiter::new(
            super::limits::REQUESTS_PER_SECOND,
            Duration::from_millis(1050),
        )
    }

    /// How long to wait before sending `action` at `now`.
    pub fn wait(&self, action: &str, now: Instant) -> Duration {
        match self.sent.get(action) {
            Some(q) if q.len() >= self.max => {
                let oldest_in_window = q[q.len() - self.max];
                (oldest_in_window + self.window).saturating_duration_since(now)
            }
            _ => Duration::ZERO,
        }
    }

    /// Note that `action` was sent at `at`.
    pub fn record(&mut self, action: &str, at: Instant) {
        let q = self.sent.entry(action.to_string()).or_default();
        q.push_back(at);
        while q.len() > self.max {
            q.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify("RequestLimitExceeded"),
            Some(Retryable::RateLimited)
        );
        assert_eq!(
            classify("RequestLimitExceeded.UinLimitExceeded"),
            Some(Retryable::RateLimited)
        );
        assert_eq!(
            classify("FailedOperation.ResourceInOperating"),
            Some(Retryable::Busy)
        );
        assert_eq!(classify("FailedOperation"), None);
        assert_eq!(classify("AuthFailure.SignatureFailure"), None);
        assert_eq!(classify("RequestLimitExceededX"), None);
    }

    #[test]
    fn backoff_doubles_caps_and_stops() {
        let b = Backoff::default();
        let mid = |r| b.delay(r, 0.5).unwrap();
        assert_eq!(mid(0), Duration::from_millis(500));
        assert_eq!(mid(1), Duration::from_secs(1));
        assert_eq!(mid(3), Duration::from_secs(4));
        assert_eq!(mid(4), Duration::from_secs(8));
        assert_eq!(mid(5), Duration::from_secs(8));
        assert_eq!(b.delay(6, 0.5), None);
        assert_eq!(b.delay(0, 0.0).unwrap(), Duration::from_millis(400));
        assert_eq!(b.delay(0, 1.0).unwrap(), Duration::from_millis(600));
        let total: Duration = (0..b.max_retries).map(|r| b.delay(r, 1.0).unwrap()).sum();
        assert!(total < Duration::from_secs(30), "bounded: {total:?}");
        // Huge retry numbers do not overflow.
        let long = Backoff {
            max_retries: 100,
            ..b
        };
        assert_eq!(long.delay(90, 0.5).unwrap(), Duration::from_secs(8));
    }

    #[test]
    fn limiter_allows_a_burst_then_spaces_calls_per_action() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(3, Duration::from_secs(1));
        for i in 0..3 {
            let at = t0 + Duration::from_millis(i * 10);
            assert_eq!(l.wait("A", at), Duration::ZERO);
            l.record("A", at);
        }
        // The fourth call waits until the first leaves the window; another action is not affected.
        assert_eq!(
            l.wait("A", t0 + Duration::from_millis(30)),
            Duration::from_millis(970)
        );
        assert_eq!(l.wait("B", t0 + Duration::from_millis(30)), Duration::ZERO);
        l.record("A", t0 + Duration::from_millis(1000));
        assert_eq!(
            l.wait("A", t0 + Duration::from_millis(1000)),
            Duration::from_millis(10)
        );
        assert_eq!(l.wait("A", t0 + Duration::from_secs(5)), Duration::ZERO);
    }

    #[test]
    fn limiter_keeps_any_window_under_the_limit() {
        // Simulate 100 back-to-back calls: no window of 1 s may contain more than `max` sends.
        let t0 = Instant::now();
        let mut l = RateLimiter::new(20, Duration::from_secs(1));
        let mut now = t0;
        let mut sends = Vec::new();
        for _ in 0..100 {
            now += l.wait("X", now);
            l.record("X", now);
            sends.push(now);
            now += Duration::from_millis(1);
        }
        for (i, s) in sends.iter().enumerate() {
            let in_window = sends[i..]
                .iter()
                .take_while(|t| **t < *s + Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 20,
                "{in_window} sends within 1 s starting at #{i}"
            );
        }
        // …and it is not needlessly slow: 100 calls take about 4 windows.
        assert!(now - t0 < Duration::from_millis(4100), "{:?}", now - t0);
    }
}

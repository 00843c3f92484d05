//! The one retry policy for the API server: 429 (honouring `Retry-After` or the Status body's
//! `retryAfterSeconds`), 500, 502, 503, 504, timeouts and broken connections are retried with exponential
//! backoff; anything else — a 409 included, which the caller handles by re-reading — is returned at once.
//! Retrying a PATCH is safe because tkedirect's patches carry a resourceVersion precondition (or set a
//! value idempotently): one that did land makes the retry fail with 409.

use std::future::Future;
use std::time::Duration;

use super::port::ApiError;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total attempts, including the first.
    pub attempts: u32,
    /// First backoff; doubles each retry.
    pub base: Duration,
    /// Longest single wait (also caps Retry-After).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(200),
            max_wait: Duration::from_secs(10),
        }
    }
}

/// One attempt's failure: the error, whether another attempt may help, and the wait the server asked for.
#[derive(Debug)]
pub struct Failed {
    pub error: ApiError,
    pub retry: bool,
    pub retry_after: Option<u64>,
}

/// Whether a status code is worth another attempt.
pub fn retryable(code: u16) -> bool {
    matches!(code, 429 | 500 | 502 | 503 | 504)
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based), or the server's Retry-After when it gave one.
    pub fn wait(&self, retry: u32, retry_after: Option<u64>) -> Duration {
        let backoff = self
            .base
            .saturating_mul(1 << retry.saturating_sub(1).min(16));
        retry_after
            .map(Duration::from_secs)
            .unwrap_or(backoff)
            .min(self.max_wait)
    }

    /// Run `attempt` until it succeeds, fails for good, or the attempts are used up.
    pub async fn run<T, F, Fut>(&self, mut attempt: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failed>>,
    {
        let mut n = 1;
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(f) if !f.retry || n >= self.attempts => return Err(f.error.with_attempts(n)),
                Err(f) => {
                    tokio::time::sleep(self.wait(n, f.retry_after)).await;
                    n += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn backoff_doubles_and_honours_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(p.wait(1, None), Duration::from_millis(200));
        assert_eq!(p.wait(3, None), Duration::from_millis(800));
        assert_eq!(p.wait(2, Some(3)), Duration::from_secs(3));
        assert_eq!(p.wait(2, Some(3600)), Duration::from_secs(10));
    }

    #[test]
    fn retries_what_may_pass_and_counts_attempts() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let p = RetryPolicy {
            max_wait: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let calls = AtomicU32::new(0);
        let busy = || Failed {
            error: ApiError::from_status(503, b"").0,
            retry: true,
            retry_after: Some(1),
        };
        let r: Result<(), ApiError> = rt.block_on(p.run(|| async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(busy())
        }));
        assert_eq!(calls.load(Ordering::Relaxed), 5);
        assert!(
            r.unwrap_err()
                .to_string()
                .ends_with("(gave up after 5 attempts)")
        );
        calls.store(0, Ordering::Relaxed);
        let r = rt.block_on(p.run(|| async {
            match calls.fetch_add(1, Ordering::Relaxed) {
                0 => Err(busy()),
                1 => Err(Failed {
                    error: ApiError::from_status(409, b"").0,
                    retry: retryable(409),
                    retry_after: None,
                }),
                _ => Ok(()),
            }
        }));
        assert_eq!(
            r.unwrap_err().code(),
            Some(409),
            "a conflict goes back to the caller at once"
        );
        assert_eq!(calls.load(Ordering::Relaxed), 2);
    }
}

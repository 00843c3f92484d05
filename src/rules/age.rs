//! Transient states: TKE's gate is False for interval × healthy threshold (~15 s) on every healthy
//! rollout; a new Service has no CLB id for a while; a joining node is briefly tainted ENI-IP-unavailable
//! (domain notes §6.3 "Transient states"). A state younger than the grace period is "in progress".

use std::time::Duration;

/// The default grace period (`--grace`).
pub const DEFAULT_GRACE: Duration = Duration::from_secs(120);

/// Whether a state that began at `since` is still within `grace` of `now`. Unknown start or unknown now:
/// not young (a state of unknown age is judged as it is).
pub fn young(
    since: Option<jiff::Timestamp>,
    now: Option<jiff::Timestamp>,
    grace: Duration,
) -> bool {
    let (Some(since), Some(now)) = (since, now) else {
        return false;
    };
    let Ok(grace) = jiff::SignedDuration::try_from(grace) else {
        return false;
    };
    now.duration_since(since) < grace
}

/// `45s`, `3m`, `2h`: an age for messages.
pub fn describe(since: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let secs = now.duration_since(since).as_secs().max(0);
    match secs {
        0..120 => format!("{secs}s"),
        120..7200 => format!("{}m", secs / 60),
        7200..172800 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        let now: jiff::Timestamp = "2024-03-01T08:02:00Z".parse().unwrap();
        let t = |s: &str| Some(s.parse::<jiff::Timestamp>().unwrap());
        assert!(young(t("2024-03-01T08:01:00Z"), Some(now), DEFAULT_GRACE));
        assert!(!young(t("2024-03-01T07:59:00Z"), Some(now), DEFAULT_GRACE));
        assert!(!young(None, Some(now), DEFAULT_GRACE));
        assert!(!young(t("2024-03-01T08:01:00Z"), None, DEFAULT_GRACE));
        assert_eq!(describe(t("2024-03-01T08:01:15Z").unwrap(), now), "45s");
        assert_eq!(describe(t("2024-03-01T07:00:00Z").unwrap(), now), "62m");
    }
}

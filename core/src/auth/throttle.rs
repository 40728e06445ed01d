//! Repeated failed sign-ins slow down: each consecutive failure for a username doubles
//! the wait before the next answer, up to a ceiling, so guessing passwords at the
//! front desk is impractical while a mistyped password costs almost nothing.

use std::collections::HashMap;
use std::time::Duration;

use crate::db::keys::normalize_username;

/// Failures allowed before any wait.
const FREE_FAILURES: u32 = 2;
/// The first wait, and the ceiling.
const FIRST_WAIT: Duration = Duration::from_millis(500);
const MAX_WAIT: Duration = Duration::from_secs(16);

/// Consecutive failed sign-ins per username (lower-cased), kept in memory.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: HashMap<String, u32>,
}

impl LoginThrottle {
    /// How long to wait before answering a sign-in attempt for `username`.
    pub fn delay(&self, username: &str) -> Duration {
        let failures = self.failures.get(&normalize_username(username)).copied().unwrap_or(0);
        match failures.checked_sub(FREE_FAILURES) {
            None => Duration::ZERO,
            Some(extra) => FIRST_WAIT.saturating_mul(2u32.saturating_pow(extra)).min(MAX_WAIT),
        }
    }

    /// Notes a failed attempt.
    pub fn failed(&mut self, username: &str) {
        *self.failures.entry(normalize_username(username)).or_default() += 1;
    }

    /// Clears the count after a successful sign-in.
    pub fn succeeded(&mut self, username: &str) {
        self.failures.remove(&normalize_username(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_repeated_failures_and_reset_on_success() {
        let mut t = LoginThrottle::default();
        let waits: Vec<u128> = (0..9)
            .map(|_| {
                let d = t.delay("Ana").as_millis();
                t.failed("ana");
                d
            })
            .collect();
        assert_eq!(waits, vec![0, 0, 500, 1000, 2000, 4000, 8000, 16000, 16000]);
        assert_eq!(t.delay("bob"), Duration::ZERO, "other users are not slowed");
        t.succeeded("ANA");
        assert_eq!(t.delay("ana"), Duration::ZERO);
    }
}

//! Slowing down and locking out password guessing, per account and per source address.
//!
//! OWASP's Authentication Cheat Sheet ("protect against automated attacks", "account
//! lockout") and NIST SP 800-63B §3.2.2 (rate limiting, at most 100 consecutive failures per
//! account) ask for both: a per-account limit stops guessing one account from many addresses,
//! a per-address limit stops one address from spraying a few guesses over many accounts.
//!
//! The defaults ([`LoginThrottle::default`]):
//!
//! | history | back-off | lockout |
//! |---|---|---|
//! | per account: consecutive failures | 1 s after the 3rd failure, doubling (2 s, 4 s, …) up to 60 s | 15 minutes after the 10th, again after each further failure |
//! | per address: failures with no gap of 15 minutes | 1 s after the 20th, doubling up to 60 s | 15 minutes after the 50th |
//!
//! An account's history is kept under the login name as typed (normalised), whether or not an
//! account of that name exists, and the same decision is made for both, so a lockout says
//! nothing about which accounts exist. A success resets the account's history but not the
//! address's, so that an attacker holding one valid account cannot wipe the count of its
//! guesses at others. An attempt refused by the throttle is not checked and not counted.

/// The failure history of one account or one source address, as the store keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureHistory {
    /// Failures counted (see [`FailureLimits::forget_after`]).
    pub failures: u32,
    /// When the last one happened, Unix seconds.
    pub last_failure_at: u64,
}

/// The limits for one kind of history. All durations are in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimits {
    /// Failures allowed without delay; from this many on, the next attempt waits.
    pub free_failures: u32,
    /// The first wait.
    pub base_delay: u64,
    /// The longest wait.
    pub max_delay: u64,
    /// From this many failures on, attempts are refused for [`FailureLimits::lockout`].
    pub lockout_after: u32,
    /// How long a lockout lasts after the last failure.
    pub lockout: u64,
    /// A failure this long after the previous one starts the count again.
    pub forget_after: u64,
}

/// What the throttle decides for an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleDecision {
    /// Check the credentials now.
    Proceed,
    /// Too soon after the last failure: refuse without checking; try again in that many seconds.
    Wait {
        /// Seconds until an attempt is allowed.
        retry_after: u64,
    },
    /// Locked out: refuse without checking until that time (Unix seconds).
    LockedOut {
        /// When attempts are allowed again.
        until: u64,
    },
}

impl ThrottleDecision {
    /// A stable machine key for the message catalogue. The message never says whether the
    /// account or the address is limited, nor whether the account exists.
    pub fn key(self) -> &'static str {
        match self {
            ThrottleDecision::Proceed => "login_proceed",
            ThrottleDecision::Wait { .. } => "login_wait",
            ThrottleDecision::LockedOut { .. } => "login_locked_out",
        }
    }

    /// The seconds the client should wait (for a `Retry-After` header), none when it may go on.
    pub fn retry_after(self, now: u64) -> Option<u64> {
        match self {
            ThrottleDecision::Proceed => None,
            ThrottleDecision::Wait { retry_after } => Some(retry_after),
            ThrottleDecision::LockedOut { until } => Some(until.saturating_sub(now)),
        }
    }

    /// The stricter of two decisions.
    fn max(self, other: ThrottleDecision, now: u64) -> ThrottleDecision {
        let rank = |decision: ThrottleDecision| match decision {
            ThrottleDecision::Proceed => (0, 0),
            ThrottleDecision::Wait { retry_after } => (1, retry_after),
            ThrottleDecision::LockedOut { until } => (2, until.saturating_sub(now)),
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

impl FailureLimits {
    /// The decision this history alone leads to at `now`.
    pub fn decide(&self, history: &FailureHistory, now: u64) -> ThrottleDecision {
        let failures = self.current_failures(history, now);
        if failures >= self.lockout_after {
            let until = history.last_failure_at.saturating_add(self.lockout);
            if now < until {
                return ThrottleDecision::LockedOut { until };
            }
        }
        if failures >= self.free_failures && failures > 0 {
            let doublings = failures - self.free_failures;
            let delay = self
                .base_delay
                .checked_shl(doublings)
                .filter(|delay| *delay >> doublings == self.base_delay)
                .unwrap_or(self.max_delay)
                .min(self.max_delay);
            let allowed_at = history.last_failure_at.saturating_add(delay);
            if now < allowed_at {
                return ThrottleDecision::Wait {
                    retry_after: allowed_at - now,
                };
            }
        }
        ThrottleDecision::Proceed
    }

    /// The failures that still count at `now`.
    fn current_failures(&self, history: &FailureHistory, now: u64) -> u32 {
        if now.saturating_sub(history.last_failure_at) >= self.forget_after {
            0
        } else {
            history.failures
        }
    }

    /// The history after a failure at `now`.
    pub fn after_failure(&self, history: &FailureHistory, now: u64) -> FailureHistory {
        FailureHistory {
            failures: self.current_failures(history, now).saturating_add(1),
            last_failure_at: now,
        }
    }
}

/// The throttle: limits per account and per source address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    /// Limits on consecutive failures for one login name.
    pub account: FailureLimits,
    /// Limits on failures from one source address.
    pub address: FailureLimits,
}

impl Default for LoginThrottle {
    fn default() -> LoginThrottle {
        LoginThrottle {
            account: FailureLimits {
                free_failures: 3,
                base_delay: 1,
                max_delay: 60,
                lockout_after: 10,
                lockout: 15 * 60,
                forget_after: 24 * 60 * 60,
            },
            address: FailureLimits {
                free_failures: 20,
                base_delay: 1,
                max_delay: 60,
                lockout_after: 50,
                lockout: 15 * 60,
                forget_after: 15 * 60,
            },
        }
    }
}

impl LoginThrottle {
    /// Whether an attempt on an account from an address may be checked at `now`: the stricter
    /// of the two histories' decisions.
    pub fn decide(
        &self,
        account: &FailureHistory,
        address: &FailureHistory,
        now: u64,
    ) -> ThrottleDecision {
        self.account
            .decide(account, now)
            .max(self.address.decide(address, now), now)
    }

    /// The histories after a failed attempt (a wrong password, second factor or recovery
    /// code): account first, address second.
    pub fn after_failure(
        &self,
        account: &FailureHistory,
        address: &FailureHistory,
        now: u64,
    ) -> (FailureHistory, FailureHistory) {
        (
            self.account.after_failure(account, now),
            self.address.after_failure(address, now),
        )
    }

    /// The account's history after a successful sign-in: cleared. (The address's is kept.)
    pub fn after_success(&self) -> FailureHistory {
        FailureHistory::default()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const START: u64 = 1_700_000_000;

    /// Fails `count` times on one account from one address, each as soon as allowed.
    fn fail_as_fast_as_allowed(
        throttle: &LoginThrottle,
        count: u32,
    ) -> (FailureHistory, FailureHistory, u64) {
        let (mut account, mut address) = (FailureHistory::default(), FailureHistory::default());
        let mut now = START;
        for _ in 0..count {
            if let Some(wait) = throttle.decide(&account, &address, now).retry_after(now) {
                now += wait;
            }
            assert_eq!(
                throttle.decide(&account, &address, now),
                ThrottleDecision::Proceed
            );
            (account, address) = throttle.after_failure(&account, &address, now);
        }
        (account, address, now)
    }

    #[test]
    fn back_off_starts_at_the_third_failure_and_doubles() {
        let throttle = LoginThrottle::default();
        let limits = throttle.account;
        let at = |failures| FailureHistory {
            failures,
            last_failure_at: START,
        };
        assert_eq!(limits.decide(&at(0), START), ThrottleDecision::Proceed);
        assert_eq!(limits.decide(&at(2), START), ThrottleDecision::Proceed);
        assert_eq!(
            limits.decide(&at(3), START),
            ThrottleDecision::Wait { retry_after: 1 }
        );
        assert_eq!(
            limits.decide(&at(4), START),
            ThrottleDecision::Wait { retry_after: 2 }
        );
        assert_eq!(
            limits.decide(&at(5), START),
            ThrottleDecision::Wait { retry_after: 4 }
        );
        assert_eq!(
            limits.decide(&at(9), START),
            ThrottleDecision::Wait { retry_after: 60 }
        );
        assert_eq!(
            limits.decide(&at(5), START + 3),
            ThrottleDecision::Wait { retry_after: 1 }
        );
        assert_eq!(limits.decide(&at(5), START + 4), ThrottleDecision::Proceed);
    }

    #[test]
    fn ten_failures_lock_an_account_for_fifteen_minutes() {
        let throttle = LoginThrottle::default();
        let (account, address, now) = fail_as_fast_as_allowed(&throttle, 10);
        assert_eq!(account.failures, 10);
        assert_eq!(
            throttle.decide(&account, &address, now),
            ThrottleDecision::LockedOut { until: now + 900 }
        );
        assert_eq!(
            throttle
                .decide(&account, &address, now + 899)
                .retry_after(now + 899),
            Some(1)
        );
        assert_eq!(
            throttle.decide(&account, &address, now + 900),
            ThrottleDecision::Proceed
        );
        let (account, address) = throttle.after_failure(&account, &address, now + 900);
        assert_eq!(
            throttle.decide(&account, &address, now + 900),
            ThrottleDecision::LockedOut { until: now + 1800 }
        );
    }

    #[test]
    fn a_success_clears_the_account_but_not_the_address() {
        let throttle = LoginThrottle::default();
        let (_, address, now) = fail_as_fast_as_allowed(&throttle, 5);
        let account = throttle.after_success();
        assert_eq!(account.failures, 0);
        assert_eq!(address.failures, 5);
        assert_eq!(
            throttle.decide(&account, &address, now + 60),
            ThrottleDecision::Proceed
        );
    }

    #[test]
    fn one_address_spraying_many_accounts_is_locked_out() {
        let throttle = LoginThrottle::default();
        let mut address = FailureHistory::default();
        let mut now = START;
        for _ in 0..50 {
            let fresh_account = FailureHistory::default();
            if let Some(wait) = throttle
                .decide(&fresh_account, &address, now)
                .retry_after(now)
            {
                now += wait;
            }
            address = throttle.address.after_failure(&address, now);
        }
        assert_eq!(address.failures, 50);
        assert_eq!(
            throttle.decide(&FailureHistory::default(), &address, now),
            ThrottleDecision::LockedOut { until: now + 900 }
        );
        assert_eq!(
            throttle.decide(&FailureHistory::default(), &address, now + 900),
            ThrottleDecision::Proceed
        );
    }

    #[test]
    fn old_failures_are_forgotten() {
        let throttle = LoginThrottle::default();
        let address = FailureHistory {
            failures: 49,
            last_failure_at: START,
        };
        let after = throttle.address.after_failure(&address, START + 15 * 60);
        assert_eq!(after.failures, 1);
        let account = FailureHistory {
            failures: 9,
            last_failure_at: START,
        };
        assert_eq!(
            throttle
                .account
                .after_failure(&account, START + 86_400)
                .failures,
            1
        );
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let limits = LoginThrottle::default().account;
        let history = FailureHistory {
            failures: u32::MAX,
            last_failure_at: u64::MAX - 10,
        };
        assert_eq!(
            limits.decide(&history, u64::MAX - 5),
            ThrottleDecision::LockedOut { until: u64::MAX }
        );
        assert_eq!(
            limits.after_failure(&history, u64::MAX - 5).failures,
            u32::MAX
        );
        let no_lockout = FailureLimits {
            lockout_after: u32::MAX,
            ..limits
        };
        assert_eq!(
            no_lockout.decide(
                &FailureHistory {
                    failures: 200,
                    last_failure_at: 0
                },
                1
            ),
            ThrottleDecision::Wait { retry_after: 59 }
        );
    }

    proptest! {
        #[test]
        fn the_decision_depends_only_on_the_histories(
            failures in 0u32..100,
            elapsed in 0u64..100_000,
            address_failures in 0u32..100,
        ) {
            let throttle = LoginThrottle::default();
            let account = FailureHistory { failures, last_failure_at: START };
            let address = FailureHistory { failures: address_failures, last_failure_at: START };
            let now = START + elapsed;
            let decision = throttle.decide(&account, &address, now);
            // Waits never exceed the cap, lockouts never exceed their length.
            match decision {
                ThrottleDecision::Proceed => {}
                ThrottleDecision::Wait { retry_after } => prop_assert!(retry_after <= 60),
                ThrottleDecision::LockedOut { until } => {
                    prop_assert!(until > now && until - now <= 900)
                }
            }
            // A stricter history never gives a milder decision.
            let worse = FailureHistory { failures: failures + 1, last_failure_at: START };
            let stricter = throttle.decide(&worse, &address, now);
            prop_assert!(
                stricter.retry_after(now).unwrap_or(0) >= decision.retry_after(now).unwrap_or(0)
            );
        }
    }
}

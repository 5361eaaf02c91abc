//! The open API's flow control: at most N requests a second per access key; a request over it is refused with
//! HTTP 406 and `MKT.0250` (access frequency over limit) [KG §8] (REAL-DATA §5).
//!
//! A fixed window per access key: the window opens with the first request after the previous one closed and
//! lasts one second; the first N requests in it pass, the rest are refused. Refused requests do not extend it.
//! The window runs on real (monotonic) time, as a platform's flow control does, not on the sandbox clock: a
//! sandbox at `--speed 3600` still limits calls per real second. [`RateLimiter::with_clock`] takes another
//! clock, so a test can move time itself instead of waiting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The length of a window.
pub const WINDOW: Duration = Duration::from_secs(1);

/// Windows kept before the closed ones are dropped.
const PRUNE_AT: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct Window {
    opened: Instant,
    count: u32,
}

type Clock = Box<dyn Fn() -> Instant + Send + Sync>;

/// Per-key request counting in one-second windows.
pub struct RateLimiter {
    per_second: u32,
    windows: Mutex<HashMap<String, Window>>,
    clock: Clock,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter").field("per_second", &self.per_second).finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// At most `per_second` requests a second per key, on the real clock; 0 refuses every request.
    pub fn new(per_second: u32) -> RateLimiter {
        RateLimiter::with_clock(per_second, Instant::now)
    }

    /// The same on another clock (a test's).
    pub fn with_clock(per_second: u32, clock: impl Fn() -> Instant + Send + Sync + 'static) -> RateLimiter {
        RateLimiter { per_second, windows: Mutex::new(HashMap::new()), clock: Box::new(clock) }
    }

    /// Requests allowed per second and key.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// Counts a request of `key` now; `false` when it is over the limit.
    pub fn admit(&self, key: &str) -> bool {
        self.admit_at(key, (self.clock)())
    }

    /// Counts a request of `key` at `now`; `false` when it is over the limit.
    pub fn admit_at(&self, key: &str, now: Instant) -> bool {
        // The map is always consistent: a poisoned lock is still usable.
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, w| now.saturating_duration_since(w.opened) < WINDOW);
        }
        let w = windows.entry(key.to_string()).or_insert(Window { opened: now, count: 0 });
        if now.saturating_duration_since(w.opened) >= WINDOW {
            *w = Window { opened: now, count: 0 };
        }
        if w.count >= self.per_second {
            return false;
        }
        w.count += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n_a_second_per_key_then_a_new_window() {
        let limiter = RateLimiter::new(3);
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.admit_at("AK1", t0)), "the first three pass");
        assert!(!limiter.admit_at("AK1", t0 + Duration::from_millis(999)), "the fourth in the window is refused");
        assert!(limiter.admit_at("AK2", t0), "each access key has its own window");
        assert!(limiter.admit_at("AK1", t0 + WINDOW), "a second later the window starts again");
        assert!(limiter.admit_at("AK1", t0 + WINDOW + Duration::from_millis(500)));
        assert!(limiter.admit_at("AK1", t0 + WINDOW + Duration::from_millis(900)));
        assert!(!limiter.admit_at("AK1", t0 + WINDOW + Duration::from_millis(999)));
    }

    #[test]
    fn zero_refuses_everything_and_old_windows_are_pruned() {
        let none = RateLimiter::new(0);
        assert!(!none.admit_at("AK", Instant::now()));
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        for i in 0..PRUNE_AT {
            assert!(limiter.admit_at(&format!("AK{i}"), t0));
        }
        assert!(limiter.admit_at("late", t0 + WINDOW));
        let kept = limiter.windows.lock().map(|w| w.len()).unwrap_or(0);
        assert_eq!(kept, 1, "the closed windows were dropped");
    }

    #[test]
    fn a_clock_of_ones_own() {
        let now = std::sync::Arc::new(Mutex::new(Instant::now()));
        let read = now.clone();
        let limiter = RateLimiter::with_clock(1, move || *read.lock().unwrap_or_else(|p| p.into_inner()));
        assert!(limiter.admit("AK"));
        assert!(!limiter.admit("AK"), "the clock stands still: still the same window");
        *now.lock().unwrap_or_else(|p| p.into_inner()) += WINDOW;
        assert!(limiter.admit("AK"));
    }
}

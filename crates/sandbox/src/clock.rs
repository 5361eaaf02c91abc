//! The sandbox clock: virtual time that runs at `speed` × real time and can be set or advanced by tests.

use std::sync::Mutex;
use std::time::Instant as RealInstant;

use chrono::Duration;
use koodesk_domain::time::Instant;

#[derive(Debug)]
struct State {
    virtual_base: Instant,
    real_base: RealInstant,
    speed: f64,
}

#[derive(Debug)]
pub struct SandboxClock {
    state: Mutex<State>,
}

/// Why a clock change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the sandbox clock only moves forward: {requested} is before {now}")]
    Backwards { requested: String, now: String },
    #[error("speed must be between 0 and 1000000; {0} was given")]
    Speed(String),
}

impl SandboxClock {
    pub fn new(start: Instant, speed: f64) -> SandboxClock {
        SandboxClock { state: Mutex::new(State { virtual_base: start, real_base: RealInstant::now(), speed }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is always consistent: a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now_locked(s: &State) -> Instant {
        let real = s.real_base.elapsed().as_secs_f64() * s.speed;
        s.virtual_base + Duration::milliseconds((real * 1000.0) as i64)
    }

    pub fn now(&self) -> Instant {
        Self::now_locked(&self.lock())
    }

    pub fn speed(&self) -> f64 {
        self.lock().speed
    }

    /// Sets the time; it may only move forward (the world cannot un-happen).
    pub fn set(&self, t: Instant) -> Result<Instant, ClockError> {
        let mut s = self.lock();
        let now = Self::now_locked(&s);
        if t < now {
            return Err(ClockError::Backwards {
                requested: koodesk_domain::time::format_rfc3339(&t),
                now: koodesk_domain::time::format_rfc3339(&now),
            });
        }
        s.virtual_base = t;
        s.real_base = RealInstant::now();
        Ok(t)
    }

    pub fn advance(&self, by: Duration) -> Result<Instant, ClockError> {
        let now = self.now();
        self.set(now + by.max(Duration::zero()))
    }

    pub fn set_speed(&self, speed: f64) -> Result<(), ClockError> {
        if !(0.0..=1_000_000.0).contains(&speed) {
            return Err(ClockError::Speed(speed.to_string()));
        }
        let mut s = self.lock();
        s.virtual_base = Self::now_locked(&s);
        s.real_base = RealInstant::now();
        s.speed = speed;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_domain::time::parse_datetime;

    #[test]
    fn set_advance_and_speed() {
        let start = parse_datetime("2026-11-29T10:00:00").expect("time");
        let c = SandboxClock::new(start, 0.0);
        assert_eq!(c.now(), start, "speed 0 stands still");
        c.advance(Duration::hours(5)).expect("forward");
        assert_eq!(c.now(), start + Duration::hours(5));
        assert!(matches!(c.set(start), Err(ClockError::Backwards { .. })));
        c.set_speed(3600.0).expect("speed");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(c.now() >= start + Duration::hours(5) + Duration::seconds(60), "an hour a second");
        assert!(c.set_speed(-1.0).is_err());
    }
}

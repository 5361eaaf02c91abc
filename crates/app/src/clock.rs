//! The one clock read of the console's core: now, in Beijing time (business dates are Beijing's).

use chrono::Utc;
use koodesk_domain::time::{self, Instant};

pub fn now() -> Instant {
    time::to_beijing(Utc::now())
}

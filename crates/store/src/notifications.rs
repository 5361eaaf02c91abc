//! Which notifications were raised: each key fires once, whatever restarts happen in between.

use rusqlite::params;

use crate::db::Store;
use crate::error::StoreError;

impl Store {
    /// Records that the notification `key` (about `item`) fires at `now_ts`; `false` when it already fired.
    pub fn notify_once(&mut self, key: &str, item: &str, now_ts: i64) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "INSERT INTO notifications (key, fired_ts, item) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO NOTHING",
            params![key, now_ts, item],
        )?;
        Ok(n == 1)
    }

    /// Whether the notification `key` already fired.
    pub fn notified(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row("SELECT count(*) FROM notifications WHERE key = ?1", [key], |r| r.get::<_, i64>(0))? > 0)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn a_key_fires_once() {
        let mut s = Store::open_in_memory().expect("store");
        assert!(!s.notified("invoice:R1").expect("read"));
        assert!(s.notify_once("invoice:R1", "R1", 10).expect("write"));
        assert!(!s.notify_once("invoice:R1", "R1", 20).expect("write"));
        assert!(s.notified("invoice:R1").expect("read"));
        assert!(s.notify_once("invoice:R2", "R2", 20).expect("write"));
    }
}

//! Production-interface checks in the store: saved debug cases by suite, and the history of runs [KG §7].
//! Requests, expectations and reports are JSON documents the checker defines; the store keeps them whole.

use crate::{Problem, Rule};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

/// One saved case as stored: its request body and expectation as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    pub name: String,
    pub request: String,
    pub expect: String,
}

/// A run in the history list (the report itself is fetched by id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunSummary {
    pub id: i64,
    pub started_at: String,
    pub url: String,
    pub suite: String,
    pub passed: i64,
    pub failed: i64,
    pub skipped: i64,
    pub elapsed_ms: i64,
}

/// The runs kept; older ones are pruned when a new one is recorded.
pub const KEPT_RUNS: i64 = 200;

impl Store {
    /// Every saved suite, by name, with its cases in order.
    pub fn interface_suites(&self) -> Result<Vec<(String, Vec<StoredCase>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT suite, name, request, expect FROM interface_cases ORDER BY suite, position, name")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, StoredCase { name: r.get(1)?, request: r.get(2)?, expect: r.get(3)? }))
        })?;
        let mut out: Vec<(String, Vec<StoredCase>)> = Vec::new();
        for row in rows {
            let (suite, case) = row?;
            match out.last_mut() {
                Some((name, cases)) if *name == suite => cases.push(case),
                _ => out.push((suite, vec![case])),
            }
        }
        Ok(out)
    }

    /// Replaces a suite's cases in one transaction (an empty list deletes the suite).
    pub fn save_interface_suite(&mut self, suite: &str, cases: &[StoredCase]) -> Result<(), StoreError> {
        if suite.trim().is_empty() {
            return Err(StoreError::Invalid(Problem::new("name", Rule::Required, "the suite `name` is empty")));
        }
        let tx = self.write()?;
        tx.execute("DELETE FROM interface_cases WHERE suite = ?1", [suite])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO interface_cases (suite, position, name, request, expect) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, c) in cases.iter().enumerate() {
                insert.execute(params![suite, i as i64, c.name, c.request, c.expect]).map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                        StoreError::Invalid(Problem::new("case", Rule::BadFormat, format!(
                            "case `{}` of suite `{suite}`: a duplicate name, or a request or expectation that is not JSON",
                            c.name
                        )))
                    }
                    other => other.into(),
                })?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a finished run and prunes the history to [`KEPT_RUNS`]; returns the run's id.
    pub fn record_interface_run(&mut self, run: &RunSummary, report_json: &str) -> Result<i64, StoreError> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO interface_runs (started_at, url, suite, passed, failed, skipped, elapsed_ms, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run.started_at,
                run.url,
                run.suite,
                run.passed,
                run.failed,
                run.skipped,
                run.elapsed_ms,
                report_json
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "DELETE FROM interface_runs WHERE id NOT IN (SELECT id FROM interface_runs ORDER BY id DESC LIMIT ?1)",
            [KEPT_RUNS],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The latest runs, newest first.
    pub fn interface_runs(&self, limit: i64) -> Result<Vec<RunSummary>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, started_at, url, suite, passed, failed, skipped, elapsed_ms FROM interface_runs
             ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit.clamp(1, KEPT_RUNS)], |r| {
            Ok(RunSummary {
                id: r.get(0)?,
                started_at: r.get(1)?,
                url: r.get(2)?,
                suite: r.get(3)?,
                passed: r.get(4)?,
                failed: r.get(5)?,
                skipped: r.get(6)?,
                elapsed_ms: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One run's whole report (JSON).
    pub fn interface_run_report(&self, id: i64) -> Result<String, StoreError> {
        self.conn
            .query_row("SELECT report FROM interface_runs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("interface check run {id}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str) -> StoredCase {
        StoredCase { name: name.into(), request: r#"{"activity":"newInstance"}"#.into(), expect: "{}".into() }
    }

    #[test]
    fn suites_are_replaced_whole_and_keep_their_order() {
        let mut s = Store::open_in_memory().expect("store");
        s.save_interface_suite("b", &[case("z"), case("a")]).expect("save");
        s.save_interface_suite("a", &[case("one")]).expect("save");
        let suites = s.interface_suites().expect("list");
        assert_eq!(suites.len(), 2);
        assert_eq!(suites[1].0, "b");
        assert_eq!(suites[1].1.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["z", "a"]);
        // A bad save changes nothing.
        let bad = StoredCase { request: "not json".into(), ..case("x") };
        let e = s.save_interface_suite("b", &[case("kept"), bad]).expect_err("refused");
        assert!(e.to_string().contains("case `x`"), "{e}");
        assert_eq!(s.interface_suites().expect("list")[1].1.len(), 2, "the old cases are still there");
        let e = s.save_interface_suite("b", &[case("d"), case("d")]).expect_err("duplicate");
        assert!(e.to_string().contains("duplicate"), "{e}");
        s.save_interface_suite("b", &[]).expect("delete");
        assert_eq!(s.interface_suites().expect("list").len(), 1);
    }

    #[test]
    fn runs_are_kept_newest_first_and_pruned() {
        let mut s = Store::open_in_memory().expect("store");
        let run = |i: i64| RunSummary {
            id: 0,
            started_at: format!("2026-11-30T00:00:{:02}Z", i % 60),
            url: "http://127.0.0.1:1/p".into(),
            suite: "all".into(),
            passed: i,
            failed: 0,
            skipped: 0,
            elapsed_ms: 5,
        };
        let mut last = 0;
        for i in 0..KEPT_RUNS + 5 {
            last = s.record_interface_run(&run(i), &format!(r#"{{"n":{i}}}"#)).expect("record");
        }
        let runs = s.interface_runs(1000).expect("list");
        assert_eq!(runs.len() as i64, KEPT_RUNS);
        assert_eq!(runs[0].id, last);
        assert_eq!(s.interface_run_report(last).expect("report"), format!(r#"{{"n":{}}}"#, KEPT_RUNS + 4));
        assert!(matches!(s.interface_run_report(1), Err(StoreError::NotFound(_))), "pruned");
        assert!(s.record_interface_run(&run(1), "{broken").is_err(), "a report must be JSON");
    }
}

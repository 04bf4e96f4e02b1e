//! Fixed-window counters: rate limits and budgets, several checked together.

use serde::Deserialize;

use super::object::ScopeStore;
use super::protocol::{RateCheck, RateVerdict, Refund};
use crate::sql;

impl ScopeStore {
    /// Counts the checks' costs together: all of them, or (when one is over its limit
    /// and not forced) none. A refused hit costs nothing: a refused 15 MiB upload must
    /// not use up the byte budget, nor a refused count the bytes. The verdict is the
    /// first refusal's, else allowed (with the longest wait of any counter).
    pub(super) fn rate(&self, checks: Vec<RateCheck>) -> worker::Result<RateVerdict> {
        #[derive(Deserialize)]
        struct Row {
            window_start: i64,
            count: i64,
        }
        let mut writes = Vec::with_capacity(checks.len());
        let mut verdict = RateVerdict {
            allowed: true,
            retry_after: 1,
            counts: Vec::with_capacity(checks.len()),
        };
        for c in &checks {
            let window = c.window_seconds.max(1);
            let start = (c.now / window * window) as i64;
            let row: Option<Row> = sql::row(
                &self.sql,
                "SELECT window_start, count FROM counters WHERE name = ?",
                vec![c.counter.as_str().into()],
            )?;
            let used = match row {
                Some(r) if r.window_start == start => r.count,
                _ => 0,
            };
            let count = used.saturating_add(c.cost.min(i64::MAX as u64) as i64);
            let allowed = count <= c.limit.min(i64::MAX as u64) as i64;
            let retry_after = (start as u64 + window).saturating_sub(c.now).max(1);
            if !allowed && !c.force && verdict.allowed {
                verdict = RateVerdict {
                    allowed: false,
                    retry_after,
                    counts: Vec::new(),
                };
            } else if verdict.allowed {
                verdict.retry_after = verdict.retry_after.max(retry_after);
            }
            writes.push((c, start, count));
        }
        for (c, start, count) in writes {
            if verdict.allowed {
                verdict.counts.push(count.max(0) as u64);
            }
            if verdict.allowed || c.force {
                self.sql.exec(
                    "INSERT OR REPLACE INTO counters (name, window_start, count) VALUES (?, ?, ?)",
                    vec![c.counter.as_str().into(), start.into(), count.into()],
                )?;
            }
        }
        Ok(verdict)
    }

    /// Gives back what a check spent, if its window is still the current one.
    pub(super) fn refund(&self, r: &Refund) -> worker::Result<()> {
        let window = r.window_seconds.max(1);
        let start = (r.now / window * window) as i64;
        self.sql.exec(
            "UPDATE counters SET count = MAX(0, count - ?) WHERE name = ? AND window_start = ?",
            vec![
                (r.cost.min(i64::MAX as u64) as i64).into(),
                r.counter.as_str().into(),
                start.into(),
            ],
        )?;
        Ok(())
    }
}

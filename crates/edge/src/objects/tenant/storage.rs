//! The tenant's tables, its small key-value rows, the status and its log, and the
//! alarm: the storage every other module of the object writes through. A change is
//! committed once ([`TenantState::commit`]) and the entry it returns is what the
//! caller, the live connections and the agency's list get: nothing re-reads it.

use onboarding_core::model::status::Status;
use serde::Deserialize;

use super::object::TenantState;
use super::protocol::{LogEntry, TenantRecord};
use crate::sql;

/// The tenant's tables.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', relay_enqueued INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS documents (document_id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, created_at TEXT NOT NULL, applied INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inquiry_details (inquiry_id TEXT PRIMARY KEY, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (ticket TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, until INTEGER NOT NULL);";

/// Status snapshots kept in the history (older entries keep only their event id).
const STATUS_HISTORY: i64 = 100;

/// `kv` keys of the object's own rows.
pub(super) mod keys {
    /// The [`TenantRecord`](super::TenantRecord).
    pub const TENANT: &str = "tenant";
    /// The current status.
    pub const STATUS: &str = "status";
    /// The current token generation.
    pub const GENERATION: &str = "generation";
    /// When (unix ms) the relay sweep is due.
    pub const SWEEP_DUE: &str = "sweep_due";
    /// When a list row that could not be written is written again.
    pub const LIST_DUE: &str = "list_due";
    /// When an erasure's remaining steps are due.
    pub const ERASURE_DUE: &str = "erasure_due";
    /// When retention erases the tenant.
    pub const RETAIN_UNTIL: &str = "retain_until";
    /// Every kept time the alarm serves (besides the live connections' expiry).
    pub const DUES: [&str; 4] = [SWEEP_DUE, LIST_DUE, ERASURE_DUE, RETAIN_UNTIL];
}

impl TenantState {
    pub(super) fn schema(&self) {
        // One call for the whole schema (the runtime runs the statements in turn).
        let _ = self.sql.exec(SCHEMA, None);
    }

    /// The `kv` row `k`.
    pub(super) fn get(&self, k: &str) -> worker::Result<Option<String>> {
        sql::value(&self.sql, "SELECT v FROM kv WHERE k = ?", vec![k.into()])
    }

    /// The `kv` row `k` as JSON, if it is there and parses.
    pub(super) fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        k: &str,
    ) -> worker::Result<Option<T>> {
        Ok(self.get(k)?.and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Writes the `kv` row `k`.
    pub(super) fn put(&self, k: &str, v: &str) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)",
            vec![k.into(), v.into()],
        )?;
        Ok(())
    }

    /// Drops the `kv` rows `ks`.
    pub(super) fn drop_rows(&self, ks: &[&str]) -> worker::Result<()> {
        for k in ks {
            self.sql
                .exec("DELETE FROM kv WHERE k = ?", vec![(*k).into()])?;
        }
        Ok(())
    }

    /// The tenant's record, `None` when no tenant lives here.
    pub(super) fn record(&self) -> worker::Result<Option<TenantRecord>> {
        Ok(match self.get(keys::TENANT)? {
            Some(s) => Some(serde_json::from_str(&s)?),
            None => None,
        })
    }

    pub(super) fn status(&self) -> worker::Result<Option<Status>> {
        Ok(match self.get(keys::STATUS)? {
            Some(s) => Some(serde_json::from_str(&s)?),
            None => None,
        })
    }

    /// The current status and its sequence number.
    pub(super) fn current(&self) -> worker::Result<LogEntry> {
        let status = self
            .status()?
            .ok_or_else(|| worker::Error::RustError("no status".into()))?;
        Ok(LogEntry {
            seq: self.last_seq()?,
            status,
        })
    }

    pub(super) fn last_seq(&self) -> worker::Result<i64> {
        Ok(
            sql::value::<Option<i64>>(&self.sql, "SELECT MAX(seq) AS v FROM log", None)?
                .flatten()
                .unwrap_or(0),
        )
    }

    /// Stores the status (serialised once, for the row and the log), appends it to the
    /// log and pushes it to the live connections; returns the new entry.
    pub(super) fn commit(
        &self,
        status: Status,
        event_id: &str,
        kind: &str,
        body: &str,
    ) -> worker::Result<LogEntry> {
        let json = serde_json::to_string(&status)?;
        self.put(keys::STATUS, &json)?;
        self.sql.exec(
            "INSERT INTO log (event_id, type, status, body) VALUES (?, ?, ?, ?)",
            vec![event_id.into(), kind.into(), json.into(), body.into()],
        )?;
        let entry = LogEntry {
            seq: self.last_seq()?,
            status,
        };
        // The history is bounded: older entries keep their event id (duplicates are
        // still recognised) but not their snapshot. Each entry is a whole status, so a
        // client replaying from further back gets the recent ones, the last of which is
        // the current status.
        self.sql.exec(
            "UPDATE log SET status = '' WHERE seq <= ? AND status != ''",
            vec![(entry.seq - STATUS_HISTORY).into()],
        )?;
        self.push(&entry);
        Ok(entry)
    }

    /// Status changes after `after` (at most 100).
    pub(super) fn log_after(&self, after: i64) -> worker::Result<Vec<LogEntry>> {
        #[derive(Deserialize)]
        struct Row {
            seq: i64,
            status: String,
        }
        sql::rows::<Row>(
            &self.sql,
            "SELECT seq, status FROM log WHERE seq > ? AND status != '' ORDER BY seq LIMIT 100",
            vec![after.into()],
        )?
        .into_iter()
        .map(|r| {
            Ok(LogEntry {
                seq: r.seq,
                status: serde_json::from_str(&r.status)?,
            })
        })
        .collect()
    }

    /// The current token generation.
    pub(super) fn generation(&self) -> worker::Result<u32> {
        Ok(self
            .get(keys::GENERATION)?
            .and_then(|g| g.parse().ok())
            .unwrap_or(0))
    }

    /// A time (unix ms) kept under `k`.
    pub(super) fn due(&self, k: &str) -> worker::Result<Option<u64>> {
        Ok(self.get(k)?.and_then(|d| d.parse().ok()))
    }

    /// Makes sure the alarm rings at `at_ms` (unix ms) or earlier. One alarm serves
    /// the relay sweep, the expiry of status connections, a list row to write again,
    /// an erasure's remaining steps and retention.
    pub(super) async fn arm(&self, at_ms: u64) -> worker::Result<()> {
        let storage = self.state.storage();
        match storage.get_alarm().await? {
            Some(pending) if pending <= at_ms as i64 => Ok(()),
            // An absolute time (an i64 would be an offset from now).
            _ => {
                let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
                storage.set_alarm(worker::ScheduledTime::new(at)).await
            }
        }
    }

    /// The kept times that are set.
    pub(super) fn owed(&self) -> worker::Result<Vec<String>> {
        let mut owed = Vec::new();
        for k in keys::DUES {
            if self.get(k)?.is_some() {
                owed.push(k.to_owned());
            }
        }
        Ok(owed)
    }

    /// Sets the alarm to the earliest time anything is due — a kept time or an open
    /// connection's expiry — or clears it: for when something due earlier than the rest
    /// was done without its alarm (a creation's relay and list row, done after the
    /// reply). Storage calls only: no other event runs in between.
    pub(super) async fn rearm(&self) -> worker::Result<()> {
        let mut next = self.close_expired();
        for k in keys::DUES {
            if let Some(at) = self.due(k)? {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        let storage = self.state.storage();
        match next {
            Some(at) => {
                let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
                storage.set_alarm(worker::ScheduledTime::new(at)).await
            }
            None => storage.delete_alarm().await,
        }
    }

    /// Runs `work` when the time kept under `k` has come, or sets the alarm for it.
    pub(super) async fn when_due<F: std::future::Future<Output = worker::Result<()>>>(
        &self,
        k: &str,
        now: u64,
        work: impl FnOnce() -> F,
    ) -> worker::Result<()> {
        match self.due(k)? {
            Some(due) if due <= now => work().await,
            Some(due) => self.arm(due).await,
            None => Ok(()),
        }
    }
}

//! Nothing accepted is lost on the way to the agency: every accepted event (an
//! upstream's, or the edge's own `tenant.created`) is in the log with its body until
//! it is delivered. The worker queues its relay right away and marks it queued; a
//! sweep [`RELAY_SWEEP_AFTER`] later queues whatever a crash or a queue failure left
//! unmarked.

use serde::Deserialize;

use super::object::TenantState;
use super::protocol::TenantRecord;
use super::storage::keys::SWEEP_DUE;
use crate::relay::queue;
use crate::sql;

/// How long after an accepted event the object checks that its relay was queued.
pub(super) const RELAY_SWEEP_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Most events queued by one sweep (the alarm is set again while more remain).
const RELAY_SWEEP_BATCH: i64 = 50;

impl TenantState {
    /// Schedules a relay sweep `RELAY_SWEEP_AFTER` from now, unless one is due.
    pub(super) async fn schedule_sweep(&self) -> worker::Result<()> {
        if self.get(SWEEP_DUE)?.is_some() {
            return Ok(());
        }
        let due = js_sys::Date::now() as u64 + RELAY_SWEEP_AFTER.as_millis() as u64;
        self.put(SWEEP_DUE, &due.to_string())?;
        self.arm(due).await
    }

    /// From the alarm: the sweep, when due.
    pub(super) async fn sweep_when_due(&self, now: u64) -> worker::Result<()> {
        self.when_due(SWEEP_DUE, now, || async {
            self.drop_rows(&[SWEEP_DUE])?;
            let Some(rec) = self.record()? else {
                return Ok(());
            };
            // Queued by the sweep: the worker's own enqueue had failed or crashed.
            let swept = self.sweep(&rec).await?;
            if swept > 0 {
                worker::console_warn!(
                    "{}",
                    serde_json::json!({"relay": "swept", "tenant": rec.tenant_id, "events": swept})
                );
            }
            Ok(())
        })
        .await
    }

    /// Queues the relay of every accepted event not marked as queued; schedules another
    /// sweep while any remain (a failed enqueue is retried then). Returns how many it
    /// queued.
    pub(super) async fn sweep(&self, rec: &TenantRecord) -> worker::Result<usize> {
        #[derive(Deserialize)]
        struct Row {
            event_id: String,
            kind: String,
            body: String,
        }
        let rows: Vec<Row> = sql::rows(
            &self.sql,
            "SELECT event_id, type AS kind, body FROM log WHERE relay_enqueued = 0 AND body != '' ORDER BY seq LIMIT ?",
            vec![RELAY_SWEEP_BATCH.into()],
        )?;
        let mut again = rows.len() as i64 >= RELAY_SWEEP_BATCH;
        let mut queued = 0;
        for row in rows {
            let body = queue::with_reference(&row.body, rec.external_reference());
            let message = queue::RelayMessage::first(
                &rec.agency,
                &row.event_id,
                &row.kind,
                &rec.tenant_id,
                &body,
            );
            if queue::send(&self.env, message).await.is_ok() {
                self.mark_relayed(&row.event_id)?;
                queued += 1;
            } else {
                again = true;
            }
        }
        if again {
            self.schedule_sweep().await?;
        }
        Ok(queued)
    }

    /// How many accepted events wait for their relay to be queued.
    pub(super) fn unqueued(&self) -> worker::Result<i64> {
        Ok(sql::value(
            &self.sql,
            "SELECT COUNT(*) AS v FROM log WHERE relay_enqueued = 0 AND body != ''",
            Vec::new(),
        )?
        .unwrap_or(0))
    }

    /// The event's relay was queued.
    pub(super) fn mark_relayed(&self, event_id: &str) -> worker::Result<()> {
        self.sql.exec(
            "UPDATE log SET relay_enqueued = 1 WHERE event_id = ?",
            vec![event_id.into()],
        )?;
        Ok(())
    }

    /// The event was delivered: its raw body is not kept.
    pub(super) fn forget_body(&self, event_id: &str) -> worker::Result<()> {
        self.sql.exec(
            "UPDATE log SET body = '' WHERE event_id = ?",
            vec![event_id.into()],
        )?;
        Ok(())
    }

    /// An accepted event's body as relayed (with the agency's reference), while kept.
    pub(super) fn event_body(
        &self,
        rec: &TenantRecord,
        event_id: &str,
    ) -> worker::Result<Option<String>> {
        let body: Option<String> = sql::value(
            &self.sql,
            "SELECT body AS v FROM log WHERE event_id = ?",
            vec![event_id.into()],
        )?;
        Ok(body.map(|b| queue::with_reference(&b, rec.external_reference())))
    }
}

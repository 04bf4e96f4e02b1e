//! Idempotency records: who holds a key, for which request, and the answer to replay.
//! Only a key's owner finishes or aborts it (core's [`may_settle`]), so a request whose
//! lease ran out never overwrites or deletes the record of the one that took over.

use serde::Deserialize;

use onboarding_core::idempotency::{Held, Take, may_settle, take};

use super::object::ScopeStore;
use super::protocol::{IdemAbort, IdemBegin, IdemFinish, IdemState};
use crate::sql;

/// How long an answer is replayed under its key (then the record is dropped).
pub const REPLAY_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

impl ScopeStore {
    /// Takes a key for a run (spending `begin.charge` with it, all or none), or says
    /// why not: in flight, done (replay), another request's key, over a limit.
    pub(super) fn begin(&self, b: IdemBegin) -> worker::Result<IdemState> {
        #[derive(Deserialize)]
        struct Row {
            fingerprint: String,
            status: Option<i64>,
            body: Option<String>,
            content: Option<String>,
            started_ms: i64,
            lease_ms: i64,
        }
        // A record is kept for its replay window, then forgotten (its answer holds
        // tokens and ids: nothing is kept beyond its purpose).
        self.sql.exec(
            "DELETE FROM idempotency WHERE started_ms < ?",
            vec![(b.now.saturating_sub(REPLAY_WINDOW_MS) as i64).into()],
        )?;
        let row: Option<Row> = sql::row(
            &self.sql,
            "SELECT fingerprint, status, body, content, started_ms, lease_ms FROM idempotency WHERE key = ?",
            vec![b.key.clone().into()],
        )?;
        let held = row.as_ref().map(|r| Held {
            fingerprint: &r.fingerprint,
            done: r.status.is_some() && r.body.is_some(),
            started_ms: r.started_ms.max(0) as u64,
            lease_ms: r.lease_ms.max(0) as u64,
        });
        let taken = take(held, &b.fingerprint, b.now);
        if matches!(taken, Take::Run) && !b.charge.is_empty() {
            let verdict = self.rate(b.charge)?;
            if !verdict.allowed {
                return Ok(IdemState::Limited {
                    retry_after: verdict.retry_after,
                });
            }
        }
        match (taken, row) {
            (Take::Mismatch, _) => Ok(IdemState::Mismatch),
            (Take::Wait, _) => Ok(IdemState::Pending),
            (
                Take::Replay,
                Some(Row {
                    status: Some(status),
                    body: Some(body),
                    content,
                    ..
                }),
            ) => Ok(IdemState::Done {
                status: status as u16,
                body,
                content,
            }),
            (_, Some(_)) => {
                // Take over the same request's record (its holder's lease ran out).
                self.sql.exec(
                    "UPDATE idempotency SET owner = ?, started_ms = ?, lease_ms = ? WHERE key = ?",
                    vec![
                        b.owner.into(),
                        (b.now as i64).into(),
                        (b.lease_ms as i64).into(),
                        b.key.into(),
                    ],
                )?;
                Ok(IdemState::New)
            }
            (_, None) => {
                self.sql.exec(
                    "INSERT INTO idempotency (key, fingerprint, owner, status, body, content, started_ms, lease_ms) VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?)",
                    vec![
                        b.key.into(),
                        b.fingerprint.into(),
                        b.owner.into(),
                        (b.now as i64).into(),
                        (b.lease_ms as i64).into(),
                    ],
                )?;
                Ok(IdemState::New)
            }
        }
    }

    /// Records the answer to replay; false when the caller no longer owns the key.
    pub(super) fn finish(&self, f: IdemFinish) -> worker::Result<bool> {
        if !self.settleable(&f.key, &f.owner)? {
            return Ok(false);
        }
        self.sql.exec(
            "UPDATE idempotency SET status = ?, body = ?, content = ?, subject = ? WHERE key = ?",
            vec![
                i64::from(f.status).into(),
                f.body.into(),
                f.content.into(),
                f.subject.into(),
                f.key.into(),
            ],
        )?;
        Ok(true)
    }

    /// Releases the key for a retry; false when the caller no longer owns it (another
    /// request's record is never deleted).
    pub(super) fn abort(&self, a: &IdemAbort) -> worker::Result<bool> {
        if !self.settleable(&a.key, &a.owner)? {
            return Ok(false);
        }
        self.sql.exec(
            "DELETE FROM idempotency WHERE key = ?",
            vec![a.key.as_str().into()],
        )?;
        Ok(true)
    }

    /// Whether `caller` may finish or abort the record under `key` (core's
    /// [`may_settle`]).
    fn settleable(&self, key: &str, caller: &str) -> worker::Result<bool> {
        #[derive(Deserialize)]
        struct Row {
            owner: String,
            status: Option<i64>,
        }
        let row: Option<Row> = sql::row(
            &self.sql,
            "SELECT owner, status FROM idempotency WHERE key = ?",
            vec![key.into()],
        )?;
        Ok(row.is_some_and(|r| may_settle(&r.owner, r.status.is_some(), caller)))
    }

    /// The replays of answers about `subject` (an erased tenant) answer `404`; the
    /// keys stay taken, so a retry cannot create the applicant again.
    pub(super) fn erase_replays(&self, subject: &str) -> worker::Result<()> {
        let gone = serde_json::to_string(&onboarding_core::model::problem::Problem::new(
            onboarding_core::i18n::Locale::En,
            onboarding_core::model::problem::ProblemCode::NotFound,
        ))?;
        self.sql.exec(
            "UPDATE idempotency SET status = 404, body = ?, content = NULL WHERE subject = ?",
            vec![gone.into(), subject.into()],
        )?;
        Ok(())
    }
}

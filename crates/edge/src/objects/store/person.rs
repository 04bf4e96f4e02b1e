//! A person's identity record at one agency ([`super::Scope::Person`]), under core's
//! person rules: read, changed and written within one synchronous step (no await
//! between), so two tenants of one person cannot both pass. An erased tenant stays
//! listed as erased (core's `PersonRecord::forget`), so nothing it does late brings the
//! record back.

use onboarding_core::person::{PersonBegin, PersonRecord};

use super::object::ScopeStore;
use super::protocol::{PersonOp, PersonReply, PersonVerdict};

/// `kv` key of the record.
const RECORD: &str = "person";

impl ScopeStore {
    /// Applies `op`; the record after it, with a `Begin`'s verdict.
    pub(super) fn person(&self, op: PersonOp) -> worker::Result<PersonReply> {
        let mut record: PersonRecord = match self.kv(RECORD)? {
            Some(v) => serde_json::from_str(&v)?,
            None => PersonRecord::default(),
        };
        let mut verdict = None;
        match op {
            PersonOp::Begin { tenant_id, now_ms } => {
                verdict = Some(match record.begin(&tenant_id, now_ms) {
                    PersonBegin::Start => PersonVerdict::Start,
                    PersonBegin::Carry(decision, reason) => {
                        PersonVerdict::Carry { decision, reason }
                    }
                });
            }
            PersonOp::Settle {
                tenant_id,
                decision,
                now_ms,
            } => record.settle(&tenant_id, decision, now_ms),
            PersonOp::Agency { decision } => record.agency_decided(decision),
            PersonOp::Link { tenant_id } => record.link(&tenant_id),
            PersonOp::Get => {}
            // Kept as a tombstone when it was the last tenant (the erased tenants' ids,
            // nothing of the person): a late settle of one of them changes nothing.
            PersonOp::Forget { tenant_id } => {
                record.forget(&tenant_id);
            }
        }
        self.sql.exec(
            "INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)",
            vec![RECORD.into(), serde_json::to_string(&record)?.into()],
        )?;
        Ok(PersonReply { record, verdict })
    }
}

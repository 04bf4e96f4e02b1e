//! The tenant's identity decision: core's [`IdentityRecord`] is read, changed and
//! written back within one synchronous step of the object (no await between), so two
//! concurrent inquiries or answers of one tenant cannot both pass the once-only rules.
//! Every inquiry's full upstream answer (insights, score cards, …) is kept for the
//! agency in `inquiry_details`.

use onboarding_core::identity_decision::{Begin, IdentityRecord, Refusal};
use onboarding_core::model::status::Startable;
use serde::Deserialize;

use super::object::TenantState;
use super::protocol::{IdentityOp, IdentityOutcome, LogEntry, TenantRecord};

/// Key of the record in the object's `kv` table.
const RECORD: &str = "identity_record";

impl TenantState {
    pub(super) fn identity_record(&self) -> worker::Result<IdentityRecord> {
        Ok(match self.get(RECORD)? {
            Some(s) => serde_json::from_str(&s)?,
            None => IdentityRecord::default(),
        })
    }

    /// Applies `op` at `at` (RFC 3339); `id` makes the status log entry unique. The
    /// outcome, and the entry committed when the status changed.
    pub(super) fn identity(
        &self,
        rec: &TenantRecord,
        op: IdentityOp,
        at: &str,
        id: &str,
    ) -> worker::Result<(IdentityOutcome, Option<LogEntry>)> {
        let Some(mut status) = self.status()? else {
            return Err(worker::Error::RustError("no tenant".into()));
        };
        let mut record = self.identity_record()?;
        let mut kind = None;
        let person = || rec.person.clone();
        let outcome = match op {
            IdentityOp::Begin { inquiry_id, now_ms } => match record.begin(&inquiry_id, now_ms) {
                Ok(Begin::Start) => {
                    status.started(Startable::Identity, at);
                    kind = Some("identity.started");
                    IdentityOutcome::Start {
                        person: person(),
                        request: rec.request.clone().map(Box::new),
                    }
                }
                Ok(Begin::Resume(inquiry)) => IdentityOutcome::Resume { inquiry },
                Err(refusal) => IdentityOutcome::Refused { refusal },
            },
            IdentityOp::Settle {
                inquiry_id,
                reply,
                detail,
            } => {
                let upstream_id = reply.as_ref().map(|r| r.inquiry_id.clone());
                let inquiry = record.settle(&inquiry_id, reply);
                if let Some(p) = &inquiry {
                    status.identity_decided(p.decision, at);
                    kind = Some("identity.decided");
                }
                if let Some(detail) = detail {
                    let key = upstream_id.filter(|u| !u.is_empty()).unwrap_or(inquiry_id);
                    let json = serde_json::to_string(&detail)?;
                    self.sql.exec(
                        "INSERT OR REPLACE INTO inquiry_details (inquiry_id, detail) VALUES (?, ?)",
                        vec![key.into(), json.clone().into()],
                    )?;
                    self.put("identity", &json)?;
                }
                IdentityOutcome::Settled { inquiry }
            }
            IdentityOp::BeginAnswers { inquiry_id, now_ms } => {
                match record.begin_answers(&inquiry_id, now_ms) {
                    Ok(()) => IdentityOutcome::Decision {
                        decision: record.decision,
                        person: None,
                    },
                    Err(refusal) => IdentityOutcome::Refused { refusal },
                }
            }
            IdentityOp::SettleAnswers {
                inquiry_id,
                decision,
            } => {
                let graded = decision.is_some();
                let decision = record.settle_answers(&inquiry_id, decision);
                if let (true, Some(d)) = (graded, decision) {
                    status.identity_decided(d, at);
                    kind = Some("identity.decided");
                }
                IdentityOutcome::Decision {
                    decision,
                    person: person(),
                }
            }
            IdentityOp::Agency {
                inquiry_id,
                decision,
            } if record.find(&inquiry_id).is_some() => {
                record.agency_decided(&inquiry_id, decision);
                status.identity_decided(decision, at);
                kind = Some("identity.decided");
                IdentityOutcome::Decision {
                    decision: Some(decision),
                    person: person(),
                }
            }
            IdentityOp::Agency { .. } => IdentityOutcome::Refused {
                refusal: Refusal::UnknownInquiry,
            },
        };
        self.put(RECORD, &serde_json::to_string(&record)?)?;
        let entry = match kind {
            Some(kind) => Some(self.commit(status, &format!("local:{id}"), kind, "")?),
            None => None,
        };
        Ok((outcome, entry))
    }

    /// Every inquiry with its state and the full upstream answer, for the agency.
    pub(super) fn identity_view(&self) -> worker::Result<serde_json::Value> {
        #[derive(Deserialize)]
        struct Row {
            inquiry_id: String,
            detail: String,
        }
        let record = self.identity_record()?;
        let rows: Vec<Row> = crate::sql::rows(
            &self.sql,
            "SELECT inquiry_id, detail FROM inquiry_details",
            None,
        )?;
        let inquiries: Vec<serde_json::Value> = record
            .inquiries
            .iter()
            .map(|i| {
                let detail = rows
                    .iter()
                    .find(|r| r.inquiry_id == i.inquiry_id)
                    .and_then(|r| serde_json::from_str(&r.detail).ok())
                    .unwrap_or(serde_json::Value::Null);
                serde_json::json!({
                    "inquiryId": i.inquiry_id,
                    "state": i.state,
                    "decision": i.decision,
                    "answers": i.answers,
                    "detail": detail,
                })
            })
            .collect();
        Ok(serde_json::json!({
            "decision": record.decision,
            "decidedBy": record.decided_by,
            "inquiries": inquiries,
        }))
    }
}

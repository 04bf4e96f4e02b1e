//! The tenant's identity decision inside [`super::TenantState`]: core's
//! [`IdentityRecord`] is read, changed and written back within one synchronous step of
//! the object (no await between), so two concurrent inquiries or answers of one tenant
//! cannot both pass the once-only rules. Every inquiry's full upstream answer
//! (insights, score cards, …) is kept for the agency in `inquiry_details`.

use onboarding_core::identity_decision::{Begin, IdentityRecord, Refusal};
use onboarding_core::model::identity::{Decision, PublicInquiry};
use onboarding_core::model::status::Startable;
use serde::{Deserialize, Serialize};

use super::TenantState;

/// Key of the record in the object's `kv` table.
const RECORD: &str = "identity_record";

/// An identity operation (edge → object).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum IdentityOp {
    /// May inquiry `inquiry_id` be sent upstream now?
    #[serde(rename_all = "camelCase")]
    Begin {
        /// The edge's id for the new inquiry.
        inquiry_id: String,
        /// Unix ms.
        now_ms: u64,
    },
    /// The upstream's answer to an inquiry (`reply: None`: it failed).
    #[serde(rename_all = "camelCase")]
    Settle {
        /// The edge's id of the inquiry.
        inquiry_id: String,
        /// The browser's view of the answer.
        reply: Option<PublicInquiry>,
        /// The full answer, for the agency.
        #[serde(default)]
        detail: serde_json::Value,
    },
    /// May answers for `inquiry_id` be sent upstream now?
    #[serde(rename_all = "camelCase")]
    BeginAnswers {
        /// Inquiry id.
        inquiry_id: String,
        /// Unix ms.
        now_ms: u64,
    },
    /// The upstream's grading (`None`: it failed).
    #[serde(rename_all = "camelCase")]
    SettleAnswers {
        /// Inquiry id.
        inquiry_id: String,
        /// The decision.
        decision: Option<Decision>,
    },
    /// The agency's decision update went through upstream.
    #[serde(rename_all = "camelCase")]
    Agency {
        /// Inquiry id.
        inquiry_id: String,
        /// The decision.
        decision: Decision,
    },
}

/// What the object answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum IdentityOutcome {
    /// Send the inquiry upstream, built from the tenant's validated request (as kept
    /// at creation), so the caller needs no second call to read it.
    Start {
        /// The tenant's request (`TenantRecord::request`).
        #[serde(default)]
        request: Option<Box<onboarding_core::model::TenantRequest>>,
        /// The tenant's person key (`TenantRecord::person`).
        #[serde(default)]
        person: Option<String>,
    },
    /// Answer with this open inquiry (no upstream call).
    Resume {
        /// The open inquiry.
        inquiry: PublicInquiry,
    },
    /// The applicant's view after an inquiry settled (`None`: no decision).
    Settled {
        /// The reply.
        inquiry: Option<PublicInquiry>,
    },
    /// Go ahead (answers) or done (settle answers, agency update), with the tenant's
    /// decision.
    Decision {
        /// The tenant's decision.
        decision: Option<Decision>,
        /// The tenant's person key (`TenantRecord::person`): their other tenants carry
        /// the decision.
        #[serde(default)]
        person: Option<String>,
    },
    /// Refused by the rules.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

impl TenantState {
    pub(super) fn identity_record(&self) -> worker::Result<IdentityRecord> {
        Ok(match self.get(RECORD)? {
            Some(s) => serde_json::from_str(&s)?,
            None => IdentityRecord::default(),
        })
    }

    /// Applies `op` at `at` (RFC 3339); `id` makes the status log entry unique.
    pub(super) fn identity(
        &self,
        op: IdentityOp,
        at: &str,
        id: &str,
    ) -> worker::Result<IdentityOutcome> {
        let Some(mut status) = self.status()? else {
            return Err(worker::Error::RustError("no tenant".into()));
        };
        let mut record = self.identity_record()?;
        let mut kind = None;
        let outcome = match op {
            IdentityOp::Begin { inquiry_id, now_ms } => match record.begin(&inquiry_id, now_ms) {
                Ok(Begin::Start) => {
                    status.started(Startable::Identity, at);
                    kind = Some("identity.started");
                    let record = self.record()?;
                    IdentityOutcome::Start {
                        person: record.as_ref().and_then(|r| r.person.clone()),
                        request: record.and_then(|r| r.request).map(Box::new),
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
                if !detail.is_null() {
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
                    person: self.record()?.and_then(|r| r.person),
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
                    person: self.record()?.and_then(|r| r.person),
                }
            }
            IdentityOp::Agency { .. } => IdentityOutcome::Refused {
                refusal: Refusal::UnknownInquiry,
            },
        };
        self.put(RECORD, &serde_json::to_string(&record)?)?;
        if let Some(kind) = kind {
            self.commit(&status, &format!("local:{id}"), kind, "")?;
        }
        Ok(outcome)
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

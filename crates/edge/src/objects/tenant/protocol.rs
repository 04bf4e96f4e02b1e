//! Everything a tenant's object is asked, each call with its reply type (the table in
//! [`TenantCall`]), and the values that travel with them. (A status connection is an
//! upgrade rather than a call: its typed request is [`super::watch::Watch`].)

use serde::{Deserialize, Serialize};

use onboarding_core::consent::ConsentReceipt;
use onboarding_core::identity_decision::Refusal;
use onboarding_core::lifecycle::{ErasedBy, ErasureReceipt, Retention};
use onboarding_core::model::TenantRequest;
use onboarding_core::model::api::{AgencyTenantView, StoredDocument};
use onboarding_core::model::identity::{Decision, InquiryResponse, PublicInquiry};
use onboarding_core::model::status::Startable;
use onboarding_core::person::CarryReason;

use crate::objects::call::protocol;

/// One entry of the status log: core's wire frame of the live status.
pub use onboarding_core::model::api::StatusEntry as LogEntry;

protocol! {
    /// One variant per operation. Calls about a tenant that does not exist here
    /// answer their empty value (`None`, nothing).
    pub enum TenantCall {
        /// Create the state, bound to the record's agency for good (`None`: the id is
        /// bound to another agency or session, or was erased).
        Init(Init) -> Option<Bound>,
        /// The tenant's record.
        Record(ReadRecord) -> Option<TenantRecord>,
        /// Is a token of this generation still good (and the status, when it is)?
        Access(CheckAccess) -> Access,
        /// Revoke every token issued so far and close the live connections → the new
        /// generation.
        Revoke(Revoke) -> Option<u32>,
        /// Requests this object instance has served, this one included, and what it
        /// still owes the alarm (dev diagnostics: `GET /_dev/tenants/{id}/served`
        /// under `DEV_WIRING` only).
        Served(ReadServed) -> Served,
        /// The current status and its sequence number.
        Status(ReadStatus) -> Option<LogEntry>,
        /// A change made by this API.
        Local(Local) -> Option<LogEntry>,
        /// A verified upstream event (its JSON as received), once per event id.
        Webhook(Webhook) -> Option<Applied>,
        /// The event's relay was queued.
        Relayed(MarkRelayed) -> (),
        /// The event was delivered to the agency: its raw body is not kept.
        Delivered(MarkDelivered) -> (),
        /// Record a single-use ticket for one live status connection (`Grant::Ticket`)
        /// → whether it was recorded (false: no tenant here).
        Ticket(IssueTicket) -> bool,
        /// Status changes after a sequence number (at most 100).
        Log(ReadLog) -> Vec<LogEntry>,
        /// Everything the agency may see.
        AgencyView(ReadAgencyView) -> Option<AgencyTenantView>,
        /// The body of an accepted event as relayed.
        EventBody(ReadEventBody) -> Option<String>,
        /// Erase the tenant (or take up an erasure begun) for `agency` (`None`: not that
        /// agency's tenant, erased or not).
        Erase(Erase) -> Option<ErasureReceipt>,
        /// An identity operation under core's once-only rules.
        Identity(Identity) -> Option<IdentityOutcome>,
    }
}

/// Who a tenant belongs to, and what it was created with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantRecord {
    /// Upstream tenant id.
    pub tenant_id: String,
    /// The agency's stable id.
    pub agency: String,
    /// RFC 3339.
    pub created_at: String,
    /// The validated request (the identity inquiry is built from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<TenantRequest>,
    /// The session that created it: an upstream that returns an existing tenant hands
    /// it to this session's retries only.
    #[serde(default)]
    pub session_id: String,
    /// The person key (core's `person::person_key`), when the request named a document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Unix seconds of the tenant's first token: its tokens' absolute lifetime runs
    /// from here.
    #[serde(default)]
    pub since: i64,
    /// What the applicant consented to: core's receipts (version, the text's SHA-256,
    /// locale, time, network).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent: Vec<ConsentReceipt>,
    /// The agency's retention periods when the tenant was created (unset: core's
    /// defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Retention>,
    /// The agency's affordability threshold when the tenant was created (unset: core's
    /// default), for `tenant.created`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rent_share: Option<u8>,
    /// The console's search tokens (keyed hashes of the names' words, the email, the
    /// reference): what the agency's list keeps instead of the names and email.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search: Vec<String>,
}

impl TenantRecord {
    /// The agency's own reference for the applicant, from the request.
    pub fn external_reference(&self) -> Option<&str> {
        self.request.as_ref()?.external_reference.as_deref()
    }
}

/// See [`TenantCall::Init`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Init {
    /// Owner and request.
    pub record: Box<TenantRecord>,
}

/// [`TenantCall::Init`]'s reply: the tenant is bound to the caller.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bound {
    /// The current status.
    pub entry: LogEntry,
    /// The first token's time (unix seconds).
    pub since: i64,
    /// The tenant's token generation.
    pub generation: u32,
}

/// See [`TenantCall::Record`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadRecord {}

/// See [`TenantCall::Access`].
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckAccess {
    /// The token's generation.
    pub generation: u32,
}

/// [`TenantCall::Access`]'s reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Access {
    /// A token of the current generation, with the tenant's current status (the
    /// handler after the check needs no second call for it).
    Granted {
        /// The current status and its sequence number.
        current: LogEntry,
    },
    /// Revoked: the tenant has moved to a later generation.
    Revoked,
    /// No such tenant here.
    Unknown,
}

/// See [`TenantCall::Revoke`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Revoke {}

/// See [`TenantCall::Served`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadServed {}

/// [`TenantCall::Served`]'s reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Served {
    /// Requests served by this instance, this one included.
    pub served: u64,
    /// The instance's random id (a hibernated object comes back as a new one).
    pub instance: u32,
    /// The kept times the alarm serves that are set (`sweep_due`, `list_due`, …).
    pub due: Vec<String>,
    /// Accepted events whose relay is not queued yet.
    pub unqueued: i64,
    /// When the alarm rings (unix ms), if set.
    pub alarm: Option<i64>,
}

/// See [`TenantCall::Status`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadStatus {}

/// See [`TenantCall::Local`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Local {
    /// The change.
    pub change: LocalChange,
    /// RFC 3339 now.
    pub at: String,
    /// Random id of this change (its log entry's event id).
    pub id: String,
}

/// A change made by this API (not an upstream event).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum LocalChange {
    /// A document was stored upstream.
    DocumentUploaded(StoredDocument),
    /// A hosted page or a process was started.
    Started {
        /// The step.
        step: Startable,
    },
}

/// See [`TenantCall::Webhook`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Webhook {
    /// The event as received (its JSON text: relayed as it came).
    pub body: String,
    /// RFC 3339 now.
    pub at: String,
}

/// [`TenantCall::Webhook`]'s reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// False when the event id had been applied before.
    pub applied: bool,
    /// True when the relay has not been queued yet for this event.
    pub needs_relay: bool,
    /// The agency to relay to.
    pub agency: String,
    /// The agency's reference, carried by the relayed event.
    #[serde(default)]
    pub external_reference: Option<String>,
}

/// See [`TenantCall::Relayed`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkRelayed {
    /// Upstream event id.
    pub event_id: String,
}

/// See [`TenantCall::Delivered`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkDelivered {
    /// Event id.
    pub event_id: String,
}

/// See [`TenantCall::Ticket`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueTicket {
    /// The ticket's nonce (core's `token::live_ticket`).
    pub nonce: String,
    /// Unix seconds: the asking token's expiry (the connection's end).
    pub expires_at: u64,
}

/// See [`TenantCall::Log`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadLog {
    /// Last sequence number seen.
    pub after: i64,
}

/// See [`TenantCall::AgencyView`].
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadAgencyView {}

/// See [`TenantCall::EventBody`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadEventBody {
    /// Upstream event id.
    pub event_id: String,
}

/// See [`TenantCall::Erase`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Erase {
    /// The agency asking.
    pub agency: String,
    /// Who asked.
    pub by: ErasedBy,
    /// RFC 3339 now.
    pub at: String,
}

/// See [`TenantCall::Identity`].
#[derive(Debug, Serialize, Deserialize)]
pub struct Identity {
    /// The operation.
    pub op: IdentityOp,
    /// RFC 3339 now.
    pub at: String,
    /// Random id of this change.
    pub id: String,
}

/// An identity operation.
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
    /// The answer to an inquiry (`reply: None`: it failed).
    #[serde(rename_all = "camelCase")]
    Settle {
        /// The edge's id of the inquiry.
        inquiry_id: String,
        /// The browser's view of the answer.
        reply: Option<PublicInquiry>,
        /// Where the answer came from, for the agency.
        #[serde(default)]
        detail: Option<InquiryDetail>,
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

/// What the agency keeps of an inquiry's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InquiryDetail {
    /// A decision carried from the person, without an inquiry (never `Allow`).
    #[serde(rename_all = "camelCase")]
    Carried {
        /// Always `person`.
        carried_from: String,
        /// The decision.
        decision: Decision,
        /// Why it was carried.
        reason: CarryReason,
    },
    /// The upstream's full answer (insights, score cards, …).
    Upstream(Box<InquiryResponse>),
}

/// What the object answers to an identity operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum IdentityOutcome {
    /// Send the inquiry upstream, built from the tenant's validated request (as kept
    /// at creation), so the caller needs no second call to read it.
    Start {
        /// The tenant's request.
        #[serde(default)]
        request: Option<Box<TenantRequest>>,
        /// The tenant's person key.
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
        /// The tenant's person key: their other tenants carry the decision.
        #[serde(default)]
        person: Option<String>,
    },
    /// Refused by the rules.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_round_trip_under_their_names() {
        let calls: Vec<TenantCall> = vec![
            ReadRecord {}.into(),
            CheckAccess { generation: 2 }.into(),
            Local {
                change: LocalChange::Started {
                    step: Startable::Kyc,
                },
                at: "t".into(),
                id: "i".into(),
            }
            .into(),
            ReadLog { after: 3 }.into(),
        ];
        for (call, name) in calls.iter().zip(["record", "access", "local", "log"]) {
            let json = serde_json::to_value(call).unwrap();
            assert_eq!(json["call"], name);
            let back: TenantCall = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(serde_json::to_value(&back).unwrap(), json);
        }
        let started = serde_json::to_value(LocalChange::Started {
            step: Startable::Forensic,
        })
        .unwrap();
        assert_eq!(started["step"], "forensic");
    }

    #[test]
    fn a_carried_detail_says_where_from_and_why() {
        let d = InquiryDetail::Carried {
            carried_from: "person".into(),
            decision: Decision::Review,
            reason: CarryReason::InProgress,
        };
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({"carriedFrom": "person", "decision": "Review", "reason": "inProgress"})
        );
    }
}

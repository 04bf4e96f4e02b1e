//! Everything a `ScopeStore` is asked, each call with its reply type (the table in
//! [`StoreCall`]), and the values that travel with them.

use serde::{Deserialize, Serialize};

use onboarding_core::console::Stage;
use onboarding_core::lifecycle::{Cursor, ErasureReceipt, ListQuery, Progress};
use onboarding_core::model::api::{DeadLetter, TenantPage, TenantSummary};
use onboarding_core::model::identity::Decision;
use onboarding_core::person::{CarryReason, PersonRecord};

use crate::objects::call::protocol;

protocol! {
    /// One variant per operation, grouped by the module of the object that serves it.
    pub enum StoreCall {
        // counters
        /// Spend rate checks, all or none.
        Rate(Rate) -> RateVerdict,
        /// Give back what a check spent (in the same window only).
        Refund(Refund) -> (),
        // keys
        /// Take an idempotency key (charging limits with it).
        IdemBegin(IdemBegin) -> IdemState,
        /// Record the answer to replay (owner only) → whether the caller still owned it.
        IdemFinish(IdemFinish) -> bool,
        /// Release the key for a retry (owner only) → whether the caller still owned it.
        IdemAbort(IdemAbort) -> bool,
        /// The creating request's replay of an erased tenant answers `404` from now on
        /// (the key stays taken: a retry must not create the applicant again).
        IdemErase(IdemErase) -> (),
        // bindings
        /// Bind `k` to `v` unless bound → the bound value.
        KvBind(KvBind) -> Option<String>,
        /// → the value of `k`, if any.
        KvGet(KvGet) -> Option<String>,
        /// Free `k` if it is still bound to `v` → whether it was.
        KvUnbind(KvUnbind) -> bool,
        // person
        /// A person's identity record under core's person rules ([`super::Scope::Person`]).
        Person(PersonOp) -> PersonReply,
        // dead letters
        /// Record dead letters (replacing any of the same event id).
        DeadAdd(DeadAdd) -> (),
        /// Remove a dead letter.
        DeadRemove(DeadRemove) -> (),
        /// → every dead letter, oldest first.
        DeadList(DeadList) -> Vec<DeadLetter>,
        /// Drop the dead letters of an erased tenant.
        DeadForget(DeadForget) -> (),
        // agency list
        /// Put or replace a row of the agency's list.
        ListPut(ListRow) -> (),
        /// A page of the agency's list.
        ListPage(ListQuery) -> TenantPage,
        /// Off the list, the erasure's audit row in its place.
        ListErase(ErasureReceipt) -> (),
        /// → those of the tenants that were erased (their audit rows are here).
        ListErased(ListErased) -> Vec<String>,
        /// A page of the console's pipeline: the list with what staff see and search.
        ConsolePage(ConsoleQuery) -> ConsoleRows,
        // directory
        /// Put an applicant's name and email ([`super::AgencyScope::Directory`]).
        DirPut(DirEntry) -> (),
        /// → the entries of these tenants that the store holds.
        DirGet(DirGet) -> Vec<DirEntry>,
        /// Rebuild the store without this tenant (its bytes gone with the old store).
        DirForget(DirForget) -> (),
        // the whole store
        /// Empty the store (an erased tenant's own scope).
        Wipe(Wipe) -> (),
    }
}

/// Spend these checks, counted together.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rate {
    /// The checks.
    pub checks: Vec<RateCheck>,
}

/// One check of a rate counter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateCheck {
    /// Allowed per window (hits, or the sum of costs).
    pub limit: u64,
    /// Window length.
    pub window_seconds: u64,
    /// Now, unix seconds.
    pub now: u64,
    /// What this hit costs (1 for a request; bytes for a byte budget).
    pub cost: u64,
    /// Count the cost even over the limit (a cost known only afterwards, e.g. the
    /// size of an upload without `Content-Length`).
    #[serde(default)]
    pub force: bool,
    /// Which of the scope's counters (a scope may keep several, e.g. an upload count
    /// and a byte budget, checked together in one call).
    #[serde(default)]
    pub counter: String,
}

/// Give back `cost` of a counter's current window (a reservation not used).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    /// The counter.
    pub counter: String,
    /// Its window length.
    pub window_seconds: u64,
    /// When it was spent, unix seconds (a refund for a past window changes nothing).
    pub now: u64,
    /// How much.
    pub cost: u64,
}

/// Rate check answer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateVerdict {
    /// Whether this hit is within the limit.
    pub allowed: bool,
    /// Seconds until the window resets.
    pub retry_after: u64,
    /// Each check's count in its window after this hit (as asked), when allowed.
    #[serde(default)]
    pub counts: Vec<u64>,
}

/// Start of an idempotent operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdemBegin {
    /// The client's key.
    pub key: String,
    /// Hash of what the request asks for; a different one under the same key is a 422.
    pub fingerprint: String,
    /// Now, unix ms.
    pub now: u64,
    /// Random id of the request asking: only it may finish or abort the record.
    pub owner: String,
    /// How long this request may hold the key unfinished before another takes over
    /// (longer than the longest request the key guards).
    pub lease_ms: u64,
    /// Limits spent, all or none, together with taking the key for a run. Over a
    /// limit, the key is left as it was and the answer is [`IdemState::Limited`]. A
    /// replay or a wait spends nothing.
    #[serde(default)]
    pub charge: Vec<RateCheck>,
}

/// State of an idempotency key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum IdemState {
    /// First sight (or the previous holder's lease ran out or it aborted): go ahead,
    /// then finish or abort as the owner.
    New,
    /// Another request with this key is in flight.
    Pending,
    /// Done before: replay this.
    Done {
        /// HTTP status.
        status: u16,
        /// JSON body, as sent the first time.
        body: String,
        /// Digest of the content the first request carried (a document's SHA-256 as
        /// streamed), when the route checks content too.
        #[serde(default)]
        content: Option<String>,
    },
    /// Same key, different request.
    Mismatch,
    /// A limit in [`IdemBegin::charge`] refused the run; the key was not taken.
    Limited {
        /// Seconds until that limit's window resets.
        retry_after: u64,
    },
}

/// End of an idempotent operation: the answer to replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdemFinish {
    /// The client's key.
    pub key: String,
    /// The owner given at `begin`.
    pub owner: String,
    /// HTTP status to replay.
    pub status: u16,
    /// JSON body to replay (the bytes sent).
    pub body: String,
    /// Digest of the request's content, when the route checks it.
    #[serde(default)]
    pub content: Option<String>,
    /// The tenant the answer concerns (erasure turns its replay into a `404`).
    #[serde(default)]
    pub subject: Option<String>,
}

/// Release of a key without an answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdemAbort {
    /// The client's key.
    pub key: String,
    /// The owner given at `begin`.
    pub owner: String,
}

/// The replays of answers about `subject` answer `404`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdemErase {
    /// The tenant the recorded answers concern.
    pub subject: String,
}

/// Bind `k` to `v` unless bound.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KvBind {
    /// Key.
    pub k: String,
    /// Value, if `k` is free.
    pub v: String,
}

/// Free `k` while it is bound to `v` (its binder giving it back).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KvUnbind {
    /// Key.
    pub k: String,
    /// The value it must still hold.
    pub v: String,
}

/// Read `k`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KvGet {
    /// Key.
    pub k: String,
}

/// An operation on a person's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum PersonOp {
    /// May this tenant send an inquiry now (takes an attempt when it may)?
    #[serde(rename_all = "camelCase")]
    Begin {
        /// Tenant.
        tenant_id: String,
        /// Unix ms.
        now_ms: u64,
    },
    /// The tenant's inquiry or answers came back (`None`: failed).
    #[serde(rename_all = "camelCase")]
    Settle {
        /// Tenant.
        tenant_id: String,
        /// Decision.
        decision: Option<Decision>,
        /// Unix ms.
        now_ms: u64,
    },
    /// The agency's decision update.
    Agency {
        /// Decision.
        decision: Decision,
    },
    /// List a new tenant of the person.
    #[serde(rename_all = "camelCase")]
    Link {
        /// Tenant.
        tenant_id: String,
    },
    /// Read only.
    Get,
    /// The tenant was erased: off the record (the record goes with its last tenant).
    #[serde(rename_all = "camelCase")]
    Forget {
        /// Tenant.
        tenant_id: String,
    },
}

/// What [`PersonOp::Begin`] allows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "camelCase")]
pub enum PersonVerdict {
    /// Send the inquiry upstream.
    Start,
    /// The tenant carries a decision (never `Allow`): nothing goes upstream.
    Carry {
        /// The decision.
        decision: Decision,
        /// Why (for the agency).
        reason: CarryReason,
    },
}

/// The person's record after an operation, with a `Begin`'s verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonReply {
    /// The record.
    pub record: PersonRecord,
    /// The verdict of a `Begin`.
    #[serde(default)]
    pub verdict: Option<PersonVerdict>,
}

/// Record these dead letters (a relay batch's, of one agency).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeadAdd {
    /// The letters.
    pub letters: Vec<DeadLetter>,
}

/// Remove one dead letter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadRemove {
    /// Its event id.
    pub event_id: String,
}

/// List the dead letters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeadList {}

/// Drop a tenant's dead letters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadForget {
    /// The tenant.
    pub tenant_id: String,
}

/// Which of these tenants were erased?
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListErased {
    /// The tenants.
    pub tenant_ids: Vec<String>,
}

/// Empty the store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wipe {}

/// One row of the agency's list, with what it is sorted and filtered by. The summary
/// travels as the JSON text it is stored and served as (written once, by the tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRow {
    /// The tenant.
    pub tenant_id: String,
    /// Creation time, unix ms (the sort key).
    pub created_ms: i64,
    /// The tenant's log sequence number when the row was made: an older row never
    /// replaces a newer one.
    pub version: i64,
    /// In progress or complete (a filter).
    pub state: Progress,
    /// The identity decision (a filter).
    #[serde(default)]
    pub decision: Option<Decision>,
    /// The row: core's `TenantSummary` as JSON.
    pub summary: String,
    /// Where it stands for the console (a filter).
    pub stage: Stage,
    /// What the console shows of the application (nothing personal).
    #[serde(default)]
    pub card: Option<Card>,
    /// The console's search tokens, space-separated: keyed hashes, never the text.
    #[serde(default)]
    pub search: String,
    /// The person key: the console flags a person with another application.
    #[serde(default)]
    pub person: Option<String>,
    /// Refused attempts to open the tenant (a console flag).
    #[serde(default)]
    pub refused: u32,
}

impl ListRow {
    /// Everything the list keeps of the row but its version: a row is written again
    /// only when this changes.
    pub fn fingerprint(&self) -> String {
        let card = serde_json::to_string(&self.card).unwrap_or_default();
        format!(
            "{}\n{}\n{}\n{}",
            self.summary,
            card,
            self.stage.as_str(),
            self.refused
        )
    }
}

/// What the pipeline shows of an application from the agency's list: nothing personal
/// (the list is one store for all of the agency's applicants, and an erased row's bytes
/// stay in its pages until they are reused). Names come from each tenant's own object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    /// The property applied for (its name or the agency's id for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    /// Monthly rent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rent: Option<String>,
}

/// An applicant's name and email, as the console's pipeline shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirEntry {
    /// The tenant.
    pub tenant_id: String,
    /// First and last names.
    pub name: String,
    /// Email.
    pub email: String,
}

/// See [`StoreCall::DirGet`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirGet {
    /// The tenants.
    pub tenant_ids: Vec<String>,
}

/// See [`StoreCall::DirForget`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirForget {
    /// The tenant.
    pub tenant_id: String,
}

/// An identity-decision filter of the console: a decision, or none yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DecisionFilter {
    /// This decision.
    Is(Decision),
    /// No decision yet.
    Undecided,
}

/// A page of the console's pipeline, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleQuery {
    /// Only this stage.
    #[serde(default)]
    pub stage: Option<Stage>,
    /// Only this decision.
    #[serde(default)]
    pub decision: Option<DecisionFilter>,
    /// Only rows holding every one of these search tokens (core's
    /// `console::search_tokens` of the words searched).
    #[serde(default)]
    pub search: Vec<String>,
    /// Rows in the page.
    pub limit: u32,
    /// Continue after this row.
    #[serde(default)]
    pub after: Option<Cursor>,
}

/// One row of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleRow {
    /// The row as the agency API lists it.
    pub summary: TenantSummary,
    /// Creation time, unix ms (its directory day).
    pub created_ms: i64,
    /// The applicant (absent for rows written before the console).
    #[serde(default)]
    pub card: Option<Card>,
    /// Where it stands.
    pub stage: Stage,
    /// Refused attempts to open it.
    pub refused: u32,
    /// The same person has another application at the agency.
    pub same_person: bool,
}

/// See [`StoreCall::ConsolePage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleRows {
    /// This page's rows.
    pub rows: Vec<ConsoleRow>,
    /// The cursor of the next page; absent on the last one.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_carry_their_name_and_round_trip() {
        let calls: Vec<StoreCall> = vec![
            Rate { checks: vec![] }.into(),
            KvBind {
                k: "a".into(),
                v: "b".into(),
            }
            .into(),
            KvGet { k: "a".into() }.into(),
            KvUnbind {
                k: "a".into(),
                v: "b".into(),
            }
            .into(),
            DeadRemove {
                event_id: "e".into(),
            }
            .into(),
            DeadList {}.into(),
            IdemAbort {
                key: "k".into(),
                owner: "o".into(),
            }
            .into(),
            Wipe {}.into(),
            IdemErase {
                subject: "t".into(),
            }
            .into(),
            PersonOp::Get.into(),
        ];
        let names = [
            "rate",
            "kvBind",
            "kvGet",
            "kvUnbind",
            "deadRemove",
            "deadList",
            "idemAbort",
            "wipe",
            "idemErase",
            "person",
        ];
        for (call, name) in calls.iter().zip(names) {
            let json = serde_json::to_value(call).unwrap();
            assert_eq!(json["call"], name);
            let back: StoreCall = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(serde_json::to_value(&back).unwrap(), json);
        }
        assert!(serde_json::from_str::<StoreCall>(r#"{"call":"kvPut","k":"a"}"#).is_err());
    }
}

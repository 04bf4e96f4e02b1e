//! One person, one identity decision per agency (DESIGN.md "Rules under abuse and
//! faults"). A person is named by a keyed HMAC, per agency, of the normalised identity
//! document (type and number) and the date of birth: [`person_key`]. The edge keeps a
//! [`PersonRecord`] under that key; its rules decide whether a tenant's inquiry may go
//! upstream at all:
//!
//! * only what protects is carried: a person decided `Deny` or `Review` carries it to a
//!   new tenant (no inquiry, no questionnaire); an `Allow` never is — knowing someone's
//!   document and birth date must not borrow their decision, so a new tenant of an
//!   allowed person gets its own inquiry;
//! * the attempt bound ([`MAX_INQUIRIES`]) counts across all of the person's tenants
//!   (an `Allow` ends the series);
//! * while one tenant's inquiry is open (in flight, or a `Challenge` not yet answered)
//!   no other tenant of the person starts one, for [`OPEN_FOR_MS`] — so cycling tenants
//!   never shows a second questionnaire, and wrong answers are the person's decision;
//! * a tenant held back (another tenant's inquiry open, or the attempts spent) carries
//!   `Review` for the agency to decide, answered to the applicant like any outcome, so
//!   the answer says nothing of the person's other applications ([`CarryReason`]);
//! * the agency's decision update applies to the person (and follows the same rule).

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::identity_decision::MAX_INQUIRIES;
use crate::model::TenantRequest;
use crate::model::identity::Decision;

/// How long one tenant's open inquiry holds the person's other tenants back (an
/// abandoned challenge frees the person after this, as a new attempt).
pub const OPEN_FOR_MS: u64 = 30 * 60 * 1000;

/// Most tenants listed per person (the newest are kept).
pub const MAX_TENANTS: usize = 50;

/// The text a person key is computed over: the applicant's first identity document's
/// type and number (upper case, without spaces, dots or dashes) and date of birth;
/// `None` without a document or a date.
pub fn person_material(req: &TenantRequest) -> Option<String> {
    let a = &req.applicant;
    let doc = a.government_id.first()?;
    let number: String = doc
        .value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let birth = a.date_of_birth.trim();
    if number.is_empty() || birth.is_empty() {
        return None;
    }
    Some(
        [
            doc.kind.trim().to_ascii_uppercase().as_str(),
            &number,
            birth,
        ]
        .join("\u{0}"),
    )
}

/// The person key: HMAC-SHA256 under a key derived from `secret` for `agency_id`, of
/// `material` ([`person_material`]); 32 hex characters. The same person through another
/// agency has another key, and the key does not reveal the document.
pub fn person_key(secret: &[u8], agency_id: &str, material: &str) -> String {
    let mut derive =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    derive.update(b"person-key\0");
    derive.update(agency_id.as_bytes());
    let agency_key = derive.finalize().into_bytes();
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(&agency_key).expect("HMAC takes any key length");
    mac.update(material.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// An inquiry of one of the person's tenants that has not reached a final decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Open {
    /// The tenant.
    pub tenant_id: String,
    /// Unix ms when it started (or was challenged).
    pub since_ms: u64,
}

/// What the edge keeps per person and agency.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonRecord {
    /// The person's decision, once final (`Allow`, `Deny`, `Review`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Inquiries started for the person, on any tenant.
    #[serde(default)]
    pub attempts: u8,
    /// The inquiry in flight or challenged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<Open>,
    /// The person's tenants, oldest first.
    #[serde(default)]
    pub tenants: Vec<String>,
    /// Erased tenants (the newest [`MAX_TENANTS`]): a late operation of one of them
    /// (an inquiry settling while its tenant is erased) changes nothing, so it cannot
    /// bring back the record of a person whose last tenant is gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forgotten: Vec<String>,
}

/// What [`PersonRecord::begin`] allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonBegin {
    /// Send the inquiry upstream.
    Start,
    /// The tenant carries this decision, nothing goes upstream: never `Allow`.
    Carry(Decision, CarryReason),
}

/// Why a tenant carries a decision from its person (the agency's view says which).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CarryReason {
    /// The person was decided `Deny` or `Review` (by an inquiry or the agency).
    Decided,
    /// Another tenant's inquiry of the person is open (a challenge not yet answered).
    InProgress,
    /// The person's attempts are spent.
    AttemptsExhausted,
}

/// Whether a decision protects the agency when carried to another tenant: anything
/// but `Allow` (and a `Challenge`, which is never a person's decision).
pub fn carries(decision: Decision) -> bool {
    matches!(decision, Decision::Deny | Decision::Review)
}

impl PersonRecord {
    /// Lists `tenant_id` among the person's tenants (not an erased one).
    pub fn link(&mut self, tenant_id: &str) {
        if self.is_forgotten(tenant_id) {
            return;
        }
        if !self.tenants.iter().any(|t| t == tenant_id) {
            self.tenants.push(tenant_id.to_owned());
            if self.tenants.len() > MAX_TENANTS {
                self.tenants.remove(0);
            }
        }
    }

    /// May `tenant_id` send an inquiry now? Takes one of the person's attempts when it
    /// may; otherwise the tenant carries `Deny` (the person's) or `Review` (held back:
    /// another tenant's inquiry is open, or the attempts are spent).
    pub fn begin(&mut self, tenant_id: &str, now_ms: u64) -> PersonBegin {
        if self.is_forgotten(tenant_id) {
            // An erased tenant asks nothing of the person (its own object refuses it).
            return PersonBegin::Carry(Decision::Review, CarryReason::Decided);
        }
        self.link(tenant_id);
        if let Some(d) = self.decision.filter(|d| carries(*d)) {
            return PersonBegin::Carry(d, CarryReason::Decided);
        }
        if let Some(open) = &self.open
            && open.tenant_id != tenant_id
            && now_ms.saturating_sub(open.since_ms) < OPEN_FOR_MS
        {
            return PersonBegin::Carry(Decision::Review, CarryReason::InProgress);
        }
        if usize::from(self.attempts) >= MAX_INQUIRIES {
            return PersonBegin::Carry(Decision::Review, CarryReason::AttemptsExhausted);
        }
        self.attempts += 1;
        self.open = Some(Open {
            tenant_id: tenant_id.to_owned(),
            since_ms: now_ms,
        });
        PersonBegin::Start
    }

    /// `tenant_id`'s inquiry (or its answers) came back with `decision` (`None`: the
    /// upstream failed). A `Challenge` keeps it open until answered.
    pub fn settle(&mut self, tenant_id: &str, decision: Option<Decision>, now_ms: u64) {
        if self.is_forgotten(tenant_id) {
            return;
        }
        let ours = self.open.as_ref().is_some_and(|o| o.tenant_id == tenant_id);
        match decision {
            Some(Decision::Challenge) => {
                self.open = Some(Open {
                    tenant_id: tenant_id.to_owned(),
                    since_ms: now_ms,
                });
            }
            Some(d) => {
                self.decided(d);
            }
            None if ours => self.open = None,
            None => {}
        }
    }

    /// `tenant_id` was erased: off the record, remembered as erased. When it was the
    /// person's last tenant, nothing of the person is kept but that list (a tombstone:
    /// no decision, no attempts). Returns whether tenants remain.
    pub fn forget(&mut self, tenant_id: &str) -> bool {
        self.tenants.retain(|t| t != tenant_id);
        if self.open.as_ref().is_some_and(|o| o.tenant_id == tenant_id) {
            self.open = None;
        }
        if !self.is_forgotten(tenant_id) {
            self.forgotten.push(tenant_id.to_owned());
            if self.forgotten.len() > MAX_TENANTS {
                self.forgotten.remove(0);
            }
        }
        if self.tenants.is_empty() {
            self.decision = None;
            self.attempts = 0;
            self.open = None;
        }
        !self.tenants.is_empty()
    }

    fn is_forgotten(&self, tenant_id: &str) -> bool {
        self.forgotten.iter().any(|t| t == tenant_id)
    }

    /// The agency decided: it is the person's decision.
    pub fn agency_decided(&mut self, decision: Decision) {
        if decision != Decision::Challenge {
            self.decided(decision);
        }
    }

    /// A final decision for the person; an `Allow` ends the series of attempts (the
    /// next tenant's own inquiry starts a new one).
    fn decided(&mut self, decision: Decision) {
        self.decision = Some(decision);
        self.open = None;
        if decision == Decision::Allow {
            self.attempts = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::model::{Applicant, GovernmentId};

    fn request(kind: &str, number: &str, birth: &str) -> TenantRequest {
        TenantRequest {
            applicant: Applicant {
                date_of_birth: birth.into(),
                government_id: vec![GovernmentId {
                    kind: kind.into(),
                    value: number.into(),
                    ..GovernmentId::default()
                }],
                ..Applicant::default()
            },
            ..TenantRequest::default()
        }
    }

    #[test]
    fn the_key_names_the_person_not_the_spelling_and_differs_per_agency() {
        let a = person_material(&request("DNI", "12345678-Z", "1990-01-02")).unwrap();
        let b = person_material(&request("dni", " 12345678z ", "1990-01-02")).unwrap();
        assert_eq!(a, b);
        let k = person_key(b"secret", "ag_1", &a);
        assert_eq!(k.len(), 32);
        assert_eq!(k, person_key(b"secret", "ag_1", &b));
        assert_ne!(k, person_key(b"secret", "ag_2", &a));
        assert_ne!(k, person_key(b"other", "ag_1", &a));
        let other_birth = person_material(&request("DNI", "12345678Z", "1990-01-03")).unwrap();
        assert_ne!(k, person_key(b"secret", "ag_1", &other_birth));
        assert!(!k.contains("12345678"));
        assert_eq!(person_material(&request("DNI", "", "1990-01-02")), None);
        assert_eq!(person_material(&request("DNI", "1", "")), None);
        assert_eq!(person_material(&TenantRequest::default()), None);
    }

    #[test]
    fn a_restrictive_decision_is_carried_to_a_new_tenant_and_allow_never_is() {
        let mut p = PersonRecord::default();
        assert_eq!(p.begin("t1", 0), PersonBegin::Start);
        p.settle("t1", Some(Decision::Deny), 1);
        assert_eq!(
            p.begin("t2", 2),
            PersonBegin::Carry(Decision::Deny, CarryReason::Decided)
        );
        assert_eq!(p.attempts, 1, "a carried decision takes no attempt");
        assert_eq!(p.tenants, ["t1", "t2"]);
        // Allowed: the next tenant (maybe someone else holding the document) gets its
        // own inquiry, with a fresh series of attempts.
        let mut q = PersonRecord::default();
        assert_eq!(q.begin("t1", 0), PersonBegin::Start);
        q.settle("t1", Some(Decision::Allow), 1);
        assert_eq!(q.attempts, 0);
        assert_eq!(q.begin("t2", 2), PersonBegin::Start);
        // Its Deny is the person's from then on.
        q.settle("t2", Some(Decision::Deny), 3);
        assert_eq!(
            q.begin("t3", 4),
            PersonBegin::Carry(Decision::Deny, CarryReason::Decided)
        );
        assert!(carries(Decision::Review) && !carries(Decision::Allow));
    }

    #[test]
    fn an_open_challenge_holds_the_other_tenants_back_and_wrong_answers_decide() {
        let mut p = PersonRecord::default();
        assert_eq!(p.begin("t1", 0), PersonBegin::Start);
        p.settle("t1", Some(Decision::Challenge), 10);
        for t in ["t2", "t3", "t4", "t5"] {
            assert_eq!(
                p.begin(t, 20),
                PersonBegin::Carry(Decision::Review, CarryReason::InProgress),
                "{t}"
            );
        }
        p.settle("t1", Some(Decision::Deny), 30);
        assert_eq!(
            p.begin("t6", 40),
            PersonBegin::Carry(Decision::Deny, CarryReason::Decided)
        );
        assert_eq!(p.attempts, 1);
    }

    #[test]
    fn attempts_count_across_tenants_and_an_abandoned_inquiry_frees_the_person_later() {
        let mut p = PersonRecord::default();
        assert_eq!(p.begin("t1", 0), PersonBegin::Start);
        p.settle("t1", None, 1);
        assert_eq!(p.begin("t2", 2), PersonBegin::Start);
        // Abandoned in flight: after OPEN_FOR_MS another tenant may go on.
        assert_eq!(
            p.begin("t3", 3),
            PersonBegin::Carry(Decision::Review, CarryReason::InProgress)
        );
        assert_eq!(p.begin("t3", 2 + OPEN_FOR_MS), PersonBegin::Start);
        p.settle("t3", None, 3 + OPEN_FOR_MS);
        assert_eq!(
            p.begin("t4", 4 + OPEN_FOR_MS),
            PersonBegin::Carry(Decision::Review, CarryReason::AttemptsExhausted)
        );
        // A late failure of another tenant's inquiry does not free the current one.
        let mut q = PersonRecord::default();
        assert_eq!(q.begin("a", 0), PersonBegin::Start);
        q.settle("b", None, 1);
        assert!(q.open.is_some());
    }

    #[test]
    fn the_agencys_decision_is_the_persons() {
        let mut p = PersonRecord::default();
        assert_eq!(p.begin("t1", 0), PersonBegin::Start);
        p.settle("t1", Some(Decision::Review), 1);
        assert_eq!(
            p.begin("t2", 2),
            PersonBegin::Carry(Decision::Review, CarryReason::Decided)
        );
        // The agency's Allow is the person's, but not carried: a new tenant asks.
        p.agency_decided(Decision::Allow);
        assert_eq!(p.begin("t3", 3), PersonBegin::Start);
        p.agency_decided(Decision::Deny);
        assert_eq!(
            p.begin("t4", 4),
            PersonBegin::Carry(Decision::Deny, CarryReason::Decided)
        );
        p.agency_decided(Decision::Challenge);
        assert_eq!(p.decision, Some(Decision::Deny));
        for i in 0..60 {
            p.link(&format!("x{i}"));
        }
        assert_eq!(p.tenants.len(), MAX_TENANTS);
        assert_eq!(p.tenants.last().map(String::as_str), Some("x59"));
    }

    #[test]
    fn an_erased_tenant_cannot_bring_the_person_back() {
        let mut p = PersonRecord::default();
        assert_eq!(p.begin("t1", 0), PersonBegin::Start);
        assert!(!p.forget("t1"), "its last tenant");
        assert_eq!(p.decision, None);
        // The erased tenant's inquiry settles late: nothing comes back.
        p.settle("t1", Some(Decision::Deny), 1);
        p.link("t1");
        assert_eq!(p.decision, None);
        assert!(p.tenants.is_empty());
        assert_eq!(p.attempts, 0);
        assert!(matches!(p.begin("t1", 2), PersonBegin::Carry(..)));
        assert!(p.tenants.is_empty());
        // Another tenant of the person starts afresh.
        assert_eq!(p.begin("t2", 3), PersonBegin::Start);
        assert_eq!(p.tenants, ["t2"]);
    }
}

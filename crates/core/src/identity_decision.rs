//! One identity decision per tenant (DESIGN "Rules under abuse and faults").
//!
//! [`IdentityRecord`] is the pure state machine the tenant's Durable Object keeps: every
//! inquiry the applicant started, its outcome, and the tenant's one decision. The edge
//! asks it before each upstream call ([`IdentityRecord::begin`],
//! [`IdentityRecord::begin_answers`]) and tells it the outcome afterwards
//! ([`IdentityRecord::settle`], [`IdentityRecord::settle_answers`]). The rules:
//!
//! * `Allow`, `Deny` and `Review` are final for the applicant; a new inquiry after any
//!   decision is refused ([`Refusal::AlreadyDecided`]).
//! * A `Challenge` is answered once ([`Refusal::AlreadyAnswered`]). While it is open, a
//!   repeated inquiry returns that same inquiry ([`Begin::Resume`]): that is how a
//!   reload resumes.
//! * Another inquiry is allowed only when the earlier ones never reached a decision
//!   (the upstream failed or timed out), at most [`MAX_INQUIRIES`] in all
//!   ([`Refusal::AttemptsExhausted`]). An inquiry still waiting for upstream holds the
//!   tenant for [`INQUIRY_LEASE_MS`] ([`Refusal::InProgress`]); after that it counts as
//!   failed.
//! * Only the agency's decision update ([`IdentityRecord::agency_decided`]) changes a
//!   decision afterwards; an applicant's later call cannot undo it.
//!
//! Time comes in as a parameter (unix milliseconds).

use serde::{Deserialize, Serialize};

use crate::model::identity::{Decision, PublicInquiry, Questionnaire};
use crate::model::problem::ProblemCode;

/// Most inquiries a tenant may start (only inquiries that never reached a decision
/// make room for another).
pub const MAX_INQUIRIES: usize = 3;

/// How long an inquiry (or a submission of answers) waiting for upstream holds the
/// tenant before it counts as failed. Longer than the upstream timeout (15 s by
/// default) with margin.
pub const INQUIRY_LEASE_MS: u64 = 60_000;

/// Who reached the tenant's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// The inquiry's own answer.
    Inquiry,
    /// The step-up answers.
    Answers,
    /// The agency's decision update.
    Agency,
}

/// Where one inquiry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InquiryState {
    /// Sent upstream, no answer yet.
    Pending,
    /// The upstream failed or timed out: no decision.
    Failed,
    /// The upstream answered with a decision.
    Decided,
}

/// The step-up answers of one inquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Answers {
    /// Not answered.
    #[default]
    None,
    /// Sent upstream at `since_ms`, no reply yet.
    Submitting {
        /// Unix ms.
        #[serde(rename = "sinceMs")]
        since_ms: u64,
    },
    /// Answered; the upstream graded them.
    Answered {
        /// The decision the answers gave.
        decision: Decision,
    },
}

/// One inquiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inquiry {
    /// The id the browser and the agency use.
    pub inquiry_id: String,
    /// Unix ms when it was sent upstream.
    pub started_ms: u64,
    /// Where it stands.
    pub state: InquiryState,
    /// The upstream's decision, once [`InquiryState::Decided`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The step-up questionnaire of a `Challenge` (kept so a reload resumes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<Questionnaire>,
    /// Step-up answers.
    #[serde(default)]
    pub answers: Answers,
}

/// Every inquiry of a tenant and the tenant's decision.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityRecord {
    /// In the order they were started.
    #[serde(default)]
    pub inquiries: Vec<Inquiry>,
    /// The tenant's decision, once reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Who reached it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<DecidedBy>,
}

/// What [`IdentityRecord::begin`] allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// Send this new inquiry upstream, then [`IdentityRecord::settle`] it.
    Start,
    /// An open `Challenge`: answer with this same inquiry (no upstream call).
    Resume(PublicInquiry),
}

/// Why an identity call is refused. Each knows its problem code and HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The tenant has a decision; no new inquiry.
    #[error("the tenant's identity is already decided")]
    AlreadyDecided,
    /// An inquiry or answers are with the upstream right now.
    #[error("an identity inquiry is in progress")]
    InProgress,
    /// [`MAX_INQUIRIES`] inquiries were started and none reached a decision.
    #[error("no identity inquiry attempts left")]
    AttemptsExhausted,
    /// The challenge was answered already.
    #[error("the step-up questionnaire was answered already")]
    AlreadyAnswered,
    /// The inquiry has no open step-up questionnaire.
    #[error("the inquiry has no open step-up questionnaire")]
    NotChallenged,
    /// Not an inquiry of this tenant.
    #[error("unknown inquiry")]
    UnknownInquiry,
}

impl Refusal {
    /// The problem code the edge answers with (all conflicts but the unknown inquiry,
    /// a 404).
    pub fn problem(self) -> ProblemCode {
        match self {
            Self::AlreadyDecided => ProblemCode::IdentityAlreadyDecided,
            Self::InProgress => ProblemCode::IdentityInquiryInProgress,
            Self::AttemptsExhausted => ProblemCode::IdentityAttemptsExhausted,
            Self::AlreadyAnswered => ProblemCode::IdentityAlreadyAnswered,
            Self::NotChallenged => ProblemCode::IdentityNotChallenged,
            Self::UnknownInquiry => ProblemCode::NotFound,
        }
    }
}

impl IdentityRecord {
    fn find_mut(&mut self, inquiry_id: &str) -> Option<&mut Inquiry> {
        self.inquiries
            .iter_mut()
            .find(|i| i.inquiry_id == inquiry_id)
    }

    /// The inquiry with this id.
    pub fn find(&self, inquiry_id: &str) -> Option<&Inquiry> {
        self.inquiries.iter().find(|i| i.inquiry_id == inquiry_id)
    }

    /// Pending inquiries older than the lease count as failed.
    fn expire(&mut self, now_ms: u64) {
        for i in &mut self.inquiries {
            if i.state == InquiryState::Pending
                && now_ms.saturating_sub(i.started_ms) >= INQUIRY_LEASE_MS
            {
                i.state = InquiryState::Failed;
            }
        }
    }

    /// The open challenge, if the tenant's decision is an unanswered `Challenge`.
    fn open_challenge(&self) -> Option<&Inquiry> {
        if self.decision != Some(Decision::Challenge) || self.decided_by == Some(DecidedBy::Agency)
        {
            return None;
        }
        self.inquiries
            .iter()
            .rev()
            .find(|i| i.state == InquiryState::Decided && i.decision == Some(Decision::Challenge))
    }

    /// Asks to start inquiry `inquiry_id` at `now_ms`. On [`Begin::Start`] the inquiry
    /// is recorded as pending.
    ///
    /// # Errors
    /// [`Refusal::AlreadyDecided`], [`Refusal::InProgress`] (another inquiry or the
    /// answers are with the upstream), [`Refusal::AttemptsExhausted`].
    pub fn begin(&mut self, inquiry_id: &str, now_ms: u64) -> Result<Begin, Refusal> {
        self.expire(now_ms);
        if self.decision.is_some() {
            let Some(open) = self.open_challenge() else {
                return Err(Refusal::AlreadyDecided);
            };
            return match open.answers {
                Answers::None => Ok(Begin::Resume(PublicInquiry {
                    inquiry_id: open.inquiry_id.clone(),
                    decision: Decision::Challenge,
                    questionnaire: open.questionnaire.clone(),
                })),
                Answers::Submitting { since_ms }
                    if now_ms.saturating_sub(since_ms) < INQUIRY_LEASE_MS =>
                {
                    Err(Refusal::InProgress)
                }
                Answers::Submitting { .. } => Ok(Begin::Resume(PublicInquiry {
                    inquiry_id: open.inquiry_id.clone(),
                    decision: Decision::Challenge,
                    questionnaire: open.questionnaire.clone(),
                })),
                Answers::Answered { .. } => Err(Refusal::AlreadyDecided),
            };
        }
        if self
            .inquiries
            .iter()
            .any(|i| i.state == InquiryState::Pending)
        {
            return Err(Refusal::InProgress);
        }
        if self.inquiries.len() >= MAX_INQUIRIES {
            return Err(Refusal::AttemptsExhausted);
        }
        self.inquiries.push(Inquiry {
            inquiry_id: inquiry_id.to_owned(),
            started_ms: now_ms,
            state: InquiryState::Pending,
            decision: None,
            questionnaire: None,
            answers: Answers::None,
        });
        Ok(Begin::Start)
    }

    /// Records the upstream's answer to inquiry `inquiry_id` (`None`: it failed or
    /// timed out). `reply.inquiry_id` may differ from the id the edge sent (the
    /// upstream's own id then becomes the inquiry's id).
    ///
    /// Returns what the applicant is told: the tenant's decision, which is this
    /// inquiry's unless a decision was reached meanwhile (an earlier, late inquiry or the
    /// agency); `None` when nothing was decided.
    pub fn settle(
        &mut self,
        inquiry_id: &str,
        reply: Option<PublicInquiry>,
    ) -> Option<PublicInquiry> {
        let undecided = self.decision.is_none();
        let inquiry = self.find_mut(inquiry_id)?;
        let Some(reply) = reply else {
            if inquiry.state == InquiryState::Pending {
                inquiry.state = InquiryState::Failed;
            }
            return None;
        };
        if !reply.inquiry_id.is_empty() {
            inquiry.inquiry_id.clone_from(&reply.inquiry_id);
        }
        inquiry.state = InquiryState::Decided;
        inquiry.decision = Some(reply.decision);
        inquiry.questionnaire = reply.questionnaire.clone();
        let id = inquiry.inquiry_id.clone();
        if undecided {
            self.decision = Some(reply.decision);
            self.decided_by = Some(DecidedBy::Inquiry);
            return Some(PublicInquiry {
                inquiry_id: id,
                ..reply
            });
        }
        // Decided meanwhile: the applicant sees that decision; a challenge is only
        // offered if it is still this inquiry's open one.
        let decision = self.decision?;
        let questionnaire = self
            .open_challenge()
            .filter(|open| open.inquiry_id == id)
            .and_then(|open| open.questionnaire.clone());
        Some(PublicInquiry {
            inquiry_id: id,
            decision,
            questionnaire,
        })
    }

    /// Asks to send answers for inquiry `inquiry_id` at `now_ms`; on success the
    /// answers are recorded as submitting.
    ///
    /// # Errors
    /// [`Refusal::UnknownInquiry`], [`Refusal::AlreadyDecided`] (the agency decided),
    /// [`Refusal::NotChallenged`], [`Refusal::AlreadyAnswered`],
    /// [`Refusal::InProgress`] (the same answers are with the upstream).
    pub fn begin_answers(&mut self, inquiry_id: &str, now_ms: u64) -> Result<(), Refusal> {
        let agency = self.decided_by == Some(DecidedBy::Agency);
        let inquiry = self.find_mut(inquiry_id).ok_or(Refusal::UnknownInquiry)?;
        match inquiry.answers {
            Answers::Answered { .. } => return Err(Refusal::AlreadyAnswered),
            Answers::Submitting { since_ms }
                if now_ms.saturating_sub(since_ms) < INQUIRY_LEASE_MS =>
            {
                return Err(Refusal::InProgress);
            }
            _ => {}
        }
        if agency {
            return Err(Refusal::AlreadyDecided);
        }
        if inquiry.state != InquiryState::Decided || inquiry.decision != Some(Decision::Challenge) {
            return Err(Refusal::NotChallenged);
        }
        inquiry.answers = Answers::Submitting { since_ms: now_ms };
        Ok(())
    }

    /// Records the upstream's grading of the answers (`None`: it failed, and the
    /// applicant may send them again). Returns the tenant's decision afterwards.
    pub fn settle_answers(
        &mut self,
        inquiry_id: &str,
        graded: Option<Decision>,
    ) -> Option<Decision> {
        let agency = self.decided_by == Some(DecidedBy::Agency);
        let inquiry = self.find_mut(inquiry_id)?;
        match graded {
            None => {
                if matches!(inquiry.answers, Answers::Submitting { .. }) {
                    inquiry.answers = Answers::None;
                }
            }
            Some(decision) => {
                inquiry.answers = Answers::Answered { decision };
                if !agency {
                    self.decision = Some(decision);
                    self.decided_by = Some(DecidedBy::Answers);
                }
            }
        }
        self.decision
    }

    /// The agency's decision update for inquiry `inquiry_id`: it becomes the tenant's
    /// decision, whatever came before, and no applicant call changes it afterwards.
    pub fn agency_decided(&mut self, inquiry_id: &str, decision: Decision) {
        if let Some(i) = self.find_mut(inquiry_id)
            && i.state == InquiryState::Pending
        {
            i.state = InquiryState::Decided;
            i.decision = Some(decision);
        }
        self.decision = Some(decision);
        self.decided_by = Some(DecidedBy::Agency);
    }
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn reply(id: &str, decision: Decision) -> Option<PublicInquiry> {
        Some(PublicInquiry {
            inquiry_id: id.into(),
            decision,
            questionnaire: (decision == Decision::Challenge).then(|| Questionnaire {
                questionnaire_id: "q1".into(),
                ..Questionnaire::default()
            }),
        })
    }

    #[test]
    fn final_decisions_refuse_a_new_inquiry() {
        for d in [Decision::Allow, Decision::Deny, Decision::Review] {
            let mut r = IdentityRecord::default();
            assert_eq!(r.begin("a", 0), Ok(Begin::Start));
            assert_eq!(r.settle("a", reply("a", d)).unwrap().decision, d);
            assert_eq!(r.begin("b", 1), Err(Refusal::AlreadyDecided));
            assert_eq!(r.inquiries.len(), 1);
        }
    }

    #[test]
    fn an_open_challenge_resumes_and_is_answered_once() {
        let mut r = IdentityRecord::default();
        assert_eq!(r.begin("a", 0), Ok(Begin::Start));
        r.settle("a", reply("a", Decision::Challenge));
        let Ok(Begin::Resume(p)) = r.begin("b", 10) else {
            panic!("resume")
        };
        assert_eq!(p.inquiry_id, "a");
        assert_eq!(p.questionnaire.unwrap().questionnaire_id, "q1");
        assert_eq!(r.inquiries.len(), 1);
        assert_eq!(r.begin_answers("a", 20), Ok(()));
        assert_eq!(r.begin_answers("a", 21), Err(Refusal::InProgress));
        assert_eq!(r.begin("c", 22), Err(Refusal::InProgress));
        assert_eq!(
            r.settle_answers("a", Some(Decision::Deny)),
            Some(Decision::Deny)
        );
        assert_eq!(r.begin_answers("a", 30), Err(Refusal::AlreadyAnswered));
        assert_eq!(r.begin("d", 31), Err(Refusal::AlreadyDecided));
        assert_eq!(r.begin_answers("zzz", 31), Err(Refusal::UnknownInquiry));
    }

    #[test]
    fn failed_answers_may_be_sent_again() {
        let mut r = IdentityRecord::default();
        r.begin("a", 0).unwrap();
        r.settle("a", reply("a", Decision::Challenge));
        r.begin_answers("a", 1).unwrap();
        assert_eq!(r.settle_answers("a", None), Some(Decision::Challenge));
        assert_eq!(r.begin_answers("a", 2), Ok(()));
    }

    #[test]
    fn only_undecided_inquiries_make_room_for_another_up_to_three() {
        let mut r = IdentityRecord::default();
        assert_eq!(r.begin("a", 0), Ok(Begin::Start));
        assert_eq!(r.begin("b", 1), Err(Refusal::InProgress));
        assert_eq!(r.settle("a", None), None);
        assert_eq!(r.begin("b", 2), Ok(Begin::Start));
        // A pending inquiry past its lease counts as failed.
        assert_eq!(r.begin("c", 2 + INQUIRY_LEASE_MS), Ok(Begin::Start));
        r.settle("c", None);
        assert_eq!(
            r.begin("d", 3 + INQUIRY_LEASE_MS),
            Err(Refusal::AttemptsExhausted)
        );
        assert_eq!(r.inquiries[1].state, InquiryState::Failed);
    }

    #[test]
    fn the_agency_decides_last_and_the_applicant_cannot_undo_it() {
        let mut r = IdentityRecord::default();
        r.begin("a", 0).unwrap();
        r.settle("a", reply("a", Decision::Challenge));
        r.agency_decided("a", Decision::Deny);
        assert_eq!(r.begin("b", 1), Err(Refusal::AlreadyDecided));
        assert_eq!(r.begin_answers("a", 1), Err(Refusal::AlreadyDecided));
        assert_eq!(r.decision, Some(Decision::Deny));
        r.agency_decided("a", Decision::Allow);
        assert_eq!(r.decision, Some(Decision::Allow));
        assert_eq!(r.decided_by, Some(DecidedBy::Agency));
    }

    #[test]
    fn a_late_first_inquiry_does_not_change_a_reached_decision() {
        let mut r = IdentityRecord::default();
        r.begin("a", 0).unwrap();
        r.begin("b", INQUIRY_LEASE_MS).unwrap();
        assert_eq!(
            r.settle("b", reply("b", Decision::Deny)).unwrap().decision,
            Decision::Deny
        );
        let late = r.settle("a", reply("a", Decision::Allow)).unwrap();
        assert_eq!(late.decision, Decision::Deny);
        assert_eq!(r.decision, Some(Decision::Deny));
    }

    #[test]
    fn the_upstream_id_replaces_the_edge_id() {
        let mut r = IdentityRecord::default();
        r.begin("edge", 0).unwrap();
        let p = r.settle("edge", reply("up", Decision::Allow)).unwrap();
        assert_eq!(p.inquiry_id, "up");
        assert!(r.find("up").is_some() && r.find("edge").is_none());
    }

    #[test]
    fn refusals_have_problem_codes() {
        assert_eq!(
            Refusal::AlreadyDecided.problem().as_str(),
            "identity_already_decided"
        );
        assert_eq!(Refusal::AlreadyDecided.problem().status(), 409);
        assert_eq!(Refusal::UnknownInquiry.problem().status(), 404);
    }
}

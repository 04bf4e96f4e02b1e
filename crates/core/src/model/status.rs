//! The aggregated per-tenant status shown to the browser (`GET …/status`, SSE), and the
//! pure fold of webhook events into it.
//!
//! States per step (one [`StepState`] enum, each step uses a subset):
//!
//! | step | states |
//! |---|---|
//! | `details` | `not_started`, `done` |
//! | `documents.state` | `not_started` (no files), `processing` (some under analysis), `done` (none under analysis, ≥ 1 accepted), `failed` (all rejected) |
//! | `documents.items[].state` | `processing`, `accepted`, `rejected` |
//! | `clave`, `bank` | `not_started`, `pending` (hosted page opened), `done`, `failed` |
//! | `kyc` | `not_started`, `pending`, `verified`, `rejected` |
//! | `identity` | `not_started`, `pending`, `allow`, `challenge`, `deny`, `review` |
//! | `forensic` | `waiting_for_documents`, `waiting_for_kyc`, `processing`, `done`, `failed` |
//!
//! Order independence: results are never downgraded by a later "started" mark (a started
//! mark only replaces `not_started` or a failure), a document analysis for an unknown
//! document adds it, and the forensic result sticks even when it arrives before the KYC
//! result. Applying the same event twice is harmless. A document's kind is the one its
//! upload declared ([`Status::document_uploaded`]), whichever arrives first.

use serde::{Deserialize, Serialize};

use super::identity::Decision;
use super::webhook::{Completion, DocumentOutcome, Event, EventData, KycOutcome};
use crate::document::DocumentKind;

/// A step's state (serialized snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Nothing happened yet.
    NotStarted,
    /// Started by the applicant, waiting for them or for upstream.
    Pending,
    /// Upstream is working on it.
    Processing,
    /// Finished successfully.
    Done,
    /// Finished unsuccessfully.
    Failed,
    /// KYC: identity verified.
    Verified,
    /// KYC or a document: refused.
    Rejected,
    /// A document: accepted.
    Accepted,
    /// Identity decision `Allow`.
    Allow,
    /// Identity decision `Challenge`.
    Challenge,
    /// Identity decision `Deny`.
    Deny,
    /// Identity decision `Review`.
    Review,
    /// Forensic: needs at least one document.
    WaitingForDocuments,
    /// Forensic: needs verified KYC.
    WaitingForKyc,
}

impl StepState {
    /// A result that a "started" mark must not overwrite.
    fn is_settled_success(self) -> bool {
        matches!(
            self,
            Self::Done | Self::Verified | Self::Accepted | Self::Allow | Self::Processing
        )
    }
}

impl From<Decision> for StepState {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Allow => Self::Allow,
            Decision::Challenge => Self::Challenge,
            Decision::Deny => Self::Deny,
            Decision::Review => Self::Review,
        }
    }
}

/// The status object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Tenant id.
    pub tenant_id: String,
    /// Per-step states.
    pub steps: Steps,
    /// All mandatory steps done (see [`Status::is_complete`]).
    pub complete: bool,
    /// RFC 3339 time of the last change (as passed in).
    pub updated_at: String,
}

/// Per-step states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Steps {
    /// Applicant details submitted.
    pub details: StepState,
    /// Documents.
    pub documents: Documents,
    /// Cl@ve retrieval.
    pub clave: StepState,
    /// KYC.
    pub kyc: StepState,
    /// Bank connection (optional).
    pub bank: StepState,
    /// Identity decision.
    pub identity: StepState,
    /// Forensic analysis.
    pub forensic: StepState,
}

/// Documents step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Documents {
    /// Aggregate state.
    pub state: StepState,
    /// One entry per document, in arrival order.
    pub items: Vec<DocumentItem>,
}

/// One document's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentItem {
    /// Document id.
    pub document_id: String,
    /// Kind.
    pub kind: DocumentKind,
    /// `processing`, `accepted` or `rejected`.
    pub state: StepState,
}

/// Steps whose start is recorded by the edge when the applicant opens them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Startable {
    /// Cl@ve.
    Clave,
    /// KYC.
    Kyc,
    /// Bank connection.
    Bank,
    /// Identity inquiry.
    Identity,
    /// Forensic analysis (manual trigger).
    Forensic,
}

impl Status {
    /// A fresh status for a tenant that has just been created (`details` is `done`).
    pub fn new(tenant_id: impl Into<String>, at: &str) -> Self {
        let mut s = Status {
            tenant_id: tenant_id.into(),
            steps: Steps {
                details: StepState::Done,
                documents: Documents {
                    state: StepState::NotStarted,
                    items: Vec::new(),
                },
                clave: StepState::NotStarted,
                kyc: StepState::NotStarted,
                bank: StepState::NotStarted,
                identity: StepState::NotStarted,
                forensic: StepState::WaitingForDocuments,
            },
            complete: false,
            updated_at: at.to_owned(),
        };
        s.recompute();
        s
    }

    /// Folds a webhook event in. `at` becomes `updatedAt`.
    pub fn apply(&mut self, event: &Event, at: &str) {
        match &event.data {
            EventData::DocumentAnalysis(d) => {
                let state = match d.status {
                    DocumentOutcome::Accepted => StepState::Accepted,
                    DocumentOutcome::Rejected => StepState::Rejected,
                };
                // The kind the upload declared wins; the event's kind only names a
                // document the edge has not recorded yet.
                self.item_mut(&d.document_id, d.kind.unwrap_or(DocumentKind::Other))
                    .state = state;
            }
            EventData::Clave(c) => {
                self.steps.clave = match c.status {
                    Completion::Completed => StepState::Done,
                    Completion::Failed => StepState::Failed,
                };
                for id in &c.document_ids {
                    self.item_mut(id, DocumentKind::Other);
                }
            }
            EventData::Kyc(k) => {
                self.steps.kyc = match k.status {
                    KycOutcome::Verified => StepState::Verified,
                    KycOutcome::Rejected => StepState::Rejected,
                };
            }
            EventData::Forensic(f) => {
                self.steps.forensic = match f.status {
                    Completion::Completed => StepState::Done,
                    Completion::Failed => StepState::Failed,
                };
            }
            EventData::Financial(f) => {
                self.steps.bank = match f.status {
                    Completion::Completed => StepState::Done,
                    Completion::Failed => StepState::Failed,
                };
            }
        }
        self.touch(at);
    }

    /// Records an upload the edge accepted. Keeps an analysis result that already
    /// arrived for the same id (the webhook can beat the upload's reply).
    pub fn document_uploaded(&mut self, document_id: &str, kind: DocumentKind, at: &str) {
        self.item_mut(document_id, kind).kind = kind;
        self.touch(at);
    }

    /// Records that the applicant started a step. Never overwrites a success (a result
    /// that arrived first); replaces `not_started` and failures (a retry).
    pub fn started(&mut self, step: Startable, at: &str) {
        let (slot, state) = match step {
            Startable::Clave => (&mut self.steps.clave, StepState::Pending),
            Startable::Kyc => (&mut self.steps.kyc, StepState::Pending),
            Startable::Bank => (&mut self.steps.bank, StepState::Pending),
            Startable::Identity => (&mut self.steps.identity, StepState::Pending),
            Startable::Forensic => (&mut self.steps.forensic, StepState::Processing),
        };
        if !slot.is_settled_success() || step == Startable::Forensic {
            *slot = state;
        }
        self.touch(at);
    }

    /// Records an identity decision (inquiry reply, answers reply or agency update).
    /// The latest decision wins.
    pub fn identity_decided(&mut self, decision: Decision, at: &str) {
        self.steps.identity = decision.into();
        self.touch(at);
    }

    /// Whether every mandatory step is done: details done, at least one document
    /// accepted, KYC verified, identity `Allow` and forensic analysis done. The bank
    /// connection and Cl@ve are optional.
    pub fn is_complete(&self) -> bool {
        let s = &self.steps;
        s.details == StepState::Done
            && s.documents
                .items
                .iter()
                .any(|i| i.state == StepState::Accepted)
            && s.kyc == StepState::Verified
            && s.identity == StepState::Allow
            && s.forensic == StepState::Done
    }

    fn item_mut(&mut self, document_id: &str, kind: DocumentKind) -> &mut DocumentItem {
        let items = &mut self.steps.documents.items;
        let pos = match items.iter().position(|i| i.document_id == document_id) {
            Some(pos) => pos,
            None => {
                items.push(DocumentItem {
                    document_id: document_id.to_owned(),
                    kind,
                    state: StepState::Processing,
                });
                items.len() - 1
            }
        };
        &mut items[pos]
    }

    fn touch(&mut self, at: &str) {
        at.clone_into(&mut self.updated_at);
        self.recompute();
    }

    fn recompute(&mut self) {
        let items = &self.steps.documents.items;
        let any = |st: StepState| items.iter().any(|i| i.state == st);
        self.steps.documents.state = if items.is_empty() {
            StepState::NotStarted
        } else if any(StepState::Processing) {
            StepState::Processing
        } else if any(StepState::Accepted) {
            StepState::Done
        } else {
            StepState::Failed
        };
        let has_document = items.iter().any(|i| i.state != StepState::Rejected);
        if !matches!(
            self.steps.forensic,
            StepState::Done | StepState::Failed | StepState::Processing
        ) || (self.steps.forensic == StepState::Processing && !has_document)
        {
            self.steps.forensic = if !has_document {
                StepState::WaitingForDocuments
            } else if self.steps.kyc != StepState::Verified {
                StepState::WaitingForKyc
            } else {
                StepState::Processing
            };
        }
        self.complete = self.is_complete();
    }
}

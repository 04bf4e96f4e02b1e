//! Upstream webhook envelopes: `{"id","type","createdAt","tenantId","data"}`.
//!
//! The `data` shape depends on `type`; [`EventData`] models both together, so an
//! [`Event`] is always internally consistent once deserialized.

use serde::{Deserialize, Serialize};

use crate::document::DocumentKind;

/// Webhook event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum EventType {
    /// A document's analysis finished.
    #[serde(rename = "document.analysis.completed")]
    DocumentAnalysisCompleted,
    /// A Cl@ve retrieval finished.
    #[serde(rename = "clave.completed")]
    ClaveCompleted,
    /// KYC finished.
    #[serde(rename = "kyc.completed")]
    KycCompleted,
    /// Forensic analysis finished.
    #[serde(rename = "forensic.analysis.completed")]
    ForensicAnalysisCompleted,
    /// Financial analysis (bank connectivity) finished.
    #[serde(rename = "financial.analysis.completed")]
    FinancialAnalysisCompleted,
}

impl EventType {
    /// Every event type.
    pub const ALL: [EventType; 5] = [
        Self::DocumentAnalysisCompleted,
        Self::ClaveCompleted,
        Self::KycCompleted,
        Self::ForensicAnalysisCompleted,
        Self::FinancialAnalysisCompleted,
    ];

    /// The wire name (`kyc.completed`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DocumentAnalysisCompleted => "document.analysis.completed",
            Self::ClaveCompleted => "clave.completed",
            Self::KycCompleted => "kyc.completed",
            Self::ForensicAnalysisCompleted => "forensic.analysis.completed",
            Self::FinancialAnalysisCompleted => "financial.analysis.completed",
        }
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventType {
    type Err = super::UnknownValue;

    fn from_str(s: &str) -> Result<Self, super::UnknownValue> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(super::UnknownValue)
    }
}

/// A webhook event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Event id, stable across delivery retries.
    pub id: String,
    /// RFC 3339.
    #[serde(default)]
    pub created_at: String,
    /// The tenant it concerns.
    pub tenant_id: String,
    /// The upstream's per-tenant sequence number, when it sends one (orders events
    /// created in the same millisecond; see [`crate::event_order`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
    /// `type` and `data` together.
    #[serde(flatten)]
    pub data: EventData,
}

impl Event {
    /// The event's type.
    pub fn event_type(&self) -> EventType {
        self.data.event_type()
    }
}

/// The `type` and `data` of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", content = "data")]
pub enum EventData {
    /// `document.analysis.completed`.
    #[serde(rename = "document.analysis.completed")]
    DocumentAnalysis(DocumentAnalysis),
    /// `clave.completed`.
    #[serde(rename = "clave.completed")]
    Clave(ClaveResult),
    /// `kyc.completed`.
    #[serde(rename = "kyc.completed")]
    Kyc(KycResult),
    /// `forensic.analysis.completed`.
    #[serde(rename = "forensic.analysis.completed")]
    Forensic(ForensicResult),
    /// `financial.analysis.completed`.
    #[serde(rename = "financial.analysis.completed")]
    Financial(FinancialResult),
}

impl EventData {
    /// The matching [`EventType`].
    pub fn event_type(&self) -> EventType {
        match self {
            Self::DocumentAnalysis(_) => EventType::DocumentAnalysisCompleted,
            Self::Clave(_) => EventType::ClaveCompleted,
            Self::Kyc(_) => EventType::KycCompleted,
            Self::Forensic(_) => EventType::ForensicAnalysisCompleted,
            Self::Financial(_) => EventType::FinancialAnalysisCompleted,
        }
    }
}

/// Outcome of a document analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentOutcome {
    /// The document is usable.
    Accepted,
    /// The document was refused (unreadable, wrong kind, …).
    Rejected,
}

/// `document.analysis.completed` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentAnalysis {
    /// Document id.
    pub document_id: String,
    /// Document kind, when upstream repeats it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DocumentKind>,
    /// Outcome.
    pub status: DocumentOutcome,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Outcome of a process that either completes or fails (Cl@ve, forensic, financial).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Completion {
    /// Finished with a result.
    Completed,
    /// Finished without a result.
    Failed,
}

/// `clave.completed` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClaveResult {
    /// Outcome.
    pub status: Completion,
    /// Documents fetched from Cl@ve (each is analysed and gets its own
    /// `document.analysis.completed`).
    #[serde(default)]
    pub document_ids: Vec<String>,
}

/// Outcome of KYC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum KycOutcome {
    /// Identity verified.
    Verified,
    /// Identity not verified.
    Rejected,
}

/// `kyc.completed` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct KycResult {
    /// Outcome.
    pub status: KycOutcome,
}

/// `forensic.analysis.completed` data (agency only; the browser sees just the state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ForensicResult {
    /// Outcome.
    pub status: Completion,
    /// Inconsistencies found.
    #[serde(default)]
    pub inconsistencies: Vec<String>,
    /// Fraud indicators found.
    #[serde(default)]
    pub fraud_indicators: Vec<String>,
    /// `low`, `medium` or `high`.
    #[serde(default)]
    pub risk: String,
}

/// `financial.analysis.completed` data (agency only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct FinancialResult {
    /// Outcome.
    pub status: Completion,
    /// Score, when completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    /// Band, when completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
}

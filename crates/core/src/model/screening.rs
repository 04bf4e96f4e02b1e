//! Tenant-screening API bodies (seed `000`; the paths are this project's model of the
//! guide, see DESIGN.md "Upstream contract").

use serde::{Deserialize, Serialize};

use super::webhook::EventType;
use super::{Income, TenantRequest};
use crate::de;
use crate::document::DocumentKind;

/// `POST /v1/tenants` upstream body: the tenant details. The identification number and
/// postcode drive the credit-bureau defaulter check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct CreateTenant {
    /// Given name.
    pub first_name: String,
    /// First surname.
    pub last_name: String,
    /// Second surname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub second_last_name: Option<String>,
    /// Email.
    pub email: String,
    /// Phone, E.164.
    pub phone: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// DNI, NIE or passport number.
    pub identification_number: String,
    /// `DNI`, `NIE` or `PASSPORT`.
    pub identification_type: String,
    /// Postcode of the current address.
    pub postcode: String,
    /// ISO 3166-1 alpha-2 of the current address.
    pub country: String,
    /// Current address, one line (`line1, line2, city`).
    pub address: String,
    /// Current employment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment: Option<EmploymentSummary>,
    /// Declared income.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub income: Option<Income>,
    /// The widget's device session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_session_id: Option<String>,
    /// The edge's reference for this tenant (e.g. an idempotency key or agency id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
}

impl CreateTenant {
    /// The upstream tenant details for a (normalised, validated) request's applicant.
    pub fn from_request(req: &TenantRequest, external_reference: Option<&str>) -> Self {
        let a = &req.applicant;
        let id = a.government_id.first();
        let addr = a.addresses.first();
        let address = addr
            .map(|ad| {
                let mut parts: Vec<&str> = vec![ad.line1.as_str()];
                if let Some(l2) = ad.line2.as_deref().filter(|s| !s.is_empty()) {
                    parts.push(l2);
                }
                if !ad.city.is_empty() {
                    parts.push(&ad.city);
                }
                parts.join(", ")
            })
            .unwrap_or_default();
        CreateTenant {
            first_name: a.name.first.clone(),
            last_name: a.name.last.clone(),
            second_last_name: a.name.second_last.clone(),
            email: a.email.clone(),
            phone: a.phone_number.clone(),
            date_of_birth: a.date_of_birth.clone(),
            identification_number: id.map(|g| g.value.clone()).unwrap_or_default(),
            identification_type: id.map(|g| g.kind.clone()).unwrap_or_default(),
            postcode: addr.map(|ad| ad.postal_code.clone()).unwrap_or_default(),
            country: addr.map(|ad| ad.country_code.clone()).unwrap_or_default(),
            address,
            employment: a.employment.first().map(|e| EmploymentSummary {
                employer_name: e.employer.name.clone(),
                job_title: e.employee_title.clone(),
                contract_type: e.contract_type.clone(),
                start_date: e.start_date.clone(),
                current: e.current_employee.as_deref().map(|c| c == "true"),
            }),
            income: a.income.clone(),
            device_session_id: req.device_session_id.clone(),
            external_reference: external_reference.map(str::to_owned),
        }
    }
}

/// Current employment, summarised for the screening API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct EmploymentSummary {
    /// Employer name.
    pub employer_name: String,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// Contract type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_type: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Still employed there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<bool>,
}

/// An upstream tenant (`POST /v1/tenants` reply, `GET /v1/tenants/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// Tenant id.
    #[serde(default)]
    pub id: String,
    /// The details it was created with.
    #[serde(flatten)]
    pub details: CreateTenant,
    /// Credit-bureau check result (run at creation from the identification number
    /// and postcode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_check: Option<CreditCheck>,
    /// RFC 3339.
    #[serde(default)]
    pub created_at: String,
}

/// Credit-bureau check result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct CreditCheck {
    /// Listed as a defaulter.
    #[serde(deserialize_with = "de::bool")]
    pub defaulter: bool,
    /// `low`, `medium` or `high`.
    pub risk: String,
}

/// A stored document (`POST /v1/tenants/{id}/documents` reply and list items).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// Document id.
    #[serde(default)]
    pub id: String,
    /// Tenant id.
    #[serde(default)]
    pub tenant_id: String,
    /// What it is.
    pub kind: DocumentKind,
    /// MIME type (`application/pdf`, `image/jpeg`, `image/png`).
    #[serde(default)]
    pub content_type: String,
    /// Size in bytes.
    #[serde(default)]
    pub size_bytes: u64,
    /// Lowercase hex SHA-256 of the content.
    #[serde(default)]
    pub sha256: String,
    /// `processing`, `accepted` or `rejected`.
    #[serde(default)]
    pub status: String,
    /// `upload` or `clave`.
    #[serde(default)]
    pub source: String,
    /// RFC 3339.
    #[serde(default)]
    pub created_at: String,
}

/// A hosted page started for the tenant (Cl@ve, KYC, bank connection).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct HostedSession {
    /// Session id.
    pub id: String,
    /// Where to send the applicant's browser.
    pub url: String,
}

/// `PUT /v1/webhooks` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct WebhookConfig {
    /// Delivery URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<EventType>,
}

/// Forensic analysis result (agency only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ForensicAnalysis {
    /// `processing`, `completed`, `failed` or `waiting`.
    pub status: String,
    /// Inconsistencies found.
    pub inconsistencies: Vec<String>,
    /// Fraud indicators found.
    pub fraud_indicators: Vec<String>,
    /// `low`, `medium` or `high`.
    pub risk: String,
}

/// Financial score from bank connectivity (agency only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct FinancialScore {
    /// Score.
    pub score: u32,
    /// Band (`A`…`E`).
    pub band: String,
}

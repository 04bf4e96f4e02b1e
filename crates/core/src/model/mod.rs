//! Wire types (serde, camelCase).
//!
//! * this module — the public `POST /v1/tenants` body: [`TenantRequest`] and the
//!   applicant schema of the identity-decision API ([`Applicant`]).
//! * [`identity`] — the identity-decision API (inquiry, decision update, step-up answers).
//! * [`screening`] — the tenant-screening API bodies (tenants, documents, hosted pages).
//! * [`webhook`] — upstream webhook envelopes and event types.
//! * [`status`] — the aggregated per-tenant status object and its event fold.
//! * [`problem`] — `application/problem+json` bodies and the one table of problem codes.
//! * [`api`] — the other bodies of the edge's own API (sessions, documents, hosted
//!   pages, identity replies, the agency API).
//!
//! Strings stay strings as in the upstream seed (`"currentEmployee": "true"`, amounts as
//! `"2500"`). Fields a user may leave out are defaulted, and `null`, numbers and booleans
//! are accepted where a string belongs, so that an incomplete body still deserializes and
//! [`crate::validate::validate_tenant_request`] reports every missing field at once.
//! Unknown fields are ignored.

pub mod api;
pub mod identity;
pub mod problem;
pub mod screening;
pub mod status;
pub mod value;
pub mod webhook;

use serde::{Deserialize, Serialize};

use crate::de;

/// Body of `POST /v1/tenants`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TenantRequest {
    /// The main applicant.
    #[serde(default, deserialize_with = "de::null_default")]
    pub applicant: Applicant,
    /// An optional co-applicant or guarantor, validated like the applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_applicant: Option<Applicant>,
    /// What is being applied for (the property, the rent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Product>,
    /// The widget's device session id (32 lowercase hex).
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_session_id: Option<String>,
    /// The agency's own id for this applicant (its CRM record): 1–64 visible ASCII
    /// characters. Kept with the tenant, never sent upstream; in the agency's view,
    /// its list and every relayed event.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_reference: Option<String>,
    /// The applicant's consent; both flags must be true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
}

/// A person, in the identity-decision API's applicant schema (seed `004`), with Spanish
/// identity documents (`DNI`, `NIE`, `PASSPORT`) as `governmentId` types.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Applicant {
    /// Name parts.
    #[serde(default, deserialize_with = "de::null_default")]
    pub name: Name,
    /// Email address.
    #[serde(default, deserialize_with = "de::string")]
    pub email: String,
    /// Phone number, E.164 after normalisation (`+34612345678`).
    #[serde(default, deserialize_with = "de::string")]
    pub phone_number: String,
    /// `YYYY-MM-DD`.
    #[serde(default, deserialize_with = "de::string")]
    pub date_of_birth: String,
    /// At least one address; the first is the current one.
    #[serde(default, deserialize_with = "de::null_default")]
    pub addresses: Vec<Address>,
    /// At least one identity document.
    #[serde(default, deserialize_with = "de::null_default")]
    pub government_id: Vec<GovernmentId>,
    /// Jobs, current first.
    #[serde(default, deserialize_with = "de::null_default")]
    pub employment: Vec<Employment>,
    /// Declared income.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income: Option<Income>,
}

/// Name parts (`secondLast` is the Spanish second surname).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Name {
    /// Given name. Required.
    #[serde(default, deserialize_with = "de::string")]
    pub first: String,
    /// Middle name.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub middle: Option<String>,
    /// First surname. Required.
    #[serde(default, deserialize_with = "de::string")]
    pub last: String,
    /// Second surname.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub second_last: Option<String>,
    /// Suffix or title (`Mr.`, `Jr.`).
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub suffix: Option<String>,
    /// Preferred name.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Upstream address type (`ADDR_TYPE_UNSPECIFIED`, …); free text here.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// Upstream recency (`RECENCY_UNSPECIFIED`, …); free text here.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub recency: Option<String>,
    /// Street and number. Required.
    #[serde(default, deserialize_with = "de::string")]
    pub line1: String,
    /// Floor, door, etc.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub line2: Option<String>,
    /// City. Required.
    #[serde(default, deserialize_with = "de::string")]
    pub city: String,
    /// Province or region.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2. Required.
    #[serde(default, deserialize_with = "de::string")]
    pub country_code: String,
    /// Postcode; Spanish ones are 01000–52999. Required.
    #[serde(default, deserialize_with = "de::string")]
    pub postal_code: String,
}

/// An identity document. The wire key of [`GovernmentId::kind`] is `"type"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GovernmentId {
    /// `DNI`, `NIE` or `PASSPORT` (see [`GovernmentIdType`]).
    #[serde(rename = "type", default, deserialize_with = "de::string")]
    pub kind: String,
    /// The document number.
    #[serde(default, deserialize_with = "de::string")]
    pub value: String,
    /// Issuing country, ISO 3166-1 alpha-2.
    #[serde(default, deserialize_with = "de::string")]
    pub country_code: String,
    /// Issuing state or region.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub issued_date: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_date: Option<String>,
}

impl GovernmentId {
    /// The parsed document type, if it is one of the accepted ones.
    pub fn id_type(&self) -> Option<GovernmentIdType> {
        self.kind.parse().ok()
    }
}

/// Accepted identity document types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum GovernmentIdType {
    /// Spanish national identity document: 8 digits and a control letter.
    Dni,
    /// Spanish foreigner identity number: X/Y/Z, 7 digits and a control letter.
    Nie,
    /// A passport: 6–9 letters or digits.
    Passport,
}

impl GovernmentIdType {
    /// Every accepted type.
    pub const ALL: [GovernmentIdType; 3] = [Self::Dni, Self::Nie, Self::Passport];

    /// The wire name (`DNI`, `NIE`, `PASSPORT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dni => "DNI",
            Self::Nie => "NIE",
            Self::Passport => "PASSPORT",
        }
    }
}

impl std::fmt::Display for GovernmentIdType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error of parsing a name into one of this crate's closed sets of values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not one of the accepted values")]
pub struct UnknownValue;

impl std::str::FromStr for GovernmentIdType {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(UnknownValue)
    }
}

/// A job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Employment {
    /// The employer.
    #[serde(default, deserialize_with = "de::null_default")]
    pub employer: Employer,
    /// Job title.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub employee_title: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, not before the start date.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<String>,
    /// `"true"` or `"false"` (a string, as upstream).
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub current_employee: Option<String>,
    /// `PERMANENT`, `TEMPORARY`, `SELF_EMPLOYED` or `CONTRACT_TYPE_UNSPECIFIED`.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub contract_type: Option<String>,
}

/// An employer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Employer {
    /// Employer name. Required when an employment is given.
    #[serde(default, deserialize_with = "de::string")]
    pub name: String,
    /// Employer address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// Declared income.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Income {
    /// `WEEKLY`, `BIWEEKLY`, `MONTHLY` or `ANNUAL`.
    #[serde(default, deserialize_with = "de::string")]
    pub period: String,
    /// Positive decimal with at most two fraction digits, as a string (`"2500.50"`).
    #[serde(default, deserialize_with = "de::string")]
    pub amount: String,
    /// ISO 4217 (`EUR`).
    #[serde(default, deserialize_with = "de::string")]
    pub currency: String,
}

/// What is applied for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Product name.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_name: Option<String>,
    /// Product type (`rental`).
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_type: Option<String>,
    /// The agency's reference for the property.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<String>,
    /// Monthly rent, as a positive decimal string.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub requested_amount: Option<String>,
    /// Upstream product status.
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<String>,
}

/// The applicant's consent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    /// Terms and privacy notice accepted.
    #[serde(default, deserialize_with = "de::bool")]
    pub terms_accepted: bool,
    /// Credit-bureau check authorised.
    #[serde(default, deserialize_with = "de::bool")]
    pub credit_check_accepted: bool,
    /// The version of the consent texts shown (`crate::consent::VERSION`).
    #[serde(
        default,
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub version: Option<String>,
}

#[cfg(test)]
mod tests;

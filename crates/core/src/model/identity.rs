//! The identity-decision API (seed `004`, `k1_integration_api`): inquiry request and
//! response field for field, the decision update and its reply, and this project's
//! step-up answers call.
//!
//! Upstream responses are read leniently: every field but `decision` may be absent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::value::JsonValue;
use super::{Applicant, Product};
use crate::de;

/// The identity decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Decision {
    /// Identity accepted.
    Allow,
    /// Step-up: answer a questionnaire.
    Challenge,
    /// Identity refused.
    Deny,
    /// Manual review by the agency.
    Review,
}

impl Decision {
    /// The wire name (`Allow`, `Challenge`, `Deny`, `Review`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Challenge => "Challenge",
            Self::Deny => "Deny",
            Self::Review => "Review",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Decision {
    type Err = super::UnknownValue;

    fn from_str(s: &str) -> Result<Self, super::UnknownValue> {
        [Self::Allow, Self::Challenge, Self::Deny, Self::Review]
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s))
            .ok_or(super::UnknownValue)
    }
}

/// `POST /identity/v1/inquiries` body. The edge fills `inquiryId`, `creationDateTime`,
/// `userIp`, `channel` and `strategy` itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InquiryRequest {
    /// Strategy name.
    #[serde(default)]
    pub strategy: String,
    /// Unique id of this inquiry.
    #[serde(default)]
    pub inquiry_id: String,
    /// Site, app or product where the inquiry originated.
    #[serde(default)]
    pub channel: String,
    /// The end-user's device session id.
    #[serde(default)]
    pub device_session_id: String,
    /// When the request was made (RFC 3339).
    #[serde(default)]
    pub creation_date_time: String,
    /// The end-user's IP address, from the connection (never from the browser).
    #[serde(default)]
    pub user_ip: String,
    /// The end-user's account at the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    /// The applicant.
    #[serde(default)]
    pub applicant: Applicant,
    /// The co-applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_applicant: Option<Applicant>,
    /// The product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Product>,
    /// Free key-value pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<BTreeMap<String, JsonValue>>,
}

/// The end-user's account at the customer (seed `v1Account`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Account {
    /// Account id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Account type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// When the account was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date_time: Option<String>,
    /// User name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// `"true"` / `"false"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_is_active: Option<String>,
}

/// `POST /identity/v1/inquiries` response, field for field.
///
/// Only `inquiryId`, `decision` and the questionnaire may reach the browser
/// (see [`InquiryResponse::public`]); the rest belongs to the agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InquiryResponse {
    /// Inquiry id.
    #[serde(default)]
    pub inquiry_id: String,
    /// Authentication id (needed for decision updates).
    #[serde(default)]
    pub authentication_id: String,
    /// Device session id.
    #[serde(default)]
    pub device_session_id: String,
    /// The decision.
    pub decision: Decision,
    /// User segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_segment: Option<String>,
    /// Tags.
    #[serde(default, deserialize_with = "de::null_default")]
    pub tags: Vec<String>,
    /// Score cards.
    #[serde(default, deserialize_with = "de::null_default")]
    pub score_cards: Vec<ScoreCard>,
    /// Device id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Entity id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// Insights per person (`identityTrust: "Y"`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insights: Option<Insights>,
    /// The strategy that ran, with step-up actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Raw third-party data. Never sent to the browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party_calls: Option<ThirdPartyCalls>,
    /// Upstream per-call errors; the seed leaves their shape open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_responses: Option<BTreeMap<String, JsonValue>>,
}

impl InquiryResponse {
    /// The step-up questionnaire, if an action carries one.
    pub fn questionnaire(&self) -> Option<&Questionnaire> {
        self.strategy
            .as_ref()?
            .actions
            .iter()
            .find_map(|a| a.data.as_ref())
    }

    /// What the browser may see: inquiry id, decision and the questionnaire (only when
    /// the decision is `Challenge`).
    pub fn public(&self) -> PublicInquiry {
        PublicInquiry {
            inquiry_id: self.inquiry_id.clone(),
            decision: self.decision,
            questionnaire: if self.decision == Decision::Challenge {
                self.questionnaire().cloned()
            } else {
                None
            },
        }
    }
}

/// The browser's view of an inquiry (`POST /v1/tenants/{id}/identity-inquiries` reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicInquiry {
    /// Inquiry id.
    pub inquiry_id: String,
    /// The decision.
    pub decision: Decision,
    /// The questionnaire to answer when the decision is `Challenge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<Questionnaire>,
}

/// A score card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ScoreCard {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Number of segments.
    pub segment_count: String,
    /// Number of policies.
    pub policy_count: String,
    /// Weight.
    pub weight: String,
    /// Number of active segments.
    pub active_segment_count: String,
    /// Number of active policies.
    pub active_policy_count: String,
}

/// Insights per person: string flags and reasons, keyed as upstream sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Insights {
    /// The applicant's insights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant: Option<BTreeMap<String, String>>,
    /// The co-applicant's insights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub co_applicant: Option<BTreeMap<String, String>>,
}

/// The strategy that ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Strategy {
    /// Strategy name.
    pub strategy_name: String,
    /// Description.
    pub description: String,
    /// Status.
    pub status: String,
    /// Actions, e.g. a step-up questionnaire.
    #[serde(deserialize_with = "de::null_default")]
    pub actions: Vec<Action>,
}

/// A strategy action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Action {
    /// Method (`UNKNOWN`, …).
    pub method: String,
    /// Status (`challenge`, …).
    pub status: String,
    /// The questionnaire, for a challenge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Questionnaire>,
}

/// A step-up questionnaire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Questionnaire {
    /// Questionnaire id.
    pub questionnaire_id: String,
    /// Questions.
    #[serde(deserialize_with = "de::null_default")]
    pub questions: Vec<Question>,
}

/// A question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Question {
    /// Question id.
    pub question_id: String,
    /// The question.
    pub question_text: String,
    /// Single or multiple choice.
    pub choice_type: ChoiceType,
    /// Choices.
    #[serde(deserialize_with = "de::null_default")]
    pub choices: Vec<Choice>,
}

/// `{"type": "SINGLE_CHOICE"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ChoiceType {
    /// `SINGLE_CHOICE`, …
    #[serde(rename = "type")]
    pub kind: String,
}

/// A choice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Choice {
    /// Choice id.
    pub choice_id: String,
    /// Choice text.
    pub choice_text: String,
}

/// Raw third-party data per person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ThirdPartyCalls {
    /// The applicant's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant: Option<ThirdPartyCall>,
    /// The co-applicant's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub co_applicant: Option<ThirdPartyCall>,
}

/// Third-party data for one person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct ThirdPartyCall {
    /// Identity data provider response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_data_response: Option<AtDataResponse>,
    /// Employee data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_data: Option<EmployeeData>,
}

/// Identity data provider response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct AtDataResponse {
    /// Risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<AtRisk>,
    /// Email activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eam: Option<Activity>,
    /// Domain activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dam: Option<Activity>,
    /// Email validation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_validation: Option<EmailValidation>,
}

/// Risk signals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct AtRisk {
    /// Score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    /// Query id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_id: Option<String>,
    /// Tumbling risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tumbling_risk: Option<String>,
    /// IP signals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpRisk>,
    /// Domain signals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainRisk>,
    /// Postal signals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal: Option<PostalRisk>,
    /// Phone signals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneRisk>,
}

/// IP signals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct IpRisk {
    /// Routing type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_type: Option<String>,
    /// Organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Latitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<String>,
    /// Proxy type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_type: Option<String>,
    /// `"true"` when a hosting facility.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosting_facility: Option<String>,
    /// Longitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<String>,
}

/// Domain signals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct DomainRisk {
    /// Domain risk score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_risk_score: Option<String>,
}

/// Postal signals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct PostalRisk {
    /// Deliverability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliverability: Option<String>,
    /// Address type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
    /// Last name match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name_match: Option<String>,
    /// First name match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name_match: Option<String>,
    /// Deliverability substatus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliverability_substatus: Option<String>,
    /// Zip match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_match: Option<String>,
    /// City match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city_match: Option<String>,
    /// Street match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_match: Option<String>,
    /// Distance between IP and postal address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_postal_distance: Option<String>,
}

/// Phone signals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct PhoneRisk {
    /// Line type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_type: Option<String>,
    /// Carrier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `"true"` when prepaid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prepaid: Option<String>,
    /// Owner match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<PhoneOwner>,
}

/// Phone owner match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct PhoneOwner {
    /// First name match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name_match: Option<String>,
    /// Last name match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name_match: Option<String>,
    /// Street match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_match: Option<String>,
    /// City match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city_match: Option<String>,
    /// Zip match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_match: Option<String>,
    /// Owner type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Email or domain activity (`eam` / `dam`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct Activity {
    /// Longevity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longevity: Option<String>,
    /// Velocity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub velocity: Option<String>,
    /// First seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_first_seen: Option<String>,
    /// Popularity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub popularity: Option<String>,
}

/// Email validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct EmailValidation {
    /// Domain type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<String>,
    /// Status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `"true"` for role accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_account: Option<String>,
}

/// Employee data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct EmployeeData {
    /// Names.
    #[serde(deserialize_with = "de::null_default")]
    pub employee_names: Vec<String>,
    /// Phone numbers.
    #[serde(deserialize_with = "de::null_default")]
    pub phone_numbers: Vec<String>,
    /// Email addresses.
    #[serde(deserialize_with = "de::null_default")]
    pub email_addresses: Vec<String>,
    /// Addresses.
    #[serde(deserialize_with = "de::null_default")]
    pub employee_addresses: Vec<EmployeeAddress>,
    /// Dates of birth.
    #[serde(deserialize_with = "de::null_default")]
    pub date_of_births: Vec<String>,
}

/// An employee address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct EmployeeAddress {
    /// Address type.
    pub address_type: String,
    /// Line 1.
    pub address_line1: String,
    /// Line 2.
    pub address_line2: String,
    /// Line 3.
    pub address_line3: String,
    /// City.
    pub city_name: String,
    /// State.
    pub state_code: String,
    /// Postal code.
    pub postal_code: String,
}

/// `PUT /identity/v1/inquiries/{inquiryId}/decision` body (also the agency's
/// `PUT /v1/agency/identity-inquiries/{inquiryId}/decision`).
///
/// `verifiedFraud` is a boolean in the seed's table but the string `"false"` in its
/// example: both are accepted on input; it is written as a boolean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DecisionUpdate {
    /// Inquiry id (may also come from the path).
    #[serde(default)]
    pub inquiry_id: String,
    /// Authentication id.
    #[serde(default)]
    pub authentication_id: String,
    /// The new decision.
    pub decision: Decision,
    /// Tags.
    #[serde(default, deserialize_with = "de::null_default")]
    pub tags: Vec<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// External agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_agent: Option<String>,
    /// Queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Verified fraud.
    #[serde(
        default,
        deserialize_with = "de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub verified_fraud: Option<bool>,
    /// Rejection code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_code: Option<String>,
}

/// Reply to a decision update.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DecisionUpdateReply {
    /// Inquiry id.
    #[serde(default)]
    pub inquiry_id: String,
    /// Correlation id.
    #[serde(default)]
    pub correlation_id: String,
    /// Message.
    #[serde(default)]
    pub message: String,
    /// Error, when the update failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<UpstreamError>,
}

/// An upstream error `{code, message, cause}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct UpstreamError {
    /// Code (`"400"`).
    pub code: String,
    /// Message.
    pub message: String,
    /// Cause.
    pub cause: String,
}

/// Step-up answers (`POST …/identity-inquiries/{inquiryId}/answers`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AnswersRequest {
    /// One answer per question.
    #[serde(default, deserialize_with = "de::null_default")]
    pub answers: Vec<Answer>,
}

/// One answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// Question id.
    #[serde(default, deserialize_with = "de::string")]
    pub question_id: String,
    /// Chosen choice id.
    #[serde(default, deserialize_with = "de::string")]
    pub choice_id: String,
}

/// The decision after answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AnswersResponse {
    /// `Allow` for right answers, `Deny` for wrong ones.
    pub decision: Decision,
}

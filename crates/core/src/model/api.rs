//! Bodies of the edge's own API that are not an upstream's: what the widget and an
//! agency send and what the edge answers. The edge writes these types, the widget reads
//! them, and the OpenAPI document's schemas are derived from them (feature `schema`).
//! The applicant body itself is [`super::TenantRequest`]; status bodies are
//! [`super::status::Status`]; problems are [`super::problem::Problem`].

use serde::{Deserialize, Serialize};

use super::identity::Decision;
use super::status::Status;
use super::value::JsonValue;
use crate::document::DocumentKind;

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

/// Body of `POST /v1/sessions`: one of the two, not both. A `clientToken` (from the
/// agency's server, `POST /v1/agency/sessions`) is the recommended way; the
/// publishable key alone is for sites without a server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateSession {
    /// The agency's `pk_…` publishable key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publishable_key: Option<String>,
    /// A single-use `ct_…` client token the agency's server created for this visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

/// What the agency's server knows about the applicant before the page opens: the
/// widget's form starts with it (the applicant can still correct it, and core checks
/// it as typed input).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Prefill {
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl Prefill {
    /// Each given value with the tenant request's path of its field.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("applicant.name.first", &self.first_name),
            ("applicant.name.last", &self.last_name),
            ("applicant.email", &self.email),
            ("applicant.phoneNumber", &self.phone),
        ]
        .into_iter()
        .filter_map(|(path, v)| Some((path, v.as_deref()?)))
    }
}

/// Body of `POST /v1/agency/sessions` (secret key): what the agency's server fixes for
/// one applicant's visit. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateClientSession {
    /// The agency's own id for this applicant (1–64 visible ASCII, no `<>&"'`): in the
    /// agency view, its list and every event. Only settable here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
    /// The applicant's details to start the form with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    /// The property (the agency's reference for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The monthly rent, a positive decimal string (`"950.00"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_amount: Option<String>,
    /// The widget's language (`es`, `en`, `ca`), unless the page names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Seconds until the token can no longer open a session: 60–86400, default 3600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u32>,
}

/// `201` of `POST /v1/agency/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClientSession {
    /// The single-use token for the page (`client-token` attribute, `clientToken`
    /// option). Opaque: what it carries is sealed.
    pub client_token: String,
    /// RFC 3339: after it, the token opens nothing (and sessions opened with it end).
    pub expires_at: String,
}

/// What a client token gave the session it opened, for the widget.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Granted {
    /// The form's first values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    /// The agency's choice of language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// `201` of `POST /v1/sessions`, and `200` of `POST /v1/tenants/{id}/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionToken {
    /// The bearer token for the following calls.
    pub session_token: String,
    /// RFC 3339 expiry.
    pub expires_at: String,
    /// A session opened with a client token: what the agency's server gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted: Option<Granted>,
}

/// `200` of `POST /v1/agency/tenants/{id}/revoke-access`: every token issued for the
/// tenant so far is refused from now on, and its live connections are closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessRevoked {
    /// The tenant.
    pub tenant_id: String,
    /// Its token generation now (tokens of earlier ones are refused).
    pub generation: u32,
}

/// One row of the agency's list: where an onboarding stands, never its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TenantSummary {
    /// The tenant.
    pub tenant_id: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: the last change.
    pub updated_at: String,
    /// In progress or complete.
    pub state: crate::lifecycle::Progress,
    /// Each step's state.
    pub steps: crate::model::status::Steps,
    /// The identity decision, once there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::model::identity::Decision>,
    /// The agency's own reference, when the widget was given one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
}

/// `200` of `GET /v1/agency/tenants`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TenantPage {
    /// This page's rows.
    pub tenants: Vec<TenantSummary>,
    /// Pass as `cursor` for the next page; absent on the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One person's identity across their tenants at one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonLink {
    /// The person key (32 hex).
    pub key: String,
    /// The person's tenants at this agency, oldest first.
    pub tenants: Vec<String>,
    /// The person's identity decision, once final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Identity inquiries started for the person, on any tenant (at most 3).
    pub attempts: u8,
}

/// `201` of `POST /v1/tenants/{id}/live-tickets`: opens one live status connection
/// (`GET /v1/tenants/{id}/live?ticket=…`, a WebSocket) within `expiresIn` seconds, once.
/// The connection then lives until the token that asked for the ticket expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct LiveTicket {
    /// 64 lowercase hex characters, good for this tenant only (opaque to clients).
    pub ticket: String,
    /// Seconds left to use it.
    pub expires_in: u32,
}

/// One frame of the live status connection (and one SSE `status` event: `id:` is
/// `seq`, `data:` the status): the status after a change and its sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatusEntry {
    /// Sequence number: a reconnect replays the entries after the last one seen.
    pub seq: i64,
    /// The status after this change.
    pub status: Status,
}

/// `201` of `POST /v1/tenants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TenantCreated {
    /// Upstream tenant id.
    pub tenant_id: String,
    /// Token bound to this tenant.
    pub session_token: String,
    /// Initial status.
    pub status: Status,
}

/// `201` of `POST /v1/tenants/{id}/documents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentUploaded {
    /// Upstream document id.
    pub document_id: String,
    /// Kind.
    pub kind: DocumentKind,
    /// Bytes stored.
    pub size_bytes: u64,
    /// Hex SHA-256 of the bytes stored.
    pub sha256: String,
    /// `processing` until the upstream's analysis.
    pub status: String,
}

/// A stored document as the tenant's state keeps it for the agency (the agency
/// view's `documents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StoredDocument {
    /// Upstream document id.
    pub document_id: String,
    /// Kind.
    pub kind: DocumentKind,
    /// `application/pdf`, `image/jpeg` or `image/png`, from the magic bytes.
    pub content_type: String,
    /// Bytes stored.
    pub size_bytes: u64,
    /// Hex SHA-256 of the bytes stored.
    pub sha256: String,
}

/// One entry of `GET /v1/tenants/{id}/documents` (never the content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DocumentSummary {
    /// Upstream document id.
    pub document_id: String,
    /// Kind.
    pub kind: DocumentKind,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Hex SHA-256.
    pub sha256: String,
    /// Upstream status.
    pub status: String,
    /// `upload` or the process that produced it (`clave`).
    pub source: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `200` of `GET /v1/tenants/{id}/documents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DocumentList {
    /// In upload order.
    pub documents: Vec<DocumentSummary>,
}

/// The three pages an applicant is sent to, hosted by the screening upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostedPage {
    /// Cl@ve document retrieval.
    Clave,
    /// KYC.
    Kyc,
    /// Bank connection.
    Bank,
}

impl HostedPage {
    /// Every page.
    pub const ALL: [HostedPage; 3] = [HostedPage::Clave, HostedPage::Kyc, HostedPage::Bank];

    /// The status step it belongs to (`clave`, `kyc`, `bank`).
    pub fn step(self) -> &'static str {
        match self {
            HostedPage::Clave => "clave",
            HostedPage::Kyc => "kyc",
            HostedPage::Bank => "bank",
        }
    }

    /// The status step its start marks.
    pub fn startable(self) -> crate::model::status::Startable {
        use crate::model::status::Startable;
        match self {
            HostedPage::Clave => Startable::Clave,
            HostedPage::Kyc => Startable::Kyc,
            HostedPage::Bank => Startable::Bank,
        }
    }

    /// The path segment of its start route (`/v1/tenants/{id}/<path>`, the screening
    /// API's too): `clave`, `kyc`, `bank-connections`.
    pub fn path(self) -> &'static str {
        match self {
            HostedPage::Clave => "clave",
            HostedPage::Kyc => "kyc",
            HostedPage::Bank => "bank-connections",
        }
    }

    /// The edge's path template that starts it ([`crate::paths`]).
    pub fn template(self) -> &'static str {
        match self {
            HostedPage::Clave => crate::paths::CLAVE,
            HostedPage::Kyc => crate::paths::KYC,
            HostedPage::Bank => crate::paths::BANK_CONNECTIONS,
        }
    }

    /// The field of [`HostedStarted`] that carries its URL.
    pub fn url_field(self) -> &'static str {
        match self {
            HostedPage::Clave => "redirectUrl",
            HostedPage::Kyc => "verificationUrl",
            HostedPage::Bank => "connectUrl",
        }
    }
}

/// Optional body of `POST /v1/tenants/{id}/clave|kyc|bank-connections`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartHosted {
    /// Where the hosted page sends the applicant back: an http(s) URL on the session's
    /// origin (at most 2048 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 2048)))]
    pub return_url: Option<String>,
}

/// `200` of a hosted-page start: the page's URL under the page's own field name
/// ([`HostedPage::url_field`]); exactly one is present. (A struct rather than an
/// untagged enum: the widget reads it, and untagged enums cost it kilobytes.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HostedStarted {
    /// The Cl@ve page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The KYC page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_url: Option<String>,
    /// The bank-connection page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_url: Option<String>,
}

impl HostedStarted {
    /// The reply for `page` at `url`.
    pub fn new(page: HostedPage, url: String) -> Self {
        let mut reply = HostedStarted::default();
        *match page {
            HostedPage::Clave => &mut reply.redirect_url,
            HostedPage::Kyc => &mut reply.verification_url,
            HostedPage::Bank => &mut reply.connect_url,
        } = Some(url);
        reply
    }

    /// Whichever URL it carries.
    pub fn url(self) -> Option<String> {
        self.redirect_url
            .or(self.verification_url)
            .or(self.connect_url)
    }
}

/// Optional body of `POST /v1/tenants/{id}/identity-inquiries`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartInquiry {
    /// The device session id, when not given at tenant creation (1–32 letters or
    /// digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_session_id: Option<String>,
}

/// `200` of `POST …/identity-inquiries/{inquiryId}/answers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnswersDecided {
    /// The decision after the answers.
    pub decision: Decision,
}

/// `200` of `PUT /v1/agency/identity-inquiries/{inquiryId}/decision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecorded {
    /// Inquiry id.
    pub inquiry_id: String,
    /// The upstream's correlation id.
    pub correlation_id: String,
    /// The upstream's message.
    pub message: String,
}

/// One relay delivery that gave up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    /// The upstream event id (stable across attempts).
    pub event_id: String,
    /// Event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Tenant.
    pub tenant_id: String,
    /// Attempts made.
    pub attempts: u32,
    /// Last failure, e.g. `status 500` or `unreachable`.
    pub last_error: String,
    /// RFC 3339.
    pub failed_at: String,
}

/// `200` of `GET /v1/agency/webhooks/undelivered`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Undelivered {
    /// Oldest first.
    pub events: Vec<DeadLetter>,
}

/// `202` of `POST /v1/agency/webhooks/undelivered/{eventId}/replay`: the event is
/// queued for delivery again (same event id, fresh attempts) and left the dead-letter
/// list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReplayQueued {
    /// The replayed event.
    pub event_id: String,
    /// Always true.
    pub queued: bool,
}

/// `200`/`202` of `POST /webhooks/skor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WebhookReceived {
    /// Always true: the delivery was verified.
    pub received: bool,
    /// False for a duplicate or for a tenant this edge does not know (`202`).
    pub applied: bool,
}

/// One upstream event as the edge recorded it (agency view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecordedEvent {
    /// Upstream event id.
    pub event_id: String,
    /// Event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// RFC 3339, the upstream's.
    pub created_at: String,
    /// False when a newer event had already decided the step (kept as history).
    pub applied: bool,
    /// The event's data as the upstream sent it.
    pub data: JsonValue,
}

/// `200` of `GET /v1/agency/tenants/{tenantId}`: everything the edge knows about one of
/// the agency's tenants. Results are the upstreams' bodies as received (`null` until
/// there is one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgencyTenantView {
    /// The agency's own reference, when the widget was given one (also in the
    /// request, under `tenant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
    /// The tenant record (id, agency, creation time, validated request).
    pub tenant: JsonValue,
    /// Every upstream event, oldest first.
    pub events: Vec<RecordedEvent>,
    /// Every forensic result, oldest first.
    pub forensic_history: Vec<RecordedEvent>,
    /// Every financial result, oldest first.
    pub financial_history: Vec<RecordedEvent>,
    /// The aggregated status.
    pub status: JsonValue,
    /// The identity decision record.
    pub identity: JsonValue,
    /// Every identity inquiry with its upstream detail.
    pub identity_inquiries: JsonValue,
    /// The KYC result.
    pub kyc: JsonValue,
    /// The latest forensic result.
    pub forensic: JsonValue,
    /// The latest financial result.
    pub financial: JsonValue,
    /// Stored documents' metadata (size, hash, content type), in upload order.
    pub documents: JsonValue,
    /// What the applicant consented to, one receipt per text (`consent::ConsentReceipt`).
    #[serde(default)]
    pub consent: Vec<crate::consent::ConsentReceipt>,
    /// When another session (of this agency or another) was refused this tenant — an
    /// upstream that deduplicates applicants by email returned it (RFC 3339, newest 20).
    #[serde(default)]
    pub refused_access: Vec<String>,
    /// The person this tenant belongs to (by a keyed hash of the identity document and
    /// birth date, never the document itself), with their other tenants here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonLink>,
    /// The rent against the declared income, under the agency's threshold now (absent
    /// without a rent or an income).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affordability: Option<crate::affordability::Affordability>,
}

//! The edge's public API (DESIGN.md "Public edge API") as the journey sees it: the
//! wire types (core's), how a call fails, and reading a reply. Pure: the web layer
//! (`web::edge`) sends the calls. JSON goes through the widget's small `json` module,
//! never `serde_json`.

use onboarding_core::model::problem::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// No response (offline, CORS).
    Network,
    /// The widget stopped it (an upload the applicant cancelled).
    Aborted,
    /// An error status, with its problem body when there was one.
    Status(u16, Option<Box<Problem>>),
}

impl ApiError {
    /// The session or tenant token is no longer accepted.
    pub fn is_expired(&self) -> bool {
        matches!(self, ApiError::Status(401, _))
    }

    /// The stable `code` of the problem, if any.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Status(_, Some(p)) => &p.code,
            ApiError::Status(401, None) => "unauthorized",
            ApiError::Status(..) => "http_error",
            ApiError::Network | ApiError::Aborted => "network_error",
        }
    }
}

// The bodies are core's wire types: the edge writes the replies the widget reads.
pub use onboarding_core::model::api::{
    DocumentUploaded as UploadedDocument, HostedStarted as Hosted, StartHosted, StartInquiry,
    TenantCreated as Created,
};

/// `POST /v1/sessions`' and `…/session`'s reply as far as the journey reads it. What a
/// client token granted (`granted`: prefill, language) is the loader's: it reads it
/// from the first session's text and gives it to the journey as options, so it is
/// drawn from the first frame (and the wasm carries no parser for it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The bearer token.
    pub session_token: String,
    /// RFC 3339 expiry.
    pub expires_at: String,
}

/// JSON text of `value`.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, ApiError> {
    crate::json::to_string(value).map_err(|_| ApiError::Network)
}

/// `T` from JSON text.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    crate::json::from_str(text).ok()
}

/// The text of a reply with `status`, or its error (with the problem body).
///
/// # Errors
/// [`ApiError::Status`] for a non-2xx status.
pub fn check(status: u16, text: String) -> Result<String, ApiError> {
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ApiError::Status(status, from_json(&text).map(Box::new)))
    }
}

/// `T` from a reply's text.
///
/// # Errors
/// As the reply; a 2xx that is not a `T` is `Status(200, None)`.
pub fn parse<T: DeserializeOwned>(r: Result<String, ApiError>) -> Result<T, ApiError> {
    from_json(&r?).ok_or(ApiError::Status(200, None))
}

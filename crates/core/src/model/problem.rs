//! `application/problem+json` bodies (RFC 9457) with this project's stable `code` and
//! per-field `errors`.

use serde::{Deserialize, Serialize};

use crate::i18n::{self, Locale};
use crate::validate::ValidationError;

/// The media type of [`Problem`] bodies.
pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem body:
/// `{"type":"about:blank","title":…,"status":…,"code":…,"detail"?:…,"errors"?:[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Problem type URI; `about:blank` (the `code` carries the meaning).
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    /// Short human title, localised.
    #[serde(default)]
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Stable machine code (`validation_failed`, `unauthorized`, …).
    pub code: String,
    /// Safe human detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldMessage>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

/// One field's error, localised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    /// Dotted path rooted at the request body (`applicant.governmentId[0].value`).
    pub field: String,
    /// Stable code (`invalid_checksum`, …); a string so that readers tolerate new codes.
    pub code: String,
    /// Human sentence in the negotiated language.
    pub message: String,
}

impl Problem {
    /// A problem with the localised title of `code` (see [`i18n::problem_title`]).
    pub fn new(locale: Locale, status: u16, code: &str) -> Self {
        Problem {
            type_: about_blank(),
            title: i18n::problem_title(locale, code).to_owned(),
            status,
            code: code.to_owned(),
            detail: None,
            errors: Vec::new(),
        }
    }

    /// `422 validation_failed` with every error localised.
    pub fn validation(locale: Locale, errors: &[ValidationError]) -> Self {
        let mut p = Self::new(locale, 422, "validation_failed");
        p.errors = i18n::localize(locale, errors);
        p
    }

    /// Adds a detail sentence.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

//! The data of a broken rule: its stable [`Code`] and the [`ValidationError`] that names
//! the field. A leaf: every reader of errors (validation, documents, messages, the
//! lifecycle's checks) takes them from here, and this module takes nothing from them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Stable error codes (serialized snake_case; part of the public API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A required value is missing or empty.
    Required,
    /// Longer than allowed (`max` characters, or `max` items when `unit` = `items`).
    TooLong,
    /// Wrong shape (`format`: `dni`, `nie`, `passport`, `amount`, `alphanumeric`, …).
    InvalidFormat,
    /// DNI/NIE control letter wrong (`type`: `DNI` or `NIE`).
    InvalidChecksum,
    /// Not an email address.
    InvalidEmail,
    /// Not an acceptable phone number.
    InvalidPhone,
    /// Not a postcode for the country (`country`).
    InvalidPostcode,
    /// Not an ISO 3166-1 alpha-2 code.
    InvalidCountry,
    /// Not an ISO 4217 code.
    InvalidCurrency,
    /// Not a `YYYY-MM-DD` calendar date.
    InvalidDate,
    /// Younger than `min_age` (18).
    Underage,
    /// Older than `max_age` (120).
    TooOld,
    /// Outside the allowed range (`min_exclusive`/`max` for amounts,
    /// `not_after`/`not_before` for dates).
    OutOfRange,
    /// Not one of the `allowed` values.
    InvalidChoice,
    /// Control, invisible or otherwise disallowed characters.
    InvalidCharacters,
    /// Consent not given.
    ConsentRequired,
    /// An empty file.
    FileEmpty,
    /// A file over `max` bytes.
    FileTooLarge,
    /// Not a PDF, JPEG or PNG.
    UnsupportedMediaType,
    /// Only the agency's server may set it (`use`: where, `POST /v1/agency/sessions`).
    AgencyServerOnly,
}

impl Code {
    /// Every code.
    pub const ALL: [Code; 20] = [
        Code::Required,
        Code::TooLong,
        Code::InvalidFormat,
        Code::InvalidChecksum,
        Code::InvalidEmail,
        Code::InvalidPhone,
        Code::InvalidPostcode,
        Code::InvalidCountry,
        Code::InvalidCurrency,
        Code::InvalidDate,
        Code::Underage,
        Code::TooOld,
        Code::OutOfRange,
        Code::InvalidChoice,
        Code::InvalidCharacters,
        Code::ConsentRequired,
        Code::FileEmpty,
        Code::FileTooLarge,
        Code::UnsupportedMediaType,
        Code::AgencyServerOnly,
    ];

    /// The wire name (`invalid_checksum`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooLong => "too_long",
            Code::InvalidFormat => "invalid_format",
            Code::InvalidChecksum => "invalid_checksum",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidPhone => "invalid_phone",
            Code::InvalidPostcode => "invalid_postcode",
            Code::InvalidCountry => "invalid_country",
            Code::InvalidCurrency => "invalid_currency",
            Code::InvalidDate => "invalid_date",
            Code::Underage => "underage",
            Code::TooOld => "too_old",
            Code::OutOfRange => "out_of_range",
            Code::InvalidChoice => "invalid_choice",
            Code::InvalidCharacters => "invalid_characters",
            Code::ConsentRequired => "consent_required",
            Code::FileEmpty => "file_empty",
            Code::FileTooLarge => "file_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::AgencyServerOnly => "agency_server_only",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = crate::model::UnknownValue;

    fn from_str(s: &str) -> Result<Code, crate::model::UnknownValue> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(crate::model::UnknownValue)
    }
}

/// One broken rule: which field, which rule, and the values a message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct ValidationError {
    /// Dotted path rooted at the request body, with `[i]` indices.
    pub field: String,
    /// The rule.
    pub code: Code,
    /// Message parameters (`max`, `allowed`, `type`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl ValidationError {
    /// An error without parameters.
    pub fn new(field: impl Into<String>, code: Code) -> Self {
        ValidationError {
            field: field.into(),
            code,
            params: BTreeMap::new(),
        }
    }

    /// Adds a parameter.
    pub fn with_param(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }

    /// A parameter's value.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }
}

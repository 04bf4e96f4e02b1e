//! One error type for the whole worker. Every failure becomes an
//! `application/problem+json` response with a stable `code` and a title in the
//! client's language; the detail goes to the log, never to the client, and upstream
//! text is never repeated.

use onboarding_core::ValidationError;
use onboarding_core::i18n::Locale;
use onboarding_core::identity_decision::Refusal;
use onboarding_core::model::problem::{self, Problem};
use worker::{Headers, Response};

/// Everything that can go wrong while serving a request.
#[derive(Debug)]
pub enum AppError {
    /// 400: the body is not what the route accepts (`code` says how).
    BadRequest(&'static str),
    /// 401: no usable credentials.
    Unauthorized,
    /// 403: credentials that do not grant this (`code` says which rule).
    Forbidden(&'static str),
    /// 404.
    NotFound,
    /// 405 with the allowed methods.
    MethodNotAllowed(&'static str),
    /// 409 (`code` says which conflict).
    Conflict(&'static str),
    /// 413: a document over the limit.
    TooLarge,
    /// 413 `body_too_large`: a JSON (or webhook) body over its route's limit.
    BodyTooLarge,
    /// 404 / 409: an identity call the one-decision rule refuses (core's [`Refusal`]
    /// knows the code: `identity_already_decided`, `identity_attempts_exhausted`, …).
    Identity(Refusal),
    /// 415: a document that is not PDF, JPEG or PNG, or a body of the wrong type.
    UnsupportedMediaType,
    /// 422 with every field error.
    Validation(Vec<ValidationError>),
    /// 422 `idempotency_key_reused`: the key was used for a different request (or a
    /// different file).
    IdempotencyKeyReused,
    /// 429 with `Retry-After` seconds.
    RateLimited(u64),
    /// 502: the upstream answered with an error (detail logged only).
    UpstreamFailed(String),
    /// 503: the upstream could not be reached.
    UpstreamUnavailable(String),
    /// 504: the upstream did not answer in time.
    UpstreamTimeout,
    /// 500: a missing or malformed secret or var (names the setting in the log only).
    Config(&'static str),
    /// 500: anything else (detail logged only).
    Internal(String),
}

impl AppError {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed(_) => 405,
            Self::Conflict(_) => 409,
            Self::TooLarge | Self::BodyTooLarge => 413,
            Self::Identity(r) => r.status(),
            Self::UnsupportedMediaType => 415,
            Self::Validation(_) | Self::IdempotencyKeyReused => 422,
            Self::RateLimited(_) => 429,
            Self::UpstreamFailed(_) => 502,
            Self::UpstreamUnavailable(_) => 503,
            Self::UpstreamTimeout => 504,
            Self::Config(_) | Self::Internal(_) => 500,
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(c) | Self::Forbidden(c) | Self::Conflict(c) => c,
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::TooLarge => "file_too_large",
            Self::BodyTooLarge => "body_too_large",
            Self::Identity(r) => r.code(),
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::RateLimited(_) => "rate_limited",
            Self::UpstreamFailed(_) => "upstream_error",
            Self::UpstreamUnavailable(_) => "upstream_unavailable",
            Self::UpstreamTimeout => "upstream_timeout",
            Self::Config(_) => "configuration_error",
            Self::Internal(_) => "internal_error",
        }
    }

    /// What may be logged (never personal data: the variants carry none).
    pub fn log_detail(&self) -> Option<String> {
        match self {
            Self::UpstreamFailed(d) | Self::UpstreamUnavailable(d) | Self::Internal(d) => {
                Some(d.clone())
            }
            Self::Config(name) => Some(format!("configuration: {name}")),
            _ => None,
        }
    }

    /// The general problem code whose localized title fits (core's i18n knows these).
    fn title_code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Forbidden("forbidden_origin") => "forbidden_origin",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::TooLarge => "payload_too_large",
            Self::Config(_) | Self::Internal(_) => "internal",
            other => other.code(),
        }
    }

    /// The problem body in `locale`.
    pub fn problem(&self, locale: Locale) -> Problem {
        match self {
            Self::Validation(errors) => Problem::validation(locale, errors),
            other => {
                let mut p = Problem::new(locale, other.status(), other.title_code());
                p.code = other.code().to_owned();
                p
            }
        }
    }

    /// The response (headers other than the problem's own are added by the caller).
    ///
    /// # Errors
    /// Only if the runtime cannot build a response.
    pub fn into_response(self, locale: Locale) -> worker::Result<Response> {
        let body = serde_json::to_vec(&self.problem(locale)).unwrap_or_default();
        let headers = Headers::new();
        let _ = headers.set("Content-Type", problem::CONTENT_TYPE);
        let _ = headers.set("Cache-Control", "no-store");
        match &self {
            Self::RateLimited(secs) => {
                let _ = headers.set("Retry-After", &secs.max(&1).to_string());
            }
            Self::MethodNotAllowed(allow) => {
                let _ = headers.set("Allow", allow);
            }
            _ => {}
        }
        Ok(Response::from_bytes(body)?
            .with_status(self.status())
            .with_headers(headers))
    }
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::Internal(format!("worker: {e}"))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(format!("json: {}", e.classify_name()))
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "eof",
        }
    }
}

/// Result of a handler.
pub type AppResult<T> = Result<T, AppError>;

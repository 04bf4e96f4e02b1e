//! One error type for the whole worker. Every failure becomes an
//! `application/problem+json` response with a stable `code` and a title in the
//! client's language; the detail goes to the log, never to the client, and upstream
//! text is never repeated.

use onboarding_core::ValidationError;
use onboarding_core::i18n::Locale;
use onboarding_core::model::problem::{self, Problem, ProblemCode};
use worker::{Headers, Response};

/// Everything that can go wrong while serving a request. Plain refusals are a core
/// [`ProblemCode`] (its status and title come from core's one table); the other
/// variants carry what the response or the log needs besides the code.
#[derive(Debug, Clone)]
pub enum AppError {
    /// A refusal that is fully described by its code.
    Problem(ProblemCode),
    /// 405 with the allowed methods.
    MethodNotAllowed(&'static str),
    /// 422 with every field error.
    Validation(Vec<ValidationError>),
    /// 429 with `Retry-After` seconds.
    RateLimited(u64),
    /// 429 `agency_budget_exceeded` with `Retry-After` seconds: the agency's daily
    /// budget for a paid step is spent.
    OverBudget(u64),
    /// 502: the upstream answered with an error (detail logged only).
    UpstreamFailed(String),
    /// 502: the upstream refused with a 4xx `status`; a handler for which that answer
    /// means something to the caller maps it (e.g. 409 → `forensic_blocked`).
    UpstreamRefused(u16, String),
    /// 503: the upstream could not be reached.
    UpstreamUnavailable(String),
    /// 504: the upstream did not answer in time.
    UpstreamTimeout,
    /// 503: a missing or malformed secret or var, the registry unreadable, or dev
    /// wiring outside dev (names the setting in the log only).
    Config(&'static str),
    /// 500: anything else (detail logged only).
    Internal(String),
}

impl AppError {
    /// The problem code (and through it the HTTP status and title).
    pub fn code(&self) -> ProblemCode {
        match self {
            Self::Problem(code) => *code,
            Self::MethodNotAllowed(_) => ProblemCode::MethodNotAllowed,
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::RateLimited(_) => ProblemCode::RateLimited,
            Self::OverBudget(_) => ProblemCode::AgencyBudgetExceeded,
            Self::UpstreamFailed(_) | Self::UpstreamRefused(..) => ProblemCode::UpstreamError,
            Self::UpstreamUnavailable(_) => ProblemCode::UpstreamUnavailable,
            Self::UpstreamTimeout => ProblemCode::UpstreamTimeout,
            Self::Config(_) => ProblemCode::ConfigurationError,
            Self::Internal(_) => ProblemCode::InternalError,
        }
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.code().status()
    }

    /// What may be logged (never personal data: the variants carry none).
    pub fn log_detail(&self) -> Option<String> {
        match self {
            Self::UpstreamFailed(d)
            | Self::UpstreamRefused(_, d)
            | Self::UpstreamUnavailable(d)
            | Self::Internal(d) => Some(d.clone()),
            Self::Config(name) => Some(format!("configuration: {name}")),
            _ => None,
        }
    }

    /// The problem body in `locale`.
    pub fn problem(&self, locale: Locale) -> Problem {
        match self {
            Self::Validation(errors) => Problem::validation(locale, errors),
            other => Problem::new(locale, other.code()),
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
            Self::RateLimited(secs) | Self::OverBudget(secs) => {
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

impl From<ProblemCode> for AppError {
    fn from(code: ProblemCode) -> Self {
        AppError::Problem(code)
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

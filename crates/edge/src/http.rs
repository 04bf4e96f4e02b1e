//! Per-request context and small HTTP helpers shared by the resource modules.

use onboarding_core::i18n::Locale;
use onboarding_core::model::problem::ProblemCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Env, Headers, Request, Response};

use crate::config::Settings;
use crate::error::{AppError, AppResult};
pub use crate::runtime::{iso, now_ms, random_hex};

/// Largest JSON body any route accepts.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// What every handler gets besides the request.
pub struct Ctx {
    /// Bindings, vars and secrets.
    pub env: Env,
    /// Parsed vars.
    pub settings: Settings,
    /// Negotiated from `Accept-Language`.
    pub locale: Locale,
    /// Per-request id (also sent back as `Request-Id`).
    pub request_id: String,
    /// The connecting IP (`CF-Connecting-IP`), never anything the client says.
    pub client_ip: String,
    /// Request start, unix milliseconds.
    pub now_ms: u64,
    /// The agency the request turned out to act for (set by auth; logged).
    pub agency_id: std::cell::RefCell<Option<String>>,
    /// The request's execution context: work that may finish after the reply
    /// ([`Ctx::after_reply`]).
    pub waiter: Option<worker::Context>,
}

impl Ctx {
    /// The agency registry, cached as the settings say.
    pub fn registry(&self) -> crate::registry::Registry<'_> {
        crate::registry::Registry::new(&self.env, self.settings.agency_cache_seconds)
    }

    /// Runs `work` after the reply is sent (the runtime keeps the request alive for
    /// it); without an execution context (tests), it is dropped.
    pub fn after_reply(&self, work: impl std::future::Future<Output = ()> + 'static) {
        if let Some(waiter) = &self.waiter {
            waiter.wait_until(work);
        }
    }

    /// Records which agency this request acts for (its log line names it).
    pub fn acting_for(&self, agency_id: &str) {
        *self.agency_id.borrow_mut() = Some(agency_id.to_owned());
    }

    /// Unix seconds now.
    pub fn now_secs(&self) -> u64 {
        self.now_ms / 1000
    }
}

/// The whole body of a response (an upstream's or a Durable Object's), read by the
/// runtime in one call. `worker::Response::bytes` pulls a fetched body through wasm a
/// chunk at a time, a promise and a reader lock each: measured, that was 2–3 ms of CPU
/// per `POST /v1/tenants`.
///
/// # Errors
/// When the body cannot be read.
pub async fn body_bytes(resp: Response) -> worker::Result<Vec<u8>> {
    let raw = web_sys::Response::from(resp);
    let buffer = wasm_bindgen_futures::JsFuture::from(raw.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// [`body_bytes`] parsed as JSON.
///
/// # Errors
/// When the body cannot be read or is not the expected JSON.
pub async fn body_json<T: DeserializeOwned>(resp: Response) -> worker::Result<T> {
    Ok(serde_json::from_slice(&body_bytes(resp).await?)?)
}

/// A JSON response.
///
/// # Errors
/// Only if the runtime cannot build a response.
pub fn json<T: Serialize>(status: u16, value: &T) -> AppResult<Response> {
    json_bytes(status, serde_json::to_vec(value)?)
}

/// A JSON response from its bytes (already encoded: an answer recorded for replay).
///
/// # Errors
/// Only if the runtime cannot build a response.
pub fn json_bytes(status: u16, body: Vec<u8>) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("Content-Type", "application/json")?;
    headers.set("Cache-Control", "no-store")?;
    Ok(Response::from_bytes(body)?
        .with_status(status)
        .with_headers(headers))
}

/// Reads the body up to `max` bytes (413 beyond, without reading the rest).
///
/// # Errors
/// 400 when the body cannot be read, 413 when it is too large.
pub async fn read_limited(req: &mut Request, max: usize) -> AppResult<Vec<u8>> {
    use futures_util::StreamExt;
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > max) {
        return Err(AppError::Problem(ProblemCode::FileTooLarge));
    }
    // A declared length is the framing the runtime already enforces: the body is read
    // in one call, natively (chunk by chunk through wasm cost ≈ 1 ms per request).
    if declared.is_some() {
        return req
            .bytes()
            .await
            .map_err(|_| AppError::Problem(ProblemCode::MalformedBody));
    }
    let mut out = Vec::new();
    let Ok(mut stream) = req.stream() else {
        return Ok(out);
    };
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| AppError::Problem(ProblemCode::MalformedBody))?;
        if out.len() + chunk.len() > max {
            return Err(AppError::Problem(ProblemCode::FileTooLarge));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Reads a JSON body: `Content-Type: application/json` (415 otherwise), at most
/// [`MAX_JSON_BYTES`] (413), well-formed and of the right shape (400). serde_json's
/// recursion limit turns hostile nesting into a 400 too.
///
/// # Errors
/// 400, 413 or 415 as above.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> AppResult<T> {
    let ct = req.headers().get("Content-Type")?.unwrap_or_default();
    if !onboarding_core::media_type::is_json(&ct) {
        return Err(AppError::Problem(ProblemCode::UnsupportedMediaType));
    }
    parse_json(&read_body(req, MAX_JSON_BYTES).await?)
}

/// Reads a small (JSON or webhook) body of at most `max` bytes: refused from its
/// `Content-Length` before reading when declared, counted while reading otherwise.
///
/// # Errors
/// 413 `body_too_large` over `max`, 400 `malformed_body` when the stream fails.
pub async fn read_body(req: &mut Request, max: usize) -> AppResult<Vec<u8>> {
    read_limited(req, max).await.map_err(|e| match e {
        AppError::Problem(ProblemCode::FileTooLarge) => {
            AppError::Problem(ProblemCode::BodyTooLarge)
        }
        e => e,
    })
}

/// Parses an optional JSON body: empty (or only whitespace) is `T::default()`.
///
/// # Errors
/// As [`parse_json`].
pub fn parse_optional_json<T: DeserializeOwned + Default>(bytes: &[u8]) -> AppResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(bytes)
    }
}

/// Parses a JSON body already read.
///
/// # Errors
/// 400 `malformed_json` (syntax) or `invalid_body` (wrong shape).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => AppError::Problem(ProblemCode::InvalidBody),
        _ => AppError::Problem(ProblemCode::MalformedJson),
    })
}

/// The `Authorization: Bearer …` credential, if any.
pub fn bearer(req: &Request) -> Option<String> {
    let h = req.headers().get("Authorization").ok()??;
    let (scheme, value) = h.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A header value, if present.
pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// A valid `Idempotency-Key` (1–255 visible ASCII characters), if given.
///
/// # Errors
/// 400 `invalid_idempotency_key` when present but malformed.
pub fn idempotency_key(req: &Request) -> AppResult<Option<String>> {
    match header(req, "Idempotency-Key") {
        None => Ok(None),
        Some(k) if !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(k))
        }
        Some(_) => Err(AppError::Problem(ProblemCode::InvalidIdempotencyKey)),
    }
}

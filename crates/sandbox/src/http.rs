//! What every route shares: the one error type (rendered as `application/problem+json`),
//! API-key checks, JSON bodies, ids and the clock.

use onboarding_core::model::problem::{self, FieldMessage, Problem};
use serde::Serialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;
use worker::{Env, Headers, Request, Response};

/// Every way a sandbox request can fail. The sandbox plays a third-party API, so its
/// problem titles are English, as a real upstream's would be.
#[derive(Debug)]
pub enum AppError {
    /// Missing or wrong API key (401).
    Unauthorized,
    /// Unknown route or resource (404); the argument names what was not found.
    NotFound(&'static str),
    /// Known path, wrong method (405).
    MethodNotAllowed,
    /// The body is not JSON (400).
    MalformedJson,
    /// Another unreadable body (400): a stable code and a safe detail.
    BadRequest(&'static str, &'static str),
    /// The body's media type is not accepted (415), with a safe detail.
    UnsupportedMediaType(&'static str),
    /// The body is larger than allowed (413).
    PayloadTooLarge(u64),
    /// The body is well-formed but its fields are not valid (422).
    Validation(Vec<FieldMessage>),
    /// The resource is not in a state that allows this (409).
    Conflict(&'static str, String),
    /// A configuration value (secret) is missing (500); logged, not shown.
    Config(&'static str),
    /// Anything else (500); logged, not shown.
    Internal(String),
}

/// Result of a route.
pub type AppResult<T> = Result<T, AppError>;

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        // Only the category: serde's message can quote personal data from the body.
        AppError::Internal(format!(
            "json: {:?} error at line {}",
            e.classify(),
            e.line()
        ))
    }
}

impl AppError {
    /// A single-field 422.
    pub fn field(field: &str, code: &str, message: &str) -> Self {
        AppError::Validation(vec![FieldMessage {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
        }])
    }

    fn problem(&self) -> Problem {
        let (status, code, title, detail): (u16, &str, &str, Option<String>) = match self {
            AppError::Unauthorized => (
                401,
                "unauthorized",
                "Unauthorized",
                Some("A valid API key is required.".into()),
            ),
            AppError::NotFound(what) => (
                404,
                "not_found",
                "Not found",
                Some(format!("No such {what}.")),
            ),
            AppError::MethodNotAllowed => (405, "method_not_allowed", "Method not allowed", None),
            AppError::MalformedJson => (
                400,
                "malformed_json",
                "Malformed JSON",
                Some("The request body is not valid JSON.".into()),
            ),
            AppError::BadRequest(code, detail) => {
                (400, *code, "Bad request", Some((*detail).into()))
            }
            AppError::UnsupportedMediaType(detail) => (
                415,
                "unsupported_media_type",
                "Unsupported media type",
                Some((*detail).into()),
            ),
            AppError::PayloadTooLarge(max) => (
                413,
                "file_too_large",
                "Payload too large",
                Some(format!("The largest accepted document is {max} bytes.")),
            ),
            AppError::Validation(_) => (422, "validation_failed", "Validation failed", None),
            AppError::Conflict(code, detail) => (409, code, "Conflict", Some(detail.clone())),
            AppError::Config(_) | AppError::Internal(_) => {
                (500, "internal_error", "Internal error", None)
            }
        };
        Problem {
            type_: "about:blank".into(),
            title: title.into(),
            status,
            code: code.into(),
            detail,
            errors: match self {
                AppError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }

    /// The problem+json response (internal details go to the log only).
    pub fn into_response(self) -> worker::Result<Response> {
        match &self {
            AppError::Config(name) => {
                worker::console_error!("sandbox configuration error: {name} is not set")
            }
            AppError::Internal(detail) => worker::console_error!("sandbox error: {detail}"),
            _ => {}
        }
        let p = self.problem();
        let headers = Headers::new();
        headers.set("content-type", problem::CONTENT_TYPE)?;
        if p.status == 401 {
            headers.set("www-authenticate", "ApiKey")?;
        }
        Ok(Response::from_json(&p)?
            .with_status(p.status)
            .with_headers(headers))
    }
}

/// A JSON response with a status.
pub fn json<T: Serialize>(status: u16, body: &T) -> AppResult<Response> {
    Ok(Response::from_json(body)?.with_status(status))
}

/// Which key a route family needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Tenant screening: `X-API-Key: <SKOR_API_KEY>`.
    Screening,
    /// Identity decisions: `Authorization: Bearer <IDENTITY_API_KEY>`.
    Identity,
}

/// Checks the request's key for `api` in constant time.
///
/// # Errors
///
/// [`AppError::Unauthorized`] when missing or wrong; [`AppError::Config`] when the
/// secret itself is not configured.
pub fn authorize(req: &Request, env: &Env, api: Api) -> AppResult<()> {
    let (secret_name, presented) = match api {
        Api::Screening => ("SKOR_API_KEY", req.headers().get("x-api-key")?),
        Api::Identity => (
            "IDENTITY_API_KEY",
            req.headers().get("authorization")?.and_then(|h| {
                let (scheme, token) = h.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            }),
        ),
    };
    let expected = secret(env, secret_name)?;
    match presented {
        Some(p) if bool::from(p.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        _ => Err(AppError::Unauthorized),
    }
}

/// A configured secret (or var), non-empty.
///
/// # Errors
///
/// [`AppError::Config`] when it is missing or empty.
pub fn secret(env: &Env, name: &'static str) -> AppResult<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or(AppError::Config(name))
}

/// A numeric var with a default.
pub fn var_u64(env: &Env, name: &str, default: u64) -> u64 {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().trim().parse().ok())
        .unwrap_or(default)
}

/// Reads a JSON body: 415 unless the content type is JSON, 400 when it does not parse,
/// 422 when it parses but does not fit the expected shape.
///
/// # Errors
///
/// As above.
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> AppResult<T> {
    let ct = req.headers().get("content-type")?.unwrap_or_default();
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/json" && !media.ends_with("+json") {
        return Err(AppError::UnsupportedMediaType(
            "Send the body as application/json.",
        ));
    }
    let bytes = req.bytes().await?;
    parse_json(&bytes)
}

/// Parses JSON: 400 for a syntax error, 422 (field `body`) for a shape error.
///
/// # Errors
///
/// As above.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            // serde's text can quote the input (an email, an id number): never echo it.
            AppError::field(
                "body",
                "invalid_format",
                "Invalid body: a field has the wrong type or a required field is missing",
            )
        }
        _ => AppError::MalformedJson,
    })
}

/// `n` random bytes from the platform CSPRNG, as lowercase hex.
pub fn random_hex(n: usize) -> AppResult<String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("getrandom: {e}")))?;
    Ok(hex::encode(buf))
}

/// A prefixed random id (`ten_…`, 128 bits).
pub fn new_id(prefix: &str) -> AppResult<String> {
    Ok(format!("{prefix}_{}", random_hex(16)?))
}

/// A random RFC 4122 version-4 UUID (the identity API's ids look like this).
pub fn uuid() -> AppResult<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("getrandom: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// RFC 3339 UTC timestamp of `ms`.
pub fn rfc3339(ms: i64) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_iso_string()
        .into()
}

/// Percent-encodes a query value.
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_are_classified() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct B {
            a: u32,
        }
        assert!(matches!(
            parse_json::<B>(b"{"),
            Err(AppError::MalformedJson)
        ));
        assert!(matches!(
            parse_json::<B>(b"{\"a\":\"x\"}"),
            Err(AppError::Validation(_))
        ));
        assert_eq!(parse_json::<B>(b"{\"a\":1}").unwrap().a, 1);
    }

    #[test]
    fn query_encoding() {
        assert_eq!(encode_query("http://a/b?c=d"), "http%3A%2F%2Fa%2Fb%3Fc%3Dd");
    }
}

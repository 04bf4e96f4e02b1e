//! CORS for the browser routes: an origin is echoed only when some agency allows it
//! exactly (never `*`), always with `Vary: Origin`. Which agency a request acts for is
//! decided by the publishable key or token, not here.

use worker::{Env, Headers, Request, Response};

use crate::config;
use crate::error::{AppError, AppResult};
use crate::http::{Ctx, header};

const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, Accept-Language";
const EXPOSE_HEADERS: &str = "Request-Id, Retry-After";

fn allowed(env: &Env, origin: &str) -> bool {
    config::agencies(env)
        .map(|a| a.0.iter().any(|ag| ag.allows_origin(origin)))
        .unwrap_or(false)
}

/// Adds the CORS headers for `origin` when it is allowed (and `Vary: Origin` always).
pub fn apply(headers: &mut Headers, origin: Option<&str>, env: &Env) {
    let _ = headers.append("Vary", "Origin");
    let Some(origin) = origin else {
        return;
    };
    if allowed(env, origin) {
        let _ = headers.set("Access-Control-Allow-Origin", origin);
        let _ = headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    }
}

/// Answers a preflight: 204 for an allowed origin, 403 otherwise.
///
/// # Errors
/// 403 `forbidden_origin`.
pub fn preflight(req: &Request, ctx: &Ctx) -> AppResult<Response> {
    let origin = header(req, "Origin").ok_or(AppError::Forbidden("forbidden_origin"))?;
    if !allowed(&ctx.env, &origin) {
        return Err(AppError::Forbidden("forbidden_origin"));
    }
    let headers = Headers::new();
    headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")?;
    headers.set("Access-Control-Allow-Headers", ALLOW_HEADERS)?;
    headers.set("Access-Control-Max-Age", "600")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

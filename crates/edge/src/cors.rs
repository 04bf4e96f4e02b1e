//! CORS for the browser routes, by the route's [`Cors`] policy: an origin is echoed
//! when some agency allows it exactly, or for any origin on the few routes that must
//! answer a misconfigured page (never `*` with credentials; always `Vary: Origin`).
//! Which agency a request acts for is decided by the publishable key or token, not
//! here. The widget's files under `/widget/` are static assets with their own headers
//! (`www/_headers`).

use onboarding_core::model::problem::ProblemCode;
use worker::{Headers, Request, Response};

use crate::error::{AppError, AppResult};
use crate::http::{Ctx, header};
use crate::registry::Registry;
use crate::routes::Cors;

const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, Accept-Language";
const EXPOSE_HEADERS: &str = "Request-Id, Retry-After";

async fn readable(policy: Cors, registry: Option<&Registry<'_>>, origin: &str) -> bool {
    match policy {
        Cors::None => false,
        Cors::Agencies => match registry {
            Some(r) => r.origin_allowed(origin).await,
            None => false,
        },
        Cors::Any => true,
    }
}

/// Adds the CORS headers for `origin` when `policy` lets it read the response (and
/// `Vary: Origin` on every browser route). Without a registry (the configuration does
/// not parse) only `Cors::Any` routes are readable.
pub async fn apply(
    headers: &mut Headers,
    policy: Cors,
    origin: Option<&str>,
    registry: Option<&Registry<'_>>,
) {
    if policy == Cors::None {
        return;
    }
    let _ = headers.append("Vary", "Origin");
    let Some(origin) = origin else {
        return;
    };
    if readable(policy, registry, origin).await {
        let _ = headers.set("Access-Control-Allow-Origin", origin);
        let _ = headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    }
}

/// Answers a preflight: 204 for an origin `policy` lets read, 403 otherwise.
///
/// # Errors
/// 403 `forbidden_origin`.
pub async fn preflight(req: &Request, ctx: &Ctx, policy: Cors) -> AppResult<Response> {
    let origin = header(req, "Origin").ok_or(AppError::Problem(ProblemCode::ForbiddenOrigin))?;
    if !readable(policy, Some(&ctx.registry()), &origin).await {
        return Err(AppError::Problem(ProblemCode::ForbiddenOrigin));
    }
    let headers = Headers::new();
    headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")?;
    headers.set("Access-Control-Allow-Headers", ALLOW_HEADERS)?;
    headers.set("Access-Control-Max-Age", "600")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}

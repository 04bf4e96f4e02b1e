//! Who is calling. Browser routes carry a session token (core's [`token`]) bound to a
//! publishable key and an `Origin`; after `POST /v1/tenants` the token is also bound to
//! one tenant, and every tenant route checks it is the path's tenant. Agency routes
//! carry the agency's `sk_…` secret key, checked against its stored SHA-256.

use onboarding_core::model::problem::ProblemCode;
use onboarding_core::token::{self, SessionClaims, TokenError};
use worker::Request;

use crate::config::{self, Agency};
use crate::error::{AppError, AppResult};
use crate::http::{Ctx, bearer, header};

fn key(ctx: &Ctx) -> AppResult<Vec<u8>> {
    Ok(config::secret(&ctx.env, "SESSION_TOKEN_KEY")?.into_bytes())
}

/// Issues a token for `claims`.
///
/// # Errors
/// Configuration error without `SESSION_TOKEN_KEY`.
pub fn issue(ctx: &Ctx, claims: &SessionClaims) -> AppResult<String> {
    Ok(token::issue(claims, &key(ctx)?))
}

/// A verified browser caller: the token's claims and the agency it was issued for.
#[derive(Debug, Clone)]
pub struct Caller {
    /// What the token says (session, origin, tenant once bound, expiry).
    pub claims: SessionClaims,
    /// The agency of the token's publishable key.
    pub agency: Agency,
}

/// Verifies the session token of a browser request. The token must be signed with our
/// key, unexpired, and issued for a configured agency and one of its origins; when the
/// request has an `Origin` header it must be the token's origin.
///
/// # Errors
/// 401 for a missing, malformed, forged or expired token; 403 `forbidden_origin` when
/// used from another origin.
pub fn session(req: &Request, ctx: &Ctx) -> AppResult<Caller> {
    // Only from the `Authorization` header: a token in a URL ends up in logs, history
    // and `Referer`s (the widget reads SSE with fetch, which can send the header).
    let token = bearer(req).ok_or(AppError::Problem(ProblemCode::Unauthorized))?;
    if token.starts_with("sk_") || token.starts_with("pk_") {
        return Err(AppError::Problem(ProblemCode::Unauthorized));
    }
    let key = key(ctx)?;
    // One MAC per request: the signature and expiry first, then the audience read
    // from the claims themselves (a configured agency with that publishable key and
    // the token's origin on its allowlist), instead of a verify per agency × origin.
    let claims =
        token::verify_signed(&token, &key, ctx.now_secs() as i64).map_err(|e| match e {
            TokenError::Malformed
            | TokenError::BadSignature
            | TokenError::Expired { .. }
            | TokenError::WrongAudience => AppError::Problem(ProblemCode::Unauthorized),
        })?;
    let agencies = config::agencies(&ctx.env)?;
    let agency = agencies
        .by_publishable_key(&claims.publishable_key)
        .filter(|a| a.allows_origin(&claims.origin))
        .ok_or(AppError::Problem(ProblemCode::Unauthorized))?;
    if header(req, "Origin").is_some_and(|o| o != claims.origin) {
        return Err(AppError::Problem(ProblemCode::ForbiddenOrigin));
    }
    Ok(Caller {
        claims,
        agency: agency.clone(),
    })
}

/// Verifies a tenant-bound token for `tenant_id`.
///
/// # Errors
/// As [`session`], plus 403 `tenant_mismatch` for a token of another tenant (or a
/// session token not yet bound to one).
pub fn tenant(req: &Request, ctx: &Ctx, tenant_id: &str) -> AppResult<Caller> {
    let caller = session(req, ctx)?;
    if !caller.claims.is_for_tenant(tenant_id) {
        return Err(AppError::Problem(ProblemCode::TenantMismatch));
    }
    Ok(caller)
}

/// The agency whose secret key is presented as `Authorization: Bearer sk_…`.
///
/// # Errors
/// 401 when absent, not a secret key, or no agency's key.
pub fn agency(req: &Request, ctx: &Ctx) -> AppResult<Agency> {
    let presented = bearer(req).ok_or(AppError::Problem(ProblemCode::Unauthorized))?;
    if !presented.starts_with("sk_") || presented.len() > 256 {
        return Err(AppError::Problem(ProblemCode::Unauthorized));
    }
    config::agencies(&ctx.env)?
        .by_secret_key(&presented)
        .cloned()
        .ok_or(AppError::Problem(ProblemCode::Unauthorized))
}

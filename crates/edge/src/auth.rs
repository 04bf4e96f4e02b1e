//! Who is calling. Browser routes carry a session token (core's [`token`]) bound to a
//! publishable key and an `Origin`; after `POST /v1/tenants` the token is also bound to
//! one tenant, and every tenant route checks it is the path's tenant. Agency routes
//! carry the agency's `sk_…` secret key, looked up by its SHA-256 in the registry.
//! Tokens are signed with `SESSION_TOKEN_KEY` and verified with it or, during a
//! rotation, with `SESSION_TOKEN_KEY_PREVIOUS` (the token names its key); a key
//! shorter than 32 bytes is a configuration error.

use onboarding_core::model::problem::ProblemCode;
use onboarding_core::token::{self, SessionClaims, TokenError};
use worker::Request;

use crate::config;
use crate::error::{AppError, AppResult};
use crate::http::{Ctx, bearer, header};
use crate::objects::tenant::{Access, CheckAccess, LogEntry, TenantHandle};
use crate::registry::Agency;

const SHORT_KEY: AppError = AppError::Config("SESSION_TOKEN_KEY(_PREVIOUS) shorter than 32 bytes");

/// The signing key: `SESSION_TOKEN_KEY`.
fn signing_key(ctx: &Ctx) -> AppResult<String> {
    let key = config::secret(&ctx.env, "SESSION_TOKEN_KEY")?;
    if key.len() < token::MIN_KEY_LEN {
        return Err(SHORT_KEY);
    }
    Ok(key)
}

/// The verifying keys: the signing key, then `SESSION_TOKEN_KEY_PREVIOUS` if set.
///
/// # Errors
/// Configuration error without the key or with a short one.
pub fn key_ring(ctx: &Ctx) -> AppResult<Vec<String>> {
    let mut ring = vec![signing_key(ctx)?];
    if let Some(previous) = config::optional_secret(&ctx.env, "SESSION_TOKEN_KEY_PREVIOUS") {
        if previous.len() < token::MIN_KEY_LEN {
            return Err(SHORT_KEY);
        }
        ring.push(previous);
    }
    Ok(ring)
}

/// Issues a token for `claims`.
///
/// # Errors
/// Configuration error without `SESSION_TOKEN_KEY` or with a short one.
pub fn issue(ctx: &Ctx, claims: &SessionClaims) -> AppResult<String> {
    Ok(token::issue(claims, signing_key(ctx)?.as_bytes()))
}

/// The expiry (unix seconds) of a tenant token issued now for a tenant whose first
/// token was at `since`: a token's lifetime, capped at the tenant tokens' absolute
/// lifetime (`TENANT_TOKEN_MAX_SECONDS` from `since`); `None` once that has passed.
pub fn tenant_token_expiry(ctx: &Ctx, since: i64) -> Option<i64> {
    let end = since.saturating_add(ctx.settings.tenant_token_max_seconds as i64);
    let now = ctx.now_secs() as i64;
    (now < end).then(|| (now + ctx.settings.session_ttl_seconds as i64).min(end))
}

/// A verified browser caller: the token's claims and the agency it was issued for.
#[derive(Debug, Clone)]
pub struct Caller {
    /// What the token says (session, origin, tenant once bound, expiry).
    pub claims: SessionClaims,
    /// The agency of the token's publishable key.
    pub agency: Agency,
    /// On a tenant route: the tenant's current status, read with the access check.
    pub current: Option<LogEntry>,
}

/// The name of an address's session counter: core's keyed hash of its bucket (the
/// address for IPv4, the /64 for IPv6) under the session key, never the address.
///
/// # Errors
/// Configuration error without the key.
pub fn address_key(ctx: &Ctx, ip: &str) -> AppResult<String> {
    Ok(onboarding_core::mask::address_key(
        signing_key(ctx)?.as_bytes(),
        ip,
    ))
}

/// A single-use live-status ticket for `tenant_id` (core's `token::live_ticket`, under
/// the session key): the ticket and its nonce.
///
/// # Errors
/// 500 when the CSPRNG fails; configuration error without the key.
pub fn live_ticket(ctx: &Ctx, tenant_id: &str) -> AppResult<(String, String)> {
    let nonce = crate::runtime::random_bytes::<16>()?;
    let ticket = token::live_ticket(signing_key(ctx)?.as_bytes(), tenant_id, &nonce);
    let nonce = ticket[..32].to_owned();
    Ok((ticket, nonce))
}

/// The nonce of a live-status ticket for `tenant_id`, checked without asking any
/// object (so an id nobody issued instantiates nothing).
///
/// # Errors
/// 401 for a malformed, forged or another tenant's ticket — the same answer as for a
/// tenant that does not exist.
pub fn live_ticket_nonce(ctx: &Ctx, ticket: &str, tenant_id: &str) -> AppResult<String> {
    let ring = key_ring(ctx)?;
    let ring: Vec<&[u8]> = ring.iter().map(String::as_bytes).collect();
    token::verify_live_ticket(ticket, tenant_id, &ring)
        .map(str::to_owned)
        .ok_or(AppError::Problem(ProblemCode::Unauthorized))
}

/// Verifies the session token of a browser request. The token must be signed with one
/// of our keys, unexpired, and issued for an active agency and one of its origins;
/// when the request has an `Origin` header it must be the token's origin.
///
/// # Errors
/// 401 for a missing, malformed, forged or expired token; 403 `forbidden_origin` when
/// used from another origin.
pub async fn session(req: &Request, ctx: &Ctx) -> AppResult<Caller> {
    // Only from the `Authorization` header: a token in a URL ends up in logs, history
    // and `Referer`s (the widget reads SSE with fetch, which can send the header).
    let token = bearer(req).ok_or(AppError::Problem(ProblemCode::Unauthorized))?;
    if token.starts_with("sk_") || token.starts_with("pk_") {
        return Err(AppError::Problem(ProblemCode::Unauthorized));
    }
    let ring = key_ring(ctx)?;
    let ring: Vec<&[u8]> = ring.iter().map(String::as_bytes).collect();
    // One MAC per request: the signature and expiry first, then the audience read
    // from the claims themselves (an active agency with that publishable key and
    // the token's origin on its allowlist), instead of a verify per agency × origin.
    let claims =
        token::verify_signed(&token, &ring, ctx.now_secs() as i64).map_err(|e| match e {
            TokenError::Malformed
            | TokenError::BadSignature
            | TokenError::UnknownKey
            | TokenError::Expired { .. }
            | TokenError::WrongAudience => AppError::Problem(ProblemCode::Unauthorized),
        })?;
    let agency = ctx
        .registry()
        .for_token(&claims.publishable_key)
        .await?
        .filter(|a| a.allows_origin(&claims.origin))
        .ok_or(AppError::Problem(ProblemCode::Unauthorized))?;
    ctx.acting_for(&agency.id);
    if header(req, "Origin").is_some_and(|o| o != claims.origin) {
        return Err(AppError::Problem(ProblemCode::ForbiddenOrigin));
    }
    Ok(Caller {
        claims,
        agency: (*agency).clone(),
        current: None,
    })
}

/// Verifies a tenant-bound token for `tenant_id`.
///
/// # Errors
/// As [`session`], plus 403 `tenant_mismatch` for a token of another tenant (or a
/// session token not yet bound to one).
pub async fn tenant(req: &Request, ctx: &Ctx, tenant_id: &str) -> AppResult<Caller> {
    let caller = session(req, ctx).await?;
    if !caller.claims.is_for_tenant(tenant_id) {
        return Err(AppError::Problem(ProblemCode::TenantMismatch));
    }
    // A token the agency revoked (the tenant moved to a later generation) is refused;
    // an unknown (or erased) tenant is a 404. The same call reads the current status.
    let asked = CheckAccess {
        generation: caller.claims.generation,
    };
    match TenantHandle::new(&ctx.env, tenant_id)?.ask(asked).await? {
        Access::Granted { current } => Ok(Caller {
            current: Some(current),
            ..caller
        }),
        Access::Revoked => Err(AppError::Problem(ProblemCode::Unauthorized)),
        Access::Unknown => Err(AppError::Problem(ProblemCode::NotFound)),
    }
}

/// The active agency whose secret key in force is presented as
/// `Authorization: Bearer sk_…`.
///
/// # Errors
/// 401 when absent, not a secret key, or no active agency's key in force.
pub async fn agency(req: &Request, ctx: &Ctx) -> AppResult<Agency> {
    let presented = bearer(req).ok_or(AppError::Problem(ProblemCode::Unauthorized))?;
    if !presented.starts_with("sk_") || presented.len() > 256 {
        return Err(AppError::Problem(ProblemCode::Unauthorized));
    }
    let agency = ctx
        .registry()
        .for_secret_key(&presented)
        .await?
        .ok_or(AppError::Problem(ProblemCode::Unauthorized))?;
    ctx.acting_for(&agency.id);
    Ok((*agency).clone())
}

//! `POST /v1/sessions`: a publishable key and an allowed `Origin` buy a short-lived
//! session token bound to both. `POST /v1/tenants/{id}/session`: a tenant token still
//! valid buys the same token with a new expiry, while the onboarding is not complete, so
//! tokens stay short-lived and an applicant in a long KYC is not sent back to the start.

use onboarding_core::model::api::{CreateSession, SessionToken};
use onboarding_core::model::problem::ProblemCode;
use onboarding_core::token::SessionClaims;
use worker::{Request, Response};

use crate::auth;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx, header};
use crate::objects::store::Scope;
use crate::rate_limit;

/// Handler.
///
/// # Errors
/// 400 for a bad body, 403 `forbidden_origin` for an unknown key or an origin not on
/// its allowlist, 429 over the per-IP limit.
pub async fn create(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let origin = header(&req, "Origin").ok_or(AppError::Problem(ProblemCode::ForbiddenOrigin))?;
    let body: CreateSession = http::read_json(&mut req).await?;
    let agency = ctx
        .registry()
        .for_new_session(&body.publishable_key)
        .await?
        .filter(|a| a.allows_origin(&origin))
        .ok_or(AppError::Problem(ProblemCode::ForbiddenOrigin))?;
    ctx.acting_for(&agency.id);
    rate_limit::hit(
        ctx,
        &Scope::Address(auth::address_key(ctx, &ctx.client_ip)?),
        ctx.settings.sessions_per_ip,
        ctx.settings.sessions_window_seconds,
    )
    .await?;
    let ttl = ctx.settings.session_ttl_seconds;
    let expires = ctx.now_secs() + ttl;
    let claims = SessionClaims {
        publishable_key: body.publishable_key,
        origin,
        session_id: http::random_hex(16)?,
        tenant_id: None,
        expires_at: expires as i64,
        since: 0,
        generation: 0,
    };
    http::json(
        201,
        &SessionToken {
            session_token: auth::issue(ctx, &claims)?,
            expires_at: http::iso(expires * 1000),
        },
    )
}

/// `POST /v1/tenants/{id}/session`.
///
/// # Errors
/// 401/403 auth (an expired token cannot be refreshed), 404 unknown tenant, 409
/// `onboarding_complete` once every check is done.
pub async fn refresh(ctx: &Ctx, who: auth::Caller) -> AppResult<Response> {
    let current = who
        .current
        .ok_or(AppError::Problem(ProblemCode::NotFound))?
        .status;
    let claims = who.claims;
    if current.complete {
        return Err(AppError::Problem(ProblemCode::OnboardingComplete));
    }
    // Renewals end at an absolute lifetime from the tenant's first token.
    let expires = auth::tenant_token_expiry(ctx, claims.since)
        .ok_or(AppError::Problem(ProblemCode::Unauthorized))? as u64;
    let renewed = SessionClaims {
        expires_at: expires as i64,
        ..claims
    };
    http::json(
        200,
        &SessionToken {
            session_token: auth::issue(ctx, &renewed)?,
            expires_at: http::iso(expires * 1000),
        },
    )
}

//! Tenant routes.

use onboarding_core::model::TenantRequest;
use serde_json::json;
use sha2::{Digest, Sha256};
use worker::{Request, Response};

use super::service;
use crate::auth;
use crate::error::AppResult;
use crate::http::{self, Ctx};
use crate::idempotency;
use crate::rate_limit;
use crate::tenant_state::LocalChange;
use crate::tenant_state::client::TenantHandle;
use crate::upstream::screening::{Hosted, Screening};

/// A short, stable id for the session a token belongs to (its hash; never logged).
pub fn session_scope(token: &str) -> String {
    hex::encode(&Sha256::digest(token.as_bytes())[..12])
}

/// `POST /v1/tenants`.
///
/// # Errors
/// 401/403 auth, 400/415 body, 422 validation, 429 per-session limit, 409 idempotency
/// conflicts, 502/503/504 upstream.
pub async fn create(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let (claims, agency) = auth::session(&req, ctx, false)?;
    let scope = session_scope(&http::bearer(&req).unwrap_or_default());
    let key = http::idempotency_key(&req)?;
    let ct = http::header(&req, "Content-Type").unwrap_or_default();
    if !ct.to_ascii_lowercase().starts_with("application/json") {
        return Err(crate::error::AppError::UnsupportedMediaType);
    }
    let bytes = http::read_limited(&mut req, http::MAX_JSON_BYTES)
        .await
        .map_err(|_| crate::error::AppError::BadRequest("body_too_large"))?;
    let mut body: TenantRequest = http::parse_json(&bytes)?;
    service::validate(&mut body, ctx)?;
    let fingerprint = idempotency::fingerprint(&[b"tenant", &bytes]);
    idempotency::run(
        ctx,
        &format!("tenants:{scope}"),
        key,
        fingerprint,
        || async {
            rate_limit::hit(
                ctx,
                &format!("tenants:{scope}"),
                ctx.settings.tenants_per_session,
                ctx.settings.tenants_window_seconds,
            )
            .await?;
            let created = service::create(ctx, &body, &claims, &agency).await?;
            Ok((201, serde_json::to_value(created)?))
        },
    )
    .await
}

/// `GET /v1/tenants/{id}/status`.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant.
pub async fn status(req: Request, ctx: &Ctx, tenant_id: &str) -> AppResult<Response> {
    auth::tenant(&req, ctx, tenant_id, false)?;
    let entry = TenantHandle::new(&ctx.env, tenant_id)?.status().await?;
    http::json(200, &entry.status)
}

/// `POST /v1/tenants/{id}/clave|kyc|bank-connections`.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant, 502/503/504 upstream.
pub async fn start(req: Request, ctx: &Ctx, tenant_id: &str, page: Hosted) -> AppResult<Response> {
    auth::tenant(&req, ctx, tenant_id, false)?;
    let handle = TenantHandle::new(&ctx.env, tenant_id)?;
    handle.status().await?;
    let session = Screening::new(&ctx.env, &ctx.settings)?
        .start(tenant_id, page)
        .await?;
    let (step, field) = match page {
        Hosted::Clave => ("clave", "redirectUrl"),
        Hosted::Kyc => ("kyc", "verificationUrl"),
        Hosted::Bank => ("bank", "connectUrl"),
    };
    if !(session.url.starts_with("https://") || session.url.starts_with("http://")) {
        return Err(crate::error::AppError::UpstreamFailed(
            "screening: hosted page without a URL".into(),
        ));
    }
    handle
        .local(&LocalChange::Started {
            step: step.to_owned(),
        })
        .await?;
    http::json(200, &json!({ field: session.url }))
}

//! `POST /v1/sessions`: an allowed `Origin` and either an agency's client token (made
//! by its server with `POST /v1/agency/sessions`, the recommended way) or its
//! publishable key alone buy a short-lived session token bound to both.
//! `POST /v1/tenants/{id}/session`: a tenant token still valid buys the same token with
//! a new expiry, while the onboarding is not complete, so tokens stay short-lived and
//! an applicant in a long KYC is not sent back to the start.

pub mod client_token;

use onboarding_core::client_session::{self, CLIENT_TOKEN_DEFAULT_SECONDS};
use onboarding_core::model::api::{
    ClientSession, CreateClientSession, CreateSession, Granted, SessionToken,
};
use onboarding_core::model::problem::ProblemCode;
use onboarding_core::token::SessionClaims;
use onboarding_core::validate::Date;
use worker::{Request, Response};

use crate::auth;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx, header};
use crate::objects::store::{KvBind, Scope, Store};
use crate::rate_limit;
use crate::registry::Agency;

/// The key a session's store marks its client token used under.
const USED: &str = "client-token";

/// Handler.
///
/// # Errors
/// 400 for a bad body (neither or both credentials), 401 `client_token_invalid` for a
/// client token that is expired, used or not ours, 403 `forbidden_origin` for an
/// unknown key or an origin not on the agency's allowlist, 429 over the per-IP limit.
pub async fn create(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let origin = header(&req, "Origin").ok_or(AppError::Problem(ProblemCode::ForbiddenOrigin))?;
    let body: CreateSession = http::read_json(&mut req).await?;
    let opened = match (body.publishable_key, body.client_token) {
        (Some(key), None) => Opened {
            agency: ctx
                .registry()
                .for_new_session(&key)
                .await?
                .filter(|a| a.allows_origin(&origin))
                .ok_or(AppError::Problem(ProblemCode::ForbiddenOrigin))?,
            publishable_key: key,
            session_id: http::random_hex(16)?,
            expires: ctx.now_secs() + ctx.settings.session_ttl_seconds,
            sealed: None,
        },
        (None, Some(token)) => open_client_token(ctx, &token, &origin).await?,
        _ => return Err(AppError::Problem(ProblemCode::InvalidBody)),
    };
    ctx.acting_for(&opened.agency.id);
    rate_limit::hit(
        ctx,
        &Scope::Address(auth::address_key(ctx, &ctx.client_ip)?),
        ctx.settings.sessions_per_ip,
        ctx.settings.sessions_window_seconds,
    )
    .await?;
    if let Some(sealed) = &opened.sealed {
        mark_used(ctx, &sealed.session).await?;
    }
    let claims = SessionClaims {
        publishable_key: opened.publishable_key,
        origin,
        session_id: opened.session_id,
        tenant_id: None,
        expires_at: opened.expires as i64,
        since: 0,
        generation: 0,
        grant: opened.sealed.as_ref().map(client_token::Sealed::grant),
    };
    http::json(
        201,
        &SessionToken {
            session_token: auth::issue(ctx, &claims)?,
            expires_at: http::iso(opened.expires * 1000),
            granted: opened.sealed.map(|s| Granted {
                prefill: s.prefill,
                locale: s.locale,
            }),
        },
    )
}

/// A session about to be opened: for whom, under which key, until when.
struct Opened {
    agency: std::rc::Rc<Agency>,
    publishable_key: String,
    session_id: String,
    /// Unix seconds.
    expires: u64,
    /// A client token's grant.
    sealed: Option<client_token::Sealed>,
}

/// A client token's session: the agency it was made for (still active, the origin on
/// its allowlist), its session id, and an expiry at the token's.
async fn open_client_token(ctx: &Ctx, token: &str, origin: &str) -> AppResult<Opened> {
    let invalid = || AppError::Problem(ProblemCode::ClientTokenInvalid);
    let ring = auth::key_ring(ctx)?;
    let ring: Vec<&[u8]> = ring.iter().map(String::as_bytes).collect();
    let sealed = client_token::open(token, &ring, ctx.now_secs() as i64).ok_or_else(invalid)?;
    // The key it names may have been rotated away since: it proved itself when the
    // token was made (as a session token's does), and the token expires by itself.
    let agency = ctx
        .registry()
        .for_token(&sealed.publishable_key)
        .await?
        .filter(|a| a.id == sealed.agency)
        .ok_or_else(invalid)?;
    if !agency.allows_origin(origin) {
        return Err(AppError::Problem(ProblemCode::ForbiddenOrigin));
    }
    Ok(Opened {
        agency,
        publishable_key: sealed.publishable_key.clone(),
        session_id: sealed.session.clone(),
        expires: sealed.expires_at.max(0) as u64,
        sealed: Some(sealed),
    })
}

/// Single use: the first opening marks the token's session store (the store its tenant
/// creation uses next, so it is warm); any later one is refused.
async fn mark_used(ctx: &Ctx, session: &str) -> AppResult<()> {
    let mark = http::random_hex(16)?;
    let bound = Store::of(&ctx.env, &Scope::Session(session.to_owned()))?
        .ask(KvBind {
            k: USED.into(),
            v: mark.clone(),
        })
        .await?;
    if bound.as_deref() == Some(mark.as_str()) {
        Ok(())
    } else {
        Err(AppError::Problem(ProblemCode::ClientTokenInvalid))
    }
}

/// `POST /v1/agency/sessions`: a client token for one applicant's visit.
///
/// # Errors
/// 400/415 body, 422 with every field error, 401 auth, 503 when the agency has no
/// publishable key in force.
pub async fn create_client(mut req: Request, ctx: &Ctx, agency: &Agency) -> AppResult<Response> {
    let mut body: CreateClientSession = http::read_json(&mut req).await?;
    let today = Date::from_unix_seconds(ctx.now_secs() as i64);
    client_session::normalize_and_validate_client_session(&mut body, today)
        .map_err(AppError::Validation)?;
    let publishable_key =
        ctx.registry()
            .publishable_key_of(&agency.id)
            .await?
            .ok_or(AppError::Config(
                "the agency has no publishable key in force",
            ))?;
    let expires =
        ctx.now_secs() + u64::from(body.expires_in.unwrap_or(CLIENT_TOKEN_DEFAULT_SECONDS));
    let sealed = client_token::Sealed {
        agency: agency.id.clone(),
        publishable_key,
        session: http::random_hex(16)?,
        expires_at: expires as i64,
        external_reference: body.external_reference,
        product_id: body.product_id,
        requested_amount: body.requested_amount,
        prefill: body.prefill,
        locale: body.locale,
    };
    let key = auth::key_ring(ctx)?.swap_remove(0);
    let token = client_token::seal(
        &sealed,
        key.as_bytes(),
        crate::runtime::random_bytes()?,
        crate::runtime::random_bytes()?,
    );
    http::json(
        201,
        &ClientSession {
            client_token: token,
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
            granted: None,
        },
    )
}

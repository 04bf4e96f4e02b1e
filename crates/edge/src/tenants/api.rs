//! Tenant routes.

use onboarding_core::model::TenantRequest;
use onboarding_core::model::api::{HostedPage, HostedStarted, LiveTicket, StartHosted};
use onboarding_core::model::problem::ProblemCode;
use onboarding_core::validate;
use worker::{Request, Response};

use super::service;
use crate::auth;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::idempotency::{self, Done, Guard, Record, Taken};
use crate::objects::store::{Scope, TenantScope};
use crate::objects::tenant::{
    Grant, IssueTicket, LocalChange, TICKET_SECONDS, TenantHandle, Watch,
};
use crate::rate_limit;
use crate::upstream::screening::{Screening, StartOptions};

/// Longest accepted `returnUrl`.
const MAX_RETURN_URL: usize = 2048;

/// A `returnUrl` is accepted only as an absolute http(s) URL on the origin the session
/// was opened from (so a hosted page can never link the applicant somewhere else).
fn checked_return_url(url: &str, session_origin: &str) -> AppResult<String> {
    let invalid = || {
        AppError::Validation(vec![validate::ValidationError::new(
            "returnUrl",
            validate::Code::InvalidFormat,
        )])
    };
    if url.len() > MAX_RETURN_URL {
        return Err(invalid());
    }
    let parsed = worker::Url::parse(url).map_err(|_| invalid())?;
    if !matches!(parsed.scheme(), "http" | "https")
        || parsed.host_str().is_none()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.origin().ascii_serialization() != session_origin
    {
        return Err(invalid());
    }
    Ok(parsed.to_string())
}

/// `POST /v1/tenants`.
///
/// # Errors
/// 401/403 auth, 400/415 body, 422 validation or `idempotency_key_reused`, 429
/// per-session limit, 409 `idempotency_in_progress`, 502/503/504 upstream.
pub async fn create(mut req: Request, ctx: &Ctx, who: auth::Caller) -> AppResult<Response> {
    let auth::Caller { claims, agency, .. } = who;
    let key = http::idempotency_key(&req)?;
    let upstream_key = key
        .as_deref()
        .map(|k| service::upstream_key(&claims.session_id, k));
    let ct = http::header(&req, "Content-Type").unwrap_or_default();
    if !onboarding_core::media_type::is_json(&ct) {
        return Err(crate::error::AppError::Problem(
            ProblemCode::UnsupportedMediaType,
        ));
    }
    let bytes = http::read_body(&mut req, http::MAX_JSON_BYTES).await?;
    let mut body: TenantRequest = http::parse_json(&bytes)?;
    service::granted(&mut body, &claims)?;
    service::validate(&mut body, ctx)?;
    // The session's tenant limit lives in the store of its keys: taking a key and
    // counting the tenant are one call (a request without a key counts there too),
    // side by side with the agency's daily budget.
    let guard = Guard {
        scope: Scope::Session(claims.session_id.clone()),
        fingerprint: idempotency::fingerprint(&[b"tenant", &bytes]),
        lease_ms: idempotency::tenant_lease_ms(&ctx.settings),
        charge: vec![
            rate_limit::Counter::hits(
                service::tenants_per_session(ctx, &claims),
                ctx.settings.tenants_window_seconds,
            )
            .check(ctx, "tenants", 1, false),
        ],
        key,
    };
    let budget = crate::budget::reserve(ctx, &agency, crate::budget::Spend::Tenants);
    let (run, reserved) = match idempotency::take(ctx, guard, budget).await? {
        Taken::Replay(replay) => return replay.respond(),
        Taken::Run(run, reserved) => (run, reserved),
    };
    // Two object round trips on the critical path: taking the key (with the limits)
    // and binding the tenant. A failure after the upstream call never leads to a
    // second upstream tenant: the upstream's own key (derived from ours) makes the
    // retry's call answer the tenant the first one created, so nothing needs to be
    // recorded in between, and the replay record is written after the reply.
    let created = async {
        let tenant_id =
            service::create_upstream(ctx, &body, &agency, upstream_key.as_deref()).await?;
        // The upstream tenant exists: the agency's budget pays for it.
        reserved.keep();
        let created = service::bind(ctx, &body, &claims, &agency, tenant_id).await?;
        // Erasure finds the replay by its tenant and turns it into a 404.
        let subject = Some(created.tenant_id.clone());
        Ok(Done {
            answer: created,
            content: None,
            subject,
        })
    }
    .await;
    run.conclude(201, created, Record::AfterReply).await
}

/// `GET /v1/tenants/{id}/status`: as read with the access check (one object call).
///
/// # Errors
/// 401/403 auth, 404 unknown tenant.
pub fn status(who: &auth::Caller) -> AppResult<Response> {
    let entry = who
        .current
        .as_ref()
        .ok_or(AppError::Problem(ProblemCode::NotFound))?;
    http::json(200, &entry.status)
}

/// `POST /v1/tenants/{id}/live-tickets`: a single-use ticket for one live status
/// connection, living as long as the asking token.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant.
pub async fn live_ticket(ctx: &Ctx, who: &auth::Caller, tenant_id: &str) -> AppResult<Response> {
    let (ticket, nonce) = auth::live_ticket(ctx, tenant_id)?;
    let asked = IssueTicket {
        nonce,
        expires_at: who.claims.expires_at.max(0) as u64,
    };
    let recorded = TenantHandle::new(&ctx.env, tenant_id)?.ask(asked).await?;
    if !recorded {
        return Err(AppError::Problem(ProblemCode::NotFound));
    }
    http::json(
        201,
        &LiveTicket {
            ticket,
            expires_in: TICKET_SECONDS,
        },
    )
}

/// `GET /v1/tenants/{id}/live?ticket=…[&after=<seq>]` with `Upgrade: websocket`: the
/// live status, one [`onboarding_core::model::api::StatusEntry`] JSON text per change
/// (first the current status, or with `after` the entries after it). A browser cannot
/// send a header with a WebSocket, so the credential is the single-use ticket (no
/// long-lived token in a URL). The object takes the connection itself; it closes with
/// 4001 when the token behind the ticket expires (get a new ticket, reconnect with
/// `after`) and 4002 when a newer connection replaced it.
///
/// # Errors
/// 426 without an upgrade, 400 malformed `after`, 401 for anything else that does not
/// open: a missing, forged, another tenant's, used, stale or revoked ticket, and an
/// unknown or erased tenant alike.
pub async fn live(req: Request, ctx: &Ctx, tenant_id: &str) -> AppResult<Response> {
    if !http::header(&req, "Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        return Err(AppError::Problem(ProblemCode::UpgradeRequired));
    }
    let url = req.url()?;
    let (mut ticket, mut after) = (None, None);
    for (k, v) in url.query_pairs() {
        match &*k {
            "ticket" => ticket = Some(v.into_owned()),
            "after" => {
                after = Some(
                    v.parse::<i64>()
                        .map_err(|_| AppError::Problem(ProblemCode::InvalidLastEventId))?
                        .max(0),
                );
            }
            _ => {}
        }
    }
    // Checked here, before any object: a made-up id or another tenant's ticket is
    // refused without instantiating anything, with the same answer as a used or stale
    // ticket of an existing tenant (and as an erased one).
    let nonce = auth::live_ticket_nonce(ctx, &ticket.unwrap_or_default(), tenant_id)?;
    TenantHandle::new(&ctx.env, tenant_id)?
        .connect(&Watch {
            after,
            grant: Grant::Ticket(nonce),
            cap: ctx.settings.status_connections_per_tenant,
        })
        .await
        .map_err(|e| match e {
            AppError::Problem(ProblemCode::NotFound) => {
                AppError::Problem(ProblemCode::Unauthorized)
            }
            e => e,
        })
}

/// `POST /v1/tenants/{id}/clave|kyc|bank-connections`, optional body `{"returnUrl"}`.
/// The hosted page is started in the applicant's negotiated locale.
///
/// # Errors
/// 401/403 auth, 400 bad body, 422 `returnUrl` not an http(s) URL on the session's
/// origin, 404 unknown tenant, 429 too many starts of this page for the tenant,
/// 502 when the upstream's page is not on an allowed origin, 502/503/504 upstream.
pub async fn start(
    mut req: Request,
    ctx: &Ctx,
    who: auth::Caller,
    tenant_id: &str,
    page: HostedPage,
) -> AppResult<Response> {
    let claims = who.claims;
    let bytes = http::read_body(&mut req, http::MAX_JSON_BYTES).await?;
    let body: StartHosted = http::parse_optional_json(&bytes)?;
    let return_url = body
        .return_url
        .filter(|u| !u.is_empty())
        .map(|u| checked_return_url(&u, &claims.origin))
        .transpose()?;
    let handle = TenantHandle::new(&ctx.env, tenant_id)?;
    // Each start is a paid upstream session: bounded per tenant and page. Whether the
    // tenant exists (404 first) is asked at the same time.
    let scope = Scope::Tenant(tenant_id.to_owned(), TenantScope::HostedStarts(page));
    let limit = rate_limit::hit(
        ctx,
        &scope,
        ctx.settings.hosted_starts_per_tenant,
        ctx.settings.hosted_starts_window_seconds,
    );
    let budget = crate::budget::reserve(ctx, &who.agency, crate::budget::Spend::HostedStarts);
    let (exists, limited, reserved) =
        futures_util::future::join3(handle.status(), limit, budget).await;
    exists?;
    limited?;
    let reserved = reserved?;
    let options = StartOptions {
        return_url,
        locale: ctx.locale.as_str().to_owned(),
    };
    let session = Screening::new(ctx)?
        .start(tenant_id, page, &options)
        .await?;
    reserved.keep();
    let step = page.step();
    // Exactly an allowed origin (not a prefix: `…:8787.evil.example` or `…@evil`
    // would pass one), https outside dev; the URL itself is never logged.
    if !onboarding_core::hosted_url::is_allowed(
        &session.url,
        &ctx.settings.hosted_page_origins,
        ctx.settings.hosted_pages_require_https,
    ) {
        return Err(AppError::UpstreamFailed(format!(
            "screening: {step} hosted page URL not on the allowlist"
        )));
    }
    handle
        .local(LocalChange::Started {
            step: page.startable(),
        })
        .await?;
    http::json(200, &HostedStarted::new(page, session.url))
}

#[cfg(test)]
mod tests {
    use super::checked_return_url;

    #[test]
    fn return_url_must_be_on_the_session_origin() {
        let o = "http://127.0.0.1:8787";
        assert_eq!(
            checked_return_url("http://127.0.0.1:8787/apply?step=kyc", o).unwrap(),
            "http://127.0.0.1:8787/apply?step=kyc"
        );
        for bad in [
            "https://evil.example/",
            "javascript:alert(1)",
            "http://127.0.0.1:8787.evil.example/",
            "http://user@127.0.0.1:8787/",
            "//127.0.0.1:8787/",
            "/relative",
            "data:text/html,x",
            "http://127.0.0.1:8788/",
        ] {
            assert!(checked_return_url(bad, o).is_err(), "{bad}");
        }
    }
}

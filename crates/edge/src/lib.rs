//! onboarding-edge: the Cloudflare Worker that stands between the widget and the
//! upstream services. This file is the entry point only: it matches the route, sets up
//! the request context, applies CORS and writes one log line per request. Each
//! resource lives in its own module; rules live in `onboarding-core`.

pub mod agency;
pub mod auth;
pub mod budget;
pub mod config;
pub mod console;
pub mod cors;
pub mod documents;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod identity;
pub mod objects;
pub mod openapi;
pub mod rate_limit;
pub mod registry;
pub mod relay;
pub mod routes;
pub mod runtime;
pub mod sessions;
pub mod sql;
pub mod tenants;
pub mod upstream;
pub mod webhooks;
pub mod widget;

use onboarding_core::i18n::Locale;
use onboarding_core::model::problem::ProblemCode;
use worker::{Context, Env, MessageBatch, Request, Response, Result, event};

use crate::config::Settings;
use crate::error::AppError;
use crate::http::Ctx;
use crate::routes::Route;

#[event(fetch)]
async fn fetch(req: Request, env: Env, waiter: Context) -> Result<Response> {
    let started = http::now_ms();
    let request_id = http::random_hex(8).unwrap_or_else(|_| "0".into());
    let locale = Locale::negotiate(&http::header(&req, "Accept-Language").unwrap_or_default());
    let method = req.method();
    let path = req.path();
    let origin = http::header(&req, "Origin");

    let settings = Settings::from_env(&env);
    if path == "/sandbox" || path.starts_with("/sandbox/") {
        // Dev wiring: the sandbox's hosted pages open in the applicant's browser
        // through the edge. Only in dev (DEV_WIRING); elsewhere there is nothing here,
        // and a sandbox binding outside dev is a configuration error (503).
        match settings {
            Ok(ref s) if s.dev_wiring => {
                if let Ok(sandbox) = env.service("SANDBOX") {
                    return sandbox.fetch_request(req).await;
                }
                return AppError::Problem(ProblemCode::NotFound).into_response(locale);
            }
            Ok(_) => return AppError::Problem(ProblemCode::NotFound).into_response(locale),
            Err(e) => return e.into_response(locale),
        }
    }

    if (path.starts_with("/cdn-cgi/access/")) && settings.as_ref().is_ok_and(|s| s.dev_wiring) {
        // Dev wiring: the sandbox plays Cloudflare Access on the console's host, as
        // Access itself does in production (sign-in, sign-out, its keys).
        if let Ok(sandbox) = env.service("SANDBOX") {
            return sandbox.fetch_request(req).await;
        }
    }

    if path == "/console" || path.starts_with("/console/") {
        // The agency console: its own group, its own callers (staff signed in with
        // Cloudflare Access), HTML pages rather than problem+json.
        return match settings {
            Ok(settings) => {
                let ctx = request_ctx(&env, settings, locale, &request_id, &req, started, waiter);
                let resp = console::serve(req, &ctx).await;
                if ctx.settings.log_requests {
                    worker::console_log!(
                        "{}",
                        serde_json::json!({
                            "requestId": request_id,
                            "agency": ctx.agency_id.borrow().clone(),
                            "method": method.to_string(),
                            "route": "console",
                            "status": resp.as_ref().map(Response::status_code).unwrap_or(500),
                            "durationMs": http::now_ms().saturating_sub(started),
                        })
                    );
                }
                resp
            }
            Err(e) => e.into_response(locale),
        };
    }

    if path == "/widget" || path.starts_with("/widget/") {
        // The widget's releases (the append-only release store), public and static.
        return widget::serve(&req, &env, &path).await;
    }

    if let Some(tenant_id) = path
        .strip_prefix("/_dev/tenants/")
        .and_then(|rest| rest.strip_suffix("/served"))
    {
        // Dev diagnostics (DEV_WIRING only): how many requests a tenant's object has
        // served, so a test can show that open status connections add none.
        return match settings {
            Ok(ref s) if s.dev_wiring => {
                match objects::tenant::TenantHandle::new(&env, tenant_id) {
                    Ok(handle) => match handle.ask(objects::tenant::ReadServed {}).await {
                        Ok(served) => Response::from_json(&served),
                        Err(e) => e.into_response(locale),
                    },
                    Err(e) => e.into_response(locale),
                }
            }
            Ok(_) => AppError::Problem(ProblemCode::NotFound).into_response(locale),
            Err(e) => e.into_response(locale),
        };
    }

    let matched = routes::match_route(&method, &path);
    let template = match &matched {
        Ok((route, _)) => route.template,
        Err(_) => "unmatched",
    };
    let cors_policy = routes::cors_for(&path);
    let ray = http::header(&req, "cf-ray");

    let ctx = settings
        .map(|settings| request_ctx(&env, settings, locale, &request_id, &req, started, waiter));
    let calls_before = objects::call::object_calls();
    let has_address = http::header(&req, "CF-Connecting-IP").is_some();
    let result = match (matched, &ctx) {
        (Ok((route, _)), Ok(ctx))
            if refuse_addressless(route.op, has_address, ctx.settings.dev_wiring) =>
        {
            Err(AppError::Problem(ProblemCode::ClientAddressMissing))
        }
        (Ok((route, params)), Ok(ctx)) => dispatch(route, params, req, ctx).await,
        (_, Err(e)) => Err(e.clone()),
        (Err(e), _) => Err(e),
    };
    let agency_id = ctx.as_ref().ok().and_then(|c| c.agency_id.borrow().clone());

    let mut resp = match result {
        Ok(resp) => resp,
        Err(e) => {
            if let Some(detail) = e.log_detail() {
                worker::console_error!(
                    "{}",
                    serde_json::json!({"requestId": request_id, "ray": ray, "agency": agency_id, "route": template, "error": detail})
                );
            }
            e.into_response(locale)?
        }
    };
    let headers = resp.headers_mut();
    let _ = headers.set("Request-Id", &request_id);
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    if ctx.as_ref().is_ok_and(|c| c.settings.dev_wiring) {
        // Object round trips before the reply (exact when requests do not overlap in
        // this isolate, as in `make bench`'s serial run); dev only.
        let calls = objects::call::object_calls().wrapping_sub(calls_before);
        let _ = headers.set("X-Dev-Object-Calls", &calls.to_string());
    }
    let registry = ctx.as_ref().ok().map(Ctx::registry);
    cors::apply(headers, cors_policy, origin.as_deref(), registry.as_ref()).await;
    if ctx.as_ref().map_or(true, |c| c.settings.log_requests) {
        worker::console_log!(
            "{}",
            serde_json::json!({
                "requestId": request_id,
                "ray": ray,
                "agency": agency_id,
                "method": method.to_string(),
                "route": template,
                "status": resp.status_code(),
                "durationMs": http::now_ms().saturating_sub(started),
            })
        );
    }
    Ok(resp)
}

/// The context of one request (the API's routes and the console alike).
fn request_ctx(
    env: &Env,
    settings: Settings,
    locale: Locale,
    request_id: &str,
    req: &Request,
    started: u64,
    waiter: Context,
) -> Ctx {
    Ctx {
        env: env.clone(),
        settings,
        locale,
        request_id: request_id.to_owned(),
        client_ip: http::header(req, "CF-Connecting-IP").unwrap_or_else(|| "0.0.0.0".into()),
        now_ms: started,
        agency_id: Default::default(),
        waiter: Some(waiter),
    }
}

/// Whether a request without `CF-Connecting-IP` is refused: Cloudflare always sets
/// it, so outside dev a request without it did not come through Cloudflare (and would
/// share one address counter with every other such request). Health checks pass.
fn refuse_addressless(op: routes::Op, has_address: bool, dev_wiring: bool) -> bool {
    !has_address && !dev_wiring && op != routes::Op::Public(routes::PublicOp::Health)
}

/// Runs the route's handler after verifying the credentials its group requires: each
/// inner `match` is exhaustive over its group, so a route without a handler, or a
/// handler reached without its auth, does not compile.
async fn dispatch(
    route: &'static Route,
    p: Vec<String>,
    req: Request,
    ctx: &Ctx,
) -> std::result::Result<Response, AppError> {
    use routes::{AgencyOp, Op, PublicOp, SessionOp, SignedOp, TenantOp};
    let first = p.first().map(String::as_str).unwrap_or_default();
    let second = p.get(1).map(String::as_str).unwrap_or_default();
    match route.op {
        Op::Public(op) => match op {
            PublicOp::Health => http::json(
                200,
                &onboarding_core::model::api::Health {
                    status: "ok".into(),
                },
            ),
            PublicOp::OpenApi => openapi::serve(),
            PublicOp::CreateSession => sessions::create(req, ctx).await,
            PublicOp::Preflight => cors::preflight(&req, ctx, routes::cors_for(&req.path())).await,
            PublicOp::Live => tenants::api::live(req, ctx, first).await,
        },
        Op::Session(op) => {
            let who = auth::session(&req, ctx).await?;
            match op {
                SessionOp::CreateTenant => tenants::api::create(req, ctx, who).await,
            }
        }
        Op::Tenant(op) => {
            let who = auth::tenant(&req, ctx, first).await?;
            let id = first;
            match op {
                TenantOp::Status => tenants::api::status(&who),
                TenantOp::Events => tenants::events::events(req, ctx, &who, id).await,
                TenantOp::LiveTicket => tenants::api::live_ticket(ctx, &who, id).await,
                TenantOp::RefreshSession => sessions::refresh(ctx, who).await,
                TenantOp::UploadDocument => documents::api::upload(req, ctx, &who.agency, id).await,
                TenantOp::ListDocuments => documents::api::list(ctx, id).await,
                TenantOp::StartHosted(page) => tenants::api::start(req, ctx, who, id, page).await,
                TenantOp::StartInquiry => identity::inquire(req, ctx, who, id).await,
                TenantOp::AnswerInquiry => identity::answer(req, ctx, &who, id, second).await,
            }
        }
        Op::Agency(op) => {
            let agency = auth::agency(&req, ctx).await?;
            match op {
                AgencyOp::CreateClientSession => sessions::create_client(req, ctx, &agency).await,
                AgencyOp::List => agency::list(&req, ctx, &agency).await,
                AgencyOp::Tenant => agency::tenant(ctx, &agency, first).await,
                AgencyOp::Erase => agency::erased(&agency::erase(ctx, &agency, first).await?),
                AgencyOp::DocumentContent => {
                    agency::document_content(ctx, &agency, first, second).await
                }
                AgencyOp::Forensic => {
                    http::json(202, &agency::forensic(ctx, &agency, first).await?)
                }
                AgencyOp::RevokeAccess => {
                    http::json(200, &agency::revoke_access(ctx, &agency, first).await?)
                }
                AgencyOp::Decision => agency::decision(req, ctx, &agency, first).await,
                AgencyOp::Undelivered => http::json(200, &agency::undelivered(ctx, &agency).await?),
                AgencyOp::Replay => http::json(202, &agency::replay(ctx, &agency, first).await?),
            }
        }
        Op::Signed(op) => {
            let body = webhooks::verified_body(req, ctx).await?;
            match op {
                SignedOp::SkorWebhook => webhooks::skor(body, ctx).await,
            }
        }
    }
}

#[event(queue)]
async fn queue(
    batch: MessageBatch<relay::queue::RelayMessage>,
    env: Env,
    _ctx: Context,
) -> Result<()> {
    relay::consumer::consume(batch, env).await
}

#[cfg(test)]
mod tests {
    use super::refuse_addressless;
    use crate::routes::{Op, PublicOp, SessionOp};

    #[test]
    fn addressless_requests() {
        let session = Op::Public(PublicOp::CreateSession);
        assert!(refuse_addressless(session, false, false));
        assert!(refuse_addressless(
            Op::Session(SessionOp::CreateTenant),
            false,
            false
        ));
        assert!(!refuse_addressless(session, true, false), "with the header");
        assert!(!refuse_addressless(session, false, true), "in dev");
        assert!(!refuse_addressless(
            Op::Public(PublicOp::Health),
            false,
            false
        ));
    }
}

//! onboarding-edge: the Cloudflare Worker that stands between the widget and the
//! upstream services. This file is the entry point only: it matches the route, sets up
//! the request context, applies CORS and writes one log line per request. Each
//! resource lives in its own module; rules live in `onboarding-core`.

pub mod agency;
pub mod auth;
pub mod config;
pub mod cors;
pub mod documents;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod identity;
pub mod ledger;
pub mod openapi;
pub mod rate_limit;
pub mod relay;
pub mod routes;
pub mod sessions;
pub mod tenant_state;
pub mod tenants;
pub mod upstream;
pub mod webhooks;

use onboarding_core::i18n::Locale;
use worker::{Context, Env, MessageBatch, Request, Response, Result, event};

use crate::config::Settings;
use crate::error::AppError;
use crate::http::Ctx;
use crate::routes::Route;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let started = http::now_ms();
    let request_id = http::random_hex(8).unwrap_or_else(|_| "0".into());
    let locale = Locale::negotiate(&http::header(&req, "Accept-Language").unwrap_or_default());
    let method = req.method();
    let path = req.path();
    let origin = http::header(&req, "Origin");

    if path == "/sandbox" || path.starts_with("/sandbox/") {
        // Dev wiring: the sandbox's hosted pages open in the applicant's browser
        // through the edge. Without the binding (production) there is nothing here.
        if let Ok(sandbox) = env.service("SANDBOX") {
            return sandbox.fetch_request(req).await;
        }
        return AppError::NotFound.into_response(locale);
    }

    let matched = routes::match_route(&method, &path);
    let template = match &matched {
        Ok((route, _)) => route.template,
        Err(_) => "unmatched",
    };
    let cors_policy = routes::cors_for(&path);

    let result = match matched {
        Ok((route, params)) => match Settings::from_env(&env) {
            Ok(settings) => {
                let client_ip =
                    http::header(&req, "CF-Connecting-IP").unwrap_or_else(|| "0.0.0.0".into());
                let ctx = Ctx {
                    env: env.clone(),
                    settings,
                    locale,
                    request_id: request_id.clone(),
                    client_ip,
                    now_ms: started,
                };
                dispatch(route, params, req, &ctx).await
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };

    let mut resp = match result {
        Ok(resp) => resp,
        Err(e) => {
            if let Some(detail) = e.log_detail() {
                worker::console_error!(
                    "{}",
                    serde_json::json!({"requestId": request_id, "route": template, "error": detail})
                );
            }
            e.into_response(locale)?
        }
    };
    let headers = resp.headers_mut();
    let _ = headers.set("Request-Id", &request_id);
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    cors::apply(headers, cors_policy, origin.as_deref(), &env);
    if Settings::log_requests(&env) {
        worker::console_log!(
            "{}",
            serde_json::json!({
                "requestId": request_id,
                "method": method.to_string(),
                "route": template,
                "status": resp.status_code(),
                "durationMs": http::now_ms().saturating_sub(started),
            })
        );
    }
    Ok(resp)
}

async fn dispatch(
    route: &'static Route,
    p: Vec<String>,
    req: Request,
    ctx: &Ctx,
) -> std::result::Result<Response, AppError> {
    use upstream::screening::Hosted;
    let id = || p.first().cloned().unwrap_or_default();
    match route.template {
        "/healthz" => http::json(200, &serde_json::json!({"status": "ok"})),
        "/v1/openapi.json" => openapi::serve(),
        "OPTIONS *" => cors::preflight(&req, ctx, routes::cors_for(&req.path())),
        "/v1/sessions" => sessions::create(req, ctx).await,
        "/v1/tenants" => tenants::api::create(req, ctx).await,
        "/v1/tenants/{tenantId}/status" => tenants::api::status(req, ctx, &id()).await,
        "/v1/tenants/{tenantId}/events" => tenant_state::sse::events(req, ctx, &id()).await,
        "/v1/tenants/{tenantId}/session" => sessions::refresh(req, ctx, &id()).await,
        "/v1/tenants/{tenantId}/documents" => {
            if req.method() == worker::Method::Get {
                documents::api::list(req, ctx, &id()).await
            } else {
                documents::api::upload(req, ctx, &id()).await
            }
        }
        "/v1/tenants/{tenantId}/clave" => tenants::api::start(req, ctx, &id(), Hosted::Clave).await,
        "/v1/tenants/{tenantId}/kyc" => tenants::api::start(req, ctx, &id(), Hosted::Kyc).await,
        "/v1/tenants/{tenantId}/bank-connections" => {
            tenants::api::start(req, ctx, &id(), Hosted::Bank).await
        }
        "/v1/tenants/{tenantId}/identity-inquiries" => identity::inquire(req, ctx, &id()).await,
        "/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers" => {
            identity::answer(req, ctx, &id(), &p[1]).await
        }
        "/v1/agency/tenants/{tenantId}" => agency::tenant(req, ctx, &id()).await,
        "/v1/agency/tenants/{tenantId}/documents/{documentId}/content" => {
            agency::document_content(req, ctx, &id(), &p[1]).await
        }
        "/v1/agency/tenants/{tenantId}/forensic-analysis" => {
            agency::forensic(req, ctx, &id()).await
        }
        "/v1/agency/identity-inquiries/{inquiryId}/decision" => {
            agency::decision(req, ctx, &id()).await
        }
        "/v1/agency/webhooks/undelivered" => agency::undelivered(req, ctx).await,
        "/webhooks/skor" => webhooks::skor(req, ctx).await,
        _ => Err(AppError::NotFound),
    }
}

#[event(queue)]
async fn queue(batch: MessageBatch<relay::RelayMessage>, env: Env, _ctx: Context) -> Result<()> {
    relay::consume(batch, env).await
}

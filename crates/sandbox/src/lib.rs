//! skor-sandbox: the upstream tenant-screening and identity-decision services, played
//! offline with state, hosted pages and signed webhooks (see README.md).
//!
//! The Worker answers `/healthz` itself and hands every other request to the one
//! [`object::SandboxState`] Durable Object. Paths may carry a leading `/sandbox` (how
//! the edge forwards them in dev); hosted-page URLs keep it. `/cdn-cgi/access/*` plays
//! Cloudflare Access for the agency console (see [`access`]).

pub mod access;
pub mod analysis;
pub mod documents;
pub mod hosted;
pub mod http;
pub mod identity;
pub mod multipart;
pub mod object;
pub mod outcomes;
pub mod pdf;
pub mod store;
pub mod tenants;
pub mod webhooks;

use worker::{Context, Env, Request, Response, Result, event};

/// Durable Object binding (see wrangler.toml).
const STATE_BINDING: &str = "SANDBOX_STATE";
/// The one instance's name.
const STATE_NAME: &str = "skor";

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let (_, path) = object::split_prefix(&path);
    if path == "/healthz" {
        return Response::from_json(
            &serde_json::json!({"status": "ok", "service": "skor-sandbox"}),
        );
    }
    let stub = match env
        .durable_object(STATE_BINDING)
        .and_then(|ns| ns.get_by_name(STATE_NAME))
    {
        Ok(stub) => stub,
        Err(e) => return http::AppError::Internal(format!("state binding: {e}")).into_response(),
    };
    match stub.fetch_with_request(req).await {
        Ok(resp) => Ok(resp),
        Err(e) => http::AppError::Internal(format!("state object: {e}")).into_response(),
    }
}

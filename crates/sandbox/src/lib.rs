//! skor-sandbox: the upstream services, offline.

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let path = path.strip_prefix("/sandbox").unwrap_or(&path);
    match path {
        "/healthz" => Response::from_json(&serde_json::json!({"status": "ok", "service": "skor-sandbox"})),
        _ => Response::error("Not Found", 404),
    }
}

//! onboarding-edge: the Cloudflare Worker that stands between the widget and the
//! upstream services. Routes live in one module per resource; rules live in
//! `onboarding-core`.

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    match path.as_str() {
        "/healthz" => Response::from_json(&serde_json::json!({"status": "ok"})),
        p if p.starts_with("/sandbox/") => {
            // Dev wiring: the sandbox is another worker reached through a service
            // binding; its hosted pages must open in the applicant's browser.
            let sandbox = env.service("SANDBOX")?;
            sandbox.fetch_request(req).await
        }
        _ => Response::error("Not Found", 404),
    }
}

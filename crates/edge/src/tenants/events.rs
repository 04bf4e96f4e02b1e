//! `GET /v1/tenants/{id}/events`: Server-Sent Events of status changes, served from
//! the tenant object's push ([`crate::objects::tenant::live`]), never by polling it.
//!
//! The worker opens one status connection to the object (a hibernatable WebSocket)
//! and writes each pushed entry as `id: <seq>` + `event: status` + `data: <status
//! JSON>`. Without `Last-Event-ID` the current status comes first; with it, exactly the
//! entries after it are replayed. A `: heartbeat` comment goes out after 15 s without
//! an event (a timer in the worker: no object request). The stream ends when the
//! object closes the connection — at the token's expiry — and the browser reconnects
//! with `Last-Event-ID` and a fresh token. The token comes in the `Authorization`
//! header only, never in the URL: the widget reads the stream with `fetch`
//! (EventSource cannot send headers).

use onboarding_core::model::problem::ProblemCode;
use std::time::Duration;

use futures_util::future::{Either, select};
use futures_util::stream;
use worker::{Delay, Headers, Request, Response};

use crate::auth::Caller;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::objects::tenant::feed::Feed;
use crate::objects::tenant::{Grant, LogEntry, TenantHandle, Watch};

const HEARTBEAT_MS: u64 = 15_000;

fn frame(e: &LogEntry) -> String {
    format!(
        "id: {}\nevent: status\ndata: {}\n\n",
        e.seq,
        serde_json::to_string(&e.status).unwrap_or_default()
    )
}

struct State {
    feed: Feed,
    first: Option<String>,
}

/// Handler.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant, 400 malformed `Last-Event-ID`. Over
/// `STATUS_CONNECTIONS_PER_TENANT` open streams, the oldest is ended.
pub async fn events(req: Request, ctx: &Ctx, who: &Caller, tenant_id: &str) -> AppResult<Response> {
    let after = match http::header(&req, "Last-Event-ID").filter(|v| !v.trim().is_empty()) {
        Some(v) => Some(
            v.trim()
                .parse::<i64>()
                .map_err(|_| AppError::Problem(ProblemCode::InvalidLastEventId))?
                .max(0),
        ),
        None => None,
    };
    let feed = TenantHandle::new(&ctx.env, tenant_id)?
        .watch(&Watch {
            after,
            grant: Grant::Until(who.claims.expires_at.max(0) as u64),
            cap: ctx.settings.status_connections_per_tenant,
        })
        .await?;
    let state = State {
        feed,
        first: Some("retry: 2000\n\n".to_owned()),
    };
    let body = stream::unfold(state, |mut st| async move {
        if let Some(first) = st.first.take() {
            return Some((Ok::<Vec<u8>, worker::Error>(first.into_bytes()), st));
        }
        let heartbeat = Delay::from(Duration::from_millis(HEARTBEAT_MS));
        let out = match select(Box::pin(st.feed.next()), Box::pin(heartbeat)).await {
            Either::Left((Some(text), _)) => match serde_json::from_str::<LogEntry>(&text) {
                Ok(entry) => frame(&entry),
                Err(_) => return None,
            },
            Either::Left((None, _)) => return None,
            Either::Right(_) => ": heartbeat\n\n".to_owned(),
        };
        Some((Ok(out.into_bytes()), st))
    });
    let headers = Headers::new();
    headers.set("Content-Type", "text/event-stream; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Accel-Buffering", "no")?;
    Ok(Response::from_stream(body)?.with_headers(headers))
}

//! `GET /v1/tenants/{id}/events`: Server-Sent Events of status changes.
//!
//! Design: the worker streams the response and polls the tenant's state object for
//! log entries after the last sent sequence number (every 500 ms). Every event is
//! `id: <seq>` + `event: status` + `data: <status JSON>`. Without `Last-Event-ID` the
//! current status comes first (with the latest seq); with it, exactly the entries after
//! it are replayed. A `: heartbeat` comment goes out every 15 s, and the stream ends
//! after 5 minutes so the browser reconnects (with `Last-Event-ID`). Polling a Durable
//! Object is cheap and behaves the same in workerd and in production; a push design
//! (the object holding open streams) would save the polls but ties each connection's
//! lifetime to the object's. The token comes in the `Authorization` header only, never
//! in the URL: the widget reads the stream with `fetch` (EventSource cannot send headers).

use onboarding_core::model::problem::ProblemCode;
use std::time::Duration;

use futures_util::stream;
use worker::{Delay, Headers, Request, Response};

use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::tenant_state::LogEntry;
use crate::tenant_state::client::TenantHandle;

const POLL_MS: u64 = 500;
const HEARTBEAT_MS: u64 = 15_000;
const MAX_STREAM_MS: u64 = 5 * 60_000;

fn frame(e: &LogEntry) -> String {
    format!(
        "id: {}\nevent: status\ndata: {}\n\n",
        e.seq,
        serde_json::to_string(&e.status).unwrap_or_default()
    )
}

struct State {
    handle: TenantHandle,
    last: i64,
    first: Option<String>,
    started: u64,
    last_write: u64,
}

/// Handler.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant, 400 malformed `Last-Event-ID`.
pub async fn events(req: Request, ctx: &Ctx, tenant_id: &str) -> AppResult<Response> {
    let handle = TenantHandle::new(&ctx.env, tenant_id)?;
    let current = handle.status().await?;
    let last_event_id = http::header(&req, "Last-Event-ID").filter(|v| !v.trim().is_empty());
    let (last, first) = match last_event_id {
        Some(v) => {
            let n: i64 = v
                .trim()
                .parse()
                .map_err(|_| AppError::Problem(ProblemCode::InvalidLastEventId))?;
            (n.max(0), Some("retry: 2000\n\n".to_owned()))
        }
        None => (
            current.seq,
            Some(format!("retry: 2000\n\n{}", frame(&current))),
        ),
    };
    let now = http::now_ms();
    let state = State {
        handle,
        last,
        first,
        started: now,
        last_write: now,
    };
    let body = stream::unfold(state, |mut st| async move {
        if let Some(first) = st.first.take() {
            return Some((Ok::<Vec<u8>, worker::Error>(first.into_bytes()), st));
        }
        loop {
            let now = http::now_ms();
            if now.saturating_sub(st.started) > MAX_STREAM_MS {
                return None;
            }
            match st.handle.log_after(st.last).await {
                Ok(entries) if !entries.is_empty() => {
                    let mut out = String::new();
                    for e in &entries {
                        out.push_str(&frame(e));
                        st.last = e.seq;
                    }
                    st.last_write = now;
                    return Some((Ok(out.into_bytes()), st));
                }
                Ok(_) => {}
                Err(_) => return None,
            }
            if now.saturating_sub(st.last_write) >= HEARTBEAT_MS {
                st.last_write = now;
                return Some((Ok(b": heartbeat\n\n".to_vec()), st));
            }
            Delay::from(Duration::from_millis(POLL_MS)).await;
        }
    });
    let headers = Headers::new();
    headers.set("Content-Type", "text/event-stream; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Accel-Buffering", "no")?;
    Ok(Response::from_stream(body)?.with_headers(headers))
}

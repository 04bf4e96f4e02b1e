//! The live status: a WebSocket the tenant's object holds through the Hibernation API
//! (an idle connection costs the edge nothing). A browser's WebSocket cannot send a
//! header, so the tenant token never goes in its URL: each connection is opened with a
//! single-use ticket from `POST /v1/tenants/{id}/live-tickets` (authenticated with the
//! token), and a reconnect asks to replay the entries after the last sequence seen.

use std::cell::Cell;
use std::rc::Rc;

use onboarding_core::model::api::{LiveTicket, StatusEntry};
use onboarding_core::model::status::Status;
use onboarding_core::paths;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, CloseEvent, MessageEvent, WebSocket};

use super::edge::Edge;
use crate::api::{self, ApiError};

/// Close code: the token behind the ticket expired (reconnect with a new ticket).
pub const CLOSE_EXPIRED: u16 = 4001;
/// Close code: a newer connection of this tenant replaced this one (do not fight it).
pub const CLOSE_REPLACED: u16 = 4002;
/// A keep-alive the edge's runtime answers (`pong`) without waking the object, so
/// proxies between the page and the edge never see the connection idle.
const PING_MS: i32 = 30_000;

/// How one connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Closed by the edge at the token's expiry, or cleanly: reconnect now.
    Closed,
    /// No connection or a broken one: reconnect after a pause.
    Failed,
    /// The token is no longer valid (401 on the ticket): do not reconnect.
    Expired,
    /// Replaced by a newer connection of the same tenant: do not reconnect.
    Replaced,
    /// Stopped by the widget.
    Aborted,
}

/// The WebSocket URL of the live status: `http(s)` of the edge's base becomes
/// `ws(s)`.
pub fn socket_url(base: &str, tenant_id: &str, ticket: &str, after: i64) -> String {
    let base = if let Some(rest) = base.strip_prefix("https://") {
        ["wss://", rest].concat()
    } else if let Some(rest) = base.strip_prefix("http://") {
        ["ws://", rest].concat()
    } else {
        base.to_owned()
    };
    let mut url = [
        base.as_str(),
        &paths::fill(paths::LIVE, &[tenant_id]),
        "?ticket=",
        ticket,
    ]
    .concat();
    if after > 0 {
        url.push_str("&after=");
        url.push_str(&after.to_string());
    }
    url
}

/// Opens one connection (a ticket, then the socket) and reads it until it ends,
/// calling `on_status` for each entry newer than `last_seq` (which it advances).
pub async fn read(
    edge: &Edge,
    tenant_id: &str,
    token: &str,
    last_seq: &Rc<Cell<i64>>,
    signal: &AbortSignal,
    on_status: Rc<dyn Fn(Status)>,
) -> End {
    let path = paths::fill(paths::LIVE_TICKETS, &[tenant_id]);
    let ticket =
        match api::parse::<LiveTicket>(edge.send("POST", &path, Some(token), None, None).await) {
            Ok(t) => t.ticket,
            Err(e) if e.is_expired() => return End::Expired,
            Err(_) if signal.aborted() => return End::Aborted,
            Err(ApiError::Status(404, _)) => return End::Expired,
            Err(_) => return End::Failed,
        };
    if signal.aborted() {
        return End::Aborted;
    }
    let url = socket_url(&edge.base, tenant_id, &ticket, last_seq.get());
    let Ok(ws) = WebSocket::new(&url) else {
        return End::Failed;
    };
    let opened = Rc::new(Cell::new(false));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let (last_seq, opened) = (last_seq.clone(), opened.clone());
        move |e: MessageEvent| {
            opened.set(true);
            let Some(text) = e.data().as_string() else {
                return;
            };
            if let Some(entry) = api::from_json::<StatusEntry>(&text)
                && entry.seq > last_seq.get()
            {
                last_seq.set(entry.seq);
                on_status(entry.status);
            }
        }
    });
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_open = Closure::<dyn FnMut()>::new({
        let opened = opened.clone();
        move || opened.set(true)
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let closed = js_sys::Promise::new(&mut |resolve, _| {
        ws.set_onclose(Some(&resolve));
    });
    let on_abort = Closure::<dyn FnMut()>::new({
        let ws = ws.clone();
        move || {
            let _ = ws.close_with_code_and_reason(1000, "done");
        }
    });
    signal.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    let pinger = Closure::<dyn FnMut()>::new({
        let ws = ws.clone();
        move || {
            if ws.ready_state() == WebSocket::OPEN {
                let _ = ws.send_with_str("ping");
            }
        }
    });
    let interval = super::dom::window().and_then(|w| {
        w.set_interval_with_callback_and_timeout_and_arguments_0(
            pinger.as_ref().unchecked_ref(),
            PING_MS,
        )
        .ok()
    });
    let ended = JsFuture::from(closed).await;
    if let (Some(w), Some(id)) = (super::dom::window(), interval) {
        w.clear_interval_with_handle(id);
    }
    signal.set_onabort(None);
    ws.set_onmessage(None);
    ws.set_onopen(None);
    ws.set_onclose(None);
    drop((on_message, on_open, on_abort, pinger));
    if signal.aborted() {
        return End::Aborted;
    }
    let code = ended
        .ok()
        .and_then(|e| e.dyn_into::<CloseEvent>().ok())
        .map_or(1006, |e| e.code());
    match code {
        CLOSE_REPLACED => End::Replaced,
        CLOSE_EXPIRED | 1000 | 1001 if opened.get() => End::Closed,
        _ => End::Failed,
    }
}

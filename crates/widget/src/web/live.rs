//! The live status: a WebSocket the tenant's object holds through the Hibernation API
//! (an idle connection costs the edge nothing). A browser's WebSocket cannot send a
//! header, so the tenant token never goes in its URL: each connection is opened with a
//! single-use ticket from `POST /v1/tenants/{id}/live-tickets` (authenticated with the
//! token), and a reconnect asks to replay the entries after the last sequence seen.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use onboarding_core::model::api::{LiveTicket, StatusEntry};
use onboarding_core::model::status::Status;
use onboarding_core::paths;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

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
    /// Closed by the edge at the token's expiry, or cleanly (also when the widget
    /// closed it): reconnect.
    Closed,
    /// No connection or a broken one: reconnect after a pause.
    Failed,
    /// The token is no longer valid (401 on the ticket): do not reconnect.
    Expired,
    /// Replaced by a newer connection of the same tenant: do not reconnect.
    Replaced,
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
/// calling `on_status` for each entry newer than `last_seq` (which it advances). The
/// open socket is kept in `current`, where the widget closes it to stop.
pub async fn read(
    edge: &Edge,
    tenant_id: &str,
    token: &str,
    last_seq: &Rc<Cell<i64>>,
    current: &RefCell<Option<WebSocket>>,
    on_status: impl Fn(Status) + 'static,
) -> End {
    let path = paths::fill(paths::LIVE_TICKETS, &[tenant_id]);
    let ticket =
        match api::parse::<LiveTicket>(edge.send("POST", &path, Some(token), None, None).await) {
            Ok(t) => t.ticket,
            Err(ApiError::Status(401 | 404, _)) => return End::Expired,
            Err(_) => return End::Failed,
        };
    let url = socket_url(&edge.base, tenant_id, &ticket, last_seq.get());
    let Ok(ws) = WebSocket::new(&url) else {
        return End::Failed;
    };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let last_seq = last_seq.clone();
        move |e: MessageEvent| {
            if let Some(entry) = e
                .data()
                .as_string()
                .and_then(|t| api::from_json::<StatusEntry>(&t))
                && entry.seq > last_seq.get()
            {
                last_seq.set(entry.seq);
                on_status(entry.status);
            }
        }
    });
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let closed = js_sys::Promise::new(&mut |resolve, _| ws.set_onclose(Some(&resolve)));
    *current.borrow_mut() = Some(ws.clone());
    // Wait for the close, sending a keep-alive each PING_MS meanwhile.
    let code = loop {
        let tick = super::dom::delay(PING_MS);
        let ended =
            JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&closed, &tick))).await;
        if let Some(e) = ended.ok().and_then(|e| e.dyn_into::<CloseEvent>().ok()) {
            break e.code();
        }
        let _ = ws.send_with_str("ping");
    };
    ws.set_onmessage(None);
    ws.set_onclose(None);
    drop(on_message);
    current.borrow_mut().take_if(|c| *c == ws);
    match code {
        CLOSE_REPLACED => End::Replaced,
        CLOSE_EXPIRED | 1000 | 1001 => End::Closed,
        _ => End::Failed,
    }
}

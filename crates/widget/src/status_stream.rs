//! The live status stream (`GET /v1/tenants/{id}/events`), read with `fetch` so that the
//! tenant token travels in the `Authorization` header (an `EventSource` cannot send
//! one, and a token in a query string ends up in logs).

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader};

use crate::api::Edge;
use crate::sse::{SseEvent, SseParser};

/// How one connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The server closed the stream (reconnect).
    Closed,
    /// No connection or a broken one (reconnect after a pause).
    Failed,
    /// 401: the token is no longer valid (do not reconnect).
    Expired,
    /// Aborted by the widget.
    Aborted,
}

/// Reads one connection of the stream, calling `on_event` for each event, until it
/// ends. `parser` carries the last event id across reconnections.
pub async fn read(
    edge: &Edge,
    path: &str,
    token: &str,
    parser: &mut SseParser,
    signal: &AbortSignal,
    on_event: &mut dyn FnMut(SseEvent),
) -> End {
    let mut headers = vec![("Accept", "text/event-stream")];
    if !parser.last_id().is_empty() {
        headers.push(("Last-Event-ID", parser.last_id()));
    }
    let res = match edge
        .fetch("GET", path, Some(token), &headers, None, Some(signal))
        .await
    {
        Some(res) => res,
        None if signal.aborted() => return End::Aborted,
        None => return End::Failed,
    };
    match res.status() {
        200 => {}
        401 => return End::Expired,
        _ => return End::Failed,
    }
    let Some(body) = res.body() else {
        return End::Failed;
    };
    let reader: ReadableStreamDefaultReader = match body.get_reader().dyn_into() {
        Ok(r) => r,
        Err(_) => return End::Failed,
    };
    loop {
        let chunk = match JsFuture::from(reader.read()).await {
            Ok(c) => c,
            Err(_) if signal.aborted() => return End::Aborted,
            Err(_) => return End::Failed,
        };
        if Reflect::get(&chunk, &JsValue::from_str("done"))
            .map(|d| d.is_truthy())
            .unwrap_or(true)
        {
            return End::Closed;
        }
        if let Ok(value) = Reflect::get(&chunk, &JsValue::from_str("value")) {
            let bytes = Uint8Array::new(&value).to_vec();
            for ev in parser.feed(&bytes) {
                on_event(ev);
            }
        }
    }
}

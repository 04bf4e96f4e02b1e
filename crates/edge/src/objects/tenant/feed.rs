//! The worker's end of a status connection to a tenant's object: the object's frames,
//! one [`LogEntry`](super::protocol::LogEntry) JSON each, in order (read by the SSE
//! route).

use futures_channel::mpsc::{UnboundedReceiver, unbounded};
use futures_util::StreamExt;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::WebSocket;

/// The worker's end of one status connection: the object's frames, one
/// `LogEntry` JSON each, in order. Dropping it closes the connection.
pub struct Feed {
    ws: WebSocket,
    rx: UnboundedReceiver<Option<String>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_close: Closure<dyn FnMut(JsValue)>,
}

impl Feed {
    /// Accepts the worker's end of `ws` and starts listening.
    ///
    /// # Errors
    /// When the runtime refuses the accept.
    pub fn open(ws: WebSocket) -> worker::Result<Self> {
        ws.accept()?;
        let (tx, rx) = unbounded();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
            let tx = tx.clone();
            move |e: web_sys::MessageEvent| {
                let _ = tx.unbounded_send(e.data().as_string());
            }
        });
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            tx.close_channel();
        });
        let socket: &web_sys::WebSocket = ws.as_ref();
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        socket.set_onerror(Some(on_close.as_ref().unchecked_ref()));
        Ok(Feed {
            ws,
            rx,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// The next frame; `None` once the object closed the connection.
    pub async fn next(&mut self) -> Option<String> {
        loop {
            match self.rx.next().await? {
                Some(text) => return Some(text),
                None => continue,
            }
        }
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        let socket: &web_sys::WebSocket = self.ws.as_ref();
        socket.set_onmessage(None);
        socket.set_onclose(None);
        socket.set_onerror(None);
        let _ = self.ws.close(Some(1000), Some("done"));
    }
}

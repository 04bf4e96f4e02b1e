//! Typed calls between the worker and its Durable Objects.
//!
//! An object's protocol is one serde-tagged enum ([`protocol!`] writes it from one
//! table: variant, call type, reply type). Each call type implements [`Call`], which
//! names its protocol and its reply, so [`ask`] returns exactly the type the object's
//! [`respond`] wrote: a call that does not exist, or a reply read as the wrong type,
//! does not compile on either side. A status connection is not a call but an upgrade
//! ([`upgrade`]): its typed request travels in a header.

use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Headers, Method, Request, RequestInit, Response, Stub};

use crate::error::{AppError, AppResult};

/// A call to a Durable Object, answered by [`Call::Reply`].
pub trait Call: Sized {
    /// The object's protocol: the enum of all its calls.
    type Protocol: Serialize + DeserializeOwned + From<Self>;
    /// What the object answers to this call.
    type Reply: Serialize + DeserializeOwned;
}

/// Writes an object's protocol enum from a table of `Variant(CallType) -> Reply`, with
/// `From` each call into the enum and its [`Call`] impl.
macro_rules! protocol {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident($call:ty) -> $reply:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "call", rename_all = "camelCase")]
        $vis enum $name {
            $( $(#[$vmeta])* $variant($call), )*
        }
        $(
            impl From<$call> for $name {
                fn from(call: $call) -> Self {
                    $name::$variant(call)
                }
            }
            impl $crate::objects::call::Call for $call {
                type Protocol = $name;
                type Reply = $reply;
            }
        )*
    };
}
pub(crate) use protocol;

/// Durable Object round trips this isolate has made: read around a request (dev only,
/// `X-Dev-Object-Calls`) to count those on its critical path. Requests sent side by
/// side (`join`) count once: only one that starts while none is in flight counts.
static OBJECT_CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
static IN_FLIGHT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// See [`OBJECT_CALLS`].
pub fn object_calls() -> u32 {
    OBJECT_CALLS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Sends `req` to a Durable Object (every object request goes through here, so a
/// request's own calls are counted; `counted: false` for work that is no request's,
/// the relay consumer's, which shares the isolate).
async fn send(stub: &Stub, req: Request, counted: bool) -> worker::Result<Response> {
    use std::sync::atomic::Ordering::Relaxed;
    if !counted {
        return stub.fetch_with_request(req).await;
    }
    if IN_FLIGHT.fetch_add(1, Relaxed) == 0 {
        OBJECT_CALLS.fetch_add(1, Relaxed);
    }
    let resp = stub.fetch_with_request(req).await;
    IN_FLIGHT.fetch_sub(1, Relaxed);
    resp
}

/// Sends `call` to the object behind `stub` and reads its typed reply; `what` names
/// the object in the error; `counted` as [`send`] says.
///
/// # Errors
/// 500 when the object fails, answers anything but 200, or a reply of another shape.
pub async fn ask<C: Call>(stub: &Stub, what: &str, call: C, counted: bool) -> AppResult<C::Reply> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post);
    init.with_body(Some(
        serde_json::to_string(&C::Protocol::from(call))?.into(),
    ));
    let req = Request::new_with_init("https://object/", &init)?;
    let resp = send(stub, req, counted).await?;
    match resp.status_code() {
        200 => Ok(crate::http::body_json(resp).await?),
        s => Err(AppError::Internal(format!("{what} answered {s}"))),
    }
}

/// The object's side: reads the call a request carries.
///
/// # Errors
/// When the body is not a call of protocol `P`.
pub async fn read<P: DeserializeOwned>(mut req: Request) -> worker::Result<P> {
    Ok(serde_json::from_slice(&req.bytes().await?)?)
}

/// The object's side: the reply to a call of type `C`.
///
/// # Errors
/// Only if the reply cannot be encoded.
pub fn respond<C: Call>(reply: &C::Reply) -> worker::Result<Response> {
    Response::from_bytes(serde_json::to_vec(reply)?)
}

/// The header of an upgrade request that carries its typed request.
const UPGRADE_HEADER: &str = "Object-Upgrade";

/// Sends a WebSocket upgrade carrying `request` to the object; its answer (`101` with
/// the socket, or a refusal) as it is.
///
/// # Errors
/// When the runtime cannot reach the object.
pub async fn upgrade(stub: &Stub, request: &impl Serialize) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("Upgrade", "websocket")?;
    headers.set(UPGRADE_HEADER, &serde_json::to_string(request)?)?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let req = Request::new_with_init("https://object/upgrade", &init)?;
    Ok(send(stub, req, true).await?)
}

/// The object's side of [`upgrade`]: the typed request of an upgrade, `None` when the
/// request is no upgrade.
///
/// # Errors
/// When the header does not hold a `T`.
pub fn upgrade_request<T: DeserializeOwned>(req: &Request) -> worker::Result<Option<T>> {
    let is_upgrade = req
        .headers()
        .get("Upgrade")?
        .is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
    if !is_upgrade {
        return Ok(None);
    }
    let text = req.headers().get(UPGRADE_HEADER)?.unwrap_or_default();
    Ok(Some(serde_json::from_str(&text)?))
}

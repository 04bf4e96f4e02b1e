//! Clients for the two upstream services. Base URLs and keys are configuration; in dev
//! the requests go through the `SANDBOX` service binding named by `UPSTREAM_BINDING`
//! (same URL, no network hop). Failures map to 502 / 503 / 504 without upstream text.

pub mod identity;
pub mod screening;

use futures_util::future::{Either, select};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{Delay, Env, Fetch, Headers, Method, Request, RequestInit, Response};

use crate::config::Settings;
use crate::error::{AppError, AppResult};

/// A request body for the upstream.
pub enum Body {
    /// No body.
    Empty,
    /// A JSON document.
    Json(Vec<u8>),
    /// A streamed body (a JS `ReadableStream`) with its content type.
    Stream(JsValue, String),
}

/// Sends requests to one upstream with its auth header.
pub struct Upstream<'a> {
    env: &'a Env,
    settings: &'a Settings,
    /// This request's id, sent upstream as `X-Request-Id` (the two logs meet on it).
    request_id: &'a str,
    base: &'a str,
    auth: (&'static str, String),
    name: &'static str,
}

impl<'a> Upstream<'a> {
    /// Sends `method path` and returns the raw response when it is a 2xx.
    ///
    /// # Errors
    /// 503 when unreachable, 504 on timeout, 502 on a non-2xx answer.
    pub async fn send(&self, method: Method, path: &str, body: Body) -> AppResult<Response> {
        self.send_with(method, path, body, None).await
    }

    /// [`Upstream::send`] with an `Idempotency-Key` for the upstream, when given.
    ///
    /// # Errors
    /// As [`Upstream::send`].
    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        body: Body,
        idempotency_key: Option<&str>,
    ) -> AppResult<Response> {
        // A streamed upload lasts as long as the applicant's connection needs (a slow
        // 15 MiB upload); the short timeout is for everything else.
        let timeout_ms = match body {
            Body::Stream(..) => self.settings.upload_timeout_ms,
            _ => self.settings.upstream_timeout_ms,
        };
        let headers = Headers::new();
        headers.set(self.auth.0, &self.auth.1)?;
        headers.set("Accept", "application/json")?;
        headers.set("X-Request-Id", self.request_id)?;
        if let Some(key) = idempotency_key {
            headers.set("Idempotency-Key", key)?;
        }
        let mut init = RequestInit::new();
        init.with_method(method);
        match body {
            Body::Empty => {}
            Body::Json(bytes) => {
                headers.set("Content-Type", "application/json")?;
                init.with_body(Some(js_sys::Uint8Array::from(bytes.as_slice()).into()));
            }
            Body::Stream(stream, content_type) => {
                headers.set("Content-Type", &content_type)?;
                init.with_body(Some(stream));
            }
        }
        init.with_headers(headers);
        let url = format!("{}{}", self.base, path);
        let req = Request::new_with_init(&url, &init)?;
        let fetch = async {
            match &self.settings.upstream_binding {
                Some(binding) => self.env.service(binding)?.fetch_request(req).await,
                None => Fetch::Request(req).send().await,
            }
        };
        let timeout = Delay::from(std::time::Duration::from_millis(u64::from(timeout_ms)));
        let resp = match select(Box::pin(fetch), Box::pin(timeout)).await {
            Either::Left((Ok(resp), _)) => resp,
            Either::Left((Err(e), _)) => {
                return Err(AppError::UpstreamUnavailable(format!("{}: {e}", self.name)));
            }
            Either::Right(_) => return Err(AppError::UpstreamTimeout),
        };
        let status = resp.status_code();
        if (400..500).contains(&status) {
            return Err(AppError::UpstreamRefused(
                status,
                format!("{} {} answered {status}", self.name, path_template(path)),
            ));
        }
        if !(200..300).contains(&status) {
            return Err(AppError::UpstreamFailed(format!(
                "{} {} answered {status}",
                self.name,
                path_template(path)
            )));
        }
        Ok(resp)
    }

    /// Sends and parses a JSON answer.
    ///
    /// # Errors
    /// As [`Upstream::send`], plus 502 when the answer is not the expected JSON.
    pub async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Body,
    ) -> AppResult<T> {
        self.json_with(method, path, body, None).await
    }

    /// [`Upstream::json`] with an `Idempotency-Key` for the upstream, when given.
    ///
    /// # Errors
    /// As [`Upstream::json`].
    pub async fn json_with<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Body,
        idempotency_key: Option<&str>,
    ) -> AppResult<T> {
        let resp = self.send_with(method, path, body, idempotency_key).await?;
        // Bounded in size (a declared length over the cap is not read) and in time (a
        // body that trickles after the headers does not hold the request).
        let declared = resp
            .headers()
            .get("Content-Length")
            .ok()
            .flatten()
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_JSON_REPLY) {
            return Err(AppError::UpstreamFailed(format!(
                "{}: answer too large",
                self.name
            )));
        }
        let timeout = Delay::from(std::time::Duration::from_millis(u64::from(
            self.settings.upstream_timeout_ms,
        )));
        let bytes = match select(Box::pin(crate::http::body_bytes(resp)), Box::pin(timeout)).await {
            Either::Left((Ok(bytes), _)) if bytes.len() <= MAX_JSON_REPLY => bytes,
            Either::Left((Ok(_), _)) => {
                return Err(AppError::UpstreamFailed(format!(
                    "{}: answer too large",
                    self.name
                )));
            }
            Either::Left((Err(_), _)) => {
                return Err(AppError::UpstreamFailed(format!(
                    "{}: body not readable",
                    self.name
                )));
            }
            Either::Right(_) => return Err(AppError::UpstreamTimeout),
        };
        serde_json::from_slice(&bytes).map_err(|_| {
            AppError::UpstreamFailed(format!(
                "{} {}: unexpected answer",
                self.name,
                path_template(path)
            ))
        })
    }
}

/// Largest JSON answer read from an upstream (its real answers are a few KiB).
const MAX_JSON_REPLY: usize = 1024 * 1024;

/// The path with ids replaced, for logs (ids are not personal, but keep lines short
/// and groupable).
fn path_template(path: &str) -> String {
    path.split('/')
        .enumerate()
        .map(|(i, seg)| if i > 2 && seg.len() > 12 { "{id}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Serialises a body for [`Body::Json`].
///
/// # Errors
/// 500 if serialisation fails (it cannot for the types used).
pub fn json_body<T: serde::Serialize>(value: &T) -> AppResult<Body> {
    Ok(Body::Json(serde_json::to_vec(value)?))
}

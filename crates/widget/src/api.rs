//! The edge's public API (DESIGN.md "Public edge API"), as the browser calls it.
//! JSON goes through the widget's small `json` module, never `serde_json`.

use onboarding_core::model::problem::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

/// Why a call failed.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// No response (offline, CORS, aborted).
    Network,
    /// An error status, with its problem body when there was one.
    Status(u16, Option<Box<Problem>>),
}

impl ApiError {
    /// The session or tenant token is no longer accepted.
    pub fn is_expired(&self) -> bool {
        matches!(self, ApiError::Status(401, _))
    }

    /// The stable `code` of the problem, if any.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Status(_, Some(p)) => &p.code,
            ApiError::Status(401, None) => "unauthorized",
            ApiError::Status(..) => "http_error",
            ApiError::Network => "network_error",
        }
    }
}

// The bodies are core's wire types: the edge writes the replies the widget reads.
pub use onboarding_core::model::api::{
    DocumentUploaded as UploadedDocument, HostedStarted as Hosted, SessionToken as Session,
    StartHosted, StartInquiry, TenantCreated as Created,
};

/// JSON text of `value`.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, ApiError> {
    crate::json::to_string(value).map_err(|_| ApiError::Network)
}

/// `T` from JSON text.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    crate::json::from_str(text).ok()
}

/// The edge at `base` (no trailing slash), speaking `lang`.
#[derive(Debug, Clone)]
pub struct Edge {
    /// Origin (and optional path prefix) of the edge.
    pub base: String,
    /// `Accept-Language`.
    pub lang: &'static str,
}

impl Edge {
    /// `fetch`es `method path` with the common headers (`Accept-Language`, the bearer
    /// `token`) and `headers`; `None` when no response came (offline, CORS, aborted).
    pub async fn fetch(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Option<Response> {
        let h = Headers::new().ok()?;
        h.set("Accept-Language", self.lang).ok()?;
        if let Some(t) = token {
            h.set("Authorization", &format!("Bearer {t}")).ok()?;
        }
        for (k, v) in headers {
            h.set(k, v).ok()?;
        }
        let init = RequestInit::new();
        init.set_method(method);
        init.set_headers(&h);
        if let Some(b) = body {
            init.set_body(&JsValue::from_str(b));
        }
        init.set_signal(signal);
        let url = format!("{}{}", self.base, path);
        let res = JsFuture::from(crate::dom::window()?.fetch_with_str_and_init(&url, &init))
            .await
            .ok()?;
        res.dyn_into().ok()
    }

    /// Sends a call and returns the text of its 2xx reply (one non-generic body for
    /// every endpoint keeps the wasm small).
    ///
    /// # Errors
    /// [`ApiError`] for no response or a non-2xx status (with its problem body).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<String, ApiError> {
        let mut headers = Vec::with_capacity(2);
        if let Some(k) = idempotency_key {
            headers.push(("Idempotency-Key", k));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let res = self
            .fetch(method, path, token, &headers, body.as_deref(), None)
            .await
            .ok_or(ApiError::Network)?;
        let text = match res.text() {
            Ok(p) => JsFuture::from(p)
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        };
        check(res.status(), text)
    }

    /// [`Edge::send`], reading the reply as `T`.
    ///
    /// # Errors
    /// As [`Edge::send`]; a reply that is not a `T` is `Status(status, None)`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<T, ApiError> {
        let text = self
            .send(method, path, token, body, idempotency_key)
            .await?;
        from_json(&text).ok_or(ApiError::Status(200, None))
    }
}

fn check(status: u16, text: String) -> Result<String, ApiError> {
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ApiError::Status(status, from_json(&text).map(Box::new)))
    }
}

/// Reads an upload reply (status and body text from the XHR).
///
/// # Errors
/// As [`Edge::call`].
pub fn read_upload(status: u16, text: String) -> Result<UploadedDocument, ApiError> {
    from_json(&check(status, text)?).ok_or(ApiError::Status(status, None))
}

//! Sending the journey's calls to the edge: `fetch` for JSON, `XMLHttpRequest` for a
//! file (see `upload`: only XHR reports upload progress).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use crate::api::{ApiError, check};

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
        let url = format!("{}{}", self.base, path);
        let res = JsFuture::from(super::dom::window()?.fetch_with_str_and_init(&url, &init))
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
            .fetch(method, path, token, &headers, body.as_deref())
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
}

//! The edge's public API (DESIGN.md "Public edge API"), as the browser calls it.
//! JSON goes through `serde-wasm-bindgen` + `JSON`, never `serde_json`.

use gloo_net::http::{Request, RequestBuilder};
use onboarding_core::model::problem::Problem;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

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

/// `POST /v1/sessions` reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// Bearer token for `POST /v1/tenants`.
    pub session_token: String,
}

/// `POST /v1/tenants` reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    /// The tenant.
    pub tenant_id: String,
    /// Token bound to that tenant.
    pub session_token: String,
}

/// `POST …/documents` reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadedDocument {
    /// Document id (matches the status items).
    pub document_id: String,
}

/// A hosted page to open (`kyc`, `bank-connections`, `clave`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hosted {
    #[serde(default)]
    verification_url: Option<String>,
    #[serde(default)]
    connect_url: Option<String>,
    #[serde(default)]
    redirect_url: Option<String>,
}

impl Hosted {
    /// Whichever URL the endpoint returned.
    pub fn url(self) -> Option<String> {
        self.verification_url
            .or(self.connect_url)
            .or(self.redirect_url)
    }
}

/// Body of the hosted-page calls: where a redirect (popup blocked) comes back to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnTo<'a> {
    /// The page to come back to.
    pub return_url: &'a str,
}

/// Body of `POST …/identity-inquiries`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InquiryBody<'a> {
    /// The device session id made at the start of the onboarding.
    pub device_session_id: &'a str,
}

/// JSON text of `value`.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, ApiError> {
    let js = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| ApiError::Network)?;
    js_sys::JSON::stringify(&js)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or(ApiError::Network)
}

/// `T` from JSON text.
pub fn from_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    let js = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(js).ok()
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
    /// A builder for `method path` with the common headers.
    pub fn request(&self, method: &str, path: &str, token: Option<&str>) -> RequestBuilder {
        let url = format!("{}{}", self.base, path);
        let mut rb = match method {
            "GET" => Request::get(&url),
            _ => Request::post(&url),
        }
        .header("Accept-Language", self.lang);
        if let Some(t) = token {
            rb = rb.header("Authorization", &format!("Bearer {t}"));
        }
        rb
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
        let mut rb = self.request(method, path, token);
        if let Some(k) = idempotency_key {
            rb = rb.header("Idempotency-Key", k);
        }
        let req = match body {
            Some(b) => rb
                .header("Content-Type", "application/json")
                .body(JsValue::from_str(&b)),
            None => rb.build(),
        }
        .map_err(|_| ApiError::Network)?;
        let res = req.send().await.map_err(|_| ApiError::Network)?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        check(status, text)
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

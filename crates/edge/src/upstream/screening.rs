//! The tenant-screening API (`X-API-Key`): tenants, documents, hosted pages, forensic
//! analysis, financial score.

use onboarding_core::model::api::HostedPage;
use onboarding_core::model::screening::{CreateTenant, Document, HostedSession, Tenant};
use serde::de::DeserializeOwned;
use worker::{Env, Method, Response};

use crate::config::Settings;

use super::{Body, Upstream, json_body};
use crate::config::secret;
use crate::error::AppResult;
use crate::http::Ctx;

/// Client of the tenant-screening API.
pub struct Screening<'a>(Upstream<'a>);

/// Body of a hosted-page start (`{returnUrl?, locale}`).
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartOptions {
    /// Where the finished page links back to (already checked against the session's
    /// origin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// The applicant's language (`es`, `en`).
    pub locale: String,
}

impl<'a> Screening<'a> {
    /// A client from configuration.
    ///
    /// # Errors
    /// Configuration error when `SKOR_API_KEY` is missing.
    pub fn new(ctx: &'a Ctx) -> AppResult<Self> {
        Self::with(&ctx.env, &ctx.settings, &ctx.request_id)
    }

    /// A client outside a request (a Durable Object's alarm).
    ///
    /// # Errors
    /// Configuration error when `SKOR_API_KEY` is missing.
    pub fn with(env: &'a Env, settings: &'a Settings, request_id: &'a str) -> AppResult<Self> {
        Ok(Screening(Upstream {
            env,
            settings,
            request_id,
            base: &settings.skor_base_url,
            auth: ("X-API-Key", secret(env, "SKOR_API_KEY")?),
            name: "screening",
        }))
    }

    /// `DELETE /v1/tenants/{id}`: the tenant and its documents erased upstream. An
    /// upstream that no longer knows the tenant (`404`) has nothing left to erase.
    ///
    /// # Errors
    /// Upstream failures other than `404`.
    pub async fn erase_tenant(&self, tenant_id: &str) -> AppResult<()> {
        match self
            .0
            .send(
                Method::Delete,
                &format!("/v1/tenants/{tenant_id}"),
                Body::Empty,
            )
            .await
        {
            Ok(_) | Err(crate::error::AppError::UpstreamRefused(404, _)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `POST /v1/tenants`; with `idempotency_key`, a repeat of the key answers the
    /// tenant it created first (the upstream must honour `Idempotency-Key` for a crash
    /// after its commit never to lead to a second tenant; the sandbox does).
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn create_tenant(
        &self,
        body: &CreateTenant,
        idempotency_key: Option<&str>,
    ) -> AppResult<Tenant> {
        self.0
            .json_with(
                Method::Post,
                "/v1/tenants",
                json_body(body)?,
                idempotency_key,
            )
            .await
    }

    /// `POST /v1/tenants/{id}/documents` with a streamed multipart body.
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn upload_document(
        &self,
        tenant_id: &str,
        stream: wasm_bindgen::JsValue,
        content_type: String,
    ) -> AppResult<Document> {
        self.0
            .json(
                Method::Post,
                &format!("/v1/tenants/{tenant_id}/documents"),
                Body::Stream(stream, content_type),
            )
            .await
    }

    /// `GET /v1/tenants/{id}/documents`.
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn list_documents(&self, tenant_id: &str) -> AppResult<Vec<Document>> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum List {
            Bare(Vec<Document>),
            Wrapped { documents: Vec<Document> },
        }
        let list: List = self
            .0
            .json(
                Method::Get,
                &format!("/v1/tenants/{tenant_id}/documents"),
                Body::Empty,
            )
            .await?;
        Ok(match list {
            List::Bare(d) | List::Wrapped { documents: d } => d,
        })
    }

    /// `GET /v1/tenants/{id}/documents/{docId}/content` (the raw response, to stream).
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn document_content(&self, tenant_id: &str, doc_id: &str) -> AppResult<Response> {
        self.0
            .send(
                Method::Get,
                &format!("/v1/tenants/{tenant_id}/documents/{doc_id}/content"),
                Body::Empty,
            )
            .await
    }

    /// Starts a hosted page.
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn start(
        &self,
        tenant_id: &str,
        page: HostedPage,
        options: &StartOptions,
    ) -> AppResult<HostedSession> {
        self.0
            .json(
                Method::Post,
                &format!("/v1/tenants/{tenant_id}/{}", page.path()),
                json_body(options)?,
            )
            .await
    }

    /// Any JSON `GET` below the tenant (forensic analysis, financial score).
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> AppResult<T> {
        self.0.json(Method::Get, path, Body::Empty).await
    }

    /// `POST /v1/tenants/{id}/forensic-analysis`.
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn trigger_forensic(&self, tenant_id: &str) -> AppResult<serde_json::Value> {
        self.0
            .json(
                Method::Post,
                &format!("/v1/tenants/{tenant_id}/forensic-analysis"),
                json_body(&serde_json::json!({}))?,
            )
            .await
    }
}

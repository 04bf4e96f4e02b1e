//! The worker's side of [`super::TenantState`]: one stub per tenant id.

use onboarding_core::model::problem::ProblemCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Env, Method, Request, RequestInit, Stub};

use super::identity::{IdentityOp, IdentityOutcome};
use super::{Applied, LocalChange, LogEntry, TenantRecord};
use crate::error::{AppError, AppResult};
use crate::http;

/// A handle on one tenant's Durable Object.
pub struct TenantHandle {
    stub: Stub,
}

impl TenantHandle {
    /// The object named by the tenant id.
    ///
    /// # Errors
    /// 500 when the binding is missing.
    pub fn new(env: &Env, tenant_id: &str) -> AppResult<Self> {
        let ns = env.durable_object("TENANT_STATE")?;
        Ok(TenantHandle {
            stub: ns.id_from_name(tenant_id)?.get_stub()?,
        })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
        body: Option<String>,
    ) -> AppResult<Option<T>> {
        let mut init = RequestInit::new();
        init.with_method(if body.is_some() {
            Method::Post
        } else {
            Method::Get
        });
        init.with_body(body.map(Into::into));
        let req = Request::new_with_init(&format!("https://tenant{path_and_query}"), &init)?;
        let resp = self.stub.fetch_with_request(req).await?;
        match resp.status_code() {
            200 => Ok(Some(crate::http::body_json(resp).await?)),
            404 => Ok(None),
            // Only `/init`: the tenant id is bound to another agency.
            409 => Err(AppError::Problem(ProblemCode::TenantUnavailable)),
            s => Err(AppError::Internal(format!("tenant state answered {s}"))),
        }
    }

    fn encode<T: Serialize>(v: &T) -> AppResult<Option<String>> {
        Ok(Some(serde_json::to_string(v)?))
    }

    /// Creates the state (idempotent for the same agency).
    ///
    /// # Errors
    /// 409 `tenant_unavailable` when the id is bound to another agency, 500 when the
    /// object fails.
    pub async fn init(&self, rec: &TenantRecord) -> AppResult<LogEntry> {
        self.call("/init", Self::encode(rec)?)
            .await?
            .ok_or_else(|| AppError::Internal("init".into()))
    }

    /// Owner of the tenant, or `None` when this edge never created it.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn record(&self) -> AppResult<Option<TenantRecord>> {
        self.call("/tenant", None).await
    }

    /// Current status with its sequence number.
    ///
    /// # Errors
    /// 404 when unknown.
    pub async fn status(&self) -> AppResult<LogEntry> {
        self.call("/status", None)
            .await?
            .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// Applies a change made by this API.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn local(&self, change: &LocalChange) -> AppResult<LogEntry> {
        let path = format!(
            "/local?at={}&id={}",
            http::iso(http::now_ms()),
            http::random_hex(12)?
        );
        self.call(&path, Self::encode(change)?)
            .await?
            .ok_or_else(|| AppError::Internal("local change".into()))
    }

    /// Applies a verified upstream event (raw JSON), once per event id.
    ///
    /// # Errors
    /// 500 when the object fails; `Ok(None)` when the tenant is unknown here.
    pub async fn webhook(&self, body: &str) -> AppResult<Option<Applied>> {
        let path = format!("/webhook?at={}", http::iso(http::now_ms()));
        self.call(&path, Some(body.to_owned())).await
    }

    /// Marks an event's relay as queued.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn relay_queued(&self, event_id: &str) -> AppResult<()> {
        let path = format!("/relayed?event={}", urlencode(event_id));
        let _: Option<serde_json::Value> = self.call(&path, Some(String::new())).await?;
        Ok(())
    }

    /// The raw body of an accepted upstream event (`None`: not known here).
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn event_body(&self, event_id: &str) -> AppResult<Option<String>> {
        self.call(&format!("/event?id={}", urlencode(event_id)), None)
            .await
    }

    /// Status changes after `after`.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn log_after(&self, after: i64) -> AppResult<Vec<LogEntry>> {
        Ok(self
            .call(&format!("/log?after={after}"), None)
            .await?
            .unwrap_or_default())
    }

    /// Runs an identity operation (core's once-only rules) in the object.
    ///
    /// # Errors
    /// 404 when the tenant is unknown, 500 when the object fails.
    pub async fn identity(&self, op: &IdentityOp) -> AppResult<IdentityOutcome> {
        let path = format!(
            "/identity?at={}&id={}",
            http::iso(http::now_ms()),
            http::random_hex(12)?
        );
        self.call(&path, Self::encode(op)?)
            .await?
            .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// Everything the agency may see.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn agency_view(&self) -> AppResult<serde_json::Value> {
        self.call("/agency", None)
            .await?
            .ok_or(AppError::Problem(ProblemCode::NotFound))
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

//! The worker's side of [`super::TenantState`]: one stub per tenant id.

use onboarding_core::model::api::AgencyTenantView;
use onboarding_core::model::problem::ProblemCode;
use serde::de::DeserializeOwned;
use worker::{Env, Headers, Request, RequestInit, Response, Stub};

use super::identity::{IdentityOp, IdentityOutcome};
use super::live::{Feed, Watch};
use super::{Access, Applied, Bound, LocalChange, LogEntry, TenantCall, TenantRecord};
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

    /// Sends one call and reads the reply the object writes for it.
    async fn ask<T: DeserializeOwned>(&self, call: &TenantCall) -> AppResult<T> {
        http::ask_object(&self.stub, "tenant state", call).await
    }

    /// Creates the state (idempotent for the same agency).
    ///
    /// # Errors
    /// 409 `tenant_unavailable` when the id is bound to another agency, 500 when the
    /// object fails.
    pub async fn init(&self, rec: &TenantRecord) -> AppResult<Bound> {
        self.ask::<Option<Bound>>(&TenantCall::Init {
            record: Box::new(rec.clone()),
        })
        .await?
        .ok_or(AppError::Problem(ProblemCode::TenantUnavailable))
    }

    /// Whether a token of `generation` is still good for this tenant.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn access(&self, generation: u32) -> AppResult<Access> {
        self.ask(&TenantCall::Access { generation }).await
    }

    /// Revokes every token of the tenant issued so far; returns the new generation.
    ///
    /// # Errors
    /// 404 when unknown, 500 when the object fails.
    pub async fn revoke(&self) -> AppResult<u32> {
        self.ask::<Option<u32>>(&TenantCall::Revoke)
            .await?
            .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// Requests the object instance has served (dev diagnostics).
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn served(&self) -> AppResult<super::Served> {
        self.ask(&TenantCall::Served).await
    }

    /// Owner of the tenant, or `None` when this edge never created it.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn record(&self) -> AppResult<Option<TenantRecord>> {
        self.ask(&TenantCall::Record).await
    }

    /// Current status with its sequence number.
    ///
    /// # Errors
    /// 404 when unknown.
    pub async fn status(&self) -> AppResult<LogEntry> {
        self.ask::<Option<LogEntry>>(&TenantCall::Status)
            .await?
            .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// Applies a change made by this API.
    ///
    /// # Errors
    /// 404 when unknown, 500 when the object fails.
    pub async fn local(&self, change: &LocalChange) -> AppResult<LogEntry> {
        self.ask::<Option<LogEntry>>(&TenantCall::Local {
            change: change.clone(),
            at: http::iso(http::now_ms()),
            id: http::random_hex(12)?,
        })
        .await?
        .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// Applies a verified upstream event (raw JSON), once per event id.
    ///
    /// # Errors
    /// 500 when the object fails; `Ok(None)` when the tenant is unknown here.
    pub async fn webhook(&self, body: &str) -> AppResult<Option<Applied>> {
        self.ask(&TenantCall::Webhook {
            body: body.to_owned(),
            at: http::iso(http::now_ms()),
        })
        .await
    }

    /// Marks an event's relay as queued.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn relay_queued(&self, event_id: &str) -> AppResult<()> {
        let _: Option<()> = self
            .ask(&TenantCall::Relayed {
                event_id: event_id.to_owned(),
            })
            .await?;
        Ok(())
    }

    /// The event was delivered: its raw body is not kept.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn delivered(&self, event_id: &str) -> AppResult<()> {
        let _: Option<()> = self
            .ask(&TenantCall::Delivered {
                event_id: event_id.to_owned(),
            })
            .await?;
        Ok(())
    }

    /// Erases the tenant for `agency` (or takes up its erasure where it stopped).
    ///
    /// # Errors
    /// 404 when it is not (and never was) that agency's tenant, 500 when the object
    /// fails.
    pub async fn erase(
        &self,
        agency: &str,
        by: onboarding_core::lifecycle::ErasedBy,
    ) -> AppResult<onboarding_core::lifecycle::ErasureReceipt> {
        self.ask::<Option<_>>(&TenantCall::Erase {
            agency: agency.to_owned(),
            by,
            at: http::iso(http::now_ms()),
        })
        .await?
        .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// The raw body of an accepted upstream event (`None`: not known here).
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn event_body(&self, event_id: &str) -> AppResult<Option<String>> {
        self.ask(&TenantCall::EventBody {
            event_id: event_id.to_owned(),
        })
        .await
    }

    /// Status changes after `after`.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn log_after(&self, after: i64) -> AppResult<Vec<LogEntry>> {
        Ok(self
            .ask::<Option<Vec<LogEntry>>>(&TenantCall::Log { after })
            .await?
            .unwrap_or_default())
    }

    /// Runs an identity operation (core's once-only rules) in the object.
    ///
    /// # Errors
    /// 404 when the tenant is unknown, 500 when the object fails.
    pub async fn identity(&self, op: &IdentityOp) -> AppResult<IdentityOutcome> {
        self.ask::<Option<IdentityOutcome>>(&TenantCall::Identity {
            op: op.clone(),
            at: http::iso(http::now_ms()),
            id: http::random_hex(12)?,
        })
        .await?
        .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// A single-use ticket for one live status connection of a token expiring at
    /// `expires_at` (unix seconds).
    ///
    /// # Errors
    /// 404 when unknown, 500 when the object fails.
    pub async fn ticket(&self, expires_at: u64) -> AppResult<String> {
        self.ask::<Option<String>>(&TenantCall::Ticket { expires_at })
            .await?
            .ok_or(AppError::Problem(ProblemCode::NotFound))
    }

    /// Hands a browser's WebSocket upgrade to the object: the reply (`101` with the
    /// socket) goes back to the browser as it is, so the connection is the object's
    /// own, hibernating between changes; the worker is not in the middle.
    ///
    /// # Errors
    /// 404 unknown tenant, 401 unknown, used or stale ticket, 500 when the object fails.
    pub async fn connect(&self, watch: &Watch) -> AppResult<Response> {
        let resp = self.upgrade(watch).await?;
        match resp.status_code() {
            101 => Ok(resp),
            s => Err(refused(s)),
        }
    }

    async fn upgrade(&self, watch: &Watch) -> AppResult<Response> {
        let headers = Headers::new();
        headers.set("Upgrade", "websocket")?;
        let mut init = RequestInit::new();
        init.with_headers(headers);
        let req =
            Request::new_with_init(&format!("https://tenant/watch?{}", watch.query()), &init)?;
        Ok(http::to_object(&self.stub, req).await?)
    }

    /// Opens a status connection to the object (a WebSocket it holds through the
    /// Hibernation API: nothing is asked of it until a change is pushed).
    ///
    /// # Errors
    /// 404 unknown tenant, 401 past the token's expiry, 500 when the object fails.
    pub async fn watch(&self, watch: Watch) -> AppResult<Feed> {
        let resp = self.upgrade(&watch).await?;
        match (resp.status_code(), resp.websocket()) {
            (101, Some(ws)) => Ok(Feed::open(ws)?),
            (101, None) => Err(AppError::Internal(
                "status connection without a socket".into(),
            )),
            (s, _) => Err(refused(s)),
        }
    }

    /// Everything the agency may see.
    ///
    /// # Errors
    /// 404 when unknown, 500 when the object fails.
    pub async fn agency_view(&self) -> AppResult<AgencyTenantView> {
        self.ask::<Option<AgencyTenantView>>(&TenantCall::AgencyView)
            .await?
            .ok_or(AppError::Problem(ProblemCode::NotFound))
    }
}

/// The error of a refused status connection.
fn refused(status: u16) -> AppError {
    match status {
        401 => AppError::Problem(ProblemCode::Unauthorized),
        404 => AppError::Problem(ProblemCode::NotFound),
        s => AppError::Internal(format!("tenant state answered {s} to watch")),
    }
}

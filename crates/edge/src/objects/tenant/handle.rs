//! The worker's side of a tenant's object: one stub per tenant id. [`TenantHandle::ask`]
//! sends any call; the methods below are the calls whose empty answer is an error for
//! every caller (an unknown tenant is a `404`), or that fill in the time and an id.

use onboarding_core::lifecycle::{ErasedBy, ErasureReceipt};
use onboarding_core::model::api::AgencyTenantView;
use onboarding_core::model::problem::ProblemCode;
use worker::{Env, Response, Stub};

use super::feed::Feed;
use super::protocol::*;
use super::watch::Watch;
use crate::error::{AppError, AppResult};
use crate::http;
use crate::objects::call::{self, Call};

/// A handle on one tenant's Durable Object.
pub struct TenantHandle {
    stub: Stub,
    counted: bool,
}

const NOT_FOUND: AppError = AppError::Problem(ProblemCode::NotFound);

impl TenantHandle {
    /// The object named by the tenant id.
    ///
    /// # Errors
    /// 500 when the binding is missing.
    pub fn new(env: &Env, tenant_id: &str) -> AppResult<Self> {
        let ns = env.durable_object("TENANT_STATE")?;
        Ok(TenantHandle {
            stub: ns.id_from_name(tenant_id)?.get_stub()?,
            counted: true,
        })
    }

    /// The same handle, for work that is no request's (the relay consumer): its calls
    /// are left out of the dev round-trip count.
    pub fn in_background(self) -> Self {
        TenantHandle {
            counted: false,
            ..self
        }
    }

    /// Sends one call; its reply is the type the call names.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn ask<C: Call<Protocol = TenantCall>>(&self, c: C) -> AppResult<C::Reply> {
        call::ask(&self.stub, "tenant state", c, self.counted).await
    }

    /// Creates the state (idempotent for the creating session).
    ///
    /// # Errors
    /// 409 `tenant_unavailable` when the id is bound to another agency or session, 500
    /// when the object fails.
    pub async fn init(&self, record: TenantRecord) -> AppResult<Bound> {
        self.ask(Init {
            record: Box::new(record),
        })
        .await?
        .ok_or(AppError::Problem(ProblemCode::TenantUnavailable))
    }

    /// Current status with its sequence number.
    ///
    /// # Errors
    /// 404 when unknown.
    pub async fn status(&self) -> AppResult<LogEntry> {
        self.ask(ReadStatus {}).await?.ok_or(NOT_FOUND)
    }

    /// Applies a change made by this API.
    ///
    /// # Errors
    /// 404 when unknown, 500 when the object fails.
    pub async fn local(&self, change: LocalChange) -> AppResult<LogEntry> {
        self.ask(Local {
            change,
            at: http::iso(http::now_ms()),
            id: http::random_hex(12)?,
        })
        .await?
        .ok_or(NOT_FOUND)
    }

    /// Applies a verified upstream event (its JSON text), once per event id;
    /// `None` when the tenant is unknown here.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn webhook(&self, body: String) -> AppResult<Option<Applied>> {
        self.ask(Webhook {
            body,
            at: http::iso(http::now_ms()),
        })
        .await
    }

    /// Runs an identity operation (core's once-only rules) in the object.
    ///
    /// # Errors
    /// 404 when the tenant is unknown, 500 when the object fails.
    pub async fn identity(&self, op: IdentityOp) -> AppResult<IdentityOutcome> {
        self.ask(Identity {
            op,
            at: http::iso(http::now_ms()),
            id: http::random_hex(12)?,
        })
        .await?
        .ok_or(NOT_FOUND)
    }

    /// Erases the tenant for `agency` (or takes up its erasure where it stopped).
    ///
    /// # Errors
    /// 404 when it is not (and never was) that agency's tenant, 500 when the object
    /// fails.
    pub async fn erase(&self, agency: &str, by: ErasedBy) -> AppResult<ErasureReceipt> {
        self.ask(Erase {
            agency: agency.to_owned(),
            by,
            at: http::iso(http::now_ms()),
        })
        .await?
        .ok_or(NOT_FOUND)
    }

    /// Everything the agency may see.
    ///
    /// # Errors
    /// 404 when unknown, 500 when the object fails.
    pub async fn agency_view(&self) -> AppResult<AgencyTenantView> {
        self.ask(ReadAgencyView {}).await?.ok_or(NOT_FOUND)
    }

    /// Hands a browser's WebSocket upgrade to the object: the reply (`101` with the
    /// socket) goes back to the browser as it is, so the connection is the object's
    /// own, hibernating between changes; the worker is not in the middle.
    ///
    /// # Errors
    /// 404 unknown tenant, 401 unknown, used or stale ticket, 500 when the object fails.
    pub async fn connect(&self, watch: &Watch) -> AppResult<Response> {
        let resp = call::upgrade(&self.stub, watch).await?;
        match resp.status_code() {
            101 => Ok(resp),
            s => Err(refused(s)),
        }
    }

    /// Opens a status connection to the object (a WebSocket it holds through the
    /// Hibernation API: nothing is asked of it until a change is pushed).
    ///
    /// # Errors
    /// 404 unknown tenant, 401 past the token's expiry, 500 when the object fails.
    pub async fn watch(&self, watch: &Watch) -> AppResult<Feed> {
        let resp = call::upgrade(&self.stub, watch).await?;
        match (resp.status_code(), resp.websocket()) {
            (101, Some(ws)) => Ok(Feed::open(ws)?),
            (101, None) => Err(AppError::Internal(
                "status connection without a socket".into(),
            )),
            (s, _) => Err(refused(s)),
        }
    }
}

/// The error of a refused status connection.
fn refused(status: u16) -> AppError {
    match status {
        401 => AppError::Problem(ProblemCode::Unauthorized),
        404 => NOT_FOUND,
        s => AppError::Internal(format!("tenant state answered {s} to watch")),
    }
}

//! The `TenantState` class: the dispatch of [`TenantCall`] (each arm answering with its
//! call's reply type), the status connection upgrade and the alarm. What each call does
//! lives in the module of its concern.

use wasm_bindgen::JsCast;
use worker::{
    DurableObject, Env, Request, Response, SqlStorage, State, WebSocket, WebSocketIncomingMessage,
    durable_object,
};

use super::protocol::*;
use super::watch::Watch;
use crate::objects::call::{read, respond, upgrade_request};

/// The Durable Object.
#[durable_object]
pub struct TenantState {
    pub(super) sql: SqlStorage,
    pub(super) state: State,
    pub(super) env: Env,
    /// Requests this instance has served (calls and connection upgrades; not pushes):
    /// what an idle status connection must not add to. Dev diagnostics only.
    served: std::cell::Cell<u64>,
    /// Random id of this instance: a hibernated object comes back as a new one, with
    /// its count at zero.
    instance: u32,
}

impl TenantState {
    /// A second handle on this object, for work that goes on after a reply (a
    /// spawned future owns what it uses).
    pub(super) fn another_handle(&self) -> TenantState {
        TenantState {
            sql: self.sql.clone(),
            state: State::from(
                wasm_bindgen::JsValue::from(self.state.as_raw())
                    .unchecked_into::<worker::worker_sys::DurableObjectState>(),
            ),
            env: self.env.clone(),
            served: std::cell::Cell::new(0),
            instance: self.instance,
        }
    }
}

impl DurableObject for TenantState {
    fn new(state: State, env: Env) -> Self {
        let sql = state.storage().sql();
        let object = TenantState {
            sql,
            state,
            env,
            served: std::cell::Cell::new(0),
            instance: (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
        };
        object.schema();
        object
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        self.served.set(self.served.get() + 1);
        if let Some(watch) = upgrade_request::<Watch>(&req)? {
            return self.watch(watch).await;
        }
        let call: TenantCall = read(req).await?;
        // The record, read once: every call but `Init` is about an existing tenant.
        let rec = match &call {
            TenantCall::Init(_) => None,
            _ => self.record()?,
        };
        match call {
            TenantCall::Init(c) => respond::<Init>(&self.init(*c.record).await?),
            TenantCall::Record(_) => respond::<ReadRecord>(&rec),
            TenantCall::Access(c) => {
                respond::<CheckAccess>(&self.access(rec.is_some(), c.generation)?)
            }
            TenantCall::Served(_) => respond::<ReadServed>(&Served {
                served: self.served.get(),
                instance: self.instance,
                due: self.owed()?,
                unqueued: self.unqueued()?,
                alarm: self.state.storage().get_alarm().await?,
            }),
            TenantCall::Erase(c) => {
                respond::<Erase>(&self.erase(rec, &c.agency, c.by, &c.at).await?)
            }
            TenantCall::Relayed(c) => respond::<MarkRelayed>(&self.mark_relayed(&c.event_id)?),
            TenantCall::Delivered(c) => respond::<MarkDelivered>(&self.forget_body(&c.event_id)?),
            TenantCall::Status(_) => {
                respond::<ReadStatus>(&rec.map(|_| self.current()).transpose()?)
            }
            TenantCall::Revoke(_) => respond::<Revoke>(&rec.map(|_| self.revoke()).transpose()?),
            TenantCall::Ticket(c) => {
                if rec.is_some() {
                    self.issue_ticket(&c.nonce, c.expires_at)?;
                }
                respond::<IssueTicket>(&rec.is_some())
            }
            TenantCall::Log(c) => respond::<ReadLog>(&match rec {
                Some(_) => self.log_after(c.after)?,
                None => Vec::new(),
            }),
            TenantCall::AgencyView(_) => {
                respond::<ReadAgencyView>(&rec.map(|r| self.agency_view(r)).transpose()?)
            }
            TenantCall::EventBody(c) => respond::<ReadEventBody>(
                &rec.map(|r| self.event_body(&r, &c.event_id))
                    .transpose()?
                    .flatten(),
            ),
            // Changes: the committed entry goes on to the agency's list.
            TenantCall::Local(c) => {
                let Some(rec) = rec else {
                    return respond::<Local>(&None);
                };
                let entry = self.local(c.change, &c.at, &c.id)?;
                self.relist(&rec, &entry).await?;
                respond::<Local>(&Some(entry))
            }
            TenantCall::Webhook(c) => {
                let Some(rec) = rec else {
                    return respond::<Webhook>(&None);
                };
                let (applied, entry) = self.webhook(&rec, &c.body, &c.at)?;
                if applied.needs_relay {
                    self.schedule_sweep().await?;
                }
                if let Some(entry) = entry {
                    self.relist(&rec, &entry).await?;
                }
                respond::<Webhook>(&Some(applied))
            }
            TenantCall::Identity(c) => {
                let Some(rec) = rec else {
                    return respond::<Identity>(&None);
                };
                let (outcome, entry) = self.identity(&rec, c.op, &c.at, &c.id)?;
                if let Some(entry) = entry {
                    self.relist(&rec, &entry).await?;
                }
                respond::<Identity>(&Some(outcome))
            }
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let now = js_sys::Date::now() as u64;
        self.sweep_when_due(now).await?;
        if let Some(next_expiry) = self.close_expired() {
            self.arm(next_expiry).await?;
        }
        // An erasure's remaining steps (a crash or an upstream failure halfway).
        self.resume_erasure_when_due(now).await?;
        // A list row that could not be written.
        self.relist_when_due(now).await?;
        self.enforce_retention(now).await?;
        Response::ok("")
    }

    /// Clients send nothing that matters (a keep-alive at most): ignored.
    async fn websocket_message(
        &self,
        _ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        Ok(())
    }

    /// The other side closed: complete the close.
    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        let _ = ws.close(Some(1000), Some("closed"));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        let _ = ws.close(Some(1011), Some("error"));
        Ok(())
    }
}

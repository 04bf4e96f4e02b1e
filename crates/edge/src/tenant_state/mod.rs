//! `TenantState`: the Durable Object (SQLite) that is the single place a tenant's
//! onboarding state lives — the status object (folded by core's
//! [`Status::apply`](onboarding_core::model::status::Status::apply)), the log of status
//! changes that the SSE stream replays by sequence number, the upstream events already
//! applied (a `UNIQUE` event id, so duplicates — concurrent ones too, since the object
//! runs one request at a time and SQL calls are synchronous — apply once), and the
//! agency-only results (identity insights, forensic findings, financial score).

pub mod client;
mod erasure;
pub mod identity;
pub mod live;
pub mod sse;

use onboarding_core::event_order::{StepClock, Verdict};
use onboarding_core::model::api::{AgencyTenantView, RecordedEvent};
use onboarding_core::model::status::{Startable, Status};
use onboarding_core::model::value::JsonValue;
use onboarding_core::model::webhook::{Event, EventData};
use serde::{Deserialize, Serialize};

use crate::scope_store::ListRow;
use crate::sql;
use onboarding_core::lifecycle::Progress;
use onboarding_core::model::api::TenantSummary;
use worker::{
    DurableObject, Env, Request, Response, SqlStorage, State, WebSocket, WebSocketIncomingMessage,
    durable_object,
};

/// Who a tenant belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantRecord {
    /// Upstream tenant id.
    pub tenant_id: String,
    /// The agency's stable id.
    pub agency: String,
    /// RFC 3339.
    pub created_at: String,
    /// The validated request (the identity inquiry is built from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<onboarding_core::model::TenantRequest>,
    /// The session that created it: an upstream that returns an existing tenant hands
    /// it to this session's retries only.
    #[serde(default)]
    pub session_id: String,
    /// The person key (core's `person::person_key`), when the request named a document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Unix seconds of the tenant's first token: its tokens' absolute lifetime runs
    /// from here.
    #[serde(default)]
    pub since: i64,
    /// What the applicant consented to: core's receipts (version, the text's SHA-256,
    /// locale, time, network).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent: Vec<onboarding_core::consent::ConsentReceipt>,
    /// The agency's retention periods when the tenant was created (unset: core's
    /// defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<onboarding_core::lifecycle::Retention>,
}

impl TenantRecord {
    /// The agency's own reference for the applicant, from the request.
    pub fn external_reference(&self) -> Option<&str> {
        self.request.as_ref()?.external_reference.as_deref()
    }
}

/// `TenantCall::Init`'s reply: the tenant is bound to the caller.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bound {
    /// The current status.
    pub entry: LogEntry,
    /// The first token's time (unix seconds).
    pub since: i64,
    /// The tenant's token generation.
    pub generation: u32,
}

/// `TenantCall::Access`'s reply.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Access {
    /// A token of the current generation, with the tenant's current status (the
    /// handler after the check needs no second call for it).
    Granted {
        /// The current status and its sequence number.
        current: LogEntry,
    },
    /// Revoked: the tenant has moved to a later generation.
    Revoked,
    /// No such tenant here.
    Unknown,
}

/// A change made by this API (not an upstream event).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "camelCase")]
pub enum LocalChange {
    /// A document was stored upstream.
    #[serde(rename_all = "camelCase")]
    DocumentUploaded {
        /// Upstream document id.
        document_id: String,
        /// Kind (wire name).
        kind: onboarding_core::document::DocumentKind,
        /// Metadata kept for the agency (size, hash, content type).
        record: serde_json::Value,
    },
    /// A hosted page or a process was started.
    Started {
        /// `clave`, `kyc`, `bank`, `identity` or `forensic`.
        step: String,
    },
}

/// One entry of the status log: core's wire frame of the live status.
pub use onboarding_core::model::api::StatusEntry as LogEntry;

/// Answer to an upstream event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// False when the event id had been applied before.
    pub applied: bool,
    /// True when the relay has not been queued yet for this event.
    pub needs_relay: bool,
    /// The agency to relay to.
    pub agency: String,
    /// The agency's reference, carried by the relayed event.
    #[serde(default)]
    pub external_reference: Option<String>,
}

/// Everything a tenant's object is asked: one variant per operation. The worker's
/// [`client::TenantHandle`] builds them and the object matches them exhaustively, so a
/// call that does not exist does not compile on either side; each handle method names
/// the reply type the object writes (`null` where the tenant is not known here).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum TenantCall {
    /// Create the state, bound to the record's agency for good → `Option<Bound>`
    /// (`None`: the id is bound to another agency or session).
    Init {
        /// Owner and request.
        record: Box<TenantRecord>,
    },
    /// → `Option<TenantRecord>`.
    Record,
    /// Is a token of this generation still good (and the status, when it is)? →
    /// [`Access`].
    Access {
        /// The token's generation.
        generation: u32,
    },
    /// Revoke every token issued so far (and close the live connections) → the new
    /// generation, `Option<u32>`.
    Revoke,
    /// → [`Served`]: requests this object instance has served, this one included (dev
    /// diagnostics: `GET /_dev/tenants/{id}/served` under `DEV_WIRING` only).
    Served,
    /// → `Option<LogEntry>`: the current status and its sequence number.
    Status,
    /// A change made by this API → `Option<LogEntry>`.
    #[serde(rename_all = "camelCase")]
    Local {
        /// The change.
        change: LocalChange,
        /// RFC 3339 now.
        at: String,
        /// Random id of this change (its log entry's event id).
        id: String,
    },
    /// A verified upstream event (raw JSON), once per event id → `Option<Applied>`.
    Webhook {
        /// The event as received.
        body: String,
        /// RFC 3339 now.
        at: String,
    },
    /// The event's relay was queued → `()`.
    #[serde(rename_all = "camelCase")]
    Relayed {
        /// Upstream event id.
        event_id: String,
    },
    /// A single-use ticket for one live status connection → `Option<String>`.
    #[serde(rename_all = "camelCase")]
    Ticket {
        /// Unix seconds: the asking token's expiry (the connection's end).
        expires_at: u64,
    },
    /// Status changes after a sequence number (at most 100) → `Vec<LogEntry>`.
    Log {
        /// Last sequence number seen.
        after: i64,
    },
    /// Everything the agency may see → `Option<AgencyTenantView>`.
    AgencyView,
    /// The raw body of an accepted upstream event → `Option<String>`.
    #[serde(rename_all = "camelCase")]
    EventBody {
        /// Upstream event id.
        event_id: String,
    },
    /// Erase the tenant (or take up an erasure begun) for `agency` →
    /// `Option<ErasureReceipt>` (`None`: not that agency's tenant, erased or not).
    Erase {
        /// The agency asking.
        agency: String,
        /// Who asked.
        by: onboarding_core::lifecycle::ErasedBy,
        /// RFC 3339 now.
        at: String,
    },
    /// The event was delivered to the agency: its raw body is not kept → `()`.
    #[serde(rename_all = "camelCase")]
    Delivered {
        /// Event id.
        event_id: String,
    },
    /// An identity operation under core's once-only rules → `Option<IdentityOutcome>`.
    Identity {
        /// The operation.
        op: identity::IdentityOp,
        /// RFC 3339 now.
        at: String,
        /// Random id of this change.
        id: String,
    },
}

fn startable(step: &str) -> Option<Startable> {
    Some(match step {
        "clave" => Startable::Clave,
        "kyc" => Startable::Kyc,
        "bank" => Startable::Bank,
        "identity" => Startable::Identity,
        "forensic" => Startable::Forensic,
        _ => return None,
    })
}

/// How long after an accepted event the object checks that its relay was queued
/// (the worker queues it right away; this sweep catches a crash or a queue failure in
/// between, so nothing accepted is lost on the way to the agency).
const RELAY_SWEEP_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Status snapshots kept in the history (older entries keep only their event id).
const STATUS_HISTORY: i64 = 100;

/// `kv` key of the list row last written to the agency's list.
const LISTED: &str = "listed";
/// `kv` key of the time (unix ms) a failed list write is retried.
const LIST_DUE: &str = "list_due";

/// Most events queued by one sweep (the alarm is set again while more remain).
const RELAY_SWEEP_BATCH: i64 = 50;

/// The tenant's tables.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', relay_enqueued INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS documents (document_id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, created_at TEXT NOT NULL, applied INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inquiry_details (inquiry_id TEXT PRIMARY KEY, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (ticket TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, until INTEGER NOT NULL);";

/// The Durable Object.
#[durable_object]
pub struct TenantState {
    sql: SqlStorage,
    state: State,
    env: Env,
    /// Requests this instance has served (calls and connection upgrades; not pushes):
    /// what an idle status connection must not add to. Dev diagnostics only.
    served: std::cell::Cell<u64>,
    /// Random id of this instance: a hibernated object comes back as a new one, with
    /// its count at zero.
    instance: u32,
}

/// `TenantCall::Served`'s reply.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Served {
    /// Requests served by this instance, this one included.
    pub served: u64,
    /// The instance's random id.
    pub instance: u32,
}

impl TenantState {
    fn schema(&self) {
        // One call for the whole schema (the runtime runs the statements in turn).
        let _ = self.sql.exec(SCHEMA, None);
    }

    fn get(&self, k: &str) -> worker::Result<Option<String>> {
        sql::value(&self.sql, "SELECT v FROM kv WHERE k = ?", vec![k.into()])
    }

    fn put(&self, k: &str, v: &str) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)",
            vec![k.into(), v.into()],
        )?;
        Ok(())
    }

    fn status(&self) -> worker::Result<Option<Status>> {
        Ok(match self.get("status")? {
            Some(s) => Some(serde_json::from_str(&s)?),
            None => None,
        })
    }

    fn record(&self) -> worker::Result<Option<TenantRecord>> {
        Ok(match self.get("tenant")? {
            Some(s) => Some(serde_json::from_str(&s)?),
            None => None,
        })
    }

    /// Stores the status and appends it to the log; returns the new entry (the
    /// status as stored, with its sequence number).
    fn commit(
        &self,
        status: &Status,
        event_id: &str,
        kind: &str,
        body: &str,
    ) -> worker::Result<LogEntry> {
        let json = serde_json::to_string(status)?;
        self.put("status", &json)?;
        self.sql.exec(
            "INSERT INTO log (event_id, type, status, body) VALUES (?, ?, ?, ?)",
            vec![event_id.into(), kind.into(), json.into(), body.into()],
        )?;
        let entry = LogEntry {
            seq: self.last_seq()?,
            status: status.clone(),
        };
        // The history is bounded: older entries keep their event id (duplicates are
        // still recognised) but not their snapshot. Each entry is a whole status, so a
        // client replaying from further back gets the recent ones, the last of which is
        // the current status.
        self.sql.exec(
            "UPDATE log SET status = '' WHERE seq <= ? AND status != ''",
            vec![(entry.seq - STATUS_HISTORY).into()],
        )?;
        self.push(&entry);
        Ok(entry)
    }

    fn last_seq(&self) -> worker::Result<i64> {
        Ok(
            sql::value::<Option<i64>>(&self.sql, "SELECT MAX(seq) AS v FROM log", None)?
                .flatten()
                .unwrap_or(0),
        )
    }

    /// Creates the state, bound to `rec.agency` for good. `None` when the tenant id is
    /// already bound to another agency (an upstream that returned an existing tenant):
    /// the second agency never inherits it.
    fn init(&self, rec: TenantRecord) -> worker::Result<Option<Bound>> {
        // An erased tenant is never created again under its id.
        if self.get(erasure::RECEIPT)?.is_some() {
            return Ok(None);
        }
        match self.record()? {
            None => {
                self.put("tenant", &serde_json::to_string(&rec)?)?;
                let status = Status::new(&rec.tenant_id, &rec.created_at);
                // `tenant.created` for the agency, with the consent receipts: relayed
                // like an upstream event (queued by the caller, swept if that fails).
                let kind = "tenant.created";
                let id = onboarding_core::lifecycle::edge_event_id(kind, &rec.tenant_id);
                let body = serde_json::json!({
                    "id": id,
                    "type": kind,
                    "createdAt": rec.created_at,
                    "tenantId": rec.tenant_id,
                    "data": {"consent": rec.consent},
                });
                let body =
                    crate::relay::with_reference(&body.to_string(), rec.external_reference());
                let entry = self.commit(&status, &id, kind, &body)?;
                Ok(Some(Bound {
                    entry,
                    since: rec.since,
                    generation: 0,
                }))
            }
            // The creating session's retry (the upstream answered the tenant it made).
            Some(existing)
                if existing.agency == rec.agency && existing.session_id == rec.session_id =>
            {
                Ok(Some(Bound {
                    entry: self.current()?,
                    since: existing.since,
                    generation: self.generation()?,
                }))
            }
            // Anyone else — another session of this agency (an upstream that
            // deduplicates applicants by email returned someone's tenant) or another
            // agency — gets nothing; the owning agency sees the refused attempt.
            Some(_) => {
                self.note_refused_access(&rec.created_at)?;
                Ok(None)
            }
        }
    }

    /// The current token generation.
    fn generation(&self) -> worker::Result<u32> {
        Ok(self
            .get("generation")?
            .and_then(|g| g.parse().ok())
            .unwrap_or(0))
    }

    /// Keeps the time of a refused attempt to open this tenant (the newest 20).
    fn note_refused_access(&self, at: &str) -> worker::Result<()> {
        let mut times: Vec<String> = self
            .get("refused_access")?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        times.push(at.to_owned());
        if times.len() > 20 {
            times.remove(0);
        }
        self.put("refused_access", &serde_json::to_string(&times)?)
    }

    fn current(&self) -> worker::Result<LogEntry> {
        let status = self
            .status()?
            .ok_or_else(|| worker::Error::RustError("no status".into()))?;
        Ok(LogEntry {
            seq: self.last_seq()?,
            status,
        })
    }

    fn local(&self, change: LocalChange, at: &str, id: &str) -> worker::Result<LogEntry> {
        let Some(mut status) = self.status()? else {
            return Err(worker::Error::RustError("no tenant".into()));
        };
        let kind = match &change {
            LocalChange::DocumentUploaded {
                document_id,
                kind,
                record,
            } => {
                status.document_uploaded(document_id, *kind, at);
                self.sql.exec(
                    "INSERT OR REPLACE INTO documents (document_id, record) VALUES (?, ?)",
                    vec![
                        document_id.as_str().into(),
                        serde_json::to_string(record)?.into(),
                    ],
                )?;
                "document.uploaded"
            }
            LocalChange::Started { step } => {
                if let Some(s) = startable(step) {
                    status.started(s, at);
                }
                "step.started"
            }
        };
        self.commit(&status, &format!("local:{id}"), kind, "")
    }

    fn webhook(&self, body: &str, at: &str) -> worker::Result<Applied> {
        let event: Event = serde_json::from_str(body)?;
        let Some(rec) = self.record()? else {
            return Err(worker::Error::RustError("no tenant".into()));
        };
        let seen: Option<i64> = sql::value(
            &self.sql,
            "SELECT relay_enqueued AS v FROM log WHERE event_id = ?",
            vec![event.id.as_str().into()],
        )?;
        if let Some(relay_enqueued) = seen {
            return Ok(Applied {
                applied: false,
                needs_relay: relay_enqueued == 0,
                external_reference: rec.external_reference().map(str::to_owned),
                agency: rec.agency,
            });
        }
        let mut status = self
            .status()?
            .unwrap_or_else(|| Status::new(&rec.tenant_id, at));
        // Order: only an event created after the step's current result replaces it
        // (core's StepClock); an older one is kept in `results` for the agency and
        // relayed, but changes no step.
        let mut clock: StepClock = match self.get("step_clock")? {
            Some(s) => serde_json::from_str(&s)?,
            None => StepClock::default(),
        };
        let verdict = clock.admit(&event);
        if verdict == Verdict::Newer {
            self.put("step_clock", &serde_json::to_string(&clock)?)?;
            status.apply(&event, at);
            match &event.data {
                EventData::Forensic(f) => self.put("forensic", &serde_json::to_string(f)?)?,
                EventData::Financial(f) => self.put("financial", &serde_json::to_string(f)?)?,
                EventData::Kyc(k) => self.put("kyc", &serde_json::to_string(k)?)?,
                _ => {}
            }
        }
        self.sql.exec(
            "INSERT OR IGNORE INTO results (event_id, type, created_at, applied, data) VALUES (?, ?, ?, ?, ?)",
            vec![
                event.id.as_str().into(),
                event.event_type().as_str().into(),
                event.created_at.as_str().into(),
                i32::from(verdict == Verdict::Newer).into(),
                serde_json::to_string(&serde_json::to_value(&event.data)?["data"])?.into(),
            ],
        )?;
        self.commit(&status, &event.id, event.event_type().as_str(), body)?;
        Ok(Applied {
            applied: true,
            needs_relay: true,
            external_reference: rec.external_reference().map(str::to_owned),
            agency: rec.agency,
        })
    }

    fn log_after(&self, after: i64) -> worker::Result<Vec<LogEntry>> {
        #[derive(Deserialize)]
        struct Row {
            seq: i64,
            status: String,
        }
        sql::rows::<Row>(
            &self.sql,
            "SELECT seq, status FROM log WHERE seq > ? AND status != '' ORDER BY seq LIMIT 100",
            vec![after.into()],
        )?
        .into_iter()
        .map(|r| {
            Ok(LogEntry {
                seq: r.seq,
                status: serde_json::from_str(&r.status)?,
            })
        })
        .collect()
    }

    /// Everything the agency may see (core's [`AgencyTenantView`]).
    fn agency_view(&self) -> worker::Result<AgencyTenantView> {
        let parse = |k: &str| -> worker::Result<JsonValue> {
            Ok(self
                .get(k)?
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or_default())
        };
        #[derive(Deserialize)]
        struct Stored {
            event_id: String,
            kind: String,
            created_at: String,
            applied: i64,
            data: String,
        }
        let results: Vec<RecordedEvent> = sql::rows::<Stored>(
            &self.sql,
            "SELECT event_id, type AS kind, created_at, applied, data FROM results ORDER BY created_at, rowid",
            None,
        )?
        .into_iter()
        .map(|r| RecordedEvent {
            event_id: r.event_id,
            kind: r.kind,
            created_at: r.created_at,
            applied: r.applied != 0,
            data: serde_json::from_str(&r.data).unwrap_or_default(),
        })
        .collect();
        let history = |kind: &str| -> Vec<RecordedEvent> {
            results.iter().filter(|r| r.kind == kind).cloned().collect()
        };
        let documents: Vec<JsonValue> = sql::rows::<JsonText>(
            &self.sql,
            "SELECT record AS v FROM documents ORDER BY rowid",
            None,
        )?
        .iter()
        .filter_map(|d| serde_json::from_str(&d.v).ok())
        .collect();
        let rec = self.record()?;
        Ok(AgencyTenantView {
            external_reference: rec
                .as_ref()
                .and_then(TenantRecord::external_reference)
                .map(str::to_owned),
            tenant: parse("tenant")?,
            forensic_history: history("forensic.analysis.completed"),
            financial_history: history("financial.analysis.completed"),
            events: results,
            status: parse("status")?,
            identity: parse("identity")?,
            identity_inquiries: serde_json::from_value(self.identity_view()?)?,
            kyc: parse("kyc")?,
            forensic: parse("forensic")?,
            financial: parse("financial")?,
            documents: JsonValue::Array(documents),
            consent: rec.map(|r| r.consent).unwrap_or_default(),
            refused_access: self
                .get("refused_access")?
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or_default(),
            person: None,
        })
    }
}

/// A row of one text column named `v`.
#[derive(Deserialize)]
struct JsonText {
    v: String,
}

impl TenantState {
    /// Makes sure the alarm rings at `at_ms` (unix ms) or earlier. One alarm serves
    /// both the relay sweep (when `sweep_due` is reached) and the expiry of status
    /// connections.
    async fn arm(&self, at_ms: u64) -> worker::Result<()> {
        let storage = self.state.storage();
        match storage.get_alarm().await? {
            Some(pending) if pending <= at_ms as i64 => Ok(()),
            // An absolute time (an i64 would be an offset from now).
            _ => {
                let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
                storage.set_alarm(worker::ScheduledTime::new(at)).await
            }
        }
    }

    /// A time (unix ms) kept under `k`.
    fn due(&self, k: &str) -> worker::Result<Option<u64>> {
        Ok(self.get(k)?.and_then(|d| d.parse().ok()))
    }

    /// The agency's list row of this tenant as it stands.
    fn list_row(&self) -> worker::Result<Option<(String, ListRow)>> {
        let (Some(rec), Some(status)) = (self.record()?, self.status()?) else {
            return Ok(None);
        };
        let external_reference = rec.external_reference().map(str::to_owned);
        let row = ListRow {
            created_ms: onboarding_core::event_order::parse_rfc3339_ms(&rec.created_at)
                .unwrap_or(0),
            version: self.last_seq()?,
            summary: TenantSummary {
                tenant_id: rec.tenant_id,
                created_at: rec.created_at,
                updated_at: status.updated_at,
                state: Progress::of(status.complete),
                steps: status.steps,
                decision: self.identity_record()?.decision,
                external_reference,
            },
        };
        Ok(Some((rec.agency, row)))
    }

    /// After a change: when the list row moved, the retention period starts again
    /// and the agency's list gets the row (versioned by the log's sequence number, so
    /// a late write never replaces a newer one); a failed write is retried by the
    /// alarm.
    async fn relist(&self) -> worker::Result<()> {
        let Some((agency, row)) = self.list_row()? else {
            return Ok(());
        };
        let json = serde_json::to_string(&row.summary)?;
        if self.get(LISTED)?.as_deref() == Some(json.as_str()) {
            return Ok(());
        }
        self.retain(row.summary.state == Progress::Complete).await?;
        let put = async {
            crate::scope_store::Store::new(&self.env, &crate::scope_store::list_scope(&agency))?
                .list_put(row)
                .await
        };
        match put.await {
            Ok(()) => {
                self.put(LISTED, &json)?;
                self.sql
                    .exec("DELETE FROM kv WHERE k = ?", vec![LIST_DUE.into()])?;
            }
            Err(e) => {
                let _ = e.log_detail();
                let due = js_sys::Date::now() as u64 + 5_000;
                self.put(LIST_DUE, &due.to_string())?;
                self.arm(due).await?;
            }
        }
        Ok(())
    }

    /// Schedules a relay sweep `RELAY_SWEEP_AFTER` from now, unless one is due.
    async fn schedule_sweep(&self) -> worker::Result<()> {
        if self.get("sweep_due")?.is_some() {
            return Ok(());
        }
        let due = js_sys::Date::now() as u64 + RELAY_SWEEP_AFTER.as_millis() as u64;
        self.put("sweep_due", &due.to_string())?;
        self.arm(due).await
    }

    /// Queues the relay of every accepted event (upstream, or the edge's own) not
    /// marked as queued; sets the alarm again while any remain (a failed enqueue is
    /// retried at the next sweep).
    async fn sweep(&self) -> worker::Result<()> {
        #[derive(Deserialize)]
        struct Row {
            event_id: String,
            kind: String,
            body: String,
        }
        let Some(rec) = self.record()? else {
            return Ok(());
        };
        let rows: Vec<Row> = sql::rows(
            &self.sql,
            "SELECT event_id, type AS kind, body FROM log WHERE relay_enqueued = 0 AND body != '' ORDER BY seq LIMIT ?",
            vec![RELAY_SWEEP_BATCH.into()],
        )?;
        let mut again = rows.len() as i64 >= RELAY_SWEEP_BATCH;
        for row in rows {
            let queued = crate::relay::enqueue_raw(
                &self.env,
                &rec.agency,
                &row.event_id,
                &row.kind,
                &rec.tenant_id,
                &crate::relay::with_reference(&row.body, rec.external_reference()),
            )
            .await
            .is_ok();
            if queued {
                self.sql.exec(
                    "UPDATE log SET relay_enqueued = 1 WHERE event_id = ?",
                    vec![row.event_id.as_str().into()],
                )?;
                worker::console_warn!(
                    "{}",
                    serde_json::json!({"relay": "swept", "eventId": row.event_id})
                );
            } else {
                again = true;
            }
        }
        if again {
            self.schedule_sweep().await?;
        }
        Ok(())
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

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        self.served.set(self.served.get() + 1);
        if req
            .headers()
            .get("Upgrade")?
            .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
        {
            return self.watch(&req).await;
        }
        let call: TenantCall = req.json().await?;
        let known = !matches!(call, TenantCall::Init { .. }) && self.record()?.is_some();
        // Calls after which the agency's list row (and the retention clock) may move.
        let changes = matches!(
            call,
            TenantCall::Init { .. }
                | TenantCall::Local { .. }
                | TenantCall::Webhook { .. }
                | TenantCall::Identity { .. }
        );
        let out = match call {
            TenantCall::Init { record } => {
                let bound = self.init(*record)?;
                // `tenant.created` queued now (a failure is left to the sweep's alarm).
                self.sweep().await?;
                serde_json::to_value(bound)?
            }
            TenantCall::Erase { agency, by, at } => {
                serde_json::to_value(self.erase(&agency, by, &at).await?)?
            }
            TenantCall::Delivered { event_id } => {
                self.sql.exec(
                    "UPDATE log SET body = '' WHERE event_id = ?",
                    vec![event_id.into()],
                )?;
                serde_json::Value::Null
            }
            TenantCall::Record => serde_json::to_value(self.record()?)?,
            TenantCall::Access { generation } => serde_json::to_value(match self.record()? {
                None => Access::Unknown,
                Some(_) if generation == self.generation()? => Access::Granted {
                    current: self.current()?,
                },
                Some(_) => Access::Revoked,
            })?,
            TenantCall::Served => serde_json::to_value(Served {
                served: self.served.get(),
                instance: self.instance,
            })?,
            _ if !known => serde_json::Value::Null,
            TenantCall::Status => serde_json::to_value(self.current()?)?,
            TenantCall::Revoke => {
                let next = self.generation()?.saturating_add(1);
                self.put("generation", &next.to_string())?;
                self.close_all();
                serde_json::to_value(next)?
            }
            TenantCall::Local { change, at, id } => {
                serde_json::to_value(self.local(change, &at, &id)?)?
            }
            TenantCall::Webhook { body, at } => {
                let applied = self.webhook(&body, &at)?;
                if applied.needs_relay {
                    self.schedule_sweep().await?;
                }
                serde_json::to_value(applied)?
            }
            TenantCall::Relayed { event_id } => {
                self.sql.exec(
                    "UPDATE log SET relay_enqueued = 1 WHERE event_id = ?",
                    vec![event_id.into()],
                )?;
                serde_json::Value::Null
            }
            TenantCall::Ticket { expires_at } => {
                serde_json::to_value(self.issue_ticket(expires_at)?)?
            }
            TenantCall::Log { after } => serde_json::to_value(self.log_after(after)?)?,
            TenantCall::AgencyView => serde_json::to_value(self.agency_view()?)?,
            TenantCall::EventBody { event_id } => {
                let body: Option<String> = sql::value(
                    &self.sql,
                    "SELECT body AS v FROM log WHERE event_id = ?",
                    vec![event_id.into()],
                )?;
                let rec = self.record()?;
                let reference = rec.as_ref().and_then(TenantRecord::external_reference);
                serde_json::to_value(body.map(|b| crate::relay::with_reference(&b, reference)))?
            }
            TenantCall::Identity { op, at, id } => {
                serde_json::to_value(self.identity(op, &at, &id)?)?
            }
        };
        if changes {
            self.relist().await?;
        }
        Response::from_json(&out)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let now = js_sys::Date::now() as u64;
        let sweep_due = self.get("sweep_due")?.and_then(|d| d.parse::<u64>().ok());
        if sweep_due.is_some_and(|due| due <= now) {
            self.sql
                .exec("DELETE FROM kv WHERE k = 'sweep_due'", None)?;
            self.sweep().await?;
        }
        if let Some(next_expiry) = self.close_expired() {
            self.arm(next_expiry).await?;
        }
        if let Some(due) = self.get("sweep_due")?.and_then(|d| d.parse::<u64>().ok()) {
            self.arm(due).await?;
        }
        // An erasure's remaining steps (a crash or an upstream failure halfway).
        if let Some(due) = self.due(erasure::DUE)? {
            if due <= now {
                self.resume_erasure().await?;
            } else {
                self.arm(due).await?;
            }
        }
        // A list row that could not be written.
        if let Some(due) = self.due(LIST_DUE)? {
            if due <= now {
                self.relist().await?;
            } else {
                self.arm(due).await?;
            }
        }
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

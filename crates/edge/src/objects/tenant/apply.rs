//! The changes to a tenant: its creation, changes made by this API, upstream events
//! (applied once per event id, in their order: core's [`StepClock`]), token
//! generations. Each change is committed once and returns its log entry.

use onboarding_core::affordability::assess;
use onboarding_core::event_order::{StepClock, Verdict};
use onboarding_core::model::status::Status;
use onboarding_core::model::webhook::{Event, EventData};

use super::object::TenantState;
use super::protocol::{Access, Applied, Bound, LocalChange, LogEntry, TenantRecord};
use super::storage::keys;
use crate::relay::queue::EdgeEvent;
use crate::sql;

/// `kv` key of the times of refused attempts to open this tenant.
const REFUSED_ACCESS: &str = "refused_access";
/// `kv` key of core's step clock.
const STEP_CLOCK: &str = "step_clock";

impl TenantState {
    /// Creates the state, bound to `rec.agency` for good, and queues `tenant.created`.
    /// `None` when the tenant id is already bound to another agency or session (an
    /// upstream that returned an existing tenant) or was erased: the second caller
    /// never inherits it.
    pub(super) async fn init(&self, rec: TenantRecord) -> worker::Result<Option<Bound>> {
        // An erased tenant is never created again under its id.
        if self.erased()? {
            return Ok(None);
        }
        match self.record()? {
            None => {
                self.put(keys::TENANT, &serde_json::to_string(&rec)?)?;
                let status = Status::new(&rec.tenant_id, &rec.created_at);
                // `tenant.created` for the agency, with the consent receipts: relayed
                // like an upstream event (queued after the reply, swept if that fails).
                let created = EdgeEvent::created(
                    &rec.tenant_id,
                    &rec.created_at,
                    &rec.consent,
                    rec.request
                        .as_ref()
                        .and_then(|r| assess(r, rec.max_rent_share)),
                    rec.external_reference(),
                );
                let entry = self.commit(status, &created.id, created.kind, &created.body())?;
                // The relay and the agency's list after the reply (`settle`).
                self.owe_settling().await?;
                let since = rec.since;
                self.settle_after_reply(rec);
                Ok(Some(Bound {
                    entry,
                    since,
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
            Some(existing) => {
                self.note_refused_access(&rec.created_at)?;
                // The console flags it in the pipeline.
                self.relist(&existing, &self.current()?).await?;
                Ok(None)
            }
        }
    }

    /// Whether a token of `generation` is good.
    pub(super) fn access(&self, known: bool, generation: u32) -> worker::Result<Access> {
        Ok(match known {
            false => Access::Unknown,
            true if generation == self.generation()? => Access::Granted {
                current: self.current()?,
            },
            true => Access::Revoked,
        })
    }

    /// Moves to the next token generation (every token issued so far stops working),
    /// closes the live connections and ends the tickets not yet used.
    pub(super) fn revoke(&self) -> worker::Result<u32> {
        let next = self.generation()?.saturating_add(1);
        self.put(keys::GENERATION, &next.to_string())?;
        self.close_all();
        self.drop_tickets()?;
        Ok(next)
    }

    /// Keeps the time of a refused attempt to open this tenant (the newest 20).
    fn note_refused_access(&self, at: &str) -> worker::Result<()> {
        let mut times: Vec<String> = self.get_json(REFUSED_ACCESS)?.unwrap_or_default();
        times.push(at.to_owned());
        if times.len() > 20 {
            times.remove(0);
        }
        self.put(REFUSED_ACCESS, &serde_json::to_string(&times)?)
    }

    /// The refused attempts, for the agency.
    pub(super) fn refused_access(&self) -> worker::Result<Vec<String>> {
        Ok(self.get_json(REFUSED_ACCESS)?.unwrap_or_default())
    }

    /// A change made by this API.
    pub(super) fn local(
        &self,
        change: LocalChange,
        at: &str,
        id: &str,
    ) -> worker::Result<LogEntry> {
        let Some(mut status) = self.status()? else {
            return Err(worker::Error::RustError("no tenant".into()));
        };
        let kind = match change {
            LocalChange::DocumentUploaded(doc) => {
                status.document_uploaded(&doc.document_id, doc.kind, at);
                self.sql.exec(
                    "INSERT OR REPLACE INTO documents (document_id, record) VALUES (?, ?)",
                    vec![
                        doc.document_id.as_str().into(),
                        serde_json::to_string(&doc)?.into(),
                    ],
                )?;
                "document.uploaded"
            }
            LocalChange::Started { step } => {
                status.started(step, at);
                "step.started"
            }
        };
        self.commit(status, &format!("local:{id}"), kind, "")
    }

    /// An upstream event (its JSON as received), once per event id: the answer, and
    /// the entry committed when it was applied now.
    pub(super) fn webhook(
        &self,
        rec: &TenantRecord,
        body: &str,
        at: &str,
    ) -> worker::Result<(Applied, Option<LogEntry>)> {
        let event: Event = serde_json::from_str(body)?;
        let applied = |applied, needs_relay| Applied {
            applied,
            needs_relay,
            external_reference: rec.external_reference().map(str::to_owned),
            agency: rec.agency.clone(),
        };
        let seen: Option<i64> = sql::value(
            &self.sql,
            "SELECT relay_enqueued AS v FROM log WHERE event_id = ?",
            vec![event.id.as_str().into()],
        )?;
        if let Some(relay_enqueued) = seen {
            return Ok((applied(false, relay_enqueued == 0), None));
        }
        let mut status = self
            .status()?
            .unwrap_or_else(|| Status::new(&rec.tenant_id, at));
        // Order: only an event created after the step's current result replaces it
        // (core's StepClock); an older one is kept in `results` for the agency and
        // relayed, but changes no step.
        let mut clock: StepClock = self.get_json(STEP_CLOCK)?.unwrap_or_default();
        let verdict = clock.admit(&event);
        if verdict == Verdict::Newer {
            self.put(STEP_CLOCK, &serde_json::to_string(&clock)?)?;
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
        let entry = self.commit(status, &event.id, event.event_type().as_str(), body)?;
        Ok((applied(true, true), Some(entry)))
    }
}

//! What others see of the tenant: the agency's full view, and its row in the agency's
//! list (written from the committed entry after each change, versioned by the log's
//! sequence so a late write never replaces a newer one; a failed write is retried by
//! the alarm). A moved row also restarts the retention period.

use onboarding_core::event_order::parse_rfc3339_ms;
use onboarding_core::lifecycle::Progress;
use onboarding_core::model::api::{AgencyTenantView, RecordedEvent, TenantSummary};
use onboarding_core::model::value::JsonValue;
use serde::Deserialize;

use super::object::TenantState;
use super::protocol::{LogEntry, TenantRecord};
use super::storage::keys::{self, LIST_DUE};
use crate::objects::store::{AgencyScope, Card, DirEntry, ListRow, Scope, Store, directory_day};
use crate::sql;
use onboarding_core::console::Stage;

/// `kv` key of the list row's summary last written to the agency's list.
const LISTED: &str = "listed";
/// `kv` key set once the applicant's name is in the console's directory.
const IN_DIRECTORY: &str = "in_directory";

impl TenantState {
    /// Everything the agency may see (core's [`AgencyTenantView`]).
    pub(super) fn agency_view(&self, rec: TenantRecord) -> worker::Result<AgencyTenantView> {
        let parse =
            |k: &str| -> worker::Result<JsonValue> { Ok(self.get_json(k)?.unwrap_or_default()) };
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
        #[derive(Deserialize)]
        struct Doc {
            v: String,
        }
        let documents: Vec<JsonValue> = sql::rows::<Doc>(
            &self.sql,
            "SELECT record AS v FROM documents ORDER BY rowid",
            None,
        )?
        .iter()
        .filter_map(|d| serde_json::from_str(&d.v).ok())
        .collect();
        Ok(AgencyTenantView {
            external_reference: rec.external_reference().map(str::to_owned),
            tenant: parse(keys::TENANT)?,
            forensic_history: history("forensic.analysis.completed"),
            financial_history: history("financial.analysis.completed"),
            events: results,
            status: parse(keys::STATUS)?,
            identity: parse("identity")?,
            identity_inquiries: serde_json::from_value(self.identity_view()?)?,
            kyc: parse("kyc")?,
            forensic: parse("forensic")?,
            financial: parse("financial")?,
            documents: JsonValue::Array(documents),
            consent: rec.consent,
            refused_access: self.refused_access()?,
            person: None,
            affordability: None,
        })
    }

    /// The agency's list row of this tenant after `entry` was committed.
    fn list_row(&self, rec: &TenantRecord, entry: &LogEntry) -> worker::Result<ListRow> {
        let state = Progress::of(entry.status.complete);
        let decision = self.identity_record()?.decision;
        let summary = TenantSummary {
            tenant_id: rec.tenant_id.clone(),
            created_at: rec.created_at.clone(),
            updated_at: entry.status.updated_at.clone(),
            state,
            steps: entry.status.steps.clone(),
            decision,
            external_reference: rec.external_reference().map(str::to_owned),
        };
        let stage = Stage::of(state, &summary.steps, decision);
        let card = rec.request.as_ref().map(|r| {
            let product = r.product.as_ref();
            Card {
                property: product.and_then(|p| p.product_name.clone().or(p.product_id.clone())),
                rent: product.and_then(|p| p.requested_amount.clone()),
            }
        });
        let search = rec.search.join(" ");
        Ok(ListRow {
            tenant_id: rec.tenant_id.clone(),
            created_ms: parse_rfc3339_ms(&rec.created_at).unwrap_or(0),
            version: entry.seq,
            state,
            decision,
            summary: serde_json::to_string(&summary)?,
            stage,
            card,
            search,
            person: rec.person.clone(),
            refused: u32::try_from(self.refused_access()?.len()).unwrap_or(u32::MAX),
        })
    }

    /// After a change: when the list row moved, the retention period starts again and
    /// the agency's list gets the row; a failed write is retried by the alarm.
    pub(super) async fn relist(&self, rec: &TenantRecord, entry: &LogEntry) -> worker::Result<()> {
        let row = self.list_row(rec, entry)?;
        let summary = row.fingerprint();
        let listed = self.get(LISTED)?.as_deref() == Some(summary.as_str());
        let in_directory = self.get(IN_DIRECTORY)?.is_some();
        if listed && in_directory {
            return Ok(());
        }
        // The name for the console, once, beside the first list write (in parallel:
        // the creation's reply waits for the slower of the two, not their sum).
        let day = directory_day(row.created_ms);
        let directory = async move {
            if in_directory {
                return Ok(());
            }
            let Some(a) = rec.request.as_ref().map(|r| &r.applicant) else {
                return Ok(());
            };
            Store::of(
                &self.env,
                &Scope::Agency(rec.agency.clone(), AgencyScope::Directory(day)),
            )?
            .ask(DirEntry {
                tenant_id: rec.tenant_id.clone(),
                name: format!("{} {}", a.name.first, a.name.last),
                email: a.email.clone(),
            })
            .await
        };
        if listed {
            if directory.await.is_ok() {
                self.put(IN_DIRECTORY, "1")?;
            }
            return Ok(());
        }
        self.retain(rec, row.state == Progress::Complete).await?;
        let put = async {
            Store::of(
                &self.env,
                &Scope::Agency(rec.agency.clone(), AgencyScope::List),
            )?
            .ask(row)
            .await
        };
        let (put, dir) = futures_util::future::join(put, directory).await;
        match dir {
            Ok(()) => self.put(IN_DIRECTORY, "1")?,
            // Written again at the tenant's next change; the pipeline shows no name
            // until then (the file has it).
            Err(e) => {
                let _ = e.log_detail();
            }
        }
        match put {
            Ok(()) => {
                self.put(LISTED, &summary)?;
                self.drop_rows(&[LIST_DUE])?;
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

    /// From the alarm: writes a list row that could not be written.
    pub(super) async fn relist_when_due(&self, now: u64) -> worker::Result<()> {
        self.when_due(LIST_DUE, now, || async {
            // Set again by `relist` if the write fails again.
            self.drop_rows(&[LIST_DUE])?;
            match self.record()? {
                Some(rec) => self.relist(&rec, &self.current()?).await,
                None => Ok(()),
            }
        })
        .await
    }
}

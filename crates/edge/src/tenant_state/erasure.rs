//! Erasure and retention inside [`super::TenantState`]: the object is the one place
//! that drives a tenant's erasure to its end, so an erasure survives a crash halfway
//! (its alarm takes it up again) and a second request finds it where the first left it.
//!
//! The tenant's own storage goes first, in one step (`deleteAll`): from then on every
//! route answers 404 for the tenant and its tokens stop working. What is left is the
//! erasure receipt (nothing personal) and the plan of the remaining steps
//! ([`ErasureStep`]), each idempotent, kept until they all succeed.

use onboarding_core::lifecycle::{
    ErasedBy, ErasureReceipt, ErasureState, ErasureStep, edge_event_id, erasure_retry_ms,
};
use onboarding_core::model::api::HostedPage;
use serde::{Deserialize, Serialize};
use worker::Env;

use super::TenantState;
use crate::error::AppResult;
use crate::http;
use crate::scope_store::{PersonOp, Store, list_scope, person_scope};

/// `kv` key of the receipt (kept for good: the audit row of the tenant's object).
pub(super) const RECEIPT: &str = "erasure";
/// `kv` key of the plan (while steps remain).
const PLAN: &str = "erasure_plan";
/// `kv` key of the time (unix ms) the alarm retries the remaining steps.
pub(super) const DUE: &str = "erasure_due";
/// `kv` key of the time (unix ms) the retention period runs out.
pub(super) const RETAIN_UNTIL: &str = "retain_until";

/// What the steps outside the object need, read before the storage is emptied.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Plan {
    tenant_id: String,
    agency: String,
    /// The session whose `POST /v1/tenants` replay must answer 404.
    session_id: String,
    person: Option<String>,
    inquiries: Vec<String>,
    /// The agency's reference, for `tenant.erased` (its own id for the record it
    /// must now erase on its side).
    #[serde(default)]
    external_reference: Option<String>,
    /// Steps done so far.
    done: Vec<ErasureStep>,
    /// Failed attempts so far (the retry's backoff).
    failures: u32,
}

/// The stores an erased tenant owns outright (emptied whole): its upload keys and
/// budgets and its per-tenant rate counters.
fn own_stores(tenant_id: &str) -> Vec<String> {
    let mut stores = vec![
        crate::idempotency::store(&crate::documents::api::uploads_scope(tenant_id)),
        crate::rate_limit::store(&crate::documents::api::listings_scope(tenant_id)),
        crate::rate_limit::store(&crate::identity::answers_scope(tenant_id)),
    ];
    stores.extend(
        HostedPage::ALL
            .iter()
            .map(|p| crate::rate_limit::store(&crate::tenants::api::hosted_scope(*p, tenant_id))),
    );
    stores
}

/// One step outside the object.
async fn run(env: &Env, plan: &Plan, step: ErasureStep, receipt: &ErasureReceipt) -> AppResult<()> {
    let t = plan.tenant_id.as_str();
    match step {
        ErasureStep::Upstream => {
            let settings = crate::config::Settings::from_env(env)?;
            let request_id = http::random_hex(8)?;
            crate::upstream::screening::Screening::with(env, &settings, &request_id)?
                .erase_tenant(t)
                .await
        }
        ErasureStep::Scopes => {
            let mut stores = own_stores(t);
            stores.extend(
                plan.inquiries
                    .iter()
                    .map(|i| crate::identity::inquiry_scope(i)),
            );
            let wipes = stores
                .iter()
                .map(|s| async move { Store::new(env, s)?.wipe().await });
            for r in futures_util::future::join_all(wipes).await {
                r?;
            }
            let creation =
                crate::idempotency::store(&crate::tenants::api::creation_scope(&plan.session_id));
            Store::new(env, &creation)?.idem_erase(t).await
        }
        ErasureStep::Person => match &plan.person {
            Some(key) => {
                Store::new(env, &person_scope(&plan.agency, key))?
                    .person(PersonOp::Forget {
                        tenant_id: t.to_owned(),
                    })
                    .await?;
                Ok(())
            }
            None => Ok(()),
        },
        ErasureStep::DeadLetters => {
            Store::new(env, &crate::relay::agency_scope(&plan.agency))?
                .dead_forget(t)
                .await
        }
        ErasureStep::List => {
            Store::new(env, &list_scope(&plan.agency))?
                .list_erase(receipt.clone())
                .await
        }
        ErasureStep::Relay => {
            let kind = "tenant.erased";
            let id = edge_event_id(kind, t);
            let body = serde_json::json!({
                "id": id,
                "type": kind,
                "createdAt": receipt.requested_at,
                "tenantId": t,
                "data": {"by": receipt.by},
            });
            let body =
                crate::relay::with_reference(&body.to_string(), plan.external_reference.as_deref());
            crate::relay::enqueue_raw(env, &plan.agency, &id, kind, t, &body).await
        }
    }
}

impl TenantState {
    fn receipt(&self) -> worker::Result<Option<ErasureReceipt>> {
        Ok(self
            .get(RECEIPT)?
            .and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// The erasure of this tenant, asked by `agency` (`None`: no tenant of that agency
    /// here, erased or not). Starts it, or takes up the remaining steps of one begun.
    pub(super) async fn erase(
        &self,
        agency: &str,
        by: ErasedBy,
        at: &str,
    ) -> worker::Result<Option<ErasureReceipt>> {
        if let Some(receipt) = self.receipt()? {
            if receipt.agency != agency {
                return Ok(None);
            }
            if receipt.state == ErasureState::Pending {
                return Ok(Some(self.resume_erasure().await?));
            }
            return Ok(Some(receipt));
        }
        let Some(rec) = self.record()? else {
            return Ok(None);
        };
        if rec.agency != agency {
            return Ok(None);
        }
        let plan = Plan {
            tenant_id: rec.tenant_id.clone(),
            agency: rec.agency.clone(),
            session_id: rec.session_id.clone(),
            person: rec.person.clone(),
            external_reference: rec.external_reference().map(str::to_owned),
            inquiries: self
                .identity_record()?
                .inquiries
                .into_iter()
                .map(|i| i.inquiry_id)
                .collect(),
            done: Vec::new(),
            failures: 0,
        };
        let receipt = ErasureReceipt {
            tenant_id: rec.tenant_id,
            agency: rec.agency,
            by,
            requested_at: at.to_owned(),
            completed_at: None,
            state: ErasureState::Pending,
        };
        self.close_all();
        // Everything of the tenant at once; the receipt and the plan written again.
        self.state.storage().delete_all().await?;
        self.schema();
        self.put(RECEIPT, &serde_json::to_string(&receipt)?)?;
        self.put(PLAN, &serde_json::to_string(&plan)?)?;
        // A crash from here on is taken up by the alarm.
        let due = http::now_ms() + erasure_retry_ms(0);
        self.put(DUE, &due.to_string())?;
        self.arm(due).await?;
        worker::console_log!(
            "{}",
            serde_json::json!({"erasure": "started", "tenant": receipt.tenant_id, "agency": receipt.agency, "by": by})
        );
        Ok(Some(self.resume_erasure().await?))
    }

    /// Runs the steps not done yet, in order, stopping at the first failure (the
    /// alarm retries it with a backoff). Returns the receipt as it then stands.
    pub(super) async fn resume_erasure(&self) -> worker::Result<ErasureReceipt> {
        let mut receipt = self
            .receipt()?
            .ok_or_else(|| worker::Error::RustError("no erasure".into()))?;
        let Some(mut plan) = self
            .get(PLAN)?
            .and_then(|v| serde_json::from_str::<Plan>(&v).ok())
        else {
            return Ok(receipt);
        };
        for step in ErasureStep::ALL {
            if plan.done.contains(&step) {
                continue;
            }
            if let Err(e) = run(&self.env, &plan, step, &receipt).await {
                plan.failures += 1;
                let due = http::now_ms() + erasure_retry_ms(plan.failures);
                self.put(PLAN, &serde_json::to_string(&plan)?)?;
                self.put(DUE, &due.to_string())?;
                self.arm(due).await?;
                worker::console_warn!(
                    "{}",
                    serde_json::json!({"erasure": "retrying", "tenant": plan.tenant_id, "step": step, "failures": plan.failures, "error": e.log_detail()})
                );
                return Ok(receipt);
            }
            plan.done.push(step);
            self.put(PLAN, &serde_json::to_string(&plan)?)?;
        }
        receipt.state = ErasureState::Erased;
        receipt.completed_at = Some(http::iso(http::now_ms()));
        self.put(RECEIPT, &serde_json::to_string(&receipt)?)?;
        self.sql.exec(
            "DELETE FROM kv WHERE k IN (?, ?)",
            vec![PLAN.into(), DUE.into()],
        )?;
        worker::console_log!(
            "{}",
            serde_json::json!({"erasure": "done", "tenant": receipt.tenant_id, "agency": receipt.agency, "by": receipt.by})
        );
        Ok(receipt)
    }

    /// After a change: the retention period runs from now (how long depends on
    /// whether the onboarding is complete).
    pub(super) async fn retain(&self, complete: bool) -> worker::Result<()> {
        let Some(rec) = self.record()? else {
            return Ok(());
        };
        let until = rec
            .retention
            .unwrap_or_default()
            .erase_at(http::now_ms(), complete);
        self.put(RETAIN_UNTIL, &until.to_string())?;
        self.arm(until).await
    }

    /// From the alarm: erases the tenant when its retention period has run out.
    pub(super) async fn enforce_retention(&self, now: u64) -> worker::Result<()> {
        let Some(until) = self.get(RETAIN_UNTIL)?.and_then(|v| v.parse::<u64>().ok()) else {
            return Ok(());
        };
        if until > now {
            return self.arm(until).await;
        }
        let Some(rec) = self.record()? else {
            return Ok(());
        };
        self.erase(&rec.agency, ErasedBy::Retention, &http::iso(now))
            .await
            .map(|_| ())
    }
}

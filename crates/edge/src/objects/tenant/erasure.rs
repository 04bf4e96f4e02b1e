//! Erasure and retention: the object is the one place that drives a tenant's erasure
//! to its end, so an erasure survives a crash halfway (its alarm takes it up again)
//! and a second request finds it where the first left it.
//!
//! The tenant's own storage goes first, in one step (`deleteAll`): from then on every
//! route answers 404 for the tenant and its tokens stop working. What is left is the
//! erasure receipt (nothing personal) and the plan of the remaining steps
//! ([`ErasureStep`]), each idempotent, kept until they all succeed. Which stores the
//! tenant owns is [`Scope::owned_by_tenant`]'s to say.

use onboarding_core::lifecycle::{
    ErasedBy, ErasureReceipt, ErasureState, ErasureStep, erasure_retry_ms,
};
use serde::{Deserialize, Serialize};
use worker::Env;

use super::object::TenantState;
use super::protocol::TenantRecord;
use super::storage::keys::{ERASURE_DUE, RETAIN_UNTIL};
use crate::error::AppResult;
use crate::http;
use crate::objects::store::{
    AgencyScope, DeadForget, DirForget, IdemErase, PersonOp, Scope, Store, Wipe,
};
use crate::relay::queue;

/// `kv` key of the receipt (kept for good: the audit row of the tenant's object).
const RECEIPT: &str = "erasure";
/// `kv` key of the plan (while steps remain).
const PLAN: &str = "erasure_plan";

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
    /// The day of the console's directory store that holds the applicant's name.
    #[serde(default)]
    directory_day: Option<u64>,
    /// Steps done so far.
    done: Vec<ErasureStep>,
    /// Failed attempts so far (the retry's backoff).
    failures: u32,
}

/// One step outside the object.
async fn run(env: &Env, plan: &Plan, step: ErasureStep, receipt: &ErasureReceipt) -> AppResult<()> {
    let t = plan.tenant_id.as_str();
    let agency = |s| Store::of(env, &Scope::Agency(plan.agency.clone(), s));
    match step {
        ErasureStep::Upstream => {
            let settings = crate::config::Settings::from_env(env)?;
            let request_id = http::random_hex(8)?;
            crate::upstream::screening::Screening::with(env, &settings, &request_id)?
                .erase_tenant(t)
                .await
        }
        ErasureStep::Scopes => {
            let owned = Scope::owned_by_tenant(t, &plan.inquiries);
            let wipes = owned
                .iter()
                .map(|s| async move { Store::of(env, s)?.ask(Wipe {}).await });
            for r in futures_util::future::join_all(wipes).await {
                r?;
            }
            Store::of(env, &Scope::Session(plan.session_id.clone()))?
                .ask(IdemErase {
                    subject: t.to_owned(),
                })
                .await
        }
        ErasureStep::Person => match &plan.person {
            Some(key) => {
                Store::of(env, &Scope::Person(plan.agency.clone(), key.clone()))?
                    .ask(PersonOp::Forget {
                        tenant_id: t.to_owned(),
                    })
                    .await?;
                Ok(())
            }
            None => Ok(()),
        },
        ErasureStep::DeadLetters => {
            agency(AgencyScope::DeadLetters)?
                .ask(DeadForget {
                    tenant_id: t.to_owned(),
                })
                .await
        }
        ErasureStep::Directory => match plan.directory_day {
            Some(day) => {
                agency(AgencyScope::Directory(day))?
                    .ask(DirForget {
                        tenant_id: t.to_owned(),
                    })
                    .await
            }
            None => Ok(()),
        },
        ErasureStep::List => agency(AgencyScope::List)?.ask(receipt.clone()).await,
        ErasureStep::Relay => {
            let erased = queue::EdgeEvent::erased(
                t,
                &receipt.requested_at,
                receipt.by,
                plan.external_reference.as_deref(),
            );
            queue::send(env, erased.message(&plan.agency)).await
        }
    }
}

impl TenantState {
    pub(super) fn erased(&self) -> worker::Result<bool> {
        Ok(self.get(RECEIPT)?.is_some())
    }

    fn receipt(&self) -> worker::Result<Option<ErasureReceipt>> {
        self.get_json(RECEIPT)
    }

    /// The erasure of this tenant (`rec`, as read), asked by `agency` (`None`: no
    /// tenant of that agency here, erased or not). Starts it, or takes up the remaining
    /// steps of one begun.
    pub(super) async fn erase(
        &self,
        rec: Option<TenantRecord>,
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
        let Some(rec) = rec else {
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
            directory_day: onboarding_core::event_order::parse_rfc3339_ms(&rec.created_at)
                .map(crate::objects::store::directory_day),
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
        self.put(ERASURE_DUE, &due.to_string())?;
        self.arm(due).await?;
        worker::console_log!(
            "{}",
            serde_json::json!({"erasure": "started", "tenant": receipt.tenant_id, "agency": receipt.agency, "by": by})
        );
        Ok(Some(self.resume_erasure().await?))
    }

    /// From the alarm: the remaining steps of an erasure, when due.
    pub(super) async fn resume_erasure_when_due(&self, now: u64) -> worker::Result<()> {
        self.when_due(ERASURE_DUE, now, || async {
            self.resume_erasure().await.map(|_| ())
        })
        .await
    }

    /// Runs the steps not done yet, in order, stopping at the first failure (the
    /// alarm retries it with a backoff). Returns the receipt as it then stands.
    async fn resume_erasure(&self) -> worker::Result<ErasureReceipt> {
        let mut receipt = self
            .receipt()?
            .ok_or_else(|| worker::Error::RustError("no erasure".into()))?;
        let Some(mut plan) = self.get_json::<Plan>(PLAN)? else {
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
                self.put(ERASURE_DUE, &due.to_string())?;
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
        self.drop_rows(&[PLAN, ERASURE_DUE])?;
        worker::console_log!(
            "{}",
            serde_json::json!({"erasure": "done", "tenant": receipt.tenant_id, "agency": receipt.agency, "by": receipt.by})
        );
        Ok(receipt)
    }

    /// After a change: the retention period runs from now (how long depends on
    /// whether the onboarding is complete).
    pub(super) async fn retain(&self, rec: &TenantRecord, complete: bool) -> worker::Result<()> {
        let until = rec
            .retention
            .unwrap_or_default()
            .erase_at(http::now_ms(), complete);
        self.put(RETAIN_UNTIL, &until.to_string())?;
        self.arm(until).await
    }

    /// From the alarm: erases the tenant when its retention period has run out.
    pub(super) async fn enforce_retention(&self, now: u64) -> worker::Result<()> {
        self.when_due(RETAIN_UNTIL, now, || async {
            let Some(rec) = self.record()? else {
                return Ok(());
            };
            let agency = rec.agency.clone();
            self.erase(Some(rec), &agency, ErasedBy::Retention, &http::iso(now))
                .await
                .map(|_| ())
        })
        .await
    }
}

//! What a creation does after its reply. The 201 waits for what makes "a 201 means the
//! tenant exists" true — the record and its `tenant.created` in the log, durable — and
//! not for the relay's queue or the agency's list, which the object does right after
//! replying ([`TenantState::settle_after_reply`]). Before the reply both are written
//! down as due on the alarm ([`TenantState::owe_settling`]), so a crash or a failure
//! in between leaves the sweep and the list write to the alarm instead of losing them;
//! when they succeed, the alarm moves on to whatever else is due (retention), so a
//! creation costs no extra wake-up.

use super::object::TenantState;
use super::protocol::TenantRecord;
use super::relay_sweep::RELAY_SWEEP_AFTER;
use super::storage::keys::{LIST_DUE, SWEEP_DUE};

impl TenantState {
    /// Before the reply: the relay sweep and the list write due in
    /// [`RELAY_SWEEP_AFTER`], on the alarm.
    pub(super) async fn owe_settling(&self) -> worker::Result<()> {
        let due = js_sys::Date::now() as u64 + RELAY_SWEEP_AFTER.as_millis() as u64;
        self.put(LIST_DUE, &due.to_string())?;
        // A new tenant has no sweep due yet: this sets it, and the alarm.
        self.schedule_sweep().await
    }

    /// After the reply: queues the relay of `tenant.created` and writes the agency's
    /// list row. Spawned on the object's own event loop, not `waitUntil`: under
    /// workerd a `waitUntil` of an object held its reply back (+5 ms p50 at c=1, the
    /// same as doing the work before replying); a pending call to another object keeps
    /// it running, and whatever an eviction or a crash cuts short is the alarm's.
    pub(super) fn settle_after_reply(&self, rec: TenantRecord) {
        if crashes_after_reply(&self.env, &rec) {
            return;
        }
        let this = self.another_handle();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = this.settle(&rec).await {
                // Left to the alarm (the sweep and the list write are due there).
                worker::console_warn!(
                    "{}",
                    serde_json::json!({"tenant": rec.tenant_id, "settle": "left to the alarm", "error": e.to_string()})
                );
            }
        });
    }

    async fn settle(&self, rec: &TenantRecord) -> worker::Result<()> {
        self.sweep(rec).await?;
        // The status as it is now (an upstream event may have come in meanwhile).
        // Clears `LIST_DUE` once written (or moves it 5 s on).
        self.relist(rec, &self.current()?).await?;
        // An event accepted meanwhile (a webhook) whose relay is not queued yet keeps
        // the sweep due.
        if self.unqueued()? == 0 {
            self.drop_rows(&[SWEEP_DUE])?;
        }
        self.rearm().await
    }
}

/// Dev only (`DEV_WIRING`): an applicant whose email has `+nosettle` plays a crash
/// right after the reply, so a test can watch the alarm do the relay and the list.
fn crashes_after_reply(env: &worker::Env, rec: &TenantRecord) -> bool {
    rec.request
        .as_ref()
        .is_some_and(|r| r.applicant.email.contains("+nosettle"))
        && crate::config::dev_wiring(env)
}

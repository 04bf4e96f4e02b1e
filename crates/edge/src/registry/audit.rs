//! The agency's audit rows (the registry's `agency_audit`, the table the operator CLI
//! writes its changes to): staff actions from the console are written here too, as
//! `console.<action>` with the staff email as the actor and only ids in the detail.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use super::{Registry, unreadable};
use crate::error::AppResult;

/// One audit row as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// Order of writing.
    pub seq: i64,
    /// What was done (`console.decision`, `staff.add`, …).
    pub action: String,
    /// Ids only (`{"tenantId": …}`), never personal data or a secret.
    pub detail: String,
    /// Who: a staff email, or the operator.
    pub actor: String,
    /// Unix seconds.
    pub at: i64,
}

/// Most rows in one page of the audit.
pub const AUDIT_PAGE: u32 = 50;

impl Registry<'_> {
    /// Writes one audit row for `agency_id`.
    ///
    /// # Errors
    /// [`crate::error::AppError::Config`] when the registry cannot be written.
    pub async fn audit(
        &self,
        agency_id: &str,
        action: &str,
        detail: &serde_json::Value,
        actor: &str,
    ) -> AppResult<()> {
        self.db()?
            .prepare("INSERT INTO agency_audit (agency_id, action, detail, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(&[
                JsValue::from_str(agency_id),
                JsValue::from_str(action),
                JsValue::from_str(&detail.to_string()),
                JsValue::from_str(actor),
                JsValue::from_f64((self.now_ms / 1000) as f64),
            ])
            .map_err(unreadable)?
            .run()
            .await
            .map_err(unreadable)?;
        Ok(())
    }

    /// The agency's audit rows, newest first: by `actor` when given, before `before`
    /// (a row's `seq`) for the next page.
    ///
    /// # Errors
    /// [`crate::error::AppError::Config`] when the registry cannot be read.
    pub async fn audit_rows(
        &self,
        agency_id: &str,
        actor: Option<&str>,
        before: Option<i64>,
    ) -> AppResult<Vec<AuditRow>> {
        self.rows(
            "SELECT seq, action, detail, actor, at FROM agency_audit WHERE agency_id = ?1 \
             AND (?2 = '' OR actor = ?2) AND (?3 = 0 OR seq < ?3) ORDER BY seq DESC LIMIT ?4",
            &[
                JsValue::from_str(agency_id),
                JsValue::from_str(actor.unwrap_or("")),
                JsValue::from_f64(before.unwrap_or(0) as f64),
                JsValue::from_f64(f64::from(AUDIT_PAGE)),
            ],
        )
        .await
    }
}

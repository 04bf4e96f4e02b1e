//! The relay's dead letters of one agency ([`super::AgencyScope::DeadLetters`]).

use onboarding_core::model::api::DeadLetter;
use serde::Deserialize;

use super::object::ScopeStore;
use crate::sql;

/// One text column `record`.
#[derive(Deserialize)]
struct Record {
    record: String,
}

impl ScopeStore {
    /// Records dead letters (replacing any of the same event id).
    pub(super) fn add_dead_letters(&self, letters: &[DeadLetter]) -> worker::Result<()> {
        for d in letters {
            self.sql.exec(
                "INSERT OR REPLACE INTO dead (event_id, record) VALUES (?, ?)",
                vec![d.event_id.as_str().into(), serde_json::to_string(d)?.into()],
            )?;
        }
        Ok(())
    }

    /// Removes one.
    pub(super) fn remove_dead_letter(&self, event_id: &str) -> worker::Result<()> {
        self.sql
            .exec("DELETE FROM dead WHERE event_id = ?", vec![event_id.into()])?;
        Ok(())
    }

    /// Every dead letter, oldest first.
    pub(super) fn dead_letters(&self) -> worker::Result<Vec<DeadLetter>> {
        Ok(
            sql::rows::<Record>(&self.sql, "SELECT record FROM dead ORDER BY rowid", None)?
                .iter()
                .filter_map(|r| serde_json::from_str(&r.record).ok())
                .collect(),
        )
    }

    /// Drops an erased tenant's dead letters.
    pub(super) fn forget_dead_letters(&self, tenant_id: &str) -> worker::Result<()> {
        for d in self
            .dead_letters()?
            .iter()
            .filter(|d| d.tenant_id == tenant_id)
        {
            self.remove_dead_letter(&d.event_id)?;
        }
        Ok(())
    }
}

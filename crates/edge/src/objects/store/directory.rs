//! The console's directory ([`super::AgencyScope::Directory`]): the names and emails of
//! the applications created on one day. Forgetting one rebuilds the store: the others'
//! entries are read, the storage deleted whole, and they are written back — an erased
//! applicant's bytes go with the old database rather than waiting in its free pages.
//! The table is made on the first put (other stores never have it).

use serde::Deserialize;

use super::object::ScopeStore;
use super::protocol::DirEntry;
use crate::sql;

const TABLE: &str = "CREATE TABLE IF NOT EXISTS directory (tenant_id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)";

impl ScopeStore {
    pub(super) fn dir_put(&self, e: &DirEntry) -> worker::Result<()> {
        self.sql.exec(TABLE, None)?;
        self.sql.exec(
            "INSERT OR REPLACE INTO directory (tenant_id, name, email) VALUES (?, ?, ?)",
            vec![
                e.tenant_id.as_str().into(),
                e.name.as_str().into(),
                e.email.as_str().into(),
            ],
        )?;
        Ok(())
    }

    fn dir_rows(&self, ids: Option<&[String]>) -> Vec<DirEntry> {
        #[derive(Deserialize)]
        struct Row {
            tenant_id: String,
            name: String,
            email: String,
        }
        let (query, args): (String, Vec<worker::SqlStorageValue>) = match ids {
            None => (
                "SELECT tenant_id, name, email FROM directory".into(),
                Vec::new(),
            ),
            Some(ids) => (
                format!(
                    "SELECT tenant_id, name, email FROM directory WHERE tenant_id IN ({})",
                    vec!["?"; ids.len()].join(", ")
                ),
                ids.iter().map(|i| i.as_str().into()).collect(),
            ),
        };
        // No table yet: no entry.
        sql::rows::<Row>(&self.sql, &query, args)
            .unwrap_or_default()
            .into_iter()
            .map(|r| DirEntry {
                tenant_id: r.tenant_id,
                name: r.name,
                email: r.email,
            })
            .collect()
    }

    pub(super) fn dir_get(&self, ids: &[String]) -> worker::Result<Vec<DirEntry>> {
        if ids.is_empty() || ids.len() > 100 {
            return Ok(Vec::new());
        }
        Ok(self.dir_rows(Some(ids)))
    }

    pub(super) async fn dir_forget(&self, tenant_id: &str) -> worker::Result<()> {
        let all = self.dir_rows(None);
        if !all.iter().any(|e| e.tenant_id == tenant_id) {
            return Ok(());
        }
        self.state.storage().delete_all().await?;
        self.schema();
        for e in all.iter().filter(|e| e.tenant_id != tenant_id) {
            self.dir_put(e)?;
        }
        Ok(())
    }
}

//! Small bindings in the `kv` table: an id bound once to its owner (an inquiry's
//! tenant). First writer wins, and every caller reads the bound value, so an id never
//! moves to another owner.

use super::object::ScopeStore;
use crate::sql;

impl ScopeStore {
    /// Binds `k` to `v` unless bound; the bound value.
    pub(super) fn bind(&self, k: &str, v: &str) -> worker::Result<Option<String>> {
        self.sql.exec(
            "INSERT OR IGNORE INTO kv (k, v) VALUES (?, ?)",
            vec![k.into(), v.into()],
        )?;
        self.kv(k)
    }

    /// Frees `k` if it is bound to `v`; whether it was.
    pub(super) fn unbind(&self, k: &str, v: &str) -> worker::Result<bool> {
        let freed: Vec<serde_json::Value> = sql::rows(
            &self.sql,
            "DELETE FROM kv WHERE k = ? AND v = ? RETURNING k",
            vec![k.into(), v.into()],
        )?;
        Ok(freed.len() == 1)
    }

    /// The value of `k`.
    pub(super) fn kv(&self, k: &str) -> worker::Result<Option<String>> {
        sql::value(&self.sql, "SELECT v FROM kv WHERE k = ?", vec![k.into()])
    }
}

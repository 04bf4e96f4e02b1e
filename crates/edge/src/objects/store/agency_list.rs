//! The agency's list of its tenants ([`super::AgencyScope::List`]), newest first, and
//! the audit rows of its erasures. Rows are versioned by the tenant's log sequence: a
//! row written late never replaces a newer one, and an erased tenant's never returns.

use onboarding_core::console::Stage;
use onboarding_core::lifecycle::{Cursor, ErasureReceipt, ListQuery};
use onboarding_core::model::api::{TenantPage, TenantSummary};
use serde::Deserialize;

use super::object::ScopeStore;
use super::protocol::{ConsoleQuery, ConsoleRow, ConsoleRows, DecisionFilter, ListRow};
use crate::sql;

impl ScopeStore {
    /// Puts a tenant's row (its summary stored as the JSON text it came as).
    pub(super) fn put_row(&self, row: &ListRow) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO tenants (tenant_id, created_ms, version, state, decision, summary, stage, card, search, person, refused)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 WHERE NOT EXISTS (SELECT 1 FROM erasures WHERE tenant_id = ?1)
             ON CONFLICT (tenant_id) DO UPDATE SET version = excluded.version, state = excluded.state,
               decision = excluded.decision, summary = excluded.summary, stage = excluded.stage,
               card = excluded.card, search = excluded.search, person = excluded.person,
               refused = excluded.refused
             WHERE excluded.version > tenants.version
               OR (excluded.version = tenants.version AND excluded.refused > tenants.refused)",
            vec![
                row.tenant_id.as_str().into(),
                row.created_ms.into(),
                row.version.into(),
                row.state.as_str().into(),
                row.decision.map(|d| d.as_str()).into(),
                row.summary.as_str().into(),
                row.stage.as_str().into(),
                row.card
                    .as_ref()
                    .and_then(|c| serde_json::to_string(c).ok())
                    .into(),
                row.search.as_str().into(),
                row.person.as_deref().into(),
                i64::from(row.refused).into(),
            ],
        )?;
        Ok(())
    }

    /// Takes a tenant off the list and keeps its erasure's audit row.
    pub(super) fn erase_row(&self, receipt: &ErasureReceipt) -> worker::Result<()> {
        self.sql.exec(
            "DELETE FROM tenants WHERE tenant_id = ?",
            vec![receipt.tenant_id.as_str().into()],
        )?;
        self.sql.exec(
            "INSERT OR REPLACE INTO erasures (tenant_id, receipt) VALUES (?, ?)",
            vec![
                receipt.tenant_id.as_str().into(),
                serde_json::to_string(receipt)?.into(),
            ],
        )?;
        Ok(())
    }

    /// Those of `tenant_ids` that were erased (their audit rows are kept here).
    pub(super) fn erased_among(&self, tenant_ids: &[String]) -> worker::Result<Vec<String>> {
        let mut erased = Vec::new();
        for id in tenant_ids {
            let row = sql::value::<i64>(
                &self.sql,
                "SELECT 1 AS v FROM erasures WHERE tenant_id = ?",
                vec![id.as_str().into()],
            )?;
            if row.is_some() {
                erased.push(id.clone());
            }
        }
        Ok(erased)
    }

    /// A page of the list, newest first, one row more than asked to know whether
    /// another page follows.
    pub(super) fn page(&self, q: &ListQuery) -> worker::Result<TenantPage> {
        let mut sql = String::from("SELECT summary AS v, created_ms FROM tenants WHERE 1 = 1");
        let mut args: Vec<worker::SqlStorageValue> = Vec::new();
        if let Some(state) = q.state {
            sql.push_str(" AND state = ?");
            args.push(state.as_str().into());
        }
        if let Some(d) = q.decision {
            sql.push_str(" AND decision = ?");
            args.push(d.as_str().into());
        }
        if let Some(ms) = q.created_from_ms {
            sql.push_str(" AND created_ms >= ?");
            args.push(ms.into());
        }
        if let Some(ms) = q.created_before_ms {
            sql.push_str(" AND created_ms < ?");
            args.push(ms.into());
        }
        #[derive(Deserialize)]
        struct Row {
            v: String,
            created_ms: i64,
        }
        let (tenants, next_cursor) =
            self.newest_first(sql, args, q.after.as_ref(), q.limit, |r: Row| {
                let s: TenantSummary = serde_json::from_str(&r.v).ok()?;
                let at = Cursor {
                    created_ms: r.created_ms,
                    tenant_id: s.tenant_id.clone(),
                };
                Some((s, at))
            })?;
        Ok(TenantPage {
            tenants,
            next_cursor,
        })
    }

    /// Ends a list query (rows of `tenants` filtered by `sql`'s `WHERE` so far): after
    /// `after`, newest first, one row more than `limit` to know whether another page
    /// follows. `read` turns a row into what the page holds and where it stands.
    fn newest_first<R: serde::de::DeserializeOwned, T>(
        &self,
        mut sql: String,
        mut args: Vec<worker::SqlStorageValue>,
        after: Option<&Cursor>,
        limit: u32,
        read: impl Fn(R) -> Option<(T, Cursor)>,
    ) -> worker::Result<(Vec<T>, Option<String>)> {
        if let Some(c) = after {
            sql.push_str(" AND (created_ms < ? OR (created_ms = ? AND tenant_id < ?))");
            args.push(c.created_ms.into());
            args.push(c.created_ms.into());
            args.push(c.tenant_id.as_str().into());
        }
        sql.push_str(" ORDER BY created_ms DESC, tenant_id DESC LIMIT ?");
        args.push(i64::from(limit + 1).into());
        let mut rows: Vec<(T, Cursor)> = sql::rows::<R>(&self.sql, &sql, args)?
            .into_iter()
            .filter_map(read)
            .collect();
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = more.then(|| rows.last()).flatten().map(|(_, c)| c.encode());
        Ok((rows.into_iter().map(|(t, _)| t).collect(), next))
    }

    /// A page of the console's pipeline, newest first: the list's rows with what staff
    /// see, filtered by stage, decision and a search in name, email and reference.
    pub(super) fn console_page(&self, q: &ConsoleQuery) -> worker::Result<ConsoleRows> {
        let mut sql = String::from(
            "SELECT tenant_id, summary, created_ms, stage, card, refused, \
               (person IS NOT NULL AND EXISTS (SELECT 1 FROM tenants o WHERE o.person = t.person AND o.tenant_id != t.tenant_id)) AS same_person \
             FROM tenants t WHERE 1 = 1",
        );
        let mut args: Vec<worker::SqlStorageValue> = Vec::new();
        if let Some(stage) = q.stage {
            sql.push_str(" AND stage = ?");
            args.push(stage.as_str().into());
        }
        match q.decision {
            Some(DecisionFilter::Is(d)) => {
                sql.push_str(" AND decision = ?");
                args.push(d.as_str().into());
            }
            Some(DecisionFilter::Undecided) => sql.push_str(" AND decision IS NULL"),
            None => {}
        }
        for token in &q.search {
            // Tokens are hex: nothing in them is a `LIKE` wildcard.
            if !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Ok(ConsoleRows {
                    rows: Vec::new(),
                    next_cursor: None,
                });
            }
            sql.push_str(" AND (' ' || search || ' ') LIKE ?");
            args.push(format!("% {token} %").into());
        }
        #[derive(Deserialize)]
        struct Row {
            tenant_id: String,
            summary: String,
            created_ms: i64,
            stage: Option<String>,
            card: Option<String>,
            refused: i64,
            same_person: i64,
        }
        let (rows, next_cursor) =
            self.newest_first(sql, args, q.after.as_ref(), q.limit, |r: Row| {
                let summary: TenantSummary = serde_json::from_str(&r.summary).ok()?;
                let stage = r
                    .stage
                    .as_deref()
                    .and_then(Stage::parse)
                    .unwrap_or_else(|| Stage::of(summary.state, &summary.steps, summary.decision));
                let at = Cursor {
                    created_ms: r.created_ms,
                    tenant_id: r.tenant_id,
                };
                let row = ConsoleRow {
                    card: r.card.and_then(|c| serde_json::from_str(&c).ok()),
                    stage,
                    refused: u32::try_from(r.refused).unwrap_or(0),
                    same_person: r.same_person != 0,
                    created_ms: r.created_ms,
                    summary,
                };
                Some((row, at))
            })?;
        Ok(ConsoleRows { rows, next_cursor })
    }
}

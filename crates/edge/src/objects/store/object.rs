//! The `ScopeStore` class: its tables and the dispatch of [`StoreCall`], each arm
//! answering with its call's reply type. What each call does lives in the module of
//! its concern.

use worker::{DurableObject, Env, Request, Response, SqlStorage, State, durable_object};

use super::protocol::*;
use crate::objects::call::{read, respond};

/// The store's tables: `counters` ([`super::counters`]), `idempotency`
/// ([`super::keys`]), `kv` ([`super::bindings`], and the record of [`super::person`]),
/// `dead` ([`super::dead_letters`]), `tenants` and `erasures` ([`super::agency_list`]).
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, window_start INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, owner TEXT NOT NULL, status INTEGER, body TEXT, content TEXT, started_ms INTEGER NOT NULL, lease_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dead (event_id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tenants (tenant_id TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, decision TEXT, summary TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tenants_newest ON tenants (created_ms DESC, tenant_id DESC);
CREATE TABLE IF NOT EXISTS erasures (tenant_id TEXT PRIMARY KEY, receipt TEXT NOT NULL);";

/// Added after the first stores were made: the tenant an idempotency record's answer
/// concerns (erasure finds the creating request's replay by it). Fails harmlessly
/// where the column exists.
const SCHEMA_SUBJECT: &str = "ALTER TABLE idempotency ADD COLUMN subject TEXT";

/// Added for the console (issue 34), each failing harmlessly where it exists: what
/// staff see and search of a listed tenant ([`super::agency_list`]). Rows written
/// before have none until their tenant next changes.
const SCHEMA_CONSOLE: [&str; 5] = [
    "ALTER TABLE tenants ADD COLUMN stage TEXT",
    "ALTER TABLE tenants ADD COLUMN card TEXT",
    "ALTER TABLE tenants ADD COLUMN search TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE tenants ADD COLUMN person TEXT",
    "ALTER TABLE tenants ADD COLUMN refused INTEGER NOT NULL DEFAULT 0",
];

/// The Durable Object.
#[durable_object]
pub struct ScopeStore {
    pub(super) sql: SqlStorage,
    pub(super) state: State,
}

impl ScopeStore {
    pub(super) fn schema(&self) {
        // One call for the whole schema (the runtime runs the statements in turn).
        let _ = self.sql.exec(SCHEMA, None);
        let _ = self.sql.exec(SCHEMA_SUBJECT, None);
        // One probe on every start; the changes once.
        if self
            .sql
            .exec("SELECT refused FROM tenants LIMIT 0", None)
            .is_err()
        {
            for alter in SCHEMA_CONSOLE {
                let _ = self.sql.exec(alter, None);
            }
            let _ = self.sql.exec(
                "CREATE INDEX IF NOT EXISTS tenants_person ON tenants (person) WHERE person IS NOT NULL",
                None,
            );
        }
    }
}

impl DurableObject for ScopeStore {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        let store = ScopeStore { sql, state };
        store.schema();
        store
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        match read::<StoreCall>(req).await? {
            StoreCall::Rate(c) => respond::<Rate>(&self.rate(c.checks)?),
            StoreCall::Refund(c) => respond::<Refund>(&self.refund(&c)?),
            StoreCall::IdemBegin(c) => respond::<IdemBegin>(&self.begin(c)?),
            StoreCall::IdemFinish(c) => respond::<IdemFinish>(&self.finish(c)?),
            StoreCall::IdemAbort(c) => respond::<IdemAbort>(&self.abort(&c)?),
            StoreCall::IdemErase(c) => respond::<IdemErase>(&self.erase_replays(&c.subject)?),
            StoreCall::KvBind(c) => respond::<KvBind>(&self.bind(&c.k, &c.v)?),
            StoreCall::KvGet(c) => respond::<KvGet>(&self.kv(&c.k)?),
            StoreCall::KvUnbind(c) => respond::<KvUnbind>(&self.unbind(&c.k, &c.v)?),
            StoreCall::Person(op) => respond::<PersonOp>(&self.person(op)?),
            StoreCall::DeadAdd(c) => respond::<DeadAdd>(&self.add_dead_letters(&c.letters)?),
            StoreCall::DeadRemove(c) => {
                respond::<DeadRemove>(&self.remove_dead_letter(&c.event_id)?)
            }
            StoreCall::DeadList(_) => respond::<DeadList>(&self.dead_letters()?),
            StoreCall::DeadForget(c) => {
                respond::<DeadForget>(&self.forget_dead_letters(&c.tenant_id)?)
            }
            StoreCall::ListPut(row) => respond::<ListRow>(&self.put_row(&row)?),
            StoreCall::ListPage(q) => {
                respond::<onboarding_core::lifecycle::ListQuery>(&self.page(&q)?)
            }
            StoreCall::ListErase(receipt) => {
                respond::<onboarding_core::lifecycle::ErasureReceipt>(&self.erase_row(&receipt)?)
            }
            StoreCall::ListErased(c) => respond::<ListErased>(&self.erased_among(&c.tenant_ids)?),
            StoreCall::ConsolePage(q) => respond::<ConsoleQuery>(&self.console_page(&q)?),
            StoreCall::DirPut(e) => respond::<DirEntry>(&self.dir_put(&e)?),
            StoreCall::DirGet(c) => respond::<DirGet>(&self.dir_get(&c.tenant_ids)?),
            StoreCall::DirForget(c) => respond::<DirForget>(&self.dir_forget(&c.tenant_id).await?),
            StoreCall::Wipe(_) => {
                self.state.storage().delete_all().await?;
                self.schema();
                respond::<Wipe>(&())
            }
        }
    }
}

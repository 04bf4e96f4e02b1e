//! `ScopeStore`: a small SQLite Durable Object per scope (a client IP, a session, a
//! tenant, an agency, an inquiry) holding what that scope needs counted or remembered:
//! fixed-window rate counters, idempotency records, the relay's dead letters and small
//! id mappings (`/kv`: an inquiry's tenant). (It was called `Ledger`; the wrangler
//! migration `v2` renames the class.) A Durable Object runs one request at a time between awaits and
//! every SQL call here is synchronous, so each operation below is atomic: concurrent
//! duplicates of one `Idempotency-Key` see exactly one `new`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{DurableObject, Env, Request, Response, SqlStorage, State, Stub, durable_object};

use onboarding_core::idempotency::{Held, Take, may_settle, take};
use onboarding_core::identity_decision::Refusal;
use onboarding_core::lifecycle::{ErasureReceipt, ListQuery};
use onboarding_core::model::api::{TenantPage, TenantSummary};
use onboarding_core::model::identity::Decision;
use onboarding_core::person::{PersonBegin, PersonRecord};

use crate::error::AppResult;
use crate::sql;

/// Rate check request.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateCheck {
    /// Allowed per window (hits, or the sum of costs).
    pub limit: u64,
    /// Window length.
    pub window_seconds: u64,
    /// Now, unix seconds.
    pub now: u64,
    /// What this hit costs (1 for a request; bytes for a byte budget).
    #[serde(default = "one")]
    pub cost: u64,
    /// Count the cost even over the limit (a cost known only afterwards, e.g. the
    /// size of an upload without `Content-Length`).
    #[serde(default)]
    pub force: bool,
    /// Which of the scope's counters (a scope may keep several, e.g. an upload count
    /// and a byte budget, checked together in one call).
    #[serde(default)]
    pub counter: String,
}

fn one() -> u64 {
    1
}

/// Rate check answer.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateVerdict {
    /// Whether this hit is within the limit.
    pub allowed: bool,
    /// Seconds until the window resets.
    pub retry_after: u64,
    /// Each check's count in its window after this hit (as asked), when allowed.
    #[serde(default)]
    pub counts: Vec<u64>,
}

/// Start of an idempotent operation.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdemBegin {
    /// The client's key.
    pub key: String,
    /// Hash of what the request asks for; a different one under the same key is a 422.
    pub fingerprint: String,
    /// Now, unix ms.
    pub now: u64,
    /// Random id of the request asking: only it may finish or abort the record.
    pub owner: String,
    /// How long this request may hold the key unfinished before another takes over
    /// (longer than the longest request the key guards).
    pub lease_ms: u64,
    /// Limits spent, all or none, together with taking the key for a run. Over a
    /// limit, the key is left as it was and the answer is [`IdemState::Limited`]. A
    /// replay or a wait spends nothing.
    #[serde(default)]
    pub charge: Vec<RateCheck>,
}

/// State of an idempotency key.
#[derive(Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum IdemState {
    /// First sight (or the previous holder's lease ran out or it aborted): go ahead,
    /// then `finish` or `abort` as the owner.
    New,
    /// Another request with this key is in flight.
    Pending,
    /// Done before: replay this.
    Done {
        /// HTTP status.
        status: u16,
        /// JSON body.
        body: String,
        /// Digest of the content the first request carried (a document's SHA-256 as
        /// streamed), when the route checks content too.
        #[serde(default)]
        content: Option<String>,
    },
    /// Same key, different request.
    Mismatch,
    /// A limit in [`IdemBegin::charge`] refused the run; the key was not taken.
    Limited {
        /// Seconds until that limit's window resets.
        retry_after: u64,
    },
}

/// End of an idempotent operation ([`StoreCall::IdemFinish`]; `IdemAbort` ignores all
/// but `key` and `owner`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdemFinish {
    /// The client's key.
    pub key: String,
    /// The owner given at `begin`.
    pub owner: String,
    /// HTTP status to replay.
    #[serde(default)]
    pub status: u16,
    /// JSON body to replay.
    #[serde(default)]
    pub body: String,
    /// Digest of the request's content, when the route checks it.
    #[serde(default)]
    pub content: Option<String>,
    /// The tenant the answer concerns (erasure turns its replay into a `404`).
    #[serde(default)]
    pub subject: Option<String>,
}

/// Whether a `finish` / `abort` changed the record (false: not the owner any more).
#[derive(Serialize, Deserialize)]
pub struct IdemOwned {
    /// The caller still owned the unfinished record.
    pub owned: bool,
}

/// The store of one person's identity record, per agency.
pub fn person_scope(agency_id: &str, person_key: &str) -> String {
    format!("person:{agency_id}:{person_key}")
}

/// An operation on a person's record ([`StoreCall::Person`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum PersonOp {
    /// May this tenant send an inquiry now (takes an attempt when it may)?
    #[serde(rename_all = "camelCase")]
    Begin {
        /// Tenant.
        tenant_id: String,
        /// Unix ms.
        now_ms: u64,
    },
    /// The tenant's inquiry or answers came back (`None`: failed).
    #[serde(rename_all = "camelCase")]
    Settle {
        /// Tenant.
        tenant_id: String,
        /// Decision.
        decision: Option<Decision>,
        /// Unix ms.
        now_ms: u64,
    },
    /// The agency's decision update.
    Agency {
        /// Decision.
        decision: Decision,
    },
    /// List a new tenant of the person.
    #[serde(rename_all = "camelCase")]
    Link {
        /// Tenant.
        tenant_id: String,
    },
    /// Read only.
    Get,
    /// The tenant was erased: off the record (the record goes with its last tenant).
    #[serde(rename_all = "camelCase")]
    Forget {
        /// Tenant.
        tenant_id: String,
    },
}

/// What [`PersonOp::Begin`] allows.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "camelCase")]
pub enum PersonVerdict {
    /// Send the inquiry upstream.
    Start,
    /// Carry the person's decision: nothing goes upstream.
    Carry {
        /// The decision.
        decision: Decision,
    },
    /// Refused by the person's rules.
    Refused {
        /// Why.
        refusal: Refusal,
    },
}

/// The person's record after an operation, with a `Begin`'s verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonReply {
    /// The record.
    pub record: PersonRecord,
    /// The verdict of a `Begin`.
    #[serde(default)]
    pub verdict: Option<PersonVerdict>,
}

/// A relay delivery that gave up (the wire type of the agency API).
pub use onboarding_core::model::api::DeadLetter;

/// Everything a `ScopeStore` is asked: one variant per operation. [`Store`] builds them
/// and the object matches them exhaustively, so a call that does not exist does not
/// compile on either side; each [`Store`] method names the reply type it reads.
#[derive(Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "camelCase")]
pub enum StoreCall {
    /// Spend rate checks, all or none → [`RateVerdict`].
    Rate {
        /// The checks, counted together.
        checks: Vec<RateCheck>,
    },
    /// Take an idempotency key → [`IdemState`].
    IdemBegin(IdemBegin),
    /// Record the answer to replay (owner only) → [`IdemOwned`].
    IdemFinish(IdemFinish),
    /// Release the key for a retry (owner only) → [`IdemOwned`].
    IdemAbort(IdemFinish),
    /// Bind `k` to `v` unless bound; → the bound value.
    KvBind {
        /// Key.
        k: String,
        /// Value, if `k` is free.
        v: String,
    },
    /// → the value of `k`, if any.
    KvGet {
        /// Key.
        k: String,
    },
    /// A person's identity record under core's person rules (the store named
    /// [`person_scope`]) → [`PersonReply`].
    Person(PersonOp),
    /// Record a dead letter (replacing one of the same event id) → `{}`.
    DeadAdd(DeadLetter),
    /// Remove a dead letter → `{}`.
    DeadRemove {
        /// Its event id.
        event_id: String,
    },
    /// → every dead letter, oldest first.
    DeadList,
    /// Drop the dead letters of an erased tenant → `{}`.
    #[serde(rename_all = "camelCase")]
    DeadForget {
        /// The tenant.
        tenant_id: String,
    },
    /// The creating request's replay of an erased tenant answers `404` from now on
    /// (the key stays taken: a retry must not create the applicant again) → `{}`.
    IdemErase {
        /// The tenant the recorded answers concern.
        subject: String,
    },
    /// Empty the whole store (an erased tenant's own scope) → `{}`.
    Wipe,
    /// Put or replace a row of the agency's list (the store named [`list_scope`]) → `{}`.
    ListPut(ListRow),
    /// A page of the agency's list → [`TenantPage`].
    ListPage(ListQuery),
    /// Off the list, the erasure's audit row in its place → `{}`.
    ListErase(ErasureReceipt),
}

/// One row of the agency's list, with what it is sorted and filtered by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRow {
    /// Creation time, unix ms (the sort key).
    pub created_ms: i64,
    /// The tenant's log sequence number when the row was made: an older row never
    /// replaces a newer one.
    pub version: i64,
    /// The row.
    pub summary: TenantSummary,
}

/// The scope of an agency's list of tenants (and of its erasure audit rows).
pub fn list_scope(agency_id: &str) -> String {
    format!("list:{agency_id}")
}

/// How long an answer is replayed under its key (then the record is dropped).
pub const REPLAY_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// The store's tables.
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

/// The Durable Object.
#[durable_object]
pub struct ScopeStore {
    sql: SqlStorage,
    state: State,
}

impl DurableObject for ScopeStore {
    fn new(state: State, _env: Env) -> Self {
        let sql = state.storage().sql();
        let store = ScopeStore { sql, state };
        store.schema();
        store
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let out = match req.json::<StoreCall>().await? {
            StoreCall::Rate { checks } => serde_json::to_value(self.rate(checks)?),
            StoreCall::IdemBegin(b) => serde_json::to_value(self.begin(b)?),
            // Only the owner's own unfinished record (core's may_settle): a request
            // whose lease ran out never overwrites the one that took over.
            StoreCall::IdemFinish(f) => serde_json::to_value(self.settle(f, |sql, f| {
                sql.exec(
                    "UPDATE idempotency SET status = ?, body = ?, content = ?, subject = ? WHERE key = ?",
                    vec![
                        i64::from(f.status).into(),
                        f.body.into(),
                        f.content.into(),
                        f.subject.into(),
                        f.key.into(),
                    ],
                )
            })?),
            // Likewise: never deletes another request's record. Released for a retry.
            StoreCall::IdemAbort(f) => serde_json::to_value(self.settle(f, |sql, f| {
                sql.exec("DELETE FROM idempotency WHERE key = ?", vec![f.key.into()])
            })?),
            // First writer wins: the value is bound once, and the bound value is
            // returned to every caller (an id never moves to another owner).
            StoreCall::KvBind { k, v } => {
                self.sql.exec(
                    "INSERT OR IGNORE INTO kv (k, v) VALUES (?, ?)",
                    vec![k.as_str().into(), v.into()],
                )?;
                serde_json::to_value(self.kv(&k)?)
            }
            StoreCall::KvGet { k } => serde_json::to_value(self.kv(&k)?),
            StoreCall::Person(op) => serde_json::to_value(self.person(op)?),
            StoreCall::DeadAdd(d) => {
                self.sql.exec(
                    "INSERT OR REPLACE INTO dead (event_id, record) VALUES (?, ?)",
                    vec![d.event_id.clone().into(), serde_json::to_string(&d)?.into()],
                )?;
                Ok(serde_json::json!({}))
            }
            StoreCall::DeadRemove { event_id } => {
                self.sql
                    .exec("DELETE FROM dead WHERE event_id = ?", vec![event_id.into()])?;
                Ok(serde_json::json!({}))
            }
            StoreCall::DeadList => {
                let list: Vec<DeadLetter> =
                    sql::rows::<Record>(&self.sql, "SELECT record FROM dead ORDER BY rowid", None)?
                        .iter()
                        .filter_map(|r| serde_json::from_str(&r.record).ok())
                        .collect();
                serde_json::to_value(list)
            }
            StoreCall::DeadForget { tenant_id } => {
                let list: Vec<DeadLetter> =
                    sql::rows::<Record>(&self.sql, "SELECT record FROM dead", None)?
                        .iter()
                        .filter_map(|r| serde_json::from_str(&r.record).ok())
                        .collect();
                for d in list.iter().filter(|d| d.tenant_id == tenant_id) {
                    self.sql.exec(
                        "DELETE FROM dead WHERE event_id = ?",
                        vec![d.event_id.as_str().into()],
                    )?;
                }
                Ok(serde_json::json!({}))
            }
            StoreCall::IdemErase { subject } => {
                let gone = serde_json::to_string(&onboarding_core::model::problem::Problem::new(
                    onboarding_core::i18n::Locale::En,
                    onboarding_core::model::problem::ProblemCode::NotFound,
                ))?;
                self.sql.exec(
                    "UPDATE idempotency SET status = 404, body = ?, content = NULL WHERE subject = ?",
                    vec![gone.into(), subject.into()],
                )?;
                Ok(serde_json::json!({}))
            }
            StoreCall::Wipe => {
                self.state.storage().delete_all().await?;
                self.schema();
                Ok(serde_json::json!({}))
            }
            // A row written late (an erased tenant's, or one older than the row
            // there) changes nothing.
            StoreCall::ListPut(row) => {
                self.sql.exec(
                    "INSERT INTO tenants (tenant_id, created_ms, version, state, decision, summary)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM erasures WHERE tenant_id = ?1)
                     ON CONFLICT (tenant_id) DO UPDATE SET version = excluded.version, state = excluded.state,
                       decision = excluded.decision, summary = excluded.summary
                     WHERE excluded.version > tenants.version",
                    vec![
                        row.summary.tenant_id.as_str().into(),
                        row.created_ms.into(),
                        row.version.into(),
                        row.summary.state.as_str().into(),
                        row.summary.decision.map(|d| d.as_str()).into(),
                        serde_json::to_string(&row.summary)?.into(),
                    ],
                )?;
                Ok(serde_json::json!({}))
            }
            StoreCall::ListPage(q) => serde_json::to_value(self.page(&q)?),
            StoreCall::ListErase(receipt) => {
                self.sql.exec(
                    "DELETE FROM tenants WHERE tenant_id = ?",
                    vec![receipt.tenant_id.as_str().into()],
                )?;
                self.sql.exec(
                    "INSERT OR REPLACE INTO erasures (tenant_id, receipt) VALUES (?, ?)",
                    vec![
                        receipt.tenant_id.as_str().into(),
                        serde_json::to_string(&receipt)?.into(),
                    ],
                )?;
                Ok(serde_json::json!({}))
            }
        };
        Response::from_json(&out?)
    }
}

/// One text column `record` (dead letters).
#[derive(Deserialize)]
struct Record {
    record: String,
}

impl ScopeStore {
    fn schema(&self) {
        // One call for the whole schema (the runtime runs the statements in turn).
        let _ = self.sql.exec(SCHEMA, None);
        let _ = self.sql.exec(SCHEMA_SUBJECT, None);
    }

    /// A page of the agency's list, newest first, one row more than asked to know
    /// whether another page follows.
    fn page(&self, q: &ListQuery) -> worker::Result<TenantPage> {
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
        if let Some(c) = &q.after {
            sql.push_str(" AND (created_ms < ? OR (created_ms = ? AND tenant_id < ?))");
            args.push(c.created_ms.into());
            args.push(c.created_ms.into());
            args.push(c.tenant_id.as_str().into());
        }
        sql.push_str(" ORDER BY created_ms DESC, tenant_id DESC LIMIT ?");
        args.push(i64::from(q.limit + 1).into());
        #[derive(Deserialize)]
        struct Row {
            v: String,
            created_ms: i64,
        }
        let mut rows: Vec<(TenantSummary, i64)> = sql::rows::<Row>(&self.sql, &sql, args)?
            .into_iter()
            .filter_map(|r| Some((serde_json::from_str(&r.v).ok()?, r.created_ms)))
            .collect();
        let more = rows.len() > q.limit as usize;
        rows.truncate(q.limit as usize);
        let next_cursor = more.then(|| rows.last()).flatten().map(|(s, ms)| {
            onboarding_core::lifecycle::Cursor {
                created_ms: *ms,
                tenant_id: s.tenant_id.clone(),
            }
            .encode()
        });
        Ok(TenantPage {
            tenants: rows.into_iter().map(|(s, _)| s).collect(),
            next_cursor,
        })
    }

    /// Applies `op` to the person's record within one synchronous step (no await
    /// between read and write: two tenants of one person cannot both pass).
    fn person(&self, op: PersonOp) -> worker::Result<PersonReply> {
        let mut record: PersonRecord = match self.kv("person")? {
            Some(v) => serde_json::from_str(&v)?,
            None => PersonRecord::default(),
        };
        let mut verdict = None;
        match op {
            PersonOp::Begin { tenant_id, now_ms } => {
                verdict = Some(match record.begin(&tenant_id, now_ms) {
                    Ok(PersonBegin::Start) => PersonVerdict::Start,
                    Ok(PersonBegin::Carry(decision)) => PersonVerdict::Carry { decision },
                    Err(refusal) => PersonVerdict::Refused { refusal },
                });
            }
            PersonOp::Settle {
                tenant_id,
                decision,
                now_ms,
            } => record.settle(&tenant_id, decision, now_ms),
            PersonOp::Agency { decision } => record.agency_decided(decision),
            PersonOp::Link { tenant_id } => record.link(&tenant_id),
            PersonOp::Get => {}
            PersonOp::Forget { tenant_id } => {
                record.tenants.retain(|t| *t != tenant_id);
                if record.tenants.is_empty() {
                    self.sql.exec("DELETE FROM kv WHERE k = 'person'", None)?;
                    return Ok(PersonReply {
                        record: PersonRecord::default(),
                        verdict,
                    });
                }
            }
        }
        self.sql.exec(
            "INSERT OR REPLACE INTO kv (k, v) VALUES ('person', ?)",
            vec![serde_json::to_string(&record)?.into()],
        )?;
        Ok(PersonReply { record, verdict })
    }

    fn kv(&self, k: &str) -> worker::Result<Option<String>> {
        sql::value(&self.sql, "SELECT v FROM kv WHERE k = ?", vec![k.into()])
    }

    /// Counts the checks' costs together: all of them, or (when one is over its limit
    /// and not forced) none. A refused hit costs nothing: a refused 15 MiB upload must
    /// not use up the byte budget, nor a refused count the bytes. The verdict is the
    /// first refusal's, else allowed (with the longest wait of any counter).
    fn rate(&self, checks: Vec<RateCheck>) -> worker::Result<RateVerdict> {
        #[derive(Deserialize)]
        struct Row {
            window_start: i64,
            count: i64,
        }
        let mut writes = Vec::with_capacity(checks.len());
        let mut verdict = RateVerdict {
            allowed: true,
            retry_after: 1,
            counts: Vec::with_capacity(checks.len()),
        };
        for c in &checks {
            let window = c.window_seconds.max(1);
            let start = (c.now / window * window) as i64;
            let row: Option<Row> = sql::row(
                &self.sql,
                "SELECT window_start, count FROM counters WHERE name = ?",
                vec![c.counter.as_str().into()],
            )?;
            let used = match row {
                Some(r) if r.window_start == start => r.count,
                _ => 0,
            };
            let count = used.saturating_add(c.cost.min(i64::MAX as u64) as i64);
            let allowed = count <= c.limit.min(i64::MAX as u64) as i64;
            let retry_after = (start as u64 + window).saturating_sub(c.now).max(1);
            if !allowed && !c.force && verdict.allowed {
                verdict = RateVerdict {
                    allowed: false,
                    retry_after,
                    counts: Vec::new(),
                };
            } else if verdict.allowed {
                verdict.retry_after = verdict.retry_after.max(retry_after);
            }
            writes.push((c, start, count));
        }
        for (c, start, count) in writes {
            if verdict.allowed {
                verdict.counts.push(count.max(0) as u64);
            }
            if verdict.allowed || c.force {
                self.sql.exec(
                    "INSERT OR REPLACE INTO counters (name, window_start, count) VALUES (?, ?, ?)",
                    vec![c.counter.as_str().into(), start.into(), count.into()],
                )?;
            }
        }
        Ok(verdict)
    }

    /// Applies `change` to the record under `f.key` if `f.owner` may settle it (core's
    /// [`may_settle`]); answers whether it did.
    fn settle(
        &self,
        f: IdemFinish,
        change: impl FnOnce(&SqlStorage, IdemFinish) -> worker::Result<worker::SqlCursor>,
    ) -> worker::Result<IdemOwned> {
        let owned = self.settleable(&f.key, &f.owner)?;
        if owned {
            change(&self.sql, f)?;
        }
        Ok(IdemOwned { owned })
    }

    /// Whether `caller` may finish or abort the record under `key` (core's
    /// [`may_settle`]).
    fn settleable(&self, key: &str, caller: &str) -> worker::Result<bool> {
        #[derive(Deserialize)]
        struct Row {
            owner: String,
            status: Option<i64>,
        }
        let row: Option<Row> = sql::row(
            &self.sql,
            "SELECT owner, status FROM idempotency WHERE key = ?",
            vec![key.into()],
        )?;
        Ok(row.is_some_and(|r| may_settle(&r.owner, r.status.is_some(), caller)))
    }

    fn begin(&self, b: IdemBegin) -> worker::Result<IdemState> {
        #[derive(Deserialize)]
        struct Row {
            fingerprint: String,
            status: Option<i64>,
            body: Option<String>,
            content: Option<String>,
            started_ms: i64,
            lease_ms: i64,
        }
        // A record is kept for its replay window, then forgotten (its answer holds
        // tokens and ids: nothing is kept beyond its purpose).
        self.sql.exec(
            "DELETE FROM idempotency WHERE started_ms < ?",
            vec![(b.now.saturating_sub(REPLAY_WINDOW_MS) as i64).into()],
        )?;
        let row: Option<Row> = sql::row(
            &self.sql,
            "SELECT fingerprint, status, body, content, started_ms, lease_ms FROM idempotency WHERE key = ?",
            vec![b.key.clone().into()],
        )?;
        let held = row.as_ref().map(|r| Held {
            fingerprint: &r.fingerprint,
            done: r.status.is_some() && r.body.is_some(),
            started_ms: r.started_ms.max(0) as u64,
            lease_ms: r.lease_ms.max(0) as u64,
        });
        let taken = take(held, &b.fingerprint, b.now);
        if matches!(taken, Take::Run) && !b.charge.is_empty() {
            let verdict = self.rate(b.charge)?;
            if !verdict.allowed {
                return Ok(IdemState::Limited {
                    retry_after: verdict.retry_after,
                });
            }
        }
        match (taken, row) {
            (Take::Mismatch, _) => Ok(IdemState::Mismatch),
            (Take::Wait, _) => Ok(IdemState::Pending),
            (
                Take::Replay,
                Some(Row {
                    status: Some(status),
                    body: Some(body),
                    content,
                    ..
                }),
            ) => Ok(IdemState::Done {
                status: status as u16,
                body,
                content,
            }),
            (_, Some(_)) => {
                // Take over the same request's record (its holder's lease ran out).
                self.sql.exec(
                    "UPDATE idempotency SET owner = ?, started_ms = ?, lease_ms = ? WHERE key = ?",
                    vec![
                        b.owner.into(),
                        (b.now as i64).into(),
                        (b.lease_ms as i64).into(),
                        b.key.into(),
                    ],
                )?;
                Ok(IdemState::New)
            }
            (_, None) => {
                self.sql.exec(
                    "INSERT INTO idempotency (key, fingerprint, owner, status, body, content, started_ms, lease_ms) VALUES (?, ?, ?, NULL, NULL, NULL, ?, ?)",
                    vec![
                        b.key.into(),
                        b.fingerprint.into(),
                        b.owner.into(),
                        (b.now as i64).into(),
                        (b.lease_ms as i64).into(),
                    ],
                )?;
                Ok(IdemState::New)
            }
        }
    }
}

/// The worker's side of one scope's `ScopeStore`: one method per [`StoreCall`], each
/// with the reply type the object writes.
pub struct Store {
    stub: Stub,
}

impl Store {
    /// The store of `scope` (e.g. `agency:ag_…`, `rate:…`).
    ///
    /// # Errors
    /// 500 when the binding is missing.
    pub fn new(env: &Env, scope: &str) -> AppResult<Self> {
        let ns = env.durable_object("SCOPE_STORE")?;
        Ok(Store {
            stub: ns.id_from_name(scope)?.get_stub()?,
        })
    }

    async fn ask<T: DeserializeOwned>(&self, call: &StoreCall) -> AppResult<T> {
        crate::http::ask_object(&self.stub, "scope store", call).await
    }

    /// Spends `checks`, all or none.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn rate(&self, checks: Vec<RateCheck>) -> AppResult<RateVerdict> {
        self.ask(&StoreCall::Rate { checks }).await
    }

    /// Takes an idempotency key (or says why not).
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn idem_begin(&self, begin: IdemBegin) -> AppResult<IdemState> {
        self.ask(&StoreCall::IdemBegin(begin)).await
    }

    /// Records the answer to replay; false when the caller no longer owned the key.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn idem_finish(&self, finish: IdemFinish) -> AppResult<bool> {
        Ok(self
            .ask::<IdemOwned>(&StoreCall::IdemFinish(finish))
            .await?
            .owned)
    }

    /// Releases the key for a retry; false when the caller no longer owned it.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn idem_abort(&self, abort: IdemFinish) -> AppResult<bool> {
        Ok(self
            .ask::<IdemOwned>(&StoreCall::IdemAbort(abort))
            .await?
            .owned)
    }

    /// Binds `k` to `v` unless bound; returns the bound value.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn kv_bind(&self, k: &str, v: &str) -> AppResult<Option<String>> {
        self.ask(&StoreCall::KvBind {
            k: k.to_owned(),
            v: v.to_owned(),
        })
        .await
    }

    /// Applies a person operation (this must be the [`person_scope`] store).
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn person(&self, op: PersonOp) -> AppResult<PersonReply> {
        self.ask(&StoreCall::Person(op)).await
    }

    /// The value of `k`.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn kv_get(&self, k: &str) -> AppResult<Option<String>> {
        self.ask(&StoreCall::KvGet { k: k.to_owned() }).await
    }

    /// Records a dead letter.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn dead_add(&self, dead: DeadLetter) -> AppResult<()> {
        let _: serde_json::Value = self.ask(&StoreCall::DeadAdd(dead)).await?;
        Ok(())
    }

    /// Every dead letter, oldest first.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn dead_list(&self) -> AppResult<Vec<DeadLetter>> {
        self.ask(&StoreCall::DeadList).await
    }

    /// Sends a call whose reply is `{}`.
    async fn tell(&self, call: &StoreCall) -> AppResult<()> {
        let _: serde_json::Value = self.ask(call).await?;
        Ok(())
    }

    /// Drops an erased tenant's dead letters.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn dead_forget(&self, tenant_id: &str) -> AppResult<()> {
        self.tell(&StoreCall::DeadForget {
            tenant_id: tenant_id.to_owned(),
        })
        .await
    }

    /// Replays of answers about `subject` answer `404` from now on.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn idem_erase(&self, subject: &str) -> AppResult<()> {
        self.tell(&StoreCall::IdemErase {
            subject: subject.to_owned(),
        })
        .await
    }

    /// Empties the store.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn wipe(&self) -> AppResult<()> {
        self.tell(&StoreCall::Wipe).await
    }

    /// Puts a row of the agency's list (this must be the [`list_scope`] store).
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn list_put(&self, row: ListRow) -> AppResult<()> {
        self.tell(&StoreCall::ListPut(row)).await
    }

    /// A page of the agency's list.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn list_page(&self, q: ListQuery) -> AppResult<TenantPage> {
        self.ask(&StoreCall::ListPage(q)).await
    }

    /// Takes a tenant off the list and keeps its erasure's audit row.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn list_erase(&self, receipt: ErasureReceipt) -> AppResult<()> {
        self.tell(&StoreCall::ListErase(receipt)).await
    }

    /// Removes a dead letter.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn dead_remove(&self, event_id: &str) -> AppResult<()> {
        let _: serde_json::Value = self
            .ask(&StoreCall::DeadRemove {
                event_id: event_id.to_owned(),
            })
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_carry_their_name_and_round_trip() {
        let calls = [
            StoreCall::Rate { checks: vec![] },
            StoreCall::KvBind {
                k: "a".into(),
                v: "b".into(),
            },
            StoreCall::KvGet { k: "a".into() },
            StoreCall::DeadRemove {
                event_id: "e".into(),
            },
            StoreCall::DeadList,
            StoreCall::IdemAbort(IdemFinish {
                key: "k".into(),
                owner: "o".into(),
                status: 0,
                body: String::new(),
                content: None,
                subject: None,
            }),
            StoreCall::Wipe,
            StoreCall::IdemErase {
                subject: "t".into(),
            },
        ];
        let names = [
            "rate",
            "kvBind",
            "kvGet",
            "deadRemove",
            "deadList",
            "idemAbort",
            "wipe",
            "idemErase",
        ];
        for (call, name) in calls.iter().zip(names) {
            let json = serde_json::to_value(call).unwrap();
            assert_eq!(json["call"], name);
            let back: StoreCall = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(serde_json::to_value(&back).unwrap(), json);
        }
        assert!(serde_json::from_str::<StoreCall>(r#"{"call":"kvPut","k":"a"}"#).is_err());
    }
}

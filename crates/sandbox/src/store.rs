//! The Durable Object's SQLite: schema, typed queries and all-or-nothing writes.

use std::cell::RefCell;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::{SqlStorage, SqlStorageValue, Storage};

use crate::http::{AppError, AppResult};

/// Bound parameter of a query.
pub type Param = SqlStorageValue;

/// Largest row piece of document bytes: Durable Object SQLite rows are limited to
/// 2 MB, so content is split across `document_chunks` rows of at most 1 MiB.
pub const CHUNK_BYTES: usize = 1 << 20;

/// The schema. `IF NOT EXISTS` everywhere: it runs each time the object starts.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tenants (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  details TEXT NOT NULL,
  defaulter INTEGER NOT NULL,
  risk TEXT NOT NULL,
  kyc_status TEXT NOT NULL DEFAULT 'not_started',
  clave_status TEXT NOT NULL DEFAULT 'not_started',
  bank_status TEXT NOT NULL DEFAULT 'not_started',
  financial_score INTEGER,
  financial_band TEXT,
  forensic_status TEXT NOT NULL DEFAULT 'waiting',
  forensic_result TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  file_name TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_tenant ON documents (tenant_id, seq);
CREATE TABLE IF NOT EXISTS document_chunks (
  document_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (document_id, idx)
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE TABLE IF NOT EXISTS inquiries (
  id TEXT PRIMARY KEY,
  authentication_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  answered INTEGER NOT NULL DEFAULT 0,
  request TEXT NOT NULL,
  response TEXT NOT NULL,
  updates TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_config (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  url TEXT NOT NULL,
  events TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant_id TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status INTEGER,
  delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, tenant_id, seq);
CREATE TABLE IF NOT EXISTS tenant_keys (
  key TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  ref_id TEXT,
  run_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS access_keys (
  seq INTEGER PRIMARY KEY,
  kid TEXT NOT NULL UNIQUE,
  private_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS access_codes (
  seq INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  code TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  tries INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS access_codes_by_email ON access_codes (email, seq);
";

/// Typed access to the object's SQLite.
#[derive(Clone)]
pub struct Db {
    sql: SqlStorage,
    /// The `DurableObjectStorage` (for `transactionSync`, which workers-rs does not bind).
    raw: JsValue,
}

impl Db {
    /// Opens the database and makes sure the schema exists.
    ///
    /// # Errors
    ///
    /// When the schema cannot be created.
    pub fn open(storage: &Storage) -> AppResult<Self> {
        let db = Db {
            sql: storage.sql(),
            raw: AsRef::<JsValue>::as_ref(storage.as_raw()).clone(),
        };
        db.sql.exec(SCHEMA, None)?;
        Ok(db)
    }

    /// Runs a statement.
    ///
    /// # Errors
    ///
    /// SQL errors.
    pub fn exec(&self, query: &str, params: Vec<Param>) -> AppResult<()> {
        let cursor = self.sql.exec(query, params)?;
        // Drain, so the statement runs to completion.
        for row in cursor {
            row?;
        }
        Ok(())
    }

    /// Every row of a query, deserialised by column name.
    ///
    /// # Errors
    ///
    /// SQL or shape errors.
    pub fn rows<T: DeserializeOwned>(&self, query: &str, params: Vec<Param>) -> AppResult<Vec<T>> {
        Ok(self.sql.exec(query, params)?.to_array()?)
    }

    /// The first row of a query, if any.
    ///
    /// # Errors
    ///
    /// SQL or shape errors.
    pub fn row<T: DeserializeOwned>(
        &self,
        query: &str,
        params: Vec<Param>,
    ) -> AppResult<Option<T>> {
        Ok(self.rows(query, params)?.into_iter().next())
    }

    /// Raw values of every row (for BLOB columns).
    ///
    /// # Errors
    ///
    /// SQL errors.
    pub fn raw(&self, query: &str, params: Vec<Param>) -> AppResult<Vec<Vec<SqlStorageValue>>> {
        let cursor = self.sql.exec(query, params)?;
        cursor.raw().map(|r| r.map_err(AppError::from)).collect()
    }

    /// Runs `f` inside `storage.transactionSync`: every statement it runs commits
    /// together, or none does if it returns an error.
    ///
    /// # Errors
    ///
    /// `f`'s error (after rolling back) or the runtime's.
    pub fn transaction<T: 'static>(
        &self,
        f: impl FnOnce(&Db) -> AppResult<T> + 'static,
    ) -> AppResult<T> {
        let db = self.clone();
        let out: Rc<RefCell<Option<AppResult<T>>>> = Rc::new(RefCell::new(None));
        let slot = out.clone();
        let callback = Closure::once(move || -> Result<(), JsValue> {
            let result = f(&db);
            let failed = result.is_err();
            *slot.borrow_mut() = Some(result);
            if failed {
                // Throwing makes transactionSync roll back.
                Err(JsValue::from_str("rolled back"))
            } else {
                Ok(())
            }
        });
        let raw = &self.raw;
        let call = js_sys::Reflect::get(raw, &JsValue::from_str("transactionSync"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| AppError::Internal("transactionSync is not available".into()))?;
        let called = call.call1(raw, callback.as_ref().unchecked_ref());
        drop(callback);
        let result = out.borrow_mut().take();
        match (result, called) {
            (Some(r), _) => r,
            (None, Err(e)) => Err(AppError::Internal(format!("transaction: {e:?}"))),
            (None, Ok(_)) => Err(AppError::Internal(
                "transaction callback did not run".into(),
            )),
        }
    }
}

/// A text parameter.
pub fn text(s: impl Into<String>) -> Param {
    SqlStorageValue::String(s.into())
}

/// An integer parameter.
pub fn int(n: i64) -> Param {
    SqlStorageValue::Integer(n)
}

/// A nullable text parameter.
pub fn opt_text(s: Option<impl Into<String>>) -> Param {
    s.map_or(SqlStorageValue::Null, |s| SqlStorageValue::String(s.into()))
}

//! What an agency's admins change from the console, written to the registry as the
//! operator's CLI writes it (`scripts/agency.mjs`: the same tables, the same audit
//! rows, the same rules): staff, the webhook URL, allowed origins, retention, rotations
//! of the secret key and the webhook secret, and the end of an overlap. Each change is
//! one D1 batch — a transaction — with its audit row; a rule that depends on other
//! rows (never the last admin, no one twice) is a condition of the statements, so two
//! admins at once cannot break it.
//!
//! Disabling an agency and its budgets stay the operator's.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{CACHE, Registry, Role, seal_keys, sealed, unreadable};
use crate::error::{AppError, AppResult};

/// A member of an agency's staff, as the manage page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StaffRow {
    /// Their Access email.
    pub email: String,
    /// Their role.
    pub role: Role,
    /// `operator` (the CLI) or the admin's email.
    pub added_by: String,
    /// Unix seconds.
    pub added_at: i64,
}

/// One of an agency's keys, without its value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct KeyRow {
    /// `publishable`, `secret` or `webhook`.
    pub kind: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; none while current.
    pub expires_at: Option<i64>,
}

/// Which secret a rotation renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotated {
    /// The agency API's secret key (`sk_…`, stored as its SHA-256).
    SecretKey,
    /// The webhook signing secret (`whsec_…`, stored sealed).
    WebhookSecret,
}

impl Rotated {
    fn kind(self) -> &'static str {
        match self {
            Rotated::SecretKey => "secret",
            Rotated::WebhookSecret => "webhook",
        }
    }

    /// The audit action (the CLI's command name).
    fn action(self) -> &'static str {
        match self {
            Rotated::SecretKey => "rotate-secret-key",
            Rotated::WebhookSecret => "rotate-webhook-secret",
        }
    }
}

/// A change's outcome when a rule about other rows refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The email is already on the staff.
    AlreadyStaff,
    /// The email is not on the staff.
    NotStaff,
    /// It would leave the agency without an admin.
    LastAdmin,
}

const ADMINS: &str = "(SELECT COUNT(*) FROM agency_staff WHERE agency_id = ?1 AND role = 'admin')";

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

impl Registry<'_> {
    fn now_secs(&self) -> i64 {
        (self.now_ms / 1000) as i64
    }

    fn stmt(&self, db: &D1Database, sql: &str, args: &[JsValue]) -> AppResult<D1PreparedStatement> {
        db.prepare(sql).bind(args).map_err(unreadable)
    }

    /// The audit row of a change by `actor`, written only when `only_if` (an SQL
    /// condition over `?1` the agency and the change's own parameters) holds.
    fn audit_stmt(
        &self,
        db: &D1Database,
        agency_id: &str,
        action: &str,
        detail: &serde_json::Value,
        actor: &str,
        only_if: Option<(&str, &[JsValue])>,
    ) -> AppResult<D1PreparedStatement> {
        let (cond, extra) = only_if.unwrap_or(("1", &[]));
        let mut args = vec![
            s(agency_id),
            s(&format!("console.{action}")),
            s(&detail.to_string()),
            s(actor),
            n(self.now_secs()),
        ];
        args.extend_from_slice(extra);
        self.stmt(
            db,
            &format!(
                "INSERT INTO agency_audit (agency_id, action, detail, actor, at) \
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE {cond}"
            ),
            &args,
        )
    }

    /// Runs a change's statements as one transaction, then forgets this isolate's
    /// cached registry (the admin's next page shows the change; other isolates see it
    /// within `AGENCY_CACHE_SECONDS`). The number of rows each statement returned.
    async fn apply(
        &self,
        db: &D1Database,
        stmts: Vec<D1PreparedStatement>,
    ) -> AppResult<Vec<usize>> {
        let results = db.batch(stmts).await.map_err(unreadable)?;
        CACHE.with(|c| c.borrow_mut().clear());
        Ok(results
            .iter()
            .map(|r| {
                r.results::<serde_json::Value>()
                    .map(|v| v.len())
                    .unwrap_or(0)
            })
            .collect())
    }

    /// The agency's staff, by when they were added.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be read.
    pub async fn staff(&self, agency_id: &str) -> AppResult<Vec<StaffRow>> {
        self.rows(
            "SELECT email, role, added_by, added_at FROM agency_staff WHERE agency_id = ?1 ORDER BY added_at, email",
            &[s(agency_id)],
        )
        .await
    }

    /// The agency's keys in force now and those that ended in the last 30 days.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be read.
    pub async fn keys(&self, agency_id: &str) -> AppResult<Vec<KeyRow>> {
        self.rows(
            "SELECT kind, created_at, expires_at FROM agency_keys WHERE agency_id = ?1 \
             AND (expires_at IS NULL OR expires_at > ?2) ORDER BY kind, created_at DESC",
            &[s(agency_id), n(self.now_secs())],
        )
        .await
    }

    /// The distinct actors of the agency's audit rows (the audit page's filter).
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be read.
    pub async fn audit_actors(&self, agency_id: &str) -> AppResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Row {
            actor: String,
        }
        let rows: Vec<Row> = self
            .rows(
                "SELECT DISTINCT actor FROM agency_audit WHERE agency_id = ?1 ORDER BY actor LIMIT 200",
                &[s(agency_id)],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.actor).collect())
    }

    /// Adds `email` to the staff with `role`, added by `by`.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written.
    pub async fn staff_add(
        &self,
        agency_id: &str,
        email: &str,
        role: Role,
        by: &str,
    ) -> AppResult<Result<(), Refused>> {
        let db = self.db()?;
        let free = "NOT EXISTS (SELECT 1 FROM agency_staff WHERE agency_id = ?1 AND email = ?6)";
        let detail = serde_json::json!({"email": email, "role": role.as_str()});
        let stmts = vec![
            self.audit_stmt(
                &db,
                agency_id,
                "staff.add",
                &detail,
                by,
                Some((free, &[s(email)])),
            )?,
            self.stmt(
                &db,
                "INSERT INTO agency_staff (agency_id, email, role, added_by, added_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING RETURNING email",
                &[
                    s(agency_id),
                    s(email),
                    s(role.as_str()),
                    s(by),
                    n(self.now_secs()),
                ],
            )?,
        ];
        let done = self.apply(&db, stmts).await?;
        Ok(if done[1] == 1 {
            Ok(())
        } else {
            Err(Refused::AlreadyStaff)
        })
    }

    /// Changes `email`'s role (never the last admin's to agent).
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written.
    pub async fn staff_role(
        &self,
        agency_id: &str,
        email: &str,
        role: Role,
        by: &str,
    ) -> AppResult<Result<(), Refused>> {
        let db = self.db()?;
        let cond = format!(
            "EXISTS (SELECT 1 FROM agency_staff WHERE agency_id = ?1 AND email = ?6 \
             AND (role <> 'admin' OR ?7 = 'admin' OR {ADMINS} > 1))"
        );
        let detail = serde_json::json!({"email": email, "role": role.as_str()});
        let args = [s(email), s(role.as_str())];
        let stmts = vec![
            self.audit_stmt(
                &db,
                agency_id,
                "staff.role",
                &detail,
                by,
                Some((&cond, &args)),
            )?,
            self.stmt(
                &db,
                &format!(
                    "UPDATE agency_staff SET role = ?3 WHERE agency_id = ?1 AND email = ?2 \
                     AND (role <> 'admin' OR ?3 = 'admin' OR {ADMINS} > 1) RETURNING email"
                ),
                &[s(agency_id), s(email), s(role.as_str())],
            )?,
        ];
        let done = self.apply(&db, stmts).await?;
        self.refusal(&db, agency_id, email, done[1]).await
    }

    /// Removes `email` from the staff (never the last admin).
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written.
    pub async fn staff_remove(
        &self,
        agency_id: &str,
        email: &str,
        by: &str,
    ) -> AppResult<Result<(), Refused>> {
        let db = self.db()?;
        let cond = format!(
            "EXISTS (SELECT 1 FROM agency_staff WHERE agency_id = ?1 AND email = ?6 \
             AND (role <> 'admin' OR {ADMINS} > 1))"
        );
        let detail = serde_json::json!({"email": email});
        let stmts = vec![
            self.audit_stmt(
                &db,
                agency_id,
                "staff.remove",
                &detail,
                by,
                Some((&cond, &[s(email)])),
            )?,
            self.stmt(
                &db,
                &format!(
                    "DELETE FROM agency_staff WHERE agency_id = ?1 AND email = ?2 \
                     AND (role <> 'admin' OR {ADMINS} > 1) RETURNING email"
                ),
                &[s(agency_id), s(email)],
            )?,
        ];
        let done = self.apply(&db, stmts).await?;
        self.refusal(&db, agency_id, email, done[1]).await
    }

    /// Why a staff change touched no row: the email is not on the staff, or it is the
    /// last admin.
    async fn refusal(
        &self,
        db: &D1Database,
        agency_id: &str,
        email: &str,
        changed: usize,
    ) -> AppResult<Result<(), Refused>> {
        if changed == 1 {
            return Ok(Ok(()));
        }
        let on_staff: Option<serde_json::Value> = self
            .stmt(
                db,
                "SELECT 1 AS ok FROM agency_staff WHERE agency_id = ?1 AND email = ?2",
                &[s(agency_id), s(email)],
            )?
            .first(None)
            .await
            .map_err(unreadable)?;
        Ok(Err(if on_staff.is_some() {
            Refused::LastAdmin
        } else {
            Refused::NotStaff
        }))
    }

    /// Sets (or clears) the webhook URL.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written.
    pub async fn set_webhook(&self, agency_id: &str, url: Option<&str>, by: &str) -> AppResult<()> {
        let db = self.db()?;
        let url_js = url.map_or(JsValue::NULL, s);
        let stmts = vec![
            self.stmt(
                &db,
                "UPDATE agencies SET webhook_url = ?2, updated_at = ?3 WHERE id = ?1",
                &[s(agency_id), url_js, n(self.now_secs())],
            )?,
            self.audit_stmt(
                &db,
                agency_id,
                "set-webhook",
                &serde_json::json!({"webhookUrl": url}),
                by,
                None,
            )?,
        ];
        self.apply(&db, stmts).await.map(|_| ())
    }

    /// Replaces the allowed origins.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written.
    pub async fn set_origins(
        &self,
        agency_id: &str,
        origins: &[String],
        by: &str,
    ) -> AppResult<()> {
        let db = self.db()?;
        let mut stmts = vec![self.stmt(
            &db,
            "DELETE FROM agency_origins WHERE agency_id = ?1",
            &[s(agency_id)],
        )?];
        for o in origins {
            stmts.push(self.stmt(
                &db,
                "INSERT INTO agency_origins (origin, agency_id) VALUES (?2, ?1)",
                &[s(agency_id), s(o)],
            )?);
        }
        stmts.push(self.stmt(
            &db,
            "UPDATE agencies SET updated_at = ?2 WHERE id = ?1",
            &[s(agency_id), n(self.now_secs())],
        )?);
        stmts.push(self.audit_stmt(
            &db,
            agency_id,
            "set-origins",
            &serde_json::json!({"origins": origins}),
            by,
            None,
        )?);
        self.apply(&db, stmts).await.map(|_| ())
    }

    /// Sets both retention periods.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written.
    pub async fn set_retention(
        &self,
        agency_id: &str,
        retention: onboarding_core::lifecycle::Retention,
        by: &str,
    ) -> AppResult<()> {
        let db = self.db()?;
        let json = serde_json::to_value(retention).unwrap_or_default();
        let stmts = vec![
            self.stmt(
                &db,
                "UPDATE agencies SET retention = ?2, updated_at = ?3 WHERE id = ?1",
                &[s(agency_id), s(&json.to_string()), n(self.now_secs())],
            )?,
            self.audit_stmt(&db, agency_id, "set-retention", &json, by, None)?,
        ];
        self.apply(&db, stmts).await.map(|_| ())
    }

    /// A new secret key or webhook secret; the old ones stay in force for
    /// `overlap_secs` (one already due sooner keeps its end). The new value, to be shown
    /// once: the registry keeps only its hash (secret key) or sealed (webhook secret).
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written or the sealing key is
    /// missing; 500 when the CSPRNG fails.
    pub async fn rotate(
        &self,
        agency_id: &str,
        which: Rotated,
        overlap_secs: u64,
        live: bool,
        by: &str,
    ) -> AppResult<(String, i64)> {
        let db = self.db()?;
        let now = self.now_secs();
        let until = now + overlap_secs as i64;
        let env = if live { "live" } else { "test" };
        let (value, lookup, sealed_value) = match which {
            Rotated::SecretKey => {
                let v = format!("sk_{env}_{}", crate::runtime::random_hex(24)?);
                let hash = hex::encode(Sha256::digest(v.as_bytes()));
                (v, s(&hash), JsValue::NULL)
            }
            Rotated::WebhookSecret => {
                let v = format!("whsec_{}", crate::runtime::random_hex(24)?);
                let keys = seal_keys(self.env)?;
                let sealed = sealed::seal(&v, agency_id, &keys[0], crate::runtime::random_bytes()?)
                    .ok_or(AppError::Config("AGENCY_SECRETS_KEY cannot seal"))?;
                (v, JsValue::NULL, s(&sealed))
            }
        };
        let kind = which.kind();
        let key_id = format!("key_{}", crate::runtime::random_hex(8)?);
        let stmts = vec![
            self.stmt(
                &db,
                "UPDATE agency_keys SET expires_at = ?3 WHERE agency_id = ?1 AND kind = ?2 \
                 AND (expires_at IS NULL OR expires_at > ?3)",
                &[s(agency_id), s(kind), n(until)],
            )?,
            self.stmt(
                &db,
                "INSERT INTO agency_keys (id, agency_id, kind, lookup, sealed, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &[s(&key_id), s(agency_id), s(kind), lookup, sealed_value, n(now)],
            )?,
            self.stmt(
                &db,
                "UPDATE agencies SET updated_at = ?2 WHERE id = ?1",
                &[s(agency_id), n(now)],
            )?,
            self.audit_stmt(&db, agency_id, which.action(), &serde_json::json!({"oldKeysUntil": until}), by, None)?,
        ];
        self.apply(&db, stmts).await?;
        Ok((value, until))
    }

    /// Ends every overlap now: of each kind, every key but the newest stops working.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be written.
    pub async fn end_overlap(&self, agency_id: &str, by: &str) -> AppResult<()> {
        let db = self.db()?;
        let now = self.now_secs();
        let stmts = vec![
            self.stmt(
                &db,
                "UPDATE agency_keys SET expires_at = ?2 WHERE agency_id = ?1 \
                 AND (expires_at IS NULL OR expires_at > ?2) AND id <> (SELECT k.id FROM agency_keys k \
                 WHERE k.agency_id = ?1 AND k.kind = agency_keys.kind ORDER BY k.created_at DESC, k.rowid DESC LIMIT 1)",
                &[s(agency_id), n(now)],
            )?,
            self.stmt(
                &db,
                "UPDATE agencies SET updated_at = ?2 WHERE id = ?1",
                &[s(agency_id), n(now)],
            )?,
            self.audit_stmt(
                &db,
                agency_id,
                "revoke-old",
                &serde_json::json!({"kinds": ["publishable", "secret", "webhook"]}),
                by,
                None,
            )?,
        ];
        self.apply(&db, stmts).await.map(|_| ())
    }
}

impl Role {
    /// Its stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }

    /// From a form's value.
    pub fn parse(v: &str) -> Option<Role> {
        match v {
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            _ => None,
        }
    }
}

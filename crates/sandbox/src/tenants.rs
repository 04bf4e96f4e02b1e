//! Tenants: `POST /v1/tenants` (runs the credit-bureau check) and
//! `GET /v1/tenants/{id}`.

use onboarding_core::model::problem::FieldMessage;
use onboarding_core::model::screening::{CreateTenant, CreditCheck, Tenant};
use serde::Deserialize;
use std::time::Duration;

use worker::{Delay, Request, Response};

use crate::http::{self, AppError, AppResult, json, json_body, now_ms};
use crate::outcomes::{self, Outcomes};
use crate::store::{Db, int, text};

/// A stored tenant row.
#[derive(Debug, Clone, Deserialize)]
pub struct TenantRow {
    /// Tenant id.
    pub id: String,
    /// Applicant email (decides the test outcomes).
    pub email: String,
    /// The `CreateTenant` body, as JSON.
    pub details: String,
    /// 1 when the credit bureau lists a defaulter.
    pub defaulter: i64,
    /// `low` / `high`.
    pub risk: String,
    /// `not_started`, `pending`, `verified`, `rejected`.
    pub kyc_status: String,
    /// `not_started`, `pending`, `completed`, `failed`.
    pub clave_status: String,
    /// `not_started`, `pending`, `completed`, `failed`.
    pub bank_status: String,
    /// Financial score once a bank is connected.
    pub financial_score: Option<i64>,
    /// Its band.
    pub financial_band: Option<String>,
    /// `waiting`, `processing`, `completed`.
    pub forensic_status: String,
    /// The last forensic result, as JSON.
    pub forensic_result: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

impl TenantRow {
    /// The test outcomes this tenant's email selects.
    pub fn outcomes(&self) -> Outcomes {
        Outcomes::from_email(&self.email)
    }

    /// The wire shape.
    pub fn to_tenant(&self) -> Tenant {
        Tenant {
            id: self.id.clone(),
            details: serde_json::from_str(&self.details).unwrap_or_default(),
            credit_check: Some(CreditCheck {
                defaulter: self.defaulter != 0,
                risk: self.risk.clone(),
            }),
            created_at: self.created_at.clone(),
        }
    }
}

/// Loads a tenant.
///
/// # Errors
///
/// [`AppError::NotFound`] for an unknown id.
pub fn load(db: &Db, id: &str) -> AppResult<TenantRow> {
    db.row("SELECT * FROM tenants WHERE id = ?", vec![text(id)])?
        .ok_or(AppError::NotFound("tenant"))
}

/// `POST /v1/tenants` → 201 with the tenant and its credit check. With an
/// `Idempotency-Key` (1–255 visible ASCII), a repeat of the key answers `200` with the
/// tenant the key created first, never a second tenant (as a payment API's keys do):
/// the edge's retry after a crash relies on it.
pub async fn create(db: &Db, req: &mut Request) -> AppResult<Response> {
    let key = req
        .headers()
        .get("Idempotency-Key")
        .ok()
        .flatten()
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| b.is_ascii_graphic()));
    let details: CreateTenant = json_body(req).await?;
    validate(&details)?;
    if let Some(key) = &key {
        #[derive(Deserialize)]
        struct Keyed {
            tenant_id: String,
        }
        if let Some(k) = db.row::<Keyed>(
            "SELECT tenant_id FROM tenant_keys WHERE key = ?",
            vec![text(key)],
        )? {
            let resp = json(200, &load(db, &k.tenant_id)?.to_tenant())?;
            let _ = resp.headers().set("Idempotent-Replayed", "true");
            return Ok(resp);
        }
    }
    let outcomes = Outcomes::from_email(&details.email);
    let (defaulter, risk) = outcomes::credit_check(&outcomes, &details.identification_number);
    if outcomes.existing {
        #[derive(Deserialize)]
        struct Existing {
            id: String,
        }
        if let Some(e) = db.row::<Existing>(
            "SELECT id FROM tenants WHERE email = ? ORDER BY created_at LIMIT 1",
            vec![text(details.email.trim())],
        )? {
            return json(200, &load(db, &e.id)?.to_tenant());
        }
    }
    let id = http::new_id("ten")?;
    let created_at = http::rfc3339(now_ms());
    db.exec(
        "INSERT INTO tenants (id, email, details, defaulter, risk, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            text(&id),
            text(details.email.trim()),
            text(serde_json::to_string(&details)?),
            int(i64::from(defaulter)),
            text(risk),
            text(&created_at),
        ],
    )?;
    if let Some(key) = &key {
        // The same synchronous turn as the insert: a concurrent repeat sees both or
        // neither.
        db.exec(
            "INSERT INTO tenant_keys (key, tenant_id) VALUES (?, ?)",
            vec![text(key), text(&id)],
        )?;
    }
    if outcomes.slow_reply {
        // Stored (and durable once this turn's writes commit); the reply waits.
        Delay::from(Duration::from_millis(outcomes::SLOW_REPLY_MS)).await;
    }
    json(201, &load(db, &id)?.to_tenant())
}

/// `GET /v1/tenants?email=…` → `{"tenants":[…]}`, every tenant with that email, oldest
/// first. Sandbox only (not in the upstream contract): the crash-and-retry check counts
/// the tenants one applicant ended up with.
pub fn by_email(db: &Db, email: &str) -> AppResult<Response> {
    let rows: Vec<TenantRow> = db.rows(
        "SELECT * FROM tenants WHERE email = ? ORDER BY created_at, rowid",
        vec![text(email.trim())],
    )?;
    let tenants: Vec<_> = rows.iter().map(TenantRow::to_tenant).collect();
    json(200, &serde_json::json!({ "tenants": tenants }))
}

/// `DELETE /v1/tenants/{id}` → `204`: the tenant, its documents (and their bytes), its
/// hosted sessions, its keys, pending jobs and undelivered webhooks are erased; `404`
/// once gone. `+slowdelete` holds the reply for [`outcomes::SLOW_REPLY_MS`] after the
/// erasure, so a test can kill the edge halfway through its own.
pub async fn erase(db: &Db, id: &str) -> AppResult<Response> {
    let row = load(db, id)?;
    for query in [
        "DELETE FROM document_chunks WHERE document_id IN (SELECT id FROM documents WHERE tenant_id = ?)",
        "DELETE FROM documents WHERE tenant_id = ?",
        "DELETE FROM sessions WHERE tenant_id = ?",
        "DELETE FROM tenant_keys WHERE tenant_id = ?",
        "DELETE FROM jobs WHERE tenant_id = ?",
        "DELETE FROM outbox WHERE tenant_id = ?",
        "DELETE FROM tenants WHERE id = ?",
    ] {
        db.exec(query, vec![text(id)])?;
    }
    if Outcomes::from_email(&row.email).slow_delete {
        Delay::from(Duration::from_millis(outcomes::SLOW_REPLY_MS)).await;
    }
    Ok(Response::empty()?.with_status(204))
}

/// `GET /v1/tenants/{id}`.
pub fn get(db: &Db, id: &str) -> AppResult<Response> {
    json(200, &load(db, id)?.to_tenant())
}

/// The fields the screening API needs to run its checks.
fn validate(d: &CreateTenant) -> AppResult<()> {
    let mut errors = Vec::new();
    let mut need = |field: &str, value: &str| {
        if value.trim().is_empty() {
            errors.push(FieldMessage {
                field: field.to_owned(),
                code: "required".to_owned(),
                message: "This field is required.".to_owned(),
            });
        }
    };
    need("firstName", &d.first_name);
    need("lastName", &d.last_name);
    need("email", &d.email);
    need("identificationNumber", &d.identification_number);
    need("postcode", &d.postcode);
    let email = d.email.trim();
    if !email.is_empty() {
        let ok = email
            .split_once('@')
            .is_some_and(|(l, dom)| !l.is_empty() && dom.contains('.') && !dom.contains('@'));
        if !ok {
            errors.push(FieldMessage {
                field: "email".into(),
                code: "invalid_email".into(),
                message: "Not an email address.".into(),
            });
        }
    }
    for (field, value, max) in [
        ("firstName", &d.first_name, 100),
        ("lastName", &d.last_name, 100),
        ("email", &d.email, 254),
        ("identificationNumber", &d.identification_number, 32),
        ("postcode", &d.postcode, 16),
        ("address", &d.address, 300),
    ] {
        if value.chars().count() > max {
            errors.push(FieldMessage {
                field: field.into(),
                code: "too_long".into(),
                message: format!("At most {max} characters."),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

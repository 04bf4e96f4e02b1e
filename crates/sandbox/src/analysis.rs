//! Asynchronous work run by the alarm — document analysis and forensic analysis — and
//! the forensic-analysis and financial-score endpoints.
//!
//! Forensic analysis runs by itself after a document analysis, a completed KYC and a
//! bank connection, but only once the tenant has a document and a verified KYC (the
//! guide's blocking dependencies). One pending run per tenant at most.

use onboarding_core::model::screening::{FinancialScore, ForensicAnalysis};
use onboarding_core::model::webhook::{
    Completion, DocumentAnalysis, DocumentOutcome, EventData, ForensicResult,
};
use serde::{Deserialize, Serialize};
use worker::Response;

use crate::documents;
use crate::http::{AppError, AppResult, json, now_ms};
use crate::store::{Db, int, opt_text, text};
use crate::tenants::{self, TenantRow};
use crate::webhooks;

/// Job kind: analyse one document.
pub const JOB_DOCUMENT: &str = "document_analysis";
/// Job kind: forensic analysis of a tenant.
pub const JOB_FORENSIC: &str = "forensic_analysis";

/// Queues a job for the alarm.
pub fn schedule_job(
    db: &Db,
    kind: &str,
    tenant_id: &str,
    ref_id: Option<&str>,
    run_at: i64,
) -> AppResult<()> {
    db.exec(
        "INSERT INTO jobs (kind, tenant_id, ref_id, run_at) VALUES (?, ?, ?, ?)",
        vec![text(kind), text(tenant_id), opt_text(ref_id), int(run_at)],
    )
}

/// When the next job is due.
pub fn next_due(db: &Db) -> AppResult<Option<i64>> {
    #[derive(Deserialize)]
    struct At {
        at: Option<i64>,
    }
    Ok(db
        .row::<At>("SELECT MIN(run_at) AS at FROM jobs", vec![])?
        .and_then(|r| r.at))
}

/// What still blocks forensic analysis for a tenant (empty when it may run).
pub fn blocked_by(db: &Db, tenant: &TenantRow) -> AppResult<Vec<&'static str>> {
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let docs = db
        .row::<N>(
            "SELECT COUNT(*) AS n FROM documents WHERE tenant_id = ?",
            vec![text(&tenant.id)],
        )?
        .map_or(0, |r| r.n);
    let mut missing = Vec::new();
    if docs == 0 {
        missing.push("documents");
    }
    if tenant.kyc_status != "verified" {
        missing.push("kyc");
    }
    Ok(missing)
}

/// Queues a forensic run `delay_ms` from `now` when nothing blocks it and none is
/// pending yet. Returns whether one is (now) pending.
pub fn maybe_schedule_forensic(
    db: &Db,
    tenant_id: &str,
    now: i64,
    delay_ms: i64,
) -> AppResult<bool> {
    let tenant = tenants::load(db, tenant_id)?;
    if !blocked_by(db, &tenant)?.is_empty() {
        return Ok(false);
    }
    #[derive(Deserialize)]
    struct N {
        n: i64,
    }
    let pending = db
        .row::<N>(
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = ? AND tenant_id = ?",
            vec![text(JOB_FORENSIC), text(tenant_id)],
        )?
        .map_or(0, |r| r.n);
    if pending == 0 {
        schedule_job(db, JOB_FORENSIC, tenant_id, None, now + delay_ms)?;
    }
    db.exec(
        "UPDATE tenants SET forensic_status = 'processing' WHERE id = ?",
        vec![text(tenant_id)],
    )?;
    Ok(true)
}

#[derive(Debug, Clone, Deserialize)]
struct Job {
    seq: i64,
    kind: String,
    tenant_id: String,
    ref_id: Option<String>,
}

/// Runs every due job, each in its own transaction (the job row is deleted in the
/// same transaction, so a job's effects and events happen exactly once).
pub fn run_due(db: &Db, delay_ms: i64) -> AppResult<usize> {
    let now = now_ms();
    let jobs: Vec<Job> = db.rows(
        "SELECT seq, kind, tenant_id, ref_id FROM jobs WHERE run_at <= ? ORDER BY run_at, seq",
        vec![int(now)],
    )?;
    let n = jobs.len();
    for job in jobs {
        let seq = job.seq;
        let result = db.transaction(move |db| {
            db.exec("DELETE FROM jobs WHERE seq = ?", vec![int(job.seq)])?;
            match job.kind.as_str() {
                JOB_DOCUMENT => run_document(db, &job, now, delay_ms),
                JOB_FORENSIC => run_forensic(db, &job, now),
                _ => Ok(()),
            }
        });
        if let Err(e) = result {
            // Its transaction rolled back; drop the job rather than retry it forever.
            worker::console_error!("job {seq} failed: {e:?}");
            db.exec("DELETE FROM jobs WHERE seq = ?", vec![int(seq)])?;
        }
    }
    Ok(n)
}

fn run_document(db: &Db, job: &Job, now: i64, delay_ms: i64) -> AppResult<()> {
    let Some(doc_id) = job.ref_id.as_deref() else {
        return Ok(());
    };
    let Ok(doc) = documents::load(db, &job.tenant_id, doc_id) else {
        return Ok(());
    };
    db.exec(
        "UPDATE documents SET status = 'accepted' WHERE id = ?",
        vec![text(doc_id)],
    )?;
    webhooks::enqueue(
        db,
        &job.tenant_id,
        EventData::DocumentAnalysis(DocumentAnalysis {
            document_id: doc.id.clone(),
            kind: doc.kind.parse().ok(),
            status: DocumentOutcome::Accepted,
            reason: None,
        }),
        now,
    )?;
    maybe_schedule_forensic(db, &job.tenant_id, now, delay_ms)?;
    Ok(())
}

fn run_forensic(db: &Db, job: &Job, now: i64) -> AppResult<()> {
    let tenant = tenants::load(db, &job.tenant_id)?;
    if !blocked_by(db, &tenant)?.is_empty() {
        db.exec(
            "UPDATE tenants SET forensic_status = 'waiting' WHERE id = ?",
            vec![text(&tenant.id)],
        )?;
        return Ok(());
    }
    let result = forensic_result(db, &tenant)?;
    db.exec(
        "UPDATE tenants SET forensic_status = 'completed', forensic_result = ? WHERE id = ?",
        vec![text(serde_json::to_string(&result)?), text(&tenant.id)],
    )?;
    webhooks::enqueue(db, &tenant.id, EventData::Forensic(result), now)
}

/// The findings: `+forged` tenants get a fraud indicator on their newest document and
/// an income inconsistency; `+defaulter` tenants a credit-bureau inconsistency.
fn forensic_result(db: &Db, tenant: &TenantRow) -> AppResult<ForensicResult> {
    let outcomes = tenant.outcomes();
    let docs = documents::list_rows(db, &tenant.id)?;
    let mut inconsistencies = Vec::new();
    let mut fraud_indicators = Vec::new();
    if outcomes.forged {
        let doc = docs.last().map_or("unknown", |d| d.id.as_str());
        fraud_indicators.push(format!("document_tampering:{doc}"));
        inconsistencies.push("declared_income_differs_from_documents".to_owned());
    }
    if tenant.defaulter != 0 {
        inconsistencies.push("credit_bureau_defaulter_listed".to_owned());
    }
    let risk = if outcomes.forged {
        "high"
    } else if tenant.defaulter != 0 {
        "medium"
    } else {
        "low"
    };
    Ok(ForensicResult {
        status: Completion::Completed,
        inconsistencies,
        fraud_indicators,
        risk: risk.to_owned(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ForensicView {
    #[serde(flatten)]
    analysis: ForensicAnalysis,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    waiting_for: Vec<&'static str>,
}

/// `GET /v1/tenants/{id}/forensic-analysis`.
pub fn get_forensic(db: &Db, tenant_id: &str) -> AppResult<Response> {
    let tenant = tenants::load(db, tenant_id)?;
    let waiting_for = blocked_by(db, &tenant)?;
    let mut analysis = ForensicAnalysis {
        status: tenant.forensic_status.clone(),
        ..Default::default()
    };
    if let Some(r) = tenant
        .forensic_result
        .as_deref()
        .and_then(|r| serde_json::from_str::<ForensicResult>(r).ok())
    {
        analysis.inconsistencies = r.inconsistencies;
        analysis.fraud_indicators = r.fraud_indicators;
        analysis.risk = r.risk;
    }
    json(
        200,
        &ForensicView {
            analysis,
            waiting_for: if tenant.forensic_status == "waiting" {
                waiting_for
            } else {
                Vec::new()
            },
        },
    )
}

/// `POST /v1/tenants/{id}/forensic-analysis` → 202 when queued, 409 when blocked.
pub fn trigger_forensic(db: &Db, tenant_id: &str, delay_ms: i64) -> AppResult<Response> {
    let tenant = tenants::load(db, tenant_id)?;
    let missing = blocked_by(db, &tenant)?;
    if !missing.is_empty() {
        return Err(AppError::Conflict(
            "forensic_blocked",
            format!(
                "Forensic analysis needs at least one document and a verified KYC; missing: {}.",
                missing.join(", ")
            ),
        ));
    }
    let id = tenant_id.to_owned();
    let now = now_ms();
    db.transaction(move |db| maybe_schedule_forensic(db, &id, now, delay_ms))?;
    json(
        202,
        &ForensicAnalysis {
            status: "processing".into(),
            ..Default::default()
        },
    )
}

/// `GET /v1/tenants/{id}/financial-score` → the score, 404 before a bank connection.
pub fn get_financial(db: &Db, tenant_id: &str) -> AppResult<Response> {
    let tenant = tenants::load(db, tenant_id)?;
    match (tenant.financial_score, tenant.financial_band) {
        (Some(score), Some(band)) => json(
            200,
            &FinancialScore {
                score: score.max(0) as u32,
                band,
            },
        ),
        _ => Err(AppError::NotFound("financial score (connect a bank first)")),
    }
}

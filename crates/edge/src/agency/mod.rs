//! What an agency may read and do about its tenants, for its two callers: the agency
//! API (`Authorization: Bearer sk_…`) and the console's staff. Each function takes the
//! agency the caller proved to be and returns a typed result; the API turns it into
//! JSON (`lib.rs`), the console into a page. One authorisation path: a tenant of
//! another agency is a 404 for both.

use onboarding_core::lifecycle::{ErasedBy, ErasureReceipt, ErasureState, ListQuery};
use onboarding_core::model::api::{AccessRevoked, DecisionRecorded, ReplayQueued, Undelivered};
use onboarding_core::model::identity::DecisionUpdate;
use onboarding_core::model::problem::ProblemCode;
use onboarding_core::model::status::Startable;
use worker::{Request, Response};

use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::objects::store::{AgencyScope, DeadList, DeadRemove, KvGet, Scope, Store};
use crate::objects::tenant::{
    IdentityOp, IdentityOutcome, LocalChange, ReadEventBody, ReadRecord, Revoke, TenantHandle,
};
use crate::registry::Agency;
use crate::relay::queue::{self, RelayMessage};
use crate::upstream::identity::Identity;
use crate::upstream::screening::Screening;

/// One of the agency's own stores.
fn agency_store(ctx: &Ctx, agency: &Agency, scope: AgencyScope) -> AppResult<Store> {
    Store::of(&ctx.env, &Scope::Agency(agency.id.clone(), scope))
}

async fn owned(ctx: &Ctx, agency: &Agency, tenant_id: &str) -> AppResult<TenantHandle> {
    let handle = TenantHandle::new(&ctx.env, tenant_id)?;
    match handle.ask(ReadRecord {}).await? {
        Some(rec) if rec.agency == agency.id => Ok(handle),
        _ => Err(AppError::Problem(ProblemCode::NotFound)),
    }
}

/// `GET /v1/agency/tenants/{id}`.
///
/// # Errors
/// 401 auth, 404 unknown or another agency's tenant.
pub async fn tenant(ctx: &Ctx, agency: &Agency, tenant_id: &str) -> AppResult<Response> {
    http::json(200, &view(ctx, agency, tenant_id).await?)
}

/// Everything the agency may see of one of its tenants: the tenant's own view, the
/// person's other tenants here, and affordability under the agency's threshold now.
/// The agency API and the console read it alike.
///
/// # Errors
/// 404 unknown or another agency's tenant; 500 when an object fails.
pub async fn view(
    ctx: &Ctx,
    agency: &Agency,
    tenant_id: &str,
) -> AppResult<onboarding_core::model::api::AgencyTenantView> {
    let mut view = owned(ctx, agency, tenant_id).await?.agency_view().await?;
    let tenant = serde_json::to_value(&view.tenant).unwrap_or_default();
    view.affordability = tenant
        .get("request")
        .and_then(|r| serde_json::from_value(r.clone()).ok())
        .and_then(|r: onboarding_core::model::TenantRequest| {
            onboarding_core::affordability::assess(&r, agency.max_rent_share)
        });
    let person_key = tenant
        .get("person")
        .and_then(|p| p.as_str())
        .map(str::to_owned);
    if let Some(key) = person_key {
        let p = crate::identity::Person::new(ctx, &agency.id, &key, tenant_id)
            .record()
            .await?;
        view.person = Some(onboarding_core::model::api::PersonLink {
            key,
            tenants: p.tenants,
            decision: p.decision,
            attempts: p.attempts,
        });
    }
    Ok(view)
}

/// `GET /v1/agency/tenants/{id}/documents/{docId}/content`: streamed from upstream.
///
/// # Errors
/// 401 auth, 404 unknown tenant or a document the tenant does not have, 502/503/504
/// upstream.
pub async fn document_content(
    ctx: &Ctx,
    agency: &Agency,
    tenant_id: &str,
    doc_id: &str,
) -> AppResult<Response> {
    let current = owned(ctx, agency, tenant_id).await?.status().await?;
    // Only a document this tenant's state knows (uploaded here or announced by an
    // upstream event, e.g. Cl@ve's): anything else is a 404, not an upstream error.
    let known = current
        .status
        .steps
        .documents
        .items
        .iter()
        .any(|i| i.document_id == doc_id);
    if !known {
        return Err(AppError::Problem(ProblemCode::NotFound));
    }
    let mut upstream = Screening::new(ctx)?
        .document_content(tenant_id, doc_id)
        .await?;
    let ct = upstream
        .headers()
        .get("Content-Type")?
        .filter(|c| matches!(c.as_str(), "application/pdf" | "image/jpeg" | "image/png"))
        .unwrap_or_else(|| "application/octet-stream".into());
    let stream = upstream.stream()?;
    let headers = worker::Headers::new();
    headers.set("Content-Type", &ct)?;
    headers.set("Content-Disposition", "attachment")?;
    headers.set("Cache-Control", "no-store")?;
    // An applicant's file opened in a browser runs nothing and reaches nothing.
    headers.set("Content-Security-Policy", "sandbox; default-src 'none'")?;
    Ok(Response::from_stream(stream)?.with_headers(headers))
}

/// `POST /v1/agency/tenants/{id}/forensic-analysis` (and the console's button): the
/// upstream's acknowledgement.
///
/// # Errors
/// 404, 409 `forensic_blocked` (nothing to analyse yet), 502/503/504 upstream.
pub async fn forensic(ctx: &Ctx, agency: &Agency, tenant_id: &str) -> AppResult<serde_json::Value> {
    let handle = owned(ctx, agency, tenant_id).await?;
    let reply = Screening::new(ctx)?
        .trigger_forensic(tenant_id)
        .await
        .map_err(|e| match e {
            // Nothing to analyse yet (no document, or KYC not verified).
            AppError::UpstreamRefused(409, _) => ProblemCode::ForensicBlocked.into(),
            other => other,
        })?;
    handle
        .local(LocalChange::Started {
            step: Startable::Forensic,
        })
        .await?;
    Ok(reply)
}

/// `PUT /v1/agency/identity-inquiries/{inquiryId}/decision`.
///
/// # Errors
/// As [`decide`]; 400/415 body.
pub async fn decision(
    mut req: Request,
    ctx: &Ctx,
    agency: &Agency,
    inquiry_id: &str,
) -> AppResult<Response> {
    let update: DecisionUpdate = http::read_json(&mut req).await?;
    http::json(200, &decide(ctx, agency, inquiry_id, update, None).await?)
}

/// The agency's identity decision on one of its inquiries (the API's `PUT` and the
/// console's form): sent upstream as the decision update, then recorded as the
/// tenant's decision and the person's (their other tenants here carry it: the
/// agency's word is final). With `tenant_id`, the inquiry must be that tenant's.
///
/// # Errors
/// 404 unknown or another agency's inquiry (or not `tenant_id`'s), 409 when the tenant
/// refuses it, 502/503/504 upstream.
pub async fn decide(
    ctx: &Ctx,
    agency: &Agency,
    inquiry_id: &str,
    mut update: DecisionUpdate,
    tenant_id: Option<&str>,
) -> AppResult<DecisionRecorded> {
    let owner = Store::of(&ctx.env, &Scope::Inquiry(inquiry_id.to_owned()))?
        .ask(KvGet { k: "tenant".into() })
        .await?
        .filter(|t| tenant_id.is_none_or(|want| want == t))
        .ok_or(AppError::Problem(ProblemCode::NotFound))?;
    let handle = owned(ctx, agency, &owner).await?;
    update.inquiry_id = inquiry_id.to_owned();
    let reply = Identity::new(ctx)?
        .update_decision(inquiry_id, &update)
        .await?;
    match handle
        .identity(IdentityOp::Agency {
            inquiry_id: inquiry_id.to_owned(),
            decision: update.decision,
        })
        .await?
    {
        IdentityOutcome::Refused { refusal } => {
            return Err(AppError::Problem(refusal.problem()));
        }
        IdentityOutcome::Decision {
            person: Some(key), ..
        } => {
            crate::identity::Person::new(ctx, &agency.id, &key, &owner)
                .agency_decided(update.decision)
                .await?;
        }
        _ => {}
    }
    Ok(DecisionRecorded {
        inquiry_id: reply.inquiry_id,
        correlation_id: reply.correlation_id,
        message: reply.message,
    })
}

/// `POST /v1/agency/tenants/{id}/revoke-access`: the applicant's tokens stop working
/// (the tenant moves to its next token generation) and its live connections close.
///
/// # Errors
/// 404 not this agency's tenant.
pub async fn revoke_access(
    ctx: &Ctx,
    agency: &Agency,
    tenant_id: &str,
) -> AppResult<AccessRevoked> {
    let generation = owned(ctx, agency, tenant_id)
        .await?
        .ask(Revoke {})
        .await?
        .ok_or(AppError::Problem(ProblemCode::NotFound))?;
    worker::console_log!(
        "{}",
        serde_json::json!({"agency": agency.id, "tenant": tenant_id, "access": "revoked", "generation": generation})
    );
    Ok(AccessRevoked {
        tenant_id: tenant_id.to_owned(),
        generation,
    })
}

/// `GET /v1/agency/tenants`: the agency's tenants, newest first, a page at a time,
/// filtered by state, identity decision and creation time (core's [`ListQuery`]).
///
/// # Errors
/// 401 auth, 422 a bad query parameter (each named).
pub async fn list(req: &Request, ctx: &Ctx, agency: &Agency) -> AppResult<Response> {
    let url = req.url()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let query = ListQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(AppError::Validation)?;
    let page = agency_store(ctx, agency, AgencyScope::List)?
        .ask(query)
        .await?;
    http::json(200, &page)
}

/// `DELETE /v1/agency/tenants/{id}`: the applicant erased everywhere the edge put them
/// (the tenant's object does it and finishes it after a crash: see
/// `objects::tenant::erasure`). `200` once every step is done, `202` while one is still
/// being retried (the edge holds nothing of the applicant either way); the same
/// answer again for a tenant already erased.
///
/// # Errors
/// 404 not (and never) this agency's tenant.
pub async fn erase(ctx: &Ctx, agency: &Agency, tenant_id: &str) -> AppResult<ErasureReceipt> {
    TenantHandle::new(&ctx.env, tenant_id)?
        .erase(&agency.id, ErasedBy::Agency)
        .await
}

/// The erasure's answer: `200` done, `202` a step still being retried.
pub fn erased(receipt: &ErasureReceipt) -> AppResult<Response> {
    let status = match receipt.state {
        ErasureState::Erased => 200,
        ErasureState::Pending => 202,
    };
    http::json(status, receipt)
}

/// `GET /v1/agency/webhooks/undelivered`: relay deliveries that gave up.
///
/// # Errors
/// 500 when the store fails.
pub async fn undelivered(ctx: &Ctx, agency: &Agency) -> AppResult<Undelivered> {
    let events = agency_store(ctx, agency, AgencyScope::DeadLetters)?
        .ask(DeadList {})
        .await?;
    Ok(Undelivered { events })
}

/// `POST /v1/agency/webhooks/undelivered/{eventId}/replay`: queues a dead-lettered
/// event again (attempt 1, its body read from the tenant's state, where every accepted
/// event is kept), then takes it off the list. Queued before it is removed: a crash in
/// between lists it still, and a second replay delivers it twice with the same event id
/// (at least once, as every relayed event).
///
/// # Errors
/// 404 when the agency has no such dead letter or its body is gone.
pub async fn replay(ctx: &Ctx, agency: &Agency, event_id: &str) -> AppResult<ReplayQueued> {
    let store = agency_store(ctx, agency, AgencyScope::DeadLetters)?;
    let letter = store
        .ask(DeadList {})
        .await?
        .into_iter()
        .find(|d| d.event_id == event_id && !d.tenant_id.is_empty())
        .ok_or(AppError::Problem(ProblemCode::NotFound))?;
    let asked = ReadEventBody {
        event_id: event_id.to_owned(),
    };
    let body = TenantHandle::new(&ctx.env, &letter.tenant_id)?
        .ask(asked)
        .await?
        .filter(|b| !b.is_empty())
        .ok_or(AppError::Problem(ProblemCode::NotFound))?;
    let again = RelayMessage {
        replay: true,
        ..RelayMessage::first(
            &agency.id,
            &letter.event_id,
            &letter.kind,
            &letter.tenant_id,
            &body,
        )
    };
    queue::send(&ctx.env, again).await?;
    store
        .ask(DeadRemove {
            event_id: letter.event_id.clone(),
        })
        .await?;
    Ok(ReplayQueued {
        event_id: letter.event_id,
        queued: true,
    })
}

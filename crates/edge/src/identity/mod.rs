//! Identity inquiries: the edge builds the inquiry from the stored, validated tenant
//! request and fills `inquiryId`, `creationDateTime`, `userIp` (the connecting IP),
//! `channel` and `strategy` from the agency's configuration. The browser gets only
//! `{inquiryId, decision, questionnaire?}`; the full answer (insights, score cards,
//! third-party calls, tags, strategy) is kept for the agency.

use onboarding_core::model::TenantRequest;
use onboarding_core::model::api::{AnswersDecided, StartInquiry};
use onboarding_core::model::identity::{AnswersRequest, Decision, InquiryRequest, PublicInquiry};
use onboarding_core::person::PersonRecord;
use onboarding_core::validate;
use worker::{Request, Response};

use crate::auth;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::objects::store::{KvBind, PersonOp, PersonVerdict, Scope, Store, TenantScope};
use crate::objects::tenant::{IdentityOp, IdentityOutcome, InquiryDetail, TenantHandle};
use crate::upstream::identity::Identity;

/// `POST /v1/tenants/{id}/identity-inquiries`.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant, 400 bad body, 422 bad device session id, 409
/// `identity_already_decided` (a decision exists), `identity_inquiry_in_progress`
/// (this tenant's), `identity_attempts_exhausted` (three of this tenant's inquiries
/// without a decision), 502/503/504 upstream. An open challenge is answered `200` with
/// that same inquiry; an outcome carried from the person, `201` like a fresh one.
pub async fn inquire(
    mut req: Request,
    ctx: &Ctx,
    who: auth::Caller,
    tenant_id: &str,
) -> AppResult<Response> {
    let agency = who.agency;
    let bytes = http::read_body(&mut req, http::MAX_JSON_BYTES).await?;
    let body: StartInquiry = http::parse_optional_json(&bytes)?;
    // The same rule as at tenant creation, so an id accepted then is accepted here
    // (the one kept from creation passed it already). Checked before an attempt is
    // taken.
    if let Some(id) = body
        .device_session_id
        .as_deref()
        .filter(|id| !id.is_empty())
        && let Err(code) = validate::validate_device_session_id(id)
    {
        return Err(AppError::Validation(vec![validate::ValidationError::new(
            "deviceSessionId",
            code,
        )]));
    }
    let handle = TenantHandle::new(&ctx.env, tenant_id)?;
    let edge_id = format!("inq_{}", http::random_hex(16)?);
    // One call takes the attempt and answers the tenant's request to build it from.
    let (stored, person): (TenantRequest, _) = match handle
        .identity(IdentityOp::Begin {
            inquiry_id: edge_id.clone(),
            now_ms: ctx.now_ms,
        })
        .await?
    {
        IdentityOutcome::Start { request, person } => {
            (request.map(|r| *r).unwrap_or_default(), person)
        }
        // A reload while the challenge is open: the same inquiry, no upstream call.
        IdentityOutcome::Resume { inquiry } => return http::json(200, &inquiry),
        IdentityOutcome::Refused { refusal } => return Err(AppError::Problem(refusal.problem())),
        other => return Err(unexpected(&other)),
    };
    // One person, one decision per agency: the person's rules come next.
    let person = person.map(|key| Person::new(ctx, &agency.id, &key, tenant_id));
    if let Some(p) = &person {
        match p.begin().await {
            Ok(PersonVerdict::Start) => {}
            // Only what protects is carried (Deny, or Review while the person is held
            // back), never Allow; nothing goes upstream (no inquiry, no questionnaire).
            // Answered like a fresh inquiry's outcome: the applicant learns nothing of
            // the person's other applications; the agency's view says where it came from.
            Ok(PersonVerdict::Carry { decision, reason }) => {
                let carried = PublicInquiry {
                    inquiry_id: edge_id.clone(),
                    decision,
                    questionnaire: None,
                };
                let settled = handle
                    .identity(IdentityOp::Settle {
                        inquiry_id: edge_id,
                        reply: Some(carried),
                        detail: Some(InquiryDetail::Carried {
                            carried_from: "person".into(),
                            decision,
                            reason,
                        }),
                    })
                    .await?;
                return match settled {
                    IdentityOutcome::Settled {
                        inquiry: Some(public),
                    } => http::json(201, &public),
                    other => Err(unexpected(&other)),
                };
            }
            Err(e) => {
                give_up(&handle, edge_id).await;
                return Err(e);
            }
        }
    }
    // A paid upstream call: the agency's daily budget (spent once it answered).
    let reserved = match crate::budget::reserve(ctx, &agency, crate::budget::Spend::Inquiries).await
    {
        Ok(reserved) => reserved,
        Err(e) => {
            if let Some(p) = &person {
                let _ = p.settle(None).await;
            }
            give_up(&handle, edge_id).await;
            return Err(e);
        }
    };
    let device_session_id = body
        .device_session_id
        .filter(|id| !id.is_empty())
        .or(stored.device_session_id.clone())
        .unwrap_or_default();
    let inquiry = InquiryRequest {
        strategy: agency.strategy.clone(),
        inquiry_id: edge_id.clone(),
        channel: agency.channel.clone(),
        device_session_id,
        creation_date_time: http::iso(ctx.now_ms),
        user_ip: ctx.client_ip.clone(),
        applicant: stored.applicant,
        co_applicant: stored.co_applicant,
        product: stored.product,
        ..InquiryRequest::default()
    };
    let asked = async {
        remember_tenant(ctx, &edge_id, tenant_id).await?;
        let answer = Identity::new(ctx)?.inquire(&inquiry).await?;
        reserved.keep();
        let mut public = answer.public();
        // The edge's id is the one the browser and the agency use, unless the upstream
        // names its own.
        if public.inquiry_id.is_empty() {
            public.inquiry_id.clone_from(&edge_id);
        }
        if public.inquiry_id != edge_id {
            remember_tenant(ctx, &public.inquiry_id, tenant_id).await?;
        }
        Ok::<_, AppError>((public, InquiryDetail::Upstream(Box::new(answer))))
    }
    .await;
    let (reply, detail, failure) = match asked {
        Ok((public, detail)) => (Some(public), Some(detail), None),
        Err(e) => (None, None, Some(e)),
    };
    let settled = handle
        .identity(IdentityOp::Settle {
            inquiry_id: edge_id,
            reply,
            detail,
        })
        .await?;
    let decision = match &settled {
        IdentityOutcome::Settled { inquiry: Some(p) } => Some(p.decision),
        _ => None,
    };
    if let Some(p) = &person {
        p.settle(decision).await?;
    }
    if let Some(e) = failure {
        // No decision: the applicant may try again (at most MAX_INQUIRIES in all).
        return Err(e);
    }
    match settled {
        IdentityOutcome::Settled {
            inquiry: Some(public),
        } => http::json(201, &public),
        other => Err(unexpected(&other)),
    }
}

/// Settles the tenant's started inquiry as failed (no decision, nothing sent upstream),
/// so the applicant may try again within the attempt bound.
async fn give_up(handle: &TenantHandle, inquiry_id: String) {
    let _ = handle
        .identity(IdentityOp::Settle {
            inquiry_id,
            reply: None,
            detail: None,
        })
        .await;
}

/// One person's record (per agency), for one of their tenants.
pub struct Person {
    store: AppResult<Store>,
    tenant_id: String,
    now_ms: u64,
}

impl Person {
    /// The person `key` of `agency_id`, acting for `tenant_id`.
    pub fn new(ctx: &Ctx, agency_id: &str, key: &str, tenant_id: &str) -> Self {
        Person {
            store: Store::of(
                &ctx.env,
                &Scope::Person(agency_id.to_owned(), key.to_owned()),
            ),
            tenant_id: tenant_id.to_owned(),
            now_ms: ctx.now_ms,
        }
    }

    fn store(&self) -> AppResult<&Store> {
        self.store.as_ref().map_err(Clone::clone)
    }

    /// May this tenant send an inquiry?
    ///
    /// # Errors
    /// 500 when the store fails.
    pub async fn begin(&self) -> AppResult<PersonVerdict> {
        self.store()?
            .ask(PersonOp::Begin {
                tenant_id: self.tenant_id.clone(),
                now_ms: self.now_ms,
            })
            .await?
            .verdict
            .ok_or_else(|| AppError::Internal("person: no verdict".into()))
    }

    /// The tenant's inquiry or answers came back with `decision` (`None`: failed).
    ///
    /// # Errors
    /// 500 when the store fails.
    pub async fn settle(&self, decision: Option<Decision>) -> AppResult<()> {
        self.store()?
            .ask(PersonOp::Settle {
                tenant_id: self.tenant_id.clone(),
                decision,
                now_ms: self.now_ms,
            })
            .await?;
        Ok(())
    }

    /// The agency decided for this person.
    ///
    /// # Errors
    /// 500 when the store fails.
    pub async fn agency_decided(&self, decision: Decision) -> AppResult<()> {
        self.store()?.ask(PersonOp::Agency { decision }).await?;
        Ok(())
    }

    /// The person's record.
    ///
    /// # Errors
    /// 500 when the store fails.
    pub async fn record(&self) -> AppResult<PersonRecord> {
        Ok(self.store()?.ask(PersonOp::Get).await?.record)
    }
}

/// `POST /v1/tenants/{id}/identity-inquiries/{inquiryId}/answers`.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant or inquiry, 400/422 bad answers, 409
/// `identity_already_answered` / `identity_not_challenged` / `identity_already_decided`
/// (the agency decided) / `identity_inquiry_in_progress`, 502/503/504 upstream.
pub async fn answer(
    mut req: Request,
    ctx: &Ctx,
    who: &auth::Caller,
    tenant_id: &str,
    inquiry_id: &str,
) -> AppResult<Response> {
    let agency_id = who.agency.id.clone();
    let body: AnswersRequest = http::read_json(&mut req).await?;
    validate::validate_answers(&body).map_err(AppError::Validation)?;
    // Each submission is an upstream call (retries after upstream errors too).
    crate::rate_limit::hit(
        ctx,
        &Scope::Tenant(tenant_id.to_owned(), TenantScope::Answers),
        ctx.settings.answers_per_tenant,
        3600,
    )
    .await?;
    let handle = TenantHandle::new(&ctx.env, tenant_id)?;
    match handle
        .identity(IdentityOp::BeginAnswers {
            inquiry_id: inquiry_id.to_owned(),
            now_ms: ctx.now_ms,
        })
        .await?
    {
        IdentityOutcome::Decision { .. } => {}
        IdentityOutcome::Refused { refusal } => return Err(AppError::Problem(refusal.problem())),
        other => return Err(unexpected(&other)),
    }
    let graded = async { Identity::new(ctx)?.answer(inquiry_id, &body).await }.await;
    let settled = handle
        .identity(IdentityOp::SettleAnswers {
            inquiry_id: inquiry_id.to_owned(),
            decision: graded.as_ref().ok().map(|r| r.decision),
        })
        .await?;
    if let (
        Ok(g),
        IdentityOutcome::Decision {
            person: Some(key), ..
        },
    ) = (&graded, &settled)
    {
        Person::new(ctx, &agency_id, key, tenant_id)
            .settle(Some(g.decision))
            .await?;
    }
    graded?;
    match settled {
        IdentityOutcome::Decision {
            decision: Some(decision),
            ..
        } => http::json(200, &AnswersDecided { decision }),
        other => Err(unexpected(&other)),
    }
}

fn unexpected(outcome: &IdentityOutcome) -> AppError {
    AppError::Internal(format!(
        "tenant state: unexpected identity outcome {}",
        match outcome {
            IdentityOutcome::Start { .. } => "start",
            IdentityOutcome::Resume { .. } => "resume",
            IdentityOutcome::Settled { .. } => "settled",
            IdentityOutcome::Decision { .. } => "decision",
            IdentityOutcome::Refused { .. } => "refused",
        }
    ))
}

/// Binds an inquiry id to its tenant, once, so answers and the agency's decision
/// update find it. An id the upstream returns that is already bound to another tenant
/// (and so maybe another agency) is refused: it is never re-bound.
///
/// # Errors
/// 502 when the id belongs to another tenant, 500 when the ledger fails.
async fn remember_tenant(ctx: &Ctx, inquiry_id: &str, tenant_id: &str) -> AppResult<()> {
    let bound = Store::of(&ctx.env, &Scope::Inquiry(inquiry_id.to_owned()))?
        .ask(KvBind {
            k: "tenant".into(),
            v: tenant_id.to_owned(),
        })
        .await?;
    if bound.as_deref() != Some(tenant_id) {
        return Err(AppError::UpstreamFailed(
            "identity: the upstream returned an inquiry id bound to another tenant".into(),
        ));
    }
    Ok(())
}

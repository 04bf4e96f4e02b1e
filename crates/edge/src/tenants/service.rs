//! What tenant creation does, apart from HTTP.

use onboarding_core::model::TenantRequest;
use onboarding_core::model::api::TenantCreated;
use onboarding_core::model::problem::ProblemCode;
use onboarding_core::model::screening::CreateTenant;
use onboarding_core::token::SessionClaims;
use onboarding_core::validate::{self, Date};

use crate::auth;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::objects::tenant::{TenantHandle, TenantRecord};
use crate::registry::Agency;
use crate::upstream::screening::Screening;

/// The id of an upstream tenant.
struct Tenant {
    id: String,
}

/// Normalises and validates a request with core (today's date from the clock).
///
/// # Errors
/// 422 with every field error.
pub fn validate(req: &mut TenantRequest, ctx: &Ctx) -> AppResult<()> {
    let today = Date::from_unix_seconds(ctx.now_secs() as i64);
    validate::normalize_and_validate_tenant_request(req, today).map_err(AppError::Validation)
}

/// What the session's client token fixed replaces what the browser sent: the agency's
/// reference (which only the agency's server may set) and the product.
///
/// # Errors
/// 422 `agency_server_only` for an `externalReference` from the browser, with or
/// without a client token (it belongs in `POST /v1/agency/sessions`).
pub fn granted(req: &mut TenantRequest, claims: &SessionClaims) -> AppResult<()> {
    if req.external_reference.is_some() {
        return Err(AppError::Validation(vec![
            onboarding_core::client_session::reference_from_browser(),
        ]));
    }
    let Some(grant) = &claims.grant else {
        return Ok(());
    };
    req.external_reference.clone_from(&grant.external_reference);
    if grant.product_id.is_some() || grant.requested_amount.is_some() {
        let product = req.product.get_or_insert_with(Default::default);
        product
            .product_type
            .get_or_insert_with(|| "rental".to_owned());
        if grant.product_id.is_some() {
            product.product_id.clone_from(&grant.product_id);
        }
        if grant.requested_amount.is_some() {
            product.requested_amount.clone_from(&grant.requested_amount);
        }
    }
    Ok(())
}

/// A session's tenant limit: a client token's session is one applicant's visit, so it
/// creates one tenant; a publishable-key session, the configured number.
pub fn tenants_per_session(ctx: &Ctx, claims: &SessionClaims) -> u64 {
    if claims.grant.is_some() {
        1
    } else {
        u64::from(ctx.settings.tenants_per_session)
    }
}

/// The `Idempotency-Key` the upstream gets for a client's key: one per session and
/// key (a hash, so neither the session id nor the client's key leaves the edge).
pub fn upstream_key(session_id: &str, key: &str) -> String {
    let digest =
        crate::idempotency::fingerprint(&[b"tenant", session_id.as_bytes(), key.as_bytes()]);
    format!("edge-{}", &digest[..40])
}

/// Creates the tenant upstream (under `upstream_key`, if any); returns its id.
///
/// # Errors
/// Upstream failures (502/503/504), 502 for an answer without a usable id.
pub async fn create_upstream(
    ctx: &Ctx,
    req: &TenantRequest,
    agency: &Agency,
    upstream_key: Option<&str>,
) -> AppResult<String> {
    let screening = Screening::new(ctx)?;
    let body = CreateTenant::from_request(req, Some(&agency.id));
    let tenant = screening.create_tenant(&body, upstream_key).await?;
    if tenant.id.is_empty()
        || tenant.id.len() > 128
        || !tenant
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AppError::UpstreamFailed(
            "screening: tenant without a usable id".into(),
        ));
    }
    Ok(tenant.id)
}

/// The person key of `req` for `agency_id` (core's rule, keyed with
/// `PERSON_KEY_SECRET`); `None` when the request names no document. The secret is the
/// person keys' own: rotating `AGENCY_SECRETS_KEY` (which seals webhook secrets) must
/// not make every person new again. A deployment from before it had the person keys
/// under `AGENCY_SECRETS_KEY`: until `PERSON_KEY_SECRET` is put (with that same value,
/// so every person keeps their key) that one is used, and a warning says so.
///
/// # Errors
/// 503 when neither secret is there, or it is malformed.
pub fn person_key(ctx: &Ctx, agency_id: &str, req: &TenantRequest) -> AppResult<Option<String>> {
    let Some(material) = onboarding_core::person::person_material(req) else {
        return Ok(None);
    };
    Ok(Some(onboarding_core::person::person_key(
        &pseudonym_secret(ctx)?,
        agency_id,
        &material,
    )))
}

/// The console's search tokens of an applicant (core's `console::search_tokens`, under
/// the same secret as person keys): their names' words, their email, the agency's
/// reference.
///
/// # Errors
/// As [`person_key`].
pub fn search_tokens(ctx: &Ctx, agency_id: &str, req: &TenantRequest) -> AppResult<Vec<String>> {
    let a = &req.applicant;
    let text = [
        Some(a.name.first.as_str()),
        Some(a.name.last.as_str()),
        a.name.second_last.as_deref(),
        Some(a.email.as_str()),
        req.external_reference.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    Ok(onboarding_core::console::search_tokens(
        &pseudonym_secret(ctx)?,
        agency_id,
        &text,
    ))
}

/// The secret of the edge's pseudonyms (person keys, search tokens):
/// `PERSON_KEY_SECRET`, else (a deployment from before it) `AGENCY_SECRETS_KEY`.
///
/// # Errors
/// 503 when neither secret is there, or it is malformed.
pub fn pseudonym_secret(ctx: &Ctx) -> AppResult<Vec<u8>> {
    let secret = match crate::config::optional_secret(&ctx.env, "PERSON_KEY_SECRET") {
        Some(own) => own,
        None => {
            worker::console_warn!(
                "{}",
                serde_json::json!({"configuration": "PERSON_KEY_SECRET is not set: person keys use AGENCY_SECRETS_KEY; put PERSON_KEY_SECRET with its current value"})
            );
            crate::config::secret(&ctx.env, "AGENCY_SECRETS_KEY")?
        }
    };
    hex::decode(secret)
        .ok()
        .filter(|s| s.len() == 32)
        .ok_or(AppError::Config(
            "PERSON_KEY_SECRET must be 64 hex characters (32 bytes)",
        ))
}

/// Binds an upstream tenant to this agency (its state object) and issues the
/// tenant-bound token.
///
/// # Errors
/// 409 `tenant_unavailable` when the id belongs to another agency, 500 state.
pub async fn bind(
    ctx: &Ctx,
    req: &TenantRequest,
    claims: &SessionClaims,
    agency: &Agency,
    tenant_id: String,
) -> AppResult<TenantCreated> {
    let tenant = Tenant { id: tenant_id };
    let record = TenantRecord {
        tenant_id: tenant.id.clone(),
        agency: agency.id.clone(),
        created_at: http::iso(ctx.now_ms),
        request: Some(req.clone()),
        session_id: claims.session_id.clone(),
        person: person_key(ctx, &agency.id, req)?,
        search: search_tokens(ctx, &agency.id, req)?,
        since: ctx.now_secs() as i64,
        consent: req
            .consent
            .as_ref()
            .and_then(|c| c.version.as_deref())
            .map(|v| {
                onboarding_core::consent::receipts(
                    v,
                    ctx.locale,
                    &http::iso(ctx.now_ms),
                    &ctx.client_ip,
                )
            })
            .unwrap_or_default(),
        retention: Some(agency.retention),
        max_rent_share: agency.max_rent_share,
    };
    let bound = TenantHandle::new(&ctx.env, &tenant.id)?
        .init(record)
        .await?;
    let expires = auth::tenant_token_expiry(ctx, bound.since)
        .ok_or(AppError::Problem(ProblemCode::TenantUnavailable))?;
    let token = auth::issue(
        ctx,
        &SessionClaims {
            publishable_key: claims.publishable_key.clone(),
            origin: claims.origin.clone(),
            session_id: claims.session_id.clone(),
            tenant_id: Some(tenant.id.clone()),
            expires_at: expires,
            since: bound.since,
            generation: bound.generation,
            grant: None,
        },
    )?;
    Ok(TenantCreated {
        tenant_id: tenant.id,
        session_token: token,
        status: bound.entry.status,
    })
}

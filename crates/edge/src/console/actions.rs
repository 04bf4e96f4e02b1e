//! What staff do from the console. Each handler runs after the route group's checks
//! (`POST`, `Origin`, Access, membership, role, CSRF, a single-use form id: see
//! `console::serve`) and calls the function the agency API calls for the same thing
//! (`agency::decide`, `forensic`, `revoke_access`, `erase`, `replay`: one
//! authorisation path), or the registry's `manage` writes the operator's CLI also
//! makes. Every action leaves an audit row: the staff email as the actor, what was
//! done, ids only.

use onboarding_core::agency_settings as rules;
use onboarding_core::console::{T, fill};
use onboarding_core::i18n::Locale;
use onboarding_core::lifecycle::{ErasureState, Retention};
use onboarding_core::model::TenantRequest;
use onboarding_core::model::problem::ProblemCode;
use serde_json::json;
use worker::Response;

use super::form::{Action, Feedback, Form, Manage, Staff, decision_update};
use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::registry::Role;
use crate::registry::manage::{Refused, Rotated};

/// What the page does after a form.
pub enum Outcome {
    /// `303` to this path (`?done=…` says what happened).
    Redirect(String),
    /// The same page again: `422` with the form's errors, or `200` with what only this
    /// answer shows (a new secret, a test delivery's result).
    Again(Feedback),
}

/// The confirmation a `?done=` code stands for.
pub fn done_text(code: &str) -> Option<T> {
    Some(match code {
        "decision" => T::DoneDecision,
        "forensic" => T::DoneForensic,
        "revoke-access" => T::DoneRevoke,
        "erase" => T::DoneErase,
        "erase-pending" => T::DoneErasePending,
        "already" => T::AlreadySent,
        "staff-add" => T::DoneStaffAdd,
        "staff-role" => T::DoneStaffRole,
        "staff-remove" => T::DoneStaffRemove,
        "webhook" => T::DoneWebhook,
        "replay" => T::DoneReplay,
        "origins" => T::DoneOrigins,
        "retention" => T::DoneRetention,
        "end-overlap" => T::DoneEndOverlap,
        _ => return None,
    })
}

async fn audit(ctx: &Ctx, staff: &Staff, action: &str, detail: serde_json::Value) -> AppResult<()> {
    ctx.registry()
        .audit(
            &staff.agency.id,
            &format!("console.{action}"),
            &detail,
            &staff.email,
        )
        .await
}

/// Words compared as a person would type them: trimmed, one space between words, any
/// case.
fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    !a.trim().is_empty() && norm(a) == norm(b)
}

/// An action on one application.
///
/// # Errors
/// 404 not this agency's tenant; upstream and store errors as the API has them.
pub async fn application(
    ctx: &Ctx,
    staff: &Staff,
    tenant_id: &str,
    action: Action,
    form: Form,
) -> AppResult<Outcome> {
    let agency = &staff.agency;
    let file = format!("/console/{}/tenants/{tenant_id}", agency.id);
    let done = |code: &str| Outcome::Redirect(format!("{file}?done={code}#actions"));
    match action {
        Action::Decide => {
            let update = match decision_update(&form) {
                Ok(u) => u,
                Err(errors) => {
                    return Ok(Outcome::Again(Feedback::invalid("decision", form, errors)));
                }
            };
            let inquiry = form.value("inquiry").to_owned();
            let (decision, tags) = (update.decision, update.tags.clone());
            crate::agency::decide(ctx, agency, &inquiry, update, Some(tenant_id)).await?;
            audit(ctx, staff, "decision", json!({"tenantId": tenant_id, "inquiryId": inquiry, "decision": decision, "tags": tags})).await?;
            Ok(done("decision"))
        }
        Action::Forensic => match crate::agency::forensic(ctx, agency, tenant_id).await {
            Ok(_) => {
                audit(ctx, staff, "forensic", json!({"tenantId": tenant_id})).await?;
                Ok(done("forensic"))
            }
            Err(AppError::Problem(ProblemCode::ForensicBlocked)) => Ok(Outcome::Again(
                Feedback::invalid("forensic", form, vec![("forensic", T::ErrForensicBlocked)]),
            )),
            Err(e) => Err(e),
        },
        Action::Revoke => {
            let r = crate::agency::revoke_access(ctx, agency, tenant_id).await?;
            audit(
                ctx,
                staff,
                "revoke-access",
                json!({"tenantId": tenant_id, "generation": r.generation}),
            )
            .await?;
            Ok(done("revoke-access"))
        }
        Action::Erase => {
            // Confirmed by the applicant's surname (by the id when the file has none).
            let view = crate::agency::view(ctx, agency, tenant_id).await?;
            let surname = serde_json::to_value(&view.tenant)
                .ok()
                .and_then(|t| t.get("request").cloned())
                .and_then(|r| serde_json::from_value::<TenantRequest>(r).ok())
                .map(|r| r.applicant.name.last)
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| tenant_id.to_owned());
            if !same_words(form.value("surname"), &surname) {
                return Ok(Outcome::Again(Feedback::invalid(
                    "erase",
                    form,
                    vec![("surname", T::ErrSurname)],
                )));
            }
            let receipt = crate::agency::erase(ctx, agency, tenant_id).await?;
            audit(
                ctx,
                staff,
                "erase",
                json!({"tenantId": tenant_id, "state": receipt.state}),
            )
            .await?;
            let code = match receipt.state {
                ErasureState::Erased => "erase",
                ErasureState::Pending => "erase-pending",
            };
            Ok(Outcome::Redirect(format!(
                "/console/{}/?done={code}",
                agency.id
            )))
        }
    }
}

/// `GET /console/{agency}/tenants/{id}/export`: the agency view as a JSON file (what
/// `GET /v1/agency/tenants/{id}` answers), audited.
///
/// # Errors
/// 404 not this agency's tenant.
pub async fn export(ctx: &Ctx, staff: &Staff, tenant_id: &str) -> AppResult<Response> {
    let view = crate::agency::view(ctx, &staff.agency, tenant_id).await?;
    audit(ctx, staff, "export", json!({"tenantId": tenant_id})).await?;
    let mut resp = crate::http::json(200, &view)?;
    let h = resp.headers_mut();
    h.set(
        "Content-Disposition",
        &format!("attachment; filename=\"{tenant_id}.json\""),
    )?;
    h.set("Cache-Control", "no-store")?;
    Ok(resp)
}

/// An admin's change to the agency.
///
/// # Errors
/// Registry, queue and store errors.
pub async fn manage(
    ctx: &Ctx,
    staff: &Staff,
    change: Manage,
    form: Form,
    locale: Locale,
) -> AppResult<Outcome> {
    let agency = &staff.agency;
    let registry = ctx.registry();
    let by = staff.email.as_str();
    let page = format!("/console/{}/manage", agency.id);
    let done = |code: &str, anchor: &str| Outcome::Redirect(format!("{page}?done={code}#{anchor}"));
    let invalid = |form_name: &'static str, form: Form, field: &'static str, t: T| {
        Ok(Outcome::Again(Feedback::invalid(
            form_name,
            form,
            vec![(field, t)],
        )))
    };
    let refused = |form_name: &'static str, form: Form, r: Refused| {
        let t = match r {
            Refused::AlreadyStaff => T::ErrAlreadyStaff,
            Refused::NotStaff => T::ErrNotStaff,
            Refused::LastAdmin => T::ErrLastAdmin,
        };
        invalid(form_name, form, "email", t)
    };
    let dev = ctx.settings.dev_wiring;
    let name = change.as_str();
    match change {
        Manage::StaffAdd | Manage::StaffRole => {
            let Some(email) = rules::staff_email(form.value("email")) else {
                return invalid(name, form, "email", T::ErrEmail);
            };
            let Some(role) = Role::parse(form.value("role")) else {
                return invalid(name, form, "role", T::ErrRole);
            };
            let result = if change == Manage::StaffAdd {
                registry.staff_add(&agency.id, &email, role, by).await?
            } else {
                registry.staff_role(&agency.id, &email, role, by).await?
            };
            match result {
                Ok(()) => Ok(done(name, "staff")),
                Err(r) => refused(name, form, r),
            }
        }
        Manage::StaffRemove => {
            let Some(email) = rules::staff_email(form.value("email")) else {
                return invalid(name, form, "email", T::ErrNotStaff);
            };
            match registry.staff_remove(&agency.id, &email, by).await? {
                Ok(()) => Ok(done(name, "staff")),
                Err(r) => refused(name, form, r),
            }
        }
        Manage::Webhook => match rules::webhook_url(form.value("url"), dev) {
            Some(url) => {
                registry.set_webhook(&agency.id, url.as_deref(), by).await?;
                Ok(done(name, "webhook"))
            }
            None => invalid(name, form, "url", T::ErrWebhook),
        },
        Manage::WebhookTest => {
            let text = match agency.webhook_url.as_deref() {
                None => T::NoWebhook.get(locale).to_owned(),
                Some(url) => {
                    let event_id = format!("evt_test_{}", crate::runtime::random_hex(8)?);
                    let body = json!({
                        "id": event_id,
                        "type": "webhook.test",
                        "createdAt": crate::http::iso(ctx.now_ms),
                        "data": {"agencyId": agency.id},
                    })
                    .to_string();
                    let sent = crate::relay::consumer::post_signed(
                        agency,
                        url,
                        &event_id,
                        1,
                        &body,
                        ctx.settings.relay_timeout_ms,
                    )
                    .await;
                    let result = match &sent {
                        Ok(status) => status.to_string(),
                        Err(why) => why.clone(),
                    };
                    audit(
                        ctx,
                        staff,
                        "webhook-test",
                        json!({"eventId": event_id, "result": result}),
                    )
                    .await?;
                    match sent.map(|s| (s, crate::relay::consumer::judge(s))) {
                        Ok((status, Ok(()))) => {
                            fill(T::TestOk.get(locale), &[("status", &status.to_string())])
                        }
                        Ok((_, Err(why))) | Err(why) => {
                            fill(T::TestFailed.get(locale), &[("why", &why)])
                        }
                    }
                }
            };
            Ok(Outcome::Again(Feedback::done(text)))
        }
        Manage::Replay => {
            let event = form.value("event").to_owned();
            match crate::agency::replay(ctx, agency, &event).await {
                Ok(_) => {
                    audit(ctx, staff, "replay", json!({"eventId": event})).await?;
                    Ok(done(name, "undelivered"))
                }
                Err(AppError::Problem(ProblemCode::NotFound)) => {
                    invalid(name, form, "event", T::ErrReplay)
                }
                Err(e) => Err(e),
            }
        }
        Manage::Origins => match rules::allowed_origins(form.value("origins"), dev) {
            Some(origins) => {
                registry.set_origins(&agency.id, &origins, by).await?;
                Ok(done(name, "origins"))
            }
            None => invalid(name, form, "origins", T::ErrOrigins),
        },
        Manage::Retention => {
            let abandoned = rules::retention_days(form.value("abandoned"));
            let completed = rules::retention_days(form.value("completed"));
            let mut errors = Vec::new();
            if abandoned.is_none() {
                errors.push(("abandoned", T::ErrDays));
            }
            if completed.is_none() {
                errors.push(("completed", T::ErrDays));
            }
            let (Some(abandoned_seconds), Some(completed_seconds)) = (abandoned, completed) else {
                return Ok(Outcome::Again(Feedback::invalid(name, form, errors)));
            };
            let retention = Retention {
                abandoned_seconds,
                completed_seconds,
            };
            registry.set_retention(&agency.id, retention, by).await?;
            Ok(done(name, "retention"))
        }
        Manage::RotateSecretKey | Manage::RotateWebhookSecret => {
            let Some(overlap) = rules::overlap_hours(form.value("overlap")) else {
                return invalid(name, form, "overlap", T::ErrOverlap);
            };
            let which = if change == Manage::RotateSecretKey {
                Rotated::SecretKey
            } else {
                Rotated::WebhookSecret
            };
            let (value, until) = registry
                .rotate(&agency.id, which, overlap, !dev, by)
                .await?;
            let until = crate::http::iso(until as u64 * 1000);
            Ok(Outcome::Again(Feedback {
                secret: Some((value, fill(T::OldUntil.get(locale), &[("time", &until)]))),
                form: name,
                ..Feedback::default()
            }))
        }
        Manage::EndOverlap => {
            registry.end_overlap(&agency.id, by).await?;
            Ok(done(name, "keys"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_as_typed() {
        assert!(same_words(" garcía  lópez ", "García López"));
        assert!(!same_words("Garcia Lopez", "García López"), "accents count");
        assert!(!same_words("", ""), "something must be typed");
        assert!(!same_words("García", "García López"));
    }

    #[test]
    fn every_done_code_has_a_text() {
        for a in [
            "decision",
            "forensic",
            "revoke-access",
            "erase",
            "erase-pending",
            "already",
        ] {
            assert!(done_text(a).is_some(), "{a}");
        }
        for m in Manage::ALL {
            if !matches!(
                m,
                Manage::WebhookTest | Manage::RotateSecretKey | Manage::RotateWebhookSecret
            ) {
                assert!(done_text(m.as_str()).is_some(), "{m:?}");
            }
        }
        assert_eq!(done_text("<script>"), None);
    }
}

//! The admins' pages: managing the agency (staff, webhook, undelivered events,
//! origins, retention, keys) and reading the audit. What they show is read from the
//! registry and the agency's dead letters; what they change is in `actions::manage`.

use maud::{Markup, html};
use onboarding_core::console::{T, fill};

use super::form::{Feedback, Manage, Staff};
use super::pages::{Choice, Field, Viewer, choice, field, layout, post_form, said};
use crate::error::AppError;
use crate::http::Ctx;
use crate::registry::Role;
use crate::registry::audit::{AUDIT_PAGE, AuditRow};
use crate::registry::manage::{KeyRow, StaffRow};

fn time(secs: i64) -> String {
    let iso = crate::http::iso(secs.max(0) as u64 * 1000);
    iso.replace('T', " ").get(..16).unwrap_or(&iso).to_owned() + " UTC"
}

fn role_options(v: &Viewer<'_>) -> Vec<(String, String)> {
    [(Role::Agent, T::RoleAgent), (Role::Admin, T::RoleAdmin)]
        .iter()
        .map(|(r, t)| (r.as_str().to_owned(), v.t(*t).to_owned()))
        .collect()
}

/// `/console/{agency}/manage`.
///
/// # Errors
/// Registry and store errors.
pub async fn manage(
    ctx: &Ctx,
    staff: &Staff,
    v: &Viewer<'_>,
    fb: &Feedback,
) -> Result<Markup, AppError> {
    let registry = ctx.registry();
    let agency_id = &staff.agency.id;
    // The agency as the registry has it now (this isolate's cache was cleared by the
    // change, if there was one).
    let agency = registry
        .by_id(agency_id)
        .await?
        .unwrap_or_else(|| staff.agency.clone());
    let (members, keys, dead) = futures_util::future::join3(
        registry.staff(agency_id),
        registry.keys(agency_id),
        crate::agency::undelivered(ctx, &agency),
    )
    .await;
    let (members, keys, dead) = (members?, keys?, dead?.events);
    let base = format!("/console/{agency_id}/manage");
    let to = |m: Manage| format!("{base}/{}", m.as_str());
    let title = v.t(T::ManageTitle);
    let days = |s: u64| (s / 86_400).to_string();
    Ok(layout(
        v,
        title,
        html! {
            h1 { (title) }
            (said(v, fb))
            p.sub { (fill(v.t(T::ChangesReach), &[("seconds", &ctx.settings.agency_cache_seconds.to_string())])) }

            section #staff aria-labelledby="h-staff" {
                h2 #h-staff { (v.t(T::Staff)) }
                (staff_table(v, fb, &members, &to))
                h3 { (v.t(T::Invite)) }
                (post_form(v, &to(Manage::StaffAdd), "staff-add", fb, html! {
                    (field(v, fb, Field { form: "staff-add", name: "email", label: T::Email, kind: "email", value: "", help: Some(T::InviteHelp) }))
                    (choice(v, fb, Choice { form: "staff-add", name: "role", label: T::Role, options: role_options(v), radios: true }))
                    button type="submit" { (v.t(T::InviteButton)) }
                }))
            }

            section #webhook aria-labelledby="h-webhook" {
                h2 #h-webhook { (v.t(T::Webhook)) }
                (post_form(v, &to(Manage::Webhook), "webhook", fb, html! {
                    (field(v, fb, Field { form: "webhook", name: "url", label: T::WebhookUrl, kind: "url", value: agency.webhook_url.as_deref().unwrap_or(""), help: Some(T::WebhookHelp) }))
                    button type="submit" { (v.t(T::Save)) }
                }))
                (post_form(v, &to(Manage::WebhookTest), "webhook-test", fb, html! {
                    button type="submit" { (v.t(T::TestDelivery)) }
                }))
            }

            section #undelivered aria-labelledby="h-undelivered" {
                h2 #h-undelivered { (v.t(T::Undelivered)) }
                @if let Some(e) = fb.error("replay", "event") {
                    p.error #replay-event role="alert" { (v.t(e)) }
                }
                @if dead.is_empty() {
                    p.sub { (v.t(T::None)) }
                } @else {
                    div.scroll role="region" aria-labelledby="h-undelivered" tabindex="0" {
                        table {
                            thead { tr {
                                th scope="col" { (v.t(T::Event)) }
                                th scope="col" { (v.t(T::When)) }
                                th scope="col" { (v.t(T::LastError)) }
                                td {}
                            } }
                            tbody {
                                @for d in &dead {
                                    tr {
                                        th scope="row" { (d.kind) br; span.sub { (d.event_id) } }
                                        td { (d.failed_at) }
                                        td { (d.last_error) " (" (d.attempts) ")" }
                                        td {
                                            (post_form(v, &to(Manage::Replay), "replay", fb, html! {
                                                input type="hidden" name="event" value=(d.event_id);
                                                button type="submit" aria-label={ (v.t(T::Replay)) " " (d.event_id) } { (v.t(T::Replay)) }
                                            }))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }

            section #origins aria-labelledby="h-origins" {
                h2 #h-origins { (v.t(T::Origins)) }
                (post_form(v, &to(Manage::Origins), "origins", fb, html! {
                    (field(v, fb, Field { form: "origins", name: "origins", label: T::Origins, kind: "textarea", value: &agency.allowed_origins.join("\n"), help: Some(T::OriginsHelp) }))
                    button type="submit" { (v.t(T::Save)) }
                }))
            }

            section #retention aria-labelledby="h-retention" {
                h2 #h-retention { (v.t(T::Retention)) }
                p.sub { (v.t(T::RetentionHelp)) }
                (post_form(v, &to(Manage::Retention), "retention", fb, html! {
                    (field(v, fb, Field { form: "retention", name: "abandoned", label: T::RetentionAbandoned, kind: "number", value: &days(agency.retention.abandoned_seconds), help: None }))
                    (field(v, fb, Field { form: "retention", name: "completed", label: T::RetentionCompleted, kind: "number", value: &days(agency.retention.completed_seconds), help: None }))
                    button type="submit" { (v.t(T::Save)) }
                }))
            }

            section #keys aria-labelledby="h-keys" {
                h2 #h-keys { (v.t(T::Keys)) }
                p.sub { (v.t(T::KeysHelp)) }
                (keys_list(v, &keys))
                @for (m, t) in [(Manage::RotateSecretKey, T::RotateSecret), (Manage::RotateWebhookSecret, T::RotateWebhook)] {
                    (post_form(v, &to(m), m.as_str(), fb, html! {
                        (field(v, fb, Field { form: m.as_str(), name: "overlap", label: T::OverlapHours, kind: "number", value: "24", help: None }))
                        button type="submit" { (v.t(t)) }
                    }))
                }
                (post_form(v, &to(Manage::EndOverlap), "end-overlap", fb, html! {
                    button type="submit" { (v.t(T::EndOverlap)) }
                }))
            }
        },
    ))
}

fn staff_table(
    v: &Viewer<'_>,
    fb: &Feedback,
    members: &[StaffRow],
    to: &dyn Fn(Manage) -> String,
) -> Markup {
    html! {
        @for (form, _) in [("staff-role", ()), ("staff-remove", ())] {
            @if let Some(e) = fb.error(form, "email") {
                p.error id={ (form) "-email" } role="alert" { (v.t(e)) }
            }
        }
        div.scroll role="region" aria-labelledby="h-staff" tabindex="0" {
            table {
                thead { tr {
                    th scope="col" { (v.t(T::Email)) }
                    th scope="col" { (v.t(T::Role)) }
                    th scope="col" { (v.t(T::AddedBy)) }
                    th scope="col" { (v.t(T::AddedAt)) }
                    td {}
                } }
                tbody {
                    @for m in members {
                        @let other = if m.role == Role::Admin { Role::Agent } else { Role::Admin };
                        @let other_text = v.t(if other == Role::Admin { T::RoleAdmin } else { T::RoleAgent });
                        tr {
                            th scope="row" { (m.email) }
                            td { (v.t(if m.role == Role::Admin { T::RoleAdmin } else { T::RoleAgent })) }
                            td { (m.added_by) }
                            td { (time(m.added_at)) }
                            td.row-actions {
                                (post_form(v, &to(Manage::StaffRole), "staff-role", fb, html! {
                                    input type="hidden" name="email" value=(m.email);
                                    input type="hidden" name="role" value=(other.as_str());
                                    // The accessible name starts with the visible text (WCAG 2.5.3, "label in name").
                                    button type="submit" aria-label={ (v.t(T::ChangeRole)) " → " (other_text) ": " (m.email) } { (v.t(T::ChangeRole)) " → " (other_text) }
                                }))
                                (post_form(v, &to(Manage::StaffRemove), "staff-remove", fb, html! {
                                    input type="hidden" name="email" value=(m.email);
                                    button type="submit" aria-label={ (v.t(T::RemoveMember)) ": " (m.email) } { (v.t(T::RemoveMember)) }
                                }))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn keys_list(v: &Viewer<'_>, keys: &[KeyRow]) -> Markup {
    html! {
        ul.keys {
            @for k in keys {
                @let kind = match k.kind.as_str() {
                    "secret" => T::KindSecret,
                    "publishable" => T::KindPublishable,
                    _ => T::KindWebhook,
                };
                li {
                    (v.t(kind)) " · " (time(k.created_at)) " · "
                    @match k.expires_at {
                        None => (v.t(T::InForce)),
                        Some(e) => (fill(v.t(T::Until), &[("time", &time(e))])),
                    }
                }
            }
        }
    }
}

/// `/console/{agency}/audit`: newest first, by member, a page at a time.
///
/// # Errors
/// Registry errors.
pub async fn audit(
    ctx: &Ctx,
    staff: &Staff,
    v: &Viewer<'_>,
    pairs: &[(String, String)],
) -> Result<Markup, AppError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let actor = get("actor").filter(|a| !a.is_empty() && a.len() <= 254);
    let before = get("before")
        .and_then(|b| b.parse::<i64>().ok())
        .filter(|b| *b > 0);
    let registry = ctx.registry();
    let (rows, actors) = futures_util::future::join(
        registry.audit_rows(&staff.agency.id, actor, before),
        registry.audit_actors(&staff.agency.id),
    )
    .await;
    let (rows, actors) = (rows?, actors?);
    let base = format!("/console/{}/audit", staff.agency.id);
    let older = (rows.len() == AUDIT_PAGE as usize)
        .then(|| rows.last().map(|r| r.seq))
        .flatten()
        .map(|seq| {
            let mut q = super::pages::url::Query::new(&base);
            if let Some(a) = actor {
                q.push("actor", a);
            }
            q.push("before", &seq.to_string());
            q.finish()
        });
    let title = v.t(T::AuditTitle);
    Ok(layout(
        v,
        title,
        html! {
            h1 { (title) }
            form.filters method="get" action=(base) {
                div.field {
                    label for="actor" { (v.t(T::Member)) }
                    select #actor name="actor" {
                        option value="" selected[actor.is_none()] { (v.t(T::Everyone)) }
                        @for a in &actors {
                            option value=(a) selected[actor == Some(a.as_str())] { (a) }
                        }
                    }
                }
                div.actions { button type="submit" { (v.t(T::Apply)) } }
            }
            @if rows.is_empty() {
                p.empty role="status" { (v.t(T::NoActivity)) }
            } @else {
                (audit_table(v, &rows))
            }
            @if let Some(href) = older {
                nav.pages aria-label=(v.t(T::Pages)) { a rel="next" href=(href) { (v.t(T::Older)) } }
            }
        },
    ))
}

fn audit_table(v: &Viewer<'_>, rows: &[AuditRow]) -> Markup {
    html! {
        div.scroll role="region" aria-labelledby="audit-caption" tabindex="0" {
            table {
                caption #audit-caption { (v.t(T::AuditTitle)) }
                thead { tr {
                    th scope="col" { (v.t(T::When)) }
                    th scope="col" { (v.t(T::Who)) }
                    th scope="col" { (v.t(T::What)) }
                    th scope="col" { (v.t(T::Detail)) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (time(r.at)) }
                            td { (r.actor) }
                            td { code { (r.action) } }
                            td.hash { (r.detail) }
                        }
                    }
                }
            }
        }
    }
}

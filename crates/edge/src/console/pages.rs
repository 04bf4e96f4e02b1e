//! The console's pages as maud templates: every value is escaped by construction,
//! every text comes from core's console catalog in the staff member's language, and
//! no page has an inline script or style (the CSP forbids both).

use maud::{DOCTYPE, Markup, html};
use onboarding_core::console::{self, Check, Stage, T, fill};
use onboarding_core::i18n::Locale;
use onboarding_core::model::api::{AgencyTenantView, StatusEntry};
use onboarding_core::model::identity::Decision;
use onboarding_core::model::{Applicant, TenantRequest};
use serde_json::Value;

use super::form::{Feedback, MAX_NOTE};
use crate::objects::store::{ConsoleQuery, ConsoleRows, DecisionFilter};
use crate::registry::{Membership, Role};

/// Who sees the page, and in which language.
pub struct Viewer<'a> {
    /// The signed-in email (absent on pages before sign-in).
    pub email: Option<&'a str>,
    /// Their role at the agency the page is about.
    pub role: Option<Role>,
    /// The agency the page is about.
    pub agency: Option<(&'a str, &'a str)>,
    /// The page's language.
    pub locale: Locale,
    /// The path and query of this page (the language links come back to it).
    pub here: &'a str,
    /// The session's CSRF token, for the page's forms (empty before sign-in).
    pub csrf: &'a str,
}

impl<'a> Viewer<'a> {
    /// The viewer of a page before sign-in or membership is known.
    pub(super) fn anonymous(locale: Locale, here: &'a str) -> Self {
        Viewer {
            email: None,
            role: None,
            agency: None,
            locale,
            here,
            csrf: "",
        }
    }

    pub(super) fn t(&self, t: T) -> &'static str {
        t.get(self.locale)
    }
}

/// Where the console's static files are.
pub const CSS: &str = "/console/assets/console.css";
/// The module that refreshes the pipeline.
pub const JS: &str = "/console/assets/console.js";

/// The frame around every page.
pub(super) fn layout(v: &Viewer<'_>, title: &str, main: Markup) -> Markup {
    let lang_href = |l: Locale| {
        let sep = if v.here.contains('?') { '&' } else { '?' };
        format!("{}{sep}lang={}", v.here, l.as_str())
    };
    html! {
        (DOCTYPE)
        html lang=(v.locale.as_str()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="same-origin";
                title { (title) " · " (v.t(T::Console)) }
                link rel="stylesheet" href=(CSS);
                script type="module" src=(JS) {}
            }
            body {
                a.skip href="#main" { (v.t(T::SkipToContent)) }
                header.top {
                    @if let Some((id, name)) = v.agency {
                        a.brand href={ "/console/" (id) "/" } { (name) }
                    } @else {
                        span.brand { (v.t(T::Console)) }
                    }
                    nav aria-label=(v.t(T::Language)) {
                        ul.langs {
                            @for l in Locale::ALL {
                                li {
                                    @if l == v.locale {
                                        span aria-current="true" lang=(l.as_str()) { (l.as_str().to_uppercase()) }
                                    } @else {
                                        a href=(lang_href(l)) lang=(l.as_str()) hreflang=(l.as_str()) { (l.as_str().to_uppercase()) }
                                    }
                                }
                            }
                        }
                    }
                    @if let (Some(Role::Admin), Some((id, _))) = (v.role, v.agency) {
                        nav aria-label=(v.t(T::NavManage)) {
                            ul.admin {
                                li { a href={ "/console/" (id) "/" } { (v.t(T::Applications)) } }
                                li { a href={ "/console/" (id) "/manage" } { (v.t(T::NavManage)) } }
                                li { a href={ "/console/" (id) "/audit" } { (v.t(T::NavAudit)) } }
                            }
                        }
                    }
                    @if let Some(email) = v.email {
                        p.who {
                            @let role = match v.role {
                                Some(Role::Admin) => v.t(T::RoleAdmin),
                                Some(Role::Agent) => v.t(T::RoleAgent),
                                None => "",
                            };
                            (fill(v.t(T::SignedInAs), &[("email", email), ("role", role)]))
                            " · "
                            a href="/cdn-cgi/access/logout" { (v.t(T::SignOut)) }
                        }
                    }
                }
                main #main tabindex="-1" { (main) }
            }
        }
    }
}

/// A page that only says something (refusals, errors).
pub fn notice(v: &Viewer<'_>, title: T, body: &str, link: Option<(&str, T)>) -> Markup {
    let title = v.t(title);
    layout(
        v,
        title,
        html! {
            h1 { (title) }
            p { (body) }
            @if let Some((href, text)) = link {
                p { a href=(href) { (v.t(text)) } }
            }
        },
    )
}

/// `/console/` for a member of several agencies.
pub fn choose(v: &Viewer<'_>, memberships: &[Membership]) -> Markup {
    let title = v.t(T::ChooseAgency);
    layout(
        v,
        title,
        html! {
            h1 { (title) }
            ul.agencies {
                @for m in memberships {
                    li { a href={ "/console/" (m.agency_id) "/" } { (m.agency_name) } }
                }
            }
        },
    )
}

fn decision_of(d: Option<Decision>) -> (&'static str, T) {
    (d.map_or("none", |d| d.as_str()), console::decision_text(d))
}

/// An applicant's name and email, read from their tenant's object.
pub struct Named {
    /// First and last names.
    pub name: String,
    /// Email.
    pub email: String,
}

/// The pipeline: the agency's applications, newest first, with its filters; `names`
/// beside `page.rows`, one each (`None`: not readable).
pub fn pipeline(
    v: &Viewer<'_>,
    agency_id: &str,
    q: &ConsoleQuery,
    text: &str,
    page: &ConsoleRows,
    names: &[Option<Named>],
    feedback: &Feedback,
) -> Markup {
    let title = v.t(T::Applications);
    let base = format!("/console/{agency_id}/");
    let decision_value = match q.decision {
        None => "",
        Some(DecisionFilter::Undecided) => "none",
        Some(DecisionFilter::Is(d)) => d.as_str(),
    };
    let mut next = url::Query::new(&base);
    if let Some(s) = q.stage {
        next.push("stage", s.as_str());
    }
    if !decision_value.is_empty() {
        next.push("decision", decision_value);
    }
    if !text.is_empty() {
        next.push("q", text);
    }
    let first = next.clone().finish();
    let next_href = page.next_cursor.as_deref().map(|cursor| {
        let mut n = next.clone();
        n.push("cursor", cursor);
        n.finish()
    });
    html! {
        (layout(v, title, html! {
            h1 { (title) }
            (said(v, feedback))
            form.filters method="get" action=(base) role="search" {
                div.field {
                    label for="stage" { (v.t(T::FilterStage)) }
                    select #stage name="stage" {
                        option value="" selected[q.stage.is_none()] { (v.t(T::Any)) }
                        @for s in Stage::ALL {
                            option value=(s.as_str()) selected[q.stage == Some(s)] { (v.t(s.text())) }
                        }
                    }
                }
                div.field {
                    label for="decision" { (v.t(T::FilterDecision)) }
                    select #decision name="decision" {
                        option value="" selected[decision_value.is_empty()] { (v.t(T::Any)) }
                        option value="none" selected[decision_value == "none"] { (v.t(T::DecisionNone)) }
                        @for d in [Decision::Allow, Decision::Challenge, Decision::Review, Decision::Deny] {
                            option value=(d.as_str()) selected[decision_value == d.as_str()] { (v.t(console::decision_text(Some(d)))) }
                        }
                    }
                }
                div.field.grow {
                    label for="q" { (v.t(T::Search)) }
                    input #q type="search" name="q" value=(text) maxlength="100" autocomplete="off";
                }
                div.actions {
                    button type="submit" { (v.t(T::Apply)) }
                    a href=(base) { (v.t(T::Clear)) }
                }
            }
            @if page.rows.is_empty() {
                p.empty role="status" { (v.t(T::NoMatches)) }
            } @else {
                div.scroll role="region" aria-labelledby="pipeline-caption" tabindex="0" {
                    table.pipeline data-live=(first) {
                        caption #pipeline-caption { (title) }
                        thead {
                            tr {
                                th scope="col" { (v.t(T::ColApplicant)) }
                                th scope="col" { (v.t(T::ColProperty)) }
                                th scope="col" { (v.t(T::ColCreated)) }
                                th scope="col" { (v.t(T::ColStage)) }
                                th scope="col" { (v.t(T::ColStep)) }
                                th scope="col" { (v.t(T::ColIdentity)) }
                                th scope="col" { (v.t(T::ColChecks)) }
                                th scope="col" { (v.t(T::ColFlags)) }
                            }
                        }
                        tbody {
                            @for (r, named) in page.rows.iter().zip(names.iter().chain(std::iter::repeat(&None))) {
                                @let s = &r.summary;
                                @let (decision_key, decision_text) = decision_of(s.decision);
                                tr id={ "row-" (s.tenant_id) } {
                                    th scope="row" {
                                        a href={ (base) "tenants/" (s.tenant_id) } {
                                            (named.as_ref().map(|n| n.name.as_str()).filter(|n| !n.trim().is_empty()).unwrap_or(v.t(T::Unnamed)))
                                        }
                                        @if let Some(n) = named {
                                            br;
                                            span.sub { (n.email) }
                                        }
                                        @if let Some(reference) = &s.external_reference {
                                            br;
                                            span.sub { (reference) }
                                        }
                                    }
                                    td { (r.card.as_ref().and_then(|c| c.property.as_deref()).unwrap_or("—")) }
                                    td { time datetime=(s.created_at) { (short_time(&s.created_at)) } }
                                    td { span class={ "stage stage-" (r.stage.as_str()) } { (v.t(r.stage.text())) } }
                                    td { (v.t(console::current_step(&s.steps))) }
                                    td { span class={ "decision decision-" (decision_key) } { (v.t(decision_text)) } }
                                    td {
                                        ul.checks {
                                            @for c in Check::ALL {
                                                @let done = c.done(&s.steps);
                                                li class=(if done { "done" } else { "todo" }) {
                                                    span aria-hidden="true" { (if done { "✓ " } else { "· " }) }
                                                    (v.t(c.text()))
                                                    span.visually-hidden { ": " (v.t(if done { T::Done } else { T::NotDone })) }
                                                }
                                            }
                                        }
                                    }
                                    td {
                                        @if r.refused == 0 && !r.same_person {
                                            span.sub { (v.t(T::NoFlags)) }
                                        }
                                        ul.flags {
                                            @if r.refused > 0 {
                                                li.flag { (fill(v.t(T::FlagRefused), &[("n", &r.refused.to_string())])) }
                                            }
                                            @if r.same_person {
                                                li.flag { (v.t(T::FlagSamePerson)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p.live.sub aria-hidden="true" { (v.t(T::LiveUpdates)) }
            }
            nav.pages aria-label=(v.t(T::Pages)) {
                @if q.after.is_some() {
                    a href=(first) { (v.t(T::FirstPage)) }
                }
                @if let Some(href) = &next_href {
                    a rel="next" href=(href) { (v.t(T::NextPage)) }
                }
            }
        }))
    }
}

/// `2026-12-07T10:31:05.123Z` → `2026-12-07 10:31` (UTC, as stored).
fn short_time(iso: &str) -> String {
    let s = iso.replace('T', " ");
    s.get(..16).map_or(s.clone(), str::to_owned) + " UTC"
}

fn dl_row(label: &str, value: Option<&str>) -> Markup {
    html! {
        @if let Some(v) = value.filter(|v| !v.is_empty()) {
            dt { (label) }
            dd { (v) }
        }
    }
}

fn applicant_section(v: &Viewer<'_>, heading: T, a: &Applicant) -> Markup {
    let name = [
        Some(&a.name.first),
        Some(&a.name.last),
        a.name.second_last.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect::<Vec<_>>()
    .join(" ");
    html! {
        section aria-labelledby={ "h-" (heading as usize) } {
            h2 id={ "h-" (heading as usize) } { (v.t(heading)) }
            dl {
                (dl_row(v.t(T::Name), Some(&name)))
                (dl_row(v.t(T::Email), Some(&a.email)))
                (dl_row(v.t(T::Phone), Some(&a.phone_number)))
                (dl_row(v.t(T::DateOfBirth), Some(&a.date_of_birth)))
                @for id in &a.government_id {
                    (dl_row(v.t(T::IdDocument), Some(&format!("{} {} ({})", id.kind.to_uppercase(), id.value, id.country_code))))
                }
                @for ad in &a.addresses {
                    @let line = [Some(ad.line1.as_str()), ad.line2.as_deref(), Some(ad.postal_code.as_str()), Some(ad.city.as_str()), Some(ad.country_code.as_str())]
                        .into_iter().flatten().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(", ");
                    (dl_row(v.t(T::Addresses), Some(&line)))
                }
                @for e in &a.employment {
                    @let line = [Some(e.employer.name.as_str()), e.employee_title.as_deref(), e.contract_type.as_deref(), e.start_date.as_deref()]
                        .into_iter().flatten().filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · ");
                    (dl_row(v.t(T::Employment), Some(&line)))
                }
                @if let Some(i) = &a.income {
                    (dl_row(v.t(T::Income), Some(&format!("{} {} ({})", i.amount, i.currency, i.period.to_lowercase()))))
                }
            }
        }
    }
}

/// A JSON object's scalar fields as a definition list (the upstream results whose
/// shape is the upstream's: KYC, score, forensic, identity).
fn json_fields(v: &Viewer<'_>, value: &Value) -> Markup {
    let scalar = |x: &Value| match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(a) if a.iter().all(|i| i.is_string()) && !a.is_empty() => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    match value.as_object().filter(|o| !o.is_empty()) {
        None => html! { p.sub { (v.t(T::NotYet)) } },
        Some(o) => html! {
            dl {
                @for (k, x) in o {
                    @if let Some(s) = scalar(x) {
                        dt { (k) }
                        dd { (s) }
                    }
                }
            }
        },
    }
}

fn section(id: &str, title: &str, body: Markup) -> Markup {
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (title) }
            (body)
        }
    }
}

/// One application's file.
pub fn file(
    v: &Viewer<'_>,
    agency_id: &str,
    tenant_id: &str,
    view: &AgencyTenantView,
    log: &[StatusEntry],
    feedback: &Feedback,
) -> Markup {
    let base = format!("/console/{agency_id}/");
    let tenant = serde_json::to_value(&view.tenant).unwrap_or_default();
    let req: Option<TenantRequest> = tenant
        .get("request")
        .and_then(|r| serde_json::from_value(r.clone()).ok());
    let status = serde_json::to_value(&view.status).unwrap_or_default();
    let name = req
        .as_ref()
        .map(|r| format!("{} {}", r.applicant.name.first, r.applicant.name.last))
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| v.t(T::Unnamed).to_owned());
    // The tenant's one identity decision (inquiry, step-up answers, carried or the
    // agency's), not the last upstream answer's.
    let decision: Option<Decision> = serde_json::to_value(&view.identity_inquiries)
        .ok()
        .and_then(|i| i.get("decision").cloned())
        .and_then(|d| serde_json::from_value(d).ok());
    let identity = serde_json::to_value(&view.identity).unwrap_or_default();
    let documents = serde_json::to_value(&view.documents).unwrap_or_default();
    let created = tenant
        .get("createdAt")
        .and_then(Value::as_str)
        .unwrap_or("");
    let updated = status
        .get("updatedAt")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (decision_key, decision_text) = decision_of(decision);
    layout(
        v,
        &name,
        html! {
            p { a href=(base) { "← " (v.t(T::Back)) } }
            h1 { (name) }
            (section("h-summary", v.t(T::Summary), html! {
                dl {
                    (dl_row(v.t(T::Created), Some(&short_time(created))))
                    (dl_row(v.t(T::Updated), Some(&short_time(updated))))
                    (dl_row(v.t(T::Reference), view.external_reference.as_deref()))
                    dt { (v.t(T::Decision)) }
                    dd { span class={ "decision decision-" (decision_key) } { (v.t(decision_text)) } }
                    @if let Some(p) = req.as_ref().and_then(|r| r.product.as_ref()) {
                        (dl_row(v.t(T::Property), p.product_name.as_deref().or(p.product_id.as_deref())))
                        (dl_row(v.t(T::Rent), p.requested_amount.as_deref()))
                    }
                }
            }))
            @if let Some(r) = &req {
                (applicant_section(v, T::Applicant, &r.applicant))
                @if let Some(co) = &r.co_applicant {
                    (applicant_section(v, T::CoApplicant, co))
                }
            }
            (section("h-affordability", v.t(T::Affordability), match &view.affordability {
                None => html! { p { (v.t(T::NoAffordability)) } },
                Some(a) => html! {
                    p { (v.t(T::Rent)) ": " strong { (a.rent) } }
                    div.scroll role="region" aria-labelledby="h-affordability" tabindex="0" {
                        table.affordability {
                            thead { tr {
                                td {}
                                th scope="col" { (v.t(T::MonthlyIncome)) }
                                th scope="col" { (v.t(T::RentShare)) }
                                th scope="col" { (v.t(T::IncomeMultiple)) }
                                th scope="col" { (v.t(T::Decision)) }
                            } }
                            tbody {
                                @for (label, m) in [(T::AffordabilityApplicant, Some(&a.applicant)), (T::AffordabilityBoth, a.with_co_applicant.as_ref())] {
                                    @if let Some(m) = m {
                                        @let within = m.verdict == onboarding_core::affordability::Verdict::Within;
                                        tr {
                                            th scope="row" { (v.t(label)) }
                                            td { (m.monthly_income) }
                                            td { (m.rent_share) " %" }
                                            td { (m.income_multiple) "×" }
                                            td class=(if within { "ok" } else { "warn" }) {
                                                (fill(v.t(if within { T::VerdictWithin } else { T::VerdictAbove }), &[("max", &a.max_rent_share.to_string())]))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                },
            }))
            (section("h-documents", v.t(T::Documents), html! {
                @let docs = documents.as_array().cloned().unwrap_or_default();
                @let items = status.pointer("/steps/documents/items").and_then(Value::as_array).cloned().unwrap_or_default();
                @if docs.is_empty() && items.is_empty() {
                    p.sub { (v.t(T::None)) }
                } @else {
                    div.scroll role="region" aria-labelledby="h-documents" tabindex="0" {
                        table {
                            thead { tr {
                                th scope="col" { (v.t(T::DocKind)) }
                                th scope="col" { (v.t(T::DocSize)) }
                                th scope="col" { "SHA-256" }
                                th scope="col" { (v.t(T::DocSource)) }
                                th scope="col" { (v.t(T::DocAnalysis)) }
                                th scope="col" { (v.t(T::DocOpen)) }
                            } }
                            tbody {
                                @for item in &items {
                                    @let id = item.get("documentId").and_then(Value::as_str).unwrap_or("");
                                    @let stored = docs.iter().find(|d| d.get("documentId").and_then(Value::as_str) == Some(id));
                                    @let href = format!("{base}tenants/{tenant_id}/documents/{id}");
                                    tr {
                                        td { (item.get("kind").and_then(Value::as_str).unwrap_or("")) }
                                        td { (stored.and_then(|d| d.get("sizeBytes")).and_then(Value::as_u64).map(size).unwrap_or_default()) }
                                        td.hash { (stored.and_then(|d| d.get("sha256")).and_then(Value::as_str).unwrap_or("—")) }
                                        td { (if stored.is_some() { "upload" } else { "clave" }) }
                                        td { (item.get("state").and_then(Value::as_str).unwrap_or("")) }
                                        td {
                                            a href=(href) target="_blank" rel="noopener" { (v.t(T::DocOpen)) }
                                            " · "
                                            a href={ (href) "?download=1" } { (v.t(T::DocDownload)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }))
            (section("h-identity", v.t(T::Identity), html! {
                (json_fields(v, &identity))
                @if identity.get("carriedFrom").is_some() {
                    p.flag { (v.t(T::Carried)) }
                }
                @if let Some(p) = &view.person {
                    p { (v.t(T::Attempts)) ": " (p.attempts) }
                }
            }))
            (section("h-kyc", v.t(T::Kyc), json_fields(v, &serde_json::to_value(&view.kyc).unwrap_or_default())))
            (section("h-score", v.t(T::Score), json_fields(v, &serde_json::to_value(&view.financial).unwrap_or_default())))
            (section("h-forensic", v.t(T::Forensic), json_fields(v, &serde_json::to_value(&view.forensic).unwrap_or_default())))
            (section("h-consent", v.t(T::Consent), html! {
                @if view.consent.is_empty() {
                    p.sub { (v.t(T::None)) }
                } @else {
                    @let consent = serde_json::to_value(&view.consent).unwrap_or_default();
                    ul {
                        @for c in consent.as_array().into_iter().flatten() {
                            li { (json_line(c)) }
                        }
                    }
                }
            }))
            (section("h-timeline", v.t(T::Timeline), html! {
                ol.timeline {
                    li { time datetime=(created) { (short_time(created)) } " — " (v.t(T::TenantCreatedEvent)) }
                    @for (i, e) in log.iter().enumerate() {
                        @let before = if i == 0 { None } else { Some(&log[i - 1].status.steps) };
                        @for (step, state) in console::changes(before, &e.status.steps) {
                            li {
                                time datetime=(e.status.updated_at) { (short_time(&e.status.updated_at)) }
                                " — " (v.t(step)) ": " (v.t(console::state_text(state)))
                            }
                        }
                    }
                }
            }))
            (section("h-refused", v.t(T::RefusedAccess), html! {
                @if view.refused_access.is_empty() {
                    p.sub { (v.t(T::None)) }
                } @else {
                    ul { @for at in &view.refused_access { li { time datetime=(at) { (short_time(at)) } } } }
                }
            }))
            (section("h-person", v.t(T::OtherApplications), html! {
                @let others: Vec<&String> = view.person.iter().flat_map(|p| &p.tenants).filter(|t| t.as_str() != tenant_id).collect();
                @if others.is_empty() {
                    p.sub { (v.t(T::None)) }
                } @else {
                    ul { @for t in others { li { a href={ (base) "tenants/" (t) } { (t) } } } }
                }
            }))
            (actions(v, &format!("{base}tenants/{tenant_id}"), tenant_id, view, req.as_ref(), feedback))
        },
    )
}

/// The file's actions: the agency's decision, forensic analysis, revoking access, the
/// export, and (admins) erasure.
fn actions(
    v: &Viewer<'_>,
    file: &str,
    tenant_id: &str,
    view: &AgencyTenantView,
    req: Option<&TenantRequest>,
    fb: &Feedback,
) -> Markup {
    // The newest inquiry is the one a decision is about.
    let inquiry = serde_json::to_value(&view.identity_inquiries)
        .ok()
        .as_ref()
        .and_then(|i| i.get("inquiries"))
        .and_then(Value::as_array)
        .and_then(|i| i.last())
        .and_then(|i| i.get("inquiryId"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let has_surname = req.is_some_and(|r| !r.applicant.name.last.trim().is_empty());
    html! {
        section #actions aria-labelledby="h-actions" tabindex="-1" {
            h2 #h-actions { (v.t(T::Actions)) }
            (said(v, fb))
            h3 { (v.t(T::AgencyDecision)) }
            p.sub { (v.t(T::AgencyDecisionHelp)) }
            @if let Some(inquiry) = inquiry {
                (post_form(v, &format!("{file}/decision"), "decision", fb, html! {
                    input type="hidden" name="inquiry" value=(inquiry);
                    (choice(v, fb, Choice {
                        form: "decision",
                        name: "decision",
                        label: T::ChooseDecision,
                        options: [Decision::Allow, Decision::Deny, Decision::Review]
                            .iter()
                            .map(|d| (d.as_str().to_owned(), v.t(console::decision_text(Some(*d))).to_owned()))
                            .collect(),
                        radios: true,
                    }))
                    (choice(v, fb, Choice {
                        form: "decision",
                        name: "reason",
                        label: T::Reason,
                        options: console::Reason::ALL
                            .iter()
                            .map(|r| (r.as_str().to_owned(), v.t(r.text()).to_owned()))
                            .collect(),
                        radios: false,
                    }))
                    (field(v, fb, Field { form: "decision", name: "note", label: T::Note, kind: "textarea", value: "", help: None }))
                    button type="submit" { (v.t(T::RecordDecision)) }
                }))
            } @else {
                p { (v.t(T::NoInquiry)) }
            }
            (post_form(v, &format!("{file}/forensic"), "forensic", fb, html! {
                @if let Some(e) = fb.error("forensic", "forensic") {
                    p.error #forensic-forensic-error { (v.t(e)) }
                }
                button #forensic-forensic type="submit" aria-describedby=[fb.error("forensic", "forensic").map(|_| "forensic-forensic-error")] { (v.t(T::StartForensic)) }
            }))
            (post_form(v, &format!("{file}/revoke-access"), "revoke-access", fb, html! {
                p.sub #revoke-help { (v.t(T::RevokeHelp)) }
                button type="submit" aria-describedby="revoke-help" { (v.t(T::RevokeAccess)) }
            }))
            p { a href={ (file) "/export" } download={ (tenant_id) ".json" } { (v.t(T::Export)) } }
            @if v.role == Some(Role::Admin) {
                h3 { (v.t(T::EraseTitle)) }
                p { (v.t(T::EraseHelp)) }
                @if !has_surname {
                    p { (fill(v.t(T::EraseNoName), &[("id", tenant_id)])) }
                }
                (post_form(v, &format!("{file}/erase"), "erase", fb, html! {
                    (field(v, fb, Field { form: "erase", name: "surname", label: T::Surname, kind: "text", value: "", help: None }))
                    button.danger type="submit" { (v.t(T::EraseButton)) }
                }))
            }
        }
    }
}

/// What the last form said: a confirmation, or a secret shown once.
pub(super) fn said(v: &Viewer<'_>, fb: &Feedback) -> Markup {
    html! {
        @if let Some(done) = &fb.done {
            p.done role="status" { (done) }
        }
        @if let Some((secret, old)) = &fb.secret {
            div.secret role="status" {
                p { strong { (v.t(T::NewValue)) } }
                p { code #new-secret { (secret) } }
                p { (old) }
            }
        }
    }
}

/// A form posting to `action` with the session's CSRF token, a fresh single-use id and,
/// when the last submission of `name` had errors, their summary (each linked to its
/// field, announced).
pub(super) fn post_form(
    v: &Viewer<'_>,
    action: &str,
    name: &str,
    fb: &Feedback,
    body: Markup,
) -> Markup {
    let form_id = crate::runtime::random_hex(16).unwrap_or_default();
    html! {
        form.act method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(v.csrf);
            input type="hidden" name="form" value=(form_id);
            @if fb.form == name && !fb.errors.is_empty() {
                div.errors role="alert" {
                    p { strong { (v.t(T::ErrorsTitle)) } }
                    ul {
                        @for (f, t) in &fb.errors {
                            li { a href={ "#" (name) "-" (f) } { (v.t(*t)) } }
                        }
                    }
                }
            }
            (body)
        }
    }
}

/// A text field of a form (`kind`: an input type, or `textarea`).
pub(super) struct Field<'a> {
    pub form: &'a str,
    pub name: &'a str,
    pub label: T,
    pub kind: &'a str,
    pub value: &'a str,
    pub help: Option<T>,
}

/// The field with its label, help and error (tied with `aria-describedby`), filled with
/// what was sent when the form comes back with errors.
pub(super) fn field(v: &Viewer<'_>, fb: &Feedback, f: Field<'_>) -> Markup {
    let id = format!("{}-{}", f.form, f.name);
    let error = fb.error(f.form, f.name);
    let value = fb.sent(f.form, f.name).unwrap_or(f.value);
    let described: Vec<String> = [
        f.help.map(|_| format!("{id}-help")),
        error.map(|_| format!("{id}-error")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    html! {
        div.field {
            label for=(id) { (v.t(f.label)) }
            @if let Some(h) = f.help { p.sub id={ (id) "-help" } { (v.t(h)) } }
            @if let Some(e) = error { p.error id={ (id) "-error" } { (v.t(e)) } }
            @if f.kind == "textarea" {
                textarea id=(id) name=(f.name) rows="4" maxlength=[(f.name == "note").then_some(MAX_NOTE)] aria-invalid=[error.map(|_| "true")] aria-describedby=[described] { (value) }
            } @else {
                input id=(id) type=(f.kind) name=(f.name) value=(value) aria-invalid=[error.map(|_| "true")] aria-describedby=[described];
            }
        }
    }
}

/// A choice of a form: radios in a fieldset, or a select.
pub(super) struct Choice<'a> {
    pub form: &'a str,
    pub name: &'a str,
    pub label: T,
    /// `(value, text)`.
    pub options: Vec<(String, String)>,
    pub radios: bool,
}

pub(super) fn choice(v: &Viewer<'_>, fb: &Feedback, c: Choice<'_>) -> Markup {
    let id = format!("{}-{}", c.form, c.name);
    let error = fb.error(c.form, c.name);
    let sent = fb.sent(c.form, c.name).unwrap_or("");
    let error_id = format!("{id}-error");
    html! {
        @if c.radios {
            fieldset.field aria-describedby=[error.map(|_| &error_id)] {
                legend { (v.t(c.label)) }
                @if let Some(e) = error { p.error id=(error_id) { (v.t(e)) } }
                @for (i, (value, text)) in c.options.iter().enumerate() {
                    @let rid = if i == 0 { id.clone() } else { format!("{id}-{value}") };
                    div.radio {
                        input type="radio" id=(rid) name=(c.name) value=(value) checked[sent == value] aria-invalid=[error.map(|_| "true")];
                        label for=(rid) { (text) }
                    }
                }
            }
        } @else {
            div.field {
                label for=(id) { (v.t(c.label)) }
                @if let Some(e) = error { p.error id=(error_id) { (v.t(e)) } }
                select id=(id) name=(c.name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &error_id)] {
                    option value="" selected[sent.is_empty()] { "—" }
                    @for (value, text) in &c.options {
                        option value=(value) selected[sent == value] { (text) }
                    }
                }
            }
        }
    }
}

/// A JSON object's scalar fields on one line (`k: v · k: v`).
fn json_line(o: &Value) -> String {
    o.as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some(format!("{k}: {s}")),
                    Value::Number(n) => Some(format!("{k}: {n}")),
                    Value::Bool(b) => Some(format!("{k}: {b}")),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .unwrap_or_default()
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Query strings built from parts, each value percent-encoded ([`percent`]).
pub(super) mod url {
    /// A path and its query.
    #[derive(Clone)]
    pub struct Query {
        out: String,
        first: bool,
    }

    impl Query {
        pub fn new(path: &str) -> Self {
            Query {
                out: path.to_owned(),
                first: true,
            }
        }

        pub fn push(&mut self, k: &str, v: &str) {
            self.out.push(if self.first { '?' } else { '&' });
            self.first = false;
            self.out.push_str(k);
            self.out.push('=');
            self.out.push_str(&crate::console::pages::percent(v));
        }

        pub fn finish(self) -> String {
            self.out
        }
    }
}

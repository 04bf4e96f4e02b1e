//! The agency's console (`/console/…`): its staff read their applications in a
//! browser. Its own route group beside the API's: every page but the static files
//! needs a [`Staff`] caller — a verified Cloudflare Access token ([`access`]) whose
//! email is on the agency's staff in the registry — and a page about an agency needs
//! that agency to be one of the caller's; anything else is the same `404` as a page
//! that does not exist. Pages are server-rendered HTML ([`pages`]) that work without
//! JavaScript; a small module refreshes the pipeline's rows.
//!
//! What staff read comes from the same functions the agency API answers with
//! (`agency::view`, `agency::document_content`, the agency's list): the console can
//! never show what the API would not.

pub mod access;
mod actions;
mod admin;
pub mod form;
mod pages;

use onboarding_core::console::{Stage, T, fill};
use onboarding_core::i18n::Locale;
use onboarding_core::lifecycle::Cursor;
use onboarding_core::model::identity::Decision;
use worker::{Headers, Method, Request, Response};

use crate::error::AppError;
use crate::http::Ctx;
use crate::objects::store::{
    AgencyScope, ConsoleQuery, DecisionFilter, DirEntry, DirGet, Scope, Store, directory_day,
};
use crate::objects::tenant::{ReadLog, TenantHandle};
use crate::registry::{Membership, Role};
use actions::Outcome;
use form::{Action, Feedback, Form, Manage, Staff};
use pages::{Viewer, percent};

/// The cookie that keeps a staff member's language.
const LANG_COOKIE: &str = "console_lang";
/// Rows per pipeline page.
const PAGE: u32 = 25;
/// Longest search text.
const MAX_SEARCH: usize = 100;

/// A console path.
#[derive(Debug, PartialEq, Eq)]
enum Page<'a> {
    /// `/console/`: the member's agency (or a choice of them).
    Home,
    /// `/console/{agency}/`.
    Pipeline(&'a str),
    /// `/console/{agency}/tenants/{id}`.
    File(&'a str, &'a str),
    /// `/console/{agency}/tenants/{id}/documents/{doc}`.
    Document(&'a str, &'a str, &'a str),
    /// `/console/{agency}/tenants/{id}/export`.
    Export(&'a str, &'a str),
    /// `POST /console/{agency}/tenants/{id}/{action}`.
    Act(&'a str, &'a str, Action),
    /// `/console/{agency}/manage` (admins).
    Manage(&'a str),
    /// `POST /console/{agency}/manage/{change}` (admins).
    Change(&'a str, Manage),
    /// `/console/{agency}/audit` (admins).
    Audit(&'a str),
    /// `/console/assets/{file}`.
    Asset(&'static str, &'static str),
}

impl Page<'_> {
    /// The agency the page is about.
    fn agency(&self) -> Option<&str> {
        match self {
            Page::Pipeline(a)
            | Page::File(a, _)
            | Page::Document(a, _, _)
            | Page::Export(a, _)
            | Page::Act(a, _, _)
            | Page::Manage(a)
            | Page::Change(a, _)
            | Page::Audit(a) => Some(a),
            Page::Home | Page::Asset(..) => None,
        }
    }

    /// Whether the page changes something (`POST` only; every other page is `GET`).
    fn changes(&self) -> bool {
        matches!(self, Page::Act(..) | Page::Change(..))
    }

    /// Whether `role` may open it.
    fn allowed(&self, role: Role) -> bool {
        match self {
            Page::Act(_, _, action) => action.allowed(role),
            Page::Manage(_) | Page::Change(..) | Page::Audit(_) => role == Role::Admin,
            _ => true,
        }
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

fn route(path: &str) -> Option<Page<'_>> {
    let rest = match path {
        "/console" | "/console/" => return Some(Page::Home),
        p => p.strip_prefix("/console/")?,
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["assets", "console.css"] => Some(Page::Asset(
            include_str!("assets/console.css"),
            "text/css; charset=utf-8",
        )),
        ["assets", "console.js"] => Some(Page::Asset(
            include_str!("assets/console.js"),
            "text/javascript; charset=utf-8",
        )),
        [agency, ""] if is_id(agency) => Some(Page::Pipeline(agency)),
        [agency, "tenants", id] if is_id(agency) && is_id(id) => Some(Page::File(agency, id)),
        [agency, "tenants", id, "documents", doc] if is_id(agency) && is_id(id) && is_id(doc) => {
            Some(Page::Document(agency, id, doc))
        }
        [agency, "tenants", id, "export"] if is_id(agency) && is_id(id) => {
            Some(Page::Export(agency, id))
        }
        [agency, "tenants", id, action] if is_id(agency) && is_id(id) => {
            Some(Page::Act(agency, id, Action::parse(action)?))
        }
        [agency, "manage"] if is_id(agency) => Some(Page::Manage(agency)),
        [agency, "manage", change] if is_id(agency) => {
            Some(Page::Change(agency, Manage::parse(change)?))
        }
        [agency, "audit"] if is_id(agency) => Some(Page::Audit(agency)),
        _ => None,
    }
}

/// The page's language: `?lang=` (remembered in a cookie), the cookie, else the
/// browser's `Accept-Language`.
fn locale(req: &Request, ctx: &Ctx) -> Locale {
    req.headers()
        .get("Cookie")
        .ok()
        .flatten()
        .and_then(|c| onboarding_core::access::cookie(&c, LANG_COOKIE).and_then(Locale::from_tag))
        .unwrap_or(ctx.locale)
}

/// Every response of the console: no framing, no inline code, nothing cached.
fn secure(mut resp: Response, cache: &str) -> worker::Result<Response> {
    let h = resp.headers_mut();
    h.set(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )?;
    h.set("X-Frame-Options", "DENY")?;
    h.set("Referrer-Policy", "same-origin")?;
    h.set("Cache-Control", cache)?;
    Ok(resp)
}

fn html(status: u16, markup: maud::Markup) -> worker::Result<Response> {
    let resp = Response::from_html(markup.into_string())?.with_status(status);
    secure(resp, "no-store")
}

fn redirect(to: &str, status: u16) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("Location", to)?;
    secure(
        Response::empty()?.with_status(status).with_headers(headers),
        "no-store",
    )
}

/// Serves a console request.
///
/// # Errors
/// Only when a response cannot be built; every refusal is a page.
pub async fn serve(req: Request, ctx: &Ctx) -> worker::Result<Response> {
    let path = req.path();
    let url = req.url()?;
    let here = match url.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let mut locale = locale(&req, ctx);
    let v = |locale, email, role, agency| Viewer {
        email,
        role,
        agency,
        locale,
        here: &here,
        csrf: "",
    };
    let Some(page) = route(&path) else {
        return html(404, not_found(&v(locale, None, None, None)));
    };
    if let Page::Asset(body, content_type) = page {
        let headers = Headers::new();
        headers.set("Content-Type", content_type)?;
        return secure(
            Response::ok(body)?.with_headers(headers),
            "public, max-age=300",
        );
    }
    let method = req.method();
    let allow = if page.changes() { "POST" } else { "GET, HEAD" };
    let method_ok = if page.changes() {
        method == Method::Post
    } else {
        matches!(method, Method::Get | Method::Head)
    };
    if !method_ok {
        return secure(
            Response::error("Method Not Allowed", 405)?.with_headers({
                let h = Headers::new();
                h.set("Allow", allow)?;
                h
            }),
            "no-store",
        );
    }
    // A change comes from the console's own pages: a form posted from anywhere else
    // (or without an `Origin`) is refused before anything is read.
    if page.changes()
        && !form::same_origin(req.headers().get("Origin").ok().flatten().as_deref(), &url)
    {
        return refused_form(locale, &here);
    }
    // `?lang=xx`: remembered, then the same page without it.
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    if let Some(i) = pairs.iter().position(|(k, _)| k == "lang") {
        let (_, tag) = pairs.remove(i);
        if let Some(l) = Locale::from_tag(&tag) {
            locale = l;
        }
        let mut to = pages_url(&path, &pairs);
        if to.is_empty() {
            to = "/console/".into();
        }
        let mut resp = redirect(&to, 303)?;
        let secure = if url.scheme() == "https" {
            "; Secure"
        } else {
            ""
        };
        resp.headers_mut().set(
            "Set-Cookie",
            &format!(
                "{LANG_COOKIE}={}; Path=/console; Max-Age=31536000; SameSite=Lax{secure}",
                locale.as_str()
            ),
        )?;
        return Ok(resp);
    }

    let Some(cfg) = ctx.settings.access.clone() else {
        worker::console_error!(
            "{}",
            serde_json::json!({"console": "ACCESS_TEAM_DOMAIN or ACCESS_AUD is not set: the console answers 503"})
        );
        let v = v(locale, None, None, None);
        return html(
            503,
            pages::notice(
                &v,
                T::UnavailableTitle,
                T::UnavailableBody.get(locale),
                None,
            ),
        );
    };
    let signed = match access::verify(&req, ctx, &cfg).await {
        Ok(signed) => signed,
        Err(Ok(refusal)) => {
            worker::console_log!(
                "{}",
                serde_json::json!({"requestId": ctx.request_id, "console": "access refused", "reason": refusal.as_str()})
            );
            let host = url.host_str().unwrap_or_default().to_owned();
            let sign_in = format!(
                "{}/cdn-cgi/access/login/{host}?redirect_url={}",
                cfg.issuer,
                percent(&here)
            );
            if refusal.signs_in_again() {
                return redirect(&sign_in, 302);
            }
            let v = v(locale, None, None, None);
            return html(
                401,
                pages::notice(
                    &v,
                    T::SignInTitle,
                    T::SignInBody.get(locale),
                    Some((&sign_in, T::SignIn)),
                ),
            );
        }
        Err(Err(e)) => return error_page(ctx, locale, &here, &e),
    };
    let email = signed.email.clone();
    let memberships = match ctx.registry().staff_of(&email).await {
        Ok(m) => m,
        Err(e) => return error_page(ctx, locale, &here, &e),
    };
    if memberships.is_empty() {
        let v = v(locale, Some(&email), None, None);
        return html(
            403,
            pages::notice(
                &v,
                T::NotMemberTitle,
                &fill(T::NotMemberBody.get(locale), &[("email", &email)]),
                None,
            ),
        );
    }
    let Some(agency_id) = page.agency() else {
        return match memberships.as_slice() {
            [one] => redirect(&format!("/console/{}/", one.agency_id), 302),
            many => html(
                200,
                pages::choose(&v(locale, Some(&email), None, None), many),
            ),
        };
    };
    let staff = match member(ctx, &memberships, agency_id, &signed).await {
        Ok(Some(staff)) => staff,
        Ok(None) => return html(404, not_found(&v(locale, Some(&email), None, None))),
        Err(e) => return error_page(ctx, locale, &here, &e),
    };
    ctx.acting_for(&staff.agency.id);
    let viewer = Viewer {
        email: Some(&staff.email),
        role: Some(staff.role),
        agency: Some((&staff.agency.id, &staff.agency.name)),
        locale,
        here: &here,
        csrf: &staff.csrf,
    };
    if !page.allowed(staff.role) {
        return html(
            403,
            pages::notice(
                &viewer,
                T::ForbiddenTitle,
                T::ForbiddenBody.get(locale),
                None,
            ),
        );
    }
    let feedback = pairs
        .iter()
        .find(|(k, _)| k == "done")
        .and_then(|(_, code)| actions::done_text(code))
        .map(|t| Feedback::done(t.get(locale)))
        .unwrap_or_default();
    let result = if page.changes() {
        change(req, ctx, &staff, &viewer, &page).await
    } else {
        show(ctx, &staff, &viewer, &page, &pairs, &feedback).await
    };
    match result {
        Ok(resp) => Ok(resp),
        Err(AppError::Problem(onboarding_core::model::problem::ProblemCode::NotFound)) => {
            html(404, not_found(&viewer))
        }
        Err(e) => error_page(ctx, locale, &here, &e),
    }
}

/// A `GET` page of the agency, with what the last form said.
async fn show(
    ctx: &Ctx,
    staff: &Staff,
    viewer: &Viewer<'_>,
    page: &Page<'_>,
    pairs: &[(String, String)],
    feedback: &Feedback,
) -> Result<Response, AppError> {
    match *page {
        Page::Pipeline(_) => pipeline(ctx, staff, viewer, pairs, feedback).await,
        Page::File(_, id) => file(ctx, staff, viewer, id, feedback, 200).await,
        Page::Document(_, id, doc) => {
            let download = pairs.iter().any(|(k, v)| k == "download" && v == "1");
            document(ctx, staff, id, doc, download).await
        }
        Page::Export(_, id) => actions::export(ctx, staff, id).await,
        Page::Manage(_) => Ok(html(
            200,
            admin::manage(ctx, staff, viewer, feedback).await?,
        )?),
        Page::Audit(_) => Ok(html(200, admin::audit(ctx, staff, viewer, pairs).await?)?),
        Page::Home | Page::Asset(..) | Page::Act(..) | Page::Change(..) => Err(AppError::Problem(
            onboarding_core::model::problem::ProblemCode::NotFound,
        )),
    }
}

/// A `POST`: the session's CSRF token, a form id used once, then the action; the page
/// again with the form's errors (`422`), or a redirect to what changed (`303`).
async fn change(
    mut req: Request,
    ctx: &Ctx,
    staff: &Staff,
    viewer: &Viewer<'_>,
    page: &Page<'_>,
) -> Result<Response, AppError> {
    let body = match crate::http::read_limited(&mut req, form::MAX_FORM_BYTES).await {
        Ok(body) => body,
        // Over the limit (413) or unreadable (400): said as such, not as a fault.
        Err(e) => {
            return Ok(form_notice(
                viewer.locale,
                viewer.here,
                e.status(),
                T::FormTooLargeTitle,
                T::FormTooLargeBody,
            )?);
        }
    };
    let form = Form::parse(&String::from_utf8_lossy(&body));
    if !form::csrf_ok(&staff.csrf, form.value("csrf")) {
        return Ok(refused_form(viewer.locale, viewer.here)?);
    }
    let what = match page {
        Page::Act(_, id, action) => format!("{}:{id}", action.as_str()),
        Page::Change(_, change) => change.as_str().to_owned(),
        _ => {
            return Err(AppError::Problem(
                onboarding_core::model::problem::ProblemCode::NotFound,
            ));
        }
    };
    if !form::first_use(ctx, staff, form.value("form"), &what).await? {
        let back = match page {
            Page::Act(a, id, _) => format!("/console/{a}/tenants/{id}?done=already"),
            _ => format!("/console/{}/manage?done=already", staff.agency.id),
        };
        return Ok(redirect(&back, 303)?);
    }
    let form_id = form.value("form").to_owned();
    let (outcome, again) = match *page {
        Page::Act(_, id, action) => (
            actions::application(ctx, staff, id, action, form).await,
            Some(id),
        ),
        Page::Change(_, change) => (
            actions::manage(ctx, staff, change, form, viewer.locale).await,
            None,
        ),
        _ => unreachable!("checked above"),
    };
    // Nothing changed (errors to show again, or a failure): the form id is given back.
    let unchanged = match &outcome {
        Err(_) => true,
        Ok(Outcome::Again(feedback)) => !feedback.errors.is_empty(),
        Ok(Outcome::Redirect(_)) => false,
    };
    if unchanged {
        form::release(ctx, staff, &form_id, &what).await;
    }
    let outcome = outcome?;
    match outcome {
        Outcome::Redirect(to) => Ok(redirect(&to, 303)?),
        Outcome::Again(feedback) => {
            let status = if feedback.errors.is_empty() { 200 } else { 422 };
            match again {
                Some(id) => file(ctx, staff, viewer, id, &feedback, status).await,
                None => Ok(html(
                    status,
                    admin::manage(ctx, staff, viewer, &feedback).await?,
                )?),
            }
        }
    }
}

/// The answer to a form that did not come from this session's console page.
fn refused_form(locale: Locale, here: &str) -> worker::Result<Response> {
    form_notice(locale, here, 403, T::FormRefusedTitle, T::FormRefusedBody)
}

/// A page saying why a form was not taken (nothing changed).
fn form_notice(
    locale: Locale,
    here: &str,
    status: u16,
    title: T,
    body: T,
) -> worker::Result<Response> {
    let v = Viewer::anonymous(locale, here);
    html(
        status,
        pages::notice(
            &v,
            title,
            body.get(locale),
            Some(("/console/", T::Applications)),
        ),
    )
}

fn not_found(v: &Viewer<'_>) -> maud::Markup {
    pages::notice(
        v,
        T::NotFoundTitle,
        T::NotFoundBody.get(v.locale),
        Some(("/console/", T::Applications)),
    )
}

fn error_page(ctx: &Ctx, locale: Locale, here: &str, e: &AppError) -> worker::Result<Response> {
    if let Some(detail) = e.log_detail() {
        worker::console_error!(
            "{}",
            serde_json::json!({"requestId": ctx.request_id, "route": "console", "error": detail})
        );
    }
    let v = Viewer::anonymous(locale, here);
    let status = e.status().max(500);
    html(
        status,
        pages::notice(
            &v,
            T::ErrorTitle,
            &fill(T::ErrorBody.get(locale), &[("id", &ctx.request_id)]),
            None,
        ),
    )
}

/// The caller as a member of `agency_id`'s staff, if they are one and it is active.
async fn member(
    ctx: &Ctx,
    memberships: &[Membership],
    agency_id: &str,
    signed: &access::Signed,
) -> Result<Option<Staff>, AppError> {
    let Some(m) = memberships.iter().find(|m| m.agency_id == agency_id) else {
        return Ok(None);
    };
    let Some(agency) = ctx.registry().by_id(agency_id).await?.filter(|a| a.active) else {
        return Ok(None);
    };
    Ok(Some(Staff {
        csrf: form::csrf(ctx, agency_id, &signed.email, &signed.session)?,
        email: signed.email.clone(),
        agency,
        role: m.role,
    }))
}

/// What the pipeline was asked: the filters for the agency's list, and the search as
/// typed (shown back in its field).
struct Asked {
    query: ConsoleQuery,
    text: String,
}

/// The pipeline's query from the page's parameters; a value that is not one of the
/// form's is ignored (the page shows what it applied). The search text becomes its
/// keyed tokens (`tokens`, core's `console::search_tokens` under the edge's secret).
fn query(pairs: &[(String, String)], tokens: impl Fn(&str) -> Vec<String>) -> Asked {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let text: String = get("q")
        .map(str::trim)
        .unwrap_or_default()
        .chars()
        .take(MAX_SEARCH)
        .collect();
    let mut search = tokens(&text);
    if search.is_empty() && !text.is_empty() {
        // Nothing searchable in it (one letter, punctuation): it matches no row.
        search.push("-".into());
    }
    Asked {
        query: ConsoleQuery {
            stage: get("stage").and_then(Stage::parse),
            decision: get("decision").and_then(|d| match d {
                "none" => Some(DecisionFilter::Undecided),
                d => d.parse::<Decision>().ok().map(DecisionFilter::Is),
            }),
            search,
            limit: PAGE,
            after: get("cursor").and_then(Cursor::decode),
        },
        text,
    }
}

async fn pipeline(
    ctx: &Ctx,
    staff: &Staff,
    v: &Viewer<'_>,
    pairs: &[(String, String)],
    feedback: &Feedback,
) -> Result<Response, AppError> {
    let secret = crate::tenants::service::pseudonym_secret(ctx)?;
    let asked = query(pairs, |text| {
        onboarding_core::console::search_tokens(&secret, &staff.agency.id, text)
    });
    let page = Store::of(
        &ctx.env,
        &Scope::Agency(staff.agency.id.clone(), AgencyScope::List),
    )?
    .ask(asked.query.clone())
    .await?;
    // The names, from the directory stores of the days the rows were created on (the
    // agency's list keeps none): one call per day on the page, all at once.
    let mut days: Vec<(u64, Vec<String>)> = Vec::new();
    for r in &page.rows {
        let day = directory_day(r.created_ms);
        match days.iter_mut().find(|(d, _)| *d == day) {
            Some((_, ids)) => ids.push(r.summary.tenant_id.clone()),
            None => days.push((day, vec![r.summary.tenant_id.clone()])),
        }
    }
    let found = futures_util::future::join_all(days.into_iter().map(|(day, tenant_ids)| {
        let scope = Scope::Agency(staff.agency.id.clone(), AgencyScope::Directory(day));
        async move {
            Store::of(&ctx.env, &scope)?
                .ask(DirGet { tenant_ids })
                .await
        }
    }))
    .await;
    let mut entries: Vec<DirEntry> = Vec::new();
    for f in found {
        entries.extend(f?);
    }
    let names: Vec<Option<pages::Named>> = page
        .rows
        .iter()
        .map(|r| {
            entries
                .iter()
                .find(|e| e.tenant_id == r.summary.tenant_id)
                .map(|e| pages::Named {
                    name: e.name.clone(),
                    email: e.email.clone(),
                })
        })
        .collect();
    Ok(html(
        200,
        pages::pipeline(
            v,
            &staff.agency.id,
            &asked.query,
            &asked.text,
            &page,
            &names,
            feedback,
        ),
    )?)
}

async fn file(
    ctx: &Ctx,
    staff: &Staff,
    v: &Viewer<'_>,
    id: &str,
    feedback: &Feedback,
    status: u16,
) -> Result<Response, AppError> {
    let view = crate::agency::view(ctx, &staff.agency, id).await?;
    let log = TenantHandle::new(&ctx.env, id)?
        .ask(ReadLog { after: 0 })
        .await?;
    Ok(html(
        status,
        pages::file(v, &staff.agency.id, id, &view, &log, feedback),
    )?)
}

async fn document(
    ctx: &Ctx,
    staff: &Staff,
    id: &str,
    doc: &str,
    download: bool,
) -> Result<Response, AppError> {
    let mut resp = crate::agency::document_content(ctx, &staff.agency, id, doc).await?;
    if !download {
        // Opened in the browser as a sandboxed document (the content's CSP: no
        // script, no requests, its own opaque origin).
        resp.headers_mut().set("Content-Disposition", "inline")?;
    }
    resp.headers_mut().set("X-Frame-Options", "DENY")?;
    Ok(resp)
}

/// `path` with `pairs` as its query.
fn pages_url(path: &str, pairs: &[(String, String)]) -> String {
    let mut out = path.to_owned();
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&percent(k));
        out.push('=');
        out.push_str(&percent(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/console"), Some(Page::Home));
        assert_eq!(route("/console/"), Some(Page::Home));
        assert_eq!(route("/console/ag_demo/"), Some(Page::Pipeline("ag_demo")));
        assert_eq!(route("/console/ag_demo"), None);
        assert_eq!(
            route("/console/ag_demo/tenants/ten_1"),
            Some(Page::File("ag_demo", "ten_1"))
        );
        assert_eq!(
            route("/console/a/tenants/t/documents/d"),
            Some(Page::Document("a", "t", "d"))
        );
        assert!(matches!(
            route("/console/assets/console.js"),
            Some(Page::Asset(..))
        ));
        for bad in [
            "/console/../x/",
            "/console/a/tenants/",
            "/console/a/tenants/t/x",
            "/consoles/",
        ] {
            assert_eq!(route(bad), None, "{bad}");
        }
    }

    #[test]
    fn filters_from_the_query() {
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
        };
        let words = |t: &str| {
            t.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        };
        let q = query(
            &pairs(&[
                ("stage", "underReview"),
                ("decision", "none"),
                ("q", "  Ana "),
            ]),
            words,
        );
        assert_eq!(q.query.stage, Some(Stage::UnderReview));
        assert_eq!(q.query.decision, Some(DecisionFilter::Undecided));
        assert_eq!(q.query.search, vec!["ana".to_owned()]);
        assert_eq!(q.text, "Ana", "shown back as typed");
        let q = query(
            &pairs(&[("stage", "x"), ("decision", "Allow"), ("cursor", "bad")]),
            words,
        );
        assert_eq!(q.query.stage, None);
        assert_eq!(q.query.decision, Some(DecisionFilter::Is(Decision::Allow)));
        assert_eq!(q.query.after, None);
        assert!(q.query.search.is_empty(), "no search: every row");
        let q = query(&pairs(&[("q", "%")]), |_| Vec::new());
        assert_eq!(
            q.query.search,
            vec!["-".to_owned()],
            "nothing searchable: no row"
        );
        assert_eq!(
            pages_url("/console/a/", &pairs(&[("q", "a b&c")])),
            "/console/a/?q=a%20b%26c"
        );
    }
}

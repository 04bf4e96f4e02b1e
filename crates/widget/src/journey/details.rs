//! Step 2: the applicant's (and a co-applicant's or guarantor's) details, validated by
//! core on blur and on submit, then `POST /v1/tenants`.

use onboarding_core::model::problem::Problem;

use super::{
    Auth, Body, Call, Effect, FieldError, Fx, Journey, Reply, StepDef, TOKEN_REFRESH_MS, Timer,
    View, nothing,
};
use crate::action::Action;
use crate::api::{self, ApiError};
use crate::form::{self, Field, Kind};
use crate::html::Html;
use crate::html::field_id;
use crate::i18n::Msg;

/// The step.
pub static STEP: StepDef = StepDef {
    name: "details",
    title: Msg::StepDetails,
    counted: true,
    back: true,
    next,
    enter: arrive,
    news: nothing,
    fields,
    body,
    live: |j, h| j.nav(h, Some(Msg::Continue)),
};

fn fields(j: &Journey) -> Vec<String> {
    let roots = if j.co_applicant {
        &form::ROOTS[..]
    } else {
        &form::ROOTS[..1]
    };
    let mut out = Vec::new();
    for r in roots {
        for f in &form::PERSON {
            out.push([r, ".", f.key].concat());
        }
    }
    out
}

/// What the page prefilled is checked as typed input is, on arrival: a value core
/// refuses shows core's message under it.
fn arrive(j: &mut Journey, fx: &mut Fx) {
    for i in 0..j.opts.prefill.len() {
        let path = j.opts.prefill[i].0;
        j.touched.insert(path.to_owned(), ());
        j.check_field(path, fx);
    }
}

fn next(j: &mut Journey, fx: &mut Fx) {
    j.ensure_device_session(fx);
    let mut req = form::request(&j.values, j.co_applicant, j.product(), &j.device_session_id);
    let errors: Vec<_> = form::validate_all(&mut req, j.today)
        .into_iter()
        .map(|e| (e.field.clone(), FieldError::Core(e)))
        .collect();
    j.errors.clear();
    let first = j.place_errors(errors);
    if !j.errors.is_empty() {
        fx.push(Effect::Render(View::Errors(first)));
        return;
    }
    // One key per onboarding: a retry after a failure replays the first answer.
    let Ok(body) = api::to_json(&req) else { return };
    j.busy = true;
    fx.push(Effect::Render(View::Live));
    fx.push(Effect::Call(Call {
        method: "POST",
        path: onboarding_core::paths::TENANTS.to_owned(),
        auth: Auth::Session,
        body: Body::Json(body),
        key: Some(j.tenant_key.clone()),
        reply: Reply::Created,
    }));
}

/// `POST /v1/tenants` answered.
pub fn created(j: &mut Journey, r: Result<api::Created, ApiError>, fx: &mut Fx) {
    if !j.at(&STEP) {
        return;
    }
    match r {
        Ok(c) => {
            j.busy = false;
            fx.push(Effect::StartEvents(
                c.tenant_id.clone(),
                c.session_token.clone(),
            ));
            j.tenant = Some((c.tenant_id, c.session_token));
            fx.push(Effect::After(TOKEN_REFRESH_MS, Timer::Renew));
            j.go_next(fx);
        }
        Err(ApiError::Status(422, Some(problem))) => show_problem(j, &problem, fx),
        Err(e) => j.failed(&e, fx),
    }
}

/// Puts an edge 422's field errors on the same inputs core's errors use.
fn show_problem(j: &mut Journey, problem: &Problem, fx: &mut Fx) {
    j.busy = false;
    j.errors.clear();
    let errors = if problem.errors.is_empty() {
        vec![(String::new(), FieldError::Edge(problem.title.clone()))]
    } else {
        problem
            .errors
            .iter()
            .map(|m| (m.field.clone(), FieldError::Edge(m.message.clone())))
            .collect()
    };
    let first = j.place_errors(errors);
    fx.push(Effect::Render(View::Live));
    fx.push(Effect::Render(View::Errors(first)));
}

fn field_html(j: &Journey, h: &mut Html, root: &str, f: &Field) {
    let path = [root, ".", f.key].concat();
    let id = field_id(&path);
    let value = j.values.get(&path).map(String::as_str).unwrap_or("");
    let auto = if root == "applicant" { f.auto } else { "off" };
    h.el("div").attr("class", "field").done();
    h.el("label")
        .attr("for", &id)
        .text(&form::label(&j.cat, &path));
    if f.optional {
        h.text(" ").wrap("span", "opt", j.tr(Msg::Optional));
    }
    h.end("label");
    if let Some(hint) = f.hint {
        h.el("p")
            .attr("class", "hint")
            .attr2("id", &id, "-h")
            .text(j.tr(hint))
            .end("p");
    }
    let described = |h: &mut Html| {
        if f.hint.is_some() {
            h.attr2("aria-describedby", &id, "-h");
        }
    };
    match f.kind {
        Kind::Select(options) => {
            h.el("select").attr("id", &id).attr("name", &path);
            described(h);
            for (v, label) in options {
                h.el("option")
                    .attr("value", v)
                    .flag("selected", value == *v);
                h.text(label.map_or(*v, |m| j.tr(m))).end("option");
            }
            h.end("select");
        }
        kind => {
            let ty = match kind {
                Kind::Email => "email",
                Kind::Tel => "tel",
                Kind::Date => "date",
                _ => "text",
            };
            h.el("input")
                .attr("id", &id)
                .attr("name", &path)
                .attr("type", ty);
            h.attr("autocomplete", auto).attr("value", value);
            match kind {
                Kind::Email => {
                    h.attr("inputmode", "email").attr("spellcheck", "false");
                }
                Kind::Tel => {
                    h.attr("inputmode", "tel");
                }
                Kind::Decimal => {
                    h.attr("inputmode", "decimal");
                }
                _ => {}
            }
            described(h);
            h.done();
        }
    }
    h.el("p")
        .attr("class", "err")
        .attr2("id", &id, "-e")
        .end("p");
    h.end("div");
}

fn person_html(j: &Journey, h: &mut Html, root: &str, legend: Msg) {
    h.el("fieldset").attr("class", "person").done();
    h.wrap("legend", "", j.tr(legend));
    for (g, title) in form::GROUPS.iter().enumerate() {
        h.el("fieldset").done();
        h.wrap("legend", "", j.tr(*title));
        h.el("div").attr("class", "grid").done();
        for f in form::PERSON.iter().filter(|f| f.group == g) {
            field_html(j, h, root, f);
        }
        h.end("div").end("fieldset");
    }
    h.end("fieldset");
}

fn body(j: &Journey, h: &mut Html) {
    h.el("form").action(Action::Next).flag("novalidate", true);
    h.el("div").attr("id", "summary").end("div");
    person_html(j, h, "applicant", Msg::Applicant);
    h.el("div").attr("class", "check").done();
    h.el("input")
        .attr("type", "checkbox")
        .attr("id", "co-toggle")
        .attr("name", "coApplicant")
        .flag("checked", j.co_applicant)
        .done();
    h.el("label")
        .attr("for", "co-toggle")
        .text(j.tr(Msg::AddCoApplicant))
        .end("label");
    h.end("div");
    if j.co_applicant {
        person_html(j, h, "coApplicant", Msg::CoApplicant);
    }
    j.live(h);
    h.end("form");
}

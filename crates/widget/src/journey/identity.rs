//! Step 4: KYC in a hosted page, then the identity inquiry once KYC is verified, and
//! the step-up questions when the decision is `Challenge`.

use onboarding_core::model::identity::{
    Answer, AnswersRequest, AnswersResponse, Decision, PublicInquiry,
};
use onboarding_core::model::status::StepState;
use onboarding_core::paths;
use onboarding_core::validate;

use super::{
    Effect, FieldError, Fx, Inquiry, Journey, Reply, StepDef, Timer, View, decision_msg, no_fields,
    only_live,
};
use crate::action::{Action, Hosted};
use crate::api::{self, ApiError};
use crate::html::Html;
use crate::i18n::Msg;

/// The step.
pub static STEP: StepDef = StepDef {
    name: "identity",
    title: Msg::StepIdentity,
    counted: true,
    back: true,
    next,
    enter: maybe_run_inquiry,
    news: maybe_run_inquiry,
    fields: no_fields,
    body: only_live,
    live,
};

fn next(j: &mut Journey, fx: &mut Fx) {
    match j.inquiry {
        Inquiry::Asked(_) => submit_answers(j, fx),
        Inquiry::Decided(_) => j.go_next(fx),
        _ => {}
    }
}

/// Runs the inquiry once KYC is verified (a reload resumes the open one: the edge
/// answers with it).
fn maybe_run_inquiry(j: &mut Journey, fx: &mut Fx) {
    if !j.at(&STEP)
        || j.inquiry != Inquiry::NotRun
        || j.state(|s| s.steps.kyc) != StepState::Verified
    {
        return;
    }
    let body = api::to_json(&api::StartInquiry {
        device_session_id: Some(j.device_session_id.clone()),
    })
    .ok();
    let Some(call) = j.tenant_call("POST", paths::INQUIRIES, &[], body, Reply::Inquiry) else {
        return;
    };
    j.inquiry = Inquiry::Running;
    fx.push(Effect::Call(call));
    fx.push(Effect::Render(View::Live));
    j.announce(Msg::InquiryRunning, fx);
}

fn decided_now(j: &mut Journey, d: Decision, fx: &mut Fx) {
    j.busy = false;
    j.inquiry = Inquiry::Decided(d);
    fx.push(Effect::Render(View::Live));
    j.announce(decision_msg(d), fx);
    fx.push(Effect::Focus("dyn-focus"));
}

/// Decided already (a reload after the decision, another tab): show it, never run
/// another. The edge refuses a new inquiry once there is a decision.
fn show_decided(j: &mut Journey, fx: &mut Fx) {
    j.busy = false;
    let d = j.decided();
    j.inquiry = Inquiry::Decided(d);
    fx.push(Effect::Render(View::Live));
    j.announce(decision_msg(d), fx);
    j.call_status(fx);
}

/// The inquiry answered.
pub fn inquired(j: &mut Journey, r: Result<PublicInquiry, ApiError>, fx: &mut Fx) {
    if j.inquiry != Inquiry::Running {
        return;
    }
    match r {
        Ok(inq) if inq.decision == Decision::Challenge && inq.questionnaire.is_some() => {
            j.inquiry = Inquiry::Asked(inq);
            fx.push(Effect::Render(View::Live));
            j.announce(Msg::QuestionsIntro, fx);
            fx.push(Effect::Focus("dyn-focus"));
        }
        Ok(inq) => decided_now(j, inq.decision, fx),
        // Another call of this tenant's (a second tab) is asking now: ask again soon,
        // and the edge answers with that same inquiry.
        Err(e) if e.code() == "identity_inquiry_in_progress" => {
            j.inquiry = Inquiry::NotRun;
            fx.push(Effect::After(1500, Timer::Retry));
        }
        Err(ApiError::Status(409, _)) => show_decided(j, fx),
        Err(e) => {
            j.inquiry = Inquiry::NotRun;
            j.failed(&e, fx);
        }
    }
}

fn submit_answers(j: &mut Journey, fx: &mut Fx) {
    let Inquiry::Asked(inq) = &j.inquiry else {
        return;
    };
    let questions = inq
        .questionnaire
        .as_ref()
        .map(|q| &q.questions[..])
        .unwrap_or_default();
    let req = AnswersRequest {
        answers: questions
            .iter()
            .enumerate()
            .map(|(i, q)| Answer {
                question_id: q.question_id.clone(),
                choice_id: j.answers.get(&i).cloned().unwrap_or_default(),
            })
            .collect(),
    };
    j.errors.clear();
    if let Err(errors) = validate::validate_answers(&req) {
        for e in errors {
            let key = e.field.split('.').next().unwrap_or("").to_owned();
            j.errors.insert_if_absent(key, FieldError::Core(e));
        }
        fx.push(Effect::Render(View::Live));
        fx.push(Effect::Render(View::Errors(None)));
        return;
    }
    let Some(call) = j.tenant_call(
        "POST",
        paths::ANSWERS,
        &[&inq.inquiry_id],
        api::to_json(&req).ok(),
        Reply::Answered,
    ) else {
        return;
    };
    j.busy = true;
    fx.push(Effect::Call(call));
    fx.push(Effect::Render(View::Live));
}

/// The answers answered.
pub fn answered(j: &mut Journey, r: Result<AnswersResponse, ApiError>, fx: &mut Fx) {
    if !matches!(j.inquiry, Inquiry::Asked(_)) {
        return;
    }
    match r {
        Ok(r) => decided_now(j, r.decision, fx),
        Err(ApiError::Status(422, Some(p))) => {
            j.busy = false;
            for m in p.errors {
                let key = m.field.split('.').next().unwrap_or("").to_owned();
                j.errors.insert_if_absent(key, FieldError::Edge(m.message));
            }
            fx.push(Effect::Render(View::Live));
            fx.push(Effect::Render(View::Errors(None)));
        }
        // Answered already (the questions are answered once): show the decision.
        Err(ApiError::Status(409, _)) => show_decided(j, fx),
        Err(e) => j.failed(&e, fx),
    }
}

fn kyc_button(j: &Journey, h: &mut Html, class: &'static str, m: Msg) {
    h.el("button")
        .attr("type", "button")
        .attr("id", "kyc")
        .attr("class", class);
    h.action(Action::Open(Hosted::Kyc))
        .text(j.tr(m))
        .end("button");
}

fn live(j: &Journey, h: &mut Html) {
    let mut kyc = j.state(|s| s.steps.kyc);
    if kyc == StepState::NotStarted && j.opened.contains_key(Hosted::Kyc.path()) {
        kyc = StepState::Pending;
    }
    match kyc {
        StepState::Verified => {
            h.wrap("p", "ok", j.tr(Msg::KycVerified));
        }
        StepState::Rejected => {
            h.el("p")
                .attr("class", "err")
                .attr("id", "dyn-focus")
                .attr("tabindex", "-1");
            h.text(j.tr(Msg::KycRejected)).end("p");
            kyc_button(j, h, "primary", Msg::KycRetry);
        }
        StepState::NotStarted => {
            h.wrap("p", "", j.tr(Msg::IdentityIntro));
            kyc_button(j, h, "primary", Msg::KycButton);
        }
        _ => {
            h.wrap("p", "wait", j.tr(Msg::KycPending));
            kyc_button(j, h, "secondary", Msg::KycReopen);
        }
    }
    if kyc != StepState::Verified {
        return back_only(j, h);
    }
    match &j.inquiry {
        Inquiry::NotRun | Inquiry::Running => {
            h.wrap("p", "wait", j.tr(Msg::InquiryRunning));
            back_only(j, h);
        }
        Inquiry::Asked(inq) => {
            h.el("form").action(Action::Next).flag("novalidate", true);
            h.el("p")
                .attr("id", "dyn-focus")
                .attr("tabindex", "-1")
                .text(j.tr(Msg::QuestionsIntro))
                .end("p");
            h.el("div").attr("id", "summary").end("div");
            for (i, q) in inq
                .questionnaire
                .iter()
                .flat_map(|q| q.questions.iter())
                .enumerate()
            {
                let n = i as u32;
                let key = ["answers[", &crate::html::num(n), "]"].concat();
                let err = j.errors.get(&key).map(|e| j.error_text(e));
                h.el("fieldset")
                    .attr_n("id", "q-", n)
                    .attr("data-question", &q.question_id);
                if err.is_some() {
                    h.attr2(
                        "aria-describedby",
                        &["q-", &crate::html::num(n)].concat(),
                        "-e",
                    );
                    h.attr("aria-invalid", "true");
                }
                h.wrap("legend", "", &q.question_text);
                let name = ["q-", &crate::html::num(n)].concat();
                for (c_i, c) in q.choices.iter().enumerate() {
                    let id = [&name, "-", &crate::html::num(c_i as u32)].concat();
                    h.el("div").attr("class", "radio").done();
                    h.el("input")
                        .attr("type", "radio")
                        .attr("id", &id)
                        .attr("name", &name);
                    h.attr("value", &c.choice_id)
                        .flag("checked", j.answers.get(&i) == Some(&c.choice_id))
                        .done();
                    h.el("label")
                        .attr("for", &id)
                        .text(&c.choice_text)
                        .end("label");
                    h.end("div");
                }
                h.el("p")
                    .attr("class", "err")
                    .attr2("id", &name, "-e")
                    .text(&err.unwrap_or_default())
                    .end("p");
                h.end("fieldset");
            }
            j.nav(h, Some(Msg::SendAnswers));
            h.end("form");
        }
        Inquiry::Decided(d) => {
            let class = match d {
                Decision::Allow => "ok",
                Decision::Deny => "err",
                _ => "wait",
            };
            h.el("p")
                .attr("class", class)
                .attr("id", "dyn-focus")
                .attr("tabindex", "-1");
            h.text(j.tr(decision_msg(*d))).end("p");
            h.el("div").attr("class", "nav").done();
            j.back_button(h);
            h.el("button")
                .attr("type", "button")
                .attr("id", "identity-next")
                .attr("class", "primary");
            h.action(Action::Next)
                .text(j.tr(Msg::Continue))
                .end("button")
                .end("div");
        }
    }
}

fn back_only(j: &Journey, h: &mut Html) {
    h.el("div").attr("class", "nav").done();
    j.back_button(h);
    h.end("div");
}

//! Step 5: an optional bank connection in a hosted page.

use onboarding_core::model::status::StepState;

use super::{Fx, Journey, StepDef, no_fields, nothing, only_live};
use crate::action::{Action, Hosted};
use crate::html::Html;
use crate::i18n::Msg;

/// The step.
pub static STEP: StepDef = StepDef {
    name: "bank",
    title: Msg::StepBank,
    counted: true,
    back: true,
    next: |j: &mut Journey, fx: &mut Fx| j.go_next(fx),
    enter: nothing,
    news: nothing,
    fields: no_fields,
    body: only_live,
    live,
};

fn live(j: &Journey, h: &mut Html) {
    let mut bank = j.state(|s| s.steps.bank);
    if bank == StepState::NotStarted && j.opened.contains_key(Hosted::Bank.path()) {
        bank = StepState::Pending;
    }
    h.wrap("p", "", j.tr(Msg::BankIntro));
    let connect = |h: &mut Html, m: Msg, class: &'static str| {
        h.el("button")
            .attr("type", "button")
            .attr("id", "bank")
            .attr("class", class);
        h.action(Action::Open(Hosted::Bank))
            .text(j.tr(m))
            .end("button");
    };
    let next = |h: &mut Html, m: Msg, class: &'static str| {
        h.el("button")
            .attr("type", "button")
            .attr("id", "bank-next")
            .attr("class", class);
        h.action(Action::Next).text(j.tr(m)).end("button");
    };
    let status = match bank {
        StepState::NotStarted => None,
        StepState::Done => Some(("ok", Msg::BankDone)),
        StepState::Failed => Some(("err", Msg::BankFailed)),
        _ => Some(("wait", Msg::BankPending)),
    };
    if let Some((class, m)) = status {
        h.wrap("p", class, j.tr(m));
    }
    h.el("div").attr("class", "nav").done();
    j.back_button(h);
    match bank {
        StepState::NotStarted => {
            connect(h, Msg::BankButton, "primary");
            next(h, Msg::Skip, "link");
        }
        StepState::Done => next(h, Msg::Continue, "primary"),
        StepState::Failed => {
            connect(h, Msg::Retry, "secondary");
            next(h, Msg::Skip, "link");
        }
        _ => {
            next(h, Msg::Continue, "primary");
            connect(h, Msg::KycReopen, "secondary");
        }
    }
    h.end("div");
}

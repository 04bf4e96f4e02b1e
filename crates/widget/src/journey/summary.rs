//! Step 6: the live status of every check, until the onboarding is complete.

use onboarding_core::model::status::StepState;

use super::{Effect, Fx, Journey, StepDef, no_fields, only_live};
use crate::html::Html;
use crate::i18n::{Msg, fill};

/// The step.
pub static STEP: StepDef = StepDef {
    name: "summary",
    title: Msg::StepSummary,
    counted: true,
    back: true,
    next: finish_if_complete,
    enter: finish_if_complete,
    news: finish_if_complete,
    fields: no_fields,
    body: only_live,
    live,
};

/// Complete: to the last step, the stream stopped, the resume state forgotten, and
/// `onboarding:complete` for the page.
fn finish_if_complete(j: &mut Journey, fx: &mut Fx) {
    if !j.status.as_ref().is_some_and(|s| s.complete) {
        return;
    }
    j.go_next(fx);
    fx.push(Effect::StopEvents);
    fx.push(Effect::ClearSaved);
    let id = j.tenant().map_or("", |(id, _)| id).to_owned();
    Journey::emit(fx, "onboarding:complete", vec![("tenantId", id)]);
}

/// The label of a status state.
pub fn state_msg(s: StepState) -> Msg {
    match s {
        StepState::NotStarted => Msg::StNotStarted,
        StepState::Pending => Msg::StPending,
        StepState::Processing => Msg::StProcessing,
        StepState::Done => Msg::StDone,
        StepState::Failed => Msg::StFailed,
        StepState::Verified => Msg::StVerified,
        StepState::Rejected => Msg::StRejected,
        StepState::Accepted => Msg::StAccepted,
        StepState::Allow => Msg::StAllow,
        StepState::Challenge => Msg::StChallenge,
        StepState::Deny => Msg::StDeny,
        StepState::Review => Msg::StReview,
        StepState::WaitingForDocuments => Msg::StWaitingForDocuments,
        StepState::WaitingForKyc => Msg::StWaitingForKyc,
    }
}

fn class_of(s: StepState) -> &'static str {
    match s {
        StepState::Done | StepState::Verified | StepState::Accepted | StepState::Allow => "ok",
        StepState::Failed | StepState::Rejected | StepState::Deny => "bad",
        StepState::NotStarted => "idle",
        _ => "wait",
    }
}

/// The summary's rows: label and state.
pub fn status_rows(j: &Journey) -> Vec<(Msg, StepState)> {
    let Some(s) = &j.status else {
        return Vec::new();
    };
    let st = &s.steps;
    vec![
        (Msg::RowDetails, st.details),
        (Msg::RowDocuments, st.documents.state),
        (Msg::RowClave, st.clave),
        (Msg::RowKyc, st.kyc),
        (Msg::RowIdentity, st.identity),
        (Msg::RowBank, st.bank),
        (Msg::RowForensic, st.forensic),
    ]
}

fn live(j: &Journey, h: &mut Html) {
    h.wrap("p", "", j.tr(Msg::SummaryIntro));
    h.el("dl")
        .attr("class", "status")
        .attr("id", "status-list")
        .done();
    for (label, state) in status_rows(j) {
        h.el("div").attr("class", "srow").done();
        h.wrap("dt", "", j.tr(label));
        h.wrap("dd", class_of(state), j.tr(state_msg(state)));
        h.end("div");
    }
    h.end("dl");
    if let Some(s) = &j.status {
        h.wrap(
            "p",
            "muted",
            &fill(j.tr(Msg::SummaryLive), &[&s.updated_at]),
        );
    }
    h.el("div").attr("class", "nav").done();
    j.back_button(h);
    h.end("div");
}

//! The end: the application is complete.

use super::{StepDef, no_fields, nothing, only_live};
use crate::html::Html;
use crate::i18n::{Msg, fill};

/// The step.
pub static STEP: StepDef = StepDef {
    name: "done",
    title: Msg::StepDone,
    counted: false,
    back: false,
    next: nothing,
    enter: nothing,
    news: nothing,
    fields: no_fields,
    body: only_live,
    live: |j, h: &mut Html| {
        h.el("p")
            .attr("id", "dyn-focus")
            .attr("tabindex", "-1")
            .attr("class", "ok");
        h.text(j.tr(Msg::DoneText)).end("p");
        let id = j.tenant().map_or("", |(id, _)| id);
        h.wrap("p", "", &fill(j.tr(Msg::Reference), &[id]));
    },
};

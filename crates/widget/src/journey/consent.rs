//! Step 1: terms and credit-check consent.

use super::{Effect, FieldError, Fx, Journey, StepDef, View, nothing};
use onboarding_core::consent::{self, ConsentKind};

use crate::form;
use crate::html::Html;
use crate::html::field_id;
use crate::i18n::Msg;

/// The step.
pub static STEP: StepDef = StepDef {
    name: "consent",
    title: Msg::StepConsent,
    counted: true,
    back: false,
    next,
    enter: nothing,
    news: nothing,
    fields,
    body,
    live,
};

fn fields(_: &Journey) -> Vec<String> {
    form::CONSENT.iter().map(|s| (*s).to_owned()).collect()
}

fn next(j: &mut Journey, fx: &mut Fx) {
    let errors: Vec<_> = form::CONSENT
        .iter()
        .filter_map(|p| form::validate_one(&j.values, p, j.today))
        .map(|e| (e.field.clone(), FieldError::Core(e)))
        .collect();
    j.errors.clear();
    let first = j.place_errors(errors);
    if first.is_some() {
        fx.push(Effect::Render(View::Errors(first)));
        return;
    }
    j.ensure_device_session(fx);
    j.go_next(fx);
}

fn body(j: &Journey, h: &mut Html) {
    h.wrap("p", "", j.tr(Msg::ConsentIntro));
    h.el("form")
        .action(crate::action::Action::Next)
        .flag("novalidate", true);
    h.el("div").attr("id", "summary").end("div");
    // The sentences are core's versioned consent texts: the edge records the SHA-256
    // of the one shown with the version the request carries.
    let links = [
        (ConsentKind::Terms, Msg::ConsentTermsLink, &j.opts.terms_url),
        (
            ConsentKind::CreditCheck,
            Msg::ConsentCreditLink,
            &j.opts.credit_check_url,
        ),
    ];
    for (path, (label, link, url)) in form::CONSENT.iter().zip(links) {
        let id = field_id(path);
        h.el("div").attr("class", "check");
        h.el("input")
            .attr("type", "checkbox")
            .attr("id", &id)
            .attr("name", path)
            .flag("checked", j.values.get(*path).is_some_and(|v| v == "true"))
            .done();
        h.el("label")
            .attr("for", &id)
            .text(consent::text_in(label, j.cat.core()))
            .end("label");
        h.el("p")
            .attr("class", "err")
            .attr2("id", &id, "-e")
            .end("p");
        // Only an absolute http(s) link (core's rule for any URL handed to a browser):
        // a `javascript:` or `data:` terms-url from the page is not rendered.
        if let Some(url) = url
            .as_deref()
            .filter(|u| onboarding_core::hosted_url::origin(u).is_some())
        {
            h.el("p").attr("class", "more");
            h.el("a")
                .attr("href", url)
                .attr("target", "_blank")
                .attr("rel", "noopener");
            h.text(j.tr(link)).text(" ");
            h.wrap("span", "sr", j.tr(Msg::NewWindow));
            h.end("a").end("p");
        }
        h.end("div");
    }
    // The nav is inside the form so that Enter submits it.
    j.live(h);
    h.end("form");
}

fn live(j: &Journey, h: &mut Html) {
    j.nav(h, Some(Msg::Start));
}

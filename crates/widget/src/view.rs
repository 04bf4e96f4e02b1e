//! The HTML every step shares — the shell (header, language buttons, step list, live
//! region), the heading, "Step n of m", the notice and the nav — written with the
//! escaping builder. Each step's own HTML is in its module under `journey/`. Pure:
//! the web layer (`app`) puts the strings into the shadow root and moves focus.

use crate::action::Action;
use crate::html::Html;
use crate::i18n::{Locale, Msg, fill};
use crate::journey::{Journey, STEPS};

impl Journey {
    /// The whole shadow root: stylesheet link, header, an empty step list and step
    /// (filled by [`Journey::steps_html`] and [`Journey::step_html`]), live region.
    pub fn shell_html(&self) -> String {
        let mut h = Html::new();
        if let Some(url) = &self.opts.style_url {
            h.el("link").attr("rel", "stylesheet").attr("href", url);
            if let Some(sri) = &self.opts.style_integrity {
                h.attr("integrity", sri).attr("crossorigin", "anonymous");
            }
            h.done();
        }
        h.el("div")
            .attr("class", "onb")
            .attr("lang", self.locale().as_str())
            .done();
        h.el("div").attr("class", "top").done();
        h.wrap("p", "title", self.tr(Msg::Title));
        h.el("div")
            .attr("class", "lang")
            .attr("role", "group")
            .attr("aria-label", self.tr(Msg::Language))
            .done();
        for (l, name) in Locale::ALL
            .into_iter()
            .zip(["Español", "English", "Català"])
        {
            let tag = l.as_str();
            h.el("button")
                .attr("type", "button")
                .attr("id", lang_button(l));
            h.attr("lang", tag).action(Action::Lang(l)).attr(
                "aria-pressed",
                if self.locale() == l { "true" } else { "false" },
            );
            h.text(name).end("button");
        }
        h.end("div").end("div");
        h.el("ol")
            .attr("class", "steps")
            .attr("id", "steps")
            .attr("aria-label", self.tr(Msg::StepsLabel))
            .end("ol");
        h.el("div")
            .attr("class", "step")
            .attr("id", "step")
            .end("div");
        h.el("div")
            .attr("class", "sr")
            .attr("id", "live")
            .attr("role", "status")
            .attr("aria-live", "polite");
        h.end("div");
        h.el("div").attr("class", "foot").done();
        h.el("button")
            .attr("type", "button")
            .attr("class", "link")
            .action(Action::Exit);
        h.text(self.tr(Msg::Exit)).end("button");
        h.end("div").end("div");
        h.finish()
    }

    /// The step list (`<li>`s of the counted steps; empty when refused).
    pub fn steps_html(&self) -> String {
        let mut h = Html::new();
        if !self.refused {
            for (i, s) in STEPS.iter().enumerate().filter(|(_, s)| s.counted) {
                h.el("li").attr(
                    "class",
                    match i.cmp(&self.step) {
                        std::cmp::Ordering::Less => "past",
                        std::cmp::Ordering::Equal => "cur",
                        std::cmp::Ordering::Greater => "next",
                    },
                );
                if i == self.step {
                    h.attr("aria-current", "step");
                }
                h.text(self.tr(s.title)).end("li");
            }
        }
        h.finish()
    }

    /// The current step: heading, "Step n of m", notice, the step's own HTML.
    pub fn step_html(&self) -> String {
        let mut h = Html::new();
        if self.refused {
            h.el("h2")
                .attr("id", "h")
                .attr("tabindex", "-1")
                .text(self.tr(Msg::UnavailableTitle))
                .end("h2");
            h.el("p").attr("class", "notice err").attr("role", "alert");
            h.text(self.tr(if self.token_refused {
                Msg::LinkExpired
            } else {
                Msg::UnavailableBody
            }))
            .end("p");
            return h.finish();
        }
        let def = self.def();
        h.el("h2")
            .attr("id", "h")
            .attr("tabindex", "-1")
            .text(self.tr(def.title))
            .end("h2");
        if def.counted {
            let counted = STEPS.iter().filter(|s| s.counted).count() as u32;
            let (n, m) = (
                crate::html::num(self.step as u32 + 1),
                crate::html::num(counted),
            );
            h.wrap("p", "count", &fill(self.tr(Msg::StepOf), &[&n, &m]));
        }
        h.el("div").attr("id", "notice").done();
        self.notice_into(&mut h);
        h.end("div");
        (def.body)(self, &mut h);
        h.finish()
    }

    fn notice_into(&self, h: &mut Html) {
        if let Some((m, err)) = self.notice {
            h.el("p")
                .attr("class", if err { "notice err" } else { "notice" });
            h.attr("role", if err { "alert" } else { "status" })
                .text(self.tr(m))
                .end("p");
        }
    }

    /// The notice above the step.
    pub fn notice_html(&self) -> String {
        let mut h = Html::new();
        self.notice_into(&mut h);
        h.finish()
    }

    /// The step's live part.
    pub fn live_html(&self) -> String {
        let mut h = Html::new();
        (self.def().live)(self, &mut h);
        h.finish()
    }

    /// The Back button, when the step has one.
    pub fn back_button(&self, h: &mut Html) {
        if self.def().back && self.step > 0 {
            h.el("button")
                .attr("type", "button")
                .attr("id", "back")
                .attr("class", "secondary");
            h.action(Action::Back)
                .text(self.tr(Msg::Back))
                .end("button");
        }
    }

    /// A form's nav: Back (when the step has one) and the submit button (`#submit`).
    pub fn nav(&self, h: &mut Html, primary: Option<Msg>) {
        h.el("div").attr("class", "nav").done();
        self.back_button(h);
        if let Some(m) = primary {
            h.el("button")
                .attr("type", "submit")
                .attr("id", "submit")
                .attr("class", "primary");
            if self.busy {
                h.attr("aria-disabled", "true");
            }
            h.text(self.tr(if self.busy { Msg::Working } else { m }))
                .end("button");
        }
        h.end("div");
    }

    /// The text of the error summary after a submit (`None`: no errors).
    pub fn summary_text(&self) -> Option<String> {
        if self.errors.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .errors
            .iter()
            .map(|(path, e)| {
                if path.is_empty() || path.starts_with("answers") {
                    // A sentence inside a sentence: its own full stop would double.
                    let mut t = self.error_text(e);
                    if t.ends_with('.') {
                        t.pop();
                    }
                    t
                } else {
                    crate::form::label(&self.cat, path)
                }
            })
            .collect();
        Some(fill(self.tr(Msg::FixErrors), &[&names.join(", ")]))
    }
}

/// The id of the language button of `l`.
pub fn lang_button(l: Locale) -> &'static str {
    match l {
        Locale::Es => "lang-es",
        Locale::En => "lang-en",
        Locale::Ca => "lang-ca",
    }
}

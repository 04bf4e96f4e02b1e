//! HTML of the shell and of each step, and the small patches (errors, progress, notice,
//! live region) that keep focus where the applicant is. Every piece of text that can
//! come from outside (values, file names, questions) goes through `esc`.

use std::fmt::Write as _;

use onboarding_core::document::DocumentKind;
use onboarding_core::model::identity::Decision;
use onboarding_core::model::status::StepState;

use crate::app::{App, FileState, Inquiry, Step, decision_msg};
use crate::dom::{self, by_id, esc, field_id};
use crate::form::{self, Field, Kind};
use crate::i18n::{Msg, fill, t};

/// Steps counted in "Step n of m".
const COUNTED: usize = 6;

/// The label of a document kind.
pub fn kind_msg(kind: DocumentKind) -> Msg {
    match kind {
        DocumentKind::Payslip => Msg::KindPayslip,
        DocumentKind::BankStatement => Msg::KindBankStatement,
        DocumentKind::TaxReturn => Msg::KindTaxReturn,
        DocumentKind::IdentityDocument => Msg::KindIdentityDocument,
        DocumentKind::EmploymentContract => Msg::KindEmploymentContract,
        DocumentKind::Other => Msg::KindOther,
    }
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

fn button(action: &str, class: &str, text: &str) -> String {
    format!(
        "<button type=\"button\" class=\"{class}\" data-action=\"{action}\">{}</button>",
        esc(text)
    )
}

/// `1.5 MB` / `1,5 MB`, `12 KB` (integer arithmetic: no float formatting code).
fn size_text(bytes: f64, en: bool) -> String {
    let bytes = bytes as u64;
    if bytes >= 1 << 20 {
        let tenths = (bytes * 10) >> 20;
        let sep = if en { '.' } else { ',' };
        format!("{}{sep}{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

impl App {
    fn tr(&self, m: Msg) -> &'static str {
        t(self.locale, m)
    }

    /// Draws everything: stylesheet link, header, step list, step, live region.
    pub fn render_shell(&mut self) {
        let mut h = String::with_capacity(4096);
        if let Some(url) = &self.opts.style_url {
            let _ = write!(h, "<link rel=\"stylesheet\" href=\"{}\"", esc(url));
            if let Some(sri) = &self.opts.style_integrity {
                let _ = write!(h, " integrity=\"{}\" crossorigin=\"anonymous\"", esc(sri));
            }
            h.push('>');
        }
        let _ = write!(
            h,
            "<div class=\"onb\" lang=\"{}\"><div class=\"top\"><p class=\"title\">{}</p>\
             <div class=\"lang\" role=\"group\" aria-label=\"{}\">",
            self.locale.as_str(),
            esc(self.tr(Msg::Title)),
            esc(self.tr(Msg::Language))
        );
        for (tag, name) in [("es", "Español"), ("en", "English")] {
            let _ = write!(
                h,
                "<button type=\"button\" id=\"lang-{tag}\" lang=\"{tag}\" data-action=\"lang\" data-id=\"{tag}\" aria-pressed=\"{}\">{name}</button>",
                self.locale.as_str() == tag
            );
        }
        let _ = write!(
            h,
            "</div></div><ol class=\"steps\" id=\"steps\" aria-label=\"{}\"></ol>\
             <div class=\"step\" id=\"step\"></div>\
             <div class=\"sr\" id=\"live\" role=\"status\" aria-live=\"polite\"></div>\
             <div class=\"foot\">{}</div></div>",
            esc(self.tr(Msg::StepsLabel)),
            button("exit", "link", self.tr(Msg::Exit))
        );
        self.root.set_inner_html(&h);
        self.render_step(false);
    }

    /// Draws the current step; `focus` moves focus to its heading.
    pub fn render_step(&mut self, focus: bool) {
        if self.refused {
            return self.render_refused();
        }
        let index = Step::ALL.iter().position(|s| *s == self.step).unwrap_or(0);
        let mut steps = String::new();
        for (i, s) in Step::ALL[..COUNTED].iter().enumerate() {
            let (class, current) = match i.cmp(&index) {
                std::cmp::Ordering::Less => ("past", ""),
                std::cmp::Ordering::Equal => ("cur", " aria-current=\"step\""),
                std::cmp::Ordering::Greater => ("next", ""),
            };
            let _ = write!(
                steps,
                "<li class=\"{class}\"{current}>{}</li>",
                esc(self.tr(s.title()))
            );
        }
        if let Some(el) = by_id(&self.root, "steps") {
            el.set_inner_html(&steps);
        }
        let mut h = format!(
            "<h2 id=\"h\" tabindex=\"-1\">{}</h2>",
            esc(self.tr(self.step.title()))
        );
        if self.step != Step::Done {
            let n = (index + 1).to_string();
            let _ = write!(
                h,
                "<p class=\"count\">{}</p>",
                esc(&fill(self.tr(Msg::StepOf), &[&n, &COUNTED.to_string()]))
            );
        }
        h.push_str("<div id=\"notice\">");
        h.push_str(&self.notice_html());
        h.push_str("</div>");
        h.push_str(&self.step_html());
        if let Some(el) = by_id(&self.root, "step") {
            el.set_inner_html(&h);
        }
        if matches!(self.step, Step::Consent | Step::Details) {
            self.render_errors_quietly();
        }
        if focus && let Some(el) = by_id(&self.root, "h") {
            dom::focus(&el);
        }
    }

    /// The key is not allowed on this page: a short message instead of the journey.
    fn render_refused(&self) {
        if let Some(el) = by_id(&self.root, "steps") {
            el.set_inner_html("");
        }
        if let Some(el) = by_id(&self.root, "step") {
            el.set_inner_html(&format!(
                "<h2 id=\"h\" tabindex=\"-1\">{}</h2><p class=\"notice err\" role=\"alert\">{}</p>",
                esc(self.tr(Msg::UnavailableTitle)),
                esc(self.tr(Msg::UnavailableBody))
            ));
        }
    }

    fn notice_html(&self) -> String {
        match self.notice {
            Some((m, err)) => format!(
                "<p class=\"notice{}\" role=\"{}\">{}</p>",
                if err { " err" } else { "" },
                if err { "alert" } else { "status" },
                esc(self.tr(m))
            ),
            None => String::new(),
        }
    }

    /// Redraws the notice above the step.
    pub fn show_notice(&self) {
        if let Some(el) = by_id(&self.root, "notice") {
            el.set_inner_html(&self.notice_html());
        }
    }

    fn step_html(&self) -> String {
        let body = match self.step {
            Step::Consent => self.consent_html(),
            Step::Details => self.details_html(),
            Step::Documents => format!(
                "<p>{}</p><div class=\"drop\" id=\"drop\"><p>{}</p>\
                 <button type=\"button\" id=\"pick\" class=\"secondary\" data-action=\"pick\">{}</button> \
                 <button type=\"button\" id=\"take-photo\" class=\"secondary\" data-action=\"camera\">{}</button>\
                 <input type=\"file\" id=\"files\" name=\"files\" multiple hidden tabindex=\"-1\" \
                 accept=\"application/pdf,image/jpeg,image/png\" aria-label=\"{}\">\
                 <input type=\"file\" id=\"camera\" name=\"camera\" hidden tabindex=\"-1\" \
                 accept=\"image/jpeg,image/png\" capture=\"environment\" aria-label=\"{}\"></div>",
                esc(self.tr(Msg::DocumentsIntro)),
                esc(self.tr(Msg::DropHere)),
                esc(self.tr(Msg::ChooseFiles)),
                esc(self.tr(Msg::TakePhoto)),
                esc(self.tr(Msg::ChooseFiles)),
                esc(self.tr(Msg::TakePhoto))
            ),
            _ => String::new(),
        };
        let dynamic = format!("<div id=\"dyn\">{}</div>", self.dyn_html());
        match self.step {
            // The nav is inside the form so that Enter submits it.
            Step::Consent | Step::Details => body.replace("<!--dyn-->", &dynamic),
            _ => body + &dynamic,
        }
    }

    /// Redraws the part of the step that changes with status, uploads and busy state,
    /// keeping focus on the same control when it still exists.
    pub fn refresh(&self) {
        let focused = self
            .root
            .active_element()
            .map(|e| e.id())
            .filter(|id| !id.is_empty());
        if let Some(el) = by_id(&self.root, "dyn") {
            el.set_inner_html(&self.dyn_html());
        }
        if let Some(el) = focused.and_then(|id| by_id(&self.root, &id)) {
            dom::focus(&el);
        }
    }

    fn nav(&self, back: bool, primary: &str) -> String {
        let mut h = String::from("<div class=\"nav\">");
        if back {
            h.push_str(&button("back", "secondary", self.tr(Msg::Back)));
        }
        let text = if self.busy {
            self.tr(Msg::Working)
        } else {
            primary
        };
        let _ = write!(
            h,
            "<button type=\"submit\" id=\"submit\" class=\"primary\"{}>{}</button></div>",
            if self.busy {
                " aria-disabled=\"true\""
            } else {
                ""
            },
            esc(text)
        );
        h
    }

    fn dyn_html(&self) -> String {
        match self.step {
            Step::Consent => self.nav(false, self.tr(Msg::Start)),
            Step::Details => self.nav(true, self.tr(Msg::Continue)),
            Step::Documents => self.documents_dyn(),
            Step::Identity => self.identity_dyn(),
            Step::Bank => self.bank_dyn(),
            Step::Summary => self.summary_dyn(),
            Step::Done => format!(
                "<p id=\"dyn-focus\" tabindex=\"-1\" class=\"ok\">{}</p><p>{}</p>",
                esc(self.tr(Msg::DoneText)),
                esc(&fill(
                    self.tr(Msg::Reference),
                    &[self.tenant.as_ref().map_or("", |(id, _)| id.as_str())]
                ))
            ),
        }
    }

    fn consent_html(&self) -> String {
        let mut h = format!(
            "<p>{}</p><form data-action=\"start\" novalidate><div id=\"summary\"></div>",
            esc(self.tr(Msg::ConsentIntro))
        );
        let links = [
            (
                Msg::ConsentTerms,
                Msg::ConsentTermsLink,
                &self.opts.terms_url,
            ),
            (
                Msg::ConsentCredit,
                Msg::ConsentCreditLink,
                &self.opts.credit_check_url,
            ),
        ];
        for (path, (label, link, url)) in form::CONSENT.iter().zip(links) {
            let id = field_id(path);
            let checked = self.values.get(*path).is_some_and(|v| v == "true");
            let _ = write!(
                h,
                "<div class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"{path}\"{}>\
                 <label for=\"{id}\">{}</label><p class=\"err\" id=\"{id}-e\"></p>",
                if checked { " checked" } else { "" },
                esc(self.tr(label))
            );
            if let Some(url) = url {
                let _ = write!(
                    h,
                    "<p class=\"more\"><a href=\"{}\" target=\"_blank\" rel=\"noopener\">{} <span class=\"sr\">{}</span></a></p>",
                    esc(url),
                    esc(self.tr(link)),
                    esc(self.tr(Msg::NewWindow))
                );
            }
            h.push_str("</div>");
        }
        h.push_str("<!--dyn--></form>");
        h
    }

    fn field_html(&self, root: &str, f: &Field) -> String {
        let path = format!("{root}.{}", f.key);
        let id = field_id(&path);
        let value = self.values.get(&path).map(String::as_str).unwrap_or("");
        let auto = if root == "applicant" { f.auto } else { "off" };
        let mut h = format!(
            "<div class=\"field\"><label for=\"{id}\">{}",
            esc(&form::label(self.locale, &path))
        );
        if f.optional {
            let _ = write!(
                h,
                " <span class=\"opt\">{}</span>",
                esc(self.tr(Msg::Optional))
            );
        }
        h.push_str("</label>");
        let mut described = String::new();
        if let Some(hint) = f.hint {
            let _ = write!(
                h,
                "<p class=\"hint\" id=\"{id}-h\">{}</p>",
                esc(self.tr(hint))
            );
            described = format!(" aria-describedby=\"{id}-h\"");
        }
        match f.kind {
            Kind::Select(options) => {
                let _ = write!(h, "<select id=\"{id}\" name=\"{path}\"{described}>");
                for (v, label) in options {
                    let text = label.map_or(*v, |m| self.tr(m));
                    let _ = write!(
                        h,
                        "<option value=\"{v}\"{}>{}</option>",
                        if value == *v { " selected" } else { "" },
                        esc(text)
                    );
                }
                h.push_str("</select>");
            }
            kind => {
                let (ty, extra) = match kind {
                    Kind::Email => ("email", " inputmode=\"email\" spellcheck=\"false\""),
                    Kind::Tel => ("tel", " inputmode=\"tel\""),
                    Kind::Date => ("date", ""),
                    Kind::Decimal => ("text", " inputmode=\"decimal\""),
                    _ => ("text", ""),
                };
                let _ = write!(
                    h,
                    "<input id=\"{id}\" name=\"{path}\" type=\"{ty}\" autocomplete=\"{auto}\" value=\"{}\"{extra}{described}>",
                    esc(value)
                );
            }
        }
        let _ = write!(h, "<p class=\"err\" id=\"{id}-e\"></p></div>");
        h
    }

    fn person_html(&self, root: &str, legend: Msg) -> String {
        let mut h = format!(
            "<fieldset class=\"person\"><legend>{}</legend>",
            esc(self.tr(legend))
        );
        for (g, title) in form::GROUPS.iter().enumerate() {
            let _ = write!(
                h,
                "<fieldset><legend>{}</legend><div class=\"grid\">",
                esc(self.tr(*title))
            );
            for f in form::PERSON.iter().filter(|f| f.group == g) {
                h.push_str(&self.field_html(root, f));
            }
            h.push_str("</div></fieldset>");
        }
        h.push_str("</fieldset>");
        h
    }

    fn details_html(&self) -> String {
        let mut h =
            String::from("<form data-action=\"details\" novalidate><div id=\"summary\"></div>");
        h.push_str(&self.person_html("applicant", Msg::Applicant));
        let _ = write!(
            h,
            "<div class=\"check\"><input type=\"checkbox\" id=\"co-toggle\" name=\"coApplicant\"{}>\
             <label for=\"co-toggle\">{}</label></div>",
            if self.co_applicant { " checked" } else { "" },
            esc(self.tr(Msg::AddCoApplicant))
        );
        if self.co_applicant {
            h.push_str(&self.person_html("coApplicant", Msg::CoApplicant));
        }
        h.push_str("<!--dyn--></form>");
        h
    }

    fn file_state_text(&self, state: &FileState) -> String {
        match state {
            FileState::Checking => self.tr(Msg::Working).to_owned(),
            FileState::Invalid(e) => form::message(self.locale, e),
            FileState::Ready => self.tr(Msg::FileReady).to_owned(),
            FileState::Uploading(p) => fill(self.tr(Msg::FileUploading), &[&p.to_string()]),
            FileState::Uploaded(doc) => {
                let analysed = self.status.as_ref().and_then(|s| {
                    s.steps
                        .documents
                        .items
                        .iter()
                        .find(|i| &i.document_id == doc)
                        .map(|i| i.state)
                });
                self.tr(match analysed {
                    Some(StepState::Accepted) => Msg::FileAccepted,
                    Some(StepState::Rejected) => Msg::FileRejected,
                    Some(_) => Msg::FileAnalysing,
                    None => Msg::FileUploaded,
                })
                .to_owned()
            }
            FileState::Cancelled => self.tr(Msg::FileCancelled).to_owned(),
            FileState::Failed(m) => format!("{}: {m}", self.tr(Msg::FileFailed)),
        }
    }

    fn documents_dyn(&self) -> String {
        let mut h = String::new();
        let known: Vec<&str> = self
            .files
            .iter()
            .filter_map(|r| match &r.state {
                FileState::Uploaded(d) => Some(d.as_str()),
                _ => None,
            })
            .collect();
        let others: Vec<_> = self
            .status
            .iter()
            .flat_map(|s| s.steps.documents.items.iter())
            .filter(|i| !known.contains(&i.document_id.as_str()))
            .collect();
        if !self.files.is_empty() || !others.is_empty() {
            let _ = write!(
                h,
                "<h3>{}</h3><ul class=\"files\">",
                esc(self.tr(Msg::FilesLabel))
            );
            for r in &self.files {
                let name = r.file.name();
                let editable = matches!(
                    r.state,
                    FileState::Ready | FileState::Cancelled | FileState::Failed(_)
                );
                let _ = write!(
                    h,
                    "<li class=\"file\" id=\"file-{id}\"><p class=\"fname\">{} <span class=\"muted\">{}</span></p>\
                     <div class=\"kind\"><label for=\"kind-{id}\">{}</label><select id=\"kind-{id}\" name=\"kind-{id}\"{}>",
                    esc(&name),
                    size_text(r.file.size(), crate::i18n::is_en(self.locale)),
                    esc(self.tr(Msg::DocKind)),
                    if editable { "" } else { " disabled" },
                    id = r.id
                );
                for k in DocumentKind::ALL {
                    let _ = write!(
                        h,
                        "<option value=\"{}\"{}>{}</option>",
                        k.as_str(),
                        if k == r.kind { " selected" } else { "" },
                        esc(self.tr(kind_msg(k)))
                    );
                }
                h.push_str("</select></div>");
                let pct = match r.state {
                    FileState::Uploading(p) => Some(p),
                    FileState::Uploaded(_) => Some(100),
                    _ => None,
                };
                if let Some(p) = pct {
                    let _ = write!(
                        h,
                        "<progress id=\"p-{}\" max=\"100\" value=\"{p}\" aria-label=\"{}\"></progress>",
                        r.id,
                        esc(&fill(self.tr(Msg::UploadOf), &[&name]))
                    );
                }
                let bad = matches!(r.state, FileState::Invalid(_) | FileState::Failed(_));
                let _ = write!(
                    h,
                    "<p class=\"fstate{}\" id=\"s-{}\">{}</p><div class=\"row\">",
                    if bad { " err" } else { "" },
                    r.id,
                    esc(&self.file_state_text(&r.state))
                );
                let b = |action: &str, class: &str, m: Msg| {
                    format!(
                        "<button type=\"button\" id=\"{action}-{}\" class=\"{class}\" data-action=\"{action}\" data-id=\"{}\" aria-label=\"{}: {}\">{}</button>",
                        r.id,
                        r.id,
                        esc(self.tr(m)),
                        esc(&name),
                        esc(self.tr(m))
                    )
                };
                match r.state {
                    FileState::Uploading(_) => h.push_str(&b("cancel", "secondary", Msg::Cancel)),
                    FileState::Cancelled | FileState::Failed(_) => {
                        h.push_str(&b("retry", "secondary", Msg::Retry));
                        h.push_str(&b("remove", "link", Msg::Remove));
                    }
                    FileState::Ready | FileState::Invalid(_) => {
                        h.push_str(&b("remove", "link", Msg::Remove))
                    }
                    _ => {}
                }
                h.push_str("</div></li>");
            }
            for item in others {
                let _ = write!(
                    h,
                    "<li class=\"file\"><p class=\"fname\">{}</p><p class=\"fstate\">{}</p></li>",
                    esc(self.tr(kind_msg(item.kind))),
                    esc(self.tr(state_msg(item.state)))
                );
            }
            h.push_str("</ul>");
        }
        if self.files.iter().any(|r| r.state == FileState::Ready) {
            let _ = write!(
                h,
                "<p><button type=\"button\" id=\"upload-all\" class=\"primary\" data-action=\"upload-all\">{}</button></p>",
                esc(self.tr(Msg::UploadAll))
            );
        }
        let clave = self
            .status
            .as_ref()
            .map_or(StepState::NotStarted, |s| s.steps.clave);
        let clave_msg = match clave {
            StepState::Done => Some(Msg::ClaveDone),
            StepState::Failed => Some(Msg::ClaveFailed),
            _ if clave == StepState::Pending || self.opened.contains_key("clave") => {
                Some(Msg::ClavePending)
            }
            _ => None,
        };
        let _ = write!(
            h,
            "<div class=\"alt\"><p>{}</p>",
            esc(self.tr(Msg::ClaveIntro))
        );
        if let Some(m) = clave_msg {
            let _ = write!(
                h,
                "<p class=\"{}\">{}</p>",
                if clave == StepState::Failed {
                    "err"
                } else {
                    "ok"
                },
                esc(self.tr(m))
            );
        }
        if clave != StepState::Done {
            let _ = write!(
                h,
                "<button type=\"button\" id=\"clave\" class=\"secondary\" data-action=\"clave\">{}</button>",
                esc(self.tr(Msg::ClaveButton))
            );
        }
        let _ = write!(
            h,
            "</div><div class=\"nav\"><button type=\"button\" id=\"docs-next\" class=\"primary\" data-action=\"docs-next\">{}</button></div>",
            esc(self.tr(Msg::Continue))
        );
        h
    }

    fn identity_dyn(&self) -> String {
        let mut kyc = self
            .status
            .as_ref()
            .map_or(StepState::NotStarted, |s| s.steps.kyc);
        if kyc == StepState::NotStarted && self.opened.contains_key("kyc") {
            kyc = StepState::Pending;
        }
        let mut h = String::new();
        let b = |id: &str, class: &str, m: Msg| {
            format!(
                "<button type=\"button\" id=\"{id}\" class=\"{class}\" data-action=\"kyc\">{}</button>",
                esc(self.tr(m))
            )
        };
        match kyc {
            StepState::Verified => {
                let _ = write!(h, "<p class=\"ok\">{}</p>", esc(self.tr(Msg::KycVerified)));
            }
            StepState::Rejected => {
                let _ = write!(
                    h,
                    "<p class=\"err\" id=\"dyn-focus\" tabindex=\"-1\">{}</p>",
                    esc(self.tr(Msg::KycRejected))
                );
                h.push_str(&b("kyc", "primary", Msg::KycRetry));
                return h;
            }
            StepState::NotStarted => {
                let _ = write!(h, "<p>{}</p>", esc(self.tr(Msg::IdentityIntro)));
                h.push_str(&b("kyc", "primary", Msg::KycButton));
                return h;
            }
            _ => {
                let _ = write!(h, "<p class=\"wait\">{}</p>", esc(self.tr(Msg::KycPending)));
                h.push_str(&b("kyc", "secondary", Msg::KycReopen));
                return h;
            }
        }
        match &self.inquiry {
            Inquiry::NotRun | Inquiry::Running => {
                let _ = write!(
                    h,
                    "<p class=\"wait\">{}</p>",
                    esc(self.tr(Msg::InquiryRunning))
                );
            }
            Inquiry::Asked(inq) => {
                let _ = write!(
                    h,
                    "<form data-action=\"answers\" novalidate><p id=\"dyn-focus\" tabindex=\"-1\">{}</p><div id=\"summary\"></div>",
                    esc(self.tr(Msg::QuestionsIntro))
                );
                for (i, q) in inq
                    .questionnaire
                    .iter()
                    .flat_map(|q| q.questions.iter())
                    .enumerate()
                {
                    let err = self
                        .errors
                        .get(&format!("answers[{i}]"))
                        .map(|e| self.error_text(e));
                    let _ = write!(
                        h,
                        "<fieldset id=\"q-{i}\" data-question=\"{}\"{}><legend>{}</legend>",
                        esc(&q.question_id),
                        if err.is_some() {
                            format!(" aria-describedby=\"q-{i}-e\" aria-invalid=\"true\"")
                        } else {
                            String::new()
                        },
                        esc(&q.question_text)
                    );
                    for (j, c) in q.choices.iter().enumerate() {
                        let checked = self.answers.get(&i) == Some(&c.choice_id);
                        let _ = write!(
                            h,
                            "<div class=\"radio\"><input type=\"radio\" id=\"q-{i}-{j}\" name=\"q-{i}\" value=\"{}\"{}>\
                             <label for=\"q-{i}-{j}\">{}</label></div>",
                            esc(&c.choice_id),
                            if checked { " checked" } else { "" },
                            esc(&c.choice_text)
                        );
                    }
                    let _ = write!(
                        h,
                        "<p class=\"err\" id=\"q-{i}-e\">{}</p></fieldset>",
                        esc(&err.unwrap_or_default())
                    );
                }
                h.push_str(&self.nav(false, self.tr(Msg::SendAnswers)));
                h.push_str("</form>");
            }
            Inquiry::Decided(d) => {
                let class = match d {
                    Decision::Allow => "ok",
                    Decision::Deny => "err",
                    _ => "wait",
                };
                let _ = write!(
                    h,
                    "<p class=\"{class}\" id=\"dyn-focus\" tabindex=\"-1\">{}</p><div class=\"nav\">\
                     <button type=\"button\" id=\"identity-next\" class=\"primary\" data-action=\"identity-next\">{}</button></div>",
                    esc(self.tr(decision_msg(*d))),
                    esc(self.tr(Msg::Continue))
                );
            }
        }
        h
    }

    fn bank_dyn(&self) -> String {
        let mut bank = self
            .status
            .as_ref()
            .map_or(StepState::NotStarted, |s| s.steps.bank);
        if bank == StepState::NotStarted && self.opened.contains_key("bank-connections") {
            bank = StepState::Pending;
        }
        let mut h = format!("<p>{}</p>", esc(self.tr(Msg::BankIntro)));
        let connect = |m: Msg, class: &str| {
            format!(
                "<button type=\"button\" id=\"bank\" class=\"{class}\" data-action=\"bank\">{}</button>",
                esc(self.tr(m))
            )
        };
        let next = |m: Msg, class: &str| {
            format!(
                "<button type=\"button\" id=\"bank-next\" class=\"{class}\" data-action=\"bank-next\">{}</button>",
                esc(self.tr(m))
            )
        };
        let (status, first, second) = match bank {
            StepState::NotStarted => (
                None,
                connect(Msg::BankButton, "primary"),
                next(Msg::Skip, "link"),
            ),
            StepState::Done => (
                Some(("ok", Msg::BankDone)),
                next(Msg::Continue, "primary"),
                String::new(),
            ),
            StepState::Failed => (
                Some(("err", Msg::BankFailed)),
                connect(Msg::Retry, "secondary"),
                next(Msg::Skip, "link"),
            ),
            _ => (
                Some(("wait", Msg::BankPending)),
                next(Msg::Continue, "primary"),
                connect(Msg::KycReopen, "secondary"),
            ),
        };
        if let Some((class, m)) = status {
            let _ = write!(h, "<p class=\"{class}\">{}</p>", esc(self.tr(m)));
        }
        let _ = write!(h, "<div class=\"nav\">{first}{second}</div>");
        h
    }

    /// The summary's rows: label and state.
    pub fn status_rows(&self) -> Vec<(Msg, StepState)> {
        let Some(s) = &self.status else {
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

    fn summary_dyn(&self) -> String {
        let mut h = format!(
            "<p>{}</p><dl class=\"status\" id=\"status-list\">",
            esc(self.tr(Msg::SummaryIntro))
        );
        for (label, state) in self.status_rows() {
            let _ = write!(
                h,
                "<div class=\"srow\"><dt>{}</dt><dd class=\"{}\">{}</dd></div>",
                esc(self.tr(label)),
                class_of(state),
                esc(self.tr(state_msg(state)))
            );
        }
        h.push_str("</dl>");
        if let Some(s) = &self.status {
            let _ = write!(
                h,
                "<p class=\"muted\">{}</p>",
                esc(&fill(self.tr(Msg::SummaryLive), &[&s.updated_at]))
            );
        }
        h
    }

    // -----------------------------------------------------------------------------------
    // Patches

    /// Shows or clears the message under the input at `path`.
    pub fn show_error(&self, path: &str) {
        let id = field_id(path);
        let text = self.errors.get(path).map(|e| self.error_text(e));
        if let Some(el) = by_id(&self.root, &format!("{id}-e")) {
            el.set_text_content(text.as_deref());
        }
        if let Some(input) = by_id(&self.root, &id) {
            let mut described = Vec::new();
            if by_id(&self.root, &format!("{id}-h")).is_some() {
                described.push(format!("{id}-h"));
            }
            if text.is_some() {
                described.push(format!("{id}-e"));
                let _ = input.set_attribute("aria-invalid", "true");
            } else {
                let _ = input.remove_attribute("aria-invalid");
            }
            if described.is_empty() {
                let _ = input.remove_attribute("aria-describedby");
            } else {
                let _ = input.set_attribute("aria-describedby", &described.join(" "));
            }
        }
    }

    fn render_errors_quietly(&self) {
        for path in self.step_fields() {
            self.show_error(&path);
        }
    }

    /// After a submit: every field's message, the summary at the top, an announcement,
    /// and focus on the first field in error (`first`) or on the summary.
    pub fn render_errors(&self, first: Option<&str>) {
        self.render_errors_quietly();
        let Some(summary) = by_id(&self.root, "summary") else {
            return;
        };
        if self.errors.is_empty() {
            summary.set_inner_html("");
            return;
        }
        let names: Vec<String> = self
            .errors
            .iter()
            .map(|(path, e)| {
                if path.is_empty() || path.starts_with("answers") {
                    self.error_text(e)
                } else {
                    form::label(self.locale, path)
                }
            })
            .collect();
        let text = fill(self.tr(Msg::FixErrors), &[&names.join(", ")]);
        summary.set_inner_html(&format!(
            "<p class=\"notice err\" id=\"summary-text\" tabindex=\"-1\">{}</p>",
            esc(&text)
        ));
        self.announce(&text);
        let target = first
            .map(field_id)
            .and_then(|id| by_id(&self.root, &id))
            .or_else(|| by_id(&self.root, "summary-text"));
        if let Some(el) = target {
            dom::focus(&el);
        }
    }

    /// Updates one file's progress bar and text without redrawing the list.
    pub fn show_progress(&self, id: u32, pct: u32) {
        let pct = pct.to_string();
        if let Some(el) = by_id(&self.root, &format!("p-{id}")) {
            let _ = el.set_attribute("value", &pct);
        }
        if let Some(el) = by_id(&self.root, &format!("s-{id}")) {
            el.set_text_content(Some(&fill(self.tr(Msg::FileUploading), &[&pct])));
        }
    }

    /// Says `text` through the polite live region.
    pub fn announce(&self, text: &str) {
        if let Some(el) = by_id(&self.root, "live") {
            el.set_text_content(Some(text));
        }
    }
}

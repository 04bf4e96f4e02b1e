//! The journey: state, the actions behind every button, and the calls to the edge.
//! HTML lives in `view`; rules and messages in onboarding-core.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use onboarding_core::document::{self, ContentType, DocumentKind};
use onboarding_core::model::Product;
use onboarding_core::model::identity::{
    Answer, AnswersRequest, AnswersResponse, Decision, PublicInquiry,
};
use onboarding_core::model::problem::Problem;
use onboarding_core::model::status::{Status, StepState};
use onboarding_core::validate::{self, ValidationError};
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    AbortController, Event, File, HtmlElement, HtmlInputElement, ShadowRoot, XmlHttpRequest,
};

use crate::api::{self, ApiError, Edge};
use crate::dom::{self, by_id};
use crate::form;
use crate::i18n::{Locale, Msg, t};
use crate::map::{Map, Set};
use crate::resume::{self, Saved};
use crate::sse::SseParser;
use crate::{device, events, upload};

/// Shared handle to the journey (event listeners and async tasks hold clones).
pub type Shared = Rc<RefCell<App>>;

/// Mount options (camelCase in JS; see `js/onboarding.d.ts`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The agency's publishable key.
    pub publishable_key: String,
    /// Edge origin (default: where the loader came from).
    pub api_base: String,
    /// `es` / `en`; default from the browser.
    pub locale: Option<String>,
    /// Optional device-data collector URL (`?s=<id>` is added).
    pub device_data_collector_url: Option<String>,
    /// The property reference.
    pub product_id: Option<String>,
    /// The monthly rent.
    pub requested_amount: Option<String>,
    /// The widget's stylesheet URL (linked into the shadow root).
    pub style_url: Option<String>,
    /// Its Subresource Integrity (`sha384-…`), set by the versioned loader.
    pub style_integrity: Option<String>,
    /// Terms and privacy page.
    pub terms_url: Option<String>,
    /// Credit-check information page.
    pub credit_check_url: Option<String>,
}

impl Options {
    /// Reads the options object passed to `mount`.
    pub fn from_js(v: &JsValue) -> Options {
        let p = |k| dom::prop(v, k);
        Options {
            publishable_key: p("publishableKey").unwrap_or_default(),
            api_base: p("apiBase")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            locale: p("locale"),
            device_data_collector_url: p("deviceDataCollectorUrl"),
            product_id: p("productId"),
            requested_amount: p("requestedAmount"),
            style_url: p("styleUrl"),
            style_integrity: p("styleIntegrity"),
            terms_url: p("termsUrl"),
            credit_check_url: p("creditCheckUrl"),
        }
    }
}

/// The steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Terms and credit-check consent.
    Consent,
    /// Applicant (and co-applicant) details.
    Details,
    /// Uploads or Cl@ve.
    Documents,
    /// KYC, identity inquiry, step-up questions.
    Identity,
    /// Optional bank connection.
    Bank,
    /// Live status.
    Summary,
    /// Finished.
    Done,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 7] = [
        Step::Consent,
        Step::Details,
        Step::Documents,
        Step::Identity,
        Step::Bank,
        Step::Summary,
        Step::Done,
    ];

    /// Name used in events and in the resume state.
    pub fn name(self) -> &'static str {
        match self {
            Step::Consent => "consent",
            Step::Details => "details",
            Step::Documents => "documents",
            Step::Identity => "identity",
            Step::Bank => "bank",
            Step::Summary => "summary",
            Step::Done => "done",
        }
    }

    /// The heading.
    pub fn title(self) -> Msg {
        match self {
            Step::Consent => Msg::StepConsent,
            Step::Details => Msg::StepDetails,
            Step::Documents => Msg::StepDocuments,
            Step::Identity => Msg::StepIdentity,
            Step::Bank => Msg::StepBank,
            Step::Summary => Msg::StepSummary,
            Step::Done => Msg::StepDone,
        }
    }

    fn from_name(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.name() == s)
    }
}

/// An error shown under an input: core's (re-localised on a language switch) or the
/// edge's message as received.
#[derive(Debug, Clone)]
pub enum FieldError {
    /// From core's validation in the browser.
    Core(ValidationError),
    /// From an edge 422.
    Edge(String),
}

/// A chosen file's upload state.
#[derive(Debug, Clone, PartialEq)]
pub enum FileState {
    /// Being checked by core (size, magic bytes).
    Checking,
    /// Core refused it (message already localised by core at check time).
    Invalid(ValidationError),
    /// Ready to upload.
    Ready,
    /// Uploading, percent done.
    Uploading(u32),
    /// Accepted by the edge.
    Uploaded(String),
    /// Cancelled by the applicant.
    Cancelled,
    /// Failed (message).
    Failed(String),
}

/// A chosen file.
#[derive(Debug, Clone)]
pub struct FileRow {
    /// Row id.
    pub id: u32,
    /// The file.
    pub file: File,
    /// Chosen kind.
    pub kind: DocumentKind,
    /// Content type decided by core from the first bytes.
    pub content_type: Option<ContentType>,
    /// One key per file: a retry sends the same one.
    pub idempotency_key: String,
    /// State.
    pub state: FileState,
    xhr: Option<XmlHttpRequest>,
}

/// The identity inquiry.
#[derive(Debug, Clone, PartialEq)]
pub enum Inquiry {
    /// Not run yet.
    NotRun,
    /// Running.
    Running,
    /// Step-up questions to answer.
    Asked(PublicInquiry),
    /// Final decision.
    Decided(Decision),
}

/// Hosted pages the widget opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hosted {
    /// Identity verification.
    Kyc,
    /// Bank connection.
    Bank,
    /// Cl@ve retrieval.
    Clave,
}

impl Hosted {
    fn path(self) -> &'static str {
        match self {
            Hosted::Kyc => "kyc",
            Hosted::Bank => "bank-connections",
            Hosted::Clave => "clave",
        }
    }
}

/// The whole journey's state.
pub struct App {
    /// The `<tenant-onboarding>` element (events are dispatched on it).
    pub host: HtmlElement,
    /// Its shadow root.
    pub root: ShadowRoot,
    /// Options.
    pub opts: Options,
    /// Current language.
    pub locale: Locale,
    /// Current step.
    pub step: Step,
    /// Form values by field path.
    pub values: BTreeMap<String, String>,
    /// Inputs the applicant has left at least once.
    pub touched: Set<String>,
    /// Errors shown, by field path (`""` for the form as a whole).
    pub errors: Map<String, FieldError>,
    /// A co-applicant or guarantor is added.
    pub co_applicant: bool,
    /// The onboarding's device session id.
    pub device_session_id: String,
    /// Idempotency key of `POST /v1/tenants` for this onboarding.
    pub tenant_key: String,
    /// Tenant id and its token, once created.
    pub tenant: Option<(String, String)>,
    /// Chosen files.
    pub files: Vec<FileRow>,
    next_file: u32,
    /// Latest status.
    pub status: Option<Status>,
    /// Identity inquiry.
    pub inquiry: Inquiry,
    /// Chosen answers by question index.
    pub answers: Map<usize, String>,
    /// Hosted pages opened in this page's life.
    pub opened: Set<&'static str>,
    /// A call is in flight (buttons show "One moment…").
    pub busy: bool,
    /// A message above the step (`true`: an error).
    pub notice: Option<(Msg, bool)>,
    /// The session opened at mount: token and expiry (ms since the epoch).
    pub session: Option<(String, f64)>,
    /// The edge refused the publishable key on this page's origin: the journey is
    /// replaced by a short "not available here" message.
    pub refused: bool,
    sse: Option<AbortController>,
}

fn random_key() -> String {
    device::new_session_id().unwrap_or_default()
}

impl App {
    fn new(host: HtmlElement, root: ShadowRoot, opts: Options) -> App {
        let locale = match &opts.locale {
            Some(l) => Locale::negotiate(l),
            None => Locale::negotiate(&dom::browser_languages()),
        };
        let mut values = BTreeMap::new();
        form::defaults(&mut values);
        App {
            host,
            root,
            opts,
            locale,
            step: Step::Consent,
            values,
            touched: Set::new(),
            errors: Map::new(),
            co_applicant: false,
            device_session_id: String::new(),
            tenant_key: random_key(),
            tenant: None,
            files: Vec::new(),
            next_file: 1,
            status: None,
            inquiry: Inquiry::NotRun,
            answers: Map::new(),
            opened: Set::new(),
            busy: false,
            notice: None,
            session: None,
            refused: false,
            sse: None,
        }
    }

    /// The edge client in the current language.
    pub fn edge(&self) -> Edge {
        Edge {
            base: self.opts.api_base.clone(),
            lang: self.locale.as_str(),
        }
    }

    fn storage_key(&self) -> String {
        format!("tenant-onboarding:{}", self.opts.publishable_key)
    }

    /// Makes the device session id once per onboarding and hands it to the collector.
    fn ensure_device_session(&mut self) {
        if self.device_session_id.is_empty() {
            self.device_session_id = device::new_session_id().unwrap_or_default();
            if let Some(url) = &self.opts.device_data_collector_url {
                device::notify_collector(url, &self.device_session_id);
            }
        }
    }

    fn save(&self) {
        if let Some((id, token)) = &self.tenant {
            resume::save(
                &self.storage_key(),
                &Saved {
                    tenant_id: id.clone(),
                    token: token.clone(),
                    step: self.step.name().to_owned(),
                    device_session_id: self.device_session_id.clone(),
                },
            );
        }
    }

    /// Field paths of the inputs on the current step.
    pub fn step_fields(&self) -> Vec<String> {
        match self.step {
            Step::Consent => form::CONSENT.iter().map(|s| (*s).to_owned()).collect(),
            Step::Details => {
                let roots = if self.co_applicant {
                    &form::ROOTS[..]
                } else {
                    &form::ROOTS[..1]
                };
                roots
                    .iter()
                    .flat_map(|r| form::PERSON.iter().map(move |f| format!("{r}.{}", f.key)))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The text of an error in the current language.
    pub fn error_text(&self, e: &FieldError) -> String {
        match e {
            FieldError::Core(v) => form::message(self.locale, v),
            FieldError::Edge(m) => m.clone(),
        }
    }

    fn product(&self) -> Option<Product> {
        if self.opts.product_id.is_none() && self.opts.requested_amount.is_none() {
            return None;
        }
        Some(Product {
            product_type: Some("rental".to_owned()),
            product_id: self.opts.product_id.clone(),
            requested_amount: self.opts.requested_amount.clone(),
            ..Product::default()
        })
    }

    /// Puts `errors` on their inputs (or on the form when no input matches). Returns
    /// the path of the first input with an error.
    fn place_errors(&mut self, errors: Vec<(String, FieldError)>) -> Option<String> {
        let fields = self.step_fields();
        let mut first = None;
        for (path, err) in errors {
            let target = fields
                .iter()
                .find(|f| **f == path)
                .or_else(|| fields.iter().find(|f| f.starts_with(&path)))
                .cloned()
                .unwrap_or_default();
            if first.is_none() && !target.is_empty() {
                first = Some(target.clone());
            }
            self.touched.insert(target.clone(), ());
            self.errors.insert_if_absent(target, err);
        }
        first
    }
}

// ---------------------------------------------------------------------------------------
// Mounting and event delegation

/// Mounts the journey into `host`'s shadow root and wires its listeners.
pub fn mount(host: HtmlElement, opts: Options) -> Result<Shared, JsValue> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?,
    };
    let mut opts = opts;
    if opts.api_base.is_empty() {
        opts.api_base = dom::window().location().origin()?;
    }
    let app = Rc::new(RefCell::new(App::new(host, root.clone(), opts)));
    {
        let mut a = app.borrow_mut();
        let saved = resume::load(&a.storage_key());
        if let Some(s) = saved
            .as_ref()
            .filter(|s| Step::from_name(&s.step).is_some())
        {
            a.tenant = Some((s.tenant_id.clone(), s.token.clone()));
            a.device_session_id = s.device_session_id.clone();
            a.step = Step::from_name(&s.step).unwrap_or(Step::Documents);
            a.notice = Some((Msg::Resumed, false));
        }
        a.render_shell();
    }
    for name in [
        "click",
        "input",
        "change",
        "focusout",
        "submit",
        "dragover",
        "dragleave",
        "drop",
    ] {
        let app = app.clone();
        let listener = Closure::<dyn FnMut(Event)>::new(move |e: Event| on_event(&app, &e));
        root.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())?;
        listener.forget();
    }
    let resumed = app.borrow().tenant.is_some();
    if resumed {
        start_events(&app);
        refresh_status(&app);
        keep_token_fresh(&app, 0);
    } else {
        check_session(&app);
    }
    {
        let a = app.borrow();
        dom::emit(
            &a.host,
            "onboarding:ready",
            &dom::object(&[("step", a.step.name()), ("locale", a.locale.as_str())]),
        );
    }
    Ok(app)
}

/// Stops the live stream and empties the shadow root.
pub fn unmount(app: &Shared) {
    let mut a = app.borrow_mut();
    if let Some(c) = a.sse.take() {
        c.abort();
    }
    a.root.set_inner_html("");
}

/// Switches language, keeping every value entered.
pub fn set_locale(app: &Shared, tag: &str) {
    let mut a = app.borrow_mut();
    a.locale = Locale::negotiate(tag);
    a.render_shell();
}

fn target_el(e: &Event) -> Option<web_sys::Element> {
    e.composed_path().get(0).dyn_into().ok()
}

fn on_event(app: &Shared, e: &Event) {
    let Some(el) = target_el(e) else { return };
    if app.try_borrow_mut().is_err() {
        // An event fired synchronously by the widget's own DOM update.
        return;
    }
    match e.type_().as_str() {
        "submit" => {
            e.prevent_default();
            if let Some(action) = el.get_attribute("data-action") {
                act(app, &action, "");
            }
        }
        "click" => {
            if let Ok(Some(btn)) = el.closest("button[data-action]") {
                let action = btn.get_attribute("data-action").unwrap_or_default();
                let id = btn.get_attribute("data-id").unwrap_or_default();
                if btn.get_attribute("type").as_deref() != Some("submit") {
                    act(app, &action, &id);
                }
            }
        }
        "input" | "change" => on_input(app, &el, e.type_() == "change"),
        "focusout" => {
            if let Some(name) = el.get_attribute("name") {
                let mut a = app.borrow_mut();
                if a.step_fields().contains(&name) {
                    a.touched.insert(name.clone(), ());
                    a.check_field(&name);
                }
            }
        }
        "dragover" | "dragleave" | "drop" => {
            if let Ok(Some(zone)) = el.closest(".drop") {
                e.prevent_default();
                let over = e.type_() == "dragover";
                let _ = zone.class_list().toggle_with_force("over", over);
                if e.type_() == "drop"
                    && let Some(files) = e
                        .dyn_ref::<web_sys::DragEvent>()
                        .and_then(|d| d.data_transfer())
                        .and_then(|dt| dt.files())
                {
                    add_files(app, &files);
                }
            }
        }
        _ => {}
    }
}

fn on_input(app: &Shared, el: &web_sys::Element, is_change: bool) {
    let Some(name) = el.get_attribute("name") else {
        return;
    };
    let input = el.dyn_ref::<HtmlInputElement>();
    let value = match input {
        Some(i) if i.type_() == "checkbox" => i.checked().to_string(),
        Some(i) => i.value(),
        None => js_sys::Reflect::get(el, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
    };
    if name == "files" || name == "camera" {
        if let Some(files) = input.and_then(|i| i.files()) {
            add_files(app, &files);
            if let Some(i) = input {
                i.set_value("");
            }
        }
        return;
    }
    let mut a = app.borrow_mut();
    if name == "coApplicant" {
        if is_change {
            a.co_applicant = value == "true";
            a.render_step(false);
            if let Some(el) = by_id(&a.root, "co-toggle") {
                dom::focus(&el);
            }
        }
        return;
    }
    if let Some(id) = name
        .strip_prefix("kind-")
        .and_then(|s| s.parse::<u32>().ok())
    {
        if let (Some(row), Ok(kind)) = (a.files.iter_mut().find(|r| r.id == id), value.parse()) {
            row.kind = kind;
        }
        return;
    }
    if let Some(i) = name
        .strip_prefix("q-")
        .and_then(|s| s.parse::<usize>().ok())
    {
        a.answers.insert(i, value);
        return;
    }
    a.values.insert(name.clone(), value);
    let is_checkbox = input.is_some_and(|i| i.type_() == "checkbox");
    if a.errors.contains_key(&name) || (is_checkbox && a.touched.contains_key(&name)) {
        a.check_field(&name);
    }
}

impl App {
    /// Runs core's rule for one input and shows or clears its message.
    fn check_field(&mut self, path: &str) {
        match form::validate_one(&self.values, path, dom::today()) {
            Some(err) => {
                self.errors.insert(path.to_owned(), FieldError::Core(err));
            }
            None => {
                self.errors.remove(path);
            }
        }
        self.show_error(path);
    }
}

fn act(app: &Shared, action: &str, id: &str) {
    if app.borrow().busy && !matches!(action, "cancel" | "lang" | "exit") {
        return;
    }
    let num = id.parse::<u32>().unwrap_or(0);
    match action {
        "lang" => {
            let mut a = app.borrow_mut();
            a.locale = Locale::negotiate(id);
            a.render_shell();
            if let Some(el) = by_id(&a.root, &format!("lang-{id}")) {
                dom::focus(&el);
            }
        }
        "exit" => {
            let a = app.borrow();
            dom::emit(
                &a.host,
                "onboarding:exit",
                &dom::object(&[("step", a.step.name())]),
            );
        }
        "start" => submit_consent(app),
        "back" => go(app, Step::Consent),
        "details" => submit_details(app),
        "pick" | "camera" => {
            let a = app.borrow();
            let input = if action == "pick" { "files" } else { "camera" };
            if let Some(input) =
                by_id(&a.root, input).and_then(|e| e.dyn_into::<HtmlElement>().ok())
            {
                input.click();
            }
        }
        "upload-all" => {
            let ids: Vec<u32> = app
                .borrow()
                .files
                .iter()
                .filter(|r| r.state == FileState::Ready)
                .map(|r| r.id)
                .collect();
            for id in ids {
                upload_file(app, id);
            }
        }
        "retry" => upload_file(app, num),
        "cancel" => {
            if let Some(xhr) = app
                .borrow()
                .files
                .iter()
                .find(|r| r.id == num)
                .and_then(|r| r.xhr.clone())
            {
                let _ = xhr.abort();
            }
        }
        "remove" => {
            let mut a = app.borrow_mut();
            a.files.retain(|r| r.id != num);
            a.refresh();
            if let Some(el) = by_id(&a.root, "pick") {
                dom::focus(&el);
            }
        }
        "clave" => open_hosted(app, Hosted::Clave),
        "docs-next" => {
            let ok = app.borrow().has_documents();
            if ok {
                go(app, Step::Identity);
            } else {
                let mut a = app.borrow_mut();
                a.notice = Some((Msg::NeedDocument, true));
                a.show_notice();
                if let Some(el) = by_id(&a.root, "pick") {
                    dom::focus(&el);
                }
            }
        }
        "kyc" => open_hosted(app, Hosted::Kyc),
        "answers" => submit_answers(app),
        "identity-next" => go(app, Step::Bank),
        "bank" => open_hosted(app, Hosted::Bank),
        "bank-next" => go(app, Step::Summary),
        _ => {}
    }
}

/// Moves to `step`: renders it, focuses its heading, saves the resume state and tells
/// the page.
pub fn go(app: &Shared, step: Step) {
    {
        let mut a = app.borrow_mut();
        a.step = step;
        a.notice = None;
        a.errors.clear();
        a.render_step(true);
        a.save();
        let index = Step::ALL.iter().position(|s| *s == step).unwrap_or(0) + 1;
        dom::emit(
            &a.host,
            "onboarding:step",
            &dom::object(&[("step", step.name()), ("index", &index.to_string())]),
        );
        let title = t(a.locale, step.title());
        a.announce(title);
    }
    match step {
        Step::Identity => maybe_run_inquiry(app),
        Step::Summary => {
            let complete = app.borrow().status.as_ref().is_some_and(|s| s.complete);
            if complete {
                finish(app);
            }
        }
        _ => {}
    }
}

fn finish(app: &Shared) {
    go(app, Step::Done);
    let mut a = app.borrow_mut();
    if let Some(c) = a.sse.take() {
        c.abort();
    }
    resume::clear(&a.storage_key());
    let id = a
        .tenant
        .as_ref()
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    dom::emit(
        &a.host,
        "onboarding:complete",
        &dom::object(&[("tenantId", &id)]),
    );
}

/// The session or tenant token is gone: start again from a clean state, saying so.
/// How often the tenant token is renewed (tokens live an hour; a KYC can take long).
const TOKEN_REFRESH_MS: i32 = 20 * 60 * 1000;

/// Renews the tenant token after `first_ms`, then every [`TOKEN_REFRESH_MS`], while
/// the onboarding is open and the widget is on the page. A network failure is retried
/// a minute later; a refused token starts again as an expired one does.
fn keep_token_fresh(app: &Shared, first_ms: i32) {
    let app = app.clone();
    spawn_local(async move {
        let mut wait = first_ms;
        loop {
            dom::sleep(wait).await;
            let Some((edge, id, token)) = ({
                let a = app.borrow();
                a.tenant
                    .clone()
                    .filter(|_| a.host.is_connected())
                    .map(|(id, token)| (a.edge(), id, token))
            }) else {
                return;
            };
            let path = format!("/v1/tenants/{id}/session");
            wait = match edge
                .call::<api::Session>("POST", &path, Some(&token), None, None)
                .await
            {
                Ok(s) => {
                    let mut a = app.borrow_mut();
                    // Still the same tenant (no restart meanwhile): keep the new token.
                    if let Some((tid, t)) = a.tenant.as_mut()
                        && *tid == id
                    {
                        *t = s.session_token;
                        a.save();
                    }
                    TOKEN_REFRESH_MS
                }
                Err(e) if e.is_expired() => return expired(&app),
                // Complete (409), or a token for another tenant: nothing to keep fresh.
                Err(ApiError::Status(..)) => return,
                Err(ApiError::Network) => 60_000,
            };
        }
    });
}

fn expired(app: &Shared) {
    {
        let mut a = app.borrow_mut();
        if let Some(c) = a.sse.take() {
            c.abort();
        }
        resume::clear(&a.storage_key());
        a.tenant = None;
        a.files.clear();
        a.status = None;
        a.inquiry = Inquiry::NotRun;
        a.answers.clear();
        a.opened.clear();
        a.busy = false;
        a.device_session_id.clear();
        a.tenant_key = random_key();
        a.step = Step::Consent;
        a.errors.clear();
        a.notice = Some((Msg::SessionExpired, true));
        a.render_step(true);
        let text = t(a.locale, Msg::SessionExpired);
        a.announce(text);
        dom::emit(
            &a.host,
            "onboarding:error",
            &dom::object(&[("code", "session_expired")]),
        );
    }
}

/// A call failed: expired tokens restart; anything else is shown above the step.
fn failed(app: &Shared, err: &ApiError) {
    if err.is_expired() {
        expired(app);
        return;
    }
    let mut a = app.borrow_mut();
    a.busy = false;
    let msg = if matches!(err, ApiError::Network) {
        Msg::NetworkError
    } else {
        Msg::GenericError
    };
    a.notice = Some((msg, true));
    a.refresh();
    a.show_notice();
    let text = t(a.locale, msg);
    a.announce(text);
    dom::emit(
        &a.host,
        "onboarding:error",
        &dom::object(&[("code", err.code())]),
    );
}

fn set_busy(app: &Shared, busy: bool) {
    let mut a = app.borrow_mut();
    a.busy = busy;
    a.refresh();
}

// ---------------------------------------------------------------------------------------
// Consent and details

fn submit_consent(app: &Shared) {
    let first = {
        let mut a = app.borrow_mut();
        let errors: Vec<_> = form::CONSENT
            .iter()
            .filter_map(|p| form::validate_one(&a.values, p, dom::today()))
            .map(|e| (e.field.clone(), FieldError::Core(e)))
            .collect();
        a.errors.clear();
        let first = a.place_errors(errors);
        a.render_errors(first.as_deref());
        first
    };
    if first.is_none() {
        app.borrow_mut().ensure_device_session();
        go(app, Step::Details);
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionBody<'a> {
    publishable_key: &'a str,
}

/// `POST /v1/sessions`.
async fn open_session(edge: &Edge, key: &str) -> Result<api::Session, ApiError> {
    let body = api::to_json(&SessionBody {
        publishable_key: key,
    })?;
    edge.call("POST", "/v1/sessions", None, Some(body), None)
        .await
}

/// A session token still good for a minute, or a new one.
async fn session_token(app: &Shared) -> Result<String, ApiError> {
    let (edge, key, held) = {
        let a = app.borrow();
        (a.edge(), a.opts.publishable_key.clone(), a.session.clone())
    };
    if let Some((token, expires)) = held
        && expires - js_sys::Date::now() > 60_000.0
    {
        return Ok(token);
    }
    let s = open_session(&edge, &key).await?;
    let token = s.session_token.clone();
    app.borrow_mut().session = Some((s.session_token, expiry_ms(&s.expires_at)));
    Ok(token)
}

fn expiry_ms(iso: &str) -> f64 {
    let ms = js_sys::Date::parse(iso);
    if ms.is_nan() { 0.0 } else { ms }
}

/// At mount, before the applicant types anything: is this key allowed on this page's
/// origin? A refusal replaces the journey with a short message, emits
/// `onboarding:error {code: "forbidden_origin"}` and tells the integrator once on the
/// console. No answer at all (offline, edge down, 5xx, 429) is not a refusal: the
/// journey stays usable and the check is retried with back-off.
fn check_session(app: &Shared) {
    let app = app.clone();
    spawn_local(async move {
        let mut wait = 1000;
        loop {
            match session_token(&app).await {
                Ok(_) => return,
                Err(ApiError::Status(403, _)) => return refuse(&app),
                Err(_) => {
                    dom::sleep(wait).await;
                    wait = (wait * 2).min(30_000);
                }
            }
            // Created meanwhile (the details were submitted), or taken off the page.
            let a = app.borrow();
            if a.tenant.is_some() || !a.host.is_connected() {
                return;
            }
        }
    });
}

fn refuse(app: &Shared) {
    let mut a = app.borrow_mut();
    a.refused = true;
    let origin = dom::window().location().origin().unwrap_or_default();
    web_sys::console::warn_1(&JsValue::from_str(&format!(
        "<tenant-onboarding>: the publishable key \"{}\" is not allowed on the origin {origin} \
         (or is unknown). Add {origin} to the key's allowed origins.",
        a.opts.publishable_key
    )));
    a.render_step(false);
    dom::emit(
        &a.host,
        "onboarding:error",
        &dom::object(&[("code", "forbidden_origin")]),
    );
}

fn submit_details(app: &Shared) {
    let body = {
        let mut a = app.borrow_mut();
        a.ensure_device_session();
        let req = form::request(&a.values, a.co_applicant, a.product(), &a.device_session_id);
        let errors: Vec<_> = form::validate_all(&req, dom::today())
            .into_iter()
            .map(|e| (e.field.clone(), FieldError::Core(e)))
            .collect();
        a.errors.clear();
        let first = a.place_errors(errors);
        if !a.errors.is_empty() {
            a.render_errors(first.as_deref());
            return;
        }
        api::to_json(&req)
    };
    let Ok(body) = body else { return };
    set_busy(app, true);
    let app = app.clone();
    spawn_local(async move {
        let (edge, idem) = {
            let a = app.borrow();
            (a.edge(), a.tenant_key.clone())
        };
        let mut result = Err(ApiError::Network);
        for _ in 0..2 {
            result = match session_token(&app).await {
                Ok(token) => {
                    edge.call::<api::Created>(
                        "POST",
                        "/v1/tenants",
                        Some(&token),
                        Some(body.clone()),
                        Some(&idem),
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            // A session token the edge no longer takes: get a new one once.
            if !result.as_ref().is_err_and(|e| e.is_expired()) {
                break;
            }
            app.borrow_mut().session = None;
        }
        match result {
            Ok(created) => {
                {
                    let mut a = app.borrow_mut();
                    a.busy = false;
                    a.tenant = Some((created.tenant_id, created.session_token));
                }
                start_events(&app);
                keep_token_fresh(&app, TOKEN_REFRESH_MS);
                go(&app, Step::Documents);
            }
            Err(ApiError::Status(422, Some(problem))) => show_problem(&app, &problem),
            Err(e) => failed(&app, &e),
        }
    });
}

/// Puts an edge 422's field errors on the same inputs core's errors use.
fn show_problem(app: &Shared, problem: &Problem) {
    let mut a = app.borrow_mut();
    a.busy = false;
    a.errors.clear();
    let errors = if problem.errors.is_empty() {
        vec![(String::new(), FieldError::Edge(problem.title.clone()))]
    } else {
        problem
            .errors
            .iter()
            .map(|m| (m.field.clone(), FieldError::Edge(m.message.clone())))
            .collect()
    };
    let first = a.place_errors(errors);
    a.refresh();
    a.render_errors(first.as_deref());
}

// ---------------------------------------------------------------------------------------
// Documents

fn add_files(app: &Shared, list: &web_sys::FileList) {
    let mut added = Vec::new();
    {
        let mut a = app.borrow_mut();
        for i in 0..list.length() {
            let Some(file) = list.get(i) else { continue };
            let id = a.next_file;
            a.next_file += 1;
            a.files.push(FileRow {
                id,
                file: file.clone(),
                kind: DocumentKind::Payslip,
                content_type: None,
                idempotency_key: random_key(),
                state: FileState::Checking,
                xhr: None,
            });
            added.push((id, file));
        }
        a.notice = None;
        a.show_notice();
        a.refresh();
    }
    for (id, file) in added {
        let app = app.clone();
        spawn_local(async move {
            // Core decides from the first bytes and the size, as the edge will.
            let size = file.size() as u64;
            let head = head_of(&file).await;
            let max = document::DEFAULT_MAX_BYTES;
            let mut verdict = document::check_document(&head, Some(size), max);
            let mut file = file;
            // A photo over the limit is made smaller, then checked again by core.
            if document::is_scalable_photo(&head, &verdict)
                && let Some(smaller) = upload::shrink(&file, max).await
            {
                let head = head_of(&smaller).await;
                verdict = document::check_document(&head, Some(smaller.size() as u64), max);
                file = smaller;
            }
            let mut a = app.borrow_mut();
            if let Some(row) = a.files.iter_mut().find(|r| r.id == id) {
                row.file = file;
                match verdict {
                    Ok(ct) => {
                        row.content_type = Some(ct);
                        row.state = FileState::Ready;
                    }
                    Err(e) => row.state = FileState::Invalid(e.to_validation_error("file")),
                }
            }
            a.refresh();
        });
    }
}

/// The first bytes of `file`, for core's sniffer.
async fn head_of(file: &File) -> Vec<u8> {
    match file.slice_with_i32_and_i32(0, document::SNIFF_LEN as i32) {
        Ok(blob) => wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map(|b| js_sys::Uint8Array::new(&b).to_vec())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

fn upload_file(app: &Shared, id: u32) {
    let Ok(xhr) = XmlHttpRequest::new() else {
        return;
    };
    let job = {
        let mut a = app.borrow_mut();
        let edge = a.edge();
        let Some((tenant_id, token)) = a.tenant.clone() else {
            return;
        };
        let Some(row) = a.files.iter_mut().find(|r| r.id == id) else {
            return;
        };
        if !matches!(
            row.state,
            FileState::Ready | FileState::Cancelled | FileState::Failed(_)
        ) {
            return;
        }
        row.state = FileState::Uploading(0);
        row.xhr = Some(xhr.clone());
        let job = (
            format!(
                "{}/v1/tenants/{}/documents?kind={}",
                edge.base,
                tenant_id,
                row.kind.as_str()
            ),
            format!("Bearer {token}"),
            row.idempotency_key.clone(),
            row.content_type
                .map_or("application/octet-stream", |c| c.mime()),
            row.file.clone(),
            edge.lang,
        );
        a.refresh();
        let name = a
            .files
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.file.name())
            .unwrap_or_default();
        let text = format!("{}: {name}", t(a.locale, Msg::Upload));
        a.announce(&text);
        job
    };
    let app = app.clone();
    spawn_local(async move {
        let (url, auth, key, ctype, file, lang) = job;
        let headers = [
            ("Authorization", auth.as_str()),
            ("Idempotency-Key", key.as_str()),
            ("Content-Type", ctype),
            ("Accept-Language", lang),
        ];
        let progress_app = app.clone();
        let result = upload::send(&xhr, "POST", &url, &headers, &file, move |loaded, total| {
            if total > 0.0 {
                let mut a = progress_app.borrow_mut();
                let pct = (loaded / total * 100.0).min(100.0) as u32;
                if let Some(row) = a.files.iter_mut().find(|r| r.id == id) {
                    row.state = FileState::Uploading(pct);
                }
                a.show_progress(id, pct);
            }
        })
        .await;
        let state = match result {
            Ok((status, text)) => match api::read_upload(status, text) {
                Ok(doc) => FileState::Uploaded(doc.document_id),
                Err(e) if e.is_expired() => return expired(&app),
                Err(ApiError::Status(_, Some(p))) => FileState::Failed(
                    p.errors
                        .first()
                        .map(|m| m.message.clone())
                        .unwrap_or(p.title),
                ),
                Err(_) => FileState::Failed(t(app.borrow().locale, Msg::GenericError).to_owned()),
            },
            Err(upload::UploadError::Aborted) => FileState::Cancelled,
            Err(upload::UploadError::Network) => {
                FileState::Failed(t(app.borrow().locale, Msg::NetworkError).to_owned())
            }
        };
        let mut a = app.borrow_mut();
        let msg = match &state {
            FileState::Uploaded(_) => Msg::FileUploaded,
            FileState::Cancelled => Msg::FileCancelled,
            _ => Msg::FileFailed,
        };
        let mut name = String::new();
        if let Some(row) = a.files.iter_mut().find(|r| r.id == id) {
            row.state = state;
            row.xhr = None;
            name = row.file.name();
        }
        a.refresh();
        let text = format!("{name}: {}", t(a.locale, msg));
        a.announce(&text);
    });
}

impl App {
    fn has_documents(&self) -> bool {
        self.files
            .iter()
            .any(|r| matches!(r.state, FileState::Uploaded(_)))
            || self.status.as_ref().is_some_and(|s| {
                !s.steps.documents.items.is_empty()
                    || matches!(s.steps.clave, StepState::Pending | StepState::Done)
            })
            || self.opened.contains_key("clave")
    }
}

// ---------------------------------------------------------------------------------------
// Hosted pages (KYC, bank, Cl@ve): a popup, or a redirect when popups are blocked

fn open_hosted(app: &Shared, which: Hosted) {
    // Opened synchronously, inside the click, so that the popup is allowed; pointed at
    // the hosted page once the edge has answered.
    let popup = dom::window()
        .open_with_url_and_target_and_features(
            "",
            &format!("onboarding-{}", which.path()),
            "popup,width=520,height=720",
        )
        .ok()
        .flatten();
    set_busy(app, true);
    let app = app.clone();
    spawn_local(async move {
        let (edge, tenant) = {
            let a = app.borrow();
            (a.edge(), a.tenant.clone())
        };
        let Some((id, token)) = tenant else { return };
        let here = dom::window().location().href().unwrap_or_default();
        let body = api::to_json(&api::ReturnTo { return_url: &here }).ok();
        let path = format!("/v1/tenants/{id}/{}", which.path());
        let result = edge
            .call::<api::Hosted>("POST", &path, Some(&token), body, None)
            .await;
        let url = match result.map(|h| h.url()) {
            Ok(Some(url)) => web_sys::Url::new_with_base(&url, &edge.base)
                .map(|u| u.href())
                .unwrap_or(url),
            Ok(None) => {
                close(&popup);
                return failed(&app, &ApiError::Status(502, None));
            }
            Err(e) => {
                close(&popup);
                return failed(&app, &e);
            }
        };
        {
            let mut a = app.borrow_mut();
            a.busy = false;
            a.opened.insert(which.path(), ());
            a.save();
            a.refresh();
            let pending = match which {
                Hosted::Kyc => Msg::KycPending,
                Hosted::Bank => Msg::BankPending,
                Hosted::Clave => Msg::ClavePending,
            };
            let text = t(a.locale, pending);
            a.announce(text);
        }
        match popup.filter(|p| !p.closed().unwrap_or(true)) {
            Some(p) => {
                let _ = p.location().set_href(&url);
                // When the window closes, read the status once (the stream may lag).
                while !p.closed().unwrap_or(true) {
                    dom::sleep(600).await;
                }
                refresh_status(&app);
            }
            None => {
                let _ = dom::window().location().assign(&url);
            }
        }
    });
}

fn close(popup: &Option<web_sys::Window>) {
    if let Some(p) = popup {
        let _ = p.close();
    }
}

// ---------------------------------------------------------------------------------------
// Identity inquiry and step-up answers

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InquiryBody<'a> {
    device_session_id: &'a str,
}

fn maybe_run_inquiry(app: &Shared) {
    let ready = {
        let a = app.borrow();
        a.step == Step::Identity
            && a.inquiry == Inquiry::NotRun
            && a.status
                .as_ref()
                .is_some_and(|s| s.steps.kyc == StepState::Verified)
    };
    if !ready {
        return;
    }
    let (edge, id, token, body) = {
        let mut a = app.borrow_mut();
        let Some((id, token)) = a.tenant.clone() else {
            return;
        };
        a.inquiry = Inquiry::Running;
        a.refresh();
        let text = t(a.locale, Msg::InquiryRunning);
        a.announce(text);
        let body = api::to_json(&InquiryBody {
            device_session_id: &a.device_session_id,
        });
        (a.edge(), id, token, body.ok())
    };
    let app = app.clone();
    spawn_local(async move {
        let path = format!("/v1/tenants/{id}/identity-inquiries");
        match edge
            .call::<PublicInquiry>("POST", &path, Some(&token), body, None)
            .await
        {
            Ok(inq) => {
                let mut a = app.borrow_mut();
                let msg = match inq.decision {
                    Decision::Challenge => Msg::QuestionsIntro,
                    d => decision_msg(d),
                };
                a.inquiry = if inq.decision == Decision::Challenge && inq.questionnaire.is_some() {
                    Inquiry::Asked(inq)
                } else {
                    Inquiry::Decided(inq.decision)
                };
                a.refresh();
                let text = t(a.locale, msg);
                a.announce(text);
                if let Some(el) = by_id(&a.root, "dyn-focus") {
                    dom::focus(&el);
                }
            }
            // Another call of this tenant's (a second tab) is asking now: ask again soon,
            // and the edge answers with that same inquiry.
            Err(e) if e.code() == "identity_inquiry_in_progress" => {
                app.borrow_mut().inquiry = Inquiry::NotRun;
                dom::sleep(1500).await;
                maybe_run_inquiry(&app);
            }
            // Decided already (a reload after the decision, another tab): show it, never
            // run another. The edge refuses a new inquiry once there is a decision.
            Err(ApiError::Status(409, _)) => show_decided(&app),
            Err(e) => {
                app.borrow_mut().inquiry = Inquiry::NotRun;
                failed(&app, &e);
            }
        }
    });
}

/// The tenant's identity decision as the live status tells it (what the widget
/// already shows while the status does not know yet).
fn decided(a: &App) -> Decision {
    let shown = match a.inquiry {
        Inquiry::Decided(d) => d,
        _ => Decision::Review,
    };
    match a.status.as_ref().map(|s| s.steps.identity) {
        Some(StepState::Allow) => Decision::Allow,
        Some(StepState::Deny) => Decision::Deny,
        Some(StepState::Review) => Decision::Review,
        _ => shown,
    }
}

fn show_decided(app: &Shared) {
    let mut a = app.borrow_mut();
    a.busy = false;
    let d = decided(&a);
    a.inquiry = Inquiry::Decided(d);
    a.refresh();
    let text = t(a.locale, decision_msg(d));
    a.announce(text);
    drop(a);
    refresh_status(app);
}

/// The sentence for a final decision.
pub fn decision_msg(d: Decision) -> Msg {
    match d {
        Decision::Allow => Msg::DecisionAllow,
        Decision::Deny => Msg::DecisionDeny,
        Decision::Review | Decision::Challenge => Msg::DecisionReview,
    }
}

fn submit_answers(app: &Shared) {
    let job = {
        let mut a = app.borrow_mut();
        let Inquiry::Asked(inq) = &a.inquiry else {
            return;
        };
        let questions = inq
            .questionnaire
            .as_ref()
            .map(|q| q.questions.clone())
            .unwrap_or_default();
        let inquiry_id = inq.inquiry_id.clone();
        let req = AnswersRequest {
            answers: questions
                .iter()
                .enumerate()
                .map(|(i, q)| Answer {
                    question_id: q.question_id.clone(),
                    choice_id: a.answers.get(&i).cloned().unwrap_or_default(),
                })
                .collect(),
        };
        a.errors.clear();
        if let Err(errors) = validate::validate_answers(&req) {
            for e in errors {
                let key = e.field.split('.').next().unwrap_or("").to_owned();
                a.errors.insert_if_absent(key, FieldError::Core(e));
            }
            a.refresh();
            a.render_errors(None);
            return;
        }
        let Some((id, token)) = a.tenant.clone() else {
            return;
        };
        (
            a.edge(),
            format!("/v1/tenants/{id}/identity-inquiries/{inquiry_id}/answers"),
            token,
            api::to_json(&req).ok(),
        )
    };
    set_busy(app, true);
    let app = app.clone();
    spawn_local(async move {
        let (edge, path, token, body) = job;
        match edge
            .call::<AnswersResponse>("POST", &path, Some(&token), body, None)
            .await
        {
            Ok(r) => {
                let mut a = app.borrow_mut();
                a.busy = false;
                a.inquiry = Inquiry::Decided(r.decision);
                a.refresh();
                let text = t(a.locale, decision_msg(r.decision));
                a.announce(text);
                if let Some(el) = by_id(&a.root, "dyn-focus") {
                    dom::focus(&el);
                }
            }
            Err(ApiError::Status(422, Some(p))) => {
                let mut a = app.borrow_mut();
                a.busy = false;
                for m in p.errors {
                    let key = m.field.split('.').next().unwrap_or("").to_owned();
                    a.errors.insert_if_absent(key, FieldError::Edge(m.message));
                }
                a.refresh();
                a.render_errors(None);
            }
            // Answered already (the questions are answered once): show the decision.
            Err(ApiError::Status(409, _)) => show_decided(&app),
            Err(e) => failed(&app, &e),
        }
    });
}

// ---------------------------------------------------------------------------------------
// Status: the live stream, with a one-off read as fallback

fn on_status(app: &Shared, status: Status) {
    let (step, complete) = {
        let mut a = app.borrow_mut();
        let changed = a.status.as_ref() != Some(&status);
        let complete = status.complete;
        a.status = Some(status);
        // A decision shown follows the edge's (e.g. the agency's later update).
        if matches!(a.inquiry, Inquiry::Decided(_)) {
            a.inquiry = Inquiry::Decided(decided(&a));
        }
        if changed {
            a.refresh();
        }
        (a.step, complete)
    };
    match step {
        Step::Identity => maybe_run_inquiry(app),
        Step::Summary if complete => finish(app),
        _ => {}
    }
}

fn refresh_status(app: &Shared) {
    let Some((edge, id, token)) = ({
        let a = app.borrow();
        a.tenant.clone().map(|(id, token)| (a.edge(), id, token))
    }) else {
        return;
    };
    let app = app.clone();
    spawn_local(async move {
        let path = format!("/v1/tenants/{id}/status");
        match edge
            .call::<Status>("GET", &path, Some(&token), None, None)
            .await
        {
            Ok(s) => on_status(&app, s),
            Err(e) if e.is_expired() => expired(&app),
            Err(_) => {}
        }
    });
}

fn start_events(app: &Shared) {
    let Ok(controller) = AbortController::new() else {
        return;
    };
    let signal = controller.signal();
    if let Some(old) = app.borrow_mut().sse.replace(controller) {
        old.abort();
    }
    let app = app.clone();
    spawn_local(async move {
        let mut parser = SseParser::new();
        let mut backoff = 1000;
        loop {
            let Some((edge, id, token)) = ({
                let a = app.borrow();
                a.tenant.clone().map(|(id, token)| (a.edge(), id, token))
            }) else {
                return;
            };
            let path = format!("/v1/tenants/{id}/events");
            let app2 = app.clone();
            let mut handle = move |ev: crate::sse::SseEvent| {
                if let Some(s) = api::from_json::<Status>(&ev.data) {
                    on_status(&app2, s);
                }
            };
            let end = events::read(&edge, &path, &token, &mut parser, &signal, &mut handle).await;
            match end {
                events::End::Aborted => return,
                events::End::Expired => return expired(&app),
                events::End::Closed => backoff = 1000,
                events::End::Failed => {
                    backoff = (backoff * 2).min(30_000);
                    refresh_status(&app);
                }
            }
            if signal.aborted() {
                return;
            }
            dom::sleep(parser.retry_ms.map_or(backoff, |ms| ms.min(60_000) as i32)).await;
        }
    });
}

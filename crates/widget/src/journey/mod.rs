//! The applicant's journey as a sans-IO state machine (STYLE.md item 17): typed
//! [`Event`]s in, [`Effect`]s out, no browser anywhere. `app` (the web-sys layer)
//! turns DOM events and edge replies into events, feeds them to [`Journey::update`]
//! and performs the effects it gets back; native tests (`tests.rs`) drive the same
//! machine without a browser.
//!
//! The steps are the table [`STEPS`]: one module per step, each a [`StepDef`] of plain
//! functions (what its primary action does, what happens on arrival and on news, its
//! inputs and its HTML). Adding a step is one module and one line in that table.

mod bank;
mod consent;
mod details;
mod documents;
mod done;
mod identity;
mod summary;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::rc::Rc;

use onboarding_core::Date;
use onboarding_core::document::{ContentType, DocumentKind};
use onboarding_core::model::Product;
use onboarding_core::model::identity::{AnswersResponse, Decision, PublicInquiry};
use onboarding_core::model::status::{Status, StepState};
use onboarding_core::paths;
use onboarding_core::validate::ValidationError;

use crate::action::{Action, Hosted};
use crate::api::{self, ApiError};
use crate::form;
use crate::html::Html;
use crate::i18n::{Catalog, Locale, Msg};
use crate::map::{Map, Set};
use crate::resume::Saved;

pub use documents::FileRow;

/// One step: plain functions, no trait objects (nothing to monomorphise).
pub struct StepDef {
    /// Name in events and in the resume state.
    pub name: &'static str,
    /// Heading.
    pub title: Msg,
    /// Counted in "Step n of m" and listed in the step list.
    pub counted: bool,
    /// Whether Back goes to the previous step (keeping what was entered).
    pub back: bool,
    /// The primary action ([`Action::Next`]: the form's submit or Continue).
    pub next: fn(&mut Journey, &mut Fx),
    /// On arrival (after [`Journey::go`]).
    pub enter: fn(&mut Journey, &mut Fx),
    /// When the live status changed or a retry timer fired.
    pub news: fn(&mut Journey, &mut Fx),
    /// The inputs whose errors the step shows (field paths).
    pub fields: fn(&Journey) -> Vec<String>,
    /// The step's HTML below heading and notice; it places [`Journey::live`] where the
    /// part that changes (buttons, lists, status) goes.
    pub body: fn(&Journey, &mut Html),
    /// The part redrawn on every change ([`View::Live`]).
    pub live: fn(&Journey, &mut Html),
}

/// The steps, in order.
pub const STEPS: &[&StepDef] = &[
    &consent::STEP,
    &details::STEP,
    &documents::STEP,
    &identity::STEP,
    &bank::STEP,
    &summary::STEP,
    &done::STEP,
];

/// A step function that does nothing.
pub fn nothing(_: &mut Journey, _: &mut Fx) {}
/// No inputs.
pub fn no_fields(_: &Journey) -> Vec<String> {
    Vec::new()
}
/// A body that is only the live part.
pub fn only_live(j: &Journey, h: &mut Html) {
    j.live(h);
}

/// The effects of one update, in order.
pub type Fx = Vec<Effect>;

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
    /// A client token from the agency's server (`ct_…`): opens the session instead
    /// of the publishable key, once.
    pub client_token: Option<String>,
    /// What the page already knows (field path, value): shown, editable, checked.
    pub prefill: Vec<(&'static str, String)>,
    /// The widget's stylesheet URL (linked into the shadow root).
    pub style_url: Option<String>,
    /// Its Subresource Integrity (`sha384-…`), set by the versioned loader.
    pub style_integrity: Option<String>,
    /// Terms and privacy page.
    pub terms_url: Option<String>,
    /// Credit-check information page.
    pub credit_check_url: Option<String>,
    /// Where a hosted page sends the applicant back: the page's origin and path (the
    /// web layer fills it; never its query or fragment).
    pub return_url: String,
}

/// An error shown under an input: core's (re-localised on a language switch) or the
/// edge's message as received.
#[derive(Debug, Clone, PartialEq)]
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
    /// Core refused it.
    Invalid(ValidationError),
    /// Ready to upload.
    Ready,
    /// Uploading, percent done.
    Uploading(u32),
    /// Accepted by the edge (document id).
    Uploaded(String),
    /// Cancelled by the applicant.
    Cancelled,
    /// Failed (message).
    Failed(String),
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

/// A file the applicant chose (the web layer keeps the `File` under `id`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewFile {
    /// Row id, unique in this page's life.
    pub id: u32,
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: f64,
}

/// What a timer was set for ([`Effect::After`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// Check the publishable key again (no answer at mount).
    CheckSession,
    /// Renew the tenant token.
    Renew,
    /// Ask the current step to look again ([`StepDef::news`]).
    Retry,
}

/// What the journey hears.
#[derive(Debug, Clone)]
pub enum Event {
    /// Mounted, with the resume state found in `sessionStorage`, if any.
    Mounted(Option<Saved>),
    /// A button or a form.
    Act(Action),
    /// An input's value (`change`: a committed change rather than typing).
    Input {
        /// Its `name`.
        name: String,
        /// Its value (`"true"` / `"false"` for a checkbox).
        value: String,
        /// It is a checkbox.
        checkbox: bool,
        /// A `change` event.
        change: bool,
    },
    /// The applicant left an input.
    Blur(String),
    /// Files chosen or dropped.
    Files(Vec<NewFile>),
    /// A file's first bytes (and name and size, which change when a photo was scaled
    /// down; `scaled`: the web layer already tried).
    FileHead {
        /// Row id.
        id: u32,
        /// The first [`onboarding_core::document::SNIFF_LEN`] bytes.
        head: Vec<u8>,
        /// Name.
        name: String,
        /// Size.
        size: f64,
        /// Already scaled (or scaling failed): do not ask again.
        scaled: bool,
    },
    /// Upload progress.
    Progress(u32, u32),
    /// An upload ended: the document id, or why not.
    Uploaded(u32, Result<String, ApiError>),
    /// An upload was aborted.
    UploadCancelled(u32),
    /// `POST /v1/sessions` at mount answered.
    Session(Result<(), ApiError>),
    /// `POST /v1/tenants` answered.
    Created(Result<api::Created, ApiError>),
    /// `POST /v1/tenants/{id}/session` answered (the token that was renewed, the reply).
    Renewed(String, Result<api::Session, ApiError>),
    /// A hosted page's URL, or why not.
    HostedUrl(Hosted, Result<Option<String>, ApiError>),
    /// The hosted page's window was closed.
    PopupClosed,
    /// The identity inquiry answered.
    Inquiry(Result<PublicInquiry, ApiError>),
    /// The step-up answers were answered.
    Answered(Result<AnswersResponse, ApiError>),
    /// The live status (stream or one-off read).
    Status(Status),
    /// A one-off status read failed.
    StatusFailed(ApiError),
    /// The live stream was refused (401).
    StreamExpired,
    /// The live stream broke (it reconnects by itself; read the status once meanwhile).
    StreamFailed,
    /// A timer fired.
    Timer(Timer),
    /// The page switched the language.
    Locale(Locale),
    /// The catalog for the language asked for by [`Effect::Catalog`] (the compiled-in
    /// Spanish when it could not be had), and whether the applicant chose it.
    Catalog(Locale, Rc<Catalog>, bool),
}

/// What to redraw.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// Everything (language switch, mount).
    Shell,
    /// The step; `true` moves focus to its heading.
    Step(bool),
    /// The live part, keeping focus on the same control.
    Live,
    /// The notice above the step.
    Notice,
    /// One input's message and its ARIA.
    Field(String),
    /// Every message of the step, the summary, and focus on the first input in error
    /// (or on the summary).
    Errors(Option<String>),
    /// One file's progress bar.
    Progress(u32, u32),
}

/// Which token a call carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// None.
    None,
    /// A session token (the web layer holds it and renews it once on a 401).
    Session,
    /// The tenant token.
    Tenant(String),
}

/// What reply a call expects (which [`Event`] it becomes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// [`Event::Session`].
    Session,
    /// [`Event::Created`].
    Created,
    /// [`Event::Renewed`].
    Renewed,
    /// [`Event::Inquiry`].
    Inquiry,
    /// [`Event::Answered`].
    Answered,
    /// [`Event::Status`] / [`Event::StatusFailed`].
    Status,
    /// [`Event::HostedUrl`] of this page.
    Hosted(Hosted),
    /// [`Event::Uploaded`] of this file row ([`Event::UploadCancelled`] when the
    /// applicant stopped it; [`Event::Progress`] while it goes out).
    Uploaded(u32),
}

/// What a call sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Nothing.
    Empty,
    /// JSON text.
    Json(String),
    /// The chosen file of this row, with the content type core sniffed (sent with
    /// upload progress).
    File(u32, &'static str),
}

impl From<Option<String>> for Body {
    fn from(json: Option<String>) -> Self {
        json.map_or(Body::Empty, Body::Json)
    }
}

/// A call to the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// `GET` / `POST`.
    pub method: &'static str,
    /// Path below the edge's base.
    pub path: String,
    /// Token.
    pub auth: Auth,
    /// Body.
    pub body: Body,
    /// `Idempotency-Key`.
    pub key: Option<String>,
    /// The reply expected.
    pub reply: Reply,
}

/// What the web layer does for the journey.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Redraw.
    Render(View),
    /// Move focus to the element with this id (and scroll it into view).
    Focus(&'static str),
    /// Get the catalog of this language and answer [`Event::Catalog`] (with this flag).
    Catalog(Locale, bool),
    /// Say this through the polite live region.
    Announce(String),
    /// Call the edge (JSON or a file: one path for every call); the reply comes back
    /// as the [`Reply`]'s event.
    Call(Call),
    /// Read a chosen file's first bytes ([`Event::FileHead`]).
    Sniff(u32),
    /// Scale a photo down, then read its first bytes ([`Event::FileHead`]).
    Shrink(u32),
    /// Abort an upload.
    CancelUpload(u32),
    /// The row is gone: drop its `File`.
    ForgetFile(u32),
    /// Click the hidden file input with this id.
    Choose(&'static str),
    /// Open an empty popup for this hosted page now, inside the click (a popup opened
    /// later is blocked); the [`Call`] that follows brings its URL.
    OpenPopup(Hosted),
    /// Point the popup at this URL (or go there when popups are blocked), and say
    /// [`Event::PopupClosed`] when it closes.
    Navigate(String),
    /// Close the popup opened for a page that will not come.
    ClosePopup,
    /// Start (or restart) the live status stream for this tenant and token.
    StartEvents(String, String),
    /// Stop it.
    StopEvents,
    /// Dispatch `onboarding:<name>` with these string fields.
    Emit(&'static str, Vec<(&'static str, String)>),
    /// Save the resume state.
    Save(Saved),
    /// Forget it.
    ClearSaved,
    /// Feed [`Event::Timer`] after this many milliseconds (dropped if the widget left
    /// the page).
    After(i32, Timer),
    /// A new device session id: hand it to the device-data collector.
    DeviceSession(String),
    /// One `console.warn` for the integrator.
    Warn(String),
}

/// How often the tenant token is renewed (tokens live an hour; a KYC can take long).
pub const TOKEN_REFRESH_MS: i32 = 20 * 60 * 1000;

/// The journey's whole state: domain data and UI flags, no browser handle.
#[derive(Debug)]
pub struct Journey {
    /// Options.
    pub opts: Options,
    /// What the journey says, in the current language.
    pub cat: Rc<Catalog>,
    /// The language last asked for: only its catalog is taken (an earlier one that
    /// arrives later is not).
    asked: Locale,
    /// Index of the current step in [`STEPS`].
    pub step: usize,
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
    /// Latest status.
    pub status: Option<Status>,
    /// Identity inquiry.
    pub inquiry: Inquiry,
    /// Chosen answers by question index.
    pub answers: Map<usize, String>,
    /// Hosted pages opened in this page's life (by [`Hosted::path`]).
    pub opened: Set<&'static str>,
    /// A call is in flight (buttons show "One moment…").
    pub busy: bool,
    /// A message above the step (`true`: an error).
    pub notice: Option<(Msg, bool)>,
    /// The edge refused the publishable key on this page's origin, or the client token.
    pub refused: bool,
    /// It was the client token (expired or used): reloading the page makes a new one.
    pub token_refused: bool,
    /// Today, in the applicant's time zone (age checks).
    pub today: Date,
    /// Wait before the next session check at mount (ms; doubles to 30 s).
    session_wait: i32,
    /// 32 hex from the platform CSPRNG (device session ids, idempotency keys).
    random: fn() -> String,
}

impl Journey {
    /// A journey at its first step. `random` makes 32-hex ids (the platform CSPRNG in
    /// the browser; a counter in tests).
    pub fn new(opts: Options, cat: Rc<Catalog>, today: Date, random: fn() -> String) -> Journey {
        let mut values = BTreeMap::new();
        form::defaults(&mut values);
        for (path, value) in &opts.prefill {
            values.insert((*path).to_owned(), value.clone());
        }
        Journey {
            opts,
            asked: cat.locale,
            cat,
            step: 0,
            values,
            touched: Set::new(),
            errors: Map::new(),
            co_applicant: false,
            device_session_id: String::new(),
            tenant_key: random(),
            tenant: None,
            files: Vec::new(),
            status: None,
            inquiry: Inquiry::NotRun,
            answers: Map::new(),
            opened: Set::new(),
            busy: false,
            notice: None,
            refused: false,
            token_refused: false,
            today,
            session_wait: 1000,
            random,
        }
    }

    /// The current step.
    pub fn def(&self) -> &'static StepDef {
        STEPS.get(self.step).copied().unwrap_or(STEPS[0])
    }

    /// The current step's name.
    pub fn step_name(&self) -> &'static str {
        self.def().name
    }

    /// The text of `m` in the current language.
    pub fn tr(&self, m: Msg) -> &str {
        self.cat.t(m)
    }

    /// The current language.
    pub fn locale(&self) -> Locale {
        self.cat.locale
    }

    /// The resume state now, if there is a tenant.
    fn saved(&self) -> Option<Saved> {
        self.tenant.as_ref().map(|(id, token)| Saved {
            tenant_id: id.clone(),
            token: token.clone(),
            step: self.step_name().to_owned(),
            device_session_id: self.device_session_id.clone(),
        })
    }

    fn save(&self, fx: &mut Fx) {
        if let Some(s) = self.saved() {
            fx.push(Effect::Save(s));
        }
    }

    /// The tenant's id and token.
    pub fn tenant(&self) -> Option<(&str, &str)> {
        self.tenant.as_ref().map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// A call with the tenant token to one of core's tenant paths ([`paths`]), the
    /// tenant id and then `more` filling its parameters; `None` without a tenant.
    fn tenant_call(
        &self,
        method: &'static str,
        template: &str,
        more: &[&str],
        body: impl Into<Body>,
        reply: Reply,
    ) -> Option<Call> {
        let (id, token) = self.tenant()?;
        let params: Vec<&str> = std::iter::once(id).chain(more.iter().copied()).collect();
        Some(Call {
            method,
            path: paths::fill(template, &params),
            auth: Auth::Tenant(token.to_owned()),
            body: body.into(),
            key: None,
            reply,
        })
    }

    fn call_status(&self, fx: &mut Fx) {
        fx.extend(
            self.tenant_call("GET", paths::STATUS, &[], Body::Empty, Reply::Status)
                .map(Effect::Call),
        );
    }

    /// Makes the device session id once per onboarding.
    fn ensure_device_session(&mut self, fx: &mut Fx) {
        if self.device_session_id.is_empty() {
            self.device_session_id = (self.random)();
            fx.push(Effect::DeviceSession(self.device_session_id.clone()));
        }
    }

    /// The text of an error in the current language.
    pub fn error_text(&self, e: &FieldError) -> String {
        match e {
            FieldError::Core(v) => form::message(&self.cat, v),
            FieldError::Edge(m) => m.clone(),
        }
    }

    /// The inputs of the current step.
    pub fn step_fields(&self) -> Vec<String> {
        (self.def().fields)(self)
    }

    /// Puts `errors` on their inputs (or on the form when no input matches); the path of
    /// the first input with an error.
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

    /// Asks for the catalog of `l` (the last asked is the one taken).
    fn ask_catalog(&mut self, l: Locale, chosen: bool, fx: &mut Fx) {
        self.asked = l;
        fx.push(Effect::Catalog(l, chosen));
    }

    /// Runs core's rule for one input and shows or clears its message.
    pub(crate) fn check_field(&mut self, path: &str, fx: &mut Fx) {
        match form::validate_one(&self.values, path, self.today) {
            Some(err) => self.errors.insert(path.to_owned(), FieldError::Core(err)),
            None => self.errors.remove(path),
        }
        fx.push(Effect::Render(View::Field(path.to_owned())));
    }

    fn announce(&self, m: Msg, fx: &mut Fx) {
        fx.push(Effect::Announce(self.tr(m).to_owned()));
    }

    fn emit(fx: &mut Fx, name: &'static str, fields: Vec<(&'static str, String)>) {
        fx.push(Effect::Emit(name, fields));
    }

    /// The one entry: an event in, the effects to perform out. Never panics.
    pub fn update(&mut self, event: Event) -> Fx {
        let mut fx = Vec::new();
        self.handle(event, &mut fx);
        fx
    }

    fn handle(&mut self, event: Event, fx: &mut Fx) {
        match event {
            Event::Mounted(saved) => self.mounted(saved, fx),
            Event::Act(a) => self.act(a, fx),
            Event::Input {
                name,
                value,
                checkbox,
                change,
            } => self.input(name, value, checkbox, change, fx),
            Event::Blur(name) => {
                if self.step_fields().contains(&name) {
                    self.touched.insert(name.clone(), ());
                    self.check_field(&name, fx);
                }
            }
            Event::Files(files) => documents::chosen(self, files, fx),
            Event::FileHead {
                id,
                head,
                name,
                size,
                scaled,
            } => documents::checked(self, id, &head, name, size, scaled, fx),
            Event::Progress(id, pct) => documents::progress(self, id, pct, fx),
            Event::Uploaded(id, r) => documents::uploaded(self, id, r.map_err(Some), fx),
            Event::UploadCancelled(id) => documents::uploaded(self, id, Err(None), fx),
            Event::Session(r) => match r {
                Ok(()) => {}
                Err(ApiError::Status(403, _)) => self.refuse(fx),
                Err(ApiError::Status(401, _)) if self.opts.client_token.is_some() => {
                    self.token_refused = true;
                    self.refuse(fx);
                }
                Err(_) => {
                    fx.push(Effect::After(self.session_wait, Timer::CheckSession));
                    self.session_wait = (self.session_wait * 2).min(30_000);
                }
            },
            Event::Timer(Timer::CheckSession) => {
                if self.tenant.is_none() && !self.refused {
                    fx.push(Effect::Call(session_call()));
                }
            }
            Event::Created(r) => details::created(self, r, fx),
            Event::Renewed(id, r) => self.renewed(&id, r, fx),
            Event::Timer(Timer::Renew) => {
                fx.extend(
                    self.tenant_call("POST", paths::SESSION, &[], Body::Empty, Reply::Renewed)
                        .map(Effect::Call),
                );
            }
            Event::Timer(Timer::Retry) => (self.def().news)(self, fx),
            Event::HostedUrl(which, r) => self.hosted_url(which, r, fx),
            Event::PopupClosed => self.call_status(fx),
            Event::Inquiry(r) => identity::inquired(self, r, fx),
            Event::Answered(r) => identity::answered(self, r, fx),
            Event::Status(s) => self.on_status(s, fx),
            Event::StatusFailed(e) => {
                if e.is_expired() {
                    self.expired(fx);
                }
            }
            Event::StreamExpired => self.expired(fx),
            Event::StreamFailed => self.call_status(fx),
            Event::Locale(l) => self.ask_catalog(l, false, fx),
            Event::Catalog(asked, cat, chosen) => {
                if asked != self.asked {
                    return;
                }
                let l = cat.locale;
                self.cat = cat;
                fx.push(Effect::Render(View::Shell));
                if chosen {
                    fx.push(Effect::Focus(crate::view::lang_button(l)));
                }
            }
        }
    }

    fn mounted(&mut self, saved: Option<Saved>, fx: &mut Fx) {
        let resumed = saved.and_then(|s| {
            let i = STEPS.iter().position(|d| d.name == s.step)?;
            Some((i, s))
        });
        fx.push(Effect::Render(View::Shell));
        if let Some((i, s)) = resumed {
            self.step = i;
            self.device_session_id = s.device_session_id;
            self.tenant = Some((s.tenant_id.clone(), s.token.clone()));
            self.notice = Some((Msg::Resumed, false));
            fx.push(Effect::StartEvents(s.tenant_id, s.token));
            self.call_status(fx);
            fx.extend(
                self.tenant_call("POST", paths::SESSION, &[], Body::Empty, Reply::Renewed)
                    .map(Effect::Call),
            );
        } else {
            fx.push(Effect::Call(session_call()));
        }
        Self::emit(
            fx,
            "onboarding:ready",
            vec![
                ("step", self.step_name().to_owned()),
                ("locale", self.locale().as_str().to_owned()),
            ],
        );
    }

    fn act(&mut self, a: Action, fx: &mut Fx) {
        // Refused at mount: only the language and Exit still work. While a call is in
        // flight: only what cannot start another (Cancel, the language, Exit).
        let blocked = if self.refused {
            !matches!(a, Action::Lang(_) | Action::Exit)
        } else {
            self.busy && !a.allowed_while_busy()
        };
        if blocked {
            return;
        }
        match a {
            Action::Lang(l) => self.ask_catalog(l, true, fx),
            Action::Exit => Self::emit(
                fx,
                "onboarding:exit",
                vec![("step", self.step_name().to_owned())],
            ),
            Action::Next => (self.def().next)(self, fx),
            Action::Back => {
                if self.def().back && self.step > 0 {
                    self.go(self.step - 1, fx);
                }
            }
            Action::Pick => fx.push(Effect::Choose("files")),
            Action::Camera => fx.push(Effect::Choose("camera")),
            Action::UploadAll => documents::upload_all(self, fx),
            Action::Retry(id) => documents::upload(self, id, fx),
            Action::Cancel(id) => fx.push(Effect::CancelUpload(id)),
            Action::Remove(id) => documents::remove(self, id, fx),
            Action::Open(which) => {
                let body = api::to_json(&api::StartHosted {
                    return_url: Some(self.opts.return_url.clone()).filter(|u| !u.is_empty()),
                })
                .ok();
                let Some(call) =
                    self.tenant_call("POST", which.template(), &[], body, Reply::Hosted(which))
                else {
                    return;
                };
                fx.push(Effect::OpenPopup(which));
                fx.push(Effect::Call(call));
                self.busy = true;
                fx.push(Effect::Render(View::Live));
            }
        }
    }

    fn input(&mut self, name: String, value: String, checkbox: bool, change: bool, fx: &mut Fx) {
        if name == "coApplicant" {
            if change {
                self.co_applicant = value == "true";
                fx.push(Effect::Render(View::Step(false)));
                fx.push(Effect::Focus("co-toggle"));
            }
            return;
        }
        if let Some(id) = name
            .strip_prefix("kind-")
            .and_then(|s| s.parse::<u32>().ok())
        {
            if let (Some(row), Ok(kind)) = (
                self.files.iter_mut().find(|r| r.id == id),
                value.parse::<DocumentKind>(),
            ) {
                row.kind = kind;
            }
            return;
        }
        if let Some(i) = name
            .strip_prefix("q-")
            .and_then(|s| s.parse::<usize>().ok())
        {
            self.answers.insert(i, value);
            return;
        }
        // Only the inputs the journey draws (a stray name is not kept).
        if !self.step_fields().contains(&name) {
            return;
        }
        self.values.insert(name.clone(), value);
        if self.errors.contains_key(&name) || (checkbox && self.touched.contains_key(&name)) {
            self.check_field(&name, fx);
        }
    }

    /// Moves to step `i`: draws it, focuses its heading, saves the resume state, tells
    /// the page, then runs the step's arrival.
    pub fn go(&mut self, i: usize, fx: &mut Fx) {
        self.step = i.min(STEPS.len() - 1);
        self.notice = None;
        self.errors.clear();
        fx.push(Effect::Render(View::Step(true)));
        self.save(fx);
        let mut index = String::new();
        crate::html::push_num(&mut index, self.step as u32 + 1);
        Self::emit(
            fx,
            "onboarding:step",
            vec![("step", self.step_name().to_owned()), ("index", index)],
        );
        self.announce(self.def().title, fx);
        (self.def().enter)(self, fx);
    }

    /// To the next step.
    pub fn go_next(&mut self, fx: &mut Fx) {
        self.go(self.step + 1, fx);
    }

    /// Whether the current step is `def`.
    pub fn at(&self, def: &StepDef) -> bool {
        std::ptr::eq(self.def(), def)
    }

    fn on_status(&mut self, status: Status, fx: &mut Fx) {
        let changed = self.status.as_ref() != Some(&status);
        self.status = Some(status);
        // A decision shown follows the edge's (e.g. the agency's later update).
        if matches!(self.inquiry, Inquiry::Decided(_)) {
            self.inquiry = Inquiry::Decided(self.decided());
        }
        if changed {
            fx.push(Effect::Render(View::Live));
        }
        (self.def().news)(self, fx);
    }

    /// The tenant's identity decision as the live status tells it (what the widget
    /// already shows while the status does not know yet).
    pub fn decided(&self) -> Decision {
        let shown = match self.inquiry {
            Inquiry::Decided(d) => d,
            _ => Decision::Review,
        };
        match self.status.as_ref().map(|s| s.steps.identity) {
            Some(StepState::Allow) => Decision::Allow,
            Some(StepState::Deny) => Decision::Deny,
            Some(StepState::Review) => Decision::Review,
            _ => shown,
        }
    }

    /// A status step's state (`NotStarted` before any status).
    pub fn state(&self, pick: fn(&Status) -> StepState) -> StepState {
        self.status.as_ref().map_or(StepState::NotStarted, pick)
    }

    fn renewed(&mut self, sent: &str, r: Result<api::Session, ApiError>, fx: &mut Fx) {
        let wait = match r {
            Ok(s) => {
                // Still the token that was renewed (no restart, no newer token meanwhile).
                match self.tenant.as_mut() {
                    Some((_, token)) if token == sent => *token = s.session_token,
                    _ => return,
                }
                self.save(fx);
                TOKEN_REFRESH_MS
            }
            Err(e) if e.is_expired() => return self.expired(fx),
            // Complete (409), or a token for another tenant: nothing to keep fresh.
            Err(ApiError::Status(..)) => return,
            Err(ApiError::Network | ApiError::Aborted) => 60_000,
        };
        fx.push(Effect::After(wait, Timer::Renew));
    }

    fn hosted_url(&mut self, which: Hosted, r: Result<Option<String>, ApiError>, fx: &mut Fx) {
        match r {
            Ok(Some(url)) => {
                self.busy = false;
                self.opened.insert(which.path(), ());
                self.save(fx);
                fx.push(Effect::Render(View::Live));
                self.announce(
                    match which {
                        Hosted::Kyc => Msg::KycPending,
                        Hosted::Bank => Msg::BankPending,
                        Hosted::Clave => Msg::ClavePending,
                    },
                    fx,
                );
                fx.push(Effect::Navigate(url));
            }
            Ok(None) => {
                fx.push(Effect::ClosePopup);
                self.failed(&ApiError::Status(502, None), fx);
            }
            Err(e) => {
                fx.push(Effect::ClosePopup);
                self.failed(&e, fx);
            }
        }
    }

    /// The key (or the client token) is not allowed on this page: a short message
    /// instead of the journey, one event and one warning for the integrator (no key in
    /// the warning: a client token's).
    fn refuse(&mut self, fx: &mut Fx) {
        self.refused = true;
        let (key, code) = if self.token_refused {
            (String::new(), "client_token_invalid")
        } else {
            (self.opts.publishable_key.clone(), "forbidden_origin")
        };
        fx.push(Effect::Warn(key));
        fx.push(Effect::Render(View::Step(false)));
        Self::emit(fx, "onboarding:error", vec![("code", code.to_owned())]);
    }

    /// The tenant token is gone: start again from a clean state, saying so. What was
    /// typed stays in the form (it never left the page).
    pub fn expired(&mut self, fx: &mut Fx) {
        fx.push(Effect::StopEvents);
        fx.push(Effect::ClearSaved);
        for r in self.files.drain(..) {
            fx.push(Effect::CancelUpload(r.id));
            fx.push(Effect::ForgetFile(r.id));
        }
        self.tenant = None;
        self.status = None;
        self.inquiry = Inquiry::NotRun;
        self.answers.clear();
        self.opened.clear();
        self.busy = false;
        self.device_session_id.clear();
        self.tenant_key = (self.random)();
        self.step = 0;
        self.errors.clear();
        self.notice = Some((Msg::SessionExpired, true));
        fx.push(Effect::Render(View::Step(true)));
        self.announce(Msg::SessionExpired, fx);
        Self::emit(
            fx,
            "onboarding:error",
            vec![("code", "session_expired".to_owned())],
        );
    }

    /// A call failed: an expired token restarts; anything else is shown above the step.
    pub fn failed(&mut self, err: &ApiError, fx: &mut Fx) {
        if err.is_expired() {
            return self.expired(fx);
        }
        self.busy = false;
        let msg = match err {
            ApiError::Network => Msg::NetworkError,
            // Someone else's file (an upstream that deduplicates by email): the same
            // words whether the person exists here, elsewhere or not at all.
            e if e.code() == "tenant_unavailable" => Msg::ContactAgency,
            _ => Msg::GenericError,
        };
        self.notice = Some((msg, true));
        fx.push(Effect::Render(View::Live));
        fx.push(Effect::Render(View::Notice));
        self.announce(msg, fx);
        Self::emit(
            fx,
            "onboarding:error",
            vec![("code", err.code().to_owned())],
        );
    }

    /// The agency's product, when the page named one.
    pub fn product(&self) -> Option<Product> {
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

    /// A fresh 32-hex id.
    fn random(&self) -> String {
        (self.random)()
    }

    /// The live part's container, with the step's live HTML in it.
    pub fn live(&self, h: &mut Html) {
        h.el("div").attr("id", "dyn").done();
        (self.def().live)(self, h);
        h.end("div");
    }
}

/// `POST /v1/sessions` with the publishable key (the web layer fills the body).
fn session_call() -> Call {
    Call {
        method: "POST",
        path: paths::SESSIONS.to_owned(),
        auth: Auth::None,
        body: Body::Empty,
        key: None,
        reply: Reply::Session,
    }
}

/// The sentence for a final decision.
pub fn decision_msg(d: Decision) -> Msg {
    match d {
        Decision::Allow => Msg::DecisionAllow,
        Decision::Deny => Msg::DecisionDeny,
        Decision::Review | Decision::Challenge => Msg::DecisionReview,
    }
}

/// Core's content type, for an upload's `Content-Type`.
pub fn mime(ct: Option<ContentType>) -> &'static str {
    ct.map_or("application/octet-stream", |c| c.mime())
}

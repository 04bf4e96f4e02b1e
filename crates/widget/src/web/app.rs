//! The web-sys layer: it turns DOM events, edge replies, upload progress and timers
//! into [`Event`]s, feeds them to the [`Journey`] one at a time through a queue, and
//! performs the [`Effect`]s it gets back. It holds the browser handles (shadow root,
//! files, XHRs, the popup, the stream) and no rule of the journey.
//!
//! Nothing is dropped when events race the DOM: an event that arrives while an update
//! is being performed (e.g. a `focusout` fired by the widget's own `innerHTML`) waits
//! in the queue and runs right after.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use onboarding_core::document;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    Event as DomEvent, File, HtmlElement, HtmlInputElement, ShadowRoot, WebSocket, XmlHttpRequest,
};

use super::dom::{self, by_id};
use super::edge::Edge;
use super::{device, live, storage, upload};
use crate::action::Action;
use crate::api::{self, ApiError, parse};
use crate::html::field_id;
use crate::i18n::{Catalog, Locale};
use crate::journey::{Auth, Body, Call, Effect, Event, Journey, NewFile, Options, Reply, View};

/// Shared handle to the mounted widget (listeners and async tasks hold clones).
pub type Shared = Rc<Web>;

/// The browser side of one mounted journey.
pub struct Web {
    host: HtmlElement,
    root: ShadowRoot,
    /// The journey (borrowed only inside [`dispatch`] and while drawing).
    pub journey: RefCell<Journey>,
    queue: RefCell<VecDeque<Event>>,
    running: Cell<bool>,
    files: RefCell<Vec<(u32, File, Option<XmlHttpRequest>)>>,
    next_file: Cell<u32>,
    /// The session opened at mount: token and expiry (ms since the epoch).
    session: RefCell<Option<(String, f64)>>,
    /// The open live status socket, and the run of the loop that keeps it open (a
    /// loop whose run is no longer current stops).
    live: RefCell<Option<WebSocket>>,
    live_run: Cell<u32>,
    popup: RefCell<Option<web_sys::Window>>,
    /// False once destroyed: nothing dispatches again (late replies, timers, progress).
    alive: Cell<bool>,
    /// The shadow root's listeners, removed by [`unmount`] (in [`LISTENED`]'s order).
    listeners: RefCell<Vec<Listener>>,
    /// The loader's `writeHtml(node, html)`: the one way markup is written (through the
    /// page's Trusted Types policy, `tenant-onboarding`, when there is one).
    write: js_sys::Function,
    /// The loader's `POST /v1/sessions` answer (its 2xx text), asked for while the wasm
    /// loaded: the first session, without another round trip.
    early_session: RefCell<Option<String>>,
    /// The loader's `catalog(tag)`: a promise of a language's catalog data (`null`:
    /// use the compiled-in one).
    catalogs: Option<js_sys::Function>,
}

/// A DOM event listener the journey holds (and drops when it ends).
type Listener = Closure<dyn FnMut(DomEvent)>;

/// The DOM events the journey listens to on its shadow root.
const LISTENED: [&str; 8] = [
    "click",
    "input",
    "change",
    "focusout",
    "submit",
    "dragover",
    "dragleave",
    "drop",
];

/// Reads the options object passed to `mount`.
pub fn options_from_js(v: &JsValue) -> Options {
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
        client_token: p("clientToken"),
        prefill: prefill_from_js(v),
        requested_amount: p("requestedAmount"),
        style_url: p("styleUrl"),
        style_integrity: p("styleIntegrity"),
        terms_url: p("termsUrl"),
        credit_check_url: p("creditCheckUrl"),
        return_url: [dom::location(true), dom::pathname()].concat(),
    }
}

/// `prefill: {firstName, lastName, email, phone}` as field paths and values.
fn prefill_from_js(options: &JsValue) -> Vec<(&'static str, String)> {
    let Ok(given) = js_sys::Reflect::get(options, &JsValue::from_str("prefill")) else {
        return Vec::new();
    };
    [
        ("firstName", "applicant.name.first"),
        ("lastName", "applicant.name.last"),
        ("email", "applicant.email"),
        ("phone", "applicant.phoneNumber"),
    ]
    .into_iter()
    .filter_map(|(key, path)| Some((path, dom::prop(&given, key)?)))
    .collect()
}

fn random_id() -> String {
    device::new_session_id().unwrap_or_default()
}

impl Web {
    fn edge(&self) -> Edge {
        let j = self.journey.borrow();
        Edge {
            base: j.opts.api_base.clone(),
            lang: j.locale().as_str(),
        }
    }

    /// Resume state is per agency (its key) and product: another listing on the same
    /// page is another onboarding. With a client token, per the token's resume tag (the
    /// applicant the agency's server named: a new token for the same one resumes, one
    /// for another applicant in the same tab does not). (The loader's `reset()` removes
    /// the same key.)
    fn storage_key(&self) -> String {
        let j = self.journey.borrow();
        if let Some(token) = &j.opts.client_token {
            let tag = token.split('.').next().unwrap_or_default();
            return ["tenant-onboarding:", tag].concat();
        }
        [
            "tenant-onboarding:",
            &j.opts.publishable_key,
            ":",
            j.opts.product_id.as_deref().unwrap_or_default(),
        ]
        .concat()
    }

    fn file(&self, id: u32) -> Option<File> {
        self.files
            .borrow()
            .iter()
            .find(|f| f.0 == id)
            .map(|f| f.1.clone())
    }
}

/// Mounts the journey into `host`'s shadow root and wires its listeners.
///
/// # Errors
/// When the host cannot take a shadow root or a listener.
pub fn mount(
    host: HtmlElement,
    opts: Options,
    loader: Loader,
    early_session: Option<String>,
) -> Result<Shared, JsValue> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?,
    };
    let mut opts = opts;
    if opts.api_base.is_empty() {
        opts.api_base = dom::location(true);
    }
    let cat = catalog_from_js(negotiate(opts.locale.clone()), &loader.first_catalog);
    let w = Rc::new(Web {
        host,
        root: root.clone(),
        journey: RefCell::new(Journey::new(opts, cat, dom::today(), random_id)),
        queue: RefCell::default(),
        running: Cell::new(false),
        files: RefCell::default(),
        next_file: Cell::new(1),
        session: RefCell::default(),
        live: RefCell::default(),
        live_run: Cell::new(0),
        popup: RefCell::default(),
        alive: Cell::new(true),
        listeners: RefCell::default(),
        write: loader.write_html,
        early_session: RefCell::new(early_session),
        catalogs: loader.catalog,
    });
    for name in LISTENED {
        let wl = w.clone();
        let listener = Listener::new(move |e: DomEvent| on_dom_event(&wl, &e));
        root.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())?;
        w.listeners.borrow_mut().push(listener);
    }
    let saved = storage::load(&w.storage_key());
    dispatch(&w, Event::Mounted(saved));
    Ok(w)
}

/// Ends the journey for good: its listeners are removed (and with them the handles
/// they held), the live stream, uploads and the popup closed, and the shadow root
/// emptied; whatever is still in flight (a reply, a timer) finds it gone and
/// dispatches nothing. A second call does nothing.
pub fn unmount(w: &Shared) {
    if !w.alive.replace(false) {
        return;
    }
    for (name, l) in LISTENED.iter().zip(w.listeners.take()) {
        let _ = w
            .root
            .remove_event_listener_with_callback(name, l.as_ref().unchecked_ref());
    }
    stop_events(w);
    for (_, _, xhr) in w.files.borrow().iter() {
        if let Some(xhr) = xhr {
            let _ = xhr.abort();
        }
    }
    if let Some(p) = w.popup.borrow_mut().take() {
        let _ = p.close();
    }
    w.queue.borrow_mut().clear();
    dom::write_html(&w.root, "", &w.write);
}

/// What the loader hands to a mount besides the options.
pub struct Loader {
    /// `writeHtml(node, html)`.
    pub write_html: js_sys::Function,
    /// `catalog(tag)`, if the loader has catalogs.
    pub catalog: Option<js_sys::Function>,
    /// The first language's catalog data, fetched before the mount (`null`: Spanish).
    pub first_catalog: JsValue,
}

/// The language a journey starts in: the `locale` option, else the browser's
/// languages (Spanish when none is supported).
pub fn negotiate(option: Option<String>) -> Locale {
    Locale::first_of(&option.unwrap_or_else(dom::browser_languages))
}

/// The loader's catalog data ([`Catalog::load`]'s one string) as the catalog of
/// `locale`; the compiled-in one when there is none or it has the wrong shape.
fn catalog_from_js(locale: Locale, data: &JsValue) -> Rc<Catalog> {
    let loaded = data.as_string().and_then(|d| Catalog::load(locale, &d));
    Rc::new(loaded.unwrap_or_else(|| Catalog::builtin(locale)))
}

/// Switches language, keeping every value entered.
pub fn set_locale(w: &Shared, tag: &str) {
    dispatch(w, Event::Locale(Locale::first_of(tag)));
}

/// Feeds `event` to the journey, then every event queued meanwhile, performing each
/// one's effects in order.
pub fn dispatch(w: &Shared, event: Event) {
    if !w.alive.get() {
        return;
    }
    w.queue.borrow_mut().push_back(event);
    if w.running.replace(true) {
        return;
    }
    loop {
        // A host's listener may destroy the journey from inside an effect (an
        // `onboarding:complete` handler that unmounts): nothing runs after that.
        let Some(event) = w.queue.borrow_mut().pop_front().filter(|_| w.alive.get()) else {
            break;
        };
        let effects = match w.journey.try_borrow_mut() {
            Ok(mut j) => j.update(event),
            Err(_) => {
                // Not reachable today (effects never run inside `update`); if it ever
                // is, the event waits for the next dispatch instead of being lost.
                w.queue.borrow_mut().push_front(event);
                break;
            }
        };
        for e in effects {
            if w.alive.get() {
                perform(w, e);
            }
        }
    }
    w.running.set(false);
}

// ---------------------------------------------------------------------------------------
// DOM events → journey events

/// A form control's value and whether it is a checkbox (`"true"`/`"false"`); `None`
/// for a radio button that is not the chosen one, and for buttons.
fn control_value(el: &web_sys::Element) -> Option<(String, bool)> {
    match el.dyn_ref::<HtmlInputElement>() {
        Some(i) => match i.type_().as_str() {
            "checkbox" => Some((i.checked().to_string(), true)),
            "radio" if !i.checked() => None,
            "submit" | "button" | "file" => None,
            _ => Some((i.value(), false)),
        },
        None if el.tag_name().eq_ignore_ascii_case("button") => None,
        None => js_sys::Reflect::get(el, &"value".into())
            .ok()
            .and_then(|v| v.as_string())
            .map(|v| (v, false)),
    }
}

fn on_dom_event(w: &Shared, e: &DomEvent) {
    let Some(el) = e.composed_path().get(0).dyn_into::<web_sys::Element>().ok() else {
        return;
    };
    let kind = e.type_();
    let attr = |el: &web_sys::Element, name| el.get_attribute(name).unwrap_or_default();
    match kind.as_str() {
        "submit" => {
            e.prevent_default();
            if let Some(a) = Action::parse(&attr(&el, "data-action"), "") {
                // The values as the form holds them now: the submit must not depend on
                // every `input` event having arrived before it (WebDriver's typing and
                // a fast tap can both put the last one after the click).
                if let Ok(controls) = el.query_selector_all("[name]") {
                    for i in 0..controls.length() {
                        if let Some(c) = controls
                            .item(i)
                            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                            && let Some(name) = c.get_attribute("name")
                            && let Some((value, checkbox)) = control_value(&c)
                        {
                            let input = Event::Input {
                                name,
                                value,
                                checkbox,
                                change: false,
                            };
                            dispatch(w, input);
                        }
                    }
                }
                dispatch(w, Event::Act(a));
            }
        }
        "click" => {
            if let Ok(Some(btn)) = el.closest("button[data-action]")
                && btn.get_attribute("type").as_deref() != Some("submit")
                && let Some(a) = Action::parse(&attr(&btn, "data-action"), &attr(&btn, "data-id"))
            {
                dispatch(w, Event::Act(a));
            }
        }
        "input" | "change" => {
            let Some(name) = el.get_attribute("name") else {
                return;
            };
            let input = el.dyn_ref::<HtmlInputElement>();
            if name == "files" || name == "camera" {
                if let Some(i) = input {
                    if let Some(list) = i.files() {
                        add_files(w, &list);
                    }
                    i.set_value("");
                }
                return;
            }
            let Some((value, checkbox)) = control_value(&el) else {
                return;
            };
            let change = kind == "change";
            dispatch(
                w,
                Event::Input {
                    name,
                    value,
                    checkbox,
                    change,
                },
            );
        }
        "focusout" => {
            if let Some(name) = el.get_attribute("name") {
                dispatch(w, Event::Blur(name));
            }
        }
        _ => {
            // dragover / dragleave / drop on the drop zone.
            if let Ok(Some(zone)) = el.closest(".drop") {
                e.prevent_default();
                let _ = zone
                    .class_list()
                    .toggle_with_force("over", kind == "dragover");
                if kind == "drop"
                    && let Some(list) = e
                        .dyn_ref::<web_sys::DragEvent>()
                        .and_then(|d| d.data_transfer())
                        .and_then(|dt| dt.files())
                {
                    add_files(w, &list);
                }
            }
        }
    }
}

fn add_files(w: &Shared, list: &web_sys::FileList) {
    let mut chosen = Vec::new();
    for i in 0..list.length() {
        let Some(file) = list.get(i) else { continue };
        let id = w.next_file.get();
        w.next_file.set(id + 1);
        chosen.push(NewFile {
            id,
            name: file.name(),
            size: file.size(),
        });
        w.files.borrow_mut().push((id, file, None));
    }
    dispatch(w, Event::Files(chosen));
}

// ---------------------------------------------------------------------------------------
// Effects

fn perform(w: &Shared, effect: Effect) {
    match effect {
        Effect::Render(v) => render(w, v),
        Effect::Focus(id) => focus_id(w, id),
        Effect::Announce(text) => announce(w, &text),
        Effect::Call(call) => {
            let w = w.clone();
            spawn_local(async move {
                let ev = call_edge(&w, call).await;
                dispatch(&w, ev);
            });
        }
        Effect::Catalog(l, chosen) => {
            let w = w.clone();
            let ask = w
                .catalogs
                .as_ref()
                .and_then(|f| f.call1(&JsValue::NULL, &l.as_str().into()).ok());
            spawn_local(async move {
                let data = match ask {
                    Some(p) => wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&p))
                        .await
                        .unwrap_or(JsValue::NULL),
                    None => JsValue::NULL,
                };
                dispatch(&w, Event::Catalog(l, catalog_from_js(l, &data), chosen));
            });
        }
        Effect::Sniff(id) => sniff(w, id, false),
        Effect::Shrink(id) => sniff(w, id, true),
        Effect::CancelUpload(id) => {
            let xhr = w
                .files
                .borrow()
                .iter()
                .find(|f| f.0 == id)
                .and_then(|f| f.2.clone());
            if let Some(xhr) = xhr {
                let _ = xhr.abort();
            }
        }
        Effect::ForgetFile(id) => w.files.borrow_mut().retain(|f| f.0 != id),
        Effect::Choose(id) => {
            if let Some(input) = by_id(&w.root, id).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                input.click();
            }
        }
        Effect::OpenPopup(which) => {
            // Opened synchronously, inside the click, so that the popup is allowed;
            // pointed at the hosted page once the edge has answered (`Navigate`).
            let popup = dom::window()
                .and_then(|win| {
                    win.open_with_url_and_target_and_features(
                        "",
                        &["onboarding-", which.path()].concat(),
                        "popup,width=520,height=720",
                    )
                    .ok()
                })
                .flatten();
            // Cut before it goes anywhere: the hosted page cannot reach (or navigate)
            // the agency's tab through `window.opener`.
            if let Some(p) = &popup {
                let _ = p.set_opener(&JsValue::NULL);
            }
            *w.popup.borrow_mut() = popup;
        }
        Effect::Navigate(url) => navigate(w, &url),
        Effect::ClosePopup => {
            if let Some(p) = w.popup.borrow_mut().take() {
                let _ = p.close();
            }
        }
        Effect::StartEvents(..) => start_events(w),
        Effect::StopEvents => stop_events(w),
        Effect::Emit(name, fields) => {
            let o = js_sys::Object::new();
            for (k, v) in fields {
                // `onboarding:step`'s `index` is a number (1-based); every other field text.
                let v = match (k, v.parse::<u32>()) {
                    ("index", Ok(n)) => JsValue::from(n),
                    _ => JsValue::from_str(&v),
                };
                let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
            }
            dom::emit(&w.host, name, &o.into());
        }
        Effect::Save(s) => storage::save(&w.storage_key(), &s),
        Effect::ClearSaved => storage::clear(&w.storage_key()),
        Effect::After(ms, timer) => {
            let w = w.clone();
            spawn_local(async move {
                dom::sleep(ms).await;
                if w.host.is_connected() {
                    dispatch(&w, Event::Timer(timer));
                }
            });
        }
        Effect::DeviceSession(id) => {
            if let Some(url) = &w.journey.borrow().opts.device_data_collector_url {
                device::notify_collector(url, &id);
            }
        }
        Effect::Warn(key) if key.is_empty() => {
            web_sys::console::warn_1(&JsValue::from_str(
                "<tenant-onboarding>: the client token was refused (expired, used before, or not this edge's). Make one per page view on the agency's server with POST /v1/agency/sessions.",
            ));
        }
        Effect::Warn(key) => {
            let origin = dom::location(true);
            web_sys::console::warn_1(&JsValue::from_str(
                &[
                    "<tenant-onboarding>: the publishable key \"",
                    &key,
                    "\" is not allowed on the origin ",
                    &origin,
                    " (or is unknown). Add ",
                    &origin,
                    " to the key's allowed origins.",
                ]
                .concat(),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Drawing: the one place that writes the shadow root and moves focus

fn set_html(w: &Web, id: &str, html: &str) {
    if let Some(el) = by_id(&w.root, id) {
        dom::write_html(&el, html, &w.write);
    }
}

/// Focus (and with it, scrolling into view) happens here and only here.
fn focus_el(el: &web_sys::Element) {
    dom::focus(el);
}

fn focus_id(w: &Web, id: &str) {
    if let Some(el) = by_id(&w.root, id) {
        focus_el(&el);
    }
}

fn announce(w: &Web, text: &str) {
    if let Some(el) = by_id(&w.root, "live") {
        el.set_text_content(Some(text));
    }
}

fn render(w: &Web, view: View) {
    let j = w.journey.borrow();
    match view {
        View::Shell => {
            dom::write_html(&w.root, &j.shell_html(), &w.write);
            drop(j);
            render(w, View::Step(false));
        }
        View::Step(focus) => {
            set_html(w, "steps", &j.steps_html());
            set_html(w, "step", &j.step_html());
            if !j.refused {
                for path in j.step_fields() {
                    show_error(w, &j, &path);
                }
            }
            if focus {
                focus_id(w, "h");
            }
        }
        View::Live => {
            let focused = w
                .root
                .active_element()
                .map(|e| e.id())
                .filter(|id| !id.is_empty());
            set_html(w, "dyn", &j.live_html());
            if let Some(id) = focused {
                focus_id(w, &id);
            }
        }
        View::Notice => set_html(w, "notice", &j.notice_html()),
        View::Field(path) => show_error(w, &j, &path),
        View::Errors(first) => {
            for path in j.step_fields() {
                show_error(w, &j, &path);
            }
            let Some(summary) = by_id(&w.root, "summary") else {
                return;
            };
            let Some(text) = j.summary_text() else {
                dom::write_html(&summary, "", &w.write);
                return;
            };
            let mut h = crate::html::Html::new();
            h.el("p")
                .attr("class", "notice err")
                .attr("id", "summary-text")
                .attr("tabindex", "-1");
            h.text(&text).end("p");
            dom::write_html(&summary, &h.finish(), &w.write);
            announce(w, &text);
            let target = first
                .map(|p| field_id(&p))
                .and_then(|id| by_id(&w.root, &id))
                .or_else(|| by_id(&w.root, "summary-text"));
            if let Some(el) = target {
                focus_el(&el);
            }
        }
        View::Progress(id, pct) => {
            let n = crate::html::num(id);
            let pct = crate::html::num(pct);
            if let Some(el) = by_id(&w.root, &["p-", &n].concat()) {
                let _ = el.set_attribute("value", &pct);
            }
            if let Some(el) = by_id(&w.root, &["s-", &n].concat()) {
                let text = crate::i18n::fill(j.tr(crate::i18n::Msg::FileUploading), &[&pct]);
                el.set_text_content(Some(&text));
            }
        }
    }
}

/// Shows or clears the message under the input at `path`, with its ARIA.
fn show_error(w: &Web, j: &Journey, path: &str) {
    let id = field_id(path);
    let text = j.errors.get(path).map(|e| j.error_text(e));
    let err_id = [id.as_str(), "-e"].concat();
    if let Some(el) = by_id(&w.root, &err_id) {
        el.set_text_content(text.as_deref());
    }
    if let Some(input) = by_id(&w.root, &id) {
        let hint_id = [id.as_str(), "-h"].concat();
        let mut described = Vec::new();
        if by_id(&w.root, &hint_id).is_some() {
            described.push(hint_id);
        }
        if text.is_some() {
            described.push(err_id);
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

// ---------------------------------------------------------------------------------------
// The edge

/// A session token still good for a minute, or a new one (`POST /v1/sessions`, with
/// the client token if the page gave one, else the publishable key).
async fn session_token(w: &Web) -> Result<String, ApiError> {
    let held = w.session.borrow().clone();
    if let Some((token, expires)) = held
        && expires - js_sys::Date::now() > 60_000.0
    {
        return Ok(token);
    }
    let early = w.early_session.borrow_mut().take();
    let text = match early {
        Some(text) => text,
        None => {
            let body = {
                let o = &w.journey.borrow().opts;
                api::to_json(&onboarding_core::model::api::CreateSession {
                    client_token: o.client_token.clone(),
                    publishable_key: o.client_token.is_none().then(|| o.publishable_key.clone()),
                })?
            };
            w.edge()
                .send(
                    "POST",
                    onboarding_core::paths::SESSIONS,
                    None,
                    Some(body),
                    None,
                )
                .await?
        }
    };
    let s: api::Session = parse(Ok(text))?;
    let ms = js_sys::Date::parse(&s.expires_at);
    *w.session.borrow_mut() = Some((s.session_token.clone(), if ms.is_nan() { 0.0 } else { ms }));
    Ok(s.session_token)
}

/// Performs one call and turns its reply into the journey's event. JSON goes with
/// `fetch`, a file with XHR (progress); a session token the edge no longer takes is
/// replaced once.
async fn call_edge(w: &Shared, call: Call) -> Event {
    let Call {
        method,
        path,
        auth,
        body,
        key,
        reply,
    } = call;
    if reply == Reply::Session {
        return Event::Session(session_token(w).await.map(|_| ()));
    }
    let mut sent = String::new();
    let mut text;
    let mut tries = 0;
    loop {
        let token = match &auth {
            Auth::None => None,
            Auth::Tenant(token) => Some(token.clone()),
            Auth::Session => match session_token(w).await {
                Ok(token) => Some(token),
                Err(e) => {
                    text = Err(e);
                    break;
                }
            },
        };
        text = send(
            w,
            method,
            &path,
            token.as_deref(),
            body.clone(),
            key.as_deref(),
        )
        .await;
        sent = token.unwrap_or_default();
        tries += 1;
        // A session token the edge no longer takes: get a new one once.
        if auth != Auth::Session || tries == 2 || !text.as_ref().is_err_and(ApiError::is_expired) {
            break;
        }
        *w.session.borrow_mut() = None;
    }
    match reply {
        Reply::Created => Event::Created(parse(text)),
        Reply::Renewed => Event::Renewed(sent, parse(text)),
        Reply::Inquiry => Event::Inquiry(parse(text)),
        Reply::Answered => Event::Answered(parse(text)),
        Reply::Hosted(which) => {
            Event::HostedUrl(which, parse::<api::Hosted>(text).map(api::Hosted::url))
        }
        Reply::Uploaded(id) => match text {
            Err(ApiError::Aborted) => Event::UploadCancelled(id),
            r => Event::Uploaded(id, parse::<api::UploadedDocument>(r).map(|d| d.document_id)),
        },
        Reply::Status | Reply::Session => match parse(text) {
            Ok(s) => Event::Status(s),
            Err(e) => Event::StatusFailed(e),
        },
    }
}

/// Sends one call's body: JSON with `fetch`, a file row's file with XHR (reporting
/// [`Event::Progress`], cancelled by `Effect::CancelUpload`).
async fn send(
    w: &Shared,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Body,
    key: Option<&str>,
) -> Result<String, ApiError> {
    let edge = w.edge();
    let (id, content_type) = match body {
        Body::File(id, content_type) => (id, content_type),
        Body::Empty | Body::Json(_) => {
            let json = if let Body::Json(j) = body {
                Some(j)
            } else {
                None
            };
            return edge.send(method, path, token, json, key).await;
        }
    };
    let (Some(file), Ok(xhr)) = (w.file(id), XmlHttpRequest::new()) else {
        return Err(ApiError::Network);
    };
    if let Some(f) = w.files.borrow_mut().iter_mut().find(|f| f.0 == id) {
        f.2 = Some(xhr.clone());
    }
    let url = [edge.base.as_str(), path].concat();
    let auth = token.map(|t| ["Bearer ", t].concat()).unwrap_or_default();
    let mut headers = vec![
        ("Content-Type", content_type),
        ("Accept-Language", edge.lang),
    ];
    if token.is_some() {
        headers.push(("Authorization", &auth));
    }
    if let Some(k) = key {
        headers.push(("Idempotency-Key", k));
    }
    let progress = w.clone();
    let result = upload::send(&xhr, method, &url, &headers, &file, move |loaded, total| {
        if total > 0.0 {
            dispatch(
                &progress,
                Event::Progress(id, (loaded / total * 100.0).min(100.0) as u32),
            );
        }
    })
    .await;
    if let Some(f) = w.files.borrow_mut().iter_mut().find(|f| f.0 == id) {
        f.2 = None;
    }
    match result {
        Ok((status, text)) => api::check(status, text),
        Err(upload::UploadError::Aborted) => Err(ApiError::Aborted),
        Err(upload::UploadError::Network) => Err(ApiError::Network),
    }
}

// ---------------------------------------------------------------------------------------
// Files and uploads

/// Reads a file's first bytes (after scaling a photo down, when `shrink`).
fn sniff(w: &Shared, id: u32, shrink: bool) {
    let Some(mut file) = w.file(id) else { return };
    let w = w.clone();
    spawn_local(async move {
        if shrink && let Some(smaller) = upload::shrink(&file, document::DEFAULT_MAX_BYTES).await {
            if let Some(f) = w.files.borrow_mut().iter_mut().find(|f| f.0 == id) {
                f.1 = smaller.clone();
            }
            file = smaller;
        }
        let head = match file.slice_with_i32_and_i32(0, document::SNIFF_LEN as i32) {
            Ok(blob) => wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
                .await
                .map(|b| js_sys::Uint8Array::new(&b).to_vec())
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        dispatch(
            &w,
            Event::FileHead {
                id,
                head,
                name: file.name(),
                size: file.size(),
                scaled: shrink,
            },
        );
    });
}

// ---------------------------------------------------------------------------------------
// Hosted pages and the live status

/// Points the popup at `url`, or goes there when popups are blocked; when the popup
/// closes, the journey hears it (and reads the status once: the stream may lag).
fn navigate(w: &Shared, url: &str) {
    let base = w.journey.borrow().opts.api_base.clone();
    let url = web_sys::Url::new_with_base(url, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| url.to_owned());
    match w
        .popup
        .borrow_mut()
        .take()
        .filter(|p| !p.closed().unwrap_or(true))
    {
        Some(p) => {
            let _ = p.location().set_href(&url);
            let w = w.clone();
            spawn_local(async move {
                while !p.closed().unwrap_or(true) {
                    dom::sleep(600).await;
                }
                dispatch(&w, Event::PopupClosed);
            });
        }
        // Popups blocked: the tab goes there itself, only ever to an http(s) page.
        None if url.starts_with("https://") || url.starts_with("http://") => {
            if let Some(win) = dom::window() {
                let _ = win.location().assign(&url);
            }
        }
        None => {}
    }
}

/// Keeps the live status connection open while the journey wants it: a new ticket
/// and socket after each end (a growing pause after a failure), replaying from the
/// last sequence seen.
fn start_events(w: &Shared) {
    stop_events(w);
    let run = w.live_run.get();
    let w = w.clone();
    spawn_local(async move {
        let last_seq = Rc::new(Cell::new(0));
        let mut backoff = 1000;
        loop {
            // The current token each time (it is renewed while the stream runs).
            let Some((id, token)) = w
                .journey
                .borrow()
                .tenant()
                .map(|(id, token)| (id.to_owned(), token.to_owned()))
            else {
                return;
            };
            let to = w.clone();
            let end = live::read(&w.edge(), &id, &token, &last_seq, &w.live, move |s| {
                dispatch(&to, Event::Status(s));
            })
            .await;
            if w.live_run.get() != run || !w.host.is_connected() {
                return;
            }
            match end {
                live::End::Replaced => return,
                live::End::Expired => return dispatch(&w, Event::StreamExpired),
                live::End::Closed => backoff = 1000,
                live::End::Failed => {
                    backoff = (backoff * 2).min(30_000);
                    dispatch(&w, Event::StreamFailed);
                }
            }
            dom::sleep(backoff).await;
        }
    });
}

/// Closes the live status socket and ends the loop that reopens it.
fn stop_events(w: &Web) {
    w.live_run.set(w.live_run.get().wrapping_add(1));
    if let Some(ws) = w.live.borrow_mut().take() {
        let _ = ws.close_with_code_and_reason(1000, "done");
    }
}

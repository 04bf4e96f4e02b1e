//! Small browser helpers: lookups in the shadow root, DOM events, timers and today's
//! date. (HTML is written with `html::Html`, which escapes by construction.)

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

/// The window (`None` outside a page, e.g. in a worker: nothing panics there).
pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// `location.href` / `location.origin` of the page (empty outside a page).
pub fn location(origin: bool) -> String {
    window()
        .and_then(|w| {
            let l = w.location();
            if origin { l.origin() } else { l.href() }.ok()
        })
        .unwrap_or_default()
}

/// `location.pathname` of the page (empty outside a page).
pub fn pathname() -> String {
    window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// `root.querySelector(sel)`, `None` on no match or a bad selector.
pub fn find(root: &ShadowRoot, sel: &str) -> Option<Element> {
    root.query_selector(sel).ok().flatten()
}

/// The element with `id` in `root`.
pub fn by_id(root: &ShadowRoot, id: &str) -> Option<Element> {
    root.get_element_by_id(id)
}

/// Moves focus to `el` (headings carry `tabindex="-1"`).
pub fn focus(el: &Element) {
    if let Some(h) = el.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}

/// Dispatches `name` on `host` as a bubbling, composed `CustomEvent` with `detail`,
/// in a microtask: the page's listeners run after the widget has finished its own
/// update, so they may call back into it.
pub fn emit(host: &HtmlElement, name: &str, detail: &JsValue) {
    let (host, name, detail) = (host.clone(), name.to_owned(), detail.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(&name, &init) {
            let _ = host.dispatch_event(&ev);
        }
    });
}

/// A promise that resolves (to `undefined`) after `ms` milliseconds.
pub fn delay(ms: i32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    })
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let _ = wasm_bindgen_futures::JsFuture::from(delay(ms)).await;
}

/// Today's date in the browser's time zone.
pub fn today() -> onboarding_core::Date {
    let d = js_sys::Date::new_0();
    onboarding_core::Date::new(
        d.get_full_year() as u16,
        d.get_month() as u8 + 1,
        d.get_date() as u8,
    )
    .unwrap_or(onboarding_core::Date {
        year: 2000,
        month: 1,
        day: 1,
    })
}

/// The browser's preferred languages, as an `Accept-Language`-like list.
pub fn browser_languages() -> String {
    let Some(nav) = window().map(|w| w.navigator()) else {
        return String::new();
    };
    let langs: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if langs.is_empty() {
        nav.language().unwrap_or_default()
    } else {
        langs.join(",")
    }
}

/// Replaces `node`'s (an element's or the shadow root's) markup with `html`, the
/// widget's own (every text in it escaped by `crate::html`), through the loader's
/// `writeHtml(node, html)` — which goes through the page's Trusted Types policy when
/// it made one: the widget's one HTML sink.
pub fn write_html(node: &JsValue, html: &str, write: &js_sys::Function) {
    let _ = write.call2(&JsValue::NULL, node, &JsValue::from_str(html));
}

/// The string property `key` of a JS object. (Not inlined: mount reads a dozen.)
#[inline(never)]
pub fn prop(obj: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .filter(|s| !s.is_empty())
}

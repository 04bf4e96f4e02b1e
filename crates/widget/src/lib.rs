//! onboarding-widget: the `<tenant-onboarding>` browser module.
//!
//! The journey (consent → details → documents → identity → bank → summary → done) is a
//! sans-IO state machine (`journey`: typed events in, effects out, one module per
//! step) that `web::app`, the web-sys layer, carries: it feeds DOM events and edge
//! replies in and performs the effects (drawing into the host element's shadow root,
//! calls, DOM events). Everything outside `web/` is pure (no `web_sys`), built and
//! tested natively. Validation verdicts and their messages
//! come from `onboarding-core`, the same code the edge runs; this crate only translates
//! between the browser and core. The JS loader (`js/onboarding.js`) defines the custom
//! element and calls [`mount`].

pub mod action;
pub mod api;
pub mod form;
pub mod html;
pub mod i18n;
pub mod journey;
pub mod json;
pub mod map;
pub mod resume;
mod view;
pub mod web;

use web::app;

use wasm_bindgen::prelude::*;

/// The wasm's allocator: lol_alloc's free list (about 1 KB of code) rather than the
/// standard dlmalloc (about 7 KB). The journey's heap is small (a few hundred KB:
/// markup strings, one file head at a time; file bodies stay in JS), so a first-fit
/// list that merges neighbours is fast enough, and the bytes pay for Catalan and the
/// agency's options within the budget. Locked, not `AssumeSingleThreaded`: no
/// `unsafe` here, and an uncontended lock on one thread is a load and a store.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// A mounted journey, returned by [`mount`].
#[wasm_bindgen]
pub struct Onboarding {
    app: app::Shared,
}

#[wasm_bindgen]
impl Onboarding {
    /// Switches the language (`es` / `en`), keeping what was entered.
    #[wasm_bindgen(js_name = setLocale)]
    pub fn set_locale(&self, locale: &str) {
        app::set_locale(&self.app, locale);
    }

    /// The current step's name (`consent`, `details`, …).
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> String {
        self.app
            .journey
            .try_borrow()
            .map(|j| j.step_name())
            .unwrap_or_default()
            .to_owned()
    }

    /// The device session id of this onboarding (empty until consent is given).
    #[wasm_bindgen(getter, js_name = deviceSessionId)]
    pub fn device_session_id(&self) -> String {
        self.app
            .journey
            .try_borrow()
            .map(|j| j.device_session_id.clone())
            .unwrap_or_default()
    }

    /// Ends the journey for good (listeners, stream, uploads, popup) and empties the
    /// shadow root; idempotent.
    pub fn destroy(&self) {
        app::unmount(&self.app);
    }
}

/// The language a mount with this `locale` option starts in (`es`, `en`, `ca`): the
/// loader fetches its catalog before mounting.
#[wasm_bindgen]
pub fn locale(option: Option<String>) -> String {
    app::negotiate(option.filter(|s| !s.is_empty()))
        .as_str()
        .to_owned()
}

/// Mounts the onboarding journey into `host`'s shadow root.
///
/// `options`: `{clientToken? | publishableKey?, apiBase?, locale?, deviceDataCollectorUrl?,
/// productId?, requestedAmount?, styleUrl?, termsUrl?, creditCheckUrl?, prefill?}` (see `onboarding.d.ts`), and from the loader `writeHtml`, `sessionText`,
/// `loadCatalog` and `firstCatalog`. (Callbacks and `messages` stay in the loader.)
///
/// # Errors
/// A JS `Error` when the host cannot take a shadow root.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, options: JsValue) -> Result<Onboarding, JsError> {
    let opts = app::options_from_js(&options);
    let get = |k: &str| js_sys::Reflect::get(&options, &JsValue::from_str(k)).ok();
    let function = |k: &str| get(k).and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let loader = app::Loader {
        write_html: function("writeHtml")
            .ok_or_else(|| JsError::new("mount through the widget's loader"))?,
        catalog: function("loadCatalog"),
        first_catalog: get("firstCatalog").unwrap_or(JsValue::NULL),
    };
    let app = app::mount(host, opts, loader, web::dom::prop(&options, "sessionText"))
        .map_err(|_| JsError::new("cannot mount the onboarding widget here"))?;
    Ok(Onboarding { app })
}

//! Browser tests: `wasm-pack test --headless --chrome crates/widget`.
//!
//! Upload progress is exercised for real: `upload::send` POSTs a 3 MiB Blob with
//! XMLHttpRequest to the wasm-bindgen test server that serves this page (same origin,
//! so no CORS). Whatever that server answers, Chromium reports `upload.onprogress` as
//! the body goes out; the test asserts monotonic progress ending at the full size and a
//! response, then that `abort()` ends a second upload as `Aborted`.
#![cfg(target_arch = "wasm32")]

use onboarding_widget::web::upload::{self, UploadError};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn mount(locale: &str) -> (HtmlElement, onboarding_widget::Onboarding) {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let host: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"publishableKey".into(), &"pk_test_demo".into()).unwrap();
    js_sys::Reflect::set(&opts, &"locale".into(), &locale.into()).unwrap();
    js_sys::Reflect::set(&opts, &"apiBase".into(), &"http://127.0.0.1:9".into()).unwrap();
    // What the loader passes (js/onboarding.js): its one markup writer.
    let write = js_sys::Function::new_with_args("node, html", "node.innerHTML = html");
    js_sys::Reflect::set(&opts, &"writeHtml".into(), &write).unwrap();
    // Its catalogs: Spanish is compiled in (`null`), any other language is data.
    let load = js_sys::Function::new_with_args(
        "tag",
        "return Promise.resolve(tag === 'es' ? null : String(this))",
    )
    .bind0(&marked_catalog());
    js_sys::Reflect::set(&opts, &"loadCatalog".into(), &load).unwrap();
    let handle = onboarding_widget::mount(host.clone(), opts.into()).unwrap();
    (host, handle)
}

fn root(host: &HtmlElement) -> ShadowRoot {
    host.shadow_root().expect("shadow root")
}

fn q(host: &HtmlElement, sel: &str) -> Element {
    root(host)
        .query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
}

fn click(host: &HtmlElement, sel: &str) {
    q(host, sel).dyn_into::<HtmlElement>().unwrap().click();
}

fn fire(el: &Element, name: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict(name, &init).unwrap())
        .unwrap();
}

fn type_into(host: &HtmlElement, name: &str, value: &str) -> HtmlInputElement {
    let input: HtmlInputElement = q(host, &format!("[name=\"{name}\"]")).dyn_into().unwrap();
    input.set_value(value);
    fire(&input, "input");
    fire(&input, "focusout");
    input
}

fn to_details(host: &HtmlElement) {
    click(host, "[name=\"consent.termsAccepted\"]");
    click(host, "[name=\"consent.creditCheckAccepted\"]");
    click(host, "#submit");
}

#[wasm_bindgen_test]
fn renders_the_first_step_in_a_shadow_root() {
    let (host, handle) = mount("es");
    assert_eq!(q(&host, "h2").text_content().unwrap(), "Antes de empezar");
    assert_eq!(handle.step(), "consent");
    assert_eq!(
        q(&host, "li[aria-current=step]").text_content().unwrap(),
        "Antes de empezar"
    );
    assert!(q(&host, "#live").get_attribute("aria-live").is_some());
    // Every input has a label.
    let inputs = root(&host).query_selector_all("input").unwrap();
    for i in 0..inputs.length() {
        let id = inputs.item(i).unwrap().dyn_into::<Element>().unwrap().id();
        assert!(
            root(&host)
                .query_selector(&format!("label[for=\"{id}\"]"))
                .unwrap()
                .is_some(),
            "{id}"
        );
    }
}

#[wasm_bindgen_test]
fn consent_errors_are_core_messages_with_aria() {
    let (host, handle) = mount("es");
    click(&host, "#submit");
    assert_eq!(handle.step(), "consent");
    let terms = q(&host, "[name=\"consent.termsAccepted\"]");
    assert_eq!(terms.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = terms.get_attribute("aria-describedby").unwrap();
    let message = q(&host, &format!("#{described}")).text_content().unwrap();
    assert!(!message.is_empty());
    // Focus goes to the first field in error.
    assert_eq!(root(&host).active_element().unwrap().id(), terms.id());
    // Fixing the field clears its message at once.
    click(&host, "[name=\"consent.termsAccepted\"]");
    assert!(terms.get_attribute("aria-invalid").is_none());
    click(&host, "[name=\"consent.creditCheckAccepted\"]");
    click(&host, "#submit");
    assert_eq!(handle.step(), "details");
    assert_eq!(handle.device_session_id().len(), 32);
}

#[wasm_bindgen_test]
fn field_errors_on_blur_come_from_core() {
    let (host, _handle) = mount("es");
    to_details(&host);
    let id = type_into(&host, "applicant.governmentId[0].value", "12345678A");
    assert_eq!(id.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = id.get_attribute("aria-describedby").unwrap();
    assert!(
        described.contains("-h") && described.contains("-e"),
        "{described}"
    );
    let err_id = described.split(' ').find(|d| d.ends_with("-e")).unwrap();
    let shown = q(&host, &format!("#{err_id}")).text_content().unwrap();
    let expected = onboarding_core::i18n::message(
        onboarding_core::i18n::Locale::Es,
        &onboarding_core::validate::validate_field(
            "applicant.governmentId[0].value",
            "12345678A",
            onboarding_widget::web::dom::today(),
        )
        .unwrap(),
    );
    assert_eq!(shown, expected);
    let id = type_into(&host, "applicant.governmentId[0].value", "12345678Z");
    assert!(id.get_attribute("aria-invalid").is_none());
    let email = type_into(&host, "applicant.email", "not-an-email");
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    // Submitting shows every missing field and focuses the first one.
    click(&host, "#submit");
    let first = root(&host).active_element().unwrap();
    assert_eq!(
        first.get_attribute("name").as_deref(),
        Some("applicant.name.first")
    );
    assert!(!q(&host, "#summary").text_content().unwrap().is_empty());
}

/// What the loader's `loadCatalog` gives for a language: here Spanish with every text
/// marked, so the test sees which catalog speaks (the real files are checked natively
/// and end to end).
fn marked_catalog() -> JsValue {
    use onboarding_widget::i18n::{Catalog, Locale, Msg};
    let es = Catalog::builtin(Locale::Es);
    let all: Vec<String> = es
        .core()
        .texts()
        .chain(es.core().labels())
        .chain(Msg::ALL.iter().map(|&m| es.t(m)))
        .map(|s| format!("[ca] {s}"))
        .collect();
    JsValue::from_str(&all.join("\0"))
}

#[wasm_bindgen_test]
async fn switching_language_keeps_the_data() {
    let (host, handle) = mount("es");
    to_details(&host);
    type_into(&host, "applicant.name.first", "Lucía");
    type_into(&host, "applicant.email", "nope");
    handle.set_locale("ca");
    // The loader's catalog is a promise: nothing changes until it is there.
    assert_eq!(q(&host, "h2").text_content().unwrap(), "Tus datos");
    wasm_bindgen_futures::JsFuture::from(onboarding_widget::web::dom::delay(10))
        .await
        .unwrap();
    assert_eq!(q(&host, "h2").text_content().unwrap(), "[ca] Tus datos");
    assert_eq!(
        q(&host, ".onb").get_attribute("lang").as_deref(),
        Some("ca")
    );
    let first: HtmlInputElement = q(&host, "[name=\"applicant.name.first\"]")
        .dyn_into()
        .unwrap();
    assert_eq!(first.value(), "Lucía");
    // The error is re-rendered by core from the loaded catalog.
    let email = q(&host, "[name=\"applicant.email\"]");
    let err = q(&host, &format!("#{}-e", email.id()))
        .text_content()
        .unwrap();
    assert!(err.contains("[ca] "), "{err}");
    click(&host, "#lang-es");
    wasm_bindgen_futures::JsFuture::from(onboarding_widget::web::dom::delay(10))
        .await
        .unwrap();
    assert_eq!(q(&host, "h2").text_content().unwrap(), "Tus datos");
}

#[wasm_bindgen_test]
fn device_session_ids_are_32_lowercase_hex_and_fresh() {
    let a = onboarding_widget::web::device::new_session_id().unwrap();
    let b = onboarding_widget::web::device::new_session_id().unwrap();
    assert!(onboarding_core::device::is_valid_session_id(&a), "{a}");
    assert!(onboarding_core::device::is_valid_session_id(&b), "{b}");
    assert_ne!(a, b);
}

fn blob(bytes: usize) -> web_sys::Blob {
    let data = js_sys::Uint8Array::new_with_length(bytes as u32);
    let parts = js_sys::Array::of1(&data);
    web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap()
}

#[wasm_bindgen_test]
async fn upload_reports_progress_and_can_be_cancelled() {
    const SIZE: usize = 3 * 1024 * 1024;
    let url = format!(
        "{}/upload-probe",
        web_sys::window().unwrap().location().origin().unwrap()
    );
    let seen: Rc<RefCell<Vec<(f64, f64)>>> = Rc::default();
    let sink = seen.clone();
    let xhr = web_sys::XmlHttpRequest::new().unwrap();
    let result = upload::send(
        &xhr,
        "POST",
        &url,
        &[("Idempotency-Key", "k1")],
        &blob(SIZE),
        move |l, t| sink.borrow_mut().push((l, t)),
    )
    .await;
    let seen = seen.borrow().clone();
    assert!(!seen.is_empty(), "no progress events ({result:?})");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last().unwrap(), &(SIZE as f64, SIZE as f64));
    let (status, _) = result.expect("a response");
    assert!(status > 0);

    let xhr = web_sys::XmlHttpRequest::new().unwrap();
    let abort = xhr.clone();
    let body = blob(SIZE);
    let pending = upload::send(&xhr, "POST", &url, &[], &body, move |_, _| {
        let _ = abort.abort();
    });
    assert_eq!(pending.await, Err(UploadError::Aborted));
    let _ = JsValue::NULL;
}

/// A PNG of `w`×`h` random pixels drawn on a canvas, as a `File`.
async fn noise_png(w: u32, h: u32) -> web_sys::File {
    let make = js_sys::Function::new_with_args(
        "w, h",
        "const c = document.createElement('canvas'); c.width = w; c.height = h;
         const x = c.getContext('2d'); const d = x.createImageData(w, h);
         for (let i = 0; i < d.data.length; i += 65536) crypto.getRandomValues(d.data.subarray(i, i + 65536));
         for (let i = 3; i < d.data.length; i += 4) d.data[i] = 255;
         x.putImageData(d, 0, 0);
         return new Promise((r) => c.toBlob((b) => r(new File([b], 'foto.png', { type: 'image/png' })), 'image/png'));",
    );
    let promise: js_sys::Promise = make
        .call2(&JsValue::NULL, &w.into(), &h.into())
        .unwrap()
        .dyn_into()
        .unwrap();
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .unwrap()
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn an_oversized_photo_is_scaled_down_to_a_jpeg_core_accepts() {
    use onboarding_core::document::{self, ContentType};
    let photo = noise_png(800, 600).await;
    let max = 60_000_u64;
    assert!(
        photo.size() as u64 > max,
        "the test photo is {} B",
        photo.size()
    );
    let head = |f: &web_sys::File| {
        let blob = f.slice_with_i32_and_i32(0, 8).unwrap();
        async move {
            let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
                .await
                .unwrap();
            js_sys::Uint8Array::new(&buf).to_vec()
        }
    };
    let h = head(&photo).await;
    let verdict = document::check_document(&h, Some(photo.size() as u64), max);
    assert!(document::is_scalable_photo(&h, &verdict));
    let small = upload::shrink(&photo, max).await.expect("scaled");
    assert!(small.size() as u64 <= max, "scaled to {} B", small.size());
    assert_eq!(small.name(), "foto.jpg");
    let h = head(&small).await;
    assert_eq!(
        document::check_document(&h, Some(small.size() as u64), max),
        Ok(ContentType::Jpeg)
    );
    // Not an image at all: nothing to scale.
    let junk =
        web_sys::File::new_with_str_sequence(&js_sys::Array::of1(&"%PDF-1.4".into()), "a.png")
            .unwrap();
    assert!(upload::shrink(&junk, max).await.is_none());
}

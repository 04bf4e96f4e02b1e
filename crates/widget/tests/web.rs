//! Browser tests: run with `wasm-pack test --headless --chrome crates/widget`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn mount_renders_heading_in_shadow_root() {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    onboarding_widget::mount(host.clone(), wasm_bindgen::JsValue::UNDEFINED).unwrap();
    let root = host.shadow_root().expect("shadow root");
    let h2 = root.query_selector("h2").unwrap().expect("heading");
    assert!(h2.text_content().unwrap().contains("alquiler"));
}

//! onboarding-widget: the `<tenant-onboarding>` browser module.

use wasm_bindgen::prelude::*;

/// Mount the onboarding journey into `host`'s shadow root.
///
/// # Errors
/// Returns a JS `Error` when the host cannot take a shadow root.
#[wasm_bindgen]
pub fn mount(host: web_sys::HtmlElement, _options: JsValue) -> Result<(), JsError> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .map_err(|_| JsError::new("cannot attach a shadow root"))?,
    };
    root.set_inner_html("<section><h2 tabindex=\"-1\">Solicitud de alquiler</h2></section>");
    Ok(())
}

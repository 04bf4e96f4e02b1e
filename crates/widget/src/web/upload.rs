//! File upload through `XMLHttpRequest`: `fetch` reports no upload progress, XHR's
//! `upload.onprogress` does. The caller keeps the `XmlHttpRequest` to cancel it.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

/// How an upload ended without a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    /// `abort()` was called (the applicant pressed Cancel).
    Aborted,
    /// Network failure or timeout.
    Network,
}

/// Sends `body` with `method` to `url` on `xhr`, calling `progress(loaded, total)` as the
/// request body goes out (`total` is 0 when unknown). Resolves to the response status
/// and text.
///
/// # Errors
/// [`UploadError::Aborted`] after [`XmlHttpRequest::abort`], [`UploadError::Network`]
/// when no response came.
pub async fn send(
    xhr: &XmlHttpRequest,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &Blob,
    progress: impl FnMut(f64, f64) + 'static,
) -> Result<(u16, String), UploadError> {
    let mut progress = progress;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        let total = if e.length_computable() {
            e.total()
        } else {
            0.0
        };
        progress(e.loaded(), total);
    });
    let setup = || -> Result<js_sys::Promise, JsValue> {
        xhr.open_with_async(method, url, true)?;
        for (k, v) in headers {
            xhr.set_request_header(k, v)?;
        }
        // Listeners on `upload` must exist before send(), or no progress is reported.
        xhr.upload()?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            xhr.set_onload(Some(&resolve));
            xhr.set_onerror(Some(&resolve));
            xhr.set_onabort(Some(&resolve));
            xhr.set_ontimeout(Some(&resolve));
        });
        xhr.send_with_opt_blob(Some(body))?;
        Ok(promise)
    };
    let promise = setup().map_err(|_| UploadError::Network)?;
    let ended = JsFuture::from(promise)
        .await
        .map_err(|_| UploadError::Network)?;
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(None);
    }
    drop(on_progress);
    let kind = ended
        .dyn_ref::<web_sys::Event>()
        .map(|e| e.type_())
        .unwrap_or_default();
    match kind.as_str() {
        "load" => Ok((
            xhr.status().unwrap_or(0),
            xhr.response_text().ok().flatten().unwrap_or_default(),
        )),
        "abort" => Err(UploadError::Aborted),
        _ => Err(UploadError::Network),
    }
}

#[wasm_bindgen(module = "/js/shrink.js")]
extern "C" {
    #[wasm_bindgen(js_name = shrinkImage)]
    fn shrink_image(file: &web_sys::File, max_bytes: f64) -> js_sys::Promise;
}

/// A JPEG of `file` (a JPEG or PNG photo) scaled down to at most `max_bytes`, drawn
/// on a canvas; `None` when the browser cannot decode it or no size fits.
pub async fn shrink(file: &web_sys::File, max_bytes: u64) -> Option<web_sys::File> {
    JsFuture::from(shrink_image(file, max_bytes as f64))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

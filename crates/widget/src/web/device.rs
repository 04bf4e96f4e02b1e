//! The device session id: 16 bytes from the platform CSPRNG (`crypto.getRandomValues`
//! through getrandom) formatted by core, and the optional device-data collector.

/// A fresh device session id (32 lowercase hex).
///
/// # Errors
/// When the browser has no CSPRNG.
pub fn new_session_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(onboarding_core::device::session_id(bytes))
}

/// Hands the id to a device-data collector as `?s=<id>` with an image request (no
/// script runs, no cookies are read; the page's CSP `img-src` must allow its origin).
pub fn notify_collector(url: &str, session_id: &str) {
    let Ok(u) = web_sys::Url::new(url) else {
        return;
    };
    u.search_params().set("s", session_id);
    if let Ok(img) = web_sys::HtmlImageElement::new() {
        img.set_src(&u.href());
    }
}

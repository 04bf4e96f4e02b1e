//! `/widget/…`: the widget's releases, served from the append-only release store (the
//! R2 bucket bound as `WIDGET`, filled by `scripts/publish-widget.mjs`). A version's
//! files (`/widget/<version>/…`) never change once published and stay for good, so a
//! pinned tag keeps working across every later release; the stable entry, its types
//! and `manifest.json` (the latest release and the list of published ones) move with
//! each release. Everything is public and readable cross-origin, without credentials.

use worker::{Env, Headers, Method, Request, Response, Result};

/// Cache lifetime of the files that move with each release.
const STABLE: &str = "public, max-age=300";
/// A version's files: they never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The store key of a `/widget/…` path, when it names a file the store may hold:
/// `widget/<file>` or `widget/<version>/<file>`, each segment `[A-Za-z0-9._-]`, not
/// starting with a dot.
fn key_of(path: &str) -> Option<&str> {
    let key = path.strip_prefix('/')?;
    let segments: Vec<&str> = key.split('/').collect();
    let shape_ok = matches!(segments.as_slice(), ["widget", _] | ["widget", _, _]);
    let names_ok = segments.iter().all(|s| {
        !s.is_empty()
            && s.len() <= 64
            && !s.starts_with('.')
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    });
    (shape_ok && names_ok).then_some(key)
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}

fn public_headers(status_cache: &str) -> Result<Headers> {
    let h = Headers::new();
    h.set("Access-Control-Allow-Origin", "*")?;
    h.set("Cross-Origin-Resource-Policy", "cross-origin")?;
    h.set("Timing-Allow-Origin", "*")?;
    h.set("X-Content-Type-Options", "nosniff")?;
    h.set("Cache-Control", status_cache)?;
    Ok(h)
}

/// Answers a `/widget/…` request from the release store.
///
/// # Errors
/// Only when the runtime cannot build a response; a missing store is a 503.
pub async fn serve(req: &Request, env: &Env, path: &str) -> Result<Response> {
    let method = req.method();
    if method != Method::Get && method != Method::Head {
        let h = public_headers("no-store")?;
        h.set("Allow", "GET, HEAD")?;
        return Ok(Response::empty()?.with_status(405).with_headers(h));
    }
    let Some(key) = key_of(path) else {
        return Ok(Response::error("Not found", 404)?.with_headers(public_headers("no-store")?));
    };
    let Ok(bucket) = env.bucket("WIDGET") else {
        worker::console_error!(
            "{}",
            serde_json::json!({"widget": "no WIDGET bucket bound"})
        );
        return Ok(Response::error("Unavailable", 503)?.with_headers(public_headers("no-store")?));
    };
    let Some(object) = bucket.get(key).execute().await? else {
        return Ok(Response::error("Not found", 404)?.with_headers(public_headers("no-store")?));
    };
    let versioned = key.matches('/').count() == 2;
    let h = public_headers(if versioned { IMMUTABLE } else { STABLE })?;
    h.set("Content-Type", content_type(key))?;
    let etag = object.http_etag();
    h.set("ETag", &etag)?;
    let unchanged = req
        .headers()
        .get("If-None-Match")?
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if unchanged {
        return Ok(Response::empty()?.with_status(304).with_headers(h));
    }
    h.set("Content-Length", &object.size().to_string())?;
    if method == Method::Head {
        return Ok(Response::empty()?.with_headers(h));
    }
    match object.body() {
        Some(body) => Ok(Response::from_body(body.response_body()?)?.with_headers(h)),
        None => Ok(Response::empty()?.with_headers(h)),
    }
}

#[cfg(test)]
mod tests {
    use super::{content_type, key_of};

    #[test]
    fn only_release_files_are_keys() {
        assert_eq!(
            key_of("/widget/onboarding.js"),
            Some("widget/onboarding.js")
        );
        assert_eq!(
            key_of("/widget/0.1.0-abc/widget_bg.wasm"),
            Some("widget/0.1.0-abc/widget_bg.wasm")
        );
        for bad in [
            "/widget/",
            "/widget",
            "/widget/a/b/c",
            "/widget/../x",
            "/widget/.hidden",
            "/widget/a%2Fb",
            "/other/x.js",
        ] {
            assert_eq!(key_of(bad), None, "{bad}");
        }
        assert_eq!(content_type("widget/v/widget_bg.wasm"), "application/wasm");
        assert_eq!(
            content_type("widget/onboarding.d.ts"),
            "text/plain; charset=utf-8"
        );
    }
}

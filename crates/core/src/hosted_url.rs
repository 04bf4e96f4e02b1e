//! Hosted-page URLs from upstream (KYC, bank, Cl@ve) are handed to the browser only
//! when their origin — scheme and host, exactly — is on that upstream's allowlist, and
//! only over https outside dev (DESIGN "Rules under abuse and faults", *Hosted pages*).
//! A prefix check would let `http://127.0.0.1:8787.evil.example/` or
//! `http://127.0.0.1:8787@evil.example/` through; this parses the authority instead.

/// The origin (`scheme://host[:port]`, lowercase) of an absolute http(s) URL, or `None`
/// when it is not one: other schemes, userinfo (`user@`), backslashes, whitespace or
/// control characters, an empty host.
pub fn origin(url: &str) -> Option<String> {
    if url
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b'\\')
    {
        return None;
    }
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() || authority.contains('@') || authority.starts_with(':') {
        return None;
    }
    if let Some((host, port)) = authority.rsplit_once(':')
        && !authority.starts_with('[')
        && (host.is_empty() || port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Whether `url` may be given to the browser: its origin is exactly one of `allowed`
/// (compared lowercase) and, when `require_https`, it is https.
pub fn is_allowed(url: &str, allowed: &[String], require_https: bool) -> bool {
    let Some(o) = origin(url) else {
        return false;
    };
    if require_https && !o.starts_with("https://") {
        return false;
    }
    allowed
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(&o))
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn exact_origins_only() {
        let dev = vec!["http://127.0.0.1:8787".to_owned()];
        assert!(is_allowed(
            "http://127.0.0.1:8787/sandbox/hosted/kyc/ab?lang=es",
            &dev,
            false
        ));
        assert!(is_allowed("HTTP://127.0.0.1:8787", &dev, false));
        for bad in [
            "http://127.0.0.1:8787.evil.example/hosted",
            "http://127.0.0.1:8787@evil.example/",
            "http://evil.example/?u=http://127.0.0.1:8787",
            "http://127.0.0.1:8788/",
            "javascript:alert(1)//http://127.0.0.1:8787",
            "//127.0.0.1:8787/",
            "http://127.0.0.1:8787\\@evil.example/",
            "http://127.0.0.1:87 87/",
            "http://127.0.0.1:/",
            "",
        ] {
            assert!(!is_allowed(bad, &dev, false), "{bad}");
        }
    }

    #[test]
    fn https_outside_dev() {
        let prod = vec![
            "https://kyc.skor.example".to_owned(),
            "http://kyc.skor.example".to_owned(),
        ];
        assert!(is_allowed("https://kyc.skor.example/s/1", &prod, true));
        assert!(!is_allowed("http://kyc.skor.example/s/1", &prod, true));
        assert_eq!(
            origin("https://[::1]:443/x").as_deref(),
            Some("https://[::1]:443")
        );
    }
}

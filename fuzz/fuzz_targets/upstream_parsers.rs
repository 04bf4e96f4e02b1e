//! Arbitrary text → the hand-written parsers issue 12 added to core: RFC 3339 times
//! (`event_order::parse_rfc3339_ms`, which orders upstream events) and hosted-page URL
//! origins (`hosted_url::origin`, which decides what reaches the browser). Must never
//! panic, and must keep their invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onboarding_core::event_order::{Stamp, parse_rfc3339_ms};
use onboarding_core::hosted_url::{is_allowed, origin};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    // RFC 3339: a parse is stable under the `T`/`Z` case the grammar allows, and the
    // order of stamps is strict (never both later than the other).
    if let Some(ms) = parse_rfc3339_ms(s) {
        assert!(s.len() >= 20);
        assert_eq!(parse_rfc3339_ms(&s.to_ascii_uppercase()), Some(ms));
        let a = Stamp { at_ms: Some(ms), sequence: data.first().map(|b| u64::from(*b)) };
        let b = Stamp { at_ms: Some(ms), sequence: data.last().map(|b| u64::from(*b)) };
        assert!(!(a.is_later_than(&b) && b.is_later_than(&a)));
        assert!(!a.is_later_than(&a));
    }

    // Origins: idempotent, no userinfo or whitespace, and a URL is allowed for its own
    // origin — and for nothing that merely starts with it.
    if let Some(o) = origin(s) {
        assert!(o.starts_with("http://") || o.starts_with("https://"));
        assert!(!o.contains('@') && !o.bytes().any(|b| b.is_ascii_whitespace()));
        assert_eq!(origin(&o).as_deref(), Some(o.as_str()));
        assert!(is_allowed(s, std::slice::from_ref(&o), false));
        assert!(!is_allowed(s, &[format!("{o}.evil.example")], false));
        assert_eq!(is_allowed(s, std::slice::from_ref(&o), true), o.starts_with("https://"));
    }
});

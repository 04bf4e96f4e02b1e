//! What an agency's admin may set from the console, as rules (the operator's CLI,
//! `scripts/agency.mjs`, applies the same ones): staff emails, allowed origins, the
//! webhook URL, retention in days and a rotation's overlap in hours. Each answer is the
//! value to store, normalised, or `None` for the form to mark the field.

use crate::hosted_url::origin;
use crate::validate::{normalize_email, validate_email};

/// Longest retention an admin may set, in days (the CLI's bound: 3660 days).
pub const MAX_RETENTION_DAYS: u64 = 3660;
/// Longest overlap of a rotation, in hours (30 days, as the CLI).
pub const MAX_OVERLAP_HOURS: u64 = 720;
/// The overlap a rotation gets when none is given (as the CLI).
pub const DEFAULT_OVERLAP_HOURS: u64 = 24;
/// Most origins an agency lists.
pub const MAX_ORIGINS: usize = 20;

/// A staff member's email as Access sends it: lowercased, a valid address.
pub fn staff_email(v: &str) -> Option<String> {
    let e = normalize_email(v).to_ascii_lowercase();
    validate_email(&e).ok().map(|()| e)
}

/// One allowed origin: exactly `scheme://host[:port]` (no path, no trailing slash), https
/// unless `allow_http` (dev).
pub fn allowed_origin(v: &str, allow_http: bool) -> Option<String> {
    let v = v.trim();
    let o = origin(v)?;
    (o.eq_ignore_ascii_case(v) && (allow_http || o.starts_with("https://"))).then_some(o)
}

/// The origins of a text with one per line (blank lines skipped, duplicates once): at
/// least one, at most [`MAX_ORIGINS`], every line an origin.
pub fn allowed_origins(text: &str, allow_http: bool) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let o = allowed_origin(line, allow_http)?;
        if !out.contains(&o) {
            out.push(o);
        }
    }
    (!out.is_empty() && out.len() <= MAX_ORIGINS).then_some(out)
}

/// A webhook URL: absolute http(s) without credentials, https unless `allow_http`; at
/// most 2,048 characters. `Some(None)` for an empty value (no webhook).
pub fn webhook_url(v: &str, allow_http: bool) -> Option<Option<String>> {
    let v = v.trim();
    if v.is_empty() {
        return Some(None);
    }
    let o = origin(v)?;
    if v.len() > 2048 || !(allow_http || o.starts_with("https://")) {
        return None;
    }
    Some(Some(v.to_owned()))
}

/// A retention period in whole days, 1 to [`MAX_RETENTION_DAYS`], as seconds.
pub fn retention_days(v: &str) -> Option<u64> {
    let d: u64 = v.trim().parse().ok()?;
    (1..=MAX_RETENTION_DAYS).contains(&d).then_some(d * 86_400)
}

/// A rotation's overlap in whole hours, 0 to [`MAX_OVERLAP_HOURS`], as seconds; empty is
/// the default.
pub fn overlap_hours(v: &str) -> Option<u64> {
    let v = v.trim();
    if v.is_empty() {
        return Some(DEFAULT_OVERLAP_HOURS * 3600);
    }
    let h: u64 = v.parse().ok()?;
    (h <= MAX_OVERLAP_HOURS).then_some(h * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(staff_email(" Ana@Agency.ES "), Some("ana@agency.es".into()));
        for bad in ["", "ana", "ana@", "@x.es", "a b@x.es"] {
            assert_eq!(staff_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert_eq!(
            allowed_origin("https://www.agency.es", false),
            Some("https://www.agency.es".into())
        );
        assert_eq!(allowed_origin("http://127.0.0.1:5173", false), None);
        assert_eq!(
            allowed_origin("http://127.0.0.1:5173", true),
            Some("http://127.0.0.1:5173".into())
        );
        for bad in [
            "https://a.es/",
            "https://a.es/path",
            "https://u@a.es",
            "ftp://a.es",
            "a.es",
        ] {
            assert_eq!(allowed_origin(bad, true), None, "{bad}");
        }
        assert_eq!(
            allowed_origins("https://a.es\n\n https://b.es \nhttps://a.es", false),
            Some(vec!["https://a.es".into(), "https://b.es".into()])
        );
        assert_eq!(allowed_origins("  \n", false), None, "at least one");
        assert_eq!(allowed_origins("https://a.es\nnope", false), None);
    }

    #[test]
    fn webhooks_retention_overlap() {
        assert_eq!(webhook_url("", false), Some(None));
        assert_eq!(
            webhook_url("https://a.es/hooks?x=1", false),
            Some(Some("https://a.es/hooks?x=1".into()))
        );
        assert_eq!(webhook_url("http://a.es/h", false), None);
        assert_eq!(webhook_url("https://u:p@a.es/h", false), None);
        assert_eq!(retention_days("30"), Some(30 * 86_400));
        for bad in ["0", "3661", "-1", "1.5", "x"] {
            assert_eq!(retention_days(bad), None, "{bad}");
        }
        assert_eq!(overlap_hours(""), Some(24 * 3600));
        assert_eq!(overlap_hours("0"), Some(0));
        assert_eq!(overlap_hours("721"), None);
    }
}

//! One parser for `Content-Type` values (RFC 9110 §8.3.1): the essence
//! (`type/subtype`, compared without case) and its parameters. The edge decides every
//! body's handling from it — JSON, multipart, a raw document — so a value such as
//! `application/jsonx` or `application/json-patch` is never taken for JSON.

/// A parsed media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    essence: String,
    params: Vec<(String, String)>,
}

impl MediaType {
    /// Parses a `Content-Type` value; `None` when it has no `type/subtype`.
    pub fn parse(value: &str) -> Option<Self> {
        let mut parts = value.split(';');
        let essence = parts.next()?.trim().to_ascii_lowercase();
        let (ty, sub) = essence.split_once('/')?;
        let token = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        };
        if !token(ty) || !token(sub) {
            return None;
        }
        let params = parts
            .filter_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                Some((k.trim().to_ascii_lowercase(), v.to_owned()))
            })
            .collect();
        Some(MediaType { essence, params })
    }

    /// `type/subtype`, lowercase.
    pub fn essence(&self) -> &str {
        &self.essence
    }

    /// Whether the essence is exactly `essence` (ASCII case-insensitive).
    pub fn is(&self, essence: &str) -> bool {
        self.essence.eq_ignore_ascii_case(essence)
    }

    /// The first parameter named `name` (case-insensitive), unquoted.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Whether a `Content-Type` value is JSON (`application/json`, any parameters).
pub fn is_json(value: &str) -> bool {
    MediaType::parse(value).is_some_and(|m| m.is("application/json"))
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn json_is_exactly_application_json() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            " application/json ;charset=UTF-8",
        ] {
            assert!(is_json(ok), "{ok}");
        }
        for bad in [
            "application/jsonx",
            "application/json-patch+json",
            "application/x-json",
            "text/json",
            "application/json/x",
            "",
            "application",
            "/json",
        ] {
            assert!(!is_json(bad), "{bad}");
        }
    }

    #[test]
    fn parameters_are_found_without_case_and_unquoted() {
        let m = MediaType::parse(r#"multipart/form-data; Boundary="----abc"; x=1"#).unwrap();
        assert!(m.is("multipart/form-data"));
        assert_eq!(m.essence(), "multipart/form-data");
        assert_eq!(m.param("boundary"), Some("----abc"));
        assert_eq!(m.param("x"), Some("1"));
        assert_eq!(m.param("y"), None);
    }
}

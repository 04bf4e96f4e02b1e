//! Masking personal data for logs: enough to correlate, not enough to identify.

fn stars(n: usize) -> String {
    "*".repeat(n)
}

/// `lucia@example.com` → `l***@example.com` (first character of the local part kept,
/// always three stars; the domain kept). Without an `@`: `***`.
pub fn mask_email(email: &str) -> String {
    match email.trim().rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// `+34612345678` → `+34******678`: the `+` and two leading digits and the last three
/// digits kept, the rest starred. Fewer than 6 characters: all starred.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let lead = if chars.first() == Some(&'+') { 3 } else { 2 };
    if chars.len() < lead + 4 {
        return stars(chars.len());
    }
    let mut out: String = chars[..lead].iter().collect();
    out.push_str(&stars(chars.len() - lead - 3));
    out.extend(&chars[chars.len() - 3..]);
    out
}

/// `12345678Z` → `*****678Z`: the last four characters kept (at most half of the value),
/// the rest starred.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let keep = 4.min(chars.len() / 2);
    let mut out = stars(chars.len() - keep);
    out.extend(&chars[chars.len() - keep..]);
    out
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn emails() {
        assert_eq!(mask_email("lucia@example.com"), "l***@example.com");
        assert_eq!(mask_email("l@example.com"), "l***@example.com");
        assert_eq!(mask_email("ñandú+x@correo.es"), "ñ***@correo.es");
        assert_eq!(mask_email("@example.com"), "***@example.com");
        assert_eq!(mask_email("no-at-sign"), "***");
    }

    #[test]
    fn phones() {
        assert_eq!(mask_phone("+34612345678"), "+34******678");
        assert_eq!(mask_phone("612345678"), "61****678");
        assert_eq!(mask_phone("+3461"), "*****");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn ids() {
        assert_eq!(mask_id("12345678Z"), "*****678Z");
        assert_eq!(mask_id("X1234567L"), "*****567L");
        assert_eq!(mask_id("ABC"), "**C");
        assert_eq!(mask_id(""), "");
    }
}

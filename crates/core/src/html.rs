//! Escaping text into HTML, for the two places that build markup from strings: the
//! widget's views and the sandbox's hosted pages.

/// Escapes `s` for HTML text content and quoted attribute values (`& < > " '`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape`], appending to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::escape;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("\"><script>x</script>&'ñ"),
            "&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;&#39;ñ"
        );
    }
}

//! A small HTML builder that escapes by construction: tag and attribute names are
//! `&'static str` (written in this crate), and every other piece of text — values,
//! file names, questions, messages — goes in through [`Html::text`] or [`Html::attr`],
//! which escape it. There is no way to append an unescaped runtime string.
//!
//! ```
//! # use onboarding_widget::html::Html;
//! let mut h = Html::new();
//! h.el("p").attr("class", "ok").text("<b> & \"x\"").end("p");
//! assert_eq!(h.finish(), "<p class=\"ok\">&lt;b&gt; &amp; &quot;x&quot;</p>");
//! ```

use crate::action::Action;
use onboarding_core::html::escape_into;

/// HTML being written.
#[derive(Debug, Default)]
pub struct Html {
    out: String,
    /// A start tag is open (`<p class="x"` without its `>` yet).
    open: bool,
}

/// Decimal digits of `n` (no formatting machinery).
pub fn push_num(out: &mut String, n: u32) {
    if n >= 10 {
        push_num(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `n` as decimal text.
pub fn num(n: u32) -> String {
    let mut s = String::new();
    push_num(&mut s, n);
    s
}

impl Html {
    /// An empty document fragment.
    pub fn new() -> Html {
        Html::default()
    }

    fn close_start(&mut self) {
        if self.open {
            self.out.push('>');
            self.open = false;
        }
    }

    /// Starts `<tag`; attributes may follow until the next text or element.
    pub fn el(&mut self, tag: &'static str) -> &mut Self {
        self.close_start();
        self.out.push('<');
        self.out.push_str(tag);
        self.open = true;
        self
    }

    /// ` name="value"` (escaped).
    pub fn attr(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.attr2(name, value, "")
    }

    /// ` name="ab"`: a runtime part `a` (escaped) and a fixed suffix `b` (`f-x` + `-e`).
    pub fn attr2(&mut self, name: &'static str, a: &str, b: &'static str) -> &mut Self {
        debug_assert!(self.open, "an attribute outside a start tag");
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_into(&mut self.out, a);
        self.out.push_str(b);
        self.out.push('"');
        self
    }

    /// ` name="prefix<n>"` (`id="file-3"`).
    pub fn attr_n(&mut self, name: &'static str, prefix: &'static str, n: u32) -> &mut Self {
        self.attr2(name, prefix, "");
        self.out.pop();
        push_num(&mut self.out, n);
        self.out.push('"');
        self
    }

    /// ` name` when `on` (boolean attributes: `checked`, `disabled`, `hidden`).
    pub fn flag(&mut self, name: &'static str, on: bool) -> &mut Self {
        if on {
            self.out.push(' ');
            self.out.push_str(name);
        }
        self
    }

    /// `data-action` (and `data-id`) of `action`, printed by [`Action::print`].
    pub fn action(&mut self, action: Action) -> &mut Self {
        let (name, id) = action.print();
        self.attr("data-action", name);
        if !id.is_empty() {
            self.attr("data-id", &id);
        }
        self
    }

    /// Text content (escaped); closes a pending start tag.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.close_start();
        escape_into(&mut self.out, s);
        self
    }

    /// A number as text.
    pub fn num(&mut self, n: u32) -> &mut Self {
        self.close_start();
        push_num(&mut self.out, n);
        self
    }

    /// Closes a pending start tag (before children that are elements, or for a void
    /// element such as `<input>`).
    pub fn done(&mut self) -> &mut Self {
        self.close_start();
        self
    }

    /// `</tag>`.
    pub fn end(&mut self, tag: &'static str) -> &mut Self {
        self.close_start();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// `<tag attrs>text</tag>` in one call: `h.wrap("p", "ok", text)` (`class` empty:
    /// none).
    pub fn wrap(&mut self, tag: &'static str, class: &'static str, text: &str) -> &mut Self {
        self.el(tag);
        if !class.is_empty() {
            self.attr("class", class);
        }
        self.text(text).end(tag)
    }

    /// The HTML written.
    pub fn finish(mut self) -> String {
        self.close_start();
        self.out
    }
}

/// An element id for a field path (`applicant.name.first` → `f-applicant-name-first`).
pub fn field_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut h = Html::new();
        h.el("input")
            .attr("value", "\"><script>")
            .attr_n("id", "q-", 12)
            .flag("checked", true)
            .flag("disabled", false)
            .done();
        h.wrap("p", "", "a<b & 'c'");
        assert_eq!(
            h.finish(),
            "<input value=\"&quot;&gt;&lt;script&gt;\" id=\"q-12\" checked><p>a&lt;b &amp; &#39;c&#39;</p>"
        );
        assert_eq!(num(0), "0");
        assert_eq!(num(4_294_967_295), "4294967295");
    }
}

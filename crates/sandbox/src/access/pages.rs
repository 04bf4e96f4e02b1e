//! The sign-in pages, pure: each is a function of a typed [`View`]. Plain forms (no
//! script; the CSP forbids it), `lang`, one `h1`, a label on every input, errors in
//! `role="alert"` tied to their field by `aria-describedby`. Everything echoed is
//! escaped with core's `html::escape`.

use onboarding_core::html::escape;

use super::codes::Message;
use crate::http::encode_query;

/// What a page shows.
#[derive(Debug, Clone, Copy)]
pub enum View<'a> {
    /// Step 1: the email form.
    SignIn {
        /// Where to go after signing in (already sanitised).
        redirect_url: &'a str,
        /// The address typed so far.
        email: &'a str,
        /// Why the address was refused.
        error: Option<&'a str>,
    },
    /// Step 2: "we sent a code" and the code form.
    EnterCode {
        /// Where the code went (lower-cased).
        email: &'a str,
        /// Where to go after signing in (already sanitised).
        redirect_url: &'a str,
        /// Why the code was refused.
        error: Option<&'a str>,
    },
    /// After logout.
    SignedOut,
    /// The dev mailbox.
    Mailbox {
        /// Newest first.
        messages: &'a [Message],
    },
}

impl View<'_> {
    fn title(&self) -> &'static str {
        match self {
            View::SignIn { .. } => "Sign in",
            View::EnterCode { .. } => "Enter your code",
            View::SignedOut => "You are signed out",
            View::Mailbox { .. } => "Dev mailbox",
        }
    }
}

/// The whole document. `base` is the Access path prefix (`/cdn-cgi/access`, or
/// `/sandbox/cdn-cgi/access` when reached under the sandbox prefix).
pub fn render(base: &str, view: &View) -> String {
    let title = view.title();
    let body = match *view {
        View::SignIn {
            redirect_url,
            email,
            error,
        } => sign_in(base, redirect_url, email, error),
        View::EnterCode {
            email,
            redirect_url,
            error,
        } => enter_code(base, email, redirect_url, error),
        View::SignedOut => format!(
            "<h1>{title}</h1>\n<p><a href=\"{}/login?redirect_url=/console/\">Sign in again</a></p>",
            escape(base)
        ),
        View::Mailbox { messages } => mailbox(base, messages),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{title} · Access sandbox</title>\n\
         <link rel=\"stylesheet\" href=\"{base}/assets/access.css\">\n</head>\n<body>\n<main>\n\
         <p class=\"badge\">Cloudflare Access (sandbox)</p>\n{body}\n</main>\n</body>\n</html>\n",
        base = escape(base),
    )
}

/// An error paragraph and the attributes that tie it to its input.
fn field_error(id: &str, error: Option<&str>) -> (String, String) {
    match error {
        Some(e) => (
            format!(
                "<p id=\"{id}-error\" class=\"error\" role=\"alert\">{}</p>\n",
                escape(e)
            ),
            format!(" aria-describedby=\"{id}-error\" aria-invalid=\"true\""),
        ),
        None => (String::new(), String::new()),
    }
}

fn mailbox_link(base: &str) -> String {
    format!(
        "<a href=\"{}/mailbox\" target=\"_blank\" rel=\"noopener\">dev mailbox</a> (opens in a new tab)",
        escape(base)
    )
}

fn sign_in(base: &str, redirect_url: &str, email: &str, error: Option<&str>) -> String {
    let (error, described) = field_error("email", error);
    format!(
        "<h1>Sign in</h1>\n<p>Sign in to the agency console with a one-time code sent to your email.</p>\n\
         <form method=\"post\">\n\
         <input type=\"hidden\" name=\"redirect_url\" value=\"{redirect}\">\n\
         <div class=\"field\">\n<label for=\"email\">Email address</label>\n{error}\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" spellcheck=\"false\" \
         required value=\"{email}\"{described}>\n</div>\n\
         <button type=\"submit\" class=\"primary\">Send me a code</button>\n</form>\n\
         <p>This is the sandbox: no email is sent. The code appears in the {mailbox}.</p>",
        redirect = escape(redirect_url),
        email = escape(email),
        mailbox = mailbox_link(base),
    )
}

fn enter_code(base: &str, email: &str, redirect_url: &str, error: Option<&str>) -> String {
    let (error, described) = field_error("code", error);
    format!(
        "<h1>Enter your code</h1>\n<p>We sent a code to <strong>{email}</strong>.</p>\n\
         <p>In the sandbox it arrives in the {mailbox}.</p>\n\
         <form method=\"post\">\n\
         <input type=\"hidden\" name=\"email\" value=\"{email}\">\n\
         <input type=\"hidden\" name=\"redirect_url\" value=\"{redirect}\">\n\
         <div class=\"field\">\n<label for=\"code\">Six-digit code</label>\n{error}\
         <input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" \
         autocomplete=\"one-time-code\" pattern=\"[0-9]{{6}}\" maxlength=\"6\" required{described}>\n\
         </div>\n<button type=\"submit\" class=\"primary\">Sign in</button>\n</form>\n\
         <p><a href=\"{again}\">Use another email or get a new code</a></p>",
        email = escape(email),
        redirect = escape(redirect_url),
        mailbox = mailbox_link(base),
        again = escape(&format!(
            "{base}/login?redirect_url={}",
            encode_query(redirect_url)
        )),
    )
}

fn mailbox(base: &str, messages: &[Message]) -> String {
    let mut s = String::from(
        "<h1>Dev mailbox</h1>\n<p>The last 20 sign-in codes the sandbox has “sent”, newest first.</p>\n",
    );
    if messages.is_empty() {
        s.push_str("<p>No codes have been sent yet.</p>\n");
    } else {
        s.push_str(
            "<table>\n<caption>Sign-in codes</caption>\n<thead><tr><th scope=\"col\">To</th>\
             <th scope=\"col\">Code</th><th scope=\"col\">Sent</th></tr></thead>\n<tbody>\n",
        );
        for m in messages {
            s.push_str(&format!(
                "<tr><td>{}</td><td class=\"code\">{}</td><td><time datetime=\"{at}\">{at}</time></td></tr>\n",
                escape(&m.email),
                escape(&m.code),
                at = escape(&m.sent_at),
            ));
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str(&format!(
        "<p><a href=\"{}/mailbox\">Refresh</a></p>",
        escape(base)
    ));
    s
}

/// The pages' own rules, served after the hosted pages' stylesheet.
pub const EXTRA_CSS: &str = "\
.field{margin:1rem 0}
label{display:block;font-weight:600;margin-bottom:.3rem}
input{font:inherit;padding:.5rem .6rem;width:100%;max-width:22rem;box-sizing:border-box;border:1px solid GrayText;border-radius:.4rem;min-height:44px;background:Field;color:FieldText}
input:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.error{margin:.3rem 0;padding-left:.6rem;border-left:4px solid #a4161a;font-weight:600}
.primary{background:#1a5fb4;color:#fff}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;margin-bottom:.3rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid GrayText}
.code{font-family:ui-monospace,monospace;font-size:1.1rem;letter-spacing:.1em}
";

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "/cdn-cgi/access";

    fn one_h1(html: &str) {
        assert_eq!(html.matches("<h1>").count(), 1, "{html}");
        assert!(html.contains("<html lang=\"en\">"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn sign_in_form_labels_and_keeps_redirect() {
        let html = render(
            BASE,
            &View::SignIn {
                redirect_url: "/console/x?a=1&b=\"2\"",
                email: "",
                error: None,
            },
        );
        one_h1(&html);
        assert!(html.contains("<form method=\"post\">"));
        assert!(html.contains("<label for=\"email\">"));
        assert!(html.contains("id=\"email\" name=\"email\" type=\"email\""));
        assert!(html.contains(
            "<input type=\"hidden\" name=\"redirect_url\" value=\"/console/x?a=1&amp;b=&quot;2&quot;\">"
        ));
        assert!(!html.contains("role=\"alert\""));
        assert!(!html.contains("aria-invalid"));
        assert!(html.contains("href=\"/cdn-cgi/access/mailbox\""));
        assert!(html.contains("href=\"/cdn-cgi/access/assets/access.css\""));
    }

    #[test]
    fn errors_are_tied_to_their_field_and_escaped() {
        let html = render(
            BASE,
            &View::SignIn {
                redirect_url: "/console/",
                email: "<b>@x",
                error: Some("Enter an email address like name@example.com."),
            },
        );
        assert!(html.contains("<p id=\"email-error\" class=\"error\" role=\"alert\">"));
        assert!(html.contains("aria-describedby=\"email-error\" aria-invalid=\"true\""));
        assert!(html.contains("value=\"&lt;b&gt;@x\""));
        assert!(!html.contains("<b>"));

        let html = render(
            "/sandbox/cdn-cgi/access",
            &View::EnterCode {
                email: "ana@example.com",
                redirect_url: "/console/?q=a b",
                error: Some("That code is not right."),
            },
        );
        one_h1(&html);
        assert!(html.contains("We sent a code to <strong>ana@example.com</strong>"));
        assert!(html.contains("<label for=\"code\">"));
        assert!(html.contains("<p id=\"code-error\" class=\"error\" role=\"alert\">"));
        assert!(html.contains("aria-describedby=\"code-error\""));
        assert!(html.contains("<input type=\"hidden\" name=\"email\" value=\"ana@example.com\">"));
        assert!(html.contains("name=\"redirect_url\" value=\"/console/?q=a b\""));
        assert!(html.contains("href=\"/sandbox/cdn-cgi/access/mailbox\""));
        assert!(html.contains(
            "href=\"/sandbox/cdn-cgi/access/login?redirect_url=%2Fconsole%2F%3Fq%3Da%20b\""
        ));
        assert!(html.contains("pattern=\"[0-9]{6}\""));
    }

    #[test]
    fn signed_out_links_to_sign_in() {
        let html = render(BASE, &View::SignedOut);
        one_h1(&html);
        assert!(html.contains("<h1>You are signed out</h1>"));
        assert!(html.contains("href=\"/cdn-cgi/access/login?redirect_url=/console/\""));
    }

    #[test]
    fn mailbox_lists_newest_first_escaped() {
        let messages = [
            Message {
                email: "b<i>@example.com".into(),
                code: "222222".into(),
                sent_at: "2026-01-01T10:01:00.000Z".into(),
            },
            Message {
                email: "a@example.com".into(),
                code: "111111".into(),
                sent_at: "2026-01-01T10:00:00.000Z".into(),
            },
        ];
        let html = render(
            BASE,
            &View::Mailbox {
                messages: &messages,
            },
        );
        one_h1(&html);
        assert!(html.find("222222").unwrap() < html.find("111111").unwrap());
        assert!(html.contains("b&lt;i&gt;@example.com"));
        assert!(html.contains("<th scope=\"col\">Code</th>"));
        let empty = render(BASE, &View::Mailbox { messages: &[] });
        assert!(empty.contains("No codes have been sent yet."));
        assert!(!empty.contains("<table>"));
    }
}

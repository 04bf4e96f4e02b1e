//! Cloudflare Access, played offline for the agency console in dev and test: the team
//! domain's `/cdn-cgi/access/*` paths. The edge forwards them unchanged (same host and
//! path); they also answer under the sandbox's `/sandbox` prefix.
//!
//! | Method and path | Does |
//! |---|---|
//! | `GET certs` | JWKS: current key and, after a rotation, the previous one |
//! | `GET login[/<anything>]?redirect_url=` | the email form |
//! | `POST login[/…]` `email` | sends a one-time code to the dev mailbox; the code form |
//! | `POST login[/…]` `email`, `code` | right code: `302` to `redirect_url` with the `CF_Authorization` cookie |
//! | `GET mailbox[?format=json]` | the last 20 codes sent, newest first |
//! | `GET`/`POST logout` | clears the cookie; "You are signed out" |
//! | `POST _test/token` | a token with chosen claims, signed with the current key |
//! | `POST _test/rotate` | a new current key; the old one becomes the previous |
//! | `GET assets/access.css` | the pages' stylesheet |

pub mod codes;
pub mod jwt;
pub mod keys;
pub mod pages;

use onboarding_core::validate::validate_email;
use worker::{Env, Headers, Method, Request, Response, Url};

use self::codes::Verdict;
use self::jwt::{Claims, TestToken};
use self::pages::View;
use crate::hosted;
use crate::http::{self, AppError, AppResult, json, json_body, now_ms, random_hex};
use crate::store::Db;

/// The cookie Access sets on the application's domain.
pub const COOKIE: &str = "CF_Authorization";

/// Where a sign-in lands when `redirect_url` is missing or not a same-origin path.
pub const DEFAULT_REDIRECT: &str = "/console/";

/// Longest `redirect_url` kept.
const REDIRECT_MAX: usize = 2048;

/// Largest sign-in form body.
const FORM_LIMIT: usize = 4096;

/// Routes `/cdn-cgi/access/{rest}`. `prefix` is `""` or `/sandbox`.
///
/// # Errors
///
/// 404 / 405 for unknown routes and methods, 413 for an oversized form, 415 / 400 /
/// 422 for a test hook's body, 500 for WebCrypto, storage or missing `ACCESS_*` vars.
pub async fn route(
    db: &Db,
    env: &Env,
    req: &mut Request,
    prefix: &str,
    rest: &[&str],
) -> AppResult<Response> {
    let base = format!("{prefix}/cdn-cgi/access");
    let method = req.method();
    let read = matches!(method, Method::Get | Method::Head);
    let post = method == Method::Post;
    match rest {
        ["certs"] if read => {
            let jwks = keys::published(db, now_ms()).await?;
            let resp = json(200, &jwks)?;
            resp.headers().set("cache-control", "public, max-age=60")?;
            Ok(resp)
        }
        ["login", ..] if read => {
            let url = req.url()?;
            let redirect = safe_redirect(query(&url, "redirect_url").as_deref(), &origin(&url));
            let view = View::SignIn {
                redirect_url: &redirect,
                email: "",
                error: None,
            };
            page(200, &base, &view)
        }
        ["login", ..] if post => login(db, env, req, &base).await,
        ["mailbox"] if read => {
            let mailbox = codes::mailbox(db)?;
            if query(&req.url()?, "format").as_deref() == Some("json") {
                let resp = json(200, &mailbox)?;
                resp.headers().set("cache-control", "no-store")?;
                return Ok(resp);
            }
            let view = View::Mailbox {
                messages: &mailbox.messages,
            };
            page(200, &base, &view)
        }
        ["logout"] if read || post => {
            let resp = page(200, &base, &View::SignedOut)?;
            let secure = req.url()?.scheme() == "https";
            resp.headers().set("set-cookie", &cleared_cookie(secure))?;
            Ok(resp)
        }
        ["assets", "access.css"] if read => {
            let headers = Headers::new();
            headers.set("content-type", "text/css; charset=utf-8")?;
            headers.set("cache-control", "public, max-age=3600")?;
            let css = format!("{}{}", hosted::CSS, pages::EXTRA_CSS);
            Ok(Response::ok(css)?.with_headers(headers))
        }
        ["_test", "token"] if post => {
            let body: TestToken = json_body(req).await?;
            if body.email.trim().is_empty() {
                return Err(AppError::field("email", "required", "Required."));
            }
            let settings = Settings::from_env(env)?;
            let claims = Claims::for_test(
                body,
                &settings.audience,
                &settings.issuer,
                now_ms() / 1000,
                random_hex(16)?,
            );
            let token = issue(db, &claims).await?;
            json(200, &serde_json::json!({ "token": token }))
        }
        ["_test", "rotate"] if post => {
            let kid = keys::rotate(db, now_ms()).await?;
            json(200, &serde_json::json!({ "kid": kid }))
        }
        ["certs" | "mailbox" | "logout"]
        | ["login", ..]
        | ["assets", "access.css"]
        | ["_test", "token" | "rotate"] => Err(AppError::MethodNotAllowed),
        _ => Err(AppError::NotFound("route")),
    }
}

/// `ACCESS_ISSUER` and `ACCESS_AUD`.
struct Settings {
    issuer: String,
    audience: String,
}

impl Settings {
    fn from_env(env: &Env) -> AppResult<Self> {
        Ok(Settings {
            issuer: http::secret(env, "ACCESS_ISSUER")?,
            audience: http::secret(env, "ACCESS_AUD")?,
        })
    }
}

/// The sign-in form's fields (the first of each name counts).
#[derive(Debug, Default, PartialEq, Eq)]
struct LoginForm {
    email: Option<String>,
    code: Option<String>,
    redirect_url: Option<String>,
}

impl LoginForm {
    fn parse(body: &[u8]) -> Self {
        let mut form = LoginForm::default();
        for (k, v) in worker::url::form_urlencoded::parse(body) {
            let slot = match k.as_ref() {
                "email" => &mut form.email,
                "code" => &mut form.code,
                "redirect_url" => &mut form.redirect_url,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(v.into_owned());
            }
        }
        form
    }
}

/// `POST login`: step 1 (email → code sent) or step 2 (email + code → signed in).
async fn login(db: &Db, env: &Env, req: &mut Request, base: &str) -> AppResult<Response> {
    let url = req.url()?;
    let body = req.bytes().await?;
    if body.len() > FORM_LIMIT {
        return Err(AppError::PayloadTooLarge(FORM_LIMIT as u64));
    }
    let form = LoginForm::parse(&body);
    let raw_redirect = form.redirect_url.or_else(|| query(&url, "redirect_url"));
    let redirect = safe_redirect(raw_redirect.as_deref(), &origin(&url));
    let typed = form.email.unwrap_or_default();
    let email = typed.trim().to_lowercase();
    if validate_email(&email).is_err() {
        let view = View::SignIn {
            redirect_url: &redirect,
            email: typed.trim(),
            error: Some("Enter an email address like name@example.com."),
        };
        return page(400, base, &view);
    }
    let code_page = |status: u16, error: Option<&str>| {
        let view = View::EnterCode {
            email: &email,
            redirect_url: &redirect,
            error,
        };
        page(status, base, &view)
    };
    let Some(code) = form.code else {
        let code = codes::new_code()?;
        codes::record(db, &email, &code, now_ms())?;
        return code_page(200, None);
    };
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        // Not a guess: no try is counted.
        return code_page(400, Some("Enter the six digits of the code."));
    }
    // Before the code is used up: a missing var must not cost the code.
    let settings = Settings::from_env(env)?;
    match codes::verify(db, &email, code, now_ms())? {
        Verdict::Accepted => {}
        refused => return code_page(400, Some(refusal(refused))),
    }
    let claims = Claims::session(
        &email,
        &settings.audience,
        &settings.issuer,
        now_ms() / 1000,
        random_hex(16)?,
    );
    let token = issue(db, &claims).await?;
    let headers = Headers::new();
    headers.set("location", &redirect)?;
    headers.set(
        "set-cookie",
        &session_cookie(&token, url.scheme() == "https"),
    )?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::empty()?.with_status(302).with_headers(headers))
}

/// What the code form says about a refused code.
fn refusal(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Wrong { tries_left: 1 } => "That code is not right. You can try once more.",
        Verdict::Wrong { tries_left: 2.. } => "That code is not right. Check it and try again.",
        Verdict::Wrong { .. } | Verdict::Locked => {
            "Too many wrong codes. Get a new code and try again."
        }
        Verdict::Expired => "This code has expired. Get a new code and try again.",
        Verdict::Used => "This code has already been used. Get a new code to sign in again.",
        Verdict::Missing | Verdict::Accepted => {
            "No code has been sent to this address. Get a new code."
        }
    }
}

/// Signs `claims` with the current key.
async fn issue(db: &Db, claims: &Claims) -> AppResult<String> {
    let key = keys::current(db, now_ms()).await?;
    let input = jwt::signing_input(&key.kid, claims)?;
    let signature = keys::sign(&key, input.as_bytes()).await?;
    Ok(jwt::assemble(&input, &signature))
}

/// `Set-Cookie` of a signed-in session (`Secure` only over https).
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// `Set-Cookie` that ends the session.
pub fn cleared_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}")
}

/// Where a sign-in may send the browser: a path on this origin starting with one
/// `/` (an absolute URL on `origin` is reduced to its path); anything else, or a path
/// a browser could read as another host (`//x`, `/\x`, control characters), is
/// [`DEFAULT_REDIRECT`].
pub fn safe_redirect(raw: Option<&str>, origin: &str) -> String {
    let Some(raw) = raw else {
        return DEFAULT_REDIRECT.to_owned();
    };
    let path = match raw.strip_prefix(origin) {
        Some("") if !origin.is_empty() => "/",
        Some(rest) if !origin.is_empty() && rest.starts_with('/') => rest,
        _ => raw,
    };
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= REDIRECT_MAX
        && !path.chars().any(|c| c == '\\' || c.is_control());
    if safe {
        path.to_owned()
    } else {
        DEFAULT_REDIRECT.to_owned()
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The first value of a query parameter.
fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// An HTML page with the hosted pages' headers (no script, forms to self only).
fn page(status: u16, base: &str, view: &View) -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set(
        "content-security-policy",
        "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )?;
    headers.set("cache-control", "no-store")?;
    // Not `no-referrer`: with it a browser posts the sign-in form with `Origin: null`,
    // which the local runtime refuses on `/cdn-cgi/*` (403 "Invalid Origin header").
    headers.set("referrer-policy", "same-origin")?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(Response::from_html(pages::render(base, view))?
        .with_status(status)
        .with_headers(headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "http://127.0.0.1:8787";

    #[test]
    fn redirects_stay_on_this_origin() {
        let r = |s| safe_redirect(Some(s), ORIGIN);
        assert_eq!(safe_redirect(None, ORIGIN), "/console/");
        assert_eq!(r("/console/"), "/console/");
        assert_eq!(
            r("/console/tenants?x=1&y=2#z"),
            "/console/tenants?x=1&y=2#z"
        );
        assert_eq!(r("/"), "/");
        assert_eq!(r("http://127.0.0.1:8787/console/a"), "/console/a");
        assert_eq!(r("http://127.0.0.1:8787"), "/");
        for bad in [
            "",
            "console/",
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example/",
            "/console/\r\nSet-Cookie: x=y",
            "https://evil.example/console/",
            "http://127.0.0.1:8787.evil.example/console/",
            "http://127.0.0.1:8787@evil.example/",
            "http://127.0.0.1:8787//evil.example/",
            "javascript:alert(1)",
            " /console/",
        ] {
            assert_eq!(r(bad), "/console/", "{bad:?}");
        }
        assert_eq!(r(&format!("/{}", "a".repeat(REDIRECT_MAX))), "/console/");
        // An empty origin reduces nothing.
        assert_eq!(safe_redirect(Some("/x"), ""), "/x");
    }

    #[test]
    fn cookies_are_accesss() {
        assert_eq!(
            session_cookie("a.b.c", false),
            "CF_Authorization=a.b.c; Path=/; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            session_cookie("a.b.c", true),
            "CF_Authorization=a.b.c; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert_eq!(
            cleared_cookie(false),
            "CF_Authorization=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn form_fields_first_wins() {
        let f = LoginForm::parse(
            b"email=Ana%40Example.com&redirect_url=%2Fconsole%2Fx%3Fa%3D1&code=012345&email=x@y.z&other=1",
        );
        assert_eq!(
            f,
            LoginForm {
                email: Some("Ana@Example.com".into()),
                code: Some("012345".into()),
                redirect_url: Some("/console/x?a=1".into()),
            }
        );
        assert_eq!(LoginForm::parse(b""), LoginForm::default());
        assert_eq!(
            LoginForm::parse(b"email=a+b%40c.de").email.as_deref(),
            Some("a b@c.de")
        );
    }

    #[test]
    fn refusals_say_what_to_do() {
        assert!(refusal(Verdict::Wrong { tries_left: 4 }).contains("try again"));
        assert!(refusal(Verdict::Wrong { tries_left: 1 }).contains("once more"));
        assert_eq!(
            refusal(Verdict::Wrong { tries_left: 0 }),
            refusal(Verdict::Locked)
        );
        assert!(refusal(Verdict::Expired).contains("expired"));
    }
}

//! The console's forms as data: who is acting ([`Staff`]), what they may ask
//! ([`Action`], [`Manage`], by role), the checks every state-changing request passes
//! (the `Origin`, the session's CSRF token, a single-use form id), a submitted form's
//! fields ([`Form`]) and what the page says back ([`Feedback`]). No I/O but the form
//! id's binding; the handlers are in `actions`, the markup in `pages`.
//!
//! * The CSRF token is a keyed hash of the agency, the email and the Access sign-in
//!   (`Claims::session`): stateless, different for every sign-in, useless to another
//!   member or agency.
//! * The form id is bound once in the agency's list store: a second submission of the
//!   same form (a double click, a reload of the reply) changes nothing and says so.

use std::rc::Rc;

use hmac::{Hmac, Mac};
use onboarding_core::console::{Reason, T};
use onboarding_core::model::identity::{Decision, DecisionUpdate};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::objects::store::{AgencyScope, KvBind, KvUnbind, Scope, Store};
use crate::registry::{Agency, Role};

/// A signed-in member of an agency's staff, on a page of that agency.
pub struct Staff {
    /// The Access token's email.
    pub email: String,
    /// The agency.
    pub agency: Rc<Agency>,
    /// Their role there.
    pub role: Role,
    /// The session's CSRF token (every form carries it).
    pub csrf: String,
}

/// Largest form body accepted.
pub const MAX_FORM_BYTES: usize = 8 * 1024;
/// Longest note on a decision.
pub const MAX_NOTE: usize = 500;

/// An action on one application (`POST /console/{agency}/tenants/{id}/{action}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The agency's identity decision (agents and admins).
    Decide,
    /// Start the forensic analysis (agents and admins).
    Forensic,
    /// End the applicant's tokens (agents and admins).
    Revoke,
    /// Erase the application (admins).
    Erase,
}

impl Action {
    /// From a path segment.
    pub fn parse(s: &str) -> Option<Action> {
        Some(match s {
            "decision" => Action::Decide,
            "forensic" => Action::Forensic,
            "revoke-access" => Action::Revoke,
            "erase" => Action::Erase,
            _ => return None,
        })
    }

    /// Its path segment (and the audit row's action, prefixed `console.`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Decide => "decision",
            Action::Forensic => "forensic",
            Action::Revoke => "revoke-access",
            Action::Erase => "erase",
        }
    }

    /// Whether `role` may do it.
    pub fn allowed(self, role: Role) -> bool {
        match self {
            Action::Erase => role == Role::Admin,
            Action::Decide | Action::Forensic | Action::Revoke => true,
        }
    }
}

/// An admin's change to the agency (`POST /console/{agency}/manage/{action}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manage {
    /// Invite a member.
    StaffAdd,
    /// Change a member's role.
    StaffRole,
    /// Remove a member.
    StaffRemove,
    /// Set the webhook URL.
    Webhook,
    /// Send a signed test event to it.
    WebhookTest,
    /// Queue a dead letter again.
    Replay,
    /// Set the allowed origins.
    Origins,
    /// Set the retention periods.
    Retention,
    /// Rotate the secret key.
    RotateSecretKey,
    /// Rotate the webhook secret.
    RotateWebhookSecret,
    /// End every overlap now.
    EndOverlap,
}

impl Manage {
    /// Every change, in the page's order.
    pub const ALL: [Manage; 11] = [
        Manage::StaffAdd,
        Manage::StaffRole,
        Manage::StaffRemove,
        Manage::Webhook,
        Manage::WebhookTest,
        Manage::Replay,
        Manage::Origins,
        Manage::Retention,
        Manage::RotateSecretKey,
        Manage::RotateWebhookSecret,
        Manage::EndOverlap,
    ];

    /// Its path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Manage::StaffAdd => "staff-add",
            Manage::StaffRole => "staff-role",
            Manage::StaffRemove => "staff-remove",
            Manage::Webhook => "webhook",
            Manage::WebhookTest => "webhook-test",
            Manage::Replay => "replay",
            Manage::Origins => "origins",
            Manage::Retention => "retention",
            Manage::RotateSecretKey => "rotate-secret-key",
            Manage::RotateWebhookSecret => "rotate-webhook-secret",
            Manage::EndOverlap => "end-overlap",
        }
    }

    /// From a path segment.
    pub fn parse(s: &str) -> Option<Manage> {
        Manage::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// The session's CSRF token at an agency.
///
/// # Errors
/// Configuration error without the session key.
pub fn csrf(ctx: &Ctx, agency_id: &str, email: &str, session: &str) -> AppResult<String> {
    let key = crate::config::secret(&ctx.env, "SESSION_TOKEN_KEY")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .map_err(|_| AppError::Config("SESSION_TOKEN_KEY"))?;
    for part in ["console-csrf", agency_id, email, session] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    Ok(hex::encode(&mac.finalize().into_bytes()[..16]))
}

/// Whether `given` is the session's CSRF token.
pub fn csrf_ok(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// Whether a `POST`'s `Origin` is the console's own (`scheme://host[:port]` of the URL it
/// was sent to). A browser sends it with every form; its absence is refused too.
pub fn same_origin(origin: Option<&str>, url: &worker::Url) -> bool {
    origin.is_some_and(|o| o == url.origin().ascii_serialization())
}

/// A form's fields (`application/x-www-form-urlencoded`).
#[derive(Debug, Default, Clone)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// The fields of a urlencoded body.
    pub fn parse(body: &str) -> Form {
        let url = worker::Url::parse(&format!("http://form/?{body}")).ok();
        Form(
            url.map(|u| u.query_pairs().into_owned().collect())
                .unwrap_or_default(),
        )
    }

    /// A field's value.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    /// A field's value, or empty.
    pub fn value(&self, k: &str) -> &str {
        self.get(k).unwrap_or("")
    }
}

/// What a page says back after a form: a confirmation, the errors of one form tied to
/// its fields (the values sent are shown again), or a secret shown once.
#[derive(Debug, Default)]
pub struct Feedback {
    /// The confirmation (a `role="status"` line).
    pub done: Option<String>,
    /// The form the errors are about (its path segment).
    pub form: &'static str,
    /// `(field, message)`.
    pub errors: Vec<(&'static str, T)>,
    /// What was sent, to fill the form again.
    pub sent: Form,
    /// A new secret, shown once, with the line about the old one.
    pub secret: Option<(String, String)>,
}

impl Feedback {
    /// A confirmation.
    pub fn done(text: impl Into<String>) -> Feedback {
        Feedback {
            done: Some(text.into()),
            ..Feedback::default()
        }
    }

    /// The errors of `form`.
    pub fn invalid(form: &'static str, sent: Form, errors: Vec<(&'static str, T)>) -> Feedback {
        Feedback {
            form,
            errors,
            sent,
            ..Feedback::default()
        }
    }

    /// The error of `field` in `form`, if any.
    pub fn error(&self, form: &str, field: &str) -> Option<T> {
        (self.form == form)
            .then(|| {
                self.errors
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, t)| *t)
            })
            .flatten()
    }

    /// The value sent in `field` of `form` (to show again), if these errors are its.
    pub fn sent(&self, form: &str, field: &str) -> Option<&str> {
        (self.form == form && !self.errors.is_empty())
            .then(|| self.sent.get(field))
            .flatten()
    }
}

/// A form id's binding: its key in the agency's list store, and its value (the action
/// and the request that sent it).
fn binding(ctx: &Ctx, form_id: &str, what: &str) -> (String, String) {
    (
        format!("console-form:{form_id}"),
        format!("{what} {}", ctx.request_id),
    )
}

/// The store that holds the agency's form ids (its list store).
fn form_store(ctx: &Ctx, staff: &Staff) -> AppResult<Store> {
    Store::of(
        &ctx.env,
        &Scope::Agency(staff.agency.id.clone(), AgencyScope::List),
    )
}

/// Binds a form id once: `false` when it was already used.
///
/// # Errors
/// 400 for a malformed id; 500 when the store fails.
pub async fn first_use(ctx: &Ctx, staff: &Staff, form_id: &str, what: &str) -> AppResult<bool> {
    if form_id.len() != 32 || !form_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::Problem(
            onboarding_core::model::problem::ProblemCode::BadRequest,
        ));
    }
    // Bound to this request (its id): the same form sent again finds another request's.
    let (k, mine) = binding(ctx, form_id, what);
    let bound = form_store(ctx, staff)?
        .ask(KvBind { k, v: mine.clone() })
        .await?;
    Ok(bound.as_deref() == Some(mine.as_str()))
}

/// Gives a form id back when its submission changed nothing (its errors shown again,
/// or a failure): sending the same form again is then a new try, not "already sent".
pub async fn release(ctx: &Ctx, staff: &Staff, form_id: &str, what: &str) {
    let (k, v) = binding(ctx, form_id, what);
    let freed = match form_store(ctx, staff) {
        Ok(store) => store.ask(KvUnbind { k, v }).await,
        Err(e) => Err(e),
    };
    // Not given back: the member sees "already sent" on a resend and reloads the page.
    if let Err(e) = freed {
        let _ = e.log_detail();
    }
}

/// The decision update a decision form asks for: the decision, a reason code, a note.
///
/// # Errors
/// The field that is wrong, for the form to show beside it.
pub fn decision_update(form: &Form) -> Result<DecisionUpdate, Vec<(&'static str, T)>> {
    let decision = form
        .get("decision")
        .and_then(|d| d.parse::<Decision>().ok())
        .filter(|d| *d != Decision::Challenge);
    let reason = form.get("reason").and_then(Reason::parse);
    let note = form.value("note").trim();
    let mut errors = Vec::new();
    if decision.is_none() {
        errors.push(("decision", T::ErrDecision));
    }
    if reason.is_none() {
        errors.push(("reason", T::ErrReason));
    }
    if note.chars().count() > MAX_NOTE {
        errors.push(("note", T::ErrNote));
    }
    let (Some(decision), Some(reason), true) = (decision, reason, errors.is_empty()) else {
        return Err(errors);
    };
    let update = DecisionUpdate {
        inquiry_id: String::new(),
        authentication_id: String::new(),
        decision,
        tags: vec![format!("reason:{}", reason.as_str())],
        notes: (!note.is_empty()).then(|| note.to_owned()),
        external_agent: Some("agency-console".into()),
        queue: None,
        verified_fraud: None,
        rejection_code: (decision == Decision::Deny).then(|| reason.as_str().to_owned()),
    };
    Ok(update)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(p: &[(&str, &str)]) -> Form {
        Form(p.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect())
    }

    #[test]
    fn roles_and_actions() {
        for a in ["decision", "forensic", "revoke-access", "erase"] {
            assert_eq!(Action::parse(a).unwrap().as_str(), a);
        }
        assert!(Action::Decide.allowed(Role::Agent));
        assert!(!Action::Erase.allowed(Role::Agent));
        assert!(Action::Erase.allowed(Role::Admin));
        assert_eq!(Action::parse("disable"), None);
    }

    #[test]
    fn decision_forms() {
        let u = decision_update(&form(&[
            ("decision", "Deny"),
            ("reason", "fraud_suspected"),
            ("note", " x "),
        ]))
        .unwrap();
        assert_eq!(u.decision, Decision::Deny);
        assert_eq!(u.rejection_code.as_deref(), Some("fraud_suspected"));
        assert_eq!(u.notes.as_deref(), Some("x"));
        assert_eq!(
            decision_update(&form(&[("decision", "Challenge"), ("reason", "other")])).unwrap_err(),
            vec![("decision", T::ErrDecision)]
        );
        assert_eq!(
            decision_update(&form(&[("decision", "Allow")])).unwrap_err(),
            vec![("reason", T::ErrReason)]
        );
        let long = "n".repeat(MAX_NOTE + 1);
        assert_eq!(
            decision_update(&form(&[
                ("decision", "Allow"),
                ("reason", "other"),
                ("note", &long)
            ]))
            .unwrap_err(),
            vec![("note", T::ErrNote)]
        );
    }

    #[test]
    fn forms_and_origins() {
        let f = Form::parse("a=1&note=hola+y%26adi%C3%B3s&a=2");
        assert_eq!(f.get("a"), Some("1"), "the first of a repeated field");
        assert_eq!(f.value("note"), "hola y&adiós");
        assert_eq!(f.value("none"), "");
        for m in Manage::ALL {
            assert_eq!(Manage::parse(m.as_str()), Some(m));
        }
        let url = worker::Url::parse("https://edge.example/console/ag/manage/webhook").unwrap();
        assert!(same_origin(Some("https://edge.example"), &url));
        assert!(!same_origin(Some("https://evil.example"), &url));
        assert!(!same_origin(Some("null"), &url));
        assert!(!same_origin(None, &url));
    }

    #[test]
    fn csrf_compares_in_constant_time() {
        assert!(csrf_ok("abcd", "abcd"));
        assert!(!csrf_ok("abcd", "abce"));
        assert!(!csrf_ok("abcd", "abc"));
    }
}

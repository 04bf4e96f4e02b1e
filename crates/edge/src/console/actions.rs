//! What staff do from the console. Every state-changing request is a `POST` from the
//! console's own origin (`Origin` checked), with the signed-in session's CSRF token
//! and a single-use form id; it runs the same function the agency API runs (one
//! authorisation path: the console can never do what the API forbids), and leaves an
//! audit row (who, what, which applicant, when; nothing personal, no secret).
//!
//! * The CSRF token is a keyed hash of the agency, the email and the Access session
//!   (the token's issue time): stateless, different for every sign-in, useless to
//!   another member or agency.
//! * The form id is bound once in the agency's list store: a second submission of the
//!   same form (a double click, a reload of the reply) changes nothing and says so.

use hmac::{Hmac, Mac};
use onboarding_core::console::Reason;
use onboarding_core::model::identity::{Decision, DecisionUpdate};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::objects::store::{AgencyScope, KvBind, Scope, Store};
use crate::registry::Role;

use super::Staff;

/// Largest form body accepted.
pub const MAX_FORM_BYTES: usize = 8 * 1024;
/// Longest note on a decision.
pub const MAX_NOTE: usize = 500;

/// An action on one application.
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

/// The CSRF token of a signed-in session at an agency.
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

/// A form's fields (`application/x-www-form-urlencoded`).
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// A field's value.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
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
    let bound = Store::of(
        &ctx.env,
        &Scope::Agency(staff.agency.id.clone(), AgencyScope::List),
    )?
    .ask(KvBind {
        k: format!("console-form:{form_id}"),
        v: what.to_owned(),
    })
    .await?;
    Ok(bound.as_deref() == Some(what))
}

/// The decision update a decision form asks for: the decision, a reason code, a note.
///
/// # Errors
/// The field that is wrong, for the form to show beside it.
pub fn decision_update(form: &Form) -> Result<(Decision, DecisionUpdate), &'static str> {
    let decision = form
        .get("decision")
        .and_then(|d| d.parse::<Decision>().ok())
        .filter(|d| *d != Decision::Challenge)
        .ok_or("decision")?;
    let reason = form.get("reason").and_then(Reason::parse).ok_or("reason")?;
    let note = form.get("note").unwrap_or("").trim();
    if note.chars().count() > MAX_NOTE {
        return Err("note");
    }
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
    Ok((decision, update))
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
        let (d, u) = decision_update(&form(&[
            ("decision", "Deny"),
            ("reason", "fraud_suspected"),
            ("note", " x "),
        ]))
        .unwrap();
        assert_eq!(d, Decision::Deny);
        assert_eq!(u.rejection_code.as_deref(), Some("fraud_suspected"));
        assert_eq!(u.notes.as_deref(), Some("x"));
        assert_eq!(
            decision_update(&form(&[("decision", "Challenge"), ("reason", "other")])).unwrap_err(),
            "decision"
        );
        assert_eq!(
            decision_update(&form(&[("decision", "Allow")])).unwrap_err(),
            "reason"
        );
        let long = "n".repeat(MAX_NOTE + 1);
        assert_eq!(
            decision_update(&form(&[
                ("decision", "Allow"),
                ("reason", "other"),
                ("note", &long)
            ]))
            .unwrap_err(),
            "note"
        );
    }

    #[test]
    fn csrf_compares_in_constant_time() {
        assert!(csrf_ok("abcd", "abcd"));
        assert!(!csrf_ok("abcd", "abce"));
        assert!(!csrf_ok("abcd", "abc"));
    }
}

//! What an agency's server may fix for one applicant's visit (`POST /v1/agency/sessions`),
//! checked with the same rows as the tenant request the values end up in: the
//! reference and the product as they will be stored, the prefill as the applicant's
//! typed fields.

use crate::i18n::Locale;
use crate::model::api::CreateClientSession;
use crate::validate::{Code, Date, ValidationError, normalize_field, validate_field};

/// Default lifetime of a client token (seconds).
pub const CLIENT_TOKEN_DEFAULT_SECONDS: u32 = 3600;
/// Shortest lifetime an agency may ask for (seconds).
pub const CLIENT_TOKEN_MIN_SECONDS: u32 = 60;
/// Longest lifetime an agency may ask for (seconds).
pub const CLIENT_TOKEN_MAX_SECONDS: u32 = 24 * 3600;

/// Normalises `req` in place (each value as its field's row says; empty optional
/// values dropped) and checks every value; `locale` becomes its language's tag.
///
/// # Errors
///
/// Every broken rule, under the body's own paths (`externalReference`,
/// `prefill.email`, `expiresIn`, …).
pub fn normalize_and_validate_client_session(
    req: &mut CreateClientSession,
    today: Date,
) -> Result<(), Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut check = |path: &str, shown: &str, value: &mut Option<String>| {
        let Some(v) = value.as_deref() else { return };
        let v = normalize_field(path, v);
        // Every value here is optional: one left empty is dropped, not required.
        if let Some(mut e) = validate_field(path, &v, today).filter(|_| !v.is_empty()) {
            e.field = shown.to_owned();
            errors.push(e);
        }
        *value = (!v.is_empty()).then_some(v);
    };
    check(
        "externalReference",
        "externalReference",
        &mut req.external_reference,
    );
    check("product.productId", "productId", &mut req.product_id);
    check(
        "product.requestedAmount",
        "requestedAmount",
        &mut req.requested_amount,
    );
    if let Some(p) = &mut req.prefill {
        check(
            "applicant.name.first",
            "prefill.firstName",
            &mut p.first_name,
        );
        check("applicant.name.last", "prefill.lastName", &mut p.last_name);
        check("applicant.email", "prefill.email", &mut p.email);
        check("applicant.phoneNumber", "prefill.phone", &mut p.phone);
    }
    if let Some(tag) = &req.locale {
        match Locale::from_tag(tag) {
            Some(l) => req.locale = Some(l.as_str().to_owned()),
            None => errors.push(
                ValidationError::new("locale", Code::InvalidChoice)
                    .with_param("allowed", "es, en, ca"),
            ),
        }
    }
    if let Some(s) = req.expires_in
        && !(CLIENT_TOKEN_MIN_SECONDS..=CLIENT_TOKEN_MAX_SECONDS).contains(&s)
    {
        errors.push(
            ValidationError::new("expiresIn", Code::OutOfRange)
                .with_param("min_exclusive", (CLIENT_TOKEN_MIN_SECONDS - 1).to_string())
                .with_param("max", CLIENT_TOKEN_MAX_SECONDS.to_string()),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The `422` of an `externalReference` sent from a browser: it says where it belongs.
pub fn reference_from_browser() -> ValidationError {
    ValidationError::new("externalReference", Code::AgencyServerOnly)
        .with_param("use", "POST /v1/agency/sessions")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::api::Prefill;

    const TODAY: Date = Date {
        year: 2026,
        month: 12,
        day: 7,
    };

    #[test]
    fn normalises_what_it_keeps_and_names_each_broken_field() {
        let mut ok = CreateClientSession {
            external_reference: Some("  CRM-42 ".into()),
            prefill: Some(Prefill {
                first_name: Some(" Ana  María ".into()),
                email: Some("ana@EXAMPLE.es".into()),
                phone: Some("612 34 56 78".into()),
                last_name: Some("   ".into()),
            }),
            requested_amount: Some("950".into()),
            locale: Some("ca-ES".into()),
            expires_in: Some(600),
            ..Default::default()
        };
        assert_eq!(
            normalize_and_validate_client_session(&mut ok, TODAY),
            Ok(())
        );
        assert_eq!(ok.external_reference.as_deref(), Some("CRM-42"));
        let p = ok.prefill.unwrap();
        assert_eq!(p.first_name.as_deref(), Some("Ana María"));
        assert_eq!(p.email.as_deref(), Some("ana@example.es"));
        assert_eq!(p.phone.as_deref(), Some("+34612345678"));
        assert_eq!(p.last_name, None);
        assert_eq!(ok.locale.as_deref(), Some("ca"));

        let mut bad = CreateClientSession {
            external_reference: Some("<b>".into()),
            prefill: Some(Prefill {
                email: Some("nope".into()),
                ..Default::default()
            }),
            requested_amount: Some("-1".into()),
            locale: Some("fr".into()),
            expires_in: Some(86_401),
            ..Default::default()
        };
        let errors = normalize_and_validate_client_session(&mut bad, TODAY).unwrap_err();
        let fields: Vec<(&str, Code)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("externalReference", Code::InvalidCharacters),
                ("requestedAmount", Code::OutOfRange),
                ("prefill.email", Code::InvalidEmail),
                ("locale", Code::InvalidChoice),
                ("expiresIn", Code::OutOfRange),
            ]
        );
        let mut short = CreateClientSession {
            expires_in: Some(59),
            ..Default::default()
        };
        assert!(normalize_and_validate_client_session(&mut short, TODAY).is_err());
    }
}

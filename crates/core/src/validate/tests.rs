// In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::model::{Consent, Employer, GovernmentId, Income, Name, Product};

fn today() -> Date {
    Date::parse("2024-06-15").unwrap()
}

fn address() -> Address {
    Address {
        line1: "Calle Mayor 1".into(),
        city: "Madrid".into(),
        region: Some("M".into()),
        country_code: "ES".into(),
        postal_code: "28013".into(),
        ..Address::default()
    }
}

fn applicant() -> Applicant {
    Applicant {
        name: Name {
            first: "Lucía".into(),
            last: "García".into(),
            second_last: Some("López".into()),
            ..Name::default()
        },
        email: "lucia@example.com".into(),
        phone_number: "+34612345678".into(),
        date_of_birth: "1990-05-17".into(),
        addresses: vec![address()],
        government_id: vec![GovernmentId {
            kind: "DNI".into(),
            value: "12345678Z".into(),
            country_code: "ES".into(),
            ..GovernmentId::default()
        }],
        employment: vec![Employment {
            employer: Employer {
                name: "Acme SL".into(),
                address: None,
            },
            employee_title: Some("Ingeniera".into()),
            start_date: Some("2019-08-24".into()),
            end_date: None,
            current_employee: Some("true".into()),
            contract_type: Some("PERMANENT".into()),
        }],
        income: Some(Income {
            period: "MONTHLY".into(),
            amount: "2500".into(),
            currency: "EUR".into(),
        }),
    }
}

fn request() -> TenantRequest {
    TenantRequest {
        applicant: applicant(),
        co_applicant: None,
        product: Some(Product {
            product_type: Some("rental".into()),
            product_id: Some("ref-123".into()),
            requested_amount: Some("950".into()),
            ..Product::default()
        }),
        device_session_id: Some("c12da910e8734aea856cd0fefb2be80d".into()),
        external_reference: Some("CRM-2026/0042".into()),
        consent: Some(Consent {
            terms_accepted: true,
            credit_check_accepted: true,
            version: Some(crate::consent::VERSION.to_owned()),
        }),
    }
}

fn errors(req: &TenantRequest) -> Vec<(String, Code)> {
    match validate_tenant_request(req, today()) {
        Ok(()) => Vec::new(),
        Err(e) => e.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

fn one(req: &TenantRequest) -> (String, Code) {
    let e = errors(req);
    assert_eq!(e.len(), 1, "{e:?}");
    e.into_iter().next().unwrap()
}

fn err(field: &str, code: Code) -> (String, Code) {
    (field.to_owned(), code)
}

#[test]
fn valid_request_passes() {
    assert_eq!(errors(&request()), vec![]);
    let mut with_co = request();
    with_co.co_applicant = Some(applicant());
    assert_eq!(errors(&with_co), vec![]);
}

#[test]
fn empty_body_reports_everything_missing() {
    let req = TenantRequest::default();
    let e = errors(&req);
    let expected = vec![
        err("applicant.name.first", Code::Required),
        err("applicant.name.last", Code::Required),
        err("applicant.email", Code::Required),
        err("applicant.phoneNumber", Code::Required),
        err("applicant.dateOfBirth", Code::Required),
        err("applicant.addresses", Code::Required),
        err("applicant.governmentId", Code::Required),
        err("deviceSessionId", Code::Required),
        err("consent", Code::ConsentRequired),
    ];
    assert_eq!(e, expected);
}

#[test]
fn paths_are_dotted_with_indices() {
    let mut req = request();
    req.applicant.government_id[0].value = "12345678A".into();
    req.applicant.addresses.push(Address {
        postal_code: "53000".into(),
        ..address()
    });
    let mut co = applicant();
    co.email = "nope".into();
    req.co_applicant = Some(co);
    req.product.as_mut().unwrap().requested_amount = Some("0".into());
    assert_eq!(
        errors(&req),
        vec![
            err("applicant.addresses[1].postalCode", Code::InvalidPostcode),
            err("applicant.governmentId[0].value", Code::InvalidChecksum),
            err("coApplicant.email", Code::InvalidEmail),
            err("product.requestedAmount", Code::OutOfRange),
        ]
    );
}

#[test]
fn government_ids() {
    let cases = [
        ("DNI", "12345678Z", None),
        ("DNI", "12345678A", Some(Code::InvalidChecksum)),
        ("DNI", "1234567Z", Some(Code::InvalidFormat)),
        ("NIE", "X1234567L", None),
        ("NIE", "Y1234567X", None),
        ("NIE", "Z1234567R", None),
        ("NIE", "X1234567A", Some(Code::InvalidChecksum)),
        ("NIE", "12345678Z", Some(Code::InvalidFormat)),
        ("PASSPORT", "PAA123456", None),
        ("PASSPORT", "P1", Some(Code::InvalidFormat)),
        ("DNI", "123456789012345678901", Some(Code::TooLong)),
    ];
    for (kind, value, code) in cases {
        let mut req = request();
        req.applicant.government_id[0].kind = kind.into();
        req.applicant.government_id[0].value = value.into();
        let got = errors(&req);
        match code {
            None => assert_eq!(got, vec![], "{kind} {value}"),
            Some(c) => assert_eq!(
                got,
                vec![err("applicant.governmentId[0].value", c)],
                "{kind} {value}"
            ),
        }
    }
}

#[test]
fn government_id_type_is_a_closed_set() {
    let mut req = request();
    req.applicant.government_id[0].kind = "GOVT_ID_TYPE_UNSPECIFIED".into();
    let e = validate_tenant_request(&req, today()).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].field, "applicant.governmentId[0].type");
    assert_eq!(e[0].code, Code::InvalidChoice);
    assert_eq!(e[0].param("allowed"), Some("DNI, NIE, PASSPORT"));
}

#[test]
fn checksum_error_names_the_type() {
    let mut req = request();
    req.applicant.government_id[0] = GovernmentId {
        kind: "NIE".into(),
        value: "X1234567A".into(),
        country_code: "ES".into(),
        ..GovernmentId::default()
    };
    let e = validate_tenant_request(&req, today()).unwrap_err();
    assert_eq!(e[0].param("type"), Some("NIE"));
}

#[test]
fn dates_and_ages() {
    let cases = [
        ("2006-06-15", None),                   // 18th birthday today
        ("2006-06-16", Some(Code::Underage)),   // one day short
        ("2024-06-15", Some(Code::Underage)),   // born today
        ("2024-06-16", Some(Code::OutOfRange)), // future
        ("1904-06-15", None),                   // 120th birthday today
        ("1904-06-14", None),                   // 120 and a day
        ("1903-06-16", None),                   // 120, a day before turning 121
        ("1903-06-15", Some(Code::TooOld)),     // 121st birthday today
        ("2023-02-29", Some(Code::InvalidDate)),
        ("1990-13-01", Some(Code::InvalidDate)),
        ("17/05/1990", Some(Code::InvalidDate)),
    ];
    for (dob, code) in cases {
        let mut req = request();
        req.applicant.date_of_birth = dob.into();
        let got = errors(&req);
        match code {
            None => assert_eq!(got, vec![], "{dob}"),
            Some(c) => assert_eq!(got, vec![err("applicant.dateOfBirth", c)], "{dob}"),
        }
    }
}

#[test]
fn leap_day_birthday() {
    // Born 2006-02-29 does not exist; born 2004-02-29 turns 18 on 2022-03-01.
    let mut req = request();
    req.applicant.date_of_birth = "2004-02-29".into();
    let on = |d: &str| validate_tenant_request(&req, Date::parse(d).unwrap());
    assert!(on("2022-02-28").is_err());
    assert!(on("2022-03-01").is_ok());
    let e = on("2022-02-28").unwrap_err();
    assert_eq!(e[0].code, Code::Underage);
    assert_eq!(e[0].param("min_age"), Some("18"));
}

#[test]
fn postcodes() {
    for (pc, ok) in [
        ("00999", false),
        ("01000", true),
        ("52999", true),
        ("53000", false),
    ] {
        let mut req = request();
        req.applicant.addresses[0].postal_code = pc.into();
        let got = errors(&req);
        if ok {
            assert_eq!(got, vec![], "{pc}");
        } else {
            assert_eq!(
                got,
                vec![err(
                    "applicant.addresses[0].postalCode",
                    Code::InvalidPostcode
                )],
                "{pc}"
            );
        }
    }
    let mut req = request();
    req.applicant.addresses[0].country_code = "GB".into();
    req.applicant.addresses[0].postal_code = "SW1A 1AA".into();
    assert_eq!(errors(&req), vec![]);
    // An unknown country reports only the country; the postcode is judged as Spanish.
    req.applicant.addresses[0].country_code = "XX".into();
    req.applicant.addresses[0].postal_code = "28013".into();
    assert_eq!(
        errors(&req),
        vec![err(
            "applicant.addresses[0].countryCode",
            Code::InvalidCountry
        )]
    );
}

#[test]
fn phones_emails_lengths_and_characters() {
    let mut req = request();
    req.applicant.phone_number = "+34512345678".into();
    assert_eq!(one(&req), err("applicant.phoneNumber", Code::InvalidPhone));

    let mut req = request();
    req.applicant.email = format!("{}@example.com", "a".repeat(250));
    let e = validate_tenant_request(&req, today()).unwrap_err();
    assert_eq!((e[0].code, e[0].param("max")), (Code::TooLong, Some("254")));

    let mut req = request();
    req.applicant.name.first = "L".repeat(101);
    assert_eq!(one(&req), err("applicant.name.first", Code::TooLong));
    req.applicant.name.first = "L".repeat(100);
    assert_eq!(errors(&req), vec![]);

    for junk in [
        "Lu\u{200B}cía",
        "\u{202E}aicuL",
        "Lucía\u{0007}",
        "Lucía2",
        "<b>",
    ] {
        let mut req = request();
        req.applicant.name.first = junk.into();
        assert_eq!(
            one(&req),
            err("applicant.name.first", Code::InvalidCharacters),
            "{junk:?}"
        );
    }
    let mut req = request();
    req.applicant.addresses[0].line1 = "Calle\u{202E} Mayor".into();
    assert_eq!(
        one(&req),
        err("applicant.addresses[0].line1", Code::InvalidCharacters)
    );
    req.applicant.addresses[0].line1 = "x".repeat(201);
    assert_eq!(
        one(&req),
        err("applicant.addresses[0].line1", Code::TooLong)
    );
}

#[test]
fn amounts_currency_and_enums() {
    for (amount, code) in [
        ("2500.50", None),
        ("12,50", Some(Code::InvalidFormat)),
        ("0", Some(Code::OutOfRange)),
        ("-10", Some(Code::OutOfRange)),
        ("1000000000", Some(Code::OutOfRange)),
    ] {
        let mut req = request();
        req.applicant.income.as_mut().unwrap().amount = amount.into();
        let got = errors(&req);
        match code {
            None => assert_eq!(got, vec![], "{amount}"),
            Some(c) => assert_eq!(got, vec![err("applicant.income.amount", c)], "{amount}"),
        }
    }
    let mut req = request();
    req.applicant.income.as_mut().unwrap().currency = "XXX".into();
    assert_eq!(
        one(&req),
        err("applicant.income.currency", Code::InvalidCurrency)
    );
    let mut req = request();
    req.applicant.income.as_mut().unwrap().period = "DAILY".into();
    assert_eq!(
        one(&req),
        err("applicant.income.period", Code::InvalidChoice)
    );
    let mut req = request();
    req.applicant.employment[0].contract_type = Some("ZERO_HOURS".into());
    assert_eq!(
        one(&req),
        err("applicant.employment[0].contractType", Code::InvalidChoice)
    );
    req.applicant.employment[0].contract_type = Some("CONTRACT_TYPE_UNSPECIFIED".into());
    assert_eq!(errors(&req), vec![]);
    req.applicant.employment[0].current_employee = Some("yes".into());
    assert_eq!(
        one(&req),
        err(
            "applicant.employment[0].currentEmployee",
            Code::InvalidChoice
        )
    );
}

#[test]
fn employment_dates() {
    let mut req = request();
    req.applicant.employment[0].start_date = Some("2024-06-16".into());
    assert_eq!(
        one(&req),
        err("applicant.employment[0].startDate", Code::OutOfRange)
    );
    let mut req = request();
    req.applicant.employment[0].end_date = Some("2019-08-23".into());
    let e = validate_tenant_request(&req, today()).unwrap_err();
    assert_eq!(
        (e[0].field.as_str(), e[0].code),
        ("applicant.employment[0].endDate", Code::OutOfRange)
    );
    assert_eq!(e[0].param("not_before"), Some("2019-08-24"));
    req.applicant.employment[0].end_date = Some("2019-08-24".into());
    assert_eq!(errors(&req), vec![]);
    req.applicant.employment[0].employer.name.clear();
    assert_eq!(
        one(&req),
        err("applicant.employment[0].employer.name", Code::Required)
    );
}

#[test]
fn lists_must_not_be_empty_or_huge() {
    let mut req = request();
    req.applicant.addresses.clear();
    assert_eq!(one(&req), err("applicant.addresses", Code::Required));
    let mut req = request();
    req.applicant.government_id.clear();
    assert_eq!(one(&req), err("applicant.governmentId", Code::Required));
    let mut req = request();
    req.applicant.addresses = vec![address(); MAX_ADDRESSES + 1];
    let e = validate_tenant_request(&req, today()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].code, e[0].param("unit")),
        (Code::TooLong, Some("items"))
    );
    let mut req = request();
    req.applicant.employment.clear();
    req.applicant.income = None;
    assert_eq!(errors(&req), vec![]);
}

#[test]
fn device_session_and_consent() {
    let mut req = request();
    req.device_session_id = Some("not-hex!".into());
    assert_eq!(one(&req), err("deviceSessionId", Code::InvalidFormat));
    req.device_session_id = Some("a".repeat(33));
    assert_eq!(one(&req), err("deviceSessionId", Code::TooLong));
    req.device_session_id = None;
    assert_eq!(one(&req), err("deviceSessionId", Code::Required));

    let mut req = request();
    req.consent = Some(Consent {
        terms_accepted: false,
        credit_check_accepted: true,
        version: Some(crate::consent::VERSION.to_owned()),
    });
    assert_eq!(
        one(&req),
        err("consent.termsAccepted", Code::ConsentRequired)
    );
    req.consent = Some(Consent::default());
    assert_eq!(
        errors(&req),
        vec![
            err("consent.termsAccepted", Code::ConsentRequired),
            err("consent.creditCheckAccepted", Code::ConsentRequired),
            err("consent.version", Code::Required)
        ]
    );
    // A version of texts the edge does not know says nothing about what was shown.
    req.consent = Some(Consent {
        terms_accepted: true,
        credit_check_accepted: true,
        version: Some("1999-01-01".into()),
    });
    assert_eq!(one(&req), err("consent.version", Code::InvalidChoice));
}

#[test]
fn normalisation() {
    let mut req = request();
    let a = &mut req.applicant;
    a.name.first = "  José   María ".into();
    a.name.middle = Some("   ".into());
    a.email = " Lucia@EXAMPLE.com ".into();
    a.phone_number = "612 34 56 78".into();
    a.addresses[0].country_code = " es".into();
    a.addresses[0].postal_code = " 28013 ".into();
    a.addresses[0].line2 = Some("".into());
    a.government_id[0].kind = "dni".into();
    a.government_id[0].value = "12.345.678-z".into();
    a.government_id[0].country_code = "es".into();
    a.employment[0].end_date = Some("".into());
    a.employment[0].current_employee = Some("TRUE".into());
    a.employment[0].contract_type = Some("permanent".into());
    let income = a.income.as_mut().unwrap();
    income.currency = "eur".into();
    income.period = " monthly".into();
    income.amount = " 2500 ".into();
    req.device_session_id = Some(" c12da910e8734aea856cd0fefb2be80d\n".into());
    normalize_tenant_request(&mut req);
    let a = &req.applicant;
    assert_eq!(a.name.first, "José María");
    assert_eq!(a.name.middle, None);
    assert_eq!(a.email, "Lucia@example.com");
    assert_eq!(a.phone_number, "+34612345678");
    assert_eq!(a.addresses[0].country_code, "ES");
    assert_eq!(a.addresses[0].postal_code, "28013");
    assert_eq!(a.addresses[0].line2, None);
    assert_eq!(a.government_id[0].kind, "DNI");
    assert_eq!(a.government_id[0].value, "12345678Z");
    assert_eq!(a.employment[0].end_date, None);
    assert_eq!(a.employment[0].current_employee.as_deref(), Some("true"));
    assert_eq!(a.employment[0].contract_type.as_deref(), Some("PERMANENT"));
    assert_eq!(a.income.as_ref().unwrap().currency, "EUR");
    assert_eq!(errors(&req), vec![]);

    let mut phone = request();
    phone.applicant.phone_number = "0034912345678".into();
    normalize_tenant_request(&mut phone);
    assert_eq!(phone.applicant.phone_number, "+34912345678");
}

#[test]
fn normalisation_is_idempotent() {
    let mut once = request();
    once.applicant.phone_number = "612 34 56 78".into();
    once.applicant.name.first = " Ana  María ".into();
    normalize_tenant_request(&mut once);
    let mut twice = once.clone();
    normalize_tenant_request(&mut twice);
    assert_eq!(once, twice);
}

#[test]
fn one_walk_normalises_and_validates() {
    // A raw request: validation alone checks the values as they are, and changes none.
    let mut raw = request();
    let a = &mut raw.applicant;
    a.addresses[0].country_code = " pt".into();
    a.addresses[0].postal_code = " 1000-001 ".into();
    a.government_id[0].kind = "nie".into();
    a.government_id[0].value = "x-1234567-l".into();
    a.employment[0].start_date = Some(" 2019-08-24".into());
    a.employment[0].end_date = Some("2019-08-23 ".into());
    a.employment[0].current_employee = Some("FALSE".into());
    raw.consent.as_mut().unwrap().version = Some(format!(" {} ", crate::consent::VERSION));
    let before = raw.clone();
    let as_is = errors(&raw);
    assert_eq!(raw, before);
    assert!(as_is.contains(&err(
        "applicant.addresses[0].countryCode",
        Code::InvalidCountry
    )));
    assert!(as_is.contains(&err("consent.version", Code::InvalidChoice)));

    // Normalised and validated in one walk: each context (the country for the postcode,
    // the type for the number, the start for the end date) is the normalised value.
    let mut two_steps = raw.clone();
    normalize_tenant_request(&mut two_steps);
    let expected = validate_tenant_request(&two_steps, today());
    assert_eq!(
        expected.clone().unwrap_err(),
        vec![
            ValidationError::new("applicant.employment[0].endDate", Code::OutOfRange)
                .with_param("not_before", "2019-08-24")
        ]
    );
    let mut one_walk = raw;
    assert_eq!(
        normalize_and_validate_tenant_request(&mut one_walk, today()),
        expected
    );
    assert_eq!(one_walk, two_steps);
    assert_eq!(one_walk.applicant.addresses[0].postal_code, "1000-001");
    assert_eq!(one_walk.applicant.government_id[0].value, "X1234567L");

    // A valid request is left normalised too, and normalising it again changes nothing.
    let mut valid = request();
    valid.applicant.name.first = "  Ana   María ".into();
    assert_eq!(
        normalize_and_validate_tenant_request(&mut valid, today()),
        Ok(())
    );
    assert_eq!(valid.applicant.name.first, "Ana María");
    let again = valid.clone();
    normalize_tenant_request(&mut valid);
    assert_eq!(valid, again);
}

#[test]
fn field_level_validation() {
    let t = today();
    assert_eq!(validate_field("applicant.name.first", "Lucía", t), None);
    assert_eq!(
        validate_field("applicant.name.first", "  ", t)
            .unwrap()
            .code,
        Code::Required
    );
    assert_eq!(validate_field("applicant.name.middle", "", t), None);
    assert_eq!(
        validate_field("applicant.name.first", "Lu\u{200B}", t)
            .unwrap()
            .code,
        Code::InvalidCharacters
    );
    assert_eq!(
        validate_field("applicant.email", " Lucia@Example.com ", t),
        None
    );
    assert_eq!(
        validate_field("applicant.email", "lucia@", t).unwrap().code,
        Code::InvalidEmail
    );
    assert_eq!(
        validate_field("applicant.phoneNumber", "612 34 56 78", t),
        None
    );
    assert_eq!(
        validate_field("coApplicant.phoneNumber", "512345678", t)
            .unwrap()
            .code,
        Code::InvalidPhone
    );
    assert_eq!(
        validate_field("applicant.dateOfBirth", "2006-06-15", t),
        None
    );
    assert_eq!(
        validate_field("applicant.dateOfBirth", "2006-06-16", t)
            .unwrap()
            .code,
        Code::Underage
    );
    let e = validate_field("applicant.addresses[0].postalCode", "53000", t).unwrap();
    assert_eq!(
        (e.field.as_str(), e.code),
        ("applicant.addresses[0].postalCode", Code::InvalidPostcode)
    );
    assert_eq!(e.param("country"), Some("ES"));
    let gb = FieldContext {
        country_code: Some("gb"),
        id_type: None,
    };
    assert_eq!(
        validate_field_with("applicant.addresses[0].postalCode", "SW1A 1AA", t, gb),
        None
    );
    assert_eq!(
        validate_field("applicant.addresses[0].countryCode", "es", t),
        None
    );
    assert_eq!(
        validate_field("applicant.addresses[0].countryCode", "UK", t)
            .unwrap()
            .code,
        Code::InvalidCountry
    );
    assert_eq!(
        validate_field("applicant.governmentId[0].value", "12345678-z", t),
        None
    );
    assert_eq!(
        validate_field("applicant.governmentId[0].value", "12345678A", t)
            .unwrap()
            .code,
        Code::InvalidChecksum
    );
    assert_eq!(
        validate_field("applicant.governmentId[0].value", "x1234567l", t),
        None
    );
    let passport = FieldContext {
        country_code: None,
        id_type: Some("passport"),
    };
    assert_eq!(
        validate_field_with("applicant.governmentId[0].value", "12345678A", t, passport),
        None
    );
    assert_eq!(
        validate_field("applicant.governmentId[0].type", "dni", t),
        None
    );
    assert_eq!(validate_field("applicant.income.amount", "2500.5", t), None);
    assert_eq!(
        validate_field("applicant.income.amount", "12,50", t)
            .unwrap()
            .code,
        Code::InvalidFormat
    );
    assert_eq!(validate_field("applicant.income.currency", "eur", t), None);
    assert_eq!(validate_field("product.requestedAmount", "", t), None);
    assert_eq!(
        validate_field("deviceSessionId", "c12da910e8734aea856cd0fefb2be80d", t),
        None
    );
    assert_eq!(validate_field("kind", "payslip", t), None);
    assert_eq!(
        validate_field("kind", "selfie", t).unwrap().code,
        Code::InvalidChoice
    );
    assert_eq!(
        validate_field("applicant.employment[0].employer.name", "", t)
            .unwrap()
            .code,
        Code::Required
    );
    assert_eq!(validate_field("applicant.somethingElse", "x", t), None);
    assert_eq!(
        normalize_field("applicant.phoneNumber", "0034 612 345 678"),
        "+34612345678"
    );
    assert_eq!(
        normalize_field("applicant.governmentId[0].value", "x-1234567-l"),
        "X1234567L"
    );
}

#[test]
fn field_and_request_validation_agree() {
    let t = today();
    let mut req = request();
    req.applicant.government_id[0].value = "12345678A".into();
    req.applicant.addresses[0].postal_code = "00999".into();
    req.applicant.phone_number = "+34512345678".into();
    let from_request = validate_tenant_request(&req, t).unwrap_err();
    for e in &from_request {
        let value = match e.field.as_str() {
            "applicant.governmentId[0].value" => "12345678A",
            "applicant.addresses[0].postalCode" => "00999",
            "applicant.phoneNumber" => "+34512345678",
            other => panic!("unexpected {other}"),
        };
        assert_eq!(validate_field(&e.field, value, t).as_ref(), Some(e));
    }
}

#[test]
fn answers_and_document_kind() {
    use crate::model::identity::Answer;
    assert_eq!(
        validate_answers(&AnswersRequest::default()).unwrap_err()[0].field,
        "answers"
    );
    let req = AnswersRequest {
        answers: vec![Answer {
            question_id: "1".into(),
            choice_id: String::new(),
        }],
    };
    let e = validate_answers(&req).unwrap_err();
    assert_eq!(
        (e[0].field.as_str(), e[0].code),
        ("answers[0].choiceId", Code::Required)
    );
    assert_eq!(
        validate_document_kind(" payslip "),
        Ok(DocumentKind::Payslip)
    );
    assert_eq!(validate_document_kind("").unwrap_err().code, Code::Required);
    let e = validate_document_kind("selfie").unwrap_err();
    assert_eq!(e.code, Code::InvalidChoice);
    assert!(e.param("allowed").unwrap().contains("bank_statement"));
}

#[test]
fn codes_serialize_snake_case() {
    for c in Code::ALL {
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{}\"", c.as_str()));
        assert_eq!(c.as_str().parse::<Code>(), Ok(c));
    }
    let e = ValidationError::new("applicant.email", Code::InvalidEmail);
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"field":"applicant.email","code":"invalid_email"}"#
    );
}

#[test]
fn design_example_body_is_valid() {
    let body = r#"{"applicant":{"name":{"first":"Lucía","last":"García","secondLast":"López"},
      "email":"lucia@example.com","phoneNumber":"+34612345678","dateOfBirth":"1990-05-17",
      "addresses":[{"line1":"Calle Mayor 1","city":"Madrid","region":"M","countryCode":"ES","postalCode":"28013"}],
      "governmentId":[{"type":"DNI","value":"12345678Z","countryCode":"ES"}],
      "employment":[{"employer":{"name":"Acme SL"},"employeeTitle":"Ingeniera","startDate":"2019-08-24","currentEmployee":"true","contractType":"PERMANENT"}],
      "income":{"period":"MONTHLY","amount":"2500","currency":"EUR"}},
     "coApplicant":null,
     "product":{"productType":"rental","productId":"ref-123","requestedAmount":"950"},
     "deviceSessionId":"c12da910e8734aea856cd0fefb2be80d",
     "consent":{"termsAccepted":true,"creditCheckAccepted":true,"version":"2026-12-05"}}"#;
    let mut req: TenantRequest = serde_json::from_str(body).unwrap();
    normalize_tenant_request(&mut req);
    assert_eq!(validate_tenant_request(&req, today()), Ok(()));
}

#[test]
fn lenient_bodies_deserialize_and_report() {
    let body = r#"{"applicant":{"name":null,"email":null,"phoneNumber":612345678,
        "dateOfBirth":"", "addresses":null,"governmentId":[{"type":"DNI","value":12345678}],
        "employment":null,"income":{"amount":2500.5,"period":"MONTHLY","currency":"EUR"},
        "unknownField":{"nested":[1,2]}},
      "deviceSessionId":null,"consent":{"termsAccepted":"true","creditCheckAccepted":null}}"#;
    let mut req: TenantRequest = serde_json::from_str(body).unwrap();
    normalize_tenant_request(&mut req);
    assert_eq!(req.applicant.phone_number, "+34612345678");
    assert_eq!(req.applicant.income.as_ref().unwrap().amount, "2500.5");
    let fields: Vec<(String, Code)> = validate_tenant_request(&req, today())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    assert_eq!(
        fields,
        vec![
            err("applicant.name.first", Code::Required),
            err("applicant.name.last", Code::Required),
            err("applicant.email", Code::Required),
            err("applicant.dateOfBirth", Code::Required),
            err("applicant.addresses", Code::Required),
            err("applicant.governmentId[0].value", Code::InvalidFormat),
            err("applicant.governmentId[0].countryCode", Code::Required),
            err("deviceSessionId", Code::Required),
            err("consent.creditCheckAccepted", Code::ConsentRequired),
            err("consent.version", Code::Required),
        ]
    );
    let odd: TenantRequest = serde_json::from_str(r#"{"applicant":{"email":{"a":1}}}"#).unwrap();
    assert_eq!(
        validate_tenant_request(&odd, today()).unwrap_err()[2],
        ValidationError::new("applicant.email", Code::InvalidEmail)
    );
    let empty: TenantRequest = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, TenantRequest::default());
}

#[test]
fn case_mapping_is_ascii_only() {
    // Unicode case mapping folded these into ASCII codes (`ﬁ` → `FI`, Finland).
    let t = today();
    for (path, value) in [
        ("applicant.addresses[0].countryCode", "ﬁ"),
        ("applicant.addresses[0].countryCode", "eſ"),
        ("applicant.governmentId[0].countryCode", "ıs"),
        ("applicant.income.currency", "eur\u{17F}"),
    ] {
        assert_ne!(normalize_field(path, value).len(), 2, "{value}");
        assert!(validate_field(path, value, t).is_some(), "{path} {value}");
    }
    let mut req = request();
    req.applicant.addresses[0].country_code = "ﬁ".into();
    normalize_tenant_request(&mut req);
    assert_eq!(req.applicant.addresses[0].country_code, "ﬁ");
    assert_eq!(
        one(&req),
        err("applicant.addresses[0].countryCode", Code::InvalidCountry)
    );
    // ASCII still folds.
    assert_eq!(
        normalize_field("applicant.addresses[0].countryCode", " fi "),
        "FI"
    );
    assert_eq!(
        normalize_email("a@EXAMPLE.\u{212A}Z"),
        "a@example.\u{212A}z"
    );
    assert_eq!(
        validate_field("applicant.email", "a@example.\u{212A}z", t)
            .unwrap()
            .code,
        Code::InvalidEmail
    );
}

/// The agency's reference: 1–64 visible ASCII characters, trimmed; anything else is a
/// field error naming it.
#[test]
fn external_reference() {
    let today = Date::parse("2026-12-05").unwrap();
    let check = |r: &str| {
        let mut req = request();
        req.external_reference = Some(r.to_owned());
        normalize_tenant_request(&mut req);
        (
            req.external_reference.clone(),
            validate_tenant_request(&req, today)
                .err()
                .map(|e| (e[0].field.clone(), e[0].code)),
        )
    };
    assert_eq!(check("  CRM-1  "), (Some("CRM-1".into()), None));
    assert_eq!(check(&"x".repeat(64)).1, None);
    let bad = |r: &str, code| {
        assert_eq!(
            check(r).1,
            Some(("externalReference".to_owned(), code)),
            "{r:?}"
        )
    };
    bad(&"x".repeat(65), Code::TooLong);
    bad("CRM 1", Code::InvalidCharacters);
    bad("CRM-ñ", Code::InvalidCharacters);
    bad("a\u{7f}", Code::InvalidCharacters);
    for html in ["<b>", "a&b", "a\"b", "a'b", "x>y"] {
        bad(html, Code::InvalidCharacters);
    }
    assert_eq!(
        check("CRM-1/2024_a.b:c#d").1,
        None,
        "other visible ASCII is fine"
    );
    let e = validate_field("externalReference", &"x".repeat(65), today).unwrap();
    assert_eq!(e.param("max"), Some("64"));
    assert_eq!(
        crate::i18n::message(crate::i18n::Locale::Ca, &e),
        "La referència de l'agència no pot tenir més de 64 caràcters."
    );
}

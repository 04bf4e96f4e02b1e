//! Per-field and whole-request validation agree for every field of the field table:
//! a random value placed in one field of an otherwise valid request gets, from
//! `validate_tenant_request` (after `normalize_tenant_request`), exactly the errors for
//! that path that `validate_field_with` gives the raw value — given the context the
//! field needs (the address's country for a postcode, the document's type for its
//! number). The same for the step-up answers and the document kind.
#![cfg(not(target_arch = "wasm32"))]

use onboarding_core::model::identity::{Answer, AnswersRequest};
use onboarding_core::model::{Address, Applicant, TenantRequest};
use onboarding_core::validate::fields::{self, Field};
use onboarding_core::validate::{
    Date, FieldContext, ValidationError, normalize_tenant_request, validate_answers,
    validate_document_kind, validate_field_with, validate_tenant_request,
};
use proptest::prelude::*;

fn today() -> Date {
    Date::parse("2024-06-15").unwrap()
}

/// A valid request with every optional part filled (co-applicant, employer address,
/// product), so that every field of the table is in it.
fn request() -> TenantRequest {
    let person = r#"{"name":{"first":"Lucía","middle":"Ana","last":"García","secondLast":"López",
        "suffix":"Dña.","preferred":"Lu"},
      "email":"lucia@example.com","phoneNumber":"+34612345678","dateOfBirth":"1990-05-17",
      "addresses":[ADDRESS],
      "governmentId":[{"type":"DNI","value":"12345678Z","countryCode":"ES","state":"Madrid",
        "issuedDate":"2015-01-01","expirationDate":"2025-01-01"}],
      "employment":[{"employer":{"name":"Acme SL","address":ADDRESS},"employeeTitle":"Ingeniera",
        "startDate":"2019-08-24","currentEmployee":"true","contractType":"PERMANENT"}],
      "income":{"period":"MONTHLY","amount":"2500","currency":"EUR"}}"#
        .replace(
            "ADDRESS",
            r#"{"type":"HOME","recency":"CURRENT","line1":"Calle Mayor 1","line2":"3º B",
              "city":"Madrid","region":"M","countryCode":"ES","postalCode":"28013"}"#,
        );
    let body = format!(
        r#"{{"applicant":{person},"coApplicant":{person},
          "product":{{"productName":"Piso en Lavapiés","productType":"rental","productId":"ref-123",
            "requestedAmount":"950","status":"OPEN"}},
          "deviceSessionId":"c12da910e8734aea856cd0fefb2be80d",
          "externalReference":"CRM-2026/0042",
          "consent":{{"termsAccepted":true,"creditCheckAccepted":true,"version":"2026-12-05"}}}}"#
    );
    serde_json::from_str(&body).unwrap()
}

/// Where a value goes, and the context its per-field check needs.
struct Slot {
    path: &'static str,
    set: fn(&mut TenantRequest, String, &Sibling),
}

/// The sibling value a field depends on (a postcode's country, a number's type).
#[derive(Debug, Clone)]
struct Sibling(String);

fn person(r: &mut TenantRequest, co: bool) -> &mut Applicant {
    if co {
        r.co_applicant.as_mut().unwrap()
    } else {
        &mut r.applicant
    }
}

macro_rules! slots {
    ($($path:literal => |$r:ident, $v:ident, $s:ident| $body:expr;)*) => {
        vec![$(Slot {
            path: $path,
            set: |$r: &mut TenantRequest, $v: String, $s: &Sibling| {
                let _ = $s;
                $body;
            },
        }),*]
    };
}

/// Every value field of the tenant request. `coApplicant.*` repeat a few to check the
/// root does not matter.
fn slots() -> Vec<Slot> {
    slots![
        "applicant.name.first" => |r, v, s| person(r, false).name.first = v;
        "applicant.name.middle" => |r, v, s| person(r, false).name.middle = Some(v);
        "applicant.name.last" => |r, v, s| person(r, false).name.last = v;
        "applicant.name.secondLast" => |r, v, s| person(r, false).name.second_last = Some(v);
        "applicant.name.suffix" => |r, v, s| person(r, false).name.suffix = Some(v);
        "applicant.name.preferred" => |r, v, s| person(r, false).name.preferred = Some(v);
        "applicant.email" => |r, v, s| person(r, false).email = v;
        "coApplicant.email" => |r, v, s| person(r, true).email = v;
        "applicant.phoneNumber" => |r, v, s| person(r, false).phone_number = v;
        "applicant.dateOfBirth" => |r, v, s| person(r, false).date_of_birth = v;
        "coApplicant.dateOfBirth" => |r, v, s| person(r, true).date_of_birth = v;
        "applicant.addresses[0].type" => |r, v, s| person(r, false).addresses[0].kind = Some(v);
        "applicant.addresses[0].recency" => |r, v, s| person(r, false).addresses[0].recency = Some(v);
        "applicant.addresses[0].line1" => |r, v, s| person(r, false).addresses[0].line1 = v;
        "applicant.addresses[0].line2" => |r, v, s| person(r, false).addresses[0].line2 = Some(v);
        "applicant.addresses[0].city" => |r, v, s| person(r, false).addresses[0].city = v;
        "applicant.addresses[0].region" => |r, v, s| person(r, false).addresses[0].region = Some(v);
        "applicant.addresses[0].countryCode" => |r, v, s| person(r, false).addresses[0].country_code = v;
        "applicant.addresses[0].postalCode" => |r, v, s| {
            let a = &mut person(r, false).addresses[0];
            a.country_code = s.0.clone();
            a.postal_code = v;
        };
        "coApplicant.addresses[0].postalCode" => |r, v, s| {
            let a = &mut person(r, true).addresses[0];
            a.country_code = s.0.clone();
            a.postal_code = v;
        };
        "applicant.governmentId[0].type" => |r, v, s| person(r, false).government_id[0].kind = v;
        "applicant.governmentId[0].value" => |r, v, s| {
            let g = &mut person(r, false).government_id[0];
            g.kind = s.0.clone();
            g.value = v;
        };
        "applicant.governmentId[0].countryCode" => |r, v, s| person(r, false).government_id[0].country_code = v;
        "applicant.governmentId[0].state" => |r, v, s| person(r, false).government_id[0].state = Some(v);
        "applicant.governmentId[0].issuedDate" => |r, v, s| person(r, false).government_id[0].issued_date = Some(v);
        "applicant.governmentId[0].expirationDate" => |r, v, s| person(r, false).government_id[0].expiration_date = Some(v);
        "applicant.employment[0].employer.name" => |r, v, s| person(r, false).employment[0].employer.name = v;
        "applicant.employment[0].employer.address.type" => |r, v, s| work(r).kind = Some(v);
        "applicant.employment[0].employer.address.recency" => |r, v, s| work(r).recency = Some(v);
        "applicant.employment[0].employer.address.line1" => |r, v, s| work(r).line1 = v;
        "applicant.employment[0].employer.address.line2" => |r, v, s| work(r).line2 = Some(v);
        "applicant.employment[0].employer.address.city" => |r, v, s| work(r).city = v;
        "applicant.employment[0].employer.address.region" => |r, v, s| work(r).region = Some(v);
        "applicant.employment[0].employer.address.countryCode" => |r, v, s| work(r).country_code = v;
        "applicant.employment[0].employer.address.postalCode" => |r, v, s| {
            let a = work(r);
            a.country_code = s.0.clone();
            a.postal_code = v;
        };
        "applicant.employment[0].employeeTitle" => |r, v, s| person(r, false).employment[0].employee_title = Some(v);
        "applicant.employment[0].startDate" => |r, v, s| person(r, false).employment[0].start_date = Some(v);
        // endDate ≥ startDate is a rule between two fields that per-field validation
        // has no context for: the end date is tried without a start date.
        "applicant.employment[0].endDate" => |r, v, s| {
            let e = &mut person(r, false).employment[0];
            e.start_date = None;
            e.end_date = Some(v);
        };
        "applicant.employment[0].currentEmployee" => |r, v, s| person(r, false).employment[0].current_employee = Some(v);
        "applicant.employment[0].contractType" => |r, v, s| person(r, false).employment[0].contract_type = Some(v);
        "applicant.income.period" => |r, v, s| person(r, false).income.as_mut().unwrap().period = v;
        "applicant.income.amount" => |r, v, s| person(r, false).income.as_mut().unwrap().amount = v;
        "applicant.income.currency" => |r, v, s| person(r, false).income.as_mut().unwrap().currency = v;
        "product.productName" => |r, v, s| r.product.as_mut().unwrap().product_name = Some(v);
        "product.productType" => |r, v, s| r.product.as_mut().unwrap().product_type = Some(v);
        "product.productId" => |r, v, s| r.product.as_mut().unwrap().product_id = Some(v);
        "product.requestedAmount" => |r, v, s| r.product.as_mut().unwrap().requested_amount = Some(v);
        "product.status" => |r, v, s| r.product.as_mut().unwrap().status = Some(v);
        "deviceSessionId" => |r, v, s| r.device_session_id = Some(v);
        "externalReference" => |r, v, s| r.external_reference = Some(v);
        "consent.version" => |r, v, s| r.consent.as_mut().unwrap().version = Some(v);
    ]
}

fn work(r: &mut TenantRequest) -> &mut Address {
    person(r, false).employment[0]
        .employer
        .address
        .as_mut()
        .unwrap()
}

/// The per-field context for a slot: the sibling it depends on, if any.
fn context<'a>(path: &str, sibling: &'a Sibling) -> FieldContext<'a> {
    FieldContext {
        country_code: path.ends_with("postalCode").then_some(sibling.0.as_str()),
        id_type: path
            .ends_with("governmentId[0].value")
            .then_some(sibling.0.as_str()),
    }
}

/// Values near every field's rules: valid ones, their case and separator variants,
/// near misses and lengths around each limit.
fn interesting() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "Lucía",
        "José  María",
        "O'Brien",
        "Lu\u{200B}cía",
        "Lucía2",
        "<b>",
        "12345678Z",
        "12.345.678-z",
        "12345678A",
        "x1234567l",
        "X1234567A",
        "PAA123456",
        "P1",
        "612 34 56 78",
        "0034912345678",
        "+34512345678",
        "+442079460958",
        "512345678",
        "1990-05-17",
        "2006-06-15",
        "2006-06-16",
        "2024-06-16",
        "1903-06-15",
        "2023-02-29",
        "17/05/1990",
        "ES",
        "es",
        "gb",
        "XX",
        "ﬁ",
        "EUR",
        "eur",
        "XXX",
        "monthly",
        "DAILY",
        "PERMANENT",
        "zero_hours",
        "contract_type_unspecified",
        "true",
        "TRUE",
        "yes",
        "2500",
        "2500.505",
        "12,50",
        "0",
        "-10",
        "1000000000",
        "007",
        "28013",
        "53000",
        "00999",
        "SW1A 1AA",
        "sw1a  1aa",
        "12",
        "lucia@example.com",
        "Lucia@EXAMPLE.com",
        "lucia@",
        "c12da910e8734aea856cd0fefb2be80d",
        "not-hex!",
        "DNI",
        "nie",
        "passport",
        "DRIVING",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for n in [20, 21, 32, 33, 50, 51, 64, 65, 100, 101, 200, 201, 255] {
        v.push("a".repeat(n));
    }
    v.push(format!("{}@example.com", "a".repeat(250)));
    v
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::sample::select(interesting()), "[ \t\u{a0}]{0,2}", "[ \u{3000}]{0,2}")
            .prop_map(|(v, pre, post)| format!("{pre}{v}{post}")),
        2 => "[ -~]{0,24}",
        1 => "[0-9Xx .()+-]{0,16}",
        1 => any::<String>(),
    ]
}

fn sibling() -> impl Strategy<Value = Sibling> {
    prop::sample::select(vec![
        "ES", " es", "GB", "fr", "", "XX", "ﬁ", "DNI", "nie", "PASSPORT", "DRIVING",
    ])
    .prop_map(|s| Sibling(s.to_owned()))
}

fn errors_at(errors: Result<(), Vec<ValidationError>>, path: &str) -> Vec<ValidationError> {
    errors
        .err()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e.field == path)
        .collect()
}

#[test]
fn the_fixture_is_valid_and_slots_cover_every_request_field() {
    let mut req = request();
    let filled = req.clone();
    normalize_tenant_request(&mut req);
    assert_eq!(req, filled, "the fixture is already normalised");
    assert_eq!(validate_tenant_request(&req, today()), Ok(()));
    let work = &req.applicant.employment[0].employer.address;
    assert!(work.as_ref().is_some_and(|a| a.line2.is_some()));
    assert!(req.co_applicant.is_some() && req.product.as_ref().unwrap().status.is_some());
    let slots = slots();
    for f in fields::fields().filter(|f| f.is_value()) {
        if matches!(f.name, "questionId" | "choiceId" | "kind") {
            continue; // checked below, on their own requests
        }
        assert!(
            slots
                .iter()
                .any(|s| fields::field(s.path) == Some::<&Field>(f)),
            "no slot for {}.{}",
            f.parent,
            f.name
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn per_field_and_whole_request_agree(
        slot in (0..slots().len()),
        v in value(),
        s in sibling(),
    ) {
        let slot = &slots()[slot];
        let mut req = request();
        (slot.set)(&mut req, v.clone(), &s);
        normalize_tenant_request(&mut req);
        let whole = errors_at(validate_tenant_request(&req, today()), slot.path);
        let one: Vec<ValidationError> =
            validate_field_with(slot.path, &v, today(), context(slot.path, &s))
                .into_iter()
                .collect();
        prop_assert_eq!(whole, one, "{} = {:?} ({:?})", slot.path, v, s);
    }

    #[test]
    fn answers_and_document_kind_agree(v in value(), question in any::<bool>()) {
        let (question_id, choice_id) = if question {
            (v.clone(), "a".to_owned())
        } else {
            ("q1".to_owned(), v.clone())
        };
        let path = if question { "answers[0].questionId" } else { "answers[0].choiceId" };
        let req = AnswersRequest {
            answers: vec![Answer { question_id, choice_id }],
        };
        let whole = errors_at(validate_answers(&req), path);
        let one: Vec<ValidationError> =
            validate_field_with(path, &v, today(), FieldContext::default()).into_iter().collect();
        prop_assert_eq!(whole, one, "{:?}", v);

        let kind = validate_document_kind(&v).err();
        prop_assert_eq!(kind, validate_field_with("kind", &v, today(), FieldContext::default()));
    }
}

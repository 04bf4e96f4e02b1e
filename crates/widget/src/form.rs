//! The applicant form: which inputs the details step shows, how their values become a
//! `TenantRequest`, and the bridge to onboarding-core's validation and messages. No rule
//! lives here: every verdict and every message comes from core.

use std::collections::BTreeMap;

use onboarding_core::Date;

use onboarding_core::model::{
    Address, Applicant, Consent, Employer, Employment, GovernmentId, Income, Name, Product,
    TenantRequest,
};
use onboarding_core::validate::{self, FieldContext, ValidationError};

use crate::i18n::{Catalog, Msg};

/// How an input is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<input type=text>`.
    Text,
    /// `<input type=email>`.
    Email,
    /// `<input type=tel>`.
    Tel,
    /// `<input type=date>` (the value is `YYYY-MM-DD`).
    Date,
    /// Decimal number as text (`inputmode=decimal`).
    Decimal,
    /// A `<select>` of wire values and their labels.
    Select(&'static [(&'static str, Option<Msg>)]),
}

/// One input of a person's section; `key` is relative to `applicant` / `coApplicant`.
/// Its label is core's `i18n::field_label` for the full path, the same name the error
/// messages use.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Path below the person (`name.first`).
    pub key: &'static str,
    /// Input kind.
    pub kind: Kind,
    /// `autocomplete` token for the applicant (the co-applicant gets `off`).
    pub auto: &'static str,
    /// Marked "(optional)" in the label.
    pub optional: bool,
    /// Help text under the label.
    pub hint: Option<Msg>,
    /// Fieldset (index into [`GROUPS`]).
    pub group: usize,
}

/// Fieldset legends of a person's section.
pub const GROUPS: [Msg; 4] = [
    Msg::Identity,
    Msg::Contact,
    Msg::AddressLegend,
    Msg::WorkLegend,
];

const ID_TYPES: &[(&str, Option<Msg>)] = &[
    ("DNI", None),
    ("NIE", None),
    ("PASSPORT", Some(Msg::Passport)),
];
const CONTRACTS: &[(&str, Option<Msg>)] = &[
    ("PERMANENT", Some(Msg::Permanent)),
    ("TEMPORARY", Some(Msg::Temporary)),
    ("SELF_EMPLOYED", Some(Msg::SelfEmployed)),
];

const fn f(key: &'static str, kind: Kind, auto: &'static str, group: usize) -> Field {
    Field {
        key,
        kind,
        auto,
        optional: false,
        hint: None,
        group,
    }
}

const fn opt(mut field: Field) -> Field {
    field.optional = true;
    field
}

const fn hint(mut field: Field, hint: Msg) -> Field {
    field.hint = Some(hint);
    field
}

/// A person's inputs, in order.
pub const PERSON: [Field; 20] = [
    f("name.first", Kind::Text, "given-name", 0),
    f("name.last", Kind::Text, "family-name", 0),
    opt(f("name.secondLast", Kind::Text, "additional-name", 0)),
    f("dateOfBirth", Kind::Date, "bday", 0),
    f("governmentId[0].type", Kind::Select(ID_TYPES), "off", 0),
    hint(
        f("governmentId[0].value", Kind::Text, "off", 0),
        Msg::IdNumberHint,
    ),
    hint(
        f("governmentId[0].countryCode", Kind::Text, "off", 0),
        Msg::CountryHint,
    ),
    f("email", Kind::Email, "email", 1),
    hint(f("phoneNumber", Kind::Tel, "tel", 1), Msg::PhoneHint),
    f("addresses[0].line1", Kind::Text, "address-line1", 2),
    opt(f("addresses[0].line2", Kind::Text, "address-line2", 2)),
    f("addresses[0].postalCode", Kind::Text, "postal-code", 2),
    f("addresses[0].city", Kind::Text, "address-level2", 2),
    opt(f("addresses[0].region", Kind::Text, "address-level1", 2)),
    hint(
        f("addresses[0].countryCode", Kind::Text, "country", 2),
        Msg::CountryHint,
    ),
    f("employment[0].employer.name", Kind::Text, "organization", 3),
    opt(f(
        "employment[0].employeeTitle",
        Kind::Text,
        "organization-title",
        3,
    )),
    f(
        "employment[0].contractType",
        Kind::Select(CONTRACTS),
        "off",
        3,
    ),
    f("employment[0].startDate", Kind::Date, "off", 3),
    hint(f("income.amount", Kind::Decimal, "off", 3), Msg::IncomeHint),
];

/// Consent checkboxes (full paths).
pub const CONSENT: [&str; 2] = ["consent.termsAccepted", "consent.creditCheckAccepted"];

/// The two person roots.
pub const ROOTS: [&str; 2] = ["applicant", "coApplicant"];

/// Values the form starts with (for both persons).
pub fn defaults(values: &mut BTreeMap<String, String>) {
    for root in ROOTS {
        for (key, value) in [
            ("governmentId[0].type", "DNI"),
            ("governmentId[0].countryCode", "ES"),
            ("addresses[0].countryCode", "ES"),
            ("employment[0].contractType", "PERMANENT"),
        ] {
            values
                .entry(format!("{root}.{key}"))
                .or_insert_with(|| value.to_owned());
        }
    }
}

fn person(values: &BTreeMap<String, String>, root: &str) -> Applicant {
    let get = |key: &str| {
        values
            .get(&format!("{root}.{key}"))
            .cloned()
            .unwrap_or_default()
    };
    let some = |key: &str| Some(get(key)).filter(|v| !v.trim().is_empty());
    Applicant {
        name: Name {
            first: get("name.first"),
            last: get("name.last"),
            second_last: some("name.secondLast"),
            ..Name::default()
        },
        email: get("email"),
        phone_number: get("phoneNumber"),
        date_of_birth: get("dateOfBirth"),
        addresses: vec![Address {
            line1: get("addresses[0].line1"),
            line2: some("addresses[0].line2"),
            city: get("addresses[0].city"),
            region: some("addresses[0].region"),
            country_code: get("addresses[0].countryCode"),
            postal_code: get("addresses[0].postalCode"),
            ..Address::default()
        }],
        government_id: vec![GovernmentId {
            kind: get("governmentId[0].type"),
            value: get("governmentId[0].value"),
            country_code: get("governmentId[0].countryCode"),
            ..GovernmentId::default()
        }],
        employment: vec![Employment {
            employer: Employer {
                name: get("employment[0].employer.name"),
                address: None,
            },
            employee_title: some("employment[0].employeeTitle"),
            start_date: some("employment[0].startDate"),
            current_employee: Some("true".to_owned()),
            contract_type: some("employment[0].contractType"),
            ..Employment::default()
        }],
        income: Some(Income {
            period: "MONTHLY".to_owned(),
            amount: get("income.amount"),
            currency: "EUR".to_owned(),
        }),
    }
}

/// The `POST /v1/tenants` body for the form's values, normalised by core.
pub fn request(
    values: &BTreeMap<String, String>,
    co_applicant: bool,
    product: Option<Product>,
    device_session_id: &str,
) -> TenantRequest {
    let flag = |k: &str| values.get(k).is_some_and(|v| v == "true");
    let mut req = TenantRequest {
        applicant: person(values, "applicant"),
        co_applicant: co_applicant.then(|| person(values, "coApplicant")),
        product,
        device_session_id: Some(device_session_id.to_owned()),
        external_reference: None,
        consent: Some(Consent {
            terms_accepted: flag(CONSENT[0]),
            credit_check_accepted: flag(CONSENT[1]),
            version: Some(onboarding_core::consent::VERSION.to_owned()),
        }),
    };
    validate::normalize_tenant_request(&mut req);
    req
}

/// Every error of the whole request, normalised on the way (core's one walk,
/// `normalize_and_validate_tenant_request`: a no-op on a request already normalised).
pub fn validate_all(req: &mut TenantRequest, today: Date) -> Vec<ValidationError> {
    validate::normalize_and_validate_tenant_request(req, today)
        .err()
        .unwrap_or_default()
}

/// The error of one input for instant feedback (core's `validate_field_with`, given the
/// address's country and the document's type it depends on).
pub fn validate_one(
    values: &BTreeMap<String, String>,
    path: &str,
    today: Date,
) -> Option<ValidationError> {
    if let Some(k) = CONSENT.iter().find(|k| **k == path) {
        // Consent flags are booleans: ask core about the whole consent.
        let mut req = TenantRequest {
            consent: Some(Consent {
                terms_accepted: values.get(CONSENT[0]).is_some_and(|v| v == "true"),
                credit_check_accepted: values.get(CONSENT[1]).is_some_and(|v| v == "true"),
                version: Some(onboarding_core::consent::VERSION.to_owned()),
            }),
            ..TenantRequest::default()
        };
        return validate_all(&mut req, today)
            .into_iter()
            .find(|e| e.field == *k);
    }
    let value = values.get(path).map(String::as_str).unwrap_or("");
    let sibling = |suffix_from: &str, key: &str| {
        path.find(suffix_from)
            .and_then(|i| values.get(&format!("{}{key}", &path[..i])))
            .map(String::as_str)
    };
    let context = FieldContext {
        country_code: sibling("postalCode", "countryCode"),
        id_type: sibling("value", "type").filter(|_| path.contains("governmentId")),
    };
    validate::validate_field_with(path, value, today, context)
}

/// Core's message for `error`, in the catalog's language.
pub fn message(cat: &Catalog, error: &ValidationError) -> String {
    cat.core().message(error)
}

/// Core's label for the input at `path`.
pub fn label(cat: &Catalog, path: &str) -> String {
    cat.core().field_label(path)
}

//! The field table: one row per field of the tenant request, the step-up answers and
//! the document upload, holding everything core knows about that field — how its path
//! is recognised, its rule with its limits, its normalisation (a property of the rule)
//! and its es/en label.
//!
//! Every reader uses the rows: per-field validation ([`super::validate_field_with`],
//! [`super::normalize_field`]) finds a row by path with [`field`]; the whole-request
//! walks ([`super::normalize_tenant_request`], [`super::validate_tenant_request`],
//! [`super::validate_answers`]) name the row statics below and take the path segment,
//! the rule and the limits from them; [`crate::i18n`] takes labels from them; and a
//! schema generator reads [`FIELDS`] / [`field_schema`].
//!
//! A row matches a path by its last two segments, indices dropped: `parent` and
//! `name` (`applicant.addresses[0].postalCode` → `addresses`, `postalCode`). A row
//! with an empty `parent` matches under any parent; a row with the exact parent wins
//! over it (`employer.name` is the employer's name, any other `name` the person's).

use super::iso::{COUNTRIES, CURRENCIES};
use super::{CONTRACT_TYPES, INCOME_PERIODS, MAX_ADDRESSES, MAX_EMPLOYMENTS, MAX_GOVERNMENT_IDS};
use super::{EMAIL_MAX, NAME_MAX, Rule};
use crate::i18n::Label;

/// One field (or group of fields) and everything core knows about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The path segment before `name` (indices dropped); empty: any parent.
    pub parent: &'static str,
    /// The field's own path segment, as on the wire (camelCase).
    pub name: &'static str,
    /// The rule and its limits.
    pub(crate) rule: Rule,
    /// The human name used by labels and messages.
    pub label: Label,
}

const fn row(parent: &'static str, name: &'static str, rule: Rule, label: Label) -> Field {
    Field {
        parent,
        name,
        rule,
        label,
    }
}

impl Field {
    /// The constraints on this field's input (see [`FieldSchema`]).
    pub fn schema(&self) -> FieldSchema {
        self.rule.schema()
    }

    /// How the edge normalises this field's value before checking it.
    pub fn normalization(&self) -> Normalization {
        self.rule.normalization()
    }

    /// Whether this row holds a single string value that [`super::validate_field`]
    /// checks (`false` for objects, lists, consent flags and the upload's file and
    /// key, which only the whole-request walks or the edge check).
    pub fn is_value(&self) -> bool {
        self.rule.is_value()
    }

    /// Whether a path's (parent, name) segments name this row.
    fn matches(&self, parent: &str, name: &str) -> bool {
        self.name == name && (self.parent.is_empty() || self.parent == parent)
    }
}

/// How a raw value becomes the value the rules check (and the edge forwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Normalization {
    /// Surrounding whitespace removed.
    Trim,
    /// Trimmed, and inner runs of whitespace collapsed to one space (names).
    CollapseSpaces,
    /// Trimmed, the domain (after the last `@`) in ASCII lower case.
    Email,
    /// Spaces, dashes, dots, parentheses and slashes removed; `00` → `+`; a bare
    /// Spanish 9-digit number gets `+34` (see [`super::normalize_phone`]).
    Phone,
    /// Whitespace, dashes and dots removed anywhere; ASCII upper case.
    DocumentNumber,
    /// Trimmed, ASCII upper case (codes and enums).
    Upper,
    /// Whitespace collapsed as [`Normalization::CollapseSpaces`], ASCII upper case
    /// (postcodes).
    CollapseUpper,
    /// Trimmed, ASCII lower case (booleans, document kinds).
    Lower,
}

impl Normalization {
    /// Normalises one value.
    pub fn apply(self, value: &str) -> String {
        use super::{
            collapse_whitespace, normalize_email, normalize_government_id, normalize_phone,
        };
        match self {
            Normalization::Trim => value.trim().to_owned(),
            Normalization::CollapseSpaces => collapse_whitespace(value),
            Normalization::Email => normalize_email(value),
            Normalization::Phone => normalize_phone(value),
            Normalization::DocumentNumber => normalize_government_id(value),
            Normalization::Upper => value.trim().to_ascii_uppercase(),
            Normalization::CollapseUpper => {
                let mut v = collapse_whitespace(value);
                v.make_ascii_uppercase();
                v
            }
            Normalization::Lower => value.trim().to_ascii_lowercase(),
        }
    }
}

/// What the edge accepts for one field: the constraints a schema generator can publish
/// (OpenAPI / JSON Schema keywords in brackets).
///
/// **Raw input, not the normalised value.** The edge normalises every value before it
/// checks it ([`Normalization`]: trimming, case folding, separators removed from phones
/// and document numbers), so a constraint on the normalised value is not in general
/// one on what a client may send: `" monthly "` is accepted as `MONTHLY`. The rule
/// here is that a constraint is stated only if every accepted raw value satisfies it,
/// with one deliberate, documented exception — whitespace:
///
/// * [`pattern`](Self::pattern)s hold for raw input exactly: they allow the surrounding
///   whitespace the edge trims (every Unicode `White_Space` character, spelled out
///   rather than `\s`, whose set differs between ECMA-262 and other dialects), and the
///   separators and letter cases the field's normalisation removes. They are envelopes:
///   a match is necessary for acceptance, not sufficient.
/// * [`max_length`](Self::max_length), [`choices`](Self::choices) and
///   [`format`](Self::format) describe the value **after whitespace normalisation**:
///   trimmed, and for names and postcodes inner runs of whitespace counted as one
///   space. Every string field is trimmed, so a bound on the untrimmed value would be
///   "none" for every field and hide the real limits; a JSON Schema `maxLength` or
///   `enum` cannot say "ignoring surrounding whitespace". A generator should publish
///   them with one sentence in the API description ("string values are trimmed of
///   surrounding whitespace before these constraints apply") and a fuzzer should not
///   count a padded over-long value that is accepted as a failure. No other
///   normalisation is assumed: document numbers state no `max_length` (separators are
///   removed before the 20-character limit; the pattern bounds them instead), and
///   `choices` of case-folded fields say so with
///   [`case_insensitive`](Self::case_insensitive).
///
/// Rules that depend on another field (a postcode on its country, a document number on
/// its type, an end date on the start date) or on the day (ages 18–120, dates not in the
/// future) are not expressible here; patterns are the union over those cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldSchema {
    /// The field must be present and not blank (\[`required`\], and `minLength: 1`,
    /// which holds for raw input). Relative to its parent object: `income.amount` is
    /// required when there is an `income`.
    pub required: bool,
    /// Most characters (Unicode scalar values, as JSON Schema counts) after whitespace
    /// normalisation — the `max` of the field's `too_long` error (\[`maxLength`\]).
    pub max_length: Option<usize>,
    /// Most items of a list (\[`maxItems`\]; `required` lists need at least one).
    pub max_items: Option<usize>,
    /// The accepted values after whitespace normalisation, in their canonical spelling
    /// (\[`enum`\]); empty: not a closed set.
    pub choices: &'static [&'static str],
    /// `choices` are matched ignoring ASCII case (the value is upper- or lower-cased
    /// first): `dni` is accepted as `DNI`. Only ASCII: `ﬁ` is not `FI`.
    pub case_insensitive: bool,
    /// A regular expression (ECMA-262 syntax, anchored) every accepted raw value
    /// matches (\[`pattern`\]).
    pub pattern: Option<&'static str>,
    /// `date` (`YYYY-MM-DD`, a day that exists) or `email`, after trimming
    /// (\[`format`\]).
    pub format: Option<&'static str>,
    /// Amounts (decimal strings): the value must be greater than this.
    pub exclusive_minimum: Option<&'static str>,
    /// Amounts (decimal strings): the value must be at most this.
    pub maximum: Option<&'static str>,
}

/// The class of characters `str::trim` and `split_whitespace` remove (Unicode
/// `White_Space`), for patterns.
macro_rules! ws {
    () => {
        r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]"
    };
}

/// Document number separators: whitespace, `-`, `.`, U+2010–U+2015.
macro_rules! id_sep {
    () => {
        r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000.\-\u2010-\u2015]"
    };
}

/// Phone separators: the document ones and `(`, `)`, `/`.
macro_rules! phone_sep {
    () => {
        r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000.\-\u2010-\u2015()/]"
    };
}

/// A calendar date, `YYYY-MM-DD`.
const DATE_PATTERN: &str = concat!("^", ws!(), "*[0-9]{4}-[0-9]{2}-[0-9]{2}", ws!(), "*$");
/// An amount: digits (leading zeros aside, at most nine: [`super::AMOUNT_MAX`] has nine)
/// and up to two decimals after a dot.
const AMOUNT_PATTERN: &str = concat!("^", ws!(), r"*0*[0-9]{1,9}(?:\.[0-9]{1,2})?", ws!(), "*$");
const COUNTRY_PATTERN: &str = concat!("^", ws!(), "*[A-Za-z]{2}", ws!(), "*$");
const CURRENCY_PATTERN: &str = concat!("^", ws!(), "*[A-Za-z]{3}", ws!(), "*$");
/// 1–32 ASCII letters or digits.
const DEVICE_SESSION_PATTERN: &str = concat!("^", ws!(), "*[A-Za-z0-9]{1,32}", ws!(), "*$");
/// DNI, NIE and passport numbers are all 6–9 ASCII letters or digits once separators
/// are removed and letters upper-cased.
const DOCUMENT_NUMBER_PATTERN: &str =
    concat!("^", id_sep!(), "*(?:[A-Za-z0-9]", id_sep!(), "*){6,9}$");
/// After cleaning: `+` and 8–15 digits, `00` and 8–15 digits, or 9 bare digits.
const PHONE_PATTERN: &str = concat!(
    "^",
    phone_sep!(),
    r"*(?:\+",
    phone_sep!(),
    "*)?(?:[0-9]",
    phone_sep!(),
    "*){8,17}$"
);
/// Any country's postcode (the union: Spain's five digits are a case): 3–10 letters,
/// digits, dashes or spaces, a letter or digit first and last, whitespace runs counting
/// as one space.
const POSTCODE_PATTERN: &str = concat!(
    "^",
    ws!(),
    "*[A-Za-z0-9](?:[A-Za-z0-9-]|",
    ws!(),
    "+){1,8}[A-Za-z0-9]",
    ws!(),
    "*$"
);

/// Accepted document types (`GovernmentIdType` wire names).
pub(crate) const ID_TYPES: [&str; 3] = ["DNI", "NIE", "PASSPORT"];
/// Accepted document kinds (`DocumentKind` wire names).
pub(crate) const DOCUMENT_KINDS: [&str; 6] = [
    "payslip",
    "bank_statement",
    "tax_return",
    "identity_document",
    "employment_contract",
    "other",
];
/// The values of a boolean sent as text (`currentEmployee`).
pub(crate) const BOOLEANS: [&str; 2] = ["true", "false"];
/// The largest amount as a decimal string.
const AMOUNT_MAX_TEXT: &str = "100000000";

impl Rule {
    /// The rule as schema constraints (see [`FieldSchema`] for what they describe).
    fn schema(self) -> FieldSchema {
        let s = FieldSchema {
            required: self.required(),
            ..FieldSchema::default()
        };
        let date = FieldSchema {
            format: Some("date"),
            pattern: Some(DATE_PATTERN),
            ..s
        };
        let one_of = |choices: &'static [&'static str]| FieldSchema {
            choices,
            case_insensitive: true,
            ..s
        };
        match self {
            Rule::PersonName { .. } => FieldSchema {
                max_length: Some(NAME_MAX),
                ..s
            },
            Rule::Text { max, .. } => FieldSchema {
                max_length: Some(max),
                ..s
            },
            Rule::Email => FieldSchema {
                max_length: Some(EMAIL_MAX),
                format: Some("email"),
                ..s
            },
            Rule::Phone => FieldSchema {
                pattern: Some(PHONE_PATTERN),
                ..s
            },
            Rule::BirthDate | Rule::PastDate | Rule::AnyDate => date,
            Rule::Country { .. } => FieldSchema {
                pattern: Some(COUNTRY_PATTERN),
                ..one_of(&COUNTRIES)
            },
            Rule::Currency => FieldSchema {
                pattern: Some(CURRENCY_PATTERN),
                ..one_of(&CURRENCIES)
            },
            Rule::Postcode { .. } => FieldSchema {
                pattern: Some(POSTCODE_PATTERN),
                ..s
            },
            Rule::IdType => one_of(&ID_TYPES),
            Rule::IdValue => FieldSchema {
                pattern: Some(DOCUMENT_NUMBER_PATTERN),
                ..s
            },
            Rule::Amount { .. } => FieldSchema {
                pattern: Some(AMOUNT_PATTERN),
                exclusive_minimum: Some("0"),
                maximum: Some(AMOUNT_MAX_TEXT),
                ..s
            },
            Rule::Period => one_of(&INCOME_PERIODS),
            Rule::ContractType => one_of(&CONTRACT_TYPES),
            Rule::Boolean => one_of(&BOOLEANS),
            Rule::DocumentKind => one_of(&DOCUMENT_KINDS),
            Rule::DeviceSession => FieldSchema {
                max_length: Some(32),
                pattern: Some(DEVICE_SESSION_PATTERN),
                ..s
            },
            Rule::List { max, .. } => FieldSchema {
                max_items: Some(max),
                ..s
            },
            Rule::Consent => FieldSchema {
                choices: &["true"],
                ..s
            },
            Rule::Object { .. } | Rule::External => s,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The rows

/// `applicant`: the main applicant.
pub(crate) static APPLICANT: Field = row(
    "",
    "applicant",
    Rule::Object { required: true },
    Label::m("solicitante", "applicant"),
);
/// `coApplicant`: a second person on the lease.
pub(crate) static CO_APPLICANT: Field = row(
    "",
    "coApplicant",
    Rule::Object { required: false },
    Label::m("cotitular", "co-applicant"),
);

/// `name` (object; any person).
pub(crate) static NAME: Field = row(
    "",
    "name",
    Rule::Object { required: true },
    Label::m("nombre", "name"),
);
pub(crate) static FIRST_NAME: Field = row(
    "name",
    "first",
    Rule::PersonName { required: true },
    Label::m("nombre", "first name"),
);
pub(crate) static MIDDLE_NAME: Field = row(
    "name",
    "middle",
    Rule::PersonName { required: false },
    Label::m("segundo nombre", "middle name"),
);
pub(crate) static LAST_NAME: Field = row(
    "name",
    "last",
    Rule::PersonName { required: true },
    Label::m("primer apellido", "last name"),
);
pub(crate) static SECOND_LAST_NAME: Field = row(
    "name",
    "secondLast",
    Rule::PersonName { required: false },
    Label::m("segundo apellido", "second last name"),
);
pub(crate) static NAME_SUFFIX: Field = row(
    "name",
    "suffix",
    Rule::Text {
        required: false,
        max: 20,
    },
    Label::m("tratamiento", "suffix"),
);
pub(crate) static PREFERRED_NAME: Field = row(
    "name",
    "preferred",
    Rule::PersonName { required: false },
    Label::m("nombre preferido", "preferred name"),
);

pub(crate) static EMAIL: Field = row(
    "",
    "email",
    Rule::Email,
    Label::m("correo electrónico", "email address"),
);
pub(crate) static PHONE: Field = row(
    "",
    "phoneNumber",
    Rule::Phone,
    Label::m("teléfono", "phone number"),
);
pub(crate) static BIRTH_DATE: Field = row(
    "",
    "dateOfBirth",
    Rule::BirthDate,
    Label::f("fecha de nacimiento", "date of birth"),
);

/// `addresses` (list of a person's addresses).
pub(crate) static ADDRESSES: Field = row(
    "",
    "addresses",
    Rule::List {
        required: true,
        max: MAX_ADDRESSES,
    },
    Label::f("dirección", "address"),
);
/// `employer.address` (object).
pub(crate) static EMPLOYER_ADDRESS: Field = row(
    "",
    "address",
    Rule::Object { required: false },
    Label::f("dirección de la empresa", "employer address"),
);

/// The rows of an address; a person's (`addresses[i]`, strict) and an employer's
/// (`address`, every part optional) differ only in what is required.
#[derive(Debug)]
pub(crate) struct AddressFields {
    pub(crate) kind: Field,
    pub(crate) recency: Field,
    pub(crate) line1: Field,
    pub(crate) line2: Field,
    pub(crate) city: Field,
    pub(crate) region: Field,
    pub(crate) country_code: Field,
    pub(crate) postal_code: Field,
}

const fn text(required: bool, max: usize) -> Rule {
    Rule::Text { required, max }
}

const fn address_fields(parent: &'static str, strict: bool) -> AddressFields {
    AddressFields {
        kind: row(
            parent,
            "type",
            text(false, 50),
            Label::m("tipo de dirección", "address type"),
        ),
        recency: row(
            parent,
            "recency",
            text(false, 50),
            Label::f("antigüedad de la dirección", "address recency"),
        ),
        line1: row(
            parent,
            "line1",
            text(strict, 200),
            Label::f("dirección", "address"),
        ),
        line2: row(
            parent,
            "line2",
            text(false, 200),
            Label::f("segunda línea de la dirección", "address line 2"),
        ),
        city: row(
            parent,
            "city",
            text(strict, 100),
            Label::f("localidad", "town or city"),
        ),
        region: row(
            parent,
            "region",
            text(false, 100),
            Label::f("provincia", "region"),
        ),
        country_code: row(
            parent,
            "countryCode",
            Rule::Country { required: strict },
            Label::m("país", "country"),
        ),
        postal_code: row(
            parent,
            "postalCode",
            Rule::Postcode { required: strict },
            Label::m("código postal", "postcode"),
        ),
    }
}

/// `addresses[i].*`.
pub(crate) static HOME: AddressFields = address_fields("addresses", true);
/// `employment[i].employer.address.*`.
pub(crate) static WORK: AddressFields = address_fields("address", false);

/// `governmentId` (list of identity documents).
pub(crate) static GOVERNMENT_IDS: Field = row(
    "",
    "governmentId",
    Rule::List {
        required: true,
        max: MAX_GOVERNMENT_IDS,
    },
    Label::m("documento de identidad", "identity document"),
);
pub(crate) static ID_TYPE: Field = row(
    "governmentId",
    "type",
    Rule::IdType,
    Label::m("tipo de documento", "document type"),
);
pub(crate) static ID_VALUE: Field = row(
    "governmentId",
    "value",
    Rule::IdValue,
    Label::m("número de documento", "document number"),
);
pub(crate) static ID_COUNTRY: Field = row(
    "governmentId",
    "countryCode",
    Rule::Country { required: true },
    Label::m("país de expedición", "issuing country"),
);
pub(crate) static ID_STATE: Field = row(
    "governmentId",
    "state",
    Rule::Text {
        required: false,
        max: 100,
    },
    Label::f("región de expedición", "issuing region"),
);
pub(crate) static ID_ISSUED: Field = row(
    "governmentId",
    "issuedDate",
    Rule::PastDate,
    Label::f("fecha de expedición", "issue date"),
);
pub(crate) static ID_EXPIRES: Field = row(
    "governmentId",
    "expirationDate",
    Rule::AnyDate,
    Label::f("fecha de caducidad", "expiry date"),
);

/// `employment` (list of jobs).
pub(crate) static EMPLOYMENTS: Field = row(
    "",
    "employment",
    Rule::List {
        required: false,
        max: MAX_EMPLOYMENTS,
    },
    Label::m("empleo", "employment"),
);
/// `employer` (object).
pub(crate) static EMPLOYER: Field = row(
    "",
    "employer",
    Rule::Object { required: true },
    Label::f("empresa", "employer"),
);
pub(crate) static EMPLOYER_NAME: Field = row(
    "employer",
    "name",
    Rule::Text {
        required: true,
        max: 200,
    },
    Label::m("nombre de la empresa", "employer name"),
);
pub(crate) static EMPLOYEE_TITLE: Field = row(
    "",
    "employeeTitle",
    Rule::Text {
        required: false,
        max: 100,
    },
    Label::m("puesto", "job title"),
);
pub(crate) static START_DATE: Field = row(
    "",
    "startDate",
    Rule::PastDate,
    Label::f("fecha de inicio", "start date"),
);
pub(crate) static END_DATE: Field = row(
    "",
    "endDate",
    Rule::AnyDate,
    Label::f("fecha de fin", "end date"),
);
pub(crate) static CURRENT_EMPLOYEE: Field = row(
    "",
    "currentEmployee",
    Rule::Boolean,
    Label::m("empleo actual", "current job"),
);
pub(crate) static CONTRACT_TYPE: Field = row(
    "",
    "contractType",
    Rule::ContractType,
    Label::m("tipo de contrato", "contract type"),
);

/// `income` (object).
pub(crate) static INCOME: Field = row(
    "",
    "income",
    Rule::Object { required: false },
    Label::m_pl("ingresos", "income"),
);
pub(crate) static INCOME_PERIOD: Field = row(
    "income",
    "period",
    Rule::Period,
    Label::f("periodicidad de los ingresos", "income period"),
);
pub(crate) static INCOME_AMOUNT: Field = row(
    "income",
    "amount",
    Rule::Amount { required: true },
    Label::m("importe de los ingresos", "income amount"),
);
pub(crate) static INCOME_CURRENCY: Field = row(
    "income",
    "currency",
    Rule::Currency,
    Label::f("moneda", "currency"),
);

/// `product` (object: the property applied for).
pub(crate) static PRODUCT: Field = row(
    "",
    "product",
    Rule::Object { required: false },
    Label::m("inmueble", "property"),
);
pub(crate) static PRODUCT_NAME: Field = row(
    "product",
    "productName",
    Rule::Text {
        required: false,
        max: 100,
    },
    Label::m("nombre del inmueble", "property name"),
);
pub(crate) static PRODUCT_TYPE: Field = row(
    "product",
    "productType",
    Rule::Text {
        required: false,
        max: 100,
    },
    Label::m("tipo de producto", "product type"),
);
pub(crate) static PRODUCT_ID: Field = row(
    "product",
    "productId",
    Rule::Text {
        required: false,
        max: 100,
    },
    Label::f("referencia del inmueble", "property reference"),
);
pub(crate) static REQUESTED_AMOUNT: Field = row(
    "product",
    "requestedAmount",
    Rule::Amount { required: false },
    Label::m("importe solicitado", "requested amount"),
);
pub(crate) static PRODUCT_STATUS: Field = row(
    "product",
    "status",
    Rule::Text {
        required: false,
        max: 50,
    },
    Label::m("estado del producto", "product status"),
);

pub(crate) static DEVICE_SESSION: Field = row(
    "",
    "deviceSessionId",
    Rule::DeviceSession,
    Label::m(
        "identificador de sesión del dispositivo",
        "device session ID",
    ),
);

/// `consent` (object; missing: `consent_required`).
pub(crate) static CONSENT: Field = row(
    "",
    "consent",
    Rule::Object { required: true },
    Label::m("consentimiento", "consent"),
);
pub(crate) static TERMS_ACCEPTED: Field = row(
    "",
    "termsAccepted",
    Rule::Consent,
    Label::f("aceptación de los términos", "acceptance of the terms"),
);
pub(crate) static CREDIT_CHECK_ACCEPTED: Field = row(
    "",
    "creditCheckAccepted",
    Rule::Consent,
    Label::f(
        "autorización de la consulta de solvencia",
        "credit check authorisation",
    ),
);

/// `answers` (step-up answers, list).
pub(crate) static ANSWERS: Field = row(
    "",
    "answers",
    Rule::List {
        required: true,
        max: 20,
    },
    Label::f_pl("respuestas", "answers"),
);
pub(crate) static QUESTION_ID: Field = row(
    "",
    "questionId",
    Rule::Text {
        required: true,
        max: 64,
    },
    Label::f("pregunta", "question"),
);
pub(crate) static CHOICE_ID: Field = row(
    "",
    "choiceId",
    Rule::Text {
        required: true,
        max: 64,
    },
    Label::f("respuesta", "answer"),
);

/// `kind` of an uploaded document.
pub(crate) static DOCUMENT_KIND: Field = row(
    "",
    "kind",
    Rule::DocumentKind,
    Label::m("tipo de documento", "document kind"),
);
/// `file` of an upload (checked by [`crate::document`]).
pub(crate) static FILE: Field = row("", "file", Rule::External, Label::m("archivo", "file"));
/// `publishableKey` of a session request (checked by the edge).
pub(crate) static PUBLISHABLE_KEY: Field = row(
    "",
    "publishableKey",
    Rule::External,
    Label::f("clave publicable", "publishable key"),
);

/// Every row, in request order: the tenant request (person fields relative to
/// `applicant` / `coApplicant`), then the step-up answers and the document upload.
pub static FIELDS: [&Field; 65] = [
    &APPLICANT,
    &CO_APPLICANT,
    &NAME,
    &FIRST_NAME,
    &MIDDLE_NAME,
    &LAST_NAME,
    &SECOND_LAST_NAME,
    &NAME_SUFFIX,
    &PREFERRED_NAME,
    &EMAIL,
    &PHONE,
    &BIRTH_DATE,
    &ADDRESSES,
    &HOME.kind,
    &HOME.recency,
    &HOME.line1,
    &HOME.line2,
    &HOME.city,
    &HOME.region,
    &HOME.country_code,
    &HOME.postal_code,
    &GOVERNMENT_IDS,
    &ID_TYPE,
    &ID_VALUE,
    &ID_COUNTRY,
    &ID_STATE,
    &ID_ISSUED,
    &ID_EXPIRES,
    &EMPLOYMENTS,
    &EMPLOYER,
    &EMPLOYER_NAME,
    &EMPLOYER_ADDRESS,
    &WORK.kind,
    &WORK.recency,
    &WORK.line1,
    &WORK.line2,
    &WORK.city,
    &WORK.region,
    &WORK.country_code,
    &WORK.postal_code,
    &EMPLOYEE_TITLE,
    &START_DATE,
    &END_DATE,
    &CURRENT_EMPLOYEE,
    &CONTRACT_TYPE,
    &INCOME,
    &INCOME_PERIOD,
    &INCOME_AMOUNT,
    &INCOME_CURRENCY,
    &PRODUCT,
    &PRODUCT_NAME,
    &PRODUCT_TYPE,
    &PRODUCT_ID,
    &REQUESTED_AMOUNT,
    &PRODUCT_STATUS,
    &DEVICE_SESSION,
    &CONSENT,
    &TERMS_ACCEPTED,
    &CREDIT_CHECK_ACCEPTED,
    &ANSWERS,
    &QUESTION_ID,
    &CHOICE_ID,
    &DOCUMENT_KIND,
    &FILE,
    &PUBLISHABLE_KEY,
];

/// Every row of the field table (the same as [`FIELDS`]).
pub fn fields() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().copied()
}

/// The row for a path (`applicant.addresses[0].postalCode`, `coApplicant.email`,
/// `addresses[].line1`, `kind`): the row whose parent and name are the path's last two
/// segments, else the row for that name under any parent.
pub fn field(path: &str) -> Option<&'static Field> {
    let (parent, name) = crate::i18n::segments(path);
    let mut any = None;
    for f in FIELDS {
        if f.matches(parent, name) {
            if !f.parent.is_empty() {
                return Some(f);
            }
            any = any.or(Some(f));
        }
    }
    any
}

/// The constraints the edge enforces on the field at `path` (see [`FieldSchema`] for
/// what they describe and [`field`] for how a path finds its row); `None` for a path
/// the table does not know.
///
/// ```
/// use onboarding_core::validate::fields::field_schema;
///
/// let period = field_schema("applicant.income.period").unwrap();
/// assert!(period.required && period.case_insensitive);
/// assert_eq!(period.choices, ["WEEKLY", "BIWEEKLY", "MONTHLY", "ANNUAL"]);
/// let line1 = field_schema("coApplicant.addresses[0].line1").unwrap();
/// assert_eq!((line1.required, line1.max_length), (true, Some(200)));
/// assert_eq!(field_schema("applicant.nickname"), None);
/// ```
pub fn field_schema(path: &str) -> Option<FieldSchema> {
    field(path).map(Field::schema)
}

#[cfg(test)]
mod tests;

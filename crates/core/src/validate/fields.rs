//! The field table: one row per field of the tenant request, the step-up answers and
//! the document upload, holding everything core knows about that field — how its path
//! is recognised, its rule with its limits, its normalisation (a property of the rule)
//! and its es/en label.
//!
//! Every reader uses the rows: per-field validation ([`super::validate_field_with`],
//! [`super::normalize_field`]) finds a row by path with [`field`]; the walk over a whole
//! request ([`super::normalize_and_validate_tenant_request`] and its halves) and
//! [`super::validate_answers`] name the row statics below and take the path segment, the
//! rule, the normalisation and the limits from them; [`crate::i18n`] takes each row's
//! [`Label`]; and a schema generator reads [`FIELDS`] / [`field_schema`].
//!
//! The table depends only on leaves (the rules' helpers, the ISO lists, the consent
//! versions): validation and the messages depend on it, never the reverse.
//!
//! A row matches a path by its last two segments, indices dropped: `parent` and
//! `name` (`applicant.addresses[0].postalCode` → `addresses`, `postalCode`). A row
//! with an empty `parent` matches under any parent; a row with the exact parent wins
//! over it (`employer.name` is the employer's name, any other `name` the person's).

use super::iso::{COUNTRIES, CURRENCIES};
use super::rules::EMAIL_MAX;

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

/// A field's human name in every language, one per row of the field table ([`FIELDS`];
/// [`crate::i18n`] renders it). Spanish and Catalan nouns agree in gender
/// and number (the labels are chosen so), so one pair of flags serves both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Spanish noun phrase without article (lower case, starting with an ASCII letter).
    pub es: &'static str,
    /// English noun phrase, lower case (proper nouns excepted, ASCII first letter).
    #[cfg(any(test, feature = "all-locales"))]
    pub en: &'static str,
    /// Catalan noun phrase without article.
    #[cfg(any(test, feature = "all-locales"))]
    pub ca: &'static str,
    /// The noun is feminine (`la fecha`, not `el fecha`).
    pub fem: bool,
    /// The noun is plural (`los ingresos`, `las respuestas`).
    pub plural: bool,
}

impl Label {
    #[allow(unused_variables)]
    const fn new(
        es: &'static str,
        en: &'static str,
        ca: &'static str,
        fem: bool,
        plural: bool,
    ) -> Label {
        Label {
            es,
            #[cfg(any(test, feature = "all-locales"))]
            en,
            #[cfg(any(test, feature = "all-locales"))]
            ca,
            fem,
            plural,
        }
    }

    /// A masculine singular noun.
    pub const fn m(es: &'static str, en: &'static str, ca: &'static str) -> Label {
        Label::new(es, en, ca, false, false)
    }

    /// A feminine singular noun.
    pub const fn f(es: &'static str, en: &'static str, ca: &'static str) -> Label {
        Label::new(es, en, ca, true, false)
    }

    /// A masculine plural noun.
    pub const fn m_pl(es: &'static str, en: &'static str, ca: &'static str) -> Label {
        Label::new(es, en, ca, false, true)
    }

    /// A feminine plural noun.
    pub const fn f_pl(es: &'static str, en: &'static str, ca: &'static str) -> Label {
        Label::new(es, en, ca, true, true)
    }
}

/// The (parent, name) segments of a path, indices dropped:
/// `applicant.addresses[0].postalCode` → (`addresses`, `postalCode`).
pub(crate) fn segments(path: &str) -> (&str, &str) {
    let mut segs = path.rsplit('.').map(|s| s.split('[').next().unwrap_or(s));
    let last = segs.next().unwrap_or("");
    let parent = segs.next().unwrap_or("");
    (parent, last)
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
        let mut out = value.to_owned();
        self.apply_in_place(&mut out);
        out
    }

    /// Normalises one value in place, the same as [`Normalization::apply`]. A value
    /// that is already normalised is left as it is, without allocating.
    pub fn apply_in_place(self, value: &mut String) {
        use super::rules::{
            collapse_whitespace_in_place, normalize_email_in_place,
            normalize_government_id_in_place, normalize_phone_in_place, trim_in_place,
        };
        match self {
            Normalization::Trim => trim_in_place(value),
            Normalization::CollapseSpaces => collapse_whitespace_in_place(value),
            Normalization::Email => normalize_email_in_place(value),
            Normalization::Phone => normalize_phone_in_place(value),
            Normalization::DocumentNumber => normalize_government_id_in_place(value),
            Normalization::Upper => {
                trim_in_place(value);
                value.make_ascii_uppercase();
            }
            Normalization::CollapseUpper => {
                collapse_whitespace_in_place(value);
                value.make_ascii_uppercase();
            }
            Normalization::Lower => {
                trim_in_place(value);
                value.make_ascii_lowercase();
            }
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
/// 1–64 visible ASCII characters (`!`–`~`).
const REFERENCE_PATTERN: &str = concat!("^", ws!(), "*[!-~]{1,64}", ws!(), "*$");
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

// ---------------------------------------------------------------------------------------
// Rules and their limits

/// Accepted income periods.
pub const INCOME_PERIODS: [&str; 4] = ["WEEKLY", "BIWEEKLY", "MONTHLY", "ANNUAL"];
/// Accepted contract types. `CONTRACT_TYPE_UNSPECIFIED` is the upstream seed's "not
/// stated" value and is accepted as such.
pub const CONTRACT_TYPES: [&str; 4] = [
    "PERMANENT",
    "TEMPORARY",
    "SELF_EMPLOYED",
    "CONTRACT_TYPE_UNSPECIFIED",
];
/// Most addresses per applicant.
pub const MAX_ADDRESSES: usize = 5;
/// Most identity documents per applicant.
pub const MAX_GOVERNMENT_IDS: usize = 5;
/// Most jobs per applicant.
pub const MAX_EMPLOYMENTS: usize = 10;

/// Longest name part.
pub(crate) const NAME_MAX: usize = 100;

/// The rule a field follows, with its limits: one per row of the table below, read by
/// per-field and whole-request validation (which holds the checks) and the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    PersonName {
        required: bool,
    },
    Text {
        required: bool,
        max: usize,
    },
    Email,
    Phone,
    BirthDate,
    /// A date that must not be after today.
    PastDate,
    AnyDate,
    Country {
        required: bool,
    },
    Postcode {
        required: bool,
    },
    IdType,
    IdValue,
    Amount {
        required: bool,
    },
    Currency,
    Period,
    ContractType,
    Boolean,
    DeviceSession,
    /// The agency's own reference: 1–64 visible ASCII characters (`!`–`~`).
    Reference,
    DocumentKind,
    /// The consent texts' version: one of `consent::KNOWN`.
    ConsentVersion,
    /// A nested object (`applicant`, `income`, …): no value of its own.
    Object {
        required: bool,
    },
    /// A list with at most `max` items (at least one when required).
    List {
        required: bool,
        max: usize,
    },
    /// A consent flag: must be `true`.
    Consent,
    /// Checked outside the field rules (an upload's file, a publishable key).
    External,
}

impl Rule {
    /// Whether an empty value is an error (`required`).
    pub(crate) fn required(self) -> bool {
        match self {
            Rule::PersonName { required }
            | Rule::Text { required, .. }
            | Rule::Country { required }
            | Rule::Postcode { required }
            | Rule::Amount { required }
            | Rule::Object { required }
            | Rule::List { required, .. } => required,
            Rule::Email
            | Rule::Phone
            | Rule::BirthDate
            | Rule::IdType
            | Rule::IdValue
            | Rule::Currency
            | Rule::Period
            | Rule::DeviceSession
            | Rule::DocumentKind
            | Rule::ConsentVersion
            | Rule::Consent => true,
            Rule::Reference
            | Rule::PastDate
            | Rule::AnyDate
            | Rule::ContractType
            | Rule::Boolean
            | Rule::External => false,
        }
    }

    /// Whether the rule checks one string value (not an object, list, flag or upload).
    pub(crate) fn is_value(self) -> bool {
        !matches!(
            self,
            Rule::Object { .. } | Rule::List { .. } | Rule::Consent | Rule::External
        )
    }

    /// How values under this rule are normalised.
    pub(crate) fn normalization(self) -> Normalization {
        match self {
            Rule::PersonName { .. } => Normalization::CollapseSpaces,
            Rule::Email => Normalization::Email,
            Rule::Phone => Normalization::Phone,
            Rule::IdValue => Normalization::DocumentNumber,
            Rule::Country { .. }
            | Rule::Currency
            | Rule::Period
            | Rule::ContractType
            | Rule::IdType => Normalization::Upper,
            Rule::Postcode { .. } => Normalization::CollapseUpper,
            Rule::Boolean | Rule::DocumentKind => Normalization::Lower,
            _ => Normalization::Trim,
        }
    }
}

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
            Rule::ConsentVersion => one_of(crate::consent::version::KNOWN),
            Rule::DeviceSession => FieldSchema {
                max_length: Some(32),
                pattern: Some(DEVICE_SESSION_PATTERN),
                ..s
            },
            Rule::Reference => FieldSchema {
                pattern: Some(REFERENCE_PATTERN),
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
//
// One line per row: `STATIC = (parent, name, rule, label)`. An empty parent matches
// under any parent. Rows of a person are relative to `applicant` / `coApplicant`.

/// Declares `pub(crate) static` rows.
macro_rules! rows {
    ($($(#[$doc:meta])* $id:ident = ($parent:literal, $name:literal, $rule:expr, $label:expr);)*) => {
        $($(#[$doc])* pub(crate) static $id: Field = row($parent, $name, $rule, $label);)*
    };
}

const fn text(required: bool, max: usize) -> Rule {
    Rule::Text { required, max }
}

const fn person_name(required: bool) -> Rule {
    Rule::PersonName { required }
}

const fn object(required: bool) -> Rule {
    Rule::Object { required }
}

const fn list(required: bool, max: usize) -> Rule {
    Rule::List { required, max }
}

use Label as L;

#[rustfmt::skip]
rows! {
    APPLICANT        = ("",             "applicant",      object(true),  L::m("solicitante", "applicant", "sol·licitant"));
    CO_APPLICANT     = ("",             "coApplicant",    object(false), L::m("cotitular", "co-applicant", "cotitular"));

    NAME             = ("",             "name",           object(true),       L::m("nombre", "name", "nom"));
    FIRST_NAME       = ("name",         "first",          person_name(true),  L::m("nombre", "first name", "nom"));
    MIDDLE_NAME      = ("name",         "middle",         person_name(false), L::m("segundo nombre", "middle name", "segon nom"));
    LAST_NAME        = ("name",         "last",           person_name(true),  L::m("primer apellido", "last name", "primer cognom"));
    SECOND_LAST_NAME = ("name",         "secondLast",     person_name(false), L::m("segundo apellido", "second last name", "segon cognom"));
    NAME_SUFFIX      = ("name",         "suffix",         text(false, 20),    L::m("tratamiento", "suffix", "tractament"));
    PREFERRED_NAME   = ("name",         "preferred",      person_name(false), L::m("nombre preferido", "preferred name", "nom preferit"));
    EMAIL            = ("",             "email",          Rule::Email,        L::m("correo electrónico", "email address", "correu electrònic"));
    PHONE            = ("",             "phoneNumber",    Rule::Phone,        L::m("teléfono", "phone number", "telèfon"));
    BIRTH_DATE       = ("",             "dateOfBirth",    Rule::BirthDate,    L::f("fecha de nacimiento", "date of birth", "data de naixement"));

    ADDRESSES        = ("",             "addresses",      list(true, MAX_ADDRESSES), L::f("dirección", "address", "adreça"));
    // The parts of an address: `HOME` and `WORK` below.
    EMPLOYER_ADDRESS = ("",             "address",        object(false),      L::f("dirección de la empresa", "employer address", "adreça de l'empresa"));

    GOVERNMENT_IDS   = ("",             "governmentId",   list(true, MAX_GOVERNMENT_IDS), L::m("documento de identidad", "identity document", "document d'identitat"));
    ID_TYPE          = ("governmentId", "type",           Rule::IdType,       L::m("tipo de documento", "document type", "tipus de document"));
    ID_VALUE         = ("governmentId", "value",          Rule::IdValue,      L::m("número de documento", "document number", "número de document"));
    ID_COUNTRY       = ("governmentId", "countryCode",    Rule::Country { required: true }, L::m("país de expedición", "issuing country", "país d'expedició"));
    ID_STATE         = ("governmentId", "state",          text(false, 100),   L::f("región de expedición", "issuing region", "regió d'expedició"));
    ID_ISSUED        = ("governmentId", "issuedDate",     Rule::PastDate,     L::f("fecha de expedición", "issue date", "data d'expedició"));
    ID_EXPIRES       = ("governmentId", "expirationDate", Rule::AnyDate,      L::f("fecha de caducidad", "expiry date", "data de caducitat"));

    EMPLOYMENTS      = ("",             "employment",     list(false, MAX_EMPLOYMENTS), L::m("empleo", "employment", "treball"));
    EMPLOYER         = ("",             "employer",       object(true),       L::f("empresa", "employer", "empresa"));
    EMPLOYER_NAME    = ("employer",     "name",           text(true, 200),    L::m("nombre de la empresa", "employer name", "nom de l'empresa"));
    EMPLOYEE_TITLE   = ("",             "employeeTitle",  text(false, 100),   L::m("puesto", "job title", "lloc de treball"));
    START_DATE       = ("",             "startDate",      Rule::PastDate,     L::f("fecha de inicio", "start date", "data d'inici"));
    END_DATE         = ("",             "endDate",        Rule::AnyDate,      L::f("fecha de fin", "end date", "data de finalització"));
    CURRENT_EMPLOYEE = ("",             "currentEmployee", Rule::Boolean,     L::m("empleo actual", "current job", "treball actual"));
    CONTRACT_TYPE    = ("",             "contractType",   Rule::ContractType, L::m("tipo de contrato", "contract type", "tipus de contracte"));

    INCOME           = ("",             "income",         object(false),      L::m_pl("ingresos", "income", "ingressos"));
    INCOME_PERIOD    = ("income",       "period",         Rule::Period,       L::f("periodicidad de los ingresos", "income period", "periodicitat dels ingressos"));
    INCOME_AMOUNT    = ("income",       "amount",         Rule::Amount { required: true }, L::m("importe de los ingresos", "income amount", "import dels ingressos"));
    INCOME_CURRENCY  = ("income",       "currency",       Rule::Currency,     L::f("moneda", "currency", "moneda"));

    /// The property applied for.
    PRODUCT          = ("",             "product",        object(false),      L::m("inmueble", "property", "immoble"));
    PRODUCT_NAME     = ("product",      "productName",    text(false, 100),   L::m("nombre del inmueble", "property name", "nom de l'immoble"));
    PRODUCT_TYPE     = ("product",      "productType",    text(false, 100),   L::m("tipo de producto", "product type", "tipus de producte"));
    PRODUCT_ID       = ("product",      "productId",      text(false, 100),   L::f("referencia del inmueble", "property reference", "referència de l'immoble"));
    REQUESTED_AMOUNT = ("product",      "requestedAmount", Rule::Amount { required: false }, L::m("importe solicitado", "requested amount", "import sol·licitat"));
    PRODUCT_STATUS   = ("product",      "status",         text(false, 50),    L::m("estado del producto", "product status", "estat del producte"));

    DEVICE_SESSION   = ("",             "deviceSessionId", Rule::DeviceSession, L::m("identificador de sesión del dispositivo", "device session ID", "identificador de sessió del dispositiu"));
    EXTERNAL_REFERENCE = ("",           "externalReference", Rule::Reference, L::f("referencia de la agencia", "agency reference", "referència de l'agència"));

    /// Missing: `consent_required` on `consent` (not `required`).
    CONSENT          = ("",             "consent",        object(true),       L::m("consentimiento", "consent", "consentiment"));
    TERMS_ACCEPTED   = ("",             "termsAccepted",  Rule::Consent,      L::f("aceptación de los términos", "acceptance of the terms", "acceptació dels termes"));
    CREDIT_CHECK_ACCEPTED = ("",        "creditCheckAccepted", Rule::Consent, L::f("autorización de la consulta de solvencia", "credit check authorisation", "autorització de la consulta de solvència"));
    /// The consent texts' version: one the edge knows (`consent::KNOWN`).
    CONSENT_VERSION  = ("",             "version",        Rule::ConsentVersion,     L::f("versión de los textos de consentimiento", "consent texts version", "versió dels textos de consentiment"));

    /// Step-up answers (`POST …/identity/answers`).
    ANSWERS          = ("",             "answers",        list(true, 20),     L::f_pl("respuestas", "answers", "respostes"));
    QUESTION_ID      = ("",             "questionId",     text(true, 64),     L::f("pregunta", "question", "pregunta"));
    CHOICE_ID        = ("",             "choiceId",       text(true, 64),     L::f("respuesta", "answer", "resposta"));

    /// Document upload: `kind` is checked here, `file` by [`crate::document`].
    DOCUMENT_KIND    = ("",             "kind",           Rule::DocumentKind, L::m("tipo de documento", "document kind", "tipus de document"));
    FILE             = ("",             "file",           Rule::External,     L::m("archivo", "file", "fitxer"));
    /// A session request's key, checked by the edge.
    PUBLISHABLE_KEY  = ("",             "publishableKey", Rule::External,     L::f("clave publicable", "publishable key", "clau publicable"));
}

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

#[rustfmt::skip]
const fn address_fields(parent: &'static str, strict: bool) -> AddressFields {
    AddressFields {
        kind:         row(parent, "type",        text(false, 50),   L::m("tipo de dirección", "address type", "tipus d'adreça")),
        recency:      row(parent, "recency",     text(false, 50),   L::f("antigüedad de la dirección", "address recency", "antiguitat de l'adreça")),
        line1:        row(parent, "line1",       text(strict, 200), L::f("dirección", "address", "adreça")),
        line2:        row(parent, "line2",       text(false, 200),  L::f("segunda línea de la dirección", "address line 2", "segona línia de l'adreça")),
        city:         row(parent, "city",        text(strict, 100), L::f("localidad", "town or city", "localitat")),
        region:       row(parent, "region",      text(false, 100),  L::f("provincia", "region", "província")),
        country_code: row(parent, "countryCode", Rule::Country { required: strict }, L::m("país", "country", "país")),
        postal_code:  row(parent, "postalCode",  Rule::Postcode { required: strict }, L::m("código postal", "postcode", "codi postal")),
    }
}

/// `addresses[i].*`.
pub(crate) static HOME: AddressFields = address_fields("addresses", true);
/// `employment[i].employer.address.*`.
pub(crate) static WORK: AddressFields = address_fields("address", false);

/// Every row, in request order: the tenant request (person fields relative to
/// `applicant` / `coApplicant`), then the step-up answers and the document upload.
pub static FIELDS: [&Field; 67] = [
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
    &EXTERNAL_REFERENCE,
    &CONSENT,
    &TERMS_ACCEPTED,
    &CREDIT_CHECK_ACCEPTED,
    &CONSENT_VERSION,
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
    let (parent, name) = segments(path);
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

// Native only: they check the schema's patterns with `regex`, a native dev-dependency
// (wasm-pack builds the lib's tests too, for `make bench`'s wasm figure).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

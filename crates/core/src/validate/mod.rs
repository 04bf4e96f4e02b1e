//! Normalisation and validation of onboarding data.
//!
//! Validation never stops at the first problem: [`validate_tenant_request`] returns every
//! [`ValidationError`] at once, each with a dotted path rooted at the request body
//! (`applicant.governmentId[0].value`), a stable [`Code`] and parameters for the message
//! ([`crate::i18n::message`] renders them). Run [`normalize_tenant_request`] first: the
//! rules expect trimmed values, upper-case codes and E.164 phones.
//!
//! The widget uses [`validate_field`] / [`validate_field_with`] for instant feedback on
//! one input; they normalise the single value the same way and apply the same rule.
//!
//! Both read [`mod@fields`], the field table: one row per field with its path segments,
//! rule, limits, normalisation and label; [`field_schema`] turns a row into the
//! constraints an API schema publishes. The ISO code lists are in [`COUNTRIES`] and
//! [`CURRENCIES`].

mod date;
pub mod fields;
mod iso;
mod rules;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

pub use date::{Date, DateError, days_in_month, is_leap_year};
pub use fields::{Field, FieldSchema, Normalization, field_schema};
pub use iso::{COUNTRIES, CURRENCIES, is_country, is_currency};
pub use rules::{
    AMOUNT_MAX, DNI_LETTERS, EMAIL_MAX, collapse_whitespace, dni_letter, infer_government_id_type,
    is_invisible_junk, normalize_email, normalize_government_id, normalize_phone,
    parse_amount_cents, validate_amount, validate_country, validate_currency,
    validate_device_session_id, validate_dni, validate_email, validate_government_id, validate_nie,
    validate_passport, validate_person_name, validate_phone, validate_postcode,
};

use crate::document::DocumentKind;
use crate::model::identity::AnswersRequest;
use crate::model::{Address, Applicant, Employment, GovernmentId, GovernmentIdType, TenantRequest};

/// Stable error codes (serialized snake_case; part of the public API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A required value is missing or empty.
    Required,
    /// Longer than allowed (`max` characters, or `max` items when `unit` = `items`).
    TooLong,
    /// Wrong shape (`format`: `dni`, `nie`, `passport`, `amount`, `alphanumeric`, …).
    InvalidFormat,
    /// DNI/NIE control letter wrong (`type`: `DNI` or `NIE`).
    InvalidChecksum,
    /// Not an email address.
    InvalidEmail,
    /// Not an acceptable phone number.
    InvalidPhone,
    /// Not a postcode for the country (`country`).
    InvalidPostcode,
    /// Not an ISO 3166-1 alpha-2 code.
    InvalidCountry,
    /// Not an ISO 4217 code.
    InvalidCurrency,
    /// Not a `YYYY-MM-DD` calendar date.
    InvalidDate,
    /// Younger than `min_age` (18).
    Underage,
    /// Older than `max_age` (120).
    TooOld,
    /// Outside the allowed range (`min_exclusive`/`max` for amounts,
    /// `not_after`/`not_before` for dates).
    OutOfRange,
    /// Not one of the `allowed` values.
    InvalidChoice,
    /// Control, invisible or otherwise disallowed characters.
    InvalidCharacters,
    /// Consent not given.
    ConsentRequired,
    /// An empty file.
    FileEmpty,
    /// A file over `max` bytes.
    FileTooLarge,
    /// Not a PDF, JPEG or PNG.
    UnsupportedMediaType,
}

impl Code {
    /// Every code.
    pub const ALL: [Code; 19] = [
        Code::Required,
        Code::TooLong,
        Code::InvalidFormat,
        Code::InvalidChecksum,
        Code::InvalidEmail,
        Code::InvalidPhone,
        Code::InvalidPostcode,
        Code::InvalidCountry,
        Code::InvalidCurrency,
        Code::InvalidDate,
        Code::Underage,
        Code::TooOld,
        Code::OutOfRange,
        Code::InvalidChoice,
        Code::InvalidCharacters,
        Code::ConsentRequired,
        Code::FileEmpty,
        Code::FileTooLarge,
        Code::UnsupportedMediaType,
    ];

    /// The wire name (`invalid_checksum`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooLong => "too_long",
            Code::InvalidFormat => "invalid_format",
            Code::InvalidChecksum => "invalid_checksum",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidPhone => "invalid_phone",
            Code::InvalidPostcode => "invalid_postcode",
            Code::InvalidCountry => "invalid_country",
            Code::InvalidCurrency => "invalid_currency",
            Code::InvalidDate => "invalid_date",
            Code::Underage => "underage",
            Code::TooOld => "too_old",
            Code::OutOfRange => "out_of_range",
            Code::InvalidChoice => "invalid_choice",
            Code::InvalidCharacters => "invalid_characters",
            Code::ConsentRequired => "consent_required",
            Code::FileEmpty => "file_empty",
            Code::FileTooLarge => "file_too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = crate::model::UnknownValue;

    fn from_str(s: &str) -> Result<Code, crate::model::UnknownValue> {
        Code::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or(crate::model::UnknownValue)
    }
}

/// One broken rule: which field, which rule, and the values a message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {code}")]
pub struct ValidationError {
    /// Dotted path rooted at the request body, with `[i]` indices.
    pub field: String,
    /// The rule.
    pub code: Code,
    /// Message parameters (`max`, `allowed`, `type`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
}

impl ValidationError {
    /// An error without parameters.
    pub fn new(field: impl Into<String>, code: Code) -> Self {
        ValidationError {
            field: field.into(),
            code,
            params: BTreeMap::new(),
        }
    }

    /// Adds a parameter.
    pub fn with_param(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }

    /// A parameter's value.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }
}

/// A rule's verdict before it has a field path.
#[derive(Debug)]
struct Issue {
    code: Code,
    params: Vec<(&'static str, String)>,
}

impl Issue {
    fn with(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.params.push((key, value.into()));
        self
    }
}

impl From<Code> for Issue {
    fn from(code: Code) -> Issue {
        Issue {
            code,
            params: Vec::new(),
        }
    }
}

/// Minimum age of an applicant.
pub const MIN_AGE: i32 = 18;
/// Maximum plausible age.
pub const MAX_AGE: i32 = 120;
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

/// The rule a field follows, with its limits: one per row of the field table
/// ([`mod@fields`]), read by per-field and whole-request validation and the schema.
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

/// Longest name part.
const NAME_MAX: usize = 100;

/// Context a rule may need beyond the value.
struct Ctx<'a> {
    today: Date,
    /// The country of a postcode's address: an ISO code (`None`: Spain). Callers pass
    /// only codes that [`is_country`] knows.
    country: Option<&'a str>,
    id_type: Option<&'a str>,
}

fn choices(allowed: &[&str]) -> String {
    allowed.join(", ")
}

fn check_text(value: &str, max: usize) -> Result<(), Issue> {
    // No more characters than bytes: count them only when the bytes are over.
    if value.len() > max && value.chars().count() > max {
        return Err(Issue::from(Code::TooLong).with("max", max.to_string()));
    }
    if value.chars().any(is_invisible_junk) {
        return Err(Code::InvalidCharacters.into());
    }
    Ok(())
}

fn check_date(value: &str) -> Result<Date, Issue> {
    Date::parse(value).map_err(|_| Code::InvalidDate.into())
}

impl Rule {
    fn required(self) -> bool {
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
    fn is_value(self) -> bool {
        !matches!(
            self,
            Rule::Object { .. } | Rule::List { .. } | Rule::Consent | Rule::External
        )
    }

    /// Checks a normalised, non-empty value.
    fn check(self, value: &str, ctx: &Ctx<'_>) -> Result<(), Issue> {
        match self {
            Rule::PersonName { .. } => {
                check_text(value, NAME_MAX)?;
                validate_person_name(value).map_err(Issue::from)
            }
            Rule::Text { max, .. } => check_text(value, max),
            Rule::Email => validate_email(value).map_err(|c| {
                let issue = Issue::from(c);
                if c == Code::TooLong {
                    issue.with("max", EMAIL_MAX.to_string())
                } else {
                    issue
                }
            }),
            Rule::Phone => validate_phone(value).map_err(Issue::from),
            Rule::BirthDate => {
                let dob = check_date(value)?;
                if dob > ctx.today {
                    return Err(
                        Issue::from(Code::OutOfRange).with("not_after", ctx.today.to_string())
                    );
                }
                let age = dob.years_until(ctx.today);
                if age < MIN_AGE {
                    Err(Issue::from(Code::Underage).with("min_age", MIN_AGE.to_string()))
                } else if age > MAX_AGE {
                    Err(Issue::from(Code::TooOld).with("max_age", MAX_AGE.to_string()))
                } else {
                    Ok(())
                }
            }
            Rule::PastDate => {
                if check_date(value)? > ctx.today {
                    Err(Issue::from(Code::OutOfRange).with("not_after", ctx.today.to_string()))
                } else {
                    Ok(())
                }
            }
            Rule::AnyDate => check_date(value).map(|_| ()),
            Rule::Country { .. } => validate_country(value).map_err(Issue::from),
            Rule::Postcode { .. } => {
                let country = ctx.country.unwrap_or("ES");
                validate_postcode(country, value)
                    .map_err(|c| Issue::from(c).with("country", country))
            }
            Rule::IdType => {
                if value.parse::<GovernmentIdType>().is_ok() {
                    Ok(())
                } else {
                    Err(Issue::from(Code::InvalidChoice)
                        .with("allowed", choices(&fields::ID_TYPES)))
                }
            }
            Rule::IdValue => {
                check_text(value, 20)?;
                let kind = match ctx.id_type {
                    Some(t) => match t.parse::<GovernmentIdType>() {
                        Ok(kind) => kind,
                        // The type itself is reported on its own field.
                        Err(_) => return Ok(()),
                    },
                    None => infer_government_id_type(value),
                };
                validate_government_id(kind, value).map_err(|c| {
                    let issue = Issue::from(c).with("type", kind.as_str());
                    if c == Code::InvalidFormat {
                        issue.with("format", kind.as_str().to_ascii_lowercase())
                    } else {
                        issue
                    }
                })
            }
            Rule::Amount { .. } => validate_amount(value).map_err(|c| {
                if c == Code::InvalidFormat {
                    Issue::from(c).with("format", "amount")
                } else {
                    Issue::from(c)
                        .with("min_exclusive", "0")
                        .with("max", AMOUNT_MAX.to_string())
                }
            }),
            Rule::Currency => validate_currency(value).map_err(Issue::from),
            Rule::Period => one_of(value, &INCOME_PERIODS),
            Rule::ContractType => one_of(value, &CONTRACT_TYPES),
            Rule::Boolean => one_of(value, &fields::BOOLEANS),
            Rule::DeviceSession => validate_device_session_id(value).map_err(|c| match c {
                Code::TooLong => Issue::from(c).with("max", "32"),
                _ => Issue::from(c).with("format", "alphanumeric"),
            }),
            Rule::Reference => rules::validate_reference(value).map_err(|c| match c {
                Code::TooLong => Issue::from(c).with("max", rules::REFERENCE_MAX.to_string()),
                _ => Issue::from(c),
            }),
            Rule::ConsentVersion => one_of(value, crate::consent::KNOWN),
            Rule::DocumentKind => match value.parse::<DocumentKind>() {
                Ok(_) => Ok(()),
                Err(_) => Err(Issue::from(Code::InvalidChoice)
                    .with("allowed", choices(&fields::DOCUMENT_KINDS))),
            },
            // Not single values: the whole-request walks check these.
            Rule::Object { .. } | Rule::List { .. } | Rule::Consent | Rule::External => Ok(()),
        }
    }

    /// How values under this rule are normalised.
    fn normalization(self) -> Normalization {
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

fn one_of(value: &str, allowed: &[&str]) -> Result<(), Issue> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(Issue::from(Code::InvalidChoice).with("allowed", choices(allowed)))
    }
}

/// Extra context for [`validate_field_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldContext<'a> {
    /// Country of the address a `postalCode` belongs to (default `ES`).
    pub country_code: Option<&'a str>,
    /// Type of the document a `governmentId[i].value` belongs to (default: inferred
    /// from the number's shape).
    pub id_type: Option<&'a str>,
}

/// Normalises one value the way [`normalize_tenant_request`] would for that field path
/// (unknown paths: trimmed).
pub fn normalize_field(path: &str, value: &str) -> String {
    fields::field(path)
        .map_or(Normalization::Trim, Field::normalization)
        .apply(value)
}

/// Validates one value for instant feedback, after normalising it as the whole-request
/// validation would. `path` is the field's full path (`applicant.addresses[0].postalCode`)
/// and is echoed in the error. Unknown paths are not validated (`None`), nor are paths
/// of objects, lists and consent flags (the whole-request walk checks those).
///
/// Postcodes are checked as Spanish and document numbers by their shape; use
/// [`validate_field_with`] to pass the country or the document type.
pub fn validate_field(path: &str, value: &str, today: Date) -> Option<ValidationError> {
    validate_field_with(path, value, today, FieldContext::default())
}

/// [`validate_field`] with the context some fields depend on.
pub fn validate_field_with(
    path: &str,
    value: &str,
    today: Date,
    context: FieldContext<'_>,
) -> Option<ValidationError> {
    let field = fields::field(path).filter(|f| f.is_value())?;
    let value = field.normalization().apply(value);
    let country = context.country_code.map(|c| Normalization::Upper.apply(c));
    let id_type = context.id_type.map(|t| Normalization::Upper.apply(t));
    let ctx = Ctx {
        today,
        country: country.as_deref().filter(|c| is_country(c)),
        id_type: id_type.as_deref(),
    };
    let issue = check_value(field.rule, &value, &ctx).err()?;
    Some(to_error(path.to_owned(), issue))
}

/// A normalised value against a rule: `required` when empty and required, else the
/// rule's verdict (empty optional values pass).
fn check_value(rule: Rule, value: &str, ctx: &Ctx<'_>) -> Result<(), Issue> {
    if value.is_empty() {
        if rule.required() {
            Err(Code::Required.into())
        } else {
            Ok(())
        }
    } else {
        rule.check(value, ctx)
    }
}

fn to_error(field: String, issue: Issue) -> ValidationError {
    ValidationError {
        field,
        code: issue.code,
        params: issue
            .params
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------
// Normalisation

fn norm_req(f: &Field, s: &mut String) {
    f.normalization().apply_in_place(s);
}

fn norm_opt(f: &Field, s: &mut Option<String>) {
    if let Some(v) = s {
        norm_req(f, v);
        if v.is_empty() {
            *s = None;
        }
    }
}

/// Normalises a request in place, as a user would expect before validation: trims every
/// string (and drops optional ones left empty), collapses spaces in names, upper-cases
/// codes (countries, currency, period, contract and document types, postcodes) and
/// document numbers (removing spaces, dashes and dots), lower-cases the email domain and
/// `currentEmployee`, and brings phones to E.164 (`612 34 56 78` → `+34612345678`,
/// `0034…` → `+34…`). Each field is normalised as its row of the field table says.
pub fn normalize_tenant_request(req: &mut TenantRequest) {
    use fields::*;
    normalize_applicant(&mut req.applicant);
    if let Some(co) = &mut req.co_applicant {
        normalize_applicant(co);
    }
    if let Some(p) = &mut req.product {
        norm_opt(&PRODUCT_NAME, &mut p.product_name);
        norm_opt(&PRODUCT_TYPE, &mut p.product_type);
        norm_opt(&PRODUCT_ID, &mut p.product_id);
        norm_opt(&REQUESTED_AMOUNT, &mut p.requested_amount);
        norm_opt(&PRODUCT_STATUS, &mut p.status);
    }
    norm_opt(&DEVICE_SESSION, &mut req.device_session_id);
    norm_opt(&EXTERNAL_REFERENCE, &mut req.external_reference);
    if let Some(c) = &mut req.consent {
        norm_opt(&CONSENT_VERSION, &mut c.version);
    }
}

fn normalize_address(f: &fields::AddressFields, a: &mut Address) {
    norm_opt(&f.kind, &mut a.kind);
    norm_opt(&f.recency, &mut a.recency);
    norm_req(&f.line1, &mut a.line1);
    norm_opt(&f.line2, &mut a.line2);
    norm_req(&f.city, &mut a.city);
    norm_opt(&f.region, &mut a.region);
    norm_req(&f.country_code, &mut a.country_code);
    norm_req(&f.postal_code, &mut a.postal_code);
}

fn normalize_applicant(a: &mut Applicant) {
    use fields::*;
    let n = &mut a.name;
    norm_req(&FIRST_NAME, &mut n.first);
    norm_opt(&MIDDLE_NAME, &mut n.middle);
    norm_req(&LAST_NAME, &mut n.last);
    norm_opt(&SECOND_LAST_NAME, &mut n.second_last);
    norm_opt(&NAME_SUFFIX, &mut n.suffix);
    norm_opt(&PREFERRED_NAME, &mut n.preferred);
    norm_req(&EMAIL, &mut a.email);
    norm_req(&PHONE, &mut a.phone_number);
    norm_req(&BIRTH_DATE, &mut a.date_of_birth);
    for addr in &mut a.addresses {
        normalize_address(&HOME, addr);
    }
    for g in &mut a.government_id {
        norm_req(&ID_TYPE, &mut g.kind);
        norm_req(&ID_VALUE, &mut g.value);
        norm_req(&ID_COUNTRY, &mut g.country_code);
        norm_opt(&ID_STATE, &mut g.state);
        norm_opt(&ID_ISSUED, &mut g.issued_date);
        norm_opt(&ID_EXPIRES, &mut g.expiration_date);
    }
    for e in &mut a.employment {
        norm_req(&EMPLOYER_NAME, &mut e.employer.name);
        if let Some(addr) = &mut e.employer.address {
            normalize_address(&WORK, addr);
        }
        norm_opt(&EMPLOYEE_TITLE, &mut e.employee_title);
        norm_opt(&START_DATE, &mut e.start_date);
        norm_opt(&END_DATE, &mut e.end_date);
        norm_opt(&CURRENT_EMPLOYEE, &mut e.current_employee);
        norm_opt(&CONTRACT_TYPE, &mut e.contract_type);
    }
    if let Some(i) = &mut a.income {
        norm_req(&INCOME_PERIOD, &mut i.period);
        norm_req(&INCOME_AMOUNT, &mut i.amount);
        norm_req(&INCOME_CURRENCY, &mut i.currency);
    }
}

// ---------------------------------------------------------------------------------------
// Whole-request validation

/// One step of the path to the object being walked: a row's name or a list index.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Name(&'static str),
    Index(usize),
}

/// Room for the segments above a field (the deepest,
/// `coApplicant.employment[i].employer.address`, has five).
const MAX_DEPTH: usize = 8;

struct Validator {
    /// The segments from the root to the object being walked (`path[..depth]`); they
    /// become a dotted path only when an error is reported.
    path: [Segment; MAX_DEPTH],
    depth: usize,
    today: Date,
    errors: Vec<ValidationError>,
}

impl Validator {
    fn new(today: Date) -> Validator {
        Validator {
            path: [Segment::Index(0); MAX_DEPTH],
            depth: 0,
            today,
            errors: Vec::new(),
        }
    }

    /// Runs `f` with the path extended by `segment`.
    fn within(&mut self, segment: Segment, f: impl FnOnce(&mut Self)) {
        self.enter(segment);
        f(self);
        self.depth -= 1;
    }

    // Not inlined into each `within`: one bounds check in the wasm, not one per caller.
    #[inline(never)]
    fn enter(&mut self, segment: Segment) {
        self.path[self.depth] = segment;
        self.depth += 1;
    }

    /// Runs `f` with the path extended by the row's segment.
    fn nested(&mut self, row: &Field, f: impl FnOnce(&mut Self)) {
        self.within(Segment::Name(row.name), f);
    }

    fn indexed(&mut self, i: usize, f: impl FnOnce(&mut Self)) {
        self.within(Segment::Index(i), f);
    }

    /// The dotted path of the field `name` in the object being walked.
    fn path_to(&self, name: &str) -> String {
        let mut path = String::new();
        for segment in &self.path[..self.depth] {
            match segment {
                Segment::Name(n) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(n);
                }
                Segment::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        path
    }

    fn report(&mut self, row: &Field, issue: Issue) {
        let field = self.path_to(row.name);
        self.errors.push(to_error(field, issue));
    }

    fn field_with(&mut self, row: &Field, value: &str, ctx: &Ctx<'_>) -> bool {
        match check_value(row.rule, value, ctx) {
            Ok(()) => true,
            Err(issue) => {
                self.report(row, issue);
                false
            }
        }
    }

    fn field(&mut self, row: &Field, value: &str) -> bool {
        let ctx = Ctx {
            today: self.today,
            country: None,
            id_type: None,
        };
        self.field_with(row, value, &ctx)
    }

    fn opt(&mut self, row: &Field, value: &Option<String>) -> bool {
        self.field(row, value.as_deref().unwrap_or(""))
    }

    /// A list's length against its row's `List` rule, then each item under `[i]`.
    fn list<T>(&mut self, row: &Field, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        if let Rule::List { required, max } = row.rule {
            if items.is_empty() && required {
                self.report(row, Code::Required.into());
            } else if items.len() > max {
                self.report(
                    row,
                    Issue::from(Code::TooLong)
                        .with("max", max.to_string())
                        .with("unit", "items"),
                );
            }
        }
        self.nested(row, |v| {
            for (i, item) in items.iter().enumerate() {
                v.indexed(i, |v| f(v, item));
            }
        });
    }

    fn address(&mut self, f: &fields::AddressFields, a: &Address) {
        self.opt(&f.kind, &a.kind);
        self.opt(&f.recency, &a.recency);
        self.field(&f.line1, &a.line1);
        self.opt(&f.line2, &a.line2);
        self.field(&f.city, &a.city);
        self.opt(&f.region, &a.region);
        let country_ok = self.field(&f.country_code, &a.country_code);
        let ctx = Ctx {
            today: self.today,
            country: Some(if country_ok && !a.country_code.is_empty() {
                &a.country_code
            } else {
                "ES"
            }),
            id_type: None,
        };
        self.field_with(&f.postal_code, &a.postal_code, &ctx);
    }

    fn employment(&mut self, e: &Employment) {
        use fields::*;
        self.nested(&EMPLOYER, |v| {
            v.field(&EMPLOYER_NAME, &e.employer.name);
            if let Some(addr) = &e.employer.address {
                v.nested(&EMPLOYER_ADDRESS, |v| v.address(&WORK, addr));
            }
        });
        self.opt(&EMPLOYEE_TITLE, &e.employee_title);
        let start_ok = self.opt(&START_DATE, &e.start_date);
        let end_ok = self.opt(&END_DATE, &e.end_date);
        if let (true, true, Some(start), Some(end)) = (start_ok, end_ok, &e.start_date, &e.end_date)
            && let (Ok(s), Ok(en)) = (Date::parse(start), Date::parse(end))
            && en < s
        {
            self.report(
                &END_DATE,
                Issue::from(Code::OutOfRange).with("not_before", s.to_string()),
            );
        }
        self.opt(&CURRENT_EMPLOYEE, &e.current_employee);
        self.opt(&CONTRACT_TYPE, &e.contract_type);
    }

    fn government_id(&mut self, g: &GovernmentId) {
        use fields::*;
        let type_ok = self.field(&ID_TYPE, &g.kind);
        let ctx = Ctx {
            today: self.today,
            country: None,
            id_type: Some(if type_ok { &g.kind } else { "" }),
        };
        self.field_with(&ID_VALUE, &g.value, &ctx);
        self.field(&ID_COUNTRY, &g.country_code);
        self.opt(&ID_STATE, &g.state);
        self.opt(&ID_ISSUED, &g.issued_date);
        self.opt(&ID_EXPIRES, &g.expiration_date);
    }

    fn applicant(&mut self, a: &Applicant) {
        use fields::*;
        self.nested(&NAME, |v| {
            let n = &a.name;
            v.field(&FIRST_NAME, &n.first);
            v.opt(&MIDDLE_NAME, &n.middle);
            v.field(&LAST_NAME, &n.last);
            v.opt(&SECOND_LAST_NAME, &n.second_last);
            v.opt(&NAME_SUFFIX, &n.suffix);
            v.opt(&PREFERRED_NAME, &n.preferred);
        });
        self.field(&EMAIL, &a.email);
        self.field(&PHONE, &a.phone_number);
        self.field(&BIRTH_DATE, &a.date_of_birth);
        self.list(&ADDRESSES, &a.addresses, |v, addr| v.address(&HOME, addr));
        self.list(&GOVERNMENT_IDS, &a.government_id, Self::government_id);
        self.list(&EMPLOYMENTS, &a.employment, Self::employment);
        if let Some(income) = &a.income {
            self.nested(&INCOME, |v| {
                v.field(&INCOME_PERIOD, &income.period);
                v.field(&INCOME_AMOUNT, &income.amount);
                v.field(&INCOME_CURRENCY, &income.currency);
            });
        }
    }
}

/// Validates a (normalised) tenant request against every rule and returns all errors.
///
/// `today` is the caller's current date (UTC at the edge, the device's in the widget);
/// ages and "not in the future" rules use it.
///
/// Rules, by field (paths relative to `applicant` / `coApplicant`; the limits are the
/// rows of [`mod@fields`]):
/// `name.first`, `name.last` required person names (≤ 100; letters, spaces, `'`, `-`,
/// `.`); `email` (≤ 254); `phoneNumber` (E.164, Spanish ranges); `dateOfBirth`
/// (`YYYY-MM-DD`, not in the future, age 18–120); `addresses` (1–5; `line1` ≤ 200,
/// `city` ≤ 100, ISO `countryCode`, `postalCode` for that country); `governmentId`
/// (1–5; `type` DNI/NIE/PASSPORT, `value` for that type, ISO `countryCode`);
/// `employment` (≤ 10; employer name, start date not in the future and not after the
/// end date, `currentEmployee` `true`/`false`, contract type); `income` (period,
/// amount, currency). At the root: `deviceSessionId` required (1–32 letters/digits),
/// `consent` with both flags true, `product.requestedAmount` an amount.
///
/// # Errors
///
/// Every broken rule, in field order.
pub fn validate_tenant_request(
    req: &TenantRequest,
    today: Date,
) -> Result<(), Vec<ValidationError>> {
    use fields::*;
    let mut v = Validator::new(today);
    v.nested(&APPLICANT, |v| v.applicant(&req.applicant));
    if let Some(co) = &req.co_applicant {
        v.nested(&CO_APPLICANT, |v| v.applicant(co));
    }
    if let Some(p) = &req.product {
        v.nested(&PRODUCT, |v| {
            v.opt(&PRODUCT_NAME, &p.product_name);
            v.opt(&PRODUCT_TYPE, &p.product_type);
            v.opt(&PRODUCT_ID, &p.product_id);
            v.opt(&REQUESTED_AMOUNT, &p.requested_amount);
            v.opt(&PRODUCT_STATUS, &p.status);
        });
    }
    v.opt(&DEVICE_SESSION, &req.device_session_id);
    v.opt(&EXTERNAL_REFERENCE, &req.external_reference);
    match &req.consent {
        None => v.report(&CONSENT, Code::ConsentRequired.into()),
        Some(c) => v.nested(&CONSENT, |v| {
            for (row, given) in [
                (&TERMS_ACCEPTED, c.terms_accepted),
                (&CREDIT_CHECK_ACCEPTED, c.credit_check_accepted),
            ] {
                if !given {
                    v.report(row, Code::ConsentRequired.into());
                }
            }
            // A version of texts the edge does not know says nothing of what was shown.
            v.opt(&CONSENT_VERSION, &c.version);
        }),
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

/// Validates step-up answers: at least one, at most 20, each with a `questionId` and
/// a `choiceId` of 1–64 characters.
///
/// # Errors
///
/// Every broken rule (`answers`, `answers[i].questionId`, `answers[i].choiceId`).
pub fn validate_answers(req: &AnswersRequest) -> Result<(), Vec<ValidationError>> {
    let mut v = Validator::new(Date {
        year: 1970,
        month: 1,
        day: 1,
    });
    v.list(&fields::ANSWERS, &req.answers, |v, a| {
        v.field(&fields::QUESTION_ID, a.question_id.trim());
        v.field(&fields::CHOICE_ID, a.choice_id.trim());
    });
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

/// Validates a document `kind` (`payslip`, `bank_statement`, …).
///
/// # Errors
///
/// `required` when empty, `invalid_choice` otherwise, on field `kind`.
pub fn validate_document_kind(kind: &str) -> Result<DocumentKind, ValidationError> {
    let row = &fields::DOCUMENT_KIND;
    let value = row.normalization().apply(kind);
    value.parse::<DocumentKind>().map_err(|_| {
        let ctx = Ctx {
            today: Date {
                year: 1970,
                month: 1,
                day: 1,
            },
            country: None,
            id_type: None,
        };
        let issue = check_value(row.rule, &value, &ctx)
            .err()
            .unwrap_or_else(|| Code::InvalidChoice.into());
        to_error(row.name.to_owned(), issue)
    })
}

#[cfg(test)]
mod tests;

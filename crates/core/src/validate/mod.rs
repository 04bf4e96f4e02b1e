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

mod date;
mod iso;
mod rules;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

pub use date::{Date, DateError, days_in_month, is_leap_year};
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
use crate::model::{Address, Applicant, Employment, GovernmentIdType, TenantRequest};

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

/// The rule a field follows. Shared by whole-request and per-field validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
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
    DocumentKind,
}

const NAME_MAX: usize = 100;

/// Context a rule may need beyond the value.
struct Ctx<'a> {
    today: Date,
    country: Option<&'a str>,
    id_type: Option<&'a str>,
}

fn choices(allowed: &[&str]) -> String {
    allowed.join(", ")
}

fn check_text(value: &str, max: usize) -> Result<(), Issue> {
    if value.chars().count() > max {
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
            | Rule::Amount { required } => required,
            Rule::Email
            | Rule::Phone
            | Rule::BirthDate
            | Rule::IdType
            | Rule::IdValue
            | Rule::Currency
            | Rule::Period
            | Rule::DeviceSession
            | Rule::DocumentKind => true,
            Rule::PastDate | Rule::AnyDate | Rule::ContractType | Rule::Boolean => false,
        }
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
                let country = ctx.country.filter(|c| is_country(c)).unwrap_or("ES");
                validate_postcode(country, value)
                    .map_err(|c| Issue::from(c).with("country", country))
            }
            Rule::IdType => {
                if value.parse::<GovernmentIdType>().is_ok() {
                    Ok(())
                } else {
                    Err(Issue::from(Code::InvalidChoice)
                        .with("allowed", choices(&["DNI", "NIE", "PASSPORT"])))
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
            Rule::Boolean => one_of(value, &["true", "false"]),
            Rule::DeviceSession => validate_device_session_id(value).map_err(|c| match c {
                Code::TooLong => Issue::from(c).with("max", "32"),
                _ => Issue::from(c).with("format", "alphanumeric"),
            }),
            Rule::DocumentKind => match value.parse::<DocumentKind>() {
                Ok(_) => Ok(()),
                Err(_) => {
                    let names: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.as_str()).collect();
                    Err(Issue::from(Code::InvalidChoice).with("allowed", choices(&names)))
                }
            },
        }
    }

    fn normalize(self, value: &str) -> String {
        match self {
            Rule::PersonName { .. } => collapse_whitespace(value),
            Rule::Email => normalize_email(value),
            Rule::Phone => normalize_phone(value),
            Rule::IdValue => normalize_government_id(value),
            Rule::Country { .. }
            | Rule::Currency
            | Rule::Period
            | Rule::ContractType
            | Rule::IdType => value.trim().to_ascii_uppercase(),
            Rule::Postcode { .. } => {
                let mut v = collapse_whitespace(value);
                v.make_ascii_uppercase();
                v
            }
            Rule::Boolean | Rule::DocumentKind => value.trim().to_ascii_lowercase(),
            _ => value.trim().to_owned(),
        }
    }

    /// The rule for a field path (indices and the `applicant`/`coApplicant` root do not
    /// matter).
    fn for_path(path: &str) -> Option<Rule> {
        let mut segs = path.rsplit('.').map(|s| s.split('[').next().unwrap_or(s));
        let last = segs.next()?;
        let parent = segs.next().unwrap_or("");
        Some(match (parent, last) {
            ("name", "first" | "last") => Rule::PersonName { required: true },
            ("name", "middle" | "secondLast" | "preferred") => Rule::PersonName { required: false },
            ("name", "suffix") => Rule::Text {
                required: false,
                max: 20,
            },
            ("employer", "name") => Rule::Text {
                required: true,
                max: 200,
            },
            ("governmentId", "type") => Rule::IdType,
            ("governmentId", "value") => Rule::IdValue,
            ("governmentId", "countryCode") => Rule::Country { required: true },
            ("governmentId", "state") => Rule::Text {
                required: false,
                max: 100,
            },
            ("governmentId", "issuedDate") => Rule::PastDate,
            ("governmentId", "expirationDate") => Rule::AnyDate,
            ("addresses", "line1") => Rule::Text {
                required: true,
                max: 200,
            },
            ("addresses", "city") => Rule::Text {
                required: true,
                max: 100,
            },
            ("addresses", "countryCode") => Rule::Country { required: true },
            ("addresses", "postalCode") => Rule::Postcode { required: true },
            ("address", "line1") => Rule::Text {
                required: false,
                max: 200,
            },
            ("address", "city") => Rule::Text {
                required: false,
                max: 100,
            },
            ("address", "countryCode") => Rule::Country { required: false },
            ("address", "postalCode") => Rule::Postcode { required: false },
            ("addresses" | "address", "line2") => Rule::Text {
                required: false,
                max: 200,
            },
            ("addresses" | "address", "region") => Rule::Text {
                required: false,
                max: 100,
            },
            ("addresses" | "address", "type" | "recency") => Rule::Text {
                required: false,
                max: 50,
            },
            ("income", "period") => Rule::Period,
            ("income", "amount") => Rule::Amount { required: true },
            ("income", "currency") => Rule::Currency,
            ("product", "requestedAmount") => Rule::Amount { required: false },
            ("product", "productName" | "productType" | "productId") => Rule::Text {
                required: false,
                max: 100,
            },
            ("product", "status") => Rule::Text {
                required: false,
                max: 50,
            },
            (_, "email") => Rule::Email,
            (_, "phoneNumber") => Rule::Phone,
            (_, "dateOfBirth") => Rule::BirthDate,
            (_, "employeeTitle") => Rule::Text {
                required: false,
                max: 100,
            },
            (_, "startDate") => Rule::PastDate,
            (_, "endDate") => Rule::AnyDate,
            (_, "currentEmployee") => Rule::Boolean,
            (_, "contractType") => Rule::ContractType,
            (_, "deviceSessionId") => Rule::DeviceSession,
            (_, "kind") => Rule::DocumentKind,
            (_, "questionId" | "choiceId") => Rule::Text {
                required: true,
                max: 64,
            },
            _ => return None,
        })
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
    match Rule::for_path(path) {
        Some(rule) => rule.normalize(value),
        None => value.trim().to_owned(),
    }
}

/// Validates one value for instant feedback, after normalising it as the whole-request
/// validation would. `path` is the field's full path (`applicant.addresses[0].postalCode`)
/// and is echoed in the error. Unknown paths are not validated (`None`).
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
    let rule = Rule::for_path(path)?;
    let value = rule.normalize(value);
    let country = context.country_code.map(|c| c.trim().to_ascii_uppercase());
    let id_type = context.id_type.map(|t| t.trim().to_ascii_uppercase());
    let ctx = Ctx {
        today,
        country: country.as_deref(),
        id_type: id_type.as_deref(),
    };
    let issue = if value.is_empty() {
        if rule.required() {
            Issue::from(Code::Required)
        } else {
            return None;
        }
    } else {
        rule.check(&value, &ctx).err()?
    };
    Some(to_error(path.to_owned(), issue))
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

fn norm_req(rule: Rule, s: &mut String) {
    let n = rule.normalize(s);
    if n != *s {
        *s = n;
    }
}

fn norm_opt(rule: Rule, s: &mut Option<String>) {
    if let Some(v) = s {
        norm_req(rule, v);
        if v.is_empty() {
            *s = None;
        }
    }
}

const TEXT: Rule = Rule::Text {
    required: false,
    max: 0,
};
const NAME: Rule = Rule::PersonName { required: false };
const UPPER: Rule = Rule::Currency;

/// Normalises a request in place, as a user would expect before validation: trims every
/// string (and drops optional ones left empty), collapses spaces in names, upper-cases
/// codes (countries, currency, period, contract and document types, postcodes) and
/// document numbers (removing spaces, dashes and dots), lower-cases the email domain and
/// `currentEmployee`, and brings phones to E.164 (`612 34 56 78` → `+34612345678`,
/// `0034…` → `+34…`).
pub fn normalize_tenant_request(req: &mut TenantRequest) {
    normalize_applicant(&mut req.applicant);
    if let Some(co) = &mut req.co_applicant {
        normalize_applicant(co);
    }
    if let Some(p) = &mut req.product {
        norm_opt(TEXT, &mut p.product_name);
        norm_opt(TEXT, &mut p.product_type);
        norm_opt(TEXT, &mut p.product_id);
        norm_opt(TEXT, &mut p.requested_amount);
        norm_opt(TEXT, &mut p.status);
    }
    norm_opt(TEXT, &mut req.device_session_id);
}

fn normalize_address(a: &mut Address) {
    norm_opt(TEXT, &mut a.kind);
    norm_opt(TEXT, &mut a.recency);
    norm_req(TEXT, &mut a.line1);
    norm_opt(TEXT, &mut a.line2);
    norm_req(TEXT, &mut a.city);
    norm_opt(TEXT, &mut a.region);
    norm_req(UPPER, &mut a.country_code);
    norm_req(Rule::Postcode { required: true }, &mut a.postal_code);
}

fn normalize_applicant(a: &mut Applicant) {
    let n = &mut a.name;
    norm_req(NAME, &mut n.first);
    norm_opt(NAME, &mut n.middle);
    norm_req(NAME, &mut n.last);
    norm_opt(NAME, &mut n.second_last);
    norm_opt(TEXT, &mut n.suffix);
    norm_opt(NAME, &mut n.preferred);
    norm_req(Rule::Email, &mut a.email);
    norm_req(Rule::Phone, &mut a.phone_number);
    norm_req(TEXT, &mut a.date_of_birth);
    a.addresses.iter_mut().for_each(normalize_address);
    for g in &mut a.government_id {
        norm_req(UPPER, &mut g.kind);
        norm_req(Rule::IdValue, &mut g.value);
        norm_req(UPPER, &mut g.country_code);
        norm_opt(TEXT, &mut g.state);
        norm_opt(TEXT, &mut g.issued_date);
        norm_opt(TEXT, &mut g.expiration_date);
    }
    for e in &mut a.employment {
        norm_req(TEXT, &mut e.employer.name);
        if let Some(addr) = &mut e.employer.address {
            normalize_address(addr);
        }
        norm_opt(TEXT, &mut e.employee_title);
        norm_opt(TEXT, &mut e.start_date);
        norm_opt(TEXT, &mut e.end_date);
        norm_opt(Rule::Boolean, &mut e.current_employee);
        norm_opt(UPPER, &mut e.contract_type);
    }
    if let Some(i) = &mut a.income {
        norm_req(UPPER, &mut i.period);
        norm_req(TEXT, &mut i.amount);
        norm_req(UPPER, &mut i.currency);
    }
}

// ---------------------------------------------------------------------------------------
// Whole-request validation

struct Validator {
    path: String,
    today: Date,
    errors: Vec<ValidationError>,
}

impl Validator {
    fn nested(&mut self, seg: &str, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        if len > 0 {
            self.path.push('.');
        }
        self.path.push_str(seg);
        f(self);
        self.path.truncate(len);
    }

    fn indexed(&mut self, i: usize, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        let _ = write!(self.path, "[{i}]");
        f(self);
        self.path.truncate(len);
    }

    fn path_to(&self, seg: &str) -> String {
        if self.path.is_empty() {
            seg.to_owned()
        } else {
            format!("{}.{seg}", self.path)
        }
    }

    fn report(&mut self, seg: &str, issue: Issue) {
        let field = self.path_to(seg);
        self.errors.push(to_error(field, issue));
    }

    fn field_with(&mut self, seg: &str, value: &str, rule: Rule, ctx: &Ctx<'_>) -> bool {
        let result = if value.is_empty() {
            if rule.required() {
                Err(Issue::from(Code::Required))
            } else {
                Ok(())
            }
        } else {
            rule.check(value, ctx)
        };
        match result {
            Ok(()) => true,
            Err(issue) => {
                self.report(seg, issue);
                false
            }
        }
    }

    fn field(&mut self, seg: &str, value: &str, rule: Rule) -> bool {
        let ctx = Ctx {
            today: self.today,
            country: None,
            id_type: None,
        };
        self.field_with(seg, value, rule, &ctx)
    }

    fn opt(&mut self, seg: &str, value: &Option<String>, rule: Rule) -> bool {
        self.field(seg, value.as_deref().unwrap_or(""), rule)
    }

    fn list_len(&mut self, seg: &str, len: usize, max: usize, required: bool) {
        if len == 0 && required {
            self.report(seg, Code::Required.into());
        } else if len > max {
            self.report(
                seg,
                Issue::from(Code::TooLong)
                    .with("max", max.to_string())
                    .with("unit", "items"),
            );
        }
    }

    fn address(&mut self, a: &Address, strict: bool) {
        self.opt(
            "type",
            &a.kind,
            Rule::Text {
                required: false,
                max: 50,
            },
        );
        self.opt(
            "recency",
            &a.recency,
            Rule::Text {
                required: false,
                max: 50,
            },
        );
        self.field(
            "line1",
            &a.line1,
            Rule::Text {
                required: strict,
                max: 200,
            },
        );
        self.opt(
            "line2",
            &a.line2,
            Rule::Text {
                required: false,
                max: 200,
            },
        );
        self.field(
            "city",
            &a.city,
            Rule::Text {
                required: strict,
                max: 100,
            },
        );
        self.opt(
            "region",
            &a.region,
            Rule::Text {
                required: false,
                max: 100,
            },
        );
        let country_ok = self.field(
            "countryCode",
            &a.country_code,
            Rule::Country { required: strict },
        );
        let ctx = Ctx {
            today: self.today,
            country: Some(if country_ok && !a.country_code.is_empty() {
                &a.country_code
            } else {
                "ES"
            }),
            id_type: None,
        };
        self.field_with(
            "postalCode",
            &a.postal_code,
            Rule::Postcode { required: strict },
            &ctx,
        );
    }

    fn employment(&mut self, e: &Employment) {
        self.nested("employer", |v| {
            v.field(
                "name",
                &e.employer.name,
                Rule::Text {
                    required: true,
                    max: 200,
                },
            );
            if let Some(addr) = &e.employer.address {
                v.nested("address", |v| v.address(addr, false));
            }
        });
        self.opt(
            "employeeTitle",
            &e.employee_title,
            Rule::Text {
                required: false,
                max: 100,
            },
        );
        let start_ok = self.opt("startDate", &e.start_date, Rule::PastDate);
        let end_ok = self.opt("endDate", &e.end_date, Rule::AnyDate);
        if let (true, true, Some(start), Some(end)) = (start_ok, end_ok, &e.start_date, &e.end_date)
            && let (Ok(s), Ok(en)) = (Date::parse(start), Date::parse(end))
            && en < s
        {
            self.report(
                "endDate",
                Issue::from(Code::OutOfRange).with("not_before", s.to_string()),
            );
        }
        self.opt("currentEmployee", &e.current_employee, Rule::Boolean);
        self.opt("contractType", &e.contract_type, Rule::ContractType);
    }

    fn applicant(&mut self, a: &Applicant) {
        self.nested("name", |v| {
            let n = &a.name;
            v.field("first", &n.first, Rule::PersonName { required: true });
            v.opt("middle", &n.middle, NAME);
            v.field("last", &n.last, Rule::PersonName { required: true });
            v.opt("secondLast", &n.second_last, NAME);
            v.opt(
                "suffix",
                &n.suffix,
                Rule::Text {
                    required: false,
                    max: 20,
                },
            );
            v.opt("preferred", &n.preferred, NAME);
        });
        self.field("email", &a.email, Rule::Email);
        self.field("phoneNumber", &a.phone_number, Rule::Phone);
        self.field("dateOfBirth", &a.date_of_birth, Rule::BirthDate);

        self.list_len("addresses", a.addresses.len(), MAX_ADDRESSES, true);
        self.nested("addresses", |v| {
            for (i, addr) in a.addresses.iter().enumerate() {
                v.indexed(i, |v| v.address(addr, true));
            }
        });

        self.list_len(
            "governmentId",
            a.government_id.len(),
            MAX_GOVERNMENT_IDS,
            true,
        );
        self.nested("governmentId", |v| {
            for (i, g) in a.government_id.iter().enumerate() {
                v.indexed(i, |v| {
                    let type_ok = v.field("type", &g.kind, Rule::IdType);
                    let ctx = Ctx {
                        today: v.today,
                        country: None,
                        id_type: Some(if type_ok { &g.kind } else { "" }),
                    };
                    v.field_with("value", &g.value, Rule::IdValue, &ctx);
                    v.field(
                        "countryCode",
                        &g.country_code,
                        Rule::Country { required: true },
                    );
                    v.opt(
                        "state",
                        &g.state,
                        Rule::Text {
                            required: false,
                            max: 100,
                        },
                    );
                    v.opt("issuedDate", &g.issued_date, Rule::PastDate);
                    v.opt("expirationDate", &g.expiration_date, Rule::AnyDate);
                });
            }
        });

        self.list_len("employment", a.employment.len(), MAX_EMPLOYMENTS, false);
        self.nested("employment", |v| {
            for (i, e) in a.employment.iter().enumerate() {
                v.indexed(i, |v| v.employment(e));
            }
        });

        if let Some(income) = &a.income {
            self.nested("income", |v| {
                v.field("period", &income.period, Rule::Period);
                v.field("amount", &income.amount, Rule::Amount { required: true });
                v.field("currency", &income.currency, Rule::Currency);
            });
        }
    }
}

/// Validates a (normalised) tenant request against every rule and returns all errors.
///
/// `today` is the caller's current date (UTC at the edge, the device's in the widget);
/// ages and "not in the future" rules use it.
///
/// Rules, by field (paths relative to `applicant` / `coApplicant`):
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
    let mut v = Validator {
        path: String::with_capacity(48),
        today,
        errors: Vec::new(),
    };
    v.nested("applicant", |v| v.applicant(&req.applicant));
    if let Some(co) = &req.co_applicant {
        v.nested("coApplicant", |v| v.applicant(co));
    }
    if let Some(p) = &req.product {
        v.nested("product", |v| {
            let text = Rule::Text {
                required: false,
                max: 100,
            };
            v.opt("productName", &p.product_name, text);
            v.opt("productType", &p.product_type, text);
            v.opt("productId", &p.product_id, text);
            v.opt(
                "requestedAmount",
                &p.requested_amount,
                Rule::Amount { required: false },
            );
            v.opt(
                "status",
                &p.status,
                Rule::Text {
                    required: false,
                    max: 50,
                },
            );
        });
    }
    v.opt(
        "deviceSessionId",
        &req.device_session_id,
        Rule::DeviceSession,
    );
    match req.consent {
        None => v.report("consent", Code::ConsentRequired.into()),
        Some(c) => {
            if !c.terms_accepted {
                v.report("consent.termsAccepted", Code::ConsentRequired.into());
            }
            if !c.credit_check_accepted {
                v.report("consent.creditCheckAccepted", Code::ConsentRequired.into());
            }
        }
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
    let mut v = Validator {
        path: String::new(),
        today: Date {
            year: 1970,
            month: 1,
            day: 1,
        },
        errors: Vec::new(),
    };
    v.list_len("answers", req.answers.len(), 20, true);
    v.nested("answers", |v| {
        let rule = Rule::Text {
            required: true,
            max: 64,
        };
        for (i, a) in req.answers.iter().enumerate() {
            v.indexed(i, |v| {
                v.field("questionId", a.question_id.trim(), rule);
                v.field("choiceId", a.choice_id.trim(), rule);
            });
        }
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
    let value = kind.trim().to_ascii_lowercase();
    let value = value.as_str();
    if value.is_empty() {
        return Err(ValidationError::new("kind", Code::Required));
    }
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
        let issue = Rule::DocumentKind
            .check(value, &ctx)
            .err()
            .unwrap_or_else(|| Code::InvalidChoice.into());
        to_error("kind".to_owned(), issue)
    })
}

#[cfg(test)]
mod tests;

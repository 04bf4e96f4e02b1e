//! Normalisation and validation of onboarding data.
//!
//! Validation never stops at the first problem: [`validate_tenant_request`] returns every
//! [`ValidationError`] at once, each with a dotted path rooted at the request body
//! (`applicant.governmentId[0].value`), a stable [`Code`] and parameters for the message
//! ([`crate::i18n::message`] renders them). The rules expect normalised values (trimmed,
//! upper-case codes, E.164 phones): [`normalize_and_validate_tenant_request`] normalises
//! each value in place and checks it in one walk over the request;
//! [`normalize_tenant_request`] and [`validate_tenant_request`] are the same walk doing
//! one half each.
//!
//! The widget uses [`validate_field`] / [`validate_field_with`] for instant feedback on
//! one input; they normalise the single value the same way and apply the same rule.
//!
//! Both read [`mod@fields`], the field table: one row per field with its path segments,
//! rule, limits, normalisation and label; [`field_schema`] turns a row into the
//! constraints an API schema publishes. The ISO code lists are in [`COUNTRIES`] and
//! [`CURRENCIES`].

pub(crate) mod code;
mod date;
pub mod fields;
mod iso;
mod rules;

use std::fmt::Write as _;

pub use code::{Code, ValidationError};
pub use date::{Date, DateError, days_in_month, is_leap_year};
pub use fields::{
    CONTRACT_TYPES, Field, FieldSchema, INCOME_PERIODS, MAX_ADDRESSES, MAX_EMPLOYMENTS,
    MAX_GOVERNMENT_IDS, Normalization, field_schema,
};
use fields::{NAME_MAX, Rule};
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

// The checks of the rules; each rule, its limits and its normalisation are in the field
// table (`fields::Rule`), which knows nothing of this module.
impl Rule {
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
            Rule::ConsentVersion => one_of(value, crate::consent::version::KNOWN),
            Rule::DocumentKind => match value.parse::<DocumentKind>() {
                Ok(_) => Ok(()),
                Err(_) => Err(Issue::from(Code::InvalidChoice)
                    .with("allowed", choices(&fields::DOCUMENT_KINDS))),
            },
            // Not single values: the whole-request walks check these.
            Rule::Object { .. } | Rule::List { .. } | Rule::Consent | Rule::External => Ok(()),
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
// The whole request: one walk that normalises and validates

/// What the walk does at each value of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Normalise each value in place; check nothing.
    Normalize,
    /// Check each value as it is; change nothing.
    Validate,
    /// Normalise each value in place, then check it.
    Both,
}

/// One step of the path to the object being walked: a row's name or a list index.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Name(&'static str),
    Index(usize),
}

/// Room for the segments above a field (the deepest,
/// `coApplicant.employment[i].employer.address`, has five).
const MAX_DEPTH: usize = 8;

/// A date for walks that compare with none (normalising; the step-up answers).
const EPOCH: Date = Date {
    year: 1970,
    month: 1,
    day: 1,
};

/// The walk over a request: every value is visited once, with its row of the field
/// table, and normalised and/or checked there as the [`Pass`] says. A field is added
/// to the walk once, so it cannot be normalised and not validated (or the reverse).
struct Walk {
    /// The segments from the root to the object being walked (`path[..depth]`); they
    /// become a dotted path only when an error is reported.
    path: [Segment; MAX_DEPTH],
    depth: usize,
    today: Date,
    normalize: bool,
    validate: bool,
    errors: Vec<ValidationError>,
}

impl Walk {
    fn new(today: Date, pass: Pass) -> Walk {
        Walk {
            path: [Segment::Index(0); MAX_DEPTH],
            depth: 0,
            today,
            normalize: pass != Pass::Validate,
            validate: pass != Pass::Normalize,
            errors: Vec::new(),
        }
    }

    fn finish(self) -> Result<(), Vec<ValidationError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
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

    /// Records an error on the row's field (only in a validating pass).
    fn report(&mut self, row: &Field, issue: Issue) {
        if self.validate {
            let field = self.path_to(row.name);
            self.errors.push(to_error(field, issue));
        }
    }

    /// The context of a field that depends on no other.
    fn plain(&self) -> Ctx<'static> {
        Ctx {
            today: self.today,
            country: None,
            id_type: None,
        }
    }

    /// Checks a (normalised) value against its row's rule and reports what it breaks;
    /// whether it passed. Checks nothing (`false`) in a normalising-only pass.
    fn check(&mut self, row: &Field, value: &str, ctx: &Ctx<'_>) -> bool {
        if !self.validate {
            return false;
        }
        match check_value(row.rule, value, ctx) {
            Ok(()) => true,
            Err(issue) => {
                self.report(row, issue);
                false
            }
        }
    }

    /// Visits a string field: normalises it in place as its row says, then checks it in
    /// `ctx`.
    fn field_with(&mut self, row: &Field, value: &mut String, ctx: &Ctx<'_>) -> bool {
        if self.normalize {
            row.normalization().apply_in_place(value);
        }
        self.check(row, value, ctx)
    }

    fn field(&mut self, row: &Field, value: &mut String) -> bool {
        let ctx = self.plain();
        self.field_with(row, value, &ctx)
    }

    /// Visits an optional string field: normalised, and dropped when that leaves it
    /// empty; then checked (absent as empty).
    fn opt(&mut self, row: &Field, value: &mut Option<String>) -> bool {
        if self.normalize
            && let Some(v) = value
        {
            row.normalization().apply_in_place(v);
            if v.is_empty() {
                *value = None;
            }
        }
        let ctx = self.plain();
        self.check(row, value.as_deref().unwrap_or(""), &ctx)
    }

    /// A list's length against its row's `List` rule.
    fn count(&mut self, row: &Field, len: usize) {
        if let Rule::List { required, max } = row.rule {
            if len == 0 && required {
                self.report(row, Code::Required.into());
            } else if len > max {
                self.report(
                    row,
                    Issue::from(Code::TooLong)
                        .with("max", max.to_string())
                        .with("unit", "items"),
                );
            }
        }
    }

    /// A list's length, then each item under `[i]`.
    fn list<T>(&mut self, row: &Field, items: &mut [T], mut f: impl FnMut(&mut Self, &mut T)) {
        self.count(row, items.len());
        self.nested(row, |v| {
            for (i, item) in items.iter_mut().enumerate() {
                v.indexed(i, |v| f(v, item));
            }
        });
    }

    fn address(&mut self, f: &fields::AddressFields, a: &mut Address) {
        self.opt(&f.kind, &mut a.kind);
        self.opt(&f.recency, &mut a.recency);
        self.field(&f.line1, &mut a.line1);
        self.opt(&f.line2, &mut a.line2);
        self.field(&f.city, &mut a.city);
        self.opt(&f.region, &mut a.region);
        let country_ok = self.field(&f.country_code, &mut a.country_code);
        let ctx = Ctx {
            today: self.today,
            country: Some(if country_ok && !a.country_code.is_empty() {
                &a.country_code
            } else {
                "ES"
            }),
            id_type: None,
        };
        self.field_with(&f.postal_code, &mut a.postal_code, &ctx);
    }

    fn employment(&mut self, e: &mut Employment) {
        use fields::*;
        self.nested(&EMPLOYER, |v| {
            v.field(&EMPLOYER_NAME, &mut e.employer.name);
            if let Some(addr) = &mut e.employer.address {
                v.nested(&EMPLOYER_ADDRESS, |v| v.address(&WORK, addr));
            }
        });
        self.opt(&EMPLOYEE_TITLE, &mut e.employee_title);
        let start_ok = self.opt(&START_DATE, &mut e.start_date);
        let end_ok = self.opt(&END_DATE, &mut e.end_date);
        if let (true, true, Some(start), Some(end)) = (start_ok, end_ok, &e.start_date, &e.end_date)
            && let (Ok(s), Ok(en)) = (Date::parse(start), Date::parse(end))
            && en < s
        {
            self.report(
                &END_DATE,
                Issue::from(Code::OutOfRange).with("not_before", s.to_string()),
            );
        }
        self.opt(&CURRENT_EMPLOYEE, &mut e.current_employee);
        self.opt(&CONTRACT_TYPE, &mut e.contract_type);
    }

    fn government_id(&mut self, g: &mut GovernmentId) {
        use fields::*;
        let type_ok = self.field(&ID_TYPE, &mut g.kind);
        let ctx = Ctx {
            today: self.today,
            country: None,
            id_type: Some(if type_ok { &g.kind } else { "" }),
        };
        self.field_with(&ID_VALUE, &mut g.value, &ctx);
        self.field(&ID_COUNTRY, &mut g.country_code);
        self.opt(&ID_STATE, &mut g.state);
        self.opt(&ID_ISSUED, &mut g.issued_date);
        self.opt(&ID_EXPIRES, &mut g.expiration_date);
    }

    fn applicant(&mut self, a: &mut Applicant) {
        use fields::*;
        self.nested(&NAME, |v| {
            let n = &mut a.name;
            v.field(&FIRST_NAME, &mut n.first);
            v.opt(&MIDDLE_NAME, &mut n.middle);
            v.field(&LAST_NAME, &mut n.last);
            v.opt(&SECOND_LAST_NAME, &mut n.second_last);
            v.opt(&NAME_SUFFIX, &mut n.suffix);
            v.opt(&PREFERRED_NAME, &mut n.preferred);
        });
        self.field(&EMAIL, &mut a.email);
        self.field(&PHONE, &mut a.phone_number);
        self.field(&BIRTH_DATE, &mut a.date_of_birth);
        self.list(&ADDRESSES, &mut a.addresses, |v, addr| {
            v.address(&HOME, addr)
        });
        self.list(&GOVERNMENT_IDS, &mut a.government_id, Self::government_id);
        self.list(&EMPLOYMENTS, &mut a.employment, Self::employment);
        if let Some(income) = &mut a.income {
            self.nested(&INCOME, |v| {
                v.field(&INCOME_PERIOD, &mut income.period);
                v.field(&INCOME_AMOUNT, &mut income.amount);
                v.field(&INCOME_CURRENCY, &mut income.currency);
            });
        }
    }

    /// The whole request, in field order (the order errors are reported in).
    fn request(&mut self, req: &mut TenantRequest) {
        use fields::*;
        self.nested(&APPLICANT, |v| v.applicant(&mut req.applicant));
        if let Some(co) = &mut req.co_applicant {
            self.nested(&CO_APPLICANT, |v| v.applicant(co));
        }
        if let Some(p) = &mut req.product {
            self.nested(&PRODUCT, |v| {
                v.opt(&PRODUCT_NAME, &mut p.product_name);
                v.opt(&PRODUCT_TYPE, &mut p.product_type);
                v.opt(&PRODUCT_ID, &mut p.product_id);
                v.opt(&REQUESTED_AMOUNT, &mut p.requested_amount);
                v.opt(&PRODUCT_STATUS, &mut p.status);
            });
        }
        self.opt(&DEVICE_SESSION, &mut req.device_session_id);
        self.opt(&EXTERNAL_REFERENCE, &mut req.external_reference);
        match &mut req.consent {
            None => self.report(&CONSENT, Code::ConsentRequired.into()),
            Some(c) => self.nested(&CONSENT, |v| {
                for (row, given) in [
                    (&TERMS_ACCEPTED, c.terms_accepted),
                    (&CREDIT_CHECK_ACCEPTED, c.credit_check_accepted),
                ] {
                    if !given {
                        v.report(row, Code::ConsentRequired.into());
                    }
                }
                // A version of texts the edge does not know says nothing of what was shown.
                v.opt(&CONSENT_VERSION, &mut c.version);
            }),
        }
    }
}

/// Normalises a request in place, as a user would expect before validation: trims every
/// string (and drops optional ones left empty), collapses spaces in names, upper-cases
/// codes (countries, currency, period, contract and document types, postcodes) and
/// document numbers (removing spaces, dashes and dots), lower-cases the email domain and
/// `currentEmployee`, and brings phones to E.164 (`612 34 56 78` → `+34612345678`,
/// `0034…` → `+34…`). Each field is normalised as its row of the field table says.
///
/// Normalising a normalised request changes nothing. The same walk as
/// [`validate_tenant_request`]; [`normalize_and_validate_tenant_request`] does both at
/// once.
pub fn normalize_tenant_request(req: &mut TenantRequest) {
    let mut walk = Walk::new(EPOCH, Pass::Normalize);
    walk.request(req);
}

/// Validates a (normalised) tenant request against every rule and returns all errors.
/// The request is checked as it is: normalise it first
/// ([`normalize_and_validate_tenant_request`] does both in one walk).
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
    // The walk takes the request mutably (it can normalise); this pass writes nothing.
    let mut walk = Walk::new(today, Pass::Validate);
    walk.request(&mut req.clone());
    walk.finish()
}

/// Normalises a request in place and validates it, in one walk: each value is
/// normalised ([`normalize_tenant_request`]) and then checked
/// ([`validate_tenant_request`]) before the walk moves on. The request is left
/// normalised whether or not it is valid.
///
/// The same as `normalize_tenant_request(req)` followed by
/// `validate_tenant_request(req, today)`: the same request afterwards, the same errors
/// in the same order.
///
/// # Errors
///
/// Every broken rule, in field order.
pub fn normalize_and_validate_tenant_request(
    req: &mut TenantRequest,
    today: Date,
) -> Result<(), Vec<ValidationError>> {
    let mut walk = Walk::new(today, Pass::Both);
    walk.request(req);
    walk.finish()
}

/// Validates step-up answers: at least one, at most 20, each with a `questionId` and
/// a `choiceId` of 1–64 characters.
///
/// # Errors
///
/// Every broken rule (`answers`, `answers[i].questionId`, `answers[i].choiceId`).
pub fn validate_answers(req: &AnswersRequest) -> Result<(), Vec<ValidationError>> {
    use fields::{ANSWERS, CHOICE_ID, QUESTION_ID};
    let mut v = Walk::new(EPOCH, Pass::Validate);
    v.count(&ANSWERS, req.answers.len());
    v.nested(&ANSWERS, |v| {
        let ctx = v.plain();
        for (i, a) in req.answers.iter().enumerate() {
            v.indexed(i, |v| {
                v.check(&QUESTION_ID, a.question_id.trim(), &ctx);
                v.check(&CHOICE_ID, a.choice_id.trim(), &ctx);
            });
        }
    });
    v.finish()
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
            today: EPOCH,
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

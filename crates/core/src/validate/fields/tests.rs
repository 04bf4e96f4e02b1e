use super::*;
use crate::document::DocumentKind;
use crate::model::GovernmentIdType;
use crate::validate::{AMOUNT_MAX, Date, FieldContext, validate_field_with};

#[test]
fn every_row_is_found_by_its_own_path_and_no_two_collide() {
    for (i, f) in FIELDS.iter().enumerate() {
        let path = if f.parent.is_empty() {
            format!("applicant.{}", f.name)
        } else {
            format!("applicant.{}[0].{}", f.parent, f.name)
        };
        assert_eq!(field(&path), Some(*f), "{path}");
        for g in &FIELDS[..i] {
            assert!((g.parent, g.name) != (f.parent, f.name), "{path} twice");
        }
    }
    assert_eq!(field("applicant.nickname"), None);
    assert_eq!(
        field("coApplicant.employment[3].employer.name"),
        Some(&EMPLOYER_NAME)
    );
    assert_eq!(field("applicant.name"), Some(&NAME));
    assert_eq!(field("addresses[].line1"), Some(&HOME.line1));
    assert_eq!(field("employer.address.line1"), Some(&WORK.line1));
    assert_eq!(fields().count(), FIELDS.len());
}

#[test]
fn closed_sets_match_the_model() {
    let ids: Vec<&str> = GovernmentIdType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(ids, ID_TYPES);
    let kinds: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(kinds, DOCUMENT_KINDS);
    assert_eq!(AMOUNT_MAX_TEXT, AMOUNT_MAX.to_string());
}

#[test]
fn schema_examples() {
    assert_eq!(
        field_schema("applicant.addresses[0].line1"),
        Some(FieldSchema {
            required: true,
            max_length: Some(200),
            ..FieldSchema::default()
        })
    );
    let work_line1 = field_schema("applicant.employment[0].employer.address.line1").unwrap();
    assert_eq!(
        (work_line1.required, work_line1.max_length),
        (false, Some(200))
    );
    assert_eq!(
        field_schema("applicant.income.period"),
        Some(FieldSchema {
            required: true,
            choices: &["WEEKLY", "BIWEEKLY", "MONTHLY", "ANNUAL"],
            case_insensitive: true,
            ..FieldSchema::default()
        })
    );
    assert_eq!(
        field_schema("product.requestedAmount"),
        Some(FieldSchema {
            required: false,
            pattern: Some(AMOUNT_PATTERN),
            exclusive_minimum: Some("0"),
            maximum: Some("100000000"),
            ..FieldSchema::default()
        })
    );
    let dob = field_schema("coApplicant.dateOfBirth").unwrap();
    assert_eq!((dob.required, dob.format), (true, Some("date")));
    let id = field_schema("applicant.governmentId[1].value").unwrap();
    assert_eq!((id.required, id.max_length), (true, None));
    assert_eq!(id.pattern, Some(DOCUMENT_NUMBER_PATTERN));
    let list = field_schema("applicant.addresses").unwrap();
    assert_eq!((list.required, list.max_items), (true, Some(5)));
    let jobs = field_schema("applicant.employment").unwrap();
    assert_eq!((jobs.required, jobs.max_items), (false, Some(10)));
    let country = field_schema("applicant.addresses[0].countryCode").unwrap();
    assert_eq!(country.choices.len(), 249);
    assert!(country.case_insensitive);
    assert_eq!(
        field_schema("consent.termsAccepted").unwrap().choices,
        ["true"]
    );
    assert_eq!(field_schema("file"), Some(FieldSchema::default()));
    let email = field_schema("applicant.email").unwrap();
    assert_eq!((email.max_length, email.format), (Some(254), Some("email")));
}

#[test]
fn whitespace_class_is_exactly_rust_whitespace() {
    let ws = regex::Regex::new(concat!("^", ws!(), "$")).unwrap();
    let mut buf = [0u8; 4];
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        assert_eq!(
            ws.is_match(c.encode_utf8(&mut buf)),
            c.is_whitespace(),
            "{c:?}"
        );
    }
}

fn today() -> Date {
    Date::parse("2024-06-15").unwrap()
}

/// Raw values a client might send: valid ones with padding, case and separators, and
/// near misses.
fn samples() -> Vec<String> {
    let base = [
        "12345678Z",
        "12.345.678-z",
        "x-1234567-l",
        "Y1234567X",
        "PAA123456",
        "ab 12 34",
        "612 34 56 78",
        "0034 912 345 678",
        "(+34) 91.234.56.78",
        "+44 20 7946 0958",
        "+1-888-378-4329",
        "1990-05-17",
        "2006-06-15",
        "2030-01-01",
        "2023-02-29",
        "ES",
        "es",
        "gb",
        "ﬁ",
        "EUR",
        "eur",
        "monthly",
        "Annual",
        "PERMANENT",
        "self_employed",
        "true",
        "FALSE",
        "payslip",
        "Bank_Statement",
        "2500",
        "2500.5",
        "007",
        "0.01",
        "100000000",
        "100000000.01",
        "12,50",
        "28013",
        "01000",
        "SW1A 1AA",
        "d02  x285",
        "1000-001",
        "Lucía",
        "José  María",
        "O'Brien",
        "lucia@example.com",
        " Lucia@EXAMPLE.com",
        "c12da910e8734aea856cd0fefb2be80d",
        "ABC1",
        "",
        "x",
    ];
    let mut out = Vec::new();
    for b in base {
        for pad in ["", " ", "\u{a0}\t", "\u{85}", "\u{3000} "] {
            out.push(format!("{pad}{b}{pad}"));
        }
    }
    for n in [
        19, 20, 21, 32, 33, 50, 51, 64, 65, 100, 101, 200, 201, 254, 255,
    ] {
        out.push("a".repeat(n));
        out.push(format!("  {}  ", "b".repeat(n)));
    }
    out
}

/// Every accepted raw value satisfies its row's schema: patterns as sent, lengths,
/// choices and formats after whitespace normalisation (see `FieldSchema`).
#[test]
fn schema_holds_for_every_accepted_sample() {
    let contexts = [
        FieldContext::default(),
        FieldContext {
            country_code: Some("gb"),
            id_type: Some("passport"),
        },
        FieldContext {
            country_code: Some("ES"),
            id_type: Some("NIE"),
        },
    ];
    let mut accepted = 0;
    for f in fields().filter(|f| f.is_value()) {
        let path = format!("applicant.{}[0].{}", f.parent, f.name);
        let schema = f.schema();
        let pattern = schema
            .pattern
            .map(|p| regex::Regex::new(p).unwrap_or_else(|e| panic!("{p}: {e}")));
        for raw in samples() {
            for ctx in contexts {
                if validate_field_with(&path, &raw, today(), ctx).is_some() {
                    continue;
                }
                let ws = match f.normalization() {
                    Normalization::CollapseSpaces | Normalization::CollapseUpper => {
                        crate::validate::collapse_whitespace(&raw)
                    }
                    _ => raw.trim().to_owned(),
                };
                if ws.is_empty() {
                    assert!(!schema.required, "{path} {raw:?}");
                    continue;
                }
                accepted += 1;
                if let Some(re) = &pattern {
                    assert!(re.is_match(&raw), "{path}: {raw:?} vs {}", re.as_str());
                }
                if let Some(max) = schema.max_length {
                    assert!(ws.chars().count() <= max, "{path}: {raw:?}");
                }
                if !schema.choices.is_empty() {
                    let folded = f.normalization().apply(&raw);
                    assert!(schema.choices.contains(&folded.as_str()), "{path}: {raw:?}");
                    if !schema.case_insensitive {
                        assert!(schema.choices.contains(&ws.as_str()), "{path}: {raw:?}");
                    }
                }
                if schema.format == Some("date") {
                    assert!(Date::parse(&ws).is_ok(), "{path}: {raw:?}");
                }
            }
        }
    }
    assert!(accepted > 300, "{accepted}");
}

#[test]
fn patterns_refuse_what_they_should() {
    let re = |p: &str| regex::Regex::new(p).unwrap();
    let id = re(DOCUMENT_NUMBER_PATTERN);
    assert!(id.is_match(" 12.345.678-z "));
    assert!(!id.is_match("12345"));
    assert!(!id.is_match("1234567890"));
    assert!(!id.is_match("12345678Ñ"));
    let amount = re(AMOUNT_PATTERN);
    assert!(amount.is_match(" 0002500.50 "));
    assert!(!amount.is_match("12,50"));
    assert!(!amount.is_match("1234567890"));
    let phone = re(PHONE_PATTERN);
    assert!(phone.is_match("(+34) 91.234.56.78"));
    assert!(!phone.is_match("+34 612 abc"));
    let postcode = re(POSTCODE_PATTERN);
    assert!(postcode.is_match(" sw1a \u{a0} 1aa "));
    assert!(!postcode.is_match("12"));
    assert!(!postcode.is_match("-1234"));
    let country = re(COUNTRY_PATTERN);
    assert!(country.is_match(" es "));
    assert!(!country.is_match("ﬁ"));
}

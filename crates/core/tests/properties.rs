//! Property tests: generated valid requests pass; any single mutation produces exactly
//! the one expected error; the pure helpers hold their invariants on arbitrary input.
#![cfg(not(target_arch = "wasm32"))]

use onboarding_core::document::{self, ContentType};
use onboarding_core::model::{
    Address, Applicant, Consent, Employer, Employment, GovernmentId, Income, Name, Product,
    TenantRequest,
};
use onboarding_core::validate::{
    self, Code, Date, dni_letter, normalize_and_validate_tenant_request, normalize_tenant_request,
    validate_field, validate_tenant_request,
};
use onboarding_core::{device, signature, token};
use proptest::prelude::*;

fn today() -> Date {
    Date::parse("2025-03-01").unwrap()
}

fn name_part() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Lucía",
        "José",
        "María",
        "Núñez",
        "O'Brien",
        "García-Pérez",
        "Ángel",
        "Zoë",
        "Iñaki",
        "Françoise",
        "Jr.",
        "D’Angelo",
        "Łukasz",
        "Ana",
    ]);
    prop::collection::vec(words, 1..3).prop_map(|w| w.join(" "))
}

fn dni() -> impl Strategy<Value = (String, String)> {
    (0u32..100_000_000).prop_map(|n| ("DNI".to_owned(), format!("{n:08}{}", dni_letter(n))))
}

fn nie() -> impl Strategy<Value = (String, String)> {
    (0u32..3, 0u32..10_000_000).prop_map(|(lead, n)| {
        let prefix = ['X', 'Y', 'Z'][lead as usize];
        (
            "NIE".to_owned(),
            format!("{prefix}{n:07}{}", dni_letter(lead * 10_000_000 + n)),
        )
    })
}

fn passport() -> impl Strategy<Value = (String, String)> {
    "[A-Z0-9]{6,9}".prop_map(|p| ("PASSPORT".to_owned(), p))
}

fn government_id() -> impl Strategy<Value = GovernmentId> {
    prop_oneof![dni(), nie(), passport()].prop_map(|(kind, value)| GovernmentId {
        kind,
        value,
        country_code: "ES".into(),
        ..GovernmentId::default()
    })
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9._+-]{0,20}[a-z0-9]",
        "[a-z][a-z0-9-]{0,10}[a-z0-9]",
        "(es|com|org|eu)",
    )
        .prop_filter("no double dots", |(l, _, _)| !l.contains(".."))
        .prop_map(|(l, d, t)| format!("{l}@{d}.{t}"))
}

fn phone() -> impl Strategy<Value = String> {
    prop_oneof!["6[0-9]{8}", "7[1-4][0-9]{7}", "[89][1-8][0-9]{7}",].prop_map(|n| format!("+34{n}"))
}

fn address() -> impl Strategy<Value = Address> {
    (1000u32..=52999, "[A-Za-zñ ]{1,30}[0-9]{0,3}", name_part()).prop_map(|(pc, line1, city)| {
        Address {
            line1: format!("Calle {}", line1.trim()),
            city,
            country_code: "ES".into(),
            postal_code: format!("{pc:05}"),
            ..Address::default()
        }
    })
}

fn birth_date() -> impl Strategy<Value = String> {
    // Ages 18–100 on `today`.
    let max = today().to_unix_days() - 18 * 366;
    let min = today().to_unix_days() - 100 * 365;
    (min..=max).prop_map(|d| Date::from_unix_days(d).to_string())
}

fn amount() -> impl Strategy<Value = String> {
    (1u64..10_000_000, prop::option::of(0u8..100)).prop_map(|(whole, cents)| match cents {
        Some(c) => format!("{whole}.{c:02}"),
        None => whole.to_string(),
    })
}

fn applicant() -> impl Strategy<Value = Applicant> {
    (
        (name_part(), name_part(), prop::option::of(name_part())),
        email(),
        phone(),
        birth_date(),
        prop::collection::vec(address(), 1..3),
        prop::collection::vec(government_id(), 1..3),
        prop::option::of((
            amount(),
            prop::sample::select(vec!["WEEKLY", "BIWEEKLY", "MONTHLY", "ANNUAL"]),
        )),
        prop::bool::ANY,
    )
        .prop_map(
            |((first, last, second_last), email, phone, dob, addresses, ids, income, employed)| {
                Applicant {
                    name: Name {
                        first,
                        last,
                        second_last,
                        ..Name::default()
                    },
                    email,
                    phone_number: phone,
                    date_of_birth: dob,
                    addresses,
                    government_id: ids,
                    employment: if employed {
                        vec![Employment {
                            employer: Employer {
                                name: "Acme SL".into(),
                                address: None,
                            },
                            start_date: Some("2019-08-24".into()),
                            current_employee: Some("true".into()),
                            contract_type: Some("PERMANENT".into()),
                            ..Employment::default()
                        }]
                    } else {
                        Vec::new()
                    },
                    income: income.map(|(amount, period)| Income {
                        period: period.into(),
                        amount,
                        currency: "EUR".into(),
                    }),
                }
            },
        )
}

fn request() -> impl Strategy<Value = TenantRequest> {
    (
        applicant(),
        prop::option::of(applicant()),
        amount(),
        any::<[u8; 16]>(),
    )
        .prop_map(|(applicant, co_applicant, rent, seed)| TenantRequest {
            applicant,
            co_applicant,
            product: Some(Product {
                product_type: Some("rental".into()),
                requested_amount: Some(rent),
                ..Product::default()
            }),
            device_session_id: Some(device::session_id(seed)),
            external_reference: None,
            consent: Some(Consent {
                terms_accepted: true,
                credit_check_accepted: true,
                version: Some(onboarding_core::consent::VERSION.to_owned()),
            }),
        })
}

/// One change to a valid request and the single error it must produce.
#[derive(Debug, Clone)]
enum Mutation {
    BreakIdLetter,
    UnderageBirthDate(i64),
    FutureBirthDate(i64),
    ImpossibleBirthDate,
    BadPostcode(u32),
    EmptyFirstName,
    InvisibleInLastName(char),
    BadEmail(usize),
    BadPhone(String),
    BadCountry,
    BadCurrency,
    BadAmount(usize),
    TooLongCity,
    NoConsentToCreditCheck,
    BadDeviceSession,
    BadIdType,
    NoAddresses,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::BreakIdLetter),
        (1i64..18 * 365 - 5).prop_map(Mutation::UnderageBirthDate),
        (1i64..1000).prop_map(Mutation::FutureBirthDate),
        Just(Mutation::ImpossibleBirthDate),
        prop_oneof![0u32..1000, 53000u32..100_000].prop_map(Mutation::BadPostcode),
        Just(Mutation::EmptyFirstName),
        prop::sample::select(vec![
            '\u{200B}', '\u{202E}', '\u{0}', '\u{FEFF}', '\u{2066}'
        ])
        .prop_map(Mutation::InvisibleInLastName),
        (0usize..4).prop_map(Mutation::BadEmail),
        prop_oneof!["5[0-9]{8}", "70[0-9]{7}", "90[0-9]{7}", "6[0-9]{7}"]
            .prop_map(Mutation::BadPhone),
        Just(Mutation::BadCountry),
        Just(Mutation::BadCurrency),
        (0usize..4).prop_map(Mutation::BadAmount),
        Just(Mutation::TooLongCity),
        Just(Mutation::NoConsentToCreditCheck),
        Just(Mutation::BadDeviceSession),
        Just(Mutation::BadIdType),
        Just(Mutation::NoAddresses),
    ]
}

/// Applies `m` to the applicant and returns the expected (field, code).
fn apply(req: &mut TenantRequest, m: &Mutation) -> (String, Code) {
    let a = &mut req.applicant;
    let t = today().to_unix_days();
    match m {
        Mutation::BreakIdLetter => {
            let id = &mut a.government_id[0];
            id.kind = "DNI".into();
            let good = dni_letter(12_345_678);
            let bad = if good == 'A' { 'B' } else { 'A' };
            id.value = format!("12345678{bad}");
            (
                "applicant.governmentId[0].value".into(),
                Code::InvalidChecksum,
            )
        }
        Mutation::UnderageBirthDate(days) => {
            a.date_of_birth = Date::from_unix_days(t - days).to_string();
            ("applicant.dateOfBirth".into(), Code::Underage)
        }
        Mutation::FutureBirthDate(days) => {
            a.date_of_birth = Date::from_unix_days(t + days).to_string();
            ("applicant.dateOfBirth".into(), Code::OutOfRange)
        }
        Mutation::ImpossibleBirthDate => {
            a.date_of_birth = "1990-02-30".into();
            ("applicant.dateOfBirth".into(), Code::InvalidDate)
        }
        Mutation::BadPostcode(pc) => {
            a.addresses[0].postal_code = format!("{pc:05}");
            (
                "applicant.addresses[0].postalCode".into(),
                Code::InvalidPostcode,
            )
        }
        Mutation::EmptyFirstName => {
            a.name.first = "   ".into();
            ("applicant.name.first".into(), Code::Required)
        }
        Mutation::InvisibleInLastName(c) => {
            let at = a.name.last.chars().next().map_or(0, char::len_utf8);
            a.name.last.insert(at, *c);
            ("applicant.name.last".into(), Code::InvalidCharacters)
        }
        Mutation::BadEmail(i) => {
            a.email = ["lucia", "lucia@", "lucia@example", "lu..cia@example.com"][*i].into();
            ("applicant.email".into(), Code::InvalidEmail)
        }
        Mutation::BadPhone(p) => {
            a.phone_number = format!("+34{p}");
            ("applicant.phoneNumber".into(), Code::InvalidPhone)
        }
        Mutation::BadCountry => {
            a.government_id[0].country_code = "XX".into();
            (
                "applicant.governmentId[0].countryCode".into(),
                Code::InvalidCountry,
            )
        }
        Mutation::BadCurrency => {
            a.income = Some(Income {
                period: "MONTHLY".into(),
                amount: "1200".into(),
                currency: "PTS".into(),
            });
            ("applicant.income.currency".into(), Code::InvalidCurrency)
        }
        Mutation::BadAmount(i) => {
            let (value, code) = [
                ("12,50", Code::InvalidFormat),
                ("0", Code::OutOfRange),
                ("-3", Code::OutOfRange),
                ("1.234", Code::InvalidFormat),
            ][*i];
            req.product.as_mut().unwrap().requested_amount = Some(value.into());
            ("product.requestedAmount".into(), code)
        }
        Mutation::TooLongCity => {
            a.addresses[0].city = "M".repeat(101);
            ("applicant.addresses[0].city".into(), Code::TooLong)
        }
        Mutation::NoConsentToCreditCheck => {
            req.consent = Some(Consent {
                terms_accepted: true,
                credit_check_accepted: false,
                version: Some(onboarding_core::consent::VERSION.to_owned()),
            });
            ("consent.creditCheckAccepted".into(), Code::ConsentRequired)
        }
        Mutation::BadDeviceSession => {
            req.device_session_id = Some("not a session!".into());
            ("deviceSessionId".into(), Code::InvalidFormat)
        }
        Mutation::BadIdType => {
            a.government_id[0].kind = "DRIVING_LICENCE".into();
            ("applicant.governmentId[0].type".into(), Code::InvalidChoice)
        }
        Mutation::NoAddresses => {
            a.addresses.clear();
            ("applicant.addresses".into(), Code::Required)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn valid_requests_pass(mut req in request()) {
        normalize_tenant_request(&mut req);
        prop_assert_eq!(validate_tenant_request(&req, today()), Ok(()));
    }

    #[test]
    fn single_mutation_gives_exactly_one_error(mut req in request(), m in mutation()) {
        let expected = apply(&mut req, &m);
        normalize_tenant_request(&mut req);
        let errors = validate_tenant_request(&req, today()).unwrap_err();
        let got: Vec<(String, Code)> = errors.into_iter().map(|e| (e.field, e.code)).collect();
        prop_assert_eq!(got, vec![expected]);
    }

    #[test]
    fn normalisation_is_idempotent(mut req in request(), m in mutation()) {
        apply(&mut req, &m);
        normalize_tenant_request(&mut req);
        let once = req.clone();
        normalize_tenant_request(&mut req);
        prop_assert_eq!(once, req);
    }

    #[test]
    fn one_walk_is_normalising_then_validating(
        mut req in request(),
        m in mutation(),
        s in prop_oneof![any::<String>(), "[ ]?[a-zA-Z0-9. -]{0,12}[ ]?"],
        slot in 0usize..9,
    ) {
        apply(&mut req, &m);
        // A raw value in a field another one depends on, or that depends on another.
        let a = &mut req.applicant;
        match slot {
            0 => if let Some(addr) = a.addresses.first_mut() { addr.country_code = s },
            1 => if let Some(addr) = a.addresses.first_mut() { addr.postal_code = s },
            2 => a.government_id[0].kind = s,
            3 => a.government_id[0].value = s,
            4 => a.employment.push(Employment { start_date: Some(s), end_date: Some(" 2020-01-01 ".into()), ..Employment::default() }),
            5 => a.employment.push(Employment { start_date: Some("2020-01-01".into()), end_date: Some(s), ..Employment::default() }),
            6 => a.email = s,
            7 => req.consent.as_mut().unwrap().version = Some(s),
            _ => req.device_session_id = Some(s),
        }
        let mut two_steps = req.clone();
        normalize_tenant_request(&mut two_steps);
        let expected = validate_tenant_request(&two_steps, today());
        prop_assert_eq!(normalize_and_validate_tenant_request(&mut req, today()), expected);
        prop_assert_eq!(req, two_steps);
    }

    #[test]
    fn arbitrary_strings_never_panic(
        s in any::<String>(),
        field in prop::sample::select(vec![
            "applicant.name.first", "applicant.email", "applicant.phoneNumber",
            "applicant.dateOfBirth", "applicant.addresses[0].postalCode",
            "applicant.governmentId[0].value", "applicant.income.amount",
            "applicant.income.currency", "applicant.addresses[0].countryCode",
            "deviceSessionId", "kind",
        ]),
    ) {
        if let Some(e) = validate_field(field, &s, today()) {
            prop_assert_eq!(e.field.as_str(), field);
            for locale in [onboarding_core::i18n::Locale::Es, onboarding_core::i18n::Locale::En] {
                prop_assert!(!onboarding_core::i18n::message(locale, &e).is_empty());
            }
        }
        let mut req = TenantRequest::default();
        req.applicant.name.first = s.clone();
        req.applicant.email = s.clone();
        req.applicant.phone_number = s.clone();
        req.applicant.date_of_birth = s.clone();
        req.applicant.government_id.push(GovernmentId { kind: "DNI".into(), value: s.clone(), country_code: s.clone(), ..GovernmentId::default() });
        req.applicant.addresses.push(Address { postal_code: s.clone(), country_code: s.clone(), ..Address::default() });
        normalize_tenant_request(&mut req);
        let _ = validate_tenant_request(&req, today());
    }

    #[test]
    fn dni_letter_detects_every_single_letter_change(n in 0u32..100_000_000, wrong in "[A-Z]") {
        let right = dni_letter(n);
        let w = wrong.chars().next().unwrap();
        let result = validate::validate_dni(&format!("{n:08}{w}"));
        if w == right {
            prop_assert_eq!(result, Ok(()));
        } else {
            prop_assert_eq!(result, Err(Code::InvalidChecksum));
        }
    }

    #[test]
    fn dates_round_trip(days in -719_162i64..2_932_896) {
        let d = Date::from_unix_days(days);
        prop_assert_eq!(d.to_unix_days(), days);
        prop_assert_eq!(Date::parse(&d.to_string()), Ok(d));
    }

    #[test]
    fn sniff_only_accepts_the_three_magics(head in prop::collection::vec(any::<u8>(), 0..32)) {
        let expected = if head.starts_with(b"%PDF-") {
            Some(ContentType::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ContentType::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(ContentType::Png)
        } else {
            None
        };
        prop_assert_eq!(document::sniff(&head), expected);
    }

    #[test]
    fn tokens_round_trip_and_resist_tampering(
        pk in "pk_[a-z0-9_]{1,40}",
        origin in "https://[a-z0-9.-]{1,40}(:[0-9]{1,5})?",
        tenant in prop::option::of("[a-z0-9_-]{1,40}"),
        exp in 1i64..i64::MAX,
        key in prop::collection::vec(any::<u8>(), 32..64),
        flip in any::<prop::sample::Index>(),
    ) {
        let (since, generation) = if tenant.is_some() { (exp / 2, (exp % 1000) as u32) } else { (0, 0) };
        let claims = token::SessionClaims { publishable_key: pk.clone(), origin: origin.clone(), session_id: "5e55".into(), tenant_id: tenant, expires_at: exp, since, generation, grant: None };
        let t = token::issue(&claims, &key);
        let aud = token::Audience::new(pk, origin);
        prop_assert_eq!(token::verify(&t, &[&key], exp - 1, &aud), Ok(claims));
        let mut bytes = t.into_bytes();
        let i = 3 + flip.index(bytes.len() - 3);
        bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
        let tampered = String::from_utf8(bytes).unwrap();
        prop_assert!(matches!(
            token::verify(&tampered, &[&key], exp - 1, &aud),
            Err(token::TokenError::BadSignature | token::TokenError::Malformed | token::TokenError::UnknownKey)
        ));
    }

    #[test]
    fn signatures_round_trip(
        secret in prop::collection::vec(any::<u8>(), 1..64),
        body in prop::collection::vec(any::<u8>(), 0..256),
        t in 0i64..4_000_000_000,
        skew in -300i64..=300,
    ) {
        let header = signature::sign(&secret, t, &body);
        prop_assert_eq!(signature::verify(&header, &body, &[b"other", &secret], t + skew, 300), Ok(t));
        let mut other = body.clone();
        other.push(0);
        prop_assert_eq!(signature::verify(&header, &other, &[&secret], t, 300), Err(signature::SignatureError::Mismatch));
    }

    #[test]
    fn headers_never_panic(header in any::<String>(), now in any::<i64>(), tol in 0i64..1_000_000) {
        let _ = signature::verify(&header, b"{}", &[b"k"], now, tol);
        let _ = onboarding_core::i18n::Locale::negotiate(&header);
        let _ = token::verify(&header, &[b"k"], now, &token::Audience::new("a", "b"));
    }
}

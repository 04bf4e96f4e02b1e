// In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;

fn msg(locale: Locale, field: &str, code: Code, params: &[(&str, &str)]) -> String {
    let mut e = ValidationError::new(field, code);
    for (k, v) in params {
        e = e.with_param(k, *v);
    }
    message(locale, &e)
}

#[test]
fn negotiation() {
    let cases = [
        ("", Locale::Es),
        ("es", Locale::Es),
        ("en", Locale::En),
        ("en-GB", Locale::En),
        ("EN-us", Locale::En),
        ("es-ES,es;q=0.9,en;q=0.8", Locale::Es),
        ("en-GB,en;q=0.9,es;q=0.8", Locale::En),
        ("fr-FR,fr;q=0.9,en;q=0.8,es;q=0.7", Locale::En),
        ("fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7", Locale::Es),
        ("es;q=0.5, en;q=0.6", Locale::En),
        ("en;q=0, es;q=0.1", Locale::Es),
        ("en;q=0", Locale::Es),
        ("de, *;q=0.5", Locale::Es),
        ("de", Locale::Es),
        ("en;q=1.0", Locale::En),
        ("en;q=garbage", Locale::Es),
        ("en;q=2", Locale::Es),
        ("en;q=0.001, es;q=0.0001", Locale::En),
        ("en, es", Locale::En),
        ("es, en", Locale::Es),
        ("es;q=0.8, en;q=0.8", Locale::Es),
        ("english", Locale::Es),
        (",,;;==", Locale::Es),
        ("en_US", Locale::En),
    ];
    for (header, want) in cases {
        assert_eq!(Locale::negotiate(header), want, "{header:?}");
    }
    assert_eq!("en-GB".parse::<Locale>(), Ok(Locale::En));
    assert!("fr".parse::<Locale>().is_err());
    assert_eq!(serde_json::to_string(&Locale::Es).unwrap(), "\"es\"");
}

#[test]
fn design_examples() {
    assert_eq!(
        msg(
            Locale::Es,
            "applicant.governmentId[0].value",
            Code::InvalidChecksum,
            &[("type", "DNI")]
        ),
        "La letra del DNI no es correcta."
    );
    assert_eq!(
        msg(
            Locale::Es,
            "applicant.addresses[0].postalCode",
            Code::InvalidPostcode,
            &[("country", "ES")]
        ),
        "El código postal debe estar entre 01000 y 52999."
    );
    assert_eq!(
        msg(
            Locale::En,
            "applicant.addresses[0].postalCode",
            Code::InvalidPostcode,
            &[("country", "ES")]
        ),
        "The postcode must be between 01000 and 52999."
    );
}

#[test]
fn agreement_and_owner() {
    assert_eq!(
        msg(Locale::Es, "applicant.name.first", Code::Required, &[]),
        "El nombre es obligatorio."
    );
    assert_eq!(
        msg(Locale::Es, "applicant.dateOfBirth", Code::Required, &[]),
        "La fecha de nacimiento es obligatoria."
    );
    assert_eq!(
        msg(Locale::Es, "coApplicant.email", Code::Required, &[]),
        "El correo electrónico del cotitular es obligatorio."
    );
    assert_eq!(
        msg(Locale::En, "coApplicant.email", Code::Required, &[]),
        "The co-applicant's email address is required."
    );
    assert_eq!(
        msg(Locale::En, "applicant.name.first", Code::Required, &[]),
        "The first name is required."
    );
    assert_eq!(
        msg(
            Locale::Es,
            "coApplicant.dateOfBirth",
            Code::Underage,
            &[("min_age", "18")]
        ),
        "El cotitular debe tener al menos 18 años."
    );
    assert_eq!(
        msg(
            Locale::En,
            "applicant.dateOfBirth",
            Code::Underage,
            &[("min_age", "18")]
        ),
        "You must be at least 18 years old."
    );
    assert_eq!(
        msg(Locale::Es, "applicant.income", Code::Required, &[]),
        "Los ingresos son obligatorios."
    );
}

#[test]
fn every_code_has_a_sentence_in_every_language() {
    let fields = [
        "applicant.name.first",
        "coApplicant.governmentId[1].value",
        "applicant.addresses[0].postalCode",
        "consent.termsAccepted",
        "product.requestedAmount",
        "file",
        "some.unknown.path",
    ];
    for locale in Locale::ALL {
        for code in Code::ALL {
            for field in fields {
                let m = msg(locale, field, code, &[]);
                assert!(m.len() > 10, "{locale:?} {code} {field}: {m}");
                assert!(m.ends_with('.'), "{m}");
                assert!(m.chars().next().unwrap().is_uppercase(), "{m}");
                assert!(!m.contains("{"), "{m}");
            }
        }
    }
}

#[test]
fn parameters_are_used() {
    assert_eq!(
        msg(
            Locale::Es,
            "applicant.name.first",
            Code::TooLong,
            &[("max", "100")]
        ),
        "El nombre no puede tener más de 100 caracteres."
    );
    assert_eq!(
        msg(
            Locale::En,
            "applicant.income.period",
            Code::InvalidChoice,
            &[("allowed", "WEEKLY, MONTHLY")]
        ),
        "The income period is not a valid option. Choose one of: WEEKLY, MONTHLY."
    );
    assert_eq!(
        msg(
            Locale::Es,
            "file",
            Code::FileTooLarge,
            &[("max", "15728640")]
        ),
        "El archivo supera el tamaño máximo de 15 MB."
    );
    assert_eq!(
        msg(
            Locale::En,
            "applicant.governmentId[0].value",
            Code::InvalidChecksum,
            &[("type", "NIE")]
        ),
        "The NIE control letter is not correct."
    );
    assert_eq!(
        msg(
            Locale::Es,
            "applicant.governmentId[0].value",
            Code::InvalidFormat,
            &[("format", "dni"), ("type", "DNI")]
        ),
        "El DNI debe tener 8 números seguidos de una letra, por ejemplo 12345678Z."
    );
    assert_eq!(
        msg(
            Locale::En,
            "applicant.employment[0].endDate",
            Code::OutOfRange,
            &[("not_before", "2019-08-24")]
        ),
        "The end date cannot be earlier than 2019-08-24."
    );
    assert_eq!(
        msg(
            Locale::Es,
            "applicant.dateOfBirth",
            Code::OutOfRange,
            &[("not_after", "2024-06-15")]
        ),
        "La fecha de nacimiento no puede estar en el futuro."
    );
    assert_eq!(
        msg(Locale::Es, "consent", Code::ConsentRequired, &[]),
        "Debes aceptar los términos y autorizar la consulta de solvencia."
    );
}

#[test]
fn labels() {
    assert_eq!(field_label(Locale::Es, "applicant.name.first"), "Nombre");
    assert_eq!(
        field_label(Locale::En, "applicant.dateOfBirth"),
        "Date of birth"
    );
    assert_eq!(
        field_label(Locale::Es, "coApplicant.addresses[0].postalCode"),
        "Código postal (cotitular)"
    );
    assert_eq!(field_label(Locale::En, "coApplicant"), "Co-applicant");
    assert_eq!(
        field_label(Locale::En, "applicant.employment[2].employer.name"),
        "Employer name"
    );
    assert_eq!(
        field_label(Locale::Es, "deviceSessionId"),
        "Identificador de sesión del dispositivo"
    );
}

#[test]
fn localize_and_problem() {
    let errors = vec![
        ValidationError::new("applicant.governmentId[0].value", Code::InvalidChecksum)
            .with_param("type", "DNI"),
        ValidationError::new("applicant.email", Code::InvalidEmail),
    ];
    let out = localize(Locale::Es, &errors);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].code, "invalid_checksum");
    assert_eq!(out[0].message, "La letra del DNI no es correcta.");
    let p = crate::model::problem::Problem::validation(Locale::En, &errors);
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.starts_with(
        r#"{"type":"about:blank","title":"Validation failed","status":422,"code":"validation_failed","errors":[{"field":"applicant.governmentId[0].value","code":"invalid_checksum","message":"#
    ), "{json}");
    let plain = crate::model::problem::Problem::new(
        Locale::Es,
        crate::model::problem::ProblemCode::Unauthorized,
    );
    assert_eq!(
        serde_json::to_string(&plain).unwrap(),
        r#"{"type":"about:blank","title":"No autorizado","status":401,"code":"unauthorized"}"#
    );
    let with_detail = plain.with_detail("x");
    assert!(
        serde_json::to_string(&with_detail)
            .unwrap()
            .ends_with(r#""detail":"x"}"#)
    );
}

#[test]
fn problem_titles() {
    use crate::model::problem::ProblemCode;
    let mut seen = std::collections::HashSet::new();
    for &code in ProblemCode::ALL {
        assert!(seen.insert(code.as_str()), "{code} twice");
        assert_eq!(ProblemCode::parse(code.as_str()), Some(code));
        assert!((400..600).contains(&code.status()), "{code}");
        for locale in Locale::ALL {
            assert!(!code.title(locale).is_empty(), "{code}");
        }
        assert_ne!(code.title(Locale::Es), code.title(Locale::En), "{code}");
        assert_ne!(code.title(Locale::Es), code.title(Locale::Ca), "{code}");
    }
    assert_eq!(
        ProblemCode::ValidationFailed.title(Locale::En),
        "Validation failed"
    );
    assert_eq!(ProblemCode::FileTooLarge.status(), 413);
    assert_eq!(ProblemCode::parse("nope"), None);
}

#[test]
fn sizes_in_mb_match_float_formatting() {
    let float = |b: u64| {
        if b.is_multiple_of(1024 * 1024) {
            (b / (1024 * 1024)).to_string()
        } else {
            format!("{:.1}", b as f64 / (1024.0 * 1024.0))
        }
    };
    let mut cases: Vec<u64> = (0..4096).map(|i| i * 256 + 1).collect();
    for k in 0..64u64 {
        // Exact ties (x.x5 MiB) and their neighbours, small and huge.
        let tie = (2 * k + 1) << 18;
        cases.extend([tie - 1, tie, tie + 1, 10 * 1024 * 1024 + tie]);
        cases.extend([
            u64::MAX - k * 977,
            (1 << 53) + k * 3,
            (1 << 60) + k * 12_345,
        ]);
    }
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        cases.push(x >> (x % 64));
    }
    for b in cases {
        assert_eq!(format_mb(&b.to_string()), float(b), "{b}");
    }
    assert_eq!(format_mb("abc"), "abc");
}

#[test]
fn labels_start_with_ascii_letters() {
    // `capitalize` upper-cases only an ASCII first letter.
    for locale in Locale::ALL {
        let catalog = Catalog::builtin(locale);
        for s in catalog.labels().chain([catalog.get(Text::UnknownField)]) {
            assert!(s.as_bytes()[0].is_ascii_lowercase(), "{s}");
        }
    }
    for path in ["applicant.income", "answers"] {
        assert!(Catalog::builtin(Locale::Es).subject(path).plural, "{path}");
    }
    assert_eq!(
        field_label(Locale::Es, "applicant.addresses[0].city"),
        "Localidad"
    );
    assert_eq!(field_label(Locale::En, "nothing.here"), "Field");
}

#[test]
fn catalan() {
    assert_eq!(Locale::first_of("fr-FR,ca,en"), Locale::Ca);
    assert_eq!(Locale::first_of("en-GB"), Locale::En);
    assert_eq!(Locale::first_of("fr,de"), Locale::Es);
    assert_eq!(Locale::first_of(""), Locale::Es);
    assert_eq!(Locale::from_tag("ca-ES-valencia"), Some(Locale::Ca));
    assert_eq!(Locale::negotiate("ca-ES,ca;q=0.9,es;q=0.8"), Locale::Ca);
    assert_eq!(Locale::negotiate("fr, ca;q=0.5, en;q=0.4"), Locale::Ca);
    assert_eq!(serde_json::to_string(&Locale::Ca).unwrap(), "\"ca\"");
    let cases = [
        // Agreement: masculine, feminine, plural; the elided article before a vowel.
        (
            "applicant.email",
            Code::Required,
            "El correu electrònic és obligatori.",
        ),
        (
            "applicant.dateOfBirth",
            Code::Required,
            "La data de naixement és obligatòria.",
        ),
        ("answers", Code::Required, "Les respostes són obligatòries."),
        (
            "applicant.income",
            Code::Required,
            "Els ingressos són obligatoris.",
        ),
        (
            "applicant.addresses[0].line1",
            Code::Required,
            "L'adreça és obligatòria.",
        ),
        (
            "applicant.income.amount",
            Code::Required,
            "L'import dels ingressos és obligatori.",
        ),
        (
            "coApplicant.email",
            Code::InvalidEmail,
            "El correu electrònic del cotitular no és vàlid; ha de ser com nom@exemple.com.",
        ),
        (
            "applicant.addresses[0].postalCode",
            Code::InvalidPostcode,
            "El codi postal ha d'estar entre 01000 i 52999.",
        ),
        (
            "consent.creditCheckAccepted",
            Code::ConsentRequired,
            "Has d'autoritzar la consulta de solvència.",
        ),
    ];
    for (field, code, want) in cases {
        assert_eq!(msg(Locale::Ca, field, code, &[]), want, "{field}");
    }
    assert_eq!(
        msg(
            Locale::Ca,
            "applicant.governmentId[0].value",
            Code::InvalidChecksum,
            &[("type", "PASSPORT")]
        ),
        "La lletra del passaport no és correcta."
    );
    assert_eq!(
        field_label(Locale::Ca, "coApplicant.addresses[0].city"),
        "Localitat (cotitular)"
    );
    assert_eq!(field_label(Locale::Ca, "coApplicant"), "Cotitular");
    assert_eq!(
        crate::consent::text(crate::consent::ConsentKind::Terms, Locale::Ca),
        "He llegit i accepto les condicions i la política de privadesa"
    );
}

/// A catalog loaded from the data the built-in one exports says the same: the widget's
/// loaded catalogs are these tables.
#[test]
fn a_loaded_catalog_renders_like_the_builtin_one() {
    for locale in Locale::ALL {
        let builtin = Catalog::builtin(locale);
        let loaded = Catalog::load(
            locale,
            builtin.texts().map(str::to_owned).collect(),
            builtin.labels().map(str::to_owned).collect(),
        )
        .unwrap();
        for code in Code::ALL {
            for field in [
                "applicant.name.first",
                "coApplicant.addresses[0].line1",
                "answers",
                "x.y",
            ] {
                let e = ValidationError::new(field, code).with_param("max", "7");
                assert_eq!(loaded.message(&e), builtin.message(&e));
                assert_eq!(loaded.field_label(field), builtin.field_label(field));
            }
        }
    }
    let short = Catalog::load(Locale::Ca, vec!["x".into()], vec![]).unwrap_err();
    assert_eq!(short.texts, Text::ALL.len());
    // No template names a part Spanish does not (English may use fewer: "the
    // co-applicant's {label}" has no article).
    for &t in Text::ALL {
        let parts = |l: Locale| {
            let mut v: Vec<&str> = Catalog::builtin(l)
                .get(t)
                .split('{')
                .skip(1)
                .filter_map(|p| p.split('}').next())
                .filter(|p| !p.contains('|'))
                .collect();
            v.sort_unstable();
            v
        };
        assert_eq!(parts(Locale::Es), parts(Locale::Ca), "{t:?}");
        assert!(
            parts(Locale::En)
                .iter()
                .all(|p| parts(Locale::Es).contains(p)),
            "{t:?}"
        );
    }
}

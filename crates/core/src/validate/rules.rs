//! Single-value rules. Each takes an already normalised value (see
//! [`super::normalize_tenant_request`] and the `normalize_*` functions here) and
//! answers with the [`Code`] of the first rule it breaks.

use super::code::Code;
use crate::model::GovernmentIdType;

/// Control letters of DNI/NIE, indexed by the number modulo 23.
pub const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Longest accepted email address (RFC 5321 path limit minus the angle brackets).
pub const EMAIL_MAX: usize = 254;

/// Largest accepted amount, in whole currency units.
pub const AMOUNT_MAX: u64 = 100_000_000;

/// The control letter for a DNI number (or an NIE whose leading X/Y/Z was replaced by
/// 0/1/2).
pub fn dni_letter(number: u32) -> char {
    char::from(DNI_LETTERS[(number % 23) as usize])
}

fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

fn number(s: &[u8]) -> u32 {
    s.iter()
        .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
}

/// A DNI: 8 digits and the mod-23 control letter (`12345678Z`).
///
/// # Errors
///
/// [`Code::InvalidFormat`] for another shape, [`Code::InvalidChecksum`] for a wrong
/// letter.
pub fn validate_dni(value: &str) -> Result<(), Code> {
    let b = value.as_bytes();
    if b.len() != 9 || !all_digits(&b[..8]) || !b[8].is_ascii_uppercase() {
        return Err(Code::InvalidFormat);
    }
    if char::from(b[8]) != dni_letter(number(&b[..8])) {
        return Err(Code::InvalidChecksum);
    }
    Ok(())
}

/// An NIE: X, Y or Z (standing for 0, 1, 2), 7 digits and the mod-23 control letter
/// (`X1234567L`).
///
/// # Errors
///
/// [`Code::InvalidFormat`] for another shape, [`Code::InvalidChecksum`] for a wrong
/// letter.
pub fn validate_nie(value: &str) -> Result<(), Code> {
    let b = value.as_bytes();
    if b.len() != 9 || !all_digits(&b[1..8]) || !b[8].is_ascii_uppercase() {
        return Err(Code::InvalidFormat);
    }
    let lead = match b[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        _ => return Err(Code::InvalidFormat),
    };
    if char::from(b[8]) != dni_letter(lead * 10_000_000 + number(&b[1..8])) {
        return Err(Code::InvalidChecksum);
    }
    Ok(())
}

/// A passport number: 6–9 ASCII letters or digits.
///
/// # Errors
///
/// [`Code::InvalidFormat`] otherwise.
pub fn validate_passport(value: &str) -> Result<(), Code> {
    if (6..=9).contains(&value.len()) && value.bytes().all(|c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Code::InvalidFormat)
    }
}

/// A document number of the given type.
///
/// # Errors
///
/// As [`validate_dni`], [`validate_nie`] or [`validate_passport`].
pub fn validate_government_id(kind: GovernmentIdType, value: &str) -> Result<(), Code> {
    match kind {
        GovernmentIdType::Dni => validate_dni(value),
        GovernmentIdType::Nie => validate_nie(value),
        GovernmentIdType::Passport => validate_passport(value),
    }
}

/// Guesses the document type from a number's shape (for instant feedback before the
/// applicant picked a type): a leading digit is a DNI, X/Y/Z then a digit an NIE,
/// anything else a passport.
pub fn infer_government_id_type(value: &str) -> GovernmentIdType {
    let b = value.as_bytes();
    match b {
        [d, ..] if d.is_ascii_digit() => GovernmentIdType::Dni,
        [b'X' | b'Y' | b'Z', d, ..] if d.is_ascii_digit() => GovernmentIdType::Nie,
        _ => GovernmentIdType::Passport,
    }
}

/// Upper-cases and removes spaces, dashes and dots from a document number.
pub fn normalize_government_id(value: &str) -> String {
    in_place(value, normalize_government_id_in_place)
}

/// [`normalize_government_id`] on a value in place.
pub(crate) fn normalize_government_id_in_place(value: &mut String) {
    value.retain(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '\u{2010}'..='\u{2015}')));
    value.make_ascii_uppercase();
}

/// A `&str → String` normalisation from its in-place form.
fn in_place(value: &str, normalize: fn(&mut String)) -> String {
    let mut out = value.to_owned();
    normalize(&mut out);
    out
}

/// Removes surrounding whitespace (as [`str::trim`]); allocates only when there is
/// some.
pub(crate) fn trim_in_place(value: &mut String) {
    // The usual case: an ASCII letter, digit or symbol at both ends, nothing to trim.
    let b = value.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) {
        return;
    }
    let trimmed = value.trim();
    if trimmed.len() != value.len() {
        *value = trimmed.to_owned();
    }
}

/// An email address, RFC 5321-ish: one `@`; a local part of 1–64 ASCII characters
/// from the RFC 5322 atext set and dots (no leading, trailing or double dot); a domain
/// of at least two dot-separated labels of 1–63 letters, digits or inner hyphens, the
/// last one alphabetic (or `xn--…`) and at least two characters long.
///
/// # Errors
///
/// [`Code::TooLong`] over [`EMAIL_MAX`] characters, [`Code::InvalidEmail`] otherwise.
pub fn validate_email(value: &str) -> Result<(), Code> {
    if value.len() > EMAIL_MAX && value.chars().count() > EMAIL_MAX {
        return Err(Code::TooLong);
    }
    let (local, domain) = match value.split_once('@') {
        Some((l, d)) if !d.contains('@') => (l, d),
        _ => return Err(Code::InvalidEmail),
    };
    let atext = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&c);
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.bytes().all(|c| c == b'.' || atext(c));
    if !local_ok || domain.len() > 253 {
        return Err(Code::InvalidEmail);
    }
    // At least two labels.
    if !domain.contains('.') {
        return Err(Code::InvalidEmail);
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
    };
    let tld = domain.rsplit('.').next().unwrap_or_default();
    let tld_ok =
        tld.len() >= 2 && (tld.bytes().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--"));
    if tld_ok && domain.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(Code::InvalidEmail)
    }
}

/// Trims an email address and lower-cases its domain (the local part is left alone:
/// it is case-sensitive in principle).
pub fn normalize_email(value: &str) -> String {
    in_place(value, normalize_email_in_place)
}

/// [`normalize_email`] on a value in place.
pub(crate) fn normalize_email_in_place(value: &mut String) {
    trim_in_place(value);
    if let Some(at) = value.rfind('@') {
        value[at + 1..].make_ascii_lowercase();
    }
}

/// Brings a phone number to E.164 where the intent is clear: removes spaces, dashes,
/// dots and parentheses; `00` becomes `+`; a bare Spanish 9-digit number starting with
/// 6, 7, 8 or 9 gets `+34`. Anything else is returned cleaned but otherwise as typed.
pub fn normalize_phone(value: &str) -> String {
    in_place(value, normalize_phone_in_place)
}

/// [`normalize_phone`] on a value in place.
pub(crate) fn normalize_phone_in_place(value: &mut String) {
    value.retain(|c| {
        !(c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '/' | '\u{2010}'..='\u{2015}'))
    });
    let b = value.as_bytes();
    if b.starts_with(b"00") {
        *value = format!("+{}", &value[2..]);
    } else if b.len() == 9 && all_digits(b) && matches!(b[0], b'6'..=b'9') {
        value.insert_str(0, "+34");
    }
}

/// A phone number in E.164 (`+` and 8–15 digits, no leading 0). Spanish numbers
/// (`+34`) must have 9 national digits and be a mobile (6xx, 71x–74x) or a geographic
/// landline (81x–88x, 91x–98x); 80x/90x special-rate and other ranges are refused.
///
/// # Errors
///
/// [`Code::InvalidPhone`] otherwise.
pub fn validate_phone(value: &str) -> Result<(), Code> {
    let digits = value
        .strip_prefix('+')
        .ok_or(Code::InvalidPhone)?
        .as_bytes();
    if !(8..=15).contains(&digits.len()) || !all_digits(digits) || digits[0] == b'0' {
        return Err(Code::InvalidPhone);
    }
    if let Some(national) = digits.strip_prefix(b"34") {
        let ok = national.len() == 9
            && matches!(
                (national[0], national[1]),
                (b'6', _) | (b'7', b'1'..=b'4') | (b'8' | b'9', b'1'..=b'8')
            );
        if !ok {
            return Err(Code::InvalidPhone);
        }
    }
    Ok(())
}

/// A postcode for `country` (ISO alpha-2, upper case). Spain: five digits from 01000
/// to 52999. Elsewhere (or when the country is unknown): 3–10 letters, digits, inner
/// spaces or dashes, with at least one digit or letter.
///
/// # Errors
///
/// [`Code::InvalidPostcode`] otherwise.
pub fn validate_postcode(country: &str, value: &str) -> Result<(), Code> {
    let b = value.as_bytes();
    let ok = if country == "ES" {
        b.len() == 5 && all_digits(b) && (1000..=52999).contains(&number(b))
    } else {
        (3..=10).contains(&b.len())
            && b.iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b' ' || c == b'-')
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
    };
    if ok {
        Ok(())
    } else {
        Err(Code::InvalidPostcode)
    }
}

/// An ISO 3166-1 alpha-2 country code (upper case).
///
/// # Errors
///
/// [`Code::InvalidCountry`] otherwise.
pub fn validate_country(value: &str) -> Result<(), Code> {
    if super::iso::is_country(value) {
        Ok(())
    } else {
        Err(Code::InvalidCountry)
    }
}

/// A circulating ISO 4217 currency code (upper case).
///
/// # Errors
///
/// [`Code::InvalidCurrency`] otherwise.
pub fn validate_currency(value: &str) -> Result<(), Code> {
    if super::iso::is_currency(value) {
        Ok(())
    } else {
        Err(Code::InvalidCurrency)
    }
}

/// Parses an amount (`2500`, `2500.5`, `2500.50`) into cents.
///
/// # Errors
///
/// [`Code::InvalidFormat`] for anything but digits with an optional dot and one or two
/// fraction digits (`12,50`, `1e3`, `.5`, `5.` are refused); [`Code::OutOfRange`] for
/// zero, a negative amount or more than [`AMOUNT_MAX`].
pub fn parse_amount_cents(value: &str) -> Result<u64, Code> {
    let (negative, body) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let frac_ok = if body.contains('.') {
        (1..=2).contains(&frac.len()) && all_digits(frac.as_bytes())
    } else {
        true
    };
    if !all_digits(int.as_bytes()) || !frac_ok {
        return Err(Code::InvalidFormat);
    }
    let int = int.trim_start_matches('0');
    if negative || int.len() > 9 {
        return Err(Code::OutOfRange);
    }
    let whole = u64::from(number(int.as_bytes()));
    let mut cents = u64::from(number(frac.as_bytes()));
    if frac.len() == 1 {
        cents *= 10;
    }
    let total = whole * 100 + cents;
    if total == 0 || total > AMOUNT_MAX * 100 {
        return Err(Code::OutOfRange);
    }
    Ok(total)
}

/// A positive amount with at most two decimals, at most [`AMOUNT_MAX`].
///
/// # Errors
///
/// As [`parse_amount_cents`].
pub fn validate_amount(value: &str) -> Result<(), Code> {
    parse_amount_cents(value).map(|_| ())
}

/// Characters that are invisible, reorder text or are otherwise junk in a form field:
/// controls, zero-width characters, bidi overrides and isolates, soft hyphen,
/// variation selectors, tag characters, private use, specials and non-characters.
pub fn is_invisible_junk(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{E000}'..='\u{F8FF}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFF}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}' | '\u{F0000}'..='\u{10FFFF}')
}

/// A person's name part: letters of any script (accents included, also as combining
/// marks after a letter), spaces, apostrophes (`'` and `’`), hyphens and dots, with at
/// least one letter.
///
/// # Errors
///
/// [`Code::InvalidCharacters`] otherwise.
pub fn validate_person_name(value: &str) -> Result<(), Code> {
    let mut has_letter = false;
    let mut prev_letter = false;
    for c in value.chars() {
        let letter = c.is_alphabetic();
        let combining = matches!(c, '\u{0300}'..='\u{036F}') && prev_letter;
        if !(letter || combining || matches!(c, ' ' | '\'' | '\u{2019}' | '-' | '.')) {
            return Err(Code::InvalidCharacters);
        }
        has_letter |= letter;
        prev_letter = letter || combining;
    }
    if has_letter {
        Ok(())
    } else {
        Err(Code::InvalidCharacters)
    }
}

/// Trims and collapses runs of whitespace to one space.
pub fn collapse_whitespace(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for part in value.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// [`collapse_whitespace`] on a value in place; allocates only when the value changes.
pub(crate) fn collapse_whitespace_in_place(value: &mut String) {
    trim_in_place(value);
    let mut after_space = false;
    let collapsed = value.chars().all(|c| {
        let space = c.is_whitespace();
        let ok = !space || (c == ' ' && !after_space);
        after_space = space;
        ok
    });
    if !collapsed {
        *value = collapse_whitespace(value);
    }
}

/// The longest agency reference (`externalReference`).
pub const REFERENCE_MAX: usize = 64;

/// An agency's own reference for a tenant (`externalReference`): 1–64 visible ASCII
/// characters, `!` to `~` (no spaces, no control characters, nothing outside ASCII), so
/// it is the same string in the agency's CRM, a header, a log line and a URL; and none
/// of HTML's metacharacters (`<`, `>`, `&`, `"`, `'`), so a reference shown in a page
/// that forgot to escape it cannot become markup.
///
/// # Errors
/// [`Code::Required`] when empty, [`Code::TooLong`] over 64, [`Code::InvalidCharacters`].
pub fn validate_reference(value: &str) -> Result<(), Code> {
    if value.is_empty() {
        Err(Code::Required)
    } else if value.len() > REFERENCE_MAX {
        Err(Code::TooLong)
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'&' | b'"' | b'\''))
    {
        Err(Code::InvalidCharacters)
    } else {
        Ok(())
    }
}

/// A device session id as the API accepts it: 1–32 ASCII letters or digits (the widget
/// sends 32 lowercase hex; see [`crate::device`]).
///
/// # Errors
///
/// [`Code::Required`] when empty, [`Code::TooLong`] over 32, [`Code::InvalidFormat`]
/// for other characters.
pub fn validate_device_session_id(value: &str) -> Result<(), Code> {
    if value.is_empty() {
        Err(Code::Required)
    } else if value.len() > 32 {
        Err(Code::TooLong)
    } else if !value.bytes().all(|c| c.is_ascii_alphanumeric()) {
        Err(Code::InvalidFormat)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn dni_vectors() {
        assert_eq!(validate_dni("12345678Z"), Ok(()));
        assert_eq!(validate_dni("00000000T"), Ok(()));
        assert_eq!(validate_dni("99999999R"), Ok(()));
        assert_eq!(validate_dni("87654321X"), Ok(()));
        assert_eq!(validate_dni("11111111H"), Ok(()));
        assert_eq!(validate_dni("12345678A"), Err(Code::InvalidChecksum));
        assert_eq!(validate_dni("00000000A"), Err(Code::InvalidChecksum));
        assert_eq!(validate_dni("1234567Z"), Err(Code::InvalidFormat));
        assert_eq!(validate_dni("123456789"), Err(Code::InvalidFormat));
        assert_eq!(validate_dni("12345678z"), Err(Code::InvalidFormat));
        assert_eq!(validate_dni("1234567AZ"), Err(Code::InvalidFormat));
        assert_eq!(validate_dni("12345678ZZ"), Err(Code::InvalidFormat));
        assert_eq!(validate_dni(""), Err(Code::InvalidFormat));
        assert_eq!(validate_dni("１2345678Z"), Err(Code::InvalidFormat));
    }

    #[test]
    fn nie_vectors() {
        assert_eq!(validate_nie("X1234567L"), Ok(()));
        // Y1234567 → 11234567 % 23 = 10 → X; Z1234567 → 21234567 % 23 = 1 → R.
        assert_eq!(validate_nie("Y1234567X"), Ok(()));
        assert_eq!(validate_nie("Z1234567R"), Ok(()));
        assert_eq!(validate_nie("X0000000T"), Ok(()));
        assert_eq!(validate_nie("Y0000000Z"), Ok(()));
        assert_eq!(validate_nie("Z0000000M"), Ok(()));
        assert_eq!(validate_nie("X1234567A"), Err(Code::InvalidChecksum));
        assert_eq!(validate_nie("Y1234567L"), Err(Code::InvalidChecksum));
        assert_eq!(validate_nie("W1234567L"), Err(Code::InvalidFormat));
        assert_eq!(validate_nie("X123456L"), Err(Code::InvalidFormat));
        assert_eq!(validate_nie("X12345678L"), Err(Code::InvalidFormat));
        assert_eq!(validate_nie("X1234567"), Err(Code::InvalidFormat));
    }

    #[test]
    fn nie_letters_computed() {
        assert_eq!(dni_letter(11_234_567), 'X');
        assert_eq!(dni_letter(21_234_567), 'R');
        assert_eq!(dni_letter(1_234_567), 'L');
    }

    #[test]
    fn passport_vectors() {
        for ok in ["PAA123456", "AB1234", "123456789", "XDA000000"] {
            assert_eq!(validate_passport(ok), Ok(()), "{ok}");
        }
        for bad in ["AB123", "ABC1234567", "AB-12345", "ÁB12345", ""] {
            assert_eq!(validate_passport(bad), Err(Code::InvalidFormat), "{bad}");
        }
    }

    #[test]
    fn government_id_normalisation_and_inference() {
        assert_eq!(normalize_government_id(" 12.345.678-z "), "12345678Z");
        assert_eq!(normalize_government_id("x-1234567-l"), "X1234567L");
        assert_eq!(infer_government_id_type("12345678Z"), GovernmentIdType::Dni);
        assert_eq!(infer_government_id_type("Y1234567X"), GovernmentIdType::Nie);
        assert_eq!(
            infer_government_id_type("PAA123456"),
            GovernmentIdType::Passport
        );
        assert_eq!(
            infer_government_id_type("XDA000000"),
            GovernmentIdType::Passport
        );
    }

    #[test]
    fn email_vectors() {
        for ok in [
            "lucia@example.com",
            "lucia+challenge@example.com",
            "first.last@sub.example.co.uk",
            "a@b.es",
            "o'brien@example.ie",
            "x@xn--80ak6aa92e.com",
            "user@xn--p1ai.xn--p1ai",
            "_-{}|~@example-site.org",
        ] {
            assert_eq!(validate_email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "lucia",
            "lucia@",
            "@example.com",
            "lucia@example",
            "lucia@@example.com",
            "lu@cia@example.com",
            ".lucia@example.com",
            "lucia.@example.com",
            "lu..cia@example.com",
            "lucia@-example.com",
            "lucia@example-.com",
            "lucia@example..com",
            "lucia@example.c",
            "lucia@example.123",
            "lu cia@example.com",
            "lucía@example.com",
            "lucia@exámple.com",
            "lucia@[127.0.0.1]",
            "\"lucia\"@example.com",
        ] {
            assert_eq!(validate_email(bad), Err(Code::InvalidEmail), "{bad}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(validate_email(&long_local), Err(Code::InvalidEmail));
        let long = format!("a@{}.com", "b.".repeat(126));
        assert_eq!(validate_email(&long), Err(Code::TooLong));
        assert_eq!(normalize_email("  Lucia@Example.COM "), "Lucia@example.com");
    }

    #[test]
    fn phone_normalisation() {
        assert_eq!(normalize_phone("+34612345678"), "+34612345678");
        assert_eq!(normalize_phone("612 34 56 78"), "+34612345678");
        assert_eq!(normalize_phone("612-34-56-78"), "+34612345678");
        assert_eq!(normalize_phone("0034912345678"), "+34912345678");
        assert_eq!(normalize_phone("(+34) 91.234.56.78"), "+34912345678");
        assert_eq!(normalize_phone("+44 20 7946 0958"), "+442079460958");
        assert_eq!(normalize_phone("512345678"), "512345678");
        assert_eq!(normalize_phone("18883784329"), "18883784329");
    }

    #[test]
    fn phone_vectors() {
        for ok in [
            "+34612345678",
            "+34712345678",
            "+34742345678",
            "+34912345678",
            "+34812345678",
            "+34987654321",
            "+442079460958",
            "+18883784329",
            "+4915123456789",
        ] {
            assert_eq!(validate_phone(ok), Ok(()), "{ok}");
        }
        for bad in [
            "+34512345678",
            "+34752345678",
            "+34702345678",
            "+34900123456",
            "+34800123456",
            "+3461234567",
            "+346123456789",
            "612345678",
            "+0612345678",
            "+1234567",
            "+1234567890123456",
            "+34 612345678",
            "+34612a45678",
            "",
            "+",
        ] {
            assert_eq!(validate_phone(bad), Err(Code::InvalidPhone), "{bad}");
        }
        assert_eq!(validate_phone(&normalize_phone("612 34 56 78")), Ok(()));
        assert_eq!(validate_phone(&normalize_phone("0034912345678")), Ok(()));
    }

    #[test]
    fn postcode_vectors() {
        assert_eq!(validate_postcode("ES", "01000"), Ok(()));
        assert_eq!(validate_postcode("ES", "28013"), Ok(()));
        assert_eq!(validate_postcode("ES", "52999"), Ok(()));
        for bad in [
            "00999", "53000", "00000", "99999", "2801", "280130", "28 013", "2801A", "",
        ] {
            assert_eq!(
                validate_postcode("ES", bad),
                Err(Code::InvalidPostcode),
                "{bad}"
            );
        }
        for ok in ["SW1A 1AA", "1000-001", "75001", "10115", "D02 X285", "123"] {
            assert_eq!(validate_postcode("GB", ok), Ok(()), "{ok}");
        }
        for bad in ["12", "12345678901", "-1234", "1234-", "12_34", "1234é"] {
            assert_eq!(
                validate_postcode("FR", bad),
                Err(Code::InvalidPostcode),
                "{bad}"
            );
        }
    }

    #[test]
    fn amount_vectors() {
        assert_eq!(parse_amount_cents("2500"), Ok(250_000));
        assert_eq!(parse_amount_cents("2500.5"), Ok(250_050));
        assert_eq!(parse_amount_cents("2500.50"), Ok(250_050));
        assert_eq!(parse_amount_cents("0.01"), Ok(1));
        assert_eq!(parse_amount_cents("007"), Ok(700));
        assert_eq!(parse_amount_cents("100000000"), Ok(10_000_000_000));
        for bad in [
            "12,50", "1e3", ".5", "5.", "2500.505", "", "abc", "+5", " 5", "1 000", "5.-1", "-",
        ] {
            assert_eq!(parse_amount_cents(bad), Err(Code::InvalidFormat), "{bad}");
        }
        for out in [
            "0",
            "0.00",
            "-5",
            "-0.01",
            "100000000.01",
            "1000000000",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_amount_cents(out), Err(Code::OutOfRange), "{out}");
        }
    }

    #[test]
    fn names() {
        for ok in [
            "Lucía",
            "José María",
            "O'Brien",
            "Núñez-Feijóo",
            "Mª",
            "St. John",
            "D’Angelo",
            "Zoë",
            "Lucia\u{301}",
            "李",
            "Ærø",
        ] {
            assert_eq!(validate_person_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "Lucía1",
            "Lu\u{200B}cía",
            "\u{202E}aicuL",
            "Lucía\u{0}",
            "Lucía\t",
            "<script>",
            "---",
            "\u{301}a",
            "Lucía\u{FEFF}",
            "Lucía\u{E0041}",
            "Lucía😀",
        ] {
            assert_eq!(
                validate_person_name(bad),
                Err(Code::InvalidCharacters),
                "{bad:?}"
            );
        }
        assert_eq!(collapse_whitespace("  José \t María  "), "José María");
    }

    #[test]
    fn in_place_forms_agree_with_str_forms() {
        for v in [
            "",
            " ",
            "a",
            "Lucía",
            " Lucía ",
            "\u{b}a\u{b}",
            "\u{3000}José  María\u{a0}",
            "José\tMaría",
            "a \u{85}b",
            "é",
            "\u{2028}",
        ] {
            let mut t = v.to_owned();
            trim_in_place(&mut t);
            assert_eq!(t, v.trim(), "{v:?}");
            let mut c = v.to_owned();
            collapse_whitespace_in_place(&mut c);
            assert_eq!(c, collapse_whitespace(v), "{v:?}");
        }
    }

    #[test]
    fn junk() {
        for c in [
            '\u{0}',
            '\u{7F}',
            '\u{200B}',
            '\u{200D}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{AD}',
            '\u{E0001}',
        ] {
            assert!(is_invisible_junk(c), "{c:?}");
        }
        for c in ['a', 'ñ', ' ', '1', 'º', '€'] {
            assert!(!is_invisible_junk(c), "{c:?}");
        }
    }

    #[test]
    fn device_ids() {
        assert_eq!(
            validate_device_session_id("c12da910e8734aea856cd0fefb2be80d"),
            Ok(())
        );
        assert_eq!(validate_device_session_id("ABC1"), Ok(()));
        assert_eq!(validate_device_session_id(""), Err(Code::Required));
        assert_eq!(
            validate_device_session_id(&"a".repeat(33)),
            Err(Code::TooLong)
        );
        assert_eq!(
            validate_device_session_id("abc-def"),
            Err(Code::InvalidFormat)
        );
    }
}

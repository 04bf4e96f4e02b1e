//! Spanish and English messages for validation errors and problem titles.
//!
//! Messages are whole sentences naming the field in the reader's language
//! ("La letra del DNI no es correcta.", "The postcode must be between 01000 and
//! 52999."). They are rendered from a [`ValidationError`]'s code and params at the edge
//! of the system; the widget's own UI strings live in the widget.

use serde::{Deserialize, Serialize};

use crate::model::problem::FieldMessage;
use crate::validate::{Code, ValidationError};

/// A supported language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Spanish (the default).
    #[default]
    Es,
    /// English.
    En,
}

impl Locale {
    /// The language tag (`es`, `en`).
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Es => "es",
            Locale::En => "en",
        }
    }

    /// The locale for one language tag (`es`, `es-ES`, `EN-gb`), if supported.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("es") {
            Some(Locale::Es)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// Picks the best supported locale from an `Accept-Language` value: the highest
    /// `q` wins (default 1, `q=0` means "not this"), ties go to the earlier entry,
    /// region subtags are ignored (`es-ES`, `en-GB`), `*` and anything unparsable
    /// count as nothing. Default: Spanish.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(u16, Locale)> = None;
        for entry in accept_language.split(',').take(32) {
            let mut parts = entry.split(';');
            let Some(locale) = Locale::from_tag(parts.next().unwrap_or("")) else {
                continue;
            };
            let mut q = 1000u16;
            for param in parts {
                if let Some((k, v)) = param.split_once('=')
                    && k.trim().eq_ignore_ascii_case("q")
                {
                    q = parse_q(v.trim()).unwrap_or(0);
                }
            }
            if q > 0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map_or(Locale::Es, |(_, l)| l)
    }
}

/// A q-value in thousandths (`0.8` → 800); `None` when not RFC 9110 shaped.
fn parse_q(v: &str) -> Option<u16> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths = 0u16;
    for i in 0..3 {
        thousandths = thousandths * 10 + frac.as_bytes().get(i).map_or(0, |b| u16::from(b - b'0'));
    }
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

impl std::str::FromStr for Locale {
    type Err = crate::model::UnknownValue;

    fn from_str(s: &str) -> Result<Locale, Self::Err> {
        Locale::from_tag(s).ok_or(crate::model::UnknownValue)
    }
}

/// A field's human name, one per row of the field table
/// ([`crate::validate::fields::FIELDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Spanish noun phrase without article (lower case, starting with an ASCII letter).
    pub es: &'static str,
    /// The Spanish noun is feminine (`la fecha`, not `el fecha`).
    pub fem: bool,
    /// The Spanish noun is plural (`los ingresos`, `las respuestas`).
    pub plural: bool,
    /// English noun phrase, lower case (proper nouns excepted, ASCII first letter).
    pub en: &'static str,
}

impl Label {
    /// A masculine singular Spanish noun.
    pub const fn m(es: &'static str, en: &'static str) -> Label {
        Label {
            es,
            fem: false,
            plural: false,
            en,
        }
    }

    /// A feminine singular Spanish noun.
    pub const fn f(es: &'static str, en: &'static str) -> Label {
        Label {
            es,
            fem: true,
            plural: false,
            en,
        }
    }

    /// A masculine plural Spanish noun.
    pub const fn m_pl(es: &'static str, en: &'static str) -> Label {
        Label {
            es,
            fem: false,
            plural: true,
            en,
        }
    }

    /// A feminine plural Spanish noun.
    pub const fn f_pl(es: &'static str, en: &'static str) -> Label {
        Label {
            es,
            fem: true,
            plural: true,
            en,
        }
    }
}

/// The label of paths the field table does not know.
const UNKNOWN_FIELD: Label = Label::m("campo", "field");

/// The (parent, name) segments of a path, indices dropped:
/// `applicant.addresses[0].postalCode` → (`addresses`, `postalCode`).
pub(crate) fn segments(path: &str) -> (&str, &str) {
    let mut segs = path.rsplit('.').map(|s| s.split('[').next().unwrap_or(s));
    let last = segs.next().unwrap_or("");
    let parent = segs.next().unwrap_or("");
    (parent, last)
}

fn label(path: &str) -> Label {
    crate::validate::fields::field(path).map_or(UNKNOWN_FIELD, |f| f.label)
}

fn for_co_applicant(path: &str) -> bool {
    path.starts_with("coApplicant")
}

/// `s` with its first letter upper-cased. Labels, articles and messages start with an
/// ASCII letter (`i18n::tests::labels_start_with_ascii_letters`); anything else is
/// left as it is.
fn capitalize(s: &str) -> String {
    let mut out = s.to_owned();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// The field's human name, capitalised, for a form label or a list of errors
/// (`Nombre`, `Código postal (cotitular)`, `Date of birth`).
pub fn field_label(locale: Locale, path: &str) -> String {
    let lb = label(path);
    let co = for_co_applicant(path);
    match locale {
        Locale::Es => {
            let mut s = capitalize(lb.es);
            if co && lb.es != "cotitular" {
                s.push_str(" (cotitular)");
            }
            s
        }
        Locale::En => {
            let mut s = capitalize(lb.en);
            if co && lb.en != "co-applicant" {
                s.push_str(" (co-applicant)");
            }
            s
        }
    }
}

/// Sentence subject with article: "el código postal del cotitular" / "the
/// co-applicant's postcode".
struct Subject {
    text: String,
    fem: bool,
    plural: bool,
}

fn subject(locale: Locale, path: &str) -> Subject {
    let lb = label(path);
    let co = for_co_applicant(path) && lb.es != "cotitular";
    let plural = lb.plural;
    let text = match locale {
        Locale::Es => {
            let art = match (lb.fem, plural) {
                (false, false) => "el",
                (true, false) => "la",
                (false, true) => "los",
                (true, true) => "las",
            };
            let owner = if co { " del cotitular" } else { "" };
            format!("{art} {}{owner}", lb.es)
        }
        Locale::En => {
            if co {
                format!("the co-applicant's {}", lb.en)
            } else {
                format!("the {}", lb.en)
            }
        }
    };
    Subject {
        text,
        fem: lb.fem,
        plural,
    }
}

/// Spanish adjective ending for the subject: `o`, `a`, `os`, `as`.
fn agree(s: &Subject) -> &'static str {
    match (s.fem, s.plural) {
        (false, false) => "o",
        (true, false) => "a",
        (false, true) => "os",
        (true, true) => "as",
    }
}

/// `bytes` in MiB: a whole number, or one decimal rounded half to even. This is the text
/// `format!("{:.1}", bytes as f64 / 1048576.0)` gives, computed with integers so that
/// the browser build carries no float-formatting code.
fn format_mb(bytes: &str) -> String {
    match bytes.parse::<u64>() {
        Ok(b) if b % (1024 * 1024) == 0 => (b / (1024 * 1024)).to_string(),
        Ok(b) => {
            // The same rounding to 53 bits as `b as f64`; dividing by 2^20 is then exact.
            let v = b as f64 as u128;
            let tenths = v * 10;
            let (mut q, r) = (tenths >> 20, tenths & 0xF_FFFF);
            if r > 0x8_0000 || (r == 0x8_0000 && q % 2 == 1) {
                q += 1;
            }
            let q = q as u64;
            format!("{}.{}", q / 10, q % 10)
        }
        Err(_) => bytes.to_owned(),
    }
}

/// A full sentence for one error, in `locale`, naming the field.
pub fn message(locale: Locale, error: &ValidationError) -> String {
    let path = error.field.as_str();
    let p = |k: &str| error.param(k).unwrap_or("");
    let subj = subject(locale, path);
    let s = capitalize(&subj.text);
    let es_verb = if subj.plural { "son" } else { "es" };
    let co = for_co_applicant(path);
    let id_type = match p("type") {
        "" => "DNI",
        t => t,
    };
    let id_name_es = |t: &str| match t {
        "PASSPORT" => "pasaporte".to_owned(),
        t => t.to_owned(),
    };
    let id_name_en = |t: &str| match t {
        "PASSPORT" => "passport".to_owned(),
        t => t.to_owned(),
    };
    let (_, last) = segments(path);
    match (locale, error.code) {
        (Locale::Es, Code::Required) => format!("{s} {es_verb} obligatori{}.", agree(&subj)),
        (Locale::En, Code::Required) => format!("{s} is required."),
        (Locale::Es, Code::TooLong) if p("unit") == "items" => {
            format!("{s} admite como máximo {} elementos.", p("max"))
        }
        (Locale::En, Code::TooLong) if p("unit") == "items" => {
            format!("{s} allows at most {} entries.", p("max"))
        }
        (Locale::Es, Code::TooLong) => format!("{s} no puede tener más de {} caracteres.", p("max")),
        (Locale::En, Code::TooLong) => format!("{s} must be at most {} characters long.", p("max")),
        (Locale::Es, Code::InvalidFormat) => match p("format") {
            "dni" => "El DNI debe tener 8 números seguidos de una letra, por ejemplo 12345678Z.".into(),
            "nie" => "El NIE debe empezar por X, Y o Z, seguida de 7 números y una letra, por ejemplo X1234567L.".into(),
            "passport" => "El número de pasaporte debe tener entre 6 y 9 letras o números.".into(),
            "amount" => format!("{s} debe ser un número con hasta dos decimales separados por punto, por ejemplo 2500.50."),
            "alphanumeric" => format!("{s} solo puede contener letras y números."),
            _ => format!("{s} no tiene un formato válido."),
        },
        (Locale::En, Code::InvalidFormat) => match p("format") {
            "dni" => "A DNI has 8 digits followed by a letter, for example 12345678Z.".into(),
            "nie" => "An NIE starts with X, Y or Z, followed by 7 digits and a letter, for example X1234567L.".into(),
            "passport" => "A passport number has 6 to 9 letters or digits.".into(),
            "amount" => format!("{s} must be a number with up to two decimals after a dot, for example 2500.50."),
            "alphanumeric" => format!("{s} may only contain letters and digits."),
            _ => format!("{s} is not in a valid format."),
        },
        (Locale::Es, Code::InvalidChecksum) => format!("La letra del {} no es correcta.", id_name_es(id_type)),
        (Locale::En, Code::InvalidChecksum) => format!("The {} control letter is not correct.", id_name_en(id_type)),
        (Locale::Es, Code::InvalidEmail) => {
            format!("{s} no es válid{}; debe ser como nombre@ejemplo.com.", agree(&subj))
        }
        (Locale::En, Code::InvalidEmail) => {
            format!("{s} is not valid; it should look like name@example.com.")
        }
        (Locale::Es, Code::InvalidPhone) => format!(
            "{s} no es válid{}. Usa un móvil o fijo español de 9 cifras o el formato internacional, por ejemplo +34 612 345 678.",
            agree(&subj)
        ),
        (Locale::En, Code::InvalidPhone) => format!(
            "{s} is not valid. Use a 9-digit Spanish mobile or landline, or international format such as +34 612 345 678."
        ),
        (Locale::Es, Code::InvalidPostcode) if p("country") == "ES" || p("country").is_empty() => {
            format!("{s} debe estar entre 01000 y 52999.")
        }
        (Locale::En, Code::InvalidPostcode) if p("country") == "ES" || p("country").is_empty() => {
            format!("{s} must be between 01000 and 52999.")
        }
        (Locale::Es, Code::InvalidPostcode) => format!("{s} no es válido para el país indicado."),
        (Locale::En, Code::InvalidPostcode) => format!("{s} is not valid for the selected country."),
        (Locale::Es, Code::InvalidCountry) => {
            format!("{s} debe ser un código de país ISO de dos letras, por ejemplo ES.")
        }
        (Locale::En, Code::InvalidCountry) => {
            format!("{s} must be a two-letter ISO country code, for example ES.")
        }
        (Locale::Es, Code::InvalidCurrency) => {
            format!("{s} debe ser un código de moneda ISO 4217, por ejemplo EUR.")
        }
        (Locale::En, Code::InvalidCurrency) => {
            format!("{s} must be an ISO 4217 currency code, for example EUR.")
        }
        (Locale::Es, Code::InvalidDate) => {
            format!("{s} no es una fecha válida; usa el formato AAAA-MM-DD.")
        }
        (Locale::En, Code::InvalidDate) => format!("{s} is not a valid date; use YYYY-MM-DD."),
        (Locale::Es, Code::Underage) => {
            let age = if p("min_age").is_empty() { "18" } else { p("min_age") };
            if co {
                format!("El cotitular debe tener al menos {age} años.")
            } else {
                format!("Debes tener al menos {age} años.")
            }
        }
        (Locale::En, Code::Underage) => {
            let age = if p("min_age").is_empty() { "18" } else { p("min_age") };
            if co {
                format!("The co-applicant must be at least {age} years old.")
            } else {
                format!("You must be at least {age} years old.")
            }
        }
        (Locale::Es, Code::TooOld) => {
            format!("{s} indica una edad de más de {} años; revísala.", p("max_age"))
        }
        (Locale::En, Code::TooOld) => {
            format!("{s} gives an age over {} years; please check it.", p("max_age"))
        }
        (Locale::Es, Code::OutOfRange) => {
            if !p("not_after").is_empty() {
                if last == "dateOfBirth" {
                    format!("{s} no puede estar en el futuro.")
                } else {
                    format!("{s} no puede ser posterior a {}.", p("not_after"))
                }
            } else if !p("not_before").is_empty() {
                format!("{s} no puede ser anterior a {}.", p("not_before"))
            } else {
                format!(
                    "{s} debe ser mayor que {} y no superar {}.",
                    p("min_exclusive"),
                    p("max")
                )
            }
        }
        (Locale::En, Code::OutOfRange) => {
            if !p("not_after").is_empty() {
                if last == "dateOfBirth" {
                    format!("{s} cannot be in the future.")
                } else {
                    format!("{s} cannot be later than {}.", p("not_after"))
                }
            } else if !p("not_before").is_empty() {
                format!("{s} cannot be earlier than {}.", p("not_before"))
            } else {
                format!(
                    "{s} must be greater than {} and at most {}.",
                    p("min_exclusive"),
                    p("max")
                )
            }
        }
        (Locale::Es, Code::InvalidChoice) => {
            format!("{s} no es una opción válida. Opciones: {}.", p("allowed"))
        }
        (Locale::En, Code::InvalidChoice) => {
            format!("{s} is not a valid option. Choose one of: {}.", p("allowed"))
        }
        (Locale::Es, Code::InvalidCharacters) => format!("{s} contiene caracteres no permitidos."),
        (Locale::En, Code::InvalidCharacters) => {
            format!("{s} contains characters that are not allowed.")
        }
        (Locale::Es, Code::ConsentRequired) => match last {
            "termsAccepted" => "Debes aceptar los términos y condiciones.".into(),
            "creditCheckAccepted" => "Debes autorizar la consulta de solvencia.".into(),
            _ => "Debes aceptar los términos y autorizar la consulta de solvencia.".into(),
        },
        (Locale::En, Code::ConsentRequired) => match last {
            "termsAccepted" => "You must accept the terms and conditions.".into(),
            "creditCheckAccepted" => "You must authorise the credit check.".into(),
            _ => "You must accept the terms and authorise the credit check.".into(),
        },
        (Locale::Es, Code::FileEmpty) => "El archivo está vacío.".into(),
        (Locale::En, Code::FileEmpty) => "The file is empty.".into(),
        (Locale::Es, Code::FileTooLarge) => match error.param("max") {
            Some(max) => format!("El archivo supera el tamaño máximo de {} MB.", format_mb(max)),
            None => "El archivo es demasiado grande.".into(),
        },
        (Locale::En, Code::FileTooLarge) => match error.param("max") {
            Some(max) => format!("The file is larger than the {} MB limit.", format_mb(max)),
            None => "The file is too large.".into(),
        },
        (Locale::Es, Code::UnsupportedMediaType) => "Solo se admiten archivos PDF, JPEG o PNG.".into(),
        (Locale::En, Code::UnsupportedMediaType) => "Only PDF, JPEG or PNG files are accepted.".into(),
    }
}

/// Every error as a `{field, code, message}` for a problem body.
pub fn localize(locale: Locale, errors: &[ValidationError]) -> Vec<FieldMessage> {
    errors
        .iter()
        .map(|e| FieldMessage {
            field: e.field.clone(),
            code: e.code.as_str().to_owned(),
            message: message(locale, e),
        })
        .collect()
}

#[cfg(test)]
mod tests;

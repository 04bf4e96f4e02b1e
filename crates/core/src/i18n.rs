//! Spanish, English and Catalan messages for validation errors, field names and the
//! consent sentences.
//!
//! Messages are whole sentences naming the field in the reader's language
//! ("La letra del DNI no es correcta.", "The postcode must be between 01000 and
//! 52999.", "El codi postal ha d'estar entre 01000 i 52999."). They are rendered from a
//! [`ValidationError`]'s code and params by a [`Catalog`]: one table of sentence
//! templates per language (`catalog.rs`), the same rendering for all three.
//!
//! Spanish is always compiled in. English and Catalan are compiled in with the
//! `all-locales` feature (the edge, the sandbox, every test); the widget leaves them out
//! of its wasm and loads them as data ([`Catalog::load`]), from files generated from
//! these very tables ([`Catalog::texts`], [`Catalog::labels`]). The widget's own UI
//! strings live in the widget.

use serde::{Deserialize, Serialize};

use crate::validate::code::{Code, ValidationError};
use crate::validate::fields::{self, FIELDS, segments};

/// A supported language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Spanish (the default).
    #[default]
    Es,
    /// English.
    En,
    /// Catalan.
    Ca,
}

impl Locale {
    /// Every locale, the default first.
    pub const ALL: [Locale; 3] = [Locale::Es, Locale::En, Locale::Ca];

    /// The language tag (`es`, `en`, `ca`).
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Es => "es",
            Locale::En => "en",
            Locale::Ca => "ca",
        }
    }

    /// The locale for one language tag (`es`, `es-ES`, `EN-gb`, `ca-ES-valencia`), if
    /// supported.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        Locale::ALL
            .into_iter()
            .find(|l| primary.eq_ignore_ascii_case(l.as_str()))
    }

    /// The first supported language of a list in order of preference, comma-separated
    /// (a browser's `navigator.languages`, or one tag); Spanish when none is. Simpler
    /// than [`Locale::negotiate`]: such a list has no q-values.
    pub fn first_of(tags: &str) -> Locale {
        tags.split(',')
            .find_map(Locale::from_tag)
            .unwrap_or_default()
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

mod catalog;

pub use catalog::Text;
pub use fields::Label;

/// One language's texts: the sentence templates and words of [`Text`], and a name for
/// every row of the field table.
#[derive(Debug)]
pub struct Catalog {
    /// The language.
    pub locale: Locale,
    /// Indexed by [`Text`].
    texts: Strings,
    /// In [`FIELDS`] order; `None`: the table's own.
    labels: Option<Vec<String>>,
}

/// A list of texts: compiled in, or loaded (a catalog's texts; the widget's phrases).
#[derive(Debug)]
pub enum Strings {
    /// A table of the build.
    Static(&'static [&'static str]),
    /// Data given at run time.
    Owned(Vec<String>),
}

impl Strings {
    /// Text `i` (of a list whose length was checked). Not inlined: one call is smaller
    /// than its two cases at every caller.
    #[inline(never)]
    pub fn get(&self, i: usize) -> &str {
        match self {
            Strings::Static(s) => s[i],
            Strings::Owned(s) => &s[i],
        }
    }
}

static ES: Catalog = Catalog {
    locale: Locale::Es,
    texts: Strings::Static(catalog::ES),
    labels: None,
};
#[cfg(any(test, feature = "all-locales"))]
static EN: Catalog = Catalog {
    locale: Locale::En,
    texts: Strings::Static(catalog::EN),
    labels: None,
};
#[cfg(any(test, feature = "all-locales"))]
static CA: Catalog = Catalog {
    locale: Locale::Ca,
    texts: Strings::Static(catalog::CA),
    labels: None,
};

/// Why [`Catalog::load`] refused a catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a catalog needs {texts} texts and {labels} labels")]
pub struct CatalogShape {
    /// How many texts a catalog has.
    pub texts: usize,
    /// How many labels.
    pub labels: usize,
}

impl Catalog {
    /// The compiled-in catalog of `locale`; Spanish for one not compiled in (without the
    /// `all-locales` feature only Spanish is).
    pub fn builtin(locale: Locale) -> &'static Catalog {
        match locale {
            #[cfg(any(test, feature = "all-locales"))]
            Locale::En => &EN,
            #[cfg(any(test, feature = "all-locales"))]
            Locale::Ca => &CA,
            _ => &ES,
        }
    }

    /// A catalog from data: `texts` in [`Text`] order, `labels` in field-table order
    /// (what [`Catalog::texts`] and [`Catalog::labels`] give).
    ///
    /// # Errors
    /// When either list has another length than the tables here.
    pub fn load(
        locale: Locale,
        texts: Vec<String>,
        labels: Vec<String>,
    ) -> Result<Catalog, CatalogShape> {
        let shape = CatalogShape {
            texts: Text::ALL.len(),
            labels: FIELDS.len(),
        };
        if texts.len() != shape.texts || labels.len() != shape.labels {
            return Err(shape);
        }
        Ok(Catalog {
            locale,
            texts: Strings::Owned(texts),
            labels: Some(labels),
        })
    }

    /// One text.
    pub fn get(&self, text: Text) -> &str {
        self.texts.get(text as usize)
    }

    /// Every text, in [`Text`] order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        Text::ALL.iter().map(|&t| self.get(t))
    }

    /// Every field's name, in field-table order.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        FIELDS
            .iter()
            .enumerate()
            .map(|(i, f)| self.noun(i, &f.label))
    }

    /// The name of row `i` of the field table (its `label`).
    fn noun<'a>(&'a self, i: usize, label: &'a Label) -> &'a str {
        if let Some(loaded) = &self.labels {
            return &loaded[i];
        }
        match self.locale {
            #[cfg(any(test, feature = "all-locales"))]
            Locale::En => label.en,
            #[cfg(any(test, feature = "all-locales"))]
            Locale::Ca => label.ca,
            _ => label.es,
        }
    }

    /// The noun for `path` and its agreement (masculine singular for unknown paths).
    fn label(&self, path: &str) -> (&str, bool, bool) {
        match fields::field(path).and_then(|f| {
            FIELDS
                .iter()
                .position(|r| std::ptr::eq(*r, f))
                .map(|i| (i, f))
        }) {
            Some((i, f)) => (self.noun(i, &f.label), f.label.fem, f.label.plural),
            None => (self.get(Text::UnknownField), false, false),
        }
    }

    /// The field's human name, capitalised, for a form label or a list of errors
    /// (`Nombre`, `Código postal (cotitular)`, `Date of birth`).
    pub fn field_label(&self, path: &str) -> String {
        let mut s = capitalize(self.label(path).0);
        if names_co_applicant(path) {
            s.push_str(self.get(Text::LabelCoApplicant));
        }
        s
    }

    /// Sentence subject with article: "el código postal del cotitular", "the
    /// co-applicant's postcode", "l'adreça".
    fn subject(&self, path: &str) -> Subject {
        let (noun, fem, plural) = self.label(path);
        let article = match (fem, plural) {
            // Catalan elides `el`/`la` before a vowel or h (`l'adreça`, `l'import`).
            (_, false)
                if starts_with_vowel_sound(noun) && !self.get(Text::ArticleElided).is_empty() =>
            {
                Text::ArticleElided
            }
            (false, false) => Text::ArticleM,
            (true, false) => Text::ArticleF,
            (false, true) => Text::ArticleMPl,
            (true, true) => Text::ArticleFPl,
        };
        let template = if names_co_applicant(path) {
            Text::SubjectCoApplicant
        } else {
            Text::Subject
        };
        let text = fill(self.get(template), &|k| match k {
            "art" => Some(self.get(article).to_owned()),
            "label" => Some(noun.to_owned()),
            _ => None,
        });
        Subject { text, fem, plural }
    }

    /// A full sentence for one error, in this catalog's language, naming the field.
    pub fn message(&self, error: &ValidationError) -> String {
        let path = error.field.as_str();
        let p = |k: &str| error.param(k).unwrap_or("");
        let (_, last) = segments(path);
        let text = match error.code {
            Code::Required => Text::Required,
            Code::TooLong if p("unit") == "items" => Text::TooManyItems,
            Code::TooLong => Text::TooLong,
            Code::InvalidFormat => match p("format") {
                "dni" => Text::FormatDni,
                "nie" => Text::FormatNie,
                "passport" => Text::FormatPassport,
                "amount" => Text::FormatAmount,
                "alphanumeric" => Text::FormatAlphanumeric,
                _ => Text::Format,
            },
            Code::InvalidChecksum => Text::Checksum,
            Code::InvalidEmail => Text::Email,
            Code::InvalidPhone => Text::Phone,
            Code::InvalidPostcode if matches!(p("country"), "ES" | "") => Text::PostcodeEs,
            Code::InvalidPostcode => Text::Postcode,
            Code::InvalidCountry => Text::Country,
            Code::InvalidCurrency => Text::Currency,
            Code::InvalidDate => Text::Date,
            Code::Underage if path.starts_with("coApplicant") => Text::UnderageCoApplicant,
            Code::Underage => Text::Underage,
            Code::TooOld => Text::TooOld,
            Code::OutOfRange if !p("not_after").is_empty() && last == "dateOfBirth" => {
                Text::InFuture
            }
            Code::OutOfRange if !p("not_after").is_empty() => Text::NotAfter,
            Code::OutOfRange if !p("not_before").is_empty() => Text::NotBefore,
            Code::OutOfRange => Text::Range,
            Code::InvalidChoice => Text::Choice,
            Code::InvalidCharacters => Text::Characters,
            Code::ConsentRequired => match last {
                "termsAccepted" => Text::ConsentTermsRequired,
                "creditCheckAccepted" => Text::ConsentCreditRequired,
                _ => Text::ConsentBothRequired,
            },
            Code::FileEmpty => Text::FileEmpty,
            Code::FileTooLarge if error.param("max").is_some() => Text::FileOverLimit,
            Code::FileTooLarge => Text::FileTooLarge,
            Code::UnsupportedMediaType => Text::MediaType,
            Code::AgencyServerOnly => Text::AgencyServerOnly,
        };
        let template = self.get(text);
        // Only sentences that name the field need its subject.
        let subject = template.contains('{').then(|| self.subject(path));
        let pick = |options: &str| {
            let s = subject.as_ref()?;
            let i = usize::from(s.fem) + 2 * usize::from(s.plural);
            options.split('|').nth(i).map(str::to_owned)
        };
        fill(template, &|k| match k {
            "S" => subject.as_ref().map(|s| capitalize(&s.text)),
            "id" => Some(match p("type") {
                "" => "DNI".to_owned(),
                "PASSPORT" => self.get(Text::Passport).to_owned(),
                t => t.to_owned(),
            }),
            "age" => Some(match p("min_age") {
                "" => "18".to_owned(),
                a => a.to_owned(),
            }),
            "mb" => Some(format_mb(p("max"))),
            k if k.contains('|') => pick(k),
            k => Some(p(k).to_owned()),
        })
    }
}

/// `template` with each `{key}` replaced by `value(key)` (left as it is when `None`).
/// One copy for every caller (`dyn`): the widget fills its own `{0}` with it too.
pub fn fill(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let key = &rest[open + 1..open + close];
        match value(key) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether a word starts with a vowel sound for Catalan elision (`a`, `e`, `i`, `o`,
/// `u`, accented or not, or a silent `h`).
fn starts_with_vowel_sound(word: &str) -> bool {
    matches!(
        word.chars().next(),
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'h' | 'à' | 'è' | 'é' | 'í' | 'ò' | 'ó' | 'ú')
    )
}

/// A field of the co-applicant (not the co-applicant object itself, whose name says it).
fn names_co_applicant(path: &str) -> bool {
    path.starts_with("coApplicant") && path != "coApplicant"
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

/// The field's human name in `locale`, capitalised ([`Catalog::field_label`]).
pub fn field_label(locale: Locale, path: &str) -> String {
    Catalog::builtin(locale).field_label(path)
}

/// Sentence subject with article, and its agreement.
struct Subject {
    text: String,
    fem: bool,
    plural: bool,
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

/// A full sentence for one error, in `locale`, naming the field ([`Catalog::message`]).
pub fn message(locale: Locale, error: &ValidationError) -> String {
    Catalog::builtin(locale).message(error)
}

// An item of a problem body's `errors` (`model::problem`, which re-exports it). The doc
// line below is the type's description in the edge's OpenAPI document.
/// One field's error, localised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldMessage {
    /// Dotted path rooted at the request body (`applicant.governmentId[0].value`).
    pub field: String,
    /// Stable code (`invalid_checksum`, …); a string so that readers tolerate new codes.
    pub code: String,
    /// Human sentence in the negotiated language.
    pub message: String,
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

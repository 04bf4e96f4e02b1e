//! The texts of every language, one row per text: Spanish, English, Catalan.
//!
//! A template names its parts in braces: `{S}` the field with its article, capitalised
//! ("El código postal", "The postcode", "L'adreça"); `{m|f|m pl|f pl}` the word that
//! agrees with the field; `{id}` the identity document's name; `{age}` the minimum age;
//! `{mb}` the size limit in MB; any other `{name}` the error's parameter of that name.
//! A subject is `{art}{label}`.

macro_rules! texts {
    ($($key:ident => $es:literal, $en:literal, $ca:literal;)*) => {
        /// A text of the [`Catalog`](super::Catalog).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text { $(#[allow(missing_docs)] $key),* }

        impl Text {
            /// Every text, in catalog order.
            pub const ALL: &'static [Text] = &[$(Text::$key),*];
        }

        pub(super) const ES: &[&str] = &[$($es),*];
        #[cfg(any(test, feature = "all-locales"))]
        pub(super) const EN: &[&str] = &[$($en),*];
        #[cfg(any(test, feature = "all-locales"))]
        pub(super) const CA: &[&str] = &[$($ca),*];
    };
}

texts! {
    // Articles before a field's name, and the elided one (Catalan `l'`; empty: none).
    ArticleM => "el ", "the ", "el ";
    ArticleF => "la ", "the ", "la ";
    ArticleMPl => "los ", "the ", "els ";
    ArticleFPl => "las ", "the ", "les ";
    ArticleElided => "", "", "l'";
    Subject => "{art}{label}", "{art}{label}", "{art}{label}";
    SubjectCoApplicant => "{art}{label} del cotitular", "the co-applicant's {label}", "{art}{label} del cotitular";
    LabelCoApplicant => " (cotitular)", " (co-applicant)", " (cotitular)";
    UnknownField => "campo", "field", "camp";
    Passport => "pasaporte", "passport", "passaport";

    Required => "{S} {es|es|son|son} obligatori{o|a|os|as}.", "{S} is required.", "{S} {és|és|són|són} {obligatori|obligatòria|obligatoris|obligatòries}.";
    TooManyItems => "{S} admite como máximo {max} elementos.", "{S} allows at most {max} entries.", "{S} admet com a màxim {max} elements.";
    TooLong => "{S} no puede tener más de {max} caracteres.", "{S} must be at most {max} characters long.", "{S} no pot tenir més de {max} caràcters.";
    FormatDni => "El DNI debe tener 8 números seguidos de una letra, por ejemplo 12345678Z.", "A DNI has 8 digits followed by a letter, for example 12345678Z.", "El DNI ha de tenir 8 números seguits d'una lletra, per exemple 12345678Z.";
    FormatNie => "El NIE debe empezar por X, Y o Z, seguida de 7 números y una letra, por ejemplo X1234567L.", "An NIE starts with X, Y or Z, followed by 7 digits and a letter, for example X1234567L.", "El NIE ha de començar per X, Y o Z, seguida de 7 números i una lletra, per exemple X1234567L.";
    FormatPassport => "El número de pasaporte debe tener entre 6 y 9 letras o números.", "A passport number has 6 to 9 letters or digits.", "El número de passaport ha de tenir entre 6 i 9 lletres o números.";
    FormatAmount => "{S} debe ser un número con hasta dos decimales separados por punto, por ejemplo 2500.50.", "{S} must be a number with up to two decimals after a dot, for example 2500.50.", "{S} ha de ser un número amb fins a dos decimals separats per un punt, per exemple 2500.50.";
    FormatAlphanumeric => "{S} solo puede contener letras y números.", "{S} may only contain letters and digits.", "{S} només pot contenir lletres i números.";
    Format => "{S} no tiene un formato válido.", "{S} is not in a valid format.", "{S} no té un format vàlid.";
    Checksum => "La letra del {id} no es correcta.", "The {id} control letter is not correct.", "La lletra del {id} no és correcta.";
    Email => "{S} no es válid{o|a|os|as}; debe ser como nombre@ejemplo.com.", "{S} is not valid; it should look like name@example.com.", "{S} no és {vàlid|vàlida|vàlids|vàlides}; ha de ser com nom@exemple.com.";
    Phone => "{S} no es válid{o|a|os|as}. Usa un móvil o fijo español de 9 cifras o el formato internacional, por ejemplo +34 612 345 678.", "{S} is not valid. Use a 9-digit Spanish mobile or landline, or international format such as +34 612 345 678.", "{S} no és {vàlid|vàlida|vàlids|vàlides}. Fes servir un mòbil o fix espanyol de 9 xifres o el format internacional, per exemple +34 612 345 678.";
    PostcodeEs => "{S} debe estar entre 01000 y 52999.", "{S} must be between 01000 and 52999.", "{S} ha d'estar entre 01000 i 52999.";
    Postcode => "{S} no es válido para el país indicado.", "{S} is not valid for the selected country.", "{S} no és vàlid per al país indicat.";
    Country => "{S} debe ser un código de país ISO de dos letras, por ejemplo ES.", "{S} must be a two-letter ISO country code, for example ES.", "{S} ha de ser un codi de país ISO de dues lletres, per exemple ES.";
    Currency => "{S} debe ser un código de moneda ISO 4217, por ejemplo EUR.", "{S} must be an ISO 4217 currency code, for example EUR.", "{S} ha de ser un codi de moneda ISO 4217, per exemple EUR.";
    Date => "{S} no es una fecha válida; usa el formato AAAA-MM-DD.", "{S} is not a valid date; use YYYY-MM-DD.", "{S} no és una data vàlida; fes servir el format AAAA-MM-DD.";
    Underage => "Debes tener al menos {age} años.", "You must be at least {age} years old.", "Has de tenir com a mínim {age} anys.";
    UnderageCoApplicant => "El cotitular debe tener al menos {age} años.", "The co-applicant must be at least {age} years old.", "El cotitular ha de tenir com a mínim {age} anys.";
    TooOld => "{S} indica una edad de más de {max_age} años; revísala.", "{S} gives an age over {max_age} years; please check it.", "{S} indica una edat de més de {max_age} anys; revisa-la.";
    InFuture => "{S} no puede estar en el futuro.", "{S} cannot be in the future.", "{S} no pot ser en el futur.";
    NotAfter => "{S} no puede ser posterior a {not_after}.", "{S} cannot be later than {not_after}.", "{S} no pot ser posterior a {not_after}.";
    NotBefore => "{S} no puede ser anterior a {not_before}.", "{S} cannot be earlier than {not_before}.", "{S} no pot ser anterior a {not_before}.";
    Range => "{S} debe ser mayor que {min_exclusive} y no superar {max}.", "{S} must be greater than {min_exclusive} and at most {max}.", "{S} ha de ser més gran que {min_exclusive} i no superar {max}.";
    Choice => "{S} no es una opción válida. Opciones: {allowed}.", "{S} is not a valid option. Choose one of: {allowed}.", "{S} no és una opció vàlida. Opcions: {allowed}.";
    Characters => "{S} contiene caracteres no permitidos.", "{S} contains characters that are not allowed.", "{S} conté caràcters no permesos.";
    ConsentTermsRequired => "Debes aceptar los términos y condiciones.", "You must accept the terms and conditions.", "Has d'acceptar els termes i condicions.";
    ConsentCreditRequired => "Debes autorizar la consulta de solvencia.", "You must authorise the credit check.", "Has d'autoritzar la consulta de solvència.";
    ConsentBothRequired => "Debes aceptar los términos y autorizar la consulta de solvencia.", "You must accept the terms and authorise the credit check.", "Has d'acceptar els termes i autoritzar la consulta de solvència.";
    FileEmpty => "El archivo está vacío.", "The file is empty.", "El fitxer és buit.";
    FileOverLimit => "El archivo supera el tamaño máximo de {mb} MB.", "The file is larger than the {mb} MB limit.", "El fitxer supera la mida màxima de {mb} MB.";
    FileTooLarge => "El archivo es demasiado grande.", "The file is too large.", "El fitxer és massa gran.";
    MediaType => "Solo se admiten archivos PDF, JPEG o PNG.", "Only PDF, JPEG or PNG files are accepted.", "Només s'admeten fitxers PDF, JPEG o PNG.";
    AgencyServerOnly => "{S} solo {lo|la|los|las} puede fijar el servidor de la agencia, con {use}.", "{S} can only be set by the agency's server, with {use}.", "{S} només {el|la|els|les} pot fixar el servidor de l'agència, amb {use}.";

    // The sentences the applicant ticks (`consent::text`; their SHA-256 is the receipt's).
    ConsentTerms => "He leído y acepto las condiciones y la política de privacidad", "I have read and accept the terms and the privacy policy", "He llegit i accepto les condicions i la política de privadesa";
    ConsentCreditCheck => "Autorizo la consulta de ficheros de solvencia patrimonial y crédito", "I authorise a check of credit and solvency records", "Autoritzo la consulta de fitxers de solvència patrimonial i de crèdit";
}

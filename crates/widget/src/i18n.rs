//! The widget's own UI strings in Spanish, English and Catalan, and the catalog a
//! journey speaks from. Validation messages and field names are not here: they come
//! from `onboarding_core::i18n`, the same text the edge sends.
//!
//! Spanish is compiled into the wasm. English and Catalan are data: the loader fetches
//! `i18n/<locale>.json` (with its integrity) when a journey needs it and hands it over
//! ([`Catalog::load`]), with the agency's phrase overrides applied. The files are
//! generated from these tables (`examples/catalogs.rs`); natively (tests, the
//! generator) every language is compiled in.
//!
//! A string may hold `{0}` / `{1}` placeholders, filled by [`fill`].

use onboarding_core::i18n as core;
pub use onboarding_core::i18n::Locale;

macro_rules! messages {
    ($($name:ident => $es:literal, $en:literal, $ca:literal;)*) => {
        /// A UI string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $(#[allow(missing_docs)] $name),* }

        impl Msg {
            /// Every UI string, in catalog order (the loaded catalogs' order).
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];
        }

        /// The Spanish strings, in the order of [`Msg`] (a table rather than a `match`:
        /// data compresses better than code).
        const ES: &[&str] = &[$($es),*];
        #[cfg(not(target_arch = "wasm32"))]
        const EN: &[&str] = &[$($en),*];
        #[cfg(not(target_arch = "wasm32"))]
        const CA: &[&str] = &[$($ca),*];
    };
}

/// What a journey says and how: the UI strings and core's catalog, in one language.
#[derive(Debug)]
pub struct Catalog {
    /// The language.
    pub locale: Locale,
    core: Core,
    ui: core::Strings,
}

#[derive(Debug)]
enum Core {
    Builtin(&'static core::Catalog),
    Loaded(core::Catalog),
}

impl Catalog {
    /// The compiled-in catalog of `locale` (in the wasm, Spanish whatever `locale`).
    pub fn builtin(locale: Locale) -> Catalog {
        let (locale, ui) = match locale {
            #[cfg(not(target_arch = "wasm32"))]
            Locale::En => (locale, EN),
            #[cfg(not(target_arch = "wasm32"))]
            Locale::Ca => (locale, CA),
            _ => (Locale::Es, ES),
        };
        Catalog {
            locale,
            core: Core::Builtin(core::Catalog::builtin(locale)),
            ui: core::Strings::Static(ui),
        }
    }

    /// A catalog from the loader's data: every string of it in one text, separated by
    /// NUL (`\0`, which no phrase holds): core's texts and labels (as
    /// [`core::Catalog::load`] takes them), then the UI strings in [`Msg`] order. One
    /// string crosses from JS more cheaply than three arrays. `None` when the counts
    /// are not the tables'.
    pub fn load(locale: Locale, data: &str) -> Option<Catalog> {
        let mut all: Vec<String> = data.split('\0').map(str::to_owned).collect();
        let labels_at = core::Text::ALL.len();
        let ui_at = labels_at + onboarding_core::validate::fields::FIELDS.len();
        if all.len() != ui_at + Msg::ALL.len() {
            return None;
        }
        let ui = all.split_off(ui_at);
        let labels = all.split_off(labels_at);
        Some(Catalog {
            locale,
            core: Core::Loaded(core::Catalog::load(locale, all, labels).ok()?),
            ui: core::Strings::Owned(ui),
        })
    }

    /// The text of `msg`.
    pub fn t(&self, msg: Msg) -> &str {
        self.ui.get(msg as usize)
    }

    /// Core's catalog in the same language (field names, validation messages, the
    /// consent sentences).
    pub fn core(&self) -> &core::Catalog {
        match &self.core {
            Core::Builtin(c) => c,
            Core::Loaded(c) => c,
        }
    }
}

/// `text` with `{0}`, `{1}`… replaced by `args` (core's template filling).
pub fn fill(text: &str, args: &[&str]) -> String {
    core::fill(text, &|k| {
        Some(args.get(k.parse::<usize>().ok()?)?.to_string())
    })
}

messages! {
    Title => "Solicitud de alquiler", "Rental application", "Sol·licitud de lloguer";
    StepsLabel => "Pasos de la solicitud", "Application steps", "Passos de la sol·licitud";
    StepOf => "Paso {0} de {1}", "Step {0} of {1}", "Pas {0} de {1}";
    Language => "Idioma", "Language", "Idioma";
    Continue => "Continuar", "Continue", "Continua";
    Back => "Atrás", "Back", "Enrere";
    Exit => "Salir", "Exit", "Surt";
    Optional => "(opcional)", "(optional)", "(opcional)";
    Working => "Un momento…", "One moment…", "Un moment…";
    FixErrors => "Revisa los campos marcados: {0}.", "Please check the marked fields: {0}.", "Revisa els camps marcats: {0}.";
    NetworkError => "No hemos podido conectar. Comprueba tu conexión e inténtalo de nuevo.", "We could not connect. Check your connection and try again.", "No ens hem pogut connectar. Comprova la connexió i torna-ho a provar.";
    GenericError => "Algo ha ido mal. Inténtalo de nuevo en unos minutos.", "Something went wrong. Please try again in a few minutes.", "Alguna cosa no ha anat bé. Torna-ho a provar d'aquí a uns minuts.";
    ContactAgency => "No podemos seguir con tu solicitud en línea. Ponte en contacto con la agencia.", "We cannot continue your application online. Please contact the agency.", "No podem continuar la teva sol·licitud en línia. Posa't en contacte amb l'agència.";
    SessionExpired => "Tu sesión ha caducado por seguridad. Empieza de nuevo, por favor.", "Your session expired for your security. Please start again.", "La teva sessió ha caducat per seguretat. Torna a començar, si us plau.";
    Resumed => "Hemos recuperado tu solicitud donde la dejaste.", "We picked up your application where you left it.", "Hem recuperat la teva sol·licitud on la vas deixar.";
    UnavailableTitle => "Formulario no disponible en esta web", "Form not available on this website", "Formulari no disponible en aquest web";
    LinkExpired => "El enlace de esta página ha caducado o ya se usó. Vuelve a cargar la página para empezar.", "This page's link has expired or was already used. Reload the page to start.", "L'enllaç d'aquesta pàgina ha caducat o ja s'ha fet servir. Torna a carregar la pàgina per començar.";
    UnavailableBody => "Esta web no puede recibir solicitudes todavía. Ponte en contacto con la agencia para solicitar el alquiler.", "This website cannot take applications yet. Please contact the agency to apply.", "Aquest web encara no pot rebre sol·licituds. Posa't en contacte amb l'agència per sol·licitar el lloguer.";

    StepConsent => "Antes de empezar", "Before you start", "Abans de començar";
    StepDetails => "Tus datos", "Your details", "Les teves dades";
    StepDocuments => "Documentos", "Documents", "Documents";
    StepIdentity => "Verificación de identidad", "Identity check", "Verificació d'identitat";
    StepBank => "Conexión bancaria", "Bank connection", "Connexió bancària";
    StepSummary => "Estado de tu solicitud", "Your application status", "Estat de la teva sol·licitud";
    StepDone => "Solicitud completada", "Application complete", "Sol·licitud completada";

    ConsentIntro => "Solicitar este piso lleva unos 5 minutos. Necesitarás tu DNI, NIE o pasaporte y tus últimas nóminas o extractos bancarios.", "Applying for this flat takes about 5 minutes. You will need your DNI, NIE or passport and your latest payslips or bank statements.", "Sol·licitar aquest pis porta uns 5 minuts. Necessitaràs el DNI, NIE o passaport i les darreres nòmines o extractes bancaris.";
    ConsentTermsLink => "Leer las condiciones y la política de privacidad", "Read the terms and the privacy policy", "Llegeix les condicions i la política de privadesa";
    ConsentCreditLink => "Qué se consulta y por qué", "What is checked and why", "Què es consulta i per què";
    NewWindow => "(se abre en una ventana nueva)", "(opens in a new window)", "(s'obre en una finestra nova)";
    Start => "Empezar", "Start", "Comença";

    Applicant => "Solicitante", "Applicant", "Sol·licitant";
    CoApplicant => "Cosolicitante o avalista", "Co-applicant or guarantor", "Cosol·licitant o avalista";
    AddCoApplicant => "Añadir un cosolicitante o avalista", "Add a co-applicant or guarantor", "Afegeix un cosol·licitant o avalista";
    Identity => "Identidad", "Identity", "Identitat";
    Contact => "Contacto", "Contact", "Contacte";
    AddressLegend => "Domicilio actual", "Current address", "Domicili actual";
    WorkLegend => "Trabajo e ingresos", "Work and income", "Feina i ingressos";
    PhoneHint => "Por ejemplo 612 345 678 o +34 612 345 678", "For example 612 345 678 or +34 612 345 678", "Per exemple 612 345 678 o +34 612 345 678";
    IdNumberHint => "DNI: 8 cifras y letra. NIE: X, Y o Z, 7 cifras y letra.", "DNI: 8 digits and a letter. NIE: X, Y or Z, 7 digits and a letter.", "DNI: 8 xifres i lletra. NIE: X, Y o Z, 7 xifres i lletra.";
    CountryHint => "Código de 2 letras, por ejemplo ES", "2-letter code, for example ES", "Codi de 2 lletres, per exemple ES";
    Passport => "Pasaporte", "Passport", "Passaport";
    Permanent => "Indefinido", "Permanent", "Indefinit";
    Temporary => "Temporal", "Temporary", "Temporal";
    SelfEmployed => "Autónomo", "Self-employed", "Autònom";
    IncomeHint => "Netos al mes, en euros", "Net per month, in euros", "Nets al mes, en euros";

    DocumentsIntro => "Sube tus nóminas, extractos bancarios, declaración de la renta o documento de identidad. PDF, JPG o PNG de hasta 15 MB cada uno.", "Upload your payslips, bank statements, tax return or identity document. PDF, JPG or PNG, up to 15 MB each.", "Puja les nòmines, els extractes bancaris, la declaració de la renda o el document d'identitat. PDF, JPG o PNG de fins a 15 MB cadascun.";
    DropHere => "Arrastra aquí tus archivos o", "Drag your files here or", "Arrossega aquí els fitxers o";
    ChooseFiles => "Elegir archivos", "Choose files", "Tria fitxers";
    TakePhoto => "Hacer una foto", "Take a photo", "Fes una foto";
    FilesLabel => "Archivos elegidos", "Chosen files", "Fitxers triats";
    DocKind => "Tipo de documento", "Document type", "Tipus de document";
    KindPayslip => "Nómina", "Payslip", "Nòmina";
    KindBankStatement => "Extracto bancario", "Bank statement", "Extracte bancari";
    KindTaxReturn => "Declaración de la renta", "Tax return", "Declaració de la renda";
    KindIdentityDocument => "Documento de identidad", "Identity document", "Document d'identitat";
    KindEmploymentContract => "Contrato de trabajo", "Employment contract", "Contracte de treball";
    KindOther => "Otro", "Other", "Altres";
    Upload => "Subir", "Upload", "Puja";
    UploadAll => "Subir archivos", "Upload files", "Puja els fitxers";
    Cancel => "Cancelar", "Cancel", "Cancel·la";
    Retry => "Reintentar", "Retry", "Torna-ho a provar";
    Remove => "Quitar", "Remove", "Treu";
    FileReady => "Listo para subir", "Ready to upload", "A punt per pujar";
    FileUploading => "Subiendo: {0} %", "Uploading: {0}%", "S'està pujant: {0} %";
    FileUploaded => "Subido", "Uploaded", "Pujat";
    FileCancelled => "Subida cancelada", "Upload cancelled", "Pujada cancel·lada";
    FileFailed => "No se ha podido subir", "Could not upload", "No s'ha pogut pujar";
    FileAnalysing => "Subido, analizando", "Uploaded, being analysed", "Pujat, s'està analitzant";
    FileAccepted => "Aceptado", "Accepted", "Acceptat";
    FileRejected => "Rechazado: sube otro documento", "Rejected: please upload another document", "Rebutjat: puja un altre document";
    UploadOf => "Progreso de {0}", "Progress of {0}", "Progrés de {0}";
    NeedDocument => "Sube al menos un documento o tráelos con Cl@ve.", "Upload at least one document or get them with Cl@ve.", "Puja com a mínim un document o obtén-los amb Cl@ve.";
    ClaveIntro => "¿Prefieres no subirlos? Tráelos de la Agencia Tributaria y la Seguridad Social con Cl@ve.", "Rather not upload them? Get them from the Tax Agency and Social Security with Cl@ve.", "Prefereixes no pujar-los? Obtén-los de l'Agència Tributària i la Seguretat Social amb Cl@ve.";
    ClaveButton => "Obtenerlos con Cl@ve", "Get them from Cl@ve", "Obtén-los amb Cl@ve";
    ClavePending => "Completa el acceso con Cl@ve en la ventana que se ha abierto.", "Finish signing in with Cl@ve in the window that opened.", "Completa l'accés amb Cl@ve a la finestra que s'ha obert.";
    ClaveDone => "Documentos obtenidos con Cl@ve.", "Documents retrieved with Cl@ve.", "Documents obtinguts amb Cl@ve.";
    ClaveFailed => "No se han podido obtener los documentos con Cl@ve.", "The documents could not be retrieved with Cl@ve.", "No s'han pogut obtenir els documents amb Cl@ve.";

    IdentityIntro => "Verifica tu documento de identidad con una foto y un selfie. Se abre en una ventana segura.", "Verify your identity document with a photo and a selfie. It opens in a secure window.", "Verifica el teu document d'identitat amb una foto i un selfie. S'obre en una finestra segura.";
    KycButton => "Verificar mi identidad", "Verify my identity", "Verifica la meva identitat";
    KycPending => "Completa la verificación en la ventana que se ha abierto. Esta página se actualizará sola.", "Complete the verification in the window that opened. This page updates by itself.", "Completa la verificació a la finestra que s'ha obert. Aquesta pàgina s'actualitzarà sola.";
    KycReopen => "Abrir de nuevo la ventana", "Open the window again", "Torna a obrir la finestra";
    KycVerified => "Documento de identidad verificado.", "Identity document verified.", "Document d'identitat verificat.";
    KycRejected => "No hemos podido verificar tu documento. Puedes intentarlo otra vez.", "We could not verify your document. You can try again.", "No hem pogut verificar el teu document. Pots tornar-ho a provar.";
    KycRetry => "Intentar de nuevo", "Try again", "Torna-ho a provar";
    InquiryRunning => "Comprobando tu identidad…", "Checking your identity…", "S'està comprovant la teva identitat…";
    QuestionsIntro => "Para confirmar tu identidad, responde a estas preguntas.", "To confirm your identity, please answer these questions.", "Per confirmar la teva identitat, respon aquestes preguntes.";
    SendAnswers => "Enviar respuestas", "Send answers", "Envia les respostes";
    DecisionAllow => "Identidad confirmada.", "Identity confirmed.", "Identitat confirmada.";
    DecisionDeny => "No hemos podido confirmar tu identidad. La agencia se pondrá en contacto contigo.", "We could not confirm your identity. The agency will contact you.", "No hem pogut confirmar la teva identitat. L'agència es posarà en contacte amb tu.";
    DecisionReview => "Tu identidad se revisará manualmente. Puedes continuar.", "Your identity will be reviewed by hand. You can continue.", "La teva identitat es revisarà manualment. Pots continuar.";

    BankIntro => "Conectar tu banco de forma segura acelera la evaluación. Es opcional: no vemos tus claves.", "Connecting your bank securely speeds up the assessment. It is optional: we never see your credentials.", "Connectar el teu banc de manera segura accelera l'avaluació. És opcional: no veiem les teves claus.";
    BankButton => "Conectar mi banco", "Connect my bank", "Connecta el meu banc";
    BankPending => "Completa la conexión en la ventana que se ha abierto.", "Complete the connection in the window that opened.", "Completa la connexió a la finestra que s'ha obert.";
    BankDone => "Banco conectado.", "Bank connected.", "Banc connectat.";
    BankFailed => "No se ha podido conectar el banco.", "The bank could not be connected.", "No s'ha pogut connectar el banc.";
    Skip => "Omitir este paso", "Skip this step", "Omet aquest pas";

    SummaryIntro => "Seguimos comprobando tu solicitud. Esta lista se actualiza en directo.", "We are still checking your application. This list updates live.", "Continuem comprovant la teva sol·licitud. Aquesta llista s'actualitza en directe.";
    SummaryLive => "Actualizado: {0}", "Updated: {0}", "Actualitzat: {0}";
    RowDetails => "Datos personales", "Personal details", "Dades personals";
    RowDocuments => "Documentos", "Documents", "Documents";
    RowClave => "Cl@ve", "Cl@ve", "Cl@ve";
    RowKyc => "Documento de identidad", "Identity document", "Document d'identitat";
    RowIdentity => "Identidad", "Identity", "Identitat";
    RowBank => "Banco", "Bank", "Banc";
    RowForensic => "Análisis de documentos", "Document analysis", "Anàlisi de documents";
    StNotStarted => "Sin empezar", "Not started", "Sense començar";
    StPending => "Pendiente", "Pending", "Pendent";
    StProcessing => "En curso", "In progress", "En curs";
    StDone => "Completado", "Done", "Completat";
    StFailed => "Con incidencias", "Failed", "Amb incidències";
    StVerified => "Verificado", "Verified", "Verificat";
    StRejected => "Rechazado", "Rejected", "Rebutjat";
    StAccepted => "Aceptado", "Accepted", "Acceptat";
    StAllow => "Confirmada", "Confirmed", "Confirmada";
    StChallenge => "Preguntas pendientes", "Questions pending", "Preguntes pendents";
    StDeny => "No confirmada", "Not confirmed", "No confirmada";
    StReview => "En revisión", "Under review", "En revisió";
    StWaitingForDocuments => "Esperando documentos", "Waiting for documents", "S'esperen documents";
    StWaitingForKyc => "Esperando la verificación", "Waiting for verification", "S'espera la verificació";

    DoneText => "Hemos recibido tu solicitud y todas las comprobaciones han terminado. La agencia se pondrá en contacto contigo.", "We have your application and every check has finished. The agency will be in touch.", "Hem rebut la teva sol·licitud i totes les comprovacions han acabat. L'agència es posarà en contacte amb tu.";
    Reference => "Referencia: {0}", "Reference: {0}", "Referència: {0}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_every_language() {
        for locale in Locale::ALL {
            let c = Catalog::builtin(locale);
            assert_eq!(c.locale, locale);
            for &m in Msg::ALL {
                assert!(!c.t(m).is_empty(), "{locale:?} {m:?}");
                // Placeholders the same in every language.
                let holes = |s: &str| {
                    (0..3)
                        .map(|i| s.contains(&format!("{{{i}}}")))
                        .collect::<Vec<_>>()
                };
                assert_eq!(
                    holes(c.t(m)),
                    holes(Catalog::builtin(Locale::Es).t(m)),
                    "{m:?}"
                );
            }
        }
        assert_eq!(fill("Paso {0} de {1}", &["2", "6"]), "Paso 2 de 6");
        assert!(Catalog::load(Locale::Ca, "x\0y").is_none());
        // What the loader hands over: every string of a catalog, NUL-separated.
        let ca = Catalog::builtin(Locale::Ca);
        let data: Vec<&str> = ca
            .core()
            .texts()
            .chain(ca.core().labels())
            .chain(Msg::ALL.iter().map(|&m| ca.t(m)))
            .collect();
        let loaded = Catalog::load(Locale::Ca, &data.join("\0")).unwrap();
        for &m in Msg::ALL {
            assert_eq!(loaded.t(m), ca.t(m));
        }
        assert_eq!(
            loaded.core().field_label("applicant.email"),
            "Correu electrònic"
        );
    }

    /// The types an agency's `messages` are checked against list exactly these phrases.
    #[test]
    fn the_types_list_every_phrase() {
        let dts = include_str!("../js/onboarding.d.ts");
        let union = dts
            .split("export type MessageKey =")
            .nth(1)
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        let listed: Vec<&str> = union.split('"').skip(1).step_by(2).collect();
        let names: Vec<String> = Msg::ALL.iter().map(|m| format!("{m:?}")).collect();
        assert_eq!(listed, names);
    }
}

//! The widget's own UI strings in Spanish and English. Validation messages are not
//! here: they come from `onboarding_core::i18n`, the same text the edge sends.
//!
//! A string may hold `{0}` / `{1}` placeholders, filled by [`fill`].

pub use onboarding_core::i18n::Locale;

macro_rules! messages {
    ($($name:ident => $es:literal, $en:literal;)*) => {
        /// A UI string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $(#[allow(missing_docs)] $name),* }

        impl Msg {
            /// Every UI string (for tests: each has both languages).
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];
        }

        /// Every string as `[es, en]`, in the order of [`Msg`] (a table rather than a
        /// `match`: data compresses better than code).
        const TEXT: &[[&str; 2]] = &[$([$es, $en]),*];

        /// The text of `msg` in `locale`.
        pub fn t(locale: Locale, msg: Msg) -> &'static str {
            TEXT[msg as usize][usize::from(is_en(locale))]
        }
    };
}

/// Whether `locale` is English (everything else is Spanish, the default).
pub fn is_en(locale: Locale) -> bool {
    matches!(locale, Locale::En)
}

/// `text` with `{0}`, `{1}`… replaced by `args`.
pub fn fill(text: &str, args: &[&str]) -> String {
    let mut out = text.to_owned();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

messages! {
    Title => "Solicitud de alquiler", "Rental application";
    StepsLabel => "Pasos de la solicitud", "Application steps";
    StepOf => "Paso {0} de {1}", "Step {0} of {1}";
    Language => "Idioma", "Language";
    Continue => "Continuar", "Continue";
    Back => "Atrás", "Back";
    Exit => "Salir", "Exit";
    Optional => "(opcional)", "(optional)";
    Working => "Un momento…", "One moment…";
    FixErrors => "Revisa los campos marcados: {0}.", "Please check the marked fields: {0}.";
    NetworkError => "No hemos podido conectar. Comprueba tu conexión e inténtalo de nuevo.", "We could not connect. Check your connection and try again.";
    GenericError => "Algo ha ido mal. Inténtalo de nuevo en unos minutos.", "Something went wrong. Please try again in a few minutes.";
    ContactAgency => "No podemos seguir con tu solicitud en línea. Ponte en contacto con la agencia.", "We cannot continue your application online. Please contact the agency.";
    SessionExpired => "Tu sesión ha caducado por seguridad. Empieza de nuevo, por favor.", "Your session expired for your security. Please start again.";
    Resumed => "Hemos recuperado tu solicitud donde la dejaste.", "We picked up your application where you left it.";
    UnavailableTitle => "Formulario no disponible en esta web", "Form not available on this website";
    UnavailableBody => "Esta web no puede recibir solicitudes todavía. Ponte en contacto con la agencia para solicitar el alquiler.", "This website cannot take applications yet. Please contact the agency to apply.";

    StepConsent => "Antes de empezar", "Before you start";
    StepDetails => "Tus datos", "Your details";
    StepDocuments => "Documentos", "Documents";
    StepIdentity => "Verificación de identidad", "Identity check";
    StepBank => "Conexión bancaria", "Bank connection";
    StepSummary => "Estado de tu solicitud", "Your application status";
    StepDone => "Solicitud completada", "Application complete";

    ConsentIntro => "Solicitar este piso lleva unos 5 minutos. Necesitarás tu DNI, NIE o pasaporte y tus últimas nóminas o extractos bancarios.", "Applying for this flat takes about 5 minutes. You will need your DNI, NIE or passport and your latest payslips or bank statements.";
    ConsentTermsLink => "Leer las condiciones y la política de privacidad", "Read the terms and the privacy policy";
    ConsentCreditLink => "Qué se consulta y por qué", "What is checked and why";
    NewWindow => "(se abre en una ventana nueva)", "(opens in a new window)";
    Start => "Empezar", "Start";

    Applicant => "Solicitante", "Applicant";
    CoApplicant => "Cosolicitante o avalista", "Co-applicant or guarantor";
    AddCoApplicant => "Añadir un cosolicitante o avalista", "Add a co-applicant or guarantor";
    Identity => "Identidad", "Identity";
    Contact => "Contacto", "Contact";
    AddressLegend => "Domicilio actual", "Current address";
    WorkLegend => "Trabajo e ingresos", "Work and income";
    PhoneHint => "Por ejemplo 612 345 678 o +34 612 345 678", "For example 612 345 678 or +34 612 345 678";
    IdNumberHint => "DNI: 8 cifras y letra. NIE: X, Y o Z, 7 cifras y letra.", "DNI: 8 digits and a letter. NIE: X, Y or Z, 7 digits and a letter.";
    CountryHint => "Código de 2 letras, por ejemplo ES", "2-letter code, for example ES";
    Passport => "Pasaporte", "Passport";
    Permanent => "Indefinido", "Permanent";
    Temporary => "Temporal", "Temporary";
    SelfEmployed => "Autónomo", "Self-employed";
    IncomeHint => "Netos al mes, en euros", "Net per month, in euros";

    DocumentsIntro => "Sube tus nóminas, extractos bancarios, declaración de la renta o documento de identidad. PDF, JPG o PNG de hasta 15 MB cada uno.", "Upload your payslips, bank statements, tax return or identity document. PDF, JPG or PNG, up to 15 MB each.";
    DropHere => "Arrastra aquí tus archivos o", "Drag your files here or";
    ChooseFiles => "Elegir archivos", "Choose files";
    TakePhoto => "Hacer una foto", "Take a photo";
    FilesLabel => "Archivos elegidos", "Chosen files";
    DocKind => "Tipo de documento", "Document type";
    KindPayslip => "Nómina", "Payslip";
    KindBankStatement => "Extracto bancario", "Bank statement";
    KindTaxReturn => "Declaración de la renta", "Tax return";
    KindIdentityDocument => "Documento de identidad", "Identity document";
    KindEmploymentContract => "Contrato de trabajo", "Employment contract";
    KindOther => "Otro", "Other";
    Upload => "Subir", "Upload";
    UploadAll => "Subir archivos", "Upload files";
    Cancel => "Cancelar", "Cancel";
    Retry => "Reintentar", "Retry";
    Remove => "Quitar", "Remove";
    FileReady => "Listo para subir", "Ready to upload";
    FileUploading => "Subiendo: {0} %", "Uploading: {0}%";
    FileUploaded => "Subido", "Uploaded";
    FileCancelled => "Subida cancelada", "Upload cancelled";
    FileFailed => "No se ha podido subir", "Could not upload";
    FileAnalysing => "Subido, analizando", "Uploaded, being analysed";
    FileAccepted => "Aceptado", "Accepted";
    FileRejected => "Rechazado: sube otro documento", "Rejected: please upload another document";
    UploadOf => "Progreso de {0}", "Progress of {0}";
    NeedDocument => "Sube al menos un documento o tráelos con Cl@ve.", "Upload at least one document or get them with Cl@ve.";
    ClaveIntro => "¿Prefieres no subirlos? Tráelos de la Agencia Tributaria y la Seguridad Social con Cl@ve.", "Rather not upload them? Get them from the Tax Agency and Social Security with Cl@ve.";
    ClaveButton => "Obtenerlos con Cl@ve", "Get them from Cl@ve";
    ClavePending => "Completa el acceso con Cl@ve en la ventana que se ha abierto.", "Finish signing in with Cl@ve in the window that opened.";
    ClaveDone => "Documentos obtenidos con Cl@ve.", "Documents retrieved with Cl@ve.";
    ClaveFailed => "No se han podido obtener los documentos con Cl@ve.", "The documents could not be retrieved with Cl@ve.";

    IdentityIntro => "Verifica tu documento de identidad con una foto y un selfie. Se abre en una ventana segura.", "Verify your identity document with a photo and a selfie. It opens in a secure window.";
    KycButton => "Verificar mi identidad", "Verify my identity";
    KycPending => "Completa la verificación en la ventana que se ha abierto. Esta página se actualizará sola.", "Complete the verification in the window that opened. This page updates by itself.";
    KycReopen => "Abrir de nuevo la ventana", "Open the window again";
    KycVerified => "Documento de identidad verificado.", "Identity document verified.";
    KycRejected => "No hemos podido verificar tu documento. Puedes intentarlo otra vez.", "We could not verify your document. You can try again.";
    KycRetry => "Intentar de nuevo", "Try again";
    InquiryRunning => "Comprobando tu identidad…", "Checking your identity…";
    QuestionsIntro => "Para confirmar tu identidad, responde a estas preguntas.", "To confirm your identity, please answer these questions.";
    SendAnswers => "Enviar respuestas", "Send answers";
    DecisionAllow => "Identidad confirmada.", "Identity confirmed.";
    DecisionDeny => "No hemos podido confirmar tu identidad. La agencia se pondrá en contacto contigo.", "We could not confirm your identity. The agency will contact you.";
    DecisionReview => "Tu identidad se revisará manualmente. Puedes continuar.", "Your identity will be reviewed by hand. You can continue.";

    BankIntro => "Conectar tu banco de forma segura acelera la evaluación. Es opcional: no vemos tus claves.", "Connecting your bank securely speeds up the assessment. It is optional: we never see your credentials.";
    BankButton => "Conectar mi banco", "Connect my bank";
    BankPending => "Completa la conexión en la ventana que se ha abierto.", "Complete the connection in the window that opened.";
    BankDone => "Banco conectado.", "Bank connected.";
    BankFailed => "No se ha podido conectar el banco.", "The bank could not be connected.";
    Skip => "Omitir este paso", "Skip this step";

    SummaryIntro => "Seguimos comprobando tu solicitud. Esta lista se actualiza en directo.", "We are still checking your application. This list updates live.";
    SummaryLive => "Actualizado: {0}", "Updated: {0}";
    RowDetails => "Datos personales", "Personal details";
    RowDocuments => "Documentos", "Documents";
    RowClave => "Cl@ve", "Cl@ve";
    RowKyc => "Documento de identidad", "Identity document";
    RowIdentity => "Identidad", "Identity";
    RowBank => "Banco", "Bank";
    RowForensic => "Análisis de documentos", "Document analysis";
    StNotStarted => "Sin empezar", "Not started";
    StPending => "Pendiente", "Pending";
    StProcessing => "En curso", "In progress";
    StDone => "Completado", "Done";
    StFailed => "Con incidencias", "Failed";
    StVerified => "Verificado", "Verified";
    StRejected => "Rechazado", "Rejected";
    StAccepted => "Aceptado", "Accepted";
    StAllow => "Confirmada", "Confirmed";
    StChallenge => "Preguntas pendientes", "Questions pending";
    StDeny => "No confirmada", "Not confirmed";
    StReview => "En revisión", "Under review";
    StWaitingForDocuments => "Esperando documentos", "Waiting for documents";
    StWaitingForKyc => "Esperando la verificación", "Waiting for verification";

    DoneText => "Hemos recibido tu solicitud y todas las comprobaciones han terminado. La agencia se pondrá en contacto contigo.", "We have your application and every check has finished. The agency will be in touch.";
    Reference => "Referencia: {0}", "Reference: {0}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_both_languages() {
        for &m in Msg::ALL {
            let (es, en) = (t(Locale::Es, m), t(Locale::En, m));
            assert!(!es.is_empty() && !en.is_empty(), "{m:?}");
        }
        assert_eq!(fill("Paso {0} de {1}", &["2", "6"]), "Paso 2 de 6");
    }
}

//! What the agency's console shows, as rules and words: where an application stands
//! for the people deciding ([`Stage`]), which checks are done ([`Check`]), and every
//! text of its pages in Spanish, English and Catalan ([`T`]). The edge renders the
//! pages; nothing here knows HTML.

use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::lifecycle::Progress;
use crate::model::identity::Decision;
use crate::model::status::{StepState, Steps};

/// Where an application stands, as the pipeline groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// The applicant is still going through the steps.
    InProgress,
    /// An identity inquiry is open (started, or a step-up questionnaire asked).
    WaitingIdentity,
    /// The identity decision is `Review`: the agency decides.
    UnderReview,
    /// Every mandatory step is done.
    Complete,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 4] = [
        Stage::InProgress,
        Stage::WaitingIdentity,
        Stage::UnderReview,
        Stage::Complete,
    ];

    /// The wire name (a filter's value).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::InProgress => "inProgress",
            Stage::WaitingIdentity => "waitingIdentity",
            Stage::UnderReview => "underReview",
            Stage::Complete => "complete",
        }
    }

    /// From a wire name.
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The stage of an application from its progress, steps and identity decision.
    pub fn of(progress: Progress, steps: &Steps, decision: Option<Decision>) -> Stage {
        if progress == Progress::Complete {
            return Stage::Complete;
        }
        match decision {
            Some(Decision::Review) => Stage::UnderReview,
            Some(Decision::Challenge) => Stage::WaitingIdentity,
            None if matches!(
                steps.identity,
                StepState::Pending | StepState::Processing | StepState::Challenge
            ) =>
            {
                Stage::WaitingIdentity
            }
            _ => Stage::InProgress,
        }
    }

    /// Its name for people.
    pub fn text(self) -> T {
        match self {
            Stage::InProgress => T::StageInProgress,
            Stage::WaitingIdentity => T::StageWaitingIdentity,
            Stage::UnderReview => T::StageUnderReview,
            Stage::Complete => T::StageComplete,
        }
    }
}

/// The step an application is at: the first of the applicant's steps not done yet.
pub fn current_step(steps: &Steps) -> T {
    let done = |s: StepState| {
        matches!(
            s,
            StepState::Done | StepState::Verified | StepState::Accepted
        )
    };
    if !done(steps.details) {
        T::StepDetails
    } else if !done(steps.documents.state) {
        T::StepDocuments
    } else if !matches!(
        steps.identity,
        StepState::Allow | StepState::Deny | StepState::Review | StepState::Done
    ) {
        T::StepIdentity
    } else if !done(steps.kyc) {
        T::StepKyc
    } else if steps.bank == StepState::Pending || steps.bank == StepState::Processing {
        T::StepBank
    } else {
        T::StepSummary
    }
}

/// A step state's name for people.
pub fn state_text(s: StepState) -> T {
    match s {
        StepState::NotStarted => T::StateNotStarted,
        StepState::Pending => T::StatePending,
        StepState::Processing => T::StateProcessing,
        StepState::Done => T::StateDone,
        StepState::Failed => T::StateFailed,
        StepState::Verified => T::StateVerified,
        StepState::Rejected => T::StateRejected,
        StepState::Accepted => T::StateAccepted,
        StepState::Allow => T::DecisionAllow,
        StepState::Challenge => T::DecisionChallenge,
        StepState::Deny => T::DecisionDeny,
        StepState::Review => T::DecisionReview,
        StepState::WaitingForDocuments => T::StateWaitingForDocuments,
        StepState::WaitingForKyc => T::StateWaitingForKyc,
    }
}

/// What changed between two statuses, for the timeline: each step whose state moved,
/// with its new state (every step of the first status when there is no previous one).
pub fn changes(before: Option<&Steps>, after: &Steps) -> Vec<(T, StepState)> {
    let all = |s: &Steps| {
        [
            (T::StepDetails, s.details),
            (T::StepDocuments, s.documents.state),
            (T::StepClave, s.clave),
            (T::StepKyc, s.kyc),
            (T::StepBank, s.bank),
            (T::StepIdentity, s.identity),
            (T::StepForensic, s.forensic),
        ]
    };
    let now = all(after);
    match before.map(all) {
        None => now
            .into_iter()
            .filter(|(_, s)| *s != StepState::NotStarted)
            .collect(),
        Some(prev) => now
            .into_iter()
            .zip(prev)
            .filter(|((_, a), (_, b))| a != b)
            .map(|(a, _)| a)
            .collect(),
    }
}

/// A check the pipeline shows as done or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Documents accepted.
    Documents,
    /// KYC verified.
    Kyc,
    /// A bank connected.
    Bank,
    /// Forensic analysis done.
    Forensic,
}

impl Check {
    /// Every check, in the pipeline's order.
    pub const ALL: [Check; 4] = [Check::Documents, Check::Kyc, Check::Bank, Check::Forensic];

    /// Whether it is done.
    pub fn done(self, steps: &Steps) -> bool {
        let s = match self {
            Check::Documents => steps.documents.state,
            Check::Kyc => steps.kyc,
            Check::Bank => steps.bank,
            Check::Forensic => steps.forensic,
        };
        matches!(
            s,
            StepState::Done | StepState::Verified | StepState::Accepted
        )
    }

    /// Its name for people.
    pub fn text(self) -> T {
        match self {
            Check::Documents => T::CheckDocuments,
            Check::Kyc => T::CheckKyc,
            Check::Bank => T::CheckBank,
            Check::Forensic => T::CheckForensic,
        }
    }
}

/// A decision's name for people (`None`: no decision yet).
pub fn decision_text(d: Option<Decision>) -> T {
    match d {
        None => T::DecisionNone,
        Some(Decision::Allow) => T::DecisionAllow,
        Some(Decision::Challenge) => T::DecisionChallenge,
        Some(Decision::Deny) => T::DecisionDeny,
        Some(Decision::Review) => T::DecisionReview,
    }
}

/// The search tokens of a text, as the pipeline's search matches them: each word of
/// a name (lowercased, two characters or more), an email or a reference whole, each
/// under a keyed hash (`key`, the agency id): the agency's list keeps no name or email
/// in clear — its rows outlive an erasure in the storage's pages until they are
/// reused — only these pseudonyms, which nobody without the key can reverse or match.
pub fn search_tokens(key: &[u8], agency_id: &str, text: &str) -> Vec<String> {
    use hmac::{Hmac, Mac};
    let mut words: Vec<String> = Vec::new();
    let lower = text.to_lowercase();
    for w in lower.split(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        let w = w.trim_matches(|c: char| matches!(c, '.' | '(' | ')' | '"' | '\''));
        if w.chars().count() >= 2 && !words.iter().any(|x| x == w) {
            words.push(w.to_owned());
        }
    }
    words
        .into_iter()
        .filter_map(|w| {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).ok()?;
            mac.update(b"console-search\0");
            mac.update(agency_id.as_bytes());
            mac.update(b"\0");
            mac.update(w.as_bytes());
            Some(hex::encode(&mac.finalize().into_bytes()[..8]))
        })
        .collect()
}

/// Why the agency decided as it did: the reason code a decision carries (sent upstream
/// as a tag, and as the rejection code of a `Deny`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// Checked by hand and found right.
    VerifiedManually,
    /// The documents do not show enough.
    DocumentsInsufficient,
    /// The identity does not match the documents.
    IdentityMismatch,
    /// The rent takes too much of the income.
    Affordability,
    /// Signs of fraud.
    FraudSuspected,
    /// Anything else (say it in the note).
    Other,
}

impl Reason {
    /// Every reason, in the form's order.
    pub const ALL: [Reason; 6] = [
        Reason::VerifiedManually,
        Reason::DocumentsInsufficient,
        Reason::IdentityMismatch,
        Reason::Affordability,
        Reason::FraudSuspected,
        Reason::Other,
    ];

    /// The wire code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::VerifiedManually => "verified_manually",
            Reason::DocumentsInsufficient => "documents_insufficient",
            Reason::IdentityMismatch => "identity_mismatch",
            Reason::Affordability => "affordability",
            Reason::FraudSuspected => "fraud_suspected",
            Reason::Other => "other",
        }
    }

    /// From a wire code.
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Its label in the decision form.
    pub fn text(self) -> T {
        match self {
            Reason::VerifiedManually => T::ReasonVerifiedManually,
            Reason::DocumentsInsufficient => T::ReasonDocumentsInsufficient,
            Reason::IdentityMismatch => T::ReasonIdentityMismatch,
            Reason::Affordability => T::ReasonAffordability,
            Reason::FraudSuspected => T::ReasonFraudSuspected,
            Reason::Other => T::ReasonOther,
        }
    }
}

/// Fills `{name}` placeholders of a text.
pub fn fill(text: &str, params: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (k, v) in params {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

macro_rules! texts {
    ($($key:ident => $es:literal, $en:literal, $ca:literal;)*) => {
        /// A text of the console's pages.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum T { $(#[allow(missing_docs)] $key),* }

        impl T {
            /// Every text.
            pub const ALL: &'static [T] = &[$(T::$key),*];

            /// The text in `locale`.
            pub fn get(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::Es => [$($es),*][self as usize],
                    Locale::En => [$($en),*][self as usize],
                    Locale::Ca => [$($ca),*][self as usize],
                }
            }
        }
    };
}

texts! {
    SkipToContent => "Saltar al contenido", "Skip to content", "Vés al contingut";
    Console => "Consola de solicitudes", "Applications console", "Consola de sol·licituds";
    Applications => "Solicitudes", "Applications", "Sol·licituds";
    SignedInAs => "Sesión de {email} ({role})", "Signed in as {email} ({role})", "Sessió de {email} ({role})";
    RoleAdmin => "administración", "admin", "administració";
    RoleAgent => "agente", "agent", "agent";
    SignOut => "Cerrar sesión", "Sign out", "Tanca la sessió";
    Language => "Idioma", "Language", "Llengua";

    Filters => "Filtros", "Filters", "Filtres";
    FilterStage => "Etapa", "Stage", "Etapa";
    FilterDecision => "Decisión de identidad", "Identity decision", "Decisió d'identitat";
    Any => "Todas", "All", "Totes";
    Search => "Buscar por nombre, email o referencia", "Search by name, email or reference", "Cerca per nom, correu o referència";
    Apply => "Filtrar", "Filter", "Filtra";
    Clear => "Quitar filtros", "Clear filters", "Treu els filtres";
    StageInProgress => "En curso", "In progress", "En curs";
    StageWaitingIdentity => "Esperando identidad", "Waiting for identity", "Esperant la identitat";
    StageUnderReview => "En revisión", "Under review", "En revisió";
    StageComplete => "Completa", "Complete", "Completa";
    DecisionNone => "Sin decisión", "No decision", "Sense decisió";
    DecisionAllow => "Aprobada", "Allowed", "Aprovada";
    DecisionChallenge => "Verificación adicional", "Step-up asked", "Verificació addicional";
    DecisionDeny => "Denegada", "Denied", "Denegada";
    DecisionReview => "Revisión manual", "Manual review", "Revisió manual";
    ColApplicant => "Solicitante", "Applicant", "Sol·licitant";
    ColProperty => "Inmueble", "Property", "Immoble";
    ColCreated => "Creada", "Created", "Creada";
    ColStage => "Etapa", "Stage", "Etapa";
    ColStep => "Paso actual", "Current step", "Pas actual";
    ColIdentity => "Identidad", "Identity", "Identitat";
    ColChecks => "Comprobaciones", "Checks", "Comprovacions";
    ColFlags => "Avisos", "Flags", "Avisos";
    StepDetails => "Datos", "Details", "Dades";
    StepDocuments => "Documentos", "Documents", "Documents";
    StepIdentity => "Identidad", "Identity", "Identitat";
    StepKyc => "Verificación (KYC)", "Verification (KYC)", "Verificació (KYC)";
    StepBank => "Banco", "Bank", "Banc";
    StepSummary => "Resumen", "Summary", "Resum";
    StepClave => "Cl@ve", "Cl@ve", "Cl@ve";
    StepForensic => "Análisis forense", "Forensic analysis", "Anàlisi forense";
    StateNotStarted => "sin empezar", "not started", "sense començar";
    StatePending => "pendiente", "pending", "pendent";
    StateProcessing => "en proceso", "processing", "en procés";
    StateDone => "hecho", "done", "fet";
    StateFailed => "fallido", "failed", "fallit";
    StateVerified => "verificado", "verified", "verificat";
    StateRejected => "rechazado", "rejected", "rebutjat";
    StateAccepted => "aceptado", "accepted", "acceptat";
    StateWaitingForDocuments => "esperando documentos", "waiting for documents", "esperant documents";
    StateWaitingForKyc => "esperando el KYC", "waiting for KYC", "esperant el KYC";
    TenantCreatedEvent => "Solicitud creada", "Application created", "Sol·licitud creada";
    CheckDocuments => "Documentos", "Documents", "Documents";
    CheckKyc => "KYC", "KYC", "KYC";
    CheckBank => "Banco", "Bank", "Banc";
    CheckForensic => "Forense", "Forensic", "Forense";
    Done => "hecho", "done", "fet";
    NotDone => "pendiente", "not done", "pendent";
    FlagRefused => "{n} accesos rechazados", "{n} refused access attempts", "{n} accessos rebutjats";
    FlagSamePerson => "Misma persona en otra solicitud", "Same person in another application", "Mateixa persona en una altra sol·licitud";
    NoFlags => "Ninguno", "None", "Cap";
    NoMatches => "Ninguna solicitud coincide.", "No application matches.", "Cap sol·licitud no hi coincideix.";
    NextPage => "Página siguiente", "Next page", "Pàgina següent";
    FirstPage => "Primera página", "First page", "Primera pàgina";
    Unnamed => "(sin nombre)", "(no name)", "(sense nom)";
    Pages => "Páginas", "Pages", "Pàgines";
    LiveUpdates => "La lista se actualiza sola.", "The list updates by itself.", "La llista s'actualitza sola.";

    Back => "Volver a las solicitudes", "Back to applications", "Torna a les sol·licituds";
    Summary => "Resumen", "Summary", "Resum";
    Created => "Creada", "Created", "Creada";
    Updated => "Último cambio", "Last change", "Darrer canvi";
    Reference => "Referencia de la agencia", "Agency reference", "Referència de l'agència";
    Applicant => "Solicitante", "Applicant", "Sol·licitant";
    CoApplicant => "Cotitular", "Co-applicant", "Cotitular";
    Name => "Nombre", "Name", "Nom";
    Email => "Email", "Email", "Correu";
    Phone => "Teléfono", "Phone", "Telèfon";
    DateOfBirth => "Fecha de nacimiento", "Date of birth", "Data de naixement";
    IdDocument => "Documento de identidad", "Identity document", "Document d'identitat";
    Addresses => "Direcciones", "Addresses", "Adreces";
    Employment => "Empleo", "Employment", "Feina";
    Income => "Ingresos declarados", "Declared income", "Ingressos declarats";
    Property => "Inmueble", "Property", "Immoble";
    Affordability => "Asequibilidad", "Affordability", "Assequibilitat";
    Rent => "Alquiler mensual", "Monthly rent", "Lloguer mensual";
    AffordabilityApplicant => "Solo el solicitante", "Applicant alone", "Només el sol·licitant";
    AffordabilityBoth => "Con el cotitular", "With the co-applicant", "Amb el cotitular";
    MonthlyIncome => "Ingresos netos mensuales", "Net monthly income", "Ingressos nets mensuals";
    RentShare => "Alquiler sobre ingresos", "Rent to income", "Lloguer sobre ingressos";
    IncomeMultiple => "Ingresos entre alquiler", "Income as a multiple of rent", "Ingressos entre lloguer";
    VerdictWithin => "Dentro del umbral de la agencia ({max} %)", "Within the agency's threshold ({max} %)", "Dins del llindar de l'agència ({max} %)";
    VerdictAbove => "Por encima del umbral de la agencia ({max} %)", "Above the agency's threshold ({max} %)", "Per sobre del llindar de l'agència ({max} %)";
    NoAffordability => "Sin alquiler o sin ingresos declarados: nada que comparar.", "No rent or no declared income: nothing to compare.", "Sense lloguer o sense ingressos declarats: res a comparar.";
    Documents => "Documentos", "Documents", "Documents";
    DocKind => "Tipo", "Kind", "Tipus";
    DocSize => "Tamaño", "Size", "Mida";
    DocSource => "Origen", "Source", "Origen";
    DocAnalysis => "Análisis", "Analysis", "Anàlisi";
    DocOpen => "Abrir", "Open", "Obre";
    DocDownload => "Descargar", "Download", "Baixa";
    Identity => "Identidad", "Identity", "Identitat";
    Decision => "Decisión", "Decision", "Decisió";
    Carried => "Heredada de otra solicitud de la misma persona", "Carried from another application of the same person", "Heretada d'una altra sol·licitud de la mateixa persona";
    Attempts => "Intentos", "Attempts", "Intents";
    Insights => "Indicadores", "Insights", "Indicadors";
    Kyc => "Verificación (KYC)", "Verification (KYC)", "Verificació (KYC)";
    Score => "Puntuación financiera", "Financial score", "Puntuació financera";
    Forensic => "Análisis forense", "Forensic analysis", "Anàlisi forense";
    Consent => "Consentimientos", "Consent", "Consentiments";
    Timeline => "Cronología", "Timeline", "Cronologia";
    RefusedAccess => "Accesos rechazados", "Refused access attempts", "Accessos rebutjats";
    OtherApplications => "Otras solicitudes de esta persona", "This person's other applications", "Altres sol·licituds d'aquesta persona";
    NotYet => "Todavía no.", "Not yet.", "Encara no.";
    None => "Ninguno.", "None.", "Cap.";
    When => "Cuándo", "When", "Quan";
    What => "Qué", "What", "Què";
    Version => "Versión", "Version", "Versió";

    ChooseAgency => "Elige una agencia", "Choose an agency", "Tria una agència";
    NotMemberTitle => "No formas parte del equipo de ninguna agencia", "You are not on any agency's staff", "No formes part de l'equip de cap agència";
    NotMemberBody => "Has iniciado sesión como {email}. Pide a quien administra tu agencia que te añada.", "You are signed in as {email}. Ask your agency's admin to add you.", "Has iniciat la sessió com a {email}. Demana a qui administra la teva agència que t'hi afegeixi.";
    NotFoundTitle => "No encontrado", "Not found", "No s'ha trobat";
    NotFoundBody => "Esta página no existe o no es de tu agencia.", "This page does not exist or is not your agency's.", "Aquesta pàgina no existeix o no és de la teva agència.";
    SignInTitle => "Inicia sesión", "Sign in", "Inicia la sessió";
    SignInBody => "Tu sesión no es válida o ha caducado.", "Your session is not valid or has expired.", "La teva sessió no és vàlida o ha caducat.";
    SignIn => "Iniciar sesión", "Sign in", "Inicia la sessió";
    UnavailableTitle => "Consola no disponible", "Console unavailable", "Consola no disponible";
    UnavailableBody => "La consola no está configurada: falta el inicio de sesión (Cloudflare Access). Avisa a quien opera el servicio.", "The console is not configured: its sign-in (Cloudflare Access) is missing. Tell the service's operator.", "La consola no està configurada: hi manca l'inici de sessió (Cloudflare Access). Avisa qui opera el servei.";
    ErrorTitle => "Algo ha fallado", "Something went wrong", "Alguna cosa ha fallat";
    ErrorBody => "Vuelve a intentarlo en unos segundos. Referencia: {id}", "Try again in a few seconds. Reference: {id}", "Torna-ho a provar d'aquí a uns segons. Referència: {id}";

    NavManage => "Gestión", "Manage", "Gestió";
    NavAudit => "Actividad", "Audit log", "Activitat";
    Actions => "Acciones", "Actions", "Accions";
    AgencyDecision => "Decisión de la agencia", "The agency's decision", "Decisió de l'agència";
    AgencyDecisionHelp => "Tu decisión es la definitiva para esta persona, también en sus otras solicitudes.", "Your decision is final for this person, in their other applications too.", "La teva decisió és la definitiva per a aquesta persona, també en les seves altres sol·licituds.";
    NoInquiry => "Todavía no hay ninguna verificación de identidad sobre la que decidir.", "There is no identity inquiry to decide on yet.", "Encara no hi ha cap verificació d'identitat sobre la qual decidir.";
    ChooseDecision => "Decisión", "Decision", "Decisió";
    Reason => "Motivo", "Reason", "Motiu";
    ReasonVerifiedManually => "Verificado a mano", "Verified by hand", "Verificat a mà";
    ReasonDocumentsInsufficient => "Documentación insuficiente", "Documents insufficient", "Documentació insuficient";
    ReasonIdentityMismatch => "La identidad no coincide", "Identity does not match", "La identitat no coincideix";
    ReasonAffordability => "Asequibilidad", "Affordability", "Assequibilitat";
    ReasonFraudSuspected => "Sospecha de fraude", "Suspected fraud", "Sospita de frau";
    ReasonOther => "Otro (explícalo en la nota)", "Other (explain in the note)", "Un altre (explica-ho a la nota)";
    Note => "Nota (opcional, hasta 500 caracteres)", "Note (optional, up to 500 characters)", "Nota (opcional, fins a 500 caràcters)";
    RecordDecision => "Registrar la decisión", "Record the decision", "Registra la decisió";
    StartForensic => "Iniciar el análisis forense", "Start the forensic analysis", "Inicia l'anàlisi forense";
    RevokeAccess => "Revocar el acceso del solicitante", "Revoke the applicant's access", "Revoca l'accés del sol·licitant";
    RevokeHelp => "Sus enlaces y sesiones dejan de funcionar; la solicitud se conserva.", "Their links and sessions stop working; the application is kept.", "Els seus enllaços i sessions deixen de funcionar; la sol·licitud es conserva.";
    Export => "Exportar la ficha (JSON)", "Export the file (JSON)", "Exporta la fitxa (JSON)";
    EraseTitle => "Borrar la solicitud", "Erase the application", "Esborra la sol·licitud";
    EraseHelp => "Se borra todo lo que guardamos de esta solicitud, aquí y en los servicios de verificación. No se puede deshacer. Para confirmar, escribe el apellido del solicitante.", "Everything kept about this application is erased, here and at the verification services. It cannot be undone. To confirm, type the applicant's surname.", "S'esborra tot el que guardem d'aquesta sol·licitud, aquí i als serveis de verificació. No es pot desfer. Per confirmar-ho, escriu el cognom del sol·licitant.";
    EraseNoName => "Para confirmar, escribe la referencia de la solicitud: {id}", "To confirm, type the application's id: {id}", "Per confirmar-ho, escriu l'identificador de la sol·licitud: {id}";
    Surname => "Apellido del solicitante", "Applicant's surname", "Cognom del sol·licitant";
    EraseButton => "Borrar definitivamente", "Erase permanently", "Esborra definitivament";
    DoneDecision => "Decisión registrada.", "Decision recorded.", "Decisió registrada.";
    DoneForensic => "Análisis forense solicitado.", "Forensic analysis requested.", "Anàlisi forense sol·licitada.";
    DoneRevoke => "Acceso revocado: los enlaces del solicitante ya no funcionan.", "Access revoked: the applicant's links no longer work.", "Accés revocat: els enllaços del sol·licitant ja no funcionen.";
    DoneErase => "Se ha borrado una solicitud.", "One application was erased.", "S'ha esborrat una sol·licitud.";
    DoneErasePending => "Se ha borrado una solicitud; un servicio externo aún confirma su parte.", "One application was erased; an outside service is still confirming its part.", "S'ha esborrat una sol·licitud; un servei extern encara en confirma la seva part.";
    AlreadySent => "Este formulario ya se había enviado: no se ha cambiado nada otra vez.", "This form had already been sent: nothing was changed again.", "Aquest formulari ja s'havia enviat: no s'ha canviat res una altra vegada.";
    FormRefusedTitle => "Formulario no aceptado", "Form not accepted", "Formulari no acceptat";
    FormRefusedBody => "El formulario ha caducado o no viene de esta consola. Vuelve a cargar la página e inténtalo de nuevo.", "The form has expired or did not come from this console. Reload the page and try again.", "El formulari ha caducat o no ve d'aquesta consola. Torna a carregar la pàgina i torna-ho a provar.";
    FormTooLargeTitle => "Formulario demasiado grande", "Form too large", "Formulari massa gran";
    FormTooLargeBody => "Lo enviado supera los 8 KB que admite un formulario, o no se ha podido leer; no se ha cambiado nada. Vuelve a la página e inténtalo con menos texto.", "What was sent is over the 8 KB a form takes, or could not be read; nothing was changed. Go back to the page and try with less text.", "El que s'ha enviat supera els 8 KB que admet un formulari, o no s'ha pogut llegir; no s'ha canviat res. Torna a la pàgina i prova-ho amb menys text.";
    ForbiddenTitle => "Sin permiso", "Not allowed", "Sense permís";
    ForbiddenBody => "Solo la administración de la agencia puede hacer esto.", "Only the agency's admins can do this.", "Només l'administració de l'agència pot fer això.";
    ErrorsTitle => "Revisa lo marcado:", "Please check:", "Revisa el que s'ha marcat:";
    ErrDecision => "Elige una decisión: aprobada, denegada o revisión manual.", "Choose a decision: allowed, denied or manual review.", "Tria una decisió: aprovada, denegada o revisió manual.";
    ErrReason => "Elige un motivo.", "Choose a reason.", "Tria un motiu.";
    ErrNote => "La nota tiene más de 500 caracteres.", "The note is longer than 500 characters.", "La nota té més de 500 caràcters.";
    ErrSurname => "No coincide con el apellido del solicitante.", "This is not the applicant's surname.", "No coincideix amb el cognom del sol·licitant.";
    ErrForensicBlocked => "Aún no hay nada que analizar: ningún documento, o el KYC sin verificar.", "Nothing to analyse yet: no document, or KYC not verified.", "Encara no hi ha res a analitzar: cap document, o el KYC sense verificar.";
    ErrEmail => "Escribe un email válido, como nombre@agencia.es.", "Type a valid email, such as name@agency.example.", "Escriu un correu vàlid, com ara nom@agencia.cat.";
    ErrRole => "Elige un rol.", "Choose a role.", "Tria un rol.";
    ErrAlreadyStaff => "Esta persona ya está en el equipo.", "This person is already on the staff.", "Aquesta persona ja és a l'equip.";
    ErrNotStaff => "Esta persona no está en el equipo.", "This person is not on the staff.", "Aquesta persona no és a l'equip.";
    ErrLastAdmin => "La agencia necesita al menos una persona de administración.", "The agency needs at least one admin.", "L'agència necessita almenys una persona d'administració.";
    ErrOrigins => "Cada línea debe ser un origen como https://www.agencia.es (sin ruta); al menos uno.", "Each line must be an origin such as https://www.agency.example (no path); at least one.", "Cada línia ha de ser un origen com ara https://www.agencia.cat (sense ruta); almenys un.";
    ErrWebhook => "Escribe una URL https sin usuario ni contraseña, o déjalo vacío.", "Type an https URL without user or password, or leave it empty.", "Escriu una URL https sense usuari ni contrasenya, o deixa-ho buit.";
    ErrDays => "Un número entero de días, de 1 a 3660.", "A whole number of days, from 1 to 3660.", "Un nombre enter de dies, d'1 a 3660.";
    ErrOverlap => "Un número entero de horas, de 0 a 720.", "A whole number of hours, from 0 to 720.", "Un nombre enter d'hores, de 0 a 720.";
    ErrReplay => "Ese evento ya no está pendiente.", "That event is no longer undelivered.", "Aquest esdeveniment ja no està pendent.";

    ManageTitle => "Gestión de la agencia", "Manage the agency", "Gestió de l'agència";
    Staff => "Equipo", "Staff", "Equip";
    Role => "Rol", "Role", "Rol";
    AddedBy => "Añadida por", "Added by", "Afegida per";
    AddedAt => "Desde", "Since", "Des de";
    ChangeRole => "Cambiar el rol", "Change the role", "Canvia el rol";
    RemoveMember => "Quitar del equipo", "Remove from the staff", "Treu de l'equip";
    Invite => "Invitar a una persona", "Invite someone", "Convida una persona";
    InviteHelp => "Podrá entrar con este email en cuanto lo guardes.", "They can sign in with this email as soon as you save it.", "Podrà entrar amb aquest correu tan bon punt el desis.";
    InviteButton => "Invitar", "Invite", "Convida";
    Webhook => "Webhook", "Webhook", "Webhook";
    WebhookUrl => "URL del webhook", "Webhook URL", "URL del webhook";
    WebhookHelp => "Donde tu sistema recibe los eventos firmados. Vacío: los eventos quedan como no entregados.", "Where your system receives the signed events. Empty: events stay undelivered.", "On el teu sistema rep els esdeveniments signats. Buit: els esdeveniments queden com a no lliurats.";
    Save => "Guardar", "Save", "Desa";
    TestDelivery => "Enviar una entrega de prueba", "Send a test delivery", "Envia un lliurament de prova";
    TestOk => "Entrega de prueba aceptada: HTTP {status}.", "Test delivery accepted: HTTP {status}.", "Lliurament de prova acceptat: HTTP {status}.";
    TestFailed => "La entrega de prueba falló: {why}.", "The test delivery failed: {why}.", "El lliurament de prova ha fallat: {why}.";
    NoWebhook => "No hay URL del webhook.", "There is no webhook URL.", "No hi ha URL del webhook.";
    Undelivered => "Eventos no entregados", "Undelivered events", "Esdeveniments no lliurats";
    Event => "Evento", "Event", "Esdeveniment";
    LastError => "Último error", "Last error", "Darrer error";
    Replay => "Reenviar", "Replay", "Reenvia";
    Origins => "Orígenes permitidos", "Allowed origins", "Orígens permesos";
    OriginsHelp => "Uno por línea: las páginas de tu web que abren el widget.", "One per line: the pages of your site that open the widget.", "Un per línia: les pàgines del teu web que obren el widget.";
    Retention => "Conservación", "Retention", "Conservació";
    RetentionHelp => "Días tras el último cambio; cada solicitud conserva los plazos vigentes al crearse.", "Days after the last change; each application keeps the periods in force when it was created.", "Dies després del darrer canvi; cada sol·licitud conserva els terminis vigents en crear-se.";
    RetentionAbandoned => "Sin terminar (días)", "Unfinished (days)", "Sense acabar (dies)";
    RetentionCompleted => "Completas (días)", "Completed (days)", "Completes (dies)";
    Keys => "Claves", "Keys", "Claus";
    KeysHelp => "Al rotar, la clave anterior sigue funcionando durante el solapamiento para que cambies tu sistema sin cortes.", "When you rotate, the previous key keeps working for the overlap so your system can switch without a gap.", "En rotar, la clau anterior continua funcionant durant el solapament perquè canviïs el teu sistema sense talls.";
    KindSecret => "Clave secreta (API)", "Secret key (API)", "Clau secreta (API)";
    KindPublishable => "Clave publicable (widget)", "Publishable key (widget)", "Clau publicable (widget)";
    KindWebhook => "Secreto del webhook", "Webhook secret", "Secret del webhook";
    InForce => "vigente", "in force", "vigent";
    Until => "hasta {time}", "until {time}", "fins a {time}";
    OverlapHours => "Solapamiento (horas)", "Overlap (hours)", "Solapament (hores)";
    RotateSecret => "Rotar la clave secreta", "Rotate the secret key", "Rota la clau secreta";
    RotateWebhook => "Rotar el secreto del webhook", "Rotate the webhook secret", "Rota el secret del webhook";
    EndOverlap => "Terminar ya el solapamiento", "End the overlap now", "Acaba ara el solapament";
    NewValue => "Valor nuevo: cópialo ahora, no se volverá a mostrar.", "New value: copy it now, it will not be shown again.", "Valor nou: copia'l ara, no es tornarà a mostrar.";
    OldUntil => "El anterior sigue funcionando hasta {time}.", "The previous one keeps working until {time}.", "L'anterior continua funcionant fins a {time}.";
    ChangesReach => "Los cambios llegan a todo el servicio en {seconds} s como máximo.", "Changes reach the whole service within {seconds} s.", "Els canvis arriben a tot el servei en {seconds} s com a màxim.";
    DoneStaffAdd => "Persona invitada.", "Invited.", "Persona convidada.";
    DoneStaffRole => "Rol cambiado.", "Role changed.", "Rol canviat.";
    DoneStaffRemove => "Persona quitada del equipo.", "Removed from the staff.", "Persona treta de l'equip.";
    DoneWebhook => "URL del webhook guardada.", "Webhook URL saved.", "URL del webhook desada.";
    DoneReplay => "Evento reenviado.", "Event queued again.", "Esdeveniment reenviat.";
    DoneOrigins => "Orígenes guardados.", "Origins saved.", "Orígens desats.";
    DoneRetention => "Conservación guardada.", "Retention saved.", "Conservació desada.";
    DoneEndOverlap => "Las claves anteriores ya no funcionan.", "The previous keys no longer work.", "Les claus anteriors ja no funcionen.";
    AuditTitle => "Actividad", "Audit log", "Activitat";
    Who => "Quién", "Who", "Qui";
    Detail => "Detalle", "Detail", "Detall";
    Member => "Persona", "Member", "Persona";
    Everyone => "Todas", "Everyone", "Totes";
    Older => "Anteriores", "Older", "Anteriors";
    NoActivity => "Sin actividad.", "No activity.", "Sense activitat.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::Status;

    #[test]
    fn every_text_in_every_language() {
        for t in T::ALL {
            for l in Locale::ALL {
                assert!(!t.get(l).is_empty(), "{t:?} {l:?}");
            }
            // Placeholders match across languages.
            let holes = |s: &'static str| {
                let mut h: Vec<&'static str> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split('}').next())
                    .collect();
                h.sort_unstable();
                h
            };
            assert_eq!(holes(t.get(Locale::Es)), holes(t.get(Locale::En)), "{t:?}");
            assert_eq!(holes(t.get(Locale::Es)), holes(t.get(Locale::Ca)), "{t:?}");
        }
        assert_eq!(
            fill(T::FlagRefused.get(Locale::En), &[("n", "2")]),
            "2 refused access attempts"
        );
    }

    #[test]
    fn search_tokens_are_keyed_words() {
        let t = search_tokens(b"k", "ag_1", "Lucía GARCÍA  lucia+x@example.com ref-123 a");
        assert_eq!(t.len(), 4, "one-letter words are not searched");
        assert_eq!(
            search_tokens(b"k", "ag_1", "garcía"),
            vec![t[1].clone()],
            "any case"
        );
        assert_ne!(
            search_tokens(b"k", "ag_2", "garcía"),
            vec![t[1].clone()],
            "per agency"
        );
        assert_ne!(
            search_tokens(b"other", "ag_1", "garcía"),
            vec![t[1].clone()],
            "per key"
        );
        assert!(t.iter().all(|h| h.len() == 16 && !h.contains("garc")));
        assert_eq!(
            search_tokens(b"k", "ag_1", "Lucía, Lucía"),
            search_tokens(b"k", "ag_1", "lucía")
        );
    }

    #[test]
    fn stages() {
        let mut s = Status::new("t", "2026-01-01T00:00:00Z").steps;
        assert_eq!(Stage::of(Progress::InProgress, &s, None), Stage::InProgress);
        // A tenant exists once its details are in.
        assert_eq!(current_step(&s), T::StepDocuments);
        s.identity = StepState::Pending;
        assert_eq!(
            Stage::of(Progress::InProgress, &s, None),
            Stage::WaitingIdentity
        );
        assert_eq!(
            Stage::of(Progress::InProgress, &s, Some(Decision::Challenge)),
            Stage::WaitingIdentity
        );
        assert_eq!(
            Stage::of(Progress::InProgress, &s, Some(Decision::Review)),
            Stage::UnderReview
        );
        assert_eq!(
            Stage::of(Progress::InProgress, &s, Some(Decision::Allow)),
            Stage::InProgress
        );
        assert_eq!(
            Stage::of(Progress::Complete, &s, Some(Decision::Review)),
            Stage::Complete
        );
        for st in Stage::ALL {
            assert_eq!(Stage::parse(st.as_str()), Some(st));
        }
        s.details = StepState::NotStarted;
        assert_eq!(current_step(&s), T::StepDetails);
        s.details = StepState::Done;
        s.kyc = StepState::Verified;
        assert_eq!(current_step(&s), T::StepDocuments);
        assert!(Check::Kyc.done(&s) && !Check::Documents.done(&s));
        let before = s.clone();
        s.identity = StepState::Allow;
        assert_eq!(
            changes(Some(&before), &s),
            vec![(T::StepIdentity, StepState::Allow)]
        );
        assert!(changes(Some(&s), &s).is_empty());
        assert!(changes(None, &s).contains(&(T::StepKyc, StepState::Verified)));
    }
}

//! `application/problem+json` bodies (RFC 9457) with this project's stable `code` and
//! per-field `errors`.

use serde::{Deserialize, Serialize};

pub use crate::i18n::FieldMessage;
use crate::i18n::{self, Locale};
use crate::validate::ValidationError;

/// Declares [`ProblemCode`] from one table: variant, wire code, HTTP status, Spanish,
/// English and Catalan title. Everything that knows a code (the edge's errors, the OpenAPI
/// description, the titles) reads this table.
macro_rules! problem_codes {
    ($($variant:ident = $code:literal, $status:literal, $es:literal, $en:literal, $ca:literal;)*) => {
        /// Every problem code the edge answers with: its wire name, HTTP status and
        /// localised title come from one table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ProblemCode {
            $(#[doc = $en] $variant,)*
        }

        impl ProblemCode {
            /// Every code, in table order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant,)*];

            /// The wire name (`validation_failed`, …).
            pub fn as_str(self) -> &'static str {
                match self { $(ProblemCode::$variant => $code,)* }
            }

            /// The HTTP status a response with this code has.
            pub fn status(self) -> u16 {
                match self { $(ProblemCode::$variant => $status,)* }
            }

            /// The problem's title in `locale`.
            pub fn title(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $((ProblemCode::$variant, Locale::Es) => $es,
                      (ProblemCode::$variant, Locale::En) => $en,
                      (ProblemCode::$variant, Locale::Ca) => $ca,)*
                }
            }
        }
    };
}

problem_codes! {
    BadRequest = "bad_request", 400, "Solicitud incorrecta", "Bad request", "Sol·licitud incorrecta";
    MalformedJson = "malformed_json", 400, "El cuerpo no es JSON válido", "The body is not valid JSON", "El cos no és JSON vàlid";
    MalformedBody = "malformed_body", 400, "El cuerpo no tiene la forma esperada", "The body does not have the expected shape", "El cos no té la forma esperada";
    InvalidBody = "invalid_body", 400, "El cuerpo no es válido", "The body is not valid", "El cos no és vàlid";
    MalformedMultipart = "malformed_multipart", 400, "El formulario multipart no es válido", "Malformed multipart body", "El formulari multipart no és vàlid";
    InvalidIdempotencyKey = "invalid_idempotency_key", 400, "La clave de idempotencia no es válida", "Invalid Idempotency-Key", "La clau d'idempotència no és vàlida";
    InvalidLastEventId = "invalid_last_event_id", 400, "Last-Event-ID no es válido", "Invalid Last-Event-ID", "Last-Event-ID no és vàlid";
    ClientAddressMissing = "client_address_missing", 400, "Falta la dirección del cliente (CF-Connecting-IP)", "The client address (CF-Connecting-IP) is missing", "Falta l'adreça del client (CF-Connecting-IP)";
    MalformedSignature = "malformed_signature", 400, "Falta la firma o no tiene el formato esperado", "Missing or malformed signature", "Falta la signatura o no té el format esperat";
    Unauthorized = "unauthorized", 401, "No autorizado", "Unauthorized", "No autoritzat";
    ClientTokenInvalid = "client_token_invalid", 401, "El token de cliente ha caducado, ya se usó o no es válido", "The client token has expired, was already used or is not valid", "El testimoni de client ha caducat, ja s'ha fet servir o no és vàlid";
    Forbidden = "forbidden", 403, "Acceso denegado", "Forbidden", "Accés denegat";
    ForbiddenOrigin = "forbidden_origin", 403, "Origen no permitido", "Origin not allowed", "Origen no permès";
    TenantMismatch = "tenant_mismatch", 403, "El token es de otro inquilino", "The token is for another tenant", "El testimoni és d'un altre llogater";
    InvalidSignature = "invalid_signature", 403, "Firma no válida", "Invalid signature", "Signatura no vàlida";
    NotFound = "not_found", 404, "No encontrado", "Not found", "No s'ha trobat";
    MethodNotAllowed = "method_not_allowed", 405, "Método no permitido", "Method not allowed", "Mètode no permès";
    Conflict = "conflict", 409, "Conflicto", "Conflict", "Conflicte";
    IdempotencyInProgress = "idempotency_in_progress", 409, "Una solicitud con esta clave de idempotencia está en curso", "A request with this Idempotency-Key is in progress", "Hi ha en curs una sol·licitud amb aquesta clau d'idempotència";
    OnboardingComplete = "onboarding_complete", 409, "La incorporación ya está completa", "The onboarding is complete", "La incorporació ja és completa";
    TenantUnavailable = "tenant_unavailable", 409, "El inquilino no está disponible", "The tenant is not available", "El llogater no està disponible";
    ForensicBlocked = "forensic_blocked", 409, "El análisis forense necesita al menos un documento y un KYC verificado", "Forensic analysis needs at least one document and a verified KYC", "L'anàlisi forense necessita com a mínim un document i un KYC verificat";
    IdentityAlreadyDecided = "identity_already_decided", 409, "La verificación de identidad ya tiene una decisión", "Identity already decided", "La verificació d'identitat ja té una decisió";
    IdentityInquiryInProgress = "identity_inquiry_in_progress", 409, "La verificación de identidad está en curso", "Identity inquiry in progress", "La verificació d'identitat està en curs";
    IdentityAttemptsExhausted = "identity_attempts_exhausted", 409, "No quedan intentos de verificación de identidad", "No identity inquiry attempts left", "No queden intents de verificació d'identitat";
    IdentityAlreadyAnswered = "identity_already_answered", 409, "Las preguntas de verificación ya se respondieron", "Step-up questions already answered", "Les preguntes de verificació ja s'han respost";
    IdentityNotChallenged = "identity_not_challenged", 409, "Esta verificación no tiene preguntas pendientes", "No open step-up questionnaire", "Aquesta verificació no té preguntes pendents";
    FileTooLarge = "file_too_large", 413, "El archivo es demasiado grande", "The file is too large", "El fitxer és massa gran";
    BodyTooLarge = "body_too_large", 413, "Cuerpo de la solicitud demasiado grande", "Request body too large", "El cos de la sol·licitud és massa gran";
    UnsupportedMediaType = "unsupported_media_type", 415, "Tipo de contenido no admitido", "Unsupported media type", "Tipus de contingut no admès";
    ValidationFailed = "validation_failed", 422, "Los datos no son válidos", "Validation failed", "Les dades no són vàlides";
    IdempotencyKeyReused = "idempotency_key_reused", 422, "La clave de idempotencia ya se usó para otra solicitud", "Idempotency key reused for another request", "La clau d'idempotència ja s'ha fet servir per a una altra sol·licitud";
    UpgradeRequired = "upgrade_required", 426, "Esta ruta solo acepta una conexión WebSocket", "This route only takes a WebSocket connection", "Aquesta ruta només accepta una connexió WebSocket";
    AgencyBudgetExceeded = "agency_budget_exceeded", 429, "La agencia ha alcanzado su límite diario para este paso", "The agency has reached its daily limit for this step", "L'agència ha arribat al límit diari per a aquest pas";
    RateLimited = "rate_limited", 429, "Demasiadas solicitudes", "Too many requests", "Massa sol·licituds";
    InternalError = "internal_error", 500, "Error interno", "Internal error", "Error intern";
    ConfigurationError = "configuration_error", 503, "Error de configuración del servicio", "Service configuration error", "Error de configuració del servei";
    UpstreamError = "upstream_error", 502, "Error del servicio externo", "Upstream service error", "Error del servei extern";
    UpstreamUnavailable = "upstream_unavailable", 503, "Servicio externo no disponible", "Upstream service unavailable", "Servei extern no disponible";
    UpstreamTimeout = "upstream_timeout", 504, "El servicio externo no ha respondido a tiempo", "Upstream service timed out", "El servei extern no ha respost a temps";
}

impl ProblemCode {
    /// The code with this wire name.
    pub fn parse(code: &str) -> Option<ProblemCode> {
        ProblemCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == code)
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The media type of [`Problem`] bodies.
pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem body:
/// `{"type":"about:blank","title":…,"status":…,"code":…,"detail"?:…,"errors"?:[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    /// Problem type URI; `about:blank` (the `code` carries the meaning).
    #[serde(rename = "type", default = "about_blank")]
    pub type_: String,
    /// Short human title, localised.
    #[serde(default)]
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Stable machine code (`validation_failed`, `unauthorized`, …).
    pub code: String,
    /// Safe human detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldMessage>,
}

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    /// A problem with `code`'s status and localised title.
    pub fn new(locale: Locale, code: ProblemCode) -> Self {
        Problem {
            type_: about_blank(),
            title: code.title(locale).to_owned(),
            status: code.status(),
            code: code.as_str().to_owned(),
            detail: None,
            errors: Vec::new(),
        }
    }

    /// `422 validation_failed` with every error localised.
    pub fn validation(locale: Locale, errors: &[ValidationError]) -> Self {
        let mut p = Self::new(locale, ProblemCode::ValidationFailed);
        p.errors = i18n::localize(locale, errors);
        p
    }

    /// Adds a detail sentence.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

//! The route table: every method and path template the worker serves. The OpenAPI
//! document and its test are checked against this one list.

use onboarding_core::model::problem::ProblemCode;
use onboarding_core::paths;
use worker::Method;

use crate::error::AppError;
use onboarding_core::model::api::HostedPage as Hosted;

/// What a request asks for, grouped by who may ask: the group decides which
/// credentials the dispatcher verifies before a handler runs (see `lib.rs`), so a
/// handler cannot forget its auth, and the OpenAPI security of an operation is read
/// from the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// No credentials (the handler may still check the body, e.g. a publishable key).
    Public(PublicOp),
    /// A session token (`POST /v1/sessions`), not yet bound to a tenant.
    Session(SessionOp),
    /// A token bound to the path's `{tenantId}`.
    Tenant(TenantOp),
    /// The agency's secret key.
    Agency(AgencyOp),
    /// A body signed with `Skor-Signature`.
    Signed(SignedOp),
}

/// Operations without credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicOp {
    /// `GET /healthz`.
    Health,
    /// `GET /v1/openapi.json`.
    OpenApi,
    /// `POST /v1/sessions`: a client token or the publishable key in the body, and
    /// the `Origin`.
    CreateSession,
    /// Any `OPTIONS` (CORS preflight).
    Preflight,
    /// `GET …/live`: a WebSocket upgrade; the credential is a single-use ticket in
    /// the query (a browser's WebSocket sends no header).
    Live,
}

/// Operations of a session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOp {
    /// `POST /v1/tenants`.
    CreateTenant,
}

/// Operations of a tenant-bound token on its own tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantOp {
    /// `GET …/status`.
    Status,
    /// `GET …/events` (SSE).
    Events,
    /// `POST …/live-tickets`: a ticket for one live status connection.
    LiveTicket,
    /// `POST …/session`: a fresh token.
    RefreshSession,
    /// `POST …/documents`.
    UploadDocument,
    /// `GET …/documents`.
    ListDocuments,
    /// `POST …/clave|kyc|bank-connections`.
    StartHosted(Hosted),
    /// `POST …/identity-inquiries`.
    StartInquiry,
    /// `POST …/identity-inquiries/{inquiryId}/answers`.
    AnswerInquiry,
}

/// Operations of an agency's secret key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyOp {
    /// `POST /v1/agency/sessions`.
    CreateClientSession,
    /// `GET /v1/agency/tenants`.
    List,
    /// `GET /v1/agency/tenants/{tenantId}`.
    Tenant,
    /// `DELETE /v1/agency/tenants/{tenantId}`.
    Erase,
    /// `GET …/documents/{documentId}/content`.
    DocumentContent,
    /// `POST …/forensic-analysis`.
    Forensic,
    /// `POST …/revoke-access`.
    RevokeAccess,
    /// `PUT /v1/agency/identity-inquiries/{inquiryId}/decision`.
    Decision,
    /// `GET /v1/agency/webhooks/undelivered`.
    Undelivered,
    /// `POST /v1/agency/webhooks/undelivered/{eventId}/replay`.
    Replay,
}

/// Operations authenticated by a body signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOp {
    /// `POST /webhooks/skor`.
    SkorWebhook,
}

/// One route: the operation, where it is served, who may read it cross-origin, and
/// its one-line description (the OpenAPI summary).
#[derive(Debug)]
pub struct Route {
    /// What it does (and, through its group, which credentials it needs).
    pub op: Op,
    /// HTTP method (`OPTIONS` for the preflight catch-all).
    pub method: &'static str,
    /// Path template with `{param}` segments; logged instead of the path.
    pub template: &'static str,
    /// Which browser origins may read the response.
    pub cors: Cors,
    /// One line for the API description.
    pub summary: &'static str,
}

/// Which origins a route answers cross-origin reads for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cors {
    /// Not a browser route (agency API, webhooks, health): no CORS headers.
    None,
    /// Origins some agency allows, echoed exactly.
    Agencies,
    /// Any origin, echoed (never credentials). For routes whose answer is meant for a
    /// page that may be misconfigured: `POST /v1/sessions` decides by the key and the
    /// `Origin` itself, and its `403 forbidden_origin` must be readable by the page it
    /// refuses, or the widget cannot tell a refusal from a network failure. Public
    /// documents (the OpenAPI description) too.
    Any,
}

const fn r(
    op: Op,
    method: &'static str,
    template: &'static str,
    cors: Cors,
    summary: &'static str,
) -> Route {
    Route {
        op,
        method,
        template,
        cors,
        summary,
    }
}

use AgencyOp as A;
use Cors::{Agencies, Any};
use TenantOp as T;

/// Every route.
pub static ROUTES: &[Route] = &[
    r(
        Op::Public(PublicOp::Health),
        "GET",
        "/healthz",
        Cors::None,
        "Liveness",
    ),
    r(
        Op::Public(PublicOp::OpenApi),
        "GET",
        "/v1/openapi.json",
        Any,
        "This document",
    ),
    r(
        Op::Public(PublicOp::CreateSession),
        "POST",
        paths::SESSIONS,
        Any,
        "Open a session from one of the agency's allowed origins, with a client token from the agency's server (single use) or the publishable key alone",
    ),
    r(
        Op::Session(SessionOp::CreateTenant),
        "POST",
        paths::TENANTS,
        Agencies,
        "Validate the applicant and create the tenant; returns a tenant-bound token (Idempotency-Key honoured)",
    ),
    r(
        Op::Tenant(T::Status),
        "GET",
        paths::STATUS,
        Agencies,
        "The tenant's aggregated status",
    ),
    r(
        Op::Tenant(T::Events),
        "GET",
        paths::EVENTS,
        Agencies,
        "Server-Sent Events: one `status` event (data: the Status JSON) per change, `id:` lines, Last-Event-ID replay, heartbeats",
    ),
    r(
        Op::Tenant(T::LiveTicket),
        "POST",
        paths::LIVE_TICKETS,
        Agencies,
        "A single-use ticket (30 s) for one live status WebSocket, living as long as this token",
    ),
    r(
        Op::Public(PublicOp::Live),
        "GET",
        paths::LIVE,
        Cors::None,
        "The live status as a WebSocket (Upgrade: websocket, ?ticket=, optional ?after=<seq>): one StatusEntry JSON text per change; closes 4001 at the token's expiry, 4002 when replaced",
    ),
    r(
        Op::Tenant(T::RefreshSession),
        "POST",
        paths::SESSION,
        Agencies,
        "A fresh tenant token (same tenant and session, new expiry) while the onboarding is not complete",
    ),
    r(
        Op::Tenant(T::UploadDocument),
        "POST",
        paths::DOCUMENTS,
        Agencies,
        "Upload a document (raw body with ?kind= or multipart kind + file); sniffed, size-checked, streamed upstream (Idempotency-Key honoured)",
    ),
    r(
        Op::Tenant(T::ListDocuments),
        "GET",
        paths::DOCUMENTS,
        Agencies,
        "The tenant's documents (metadata, never content)",
    ),
    r(
        Op::Tenant(T::StartHosted(Hosted::Clave)),
        "POST",
        paths::CLAVE,
        Agencies,
        "Start a Cl@ve retrieval; optional returnUrl on the session's origin",
    ),
    r(
        Op::Tenant(T::StartHosted(Hosted::Kyc)),
        "POST",
        paths::KYC,
        Agencies,
        "Start the KYC check; optional returnUrl on the session's origin",
    ),
    r(
        Op::Tenant(T::StartHosted(Hosted::Bank)),
        "POST",
        paths::BANK_CONNECTIONS,
        Agencies,
        "Start a bank connection; optional returnUrl on the session's origin",
    ),
    r(
        Op::Tenant(T::StartInquiry),
        "POST",
        paths::INQUIRIES,
        Agencies,
        "Run the identity inquiry (once: a decision is final; an open challenge is resumed)",
    ),
    r(
        Op::Tenant(T::AnswerInquiry),
        "POST",
        paths::ANSWERS,
        Agencies,
        "Answer the step-up questionnaire (once)",
    ),
    r(
        Op::Agency(A::CreateClientSession),
        "POST",
        paths::AGENCY_SESSIONS,
        Cors::None,
        "A single-use client token for one applicant's visit: what the agency's server fixes (externalReference, product) and prefills; the page passes it to the widget",
    ),
    r(
        Op::Agency(A::List),
        "GET",
        "/v1/agency/tenants",
        Cors::None,
        "The agency's tenants, newest first, filtered and a page at a time",
    ),
    r(
        Op::Agency(A::Tenant),
        "GET",
        "/v1/agency/tenants/{tenantId}",
        Cors::None,
        "Everything known about one of the agency's tenants",
    ),
    r(
        Op::Agency(A::Erase),
        "DELETE",
        "/v1/agency/tenants/{tenantId}",
        Cors::None,
        "Erase the applicant everywhere (upstream, the edge's storage, the list); idempotent",
    ),
    r(
        Op::Agency(A::DocumentContent),
        "GET",
        "/v1/agency/tenants/{tenantId}/documents/{documentId}/content",
        Cors::None,
        "A stored document's content (PDF, JPEG or PNG), streamed from upstream",
    ),
    r(
        Op::Agency(A::Forensic),
        "POST",
        "/v1/agency/tenants/{tenantId}/forensic-analysis",
        Cors::None,
        "Trigger a forensic analysis of the tenant's documents",
    ),
    r(
        Op::Agency(A::RevokeAccess),
        "POST",
        "/v1/agency/tenants/{tenantId}/revoke-access",
        Cors::None,
        "Revoke the applicant's access: every token issued so far is refused, live connections close",
    ),
    r(
        Op::Agency(A::Decision),
        "PUT",
        "/v1/agency/identity-inquiries/{inquiryId}/decision",
        Cors::None,
        "Record the agency's own identity decision",
    ),
    r(
        Op::Agency(A::Undelivered),
        "GET",
        "/v1/agency/webhooks/undelivered",
        Cors::None,
        "Relay events that could not be delivered to the agency's webhook",
    ),
    r(
        Op::Agency(A::Replay),
        "POST",
        "/v1/agency/webhooks/undelivered/{eventId}/replay",
        Cors::None,
        "Deliver a dead-lettered event again (same event id, fresh attempts)",
    ),
    r(
        Op::Signed(SignedOp::SkorWebhook),
        "POST",
        "/webhooks/skor",
        Cors::None,
        "Upstream events, signed with Skor-Signature",
    ),
];

static PREFLIGHT: Route = r(
    Op::Public(PublicOp::Preflight),
    "OPTIONS",
    "OPTIONS *",
    Agencies,
    "CORS preflight",
);

/// Longest path segment accepted as a parameter (ids are short).
const MAX_PARAM: usize = 128;

fn params(template: &str, path: &str) -> Option<Vec<String>> {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut out = Vec::new();
    for (ts, ps) in t.iter().zip(&p) {
        if ts.starts_with('{') {
            // Dots too, after the first character: the edge's own event ids are
            // `tenant.created.<tenant>` (their dead letters are replayed by id); never
            // `.` or `..`.
            let ok = !ps.is_empty()
                && ps.len() <= MAX_PARAM
                && !ps.starts_with('.')
                && ps
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !ok {
                return None;
            }
            out.push((*ps).to_owned());
        } else if ts != ps {
            return None;
        }
    }
    Some(out)
}

/// The route and its path parameters.
///
/// # Errors
/// 404 when no template matches, 405 (with `Allow`) when only the method is wrong.
pub fn match_route(method: &Method, path: &str) -> Result<(&'static Route, Vec<String>), AppError> {
    let m = method.to_string().to_ascii_uppercase();
    let mut allowed: Vec<&str> = Vec::new();
    for route in ROUTES {
        if let Some(p) = params(route.template, path) {
            if route.method == m {
                return Ok((route, p));
            }
            allowed.push(route.method);
        }
    }
    if allowed.is_empty() {
        return Err(ProblemCode::NotFound.into());
    }
    if m == "OPTIONS" {
        return Ok((&PREFLIGHT, Vec::new()));
    }
    Err(AppError::MethodNotAllowed(allow_header(&allowed)))
}

/// The widest CORS policy of the routes this path matches (for preflights and for
/// errors raised before a route is chosen). Paths no route matches: `Agencies` under
/// `/v1/` outside the agency API, so a browser can read the 404.
pub fn cors_for(path: &str) -> Cors {
    ROUTES
        .iter()
        .filter(|r| params(r.template, path).is_some())
        .map(|r| r.cors)
        .max()
        .unwrap_or(
            if path.starts_with("/v1/") && !path.starts_with("/v1/agency/") {
                Cors::Agencies
            } else {
                Cors::None
            },
        )
}

fn allow_header(methods: &[&str]) -> &'static str {
    let has = |m: &str| methods.contains(&m);
    match (has("GET"), has("POST"), has("PUT")) {
        (true, true, _) => "GET, POST, OPTIONS",
        (true, false, _) => "GET, OPTIONS",
        (false, true, _) => "POST, OPTIONS",
        (false, false, true) => "PUT",
        _ => "OPTIONS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_templates_and_params() {
        let (r, p) = match_route(
            &Method::Post,
            "/v1/tenants/t_1/identity-inquiries/inq-2/answers",
        )
        .unwrap();
        assert_eq!(
            r.template,
            "/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers"
        );
        assert_eq!(p, vec!["t_1", "inq-2"]);
        assert!(matches!(
            match_route(&Method::Delete, "/v1/tenants"),
            Err(AppError::MethodNotAllowed(_))
        ));
        assert!(matches!(
            match_route(&Method::Get, "/nope"),
            Err(AppError::Problem(ProblemCode::NotFound))
        ));
        assert!(matches!(
            match_route(&Method::Get, "/v1/tenants/../status"),
            Err(AppError::Problem(ProblemCode::NotFound))
        ));
        // The edge's own event ids have dots: their dead letters are replayed by id.
        let (_, p) = match_route(
            &Method::Post,
            "/v1/agency/webhooks/undelivered/tenant.created.ten_1/replay",
        )
        .unwrap();
        assert_eq!(p, vec!["tenant.created.ten_1"]);
        assert_eq!(
            match_route(&Method::Options, "/v1/sessions")
                .unwrap()
                .0
                .template,
            "OPTIONS *"
        );
        assert_eq!(cors_for("/v1/sessions"), Cors::Any);
        assert_eq!(cors_for("/v1/tenants/t_1/status"), Cors::Agencies);
        assert_eq!(cors_for("/v1/nope"), Cors::Agencies);
        assert_eq!(cors_for("/v1/agency/tenants/t_1"), Cors::None);
        assert_eq!(cors_for("/webhooks/skor"), Cors::None);
    }
}

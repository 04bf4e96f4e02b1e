//! The route table: every method and path template the worker serves. The OpenAPI
//! document and its test are checked against this one list.

use onboarding_core::model::problem::ProblemCode;
use worker::Method;

use crate::error::AppError;

/// One route.
#[derive(Debug)]
pub struct Route {
    /// HTTP method (`OPTIONS` for the preflight catch-all).
    pub method: &'static str,
    /// Path template with `{param}` segments; logged instead of the path.
    pub template: &'static str,
    /// Which browser origins may read the response.
    pub cors: Cors,
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

const fn r(method: &'static str, template: &'static str, cors: Cors) -> Route {
    Route {
        method,
        template,
        cors,
    }
}

/// Every route.
pub static ROUTES: &[Route] = &[
    r("GET", "/healthz", Cors::None),
    r("GET", "/v1/openapi.json", Cors::Any),
    r("POST", "/v1/sessions", Cors::Any),
    r("POST", "/v1/tenants", Cors::Agencies),
    r("GET", "/v1/tenants/{tenantId}/status", Cors::Agencies),
    r("GET", "/v1/tenants/{tenantId}/events", Cors::Agencies),
    r("POST", "/v1/tenants/{tenantId}/session", Cors::Agencies),
    r("POST", "/v1/tenants/{tenantId}/documents", Cors::Agencies),
    r("GET", "/v1/tenants/{tenantId}/documents", Cors::Agencies),
    r("POST", "/v1/tenants/{tenantId}/clave", Cors::Agencies),
    r("POST", "/v1/tenants/{tenantId}/kyc", Cors::Agencies),
    r(
        "POST",
        "/v1/tenants/{tenantId}/bank-connections",
        Cors::Agencies,
    ),
    r(
        "POST",
        "/v1/tenants/{tenantId}/identity-inquiries",
        Cors::Agencies,
    ),
    r(
        "POST",
        "/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers",
        Cors::Agencies,
    ),
    r("GET", "/v1/agency/tenants/{tenantId}", Cors::None),
    r(
        "GET",
        "/v1/agency/tenants/{tenantId}/documents/{documentId}/content",
        Cors::None,
    ),
    r(
        "POST",
        "/v1/agency/tenants/{tenantId}/forensic-analysis",
        Cors::None,
    ),
    r(
        "PUT",
        "/v1/agency/identity-inquiries/{inquiryId}/decision",
        Cors::None,
    ),
    r("GET", "/v1/agency/webhooks/undelivered", Cors::None),
    r("POST", "/webhooks/skor", Cors::None),
];

static PREFLIGHT: Route = r("OPTIONS", "OPTIONS *", Cors::Agencies);

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
            let ok = !ps.is_empty()
                && ps.len() <= MAX_PARAM
                && ps
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
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
        return Err(AppError::Problem(ProblemCode::NotFound));
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

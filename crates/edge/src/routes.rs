//! The route table: every method and path template the worker serves. The OpenAPI
//! document and its test are checked against this one list.

use worker::Method;

use crate::error::AppError;

/// One route.
#[derive(Debug)]
pub struct Route {
    /// HTTP method (`OPTIONS` for the preflight catch-all).
    pub method: &'static str,
    /// Path template with `{param}` segments; logged instead of the path.
    pub template: &'static str,
    /// Whether browser CORS applies.
    pub cors: bool,
}

const fn r(method: &'static str, template: &'static str, cors: bool) -> Route {
    Route {
        method,
        template,
        cors,
    }
}

/// Every route.
pub static ROUTES: &[Route] = &[
    r("GET", "/healthz", false),
    r("GET", "/v1/openapi.json", true),
    r("POST", "/v1/sessions", true),
    r("POST", "/v1/tenants", true),
    r("GET", "/v1/tenants/{tenantId}/status", true),
    r("GET", "/v1/tenants/{tenantId}/events", true),
    r("POST", "/v1/tenants/{tenantId}/documents", true),
    r("GET", "/v1/tenants/{tenantId}/documents", true),
    r("POST", "/v1/tenants/{tenantId}/clave", true),
    r("POST", "/v1/tenants/{tenantId}/kyc", true),
    r("POST", "/v1/tenants/{tenantId}/bank-connections", true),
    r("POST", "/v1/tenants/{tenantId}/identity-inquiries", true),
    r(
        "POST",
        "/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers",
        true,
    ),
    r("GET", "/v1/agency/tenants/{tenantId}", false),
    r(
        "GET",
        "/v1/agency/tenants/{tenantId}/documents/{documentId}/content",
        false,
    ),
    r(
        "POST",
        "/v1/agency/tenants/{tenantId}/forensic-analysis",
        false,
    ),
    r(
        "PUT",
        "/v1/agency/identity-inquiries/{inquiryId}/decision",
        false,
    ),
    r("GET", "/v1/agency/webhooks/undelivered", false),
    r("POST", "/webhooks/skor", false),
];

static PREFLIGHT: Route = r("OPTIONS", "OPTIONS *", true);

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
        return Err(AppError::NotFound);
    }
    if m == "OPTIONS" {
        return Ok((&PREFLIGHT, Vec::new()));
    }
    Err(AppError::MethodNotAllowed(allow_header(&allowed)))
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
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            match_route(&Method::Get, "/v1/tenants/../status"),
            Err(AppError::NotFound)
        ));
        assert_eq!(
            match_route(&Method::Options, "/v1/sessions")
                .unwrap()
                .0
                .template,
            "OPTIONS *"
        );
    }
}

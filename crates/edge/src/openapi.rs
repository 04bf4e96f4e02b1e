//! `GET /v1/openapi.json`: an OpenAPI 3.1 description generated from the route table
//! ([`crate::routes::ROUTES`]), so a route cannot exist without being described (a unit
//! test and the HTTP suite check both directions).

use serde_json::{Map, Value, json};
use worker::Response;

use crate::error::AppResult;
use crate::routes::ROUTES;

fn describe(method: &str, template: &str) -> (&'static str, &'static str, Vec<u16>) {
    let common = vec![400, 401, 403, 404, 429];
    let hosted = || vec![200, 400, 401, 403, 404, 422, 502, 503, 504];
    match (method, template) {
        ("GET", "/healthz") => ("Liveness", "none", vec![200]),
        ("GET", "/v1/openapi.json") => ("This document", "none", vec![200]),
        ("POST", "/v1/sessions") => (
            "Open a session with a publishable key from an allowed Origin",
            "none",
            vec![201, 400, 403, 415, 429],
        ),
        ("POST", "/v1/tenants") => (
            "Validate the applicant and create the tenant; returns a tenant-bound token (Idempotency-Key honoured)",
            "session",
            vec![201, 400, 401, 403, 409, 415, 422, 429, 502, 503, 504],
        ),
        ("GET", "/v1/tenants/{tenantId}/status") => ("Aggregated status", "tenant", common),
        ("GET", "/v1/tenants/{tenantId}/events") => (
            "Server-Sent Events of status changes (id: lines, Last-Event-ID replay, heartbeats)",
            "tenant",
            vec![200, 400, 401, 403, 404],
        ),
        ("POST", "/v1/tenants/{tenantId}/session") => (
            "Refresh the tenant token while the onboarding is not complete: {sessionToken, expiresAt}, same tenant and session, a new expiry",
            "tenant",
            vec![200, 401, 403, 404, 409, 429],
        ),
        ("POST", "/v1/tenants/{tenantId}/documents") => (
            "Upload a document (raw body with ?kind= or multipart kind+file); sniffed, size-checked, streamed upstream",
            "tenant",
            vec![201, 400, 401, 403, 404, 409, 413, 415, 422, 502, 503, 504],
        ),
        ("GET", "/v1/tenants/{tenantId}/documents") => {
            ("List documents (no content)", "tenant", common)
        }
        ("POST", "/v1/tenants/{tenantId}/clave") => (
            "Start a Cl@ve retrieval: optional {returnUrl} on the session's origin → {redirectUrl}",
            "tenant",
            hosted(),
        ),
        ("POST", "/v1/tenants/{tenantId}/kyc") => (
            "Start KYC: optional {returnUrl} on the session's origin → {verificationUrl}",
            "tenant",
            hosted(),
        ),
        ("POST", "/v1/tenants/{tenantId}/bank-connections") => (
            "Start a bank connection: optional {returnUrl} on the session's origin → {connectUrl}",
            "tenant",
            hosted(),
        ),
        ("POST", "/v1/tenants/{tenantId}/identity-inquiries") => (
            "Run the identity inquiry: {inquiryId, decision, questionnaire?}",
            "tenant",
            vec![201, 400, 401, 403, 404, 422, 502, 503, 504],
        ),
        ("POST", "/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers") => (
            "Answer the step-up questionnaire: {decision}",
            "tenant",
            vec![200, 400, 401, 403, 404, 415, 422, 502, 503, 504],
        ),
        ("GET", "/v1/agency/tenants/{tenantId}") => {
            ("Full results for the agency", "agency", vec![200, 401, 404])
        }
        ("GET", "/v1/agency/tenants/{tenantId}/documents/{documentId}/content") => (
            "Stored document content",
            "agency",
            vec![200, 401, 404, 502, 503, 504],
        ),
        ("POST", "/v1/agency/tenants/{tenantId}/forensic-analysis") => (
            "Trigger a forensic analysis",
            "agency",
            vec![202, 401, 404, 502, 503, 504],
        ),
        ("PUT", "/v1/agency/identity-inquiries/{inquiryId}/decision") => (
            "Update the identity decision",
            "agency",
            vec![200, 400, 401, 404, 415, 502, 503, 504],
        ),
        ("GET", "/v1/agency/webhooks/undelivered") => (
            "Relay events that could not be delivered",
            "agency",
            vec![200, 401],
        ),
        ("POST", "/webhooks/skor") => (
            "Upstream events signed with Skor-Signature",
            "signature",
            vec![200, 202, 400, 403],
        ),
        _ => ("", "none", vec![200]),
    }
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let (summary, auth, statuses) = describe(route.method, route.template);
        let params: Vec<Value> = route
            .template
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut responses = Map::new();
        for s in statuses {
            let content = if s >= 400 {
                json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}})
            } else if route.template.ends_with("/events") {
                json!({"text/event-stream": {"schema": {"type": "string"}}})
            } else {
                json!({"application/json": {"schema": {"type": "object"}}})
            };
            responses.insert(
                s.to_string(),
                json!({"description": s.to_string(), "content": content}),
            );
        }
        let security = match auth {
            "session" | "tenant" => json!([{"sessionToken": []}]),
            "agency" => json!([{"agencySecretKey": []}]),
            _ => json!([]),
        };
        let op = json!({
            "summary": summary,
            "parameters": params,
            "security": security,
            "responses": responses,
        });
        paths
            .entry(route.template.to_owned())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .map(|o| o.insert(route.method.to_ascii_lowercase(), op));
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tenant onboarding edge API", "version": env!("CARGO_PKG_VERSION")},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "sessionToken": {"type": "http", "scheme": "bearer", "description": "Session token from POST /v1/sessions (tenant-bound after POST /v1/tenants)"},
                "agencySecretKey": {"type": "http", "scheme": "bearer", "description": "The agency's sk_… secret key"}
            },
            "schemas": {
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "code"],
                    "properties": {
                        "type": {"type": "string"}, "title": {"type": "string"},
                        "status": {"type": "integer"}, "code": {"type": "string"},
                        "errors": {"type": "array", "items": {"type": "object", "properties": {
                            "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}
                    }
                }
            }
        }
    })
}

/// Handler.
///
/// # Errors
/// Only if the runtime cannot build a response.
pub fn serve() -> AppResult<Response> {
    crate::http::json(200, &document())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described() {
        let doc = document();
        for r in ROUTES {
            let op = &doc["paths"][r.template][r.method.to_ascii_lowercase()];
            assert!(op.is_object(), "{} {}", r.method, r.template);
            assert!(
                !op["summary"].as_str().unwrap_or("").is_empty(),
                "{} {}",
                r.method,
                r.template
            );
        }
    }
}

//! The edge's paths, one table for both sides: the edge's route table is built from
//! these templates and the widget builds its calls from the same ones with [`fill`],
//! so a path that changes changes for both (and a path the edge does not serve cannot
//! be spelled differently in the widget).

/// `POST`: a session token for a publishable key and origin.
pub const SESSIONS: &str = "/v1/sessions";
/// `POST` (secret key): a single-use client token for one applicant's visit.
pub const AGENCY_SESSIONS: &str = "/v1/agency/sessions";
/// `POST`: create the tenant.
pub const TENANTS: &str = "/v1/tenants";
/// `GET`: the tenant's status.
pub const STATUS: &str = "/v1/tenants/{tenantId}/status";
/// `GET`: the tenant's status as Server-Sent Events.
pub const EVENTS: &str = "/v1/tenants/{tenantId}/events";
/// `POST`: a single-use ticket (30 s) for one live status connection.
pub const LIVE_TICKETS: &str = "/v1/tenants/{tenantId}/live-tickets";
/// `GET` with `Upgrade: websocket` and `?ticket=…[&after=<seq>]`: the live status.
pub const LIVE: &str = "/v1/tenants/{tenantId}/live";
/// `POST`: a fresh tenant token.
pub const SESSION: &str = "/v1/tenants/{tenantId}/session";
/// `POST` (upload) and `GET` (list): the tenant's documents.
pub const DOCUMENTS: &str = "/v1/tenants/{tenantId}/documents";
/// `POST`: start the Cl@ve hosted page.
pub const CLAVE: &str = "/v1/tenants/{tenantId}/clave";
/// `POST`: start the KYC hosted page.
pub const KYC: &str = "/v1/tenants/{tenantId}/kyc";
/// `POST`: start the bank-connection hosted page.
pub const BANK_CONNECTIONS: &str = "/v1/tenants/{tenantId}/bank-connections";
/// `POST`: run the identity inquiry.
pub const INQUIRIES: &str = "/v1/tenants/{tenantId}/identity-inquiries";
/// `POST`: answer the step-up questionnaire.
pub const ANSWERS: &str = "/v1/tenants/{tenantId}/identity-inquiries/{inquiryId}/answers";

/// `template` with each `{…}` segment replaced, in order, by `params` (a missing one
/// stays empty). Parameters are ids the edge issued (`[A-Za-z0-9_-]`), never user text.
pub fn fill(template: &str, params: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 48);
    let mut params = params.iter();
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if segment.starts_with('{') && segment.ends_with('}') {
            out.push_str(params.next().copied().unwrap_or_default());
        } else {
            out.push_str(segment);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn fills_parameters_in_order() {
        assert_eq!(fill(STATUS, &["t-1"]), "/v1/tenants/t-1/status");
        assert_eq!(
            fill(ANSWERS, &["t-1", "inq-2"]),
            "/v1/tenants/t-1/identity-inquiries/inq-2/answers"
        );
        assert_eq!(fill(SESSIONS, &[]), "/v1/sessions");
    }
}

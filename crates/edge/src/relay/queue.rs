//! What goes on the `RELAY` Queue: one [`RelayMessage`] per delivery attempt. The first
//! attempt is queued by the worker right after the tenant's object accepted the event,
//! or by the object's sweep; the edge's own events ([`EdgeEvent`]: `tenant.created`,
//! `tenant.erased`) are relayed like upstream ones. Every event carries the agency's
//! reference for the tenant ([`with_reference`]).

use onboarding_core::affordability::Affordability;
use onboarding_core::consent::ConsentReceipt;
use onboarding_core::lifecycle::{ErasedBy, edge_event_id};
use serde::{Deserialize, Serialize};
use worker::Env;

use crate::error::AppResult;

/// A queued delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayMessage {
    /// The agency's stable id.
    pub agency: String,
    /// Event id (stable across attempts).
    pub event_id: String,
    /// Event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Tenant.
    pub tenant_id: String,
    /// The event JSON exactly as delivered to the agency; empty when it travels by
    /// reference (`byReference`).
    #[serde(default)]
    pub body: String,
    /// The body is too large for a Queue message (128 KB): the consumer reads it from
    /// the tenant's state, where every accepted event is kept.
    #[serde(default)]
    pub by_reference: bool,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The agency asked for it again (a dead letter's replay): sent even while the
    /// agency's breaker is open, as its probe.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replay: bool,
    /// The last delivery error (kept while the breaker holds the event, so a dead
    /// letter says what the endpoint did, not that it was not tried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Largest event body carried inside a Queue message (the platform's limit is 128 KB
/// per message, envelope included); larger ones travel by reference.
pub const MAX_INLINE_BODY: usize = 64 * 1024;

impl RelayMessage {
    /// Attempt 1 of an event: the body inline, or by reference when it is larger than
    /// [`MAX_INLINE_BODY`].
    pub fn first(agency: &str, event_id: &str, kind: &str, tenant_id: &str, body: &str) -> Self {
        let by_reference = body.len() > MAX_INLINE_BODY;
        RelayMessage {
            agency: agency.to_owned(),
            event_id: event_id.to_owned(),
            kind: kind.to_owned(),
            tenant_id: tenant_id.to_owned(),
            body: if by_reference {
                String::new()
            } else {
                body.to_owned()
            },
            by_reference,
            attempt: 1,
            replay: false,
            last_error: None,
        }
    }
}

/// Queues a message.
///
/// # Errors
/// 500 when the queue refuses (the upstream retries its webhook; the object's sweep
/// retries its own).
pub async fn send(env: &Env, message: RelayMessage) -> AppResult<()> {
    env.queue("RELAY")?.send(message).await?;
    Ok(())
}

/// `body` (an event's JSON object) with the agency's reference for the tenant as its
/// top-level `externalReference`, so the agency can match every event to its own record
/// without a lookup. Any other body, or no reference: as it is.
pub fn with_reference(body: &str, reference: Option<&str>) -> String {
    let Some(reference) = reference else {
        return body.to_owned();
    };
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut event)) => {
            event.insert("externalReference".to_owned(), reference.into());
            serde_json::Value::Object(event).to_string()
        }
        _ => body.to_owned(),
    }
}

/// One of the edge's own events, in the envelope of the upstream's
/// (`{"id","type","createdAt","tenantId","data"}`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgeEvent<D> {
    /// Stable per tenant and kind (core's `edge_event_id`).
    pub id: String,
    /// `tenant.created` or `tenant.erased`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// RFC 3339.
    pub created_at: String,
    /// The tenant.
    pub tenant_id: String,
    /// What the event says.
    pub data: D,
    /// The agency's reference for the tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
}

/// `tenant.created`'s data: what the applicant consented to.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    /// Core's receipts.
    pub consent: Vec<ConsentReceipt>,
    /// The rent against the declared income, under the agency's threshold then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affordability: Option<Affordability>,
}

/// `tenant.erased`'s data: nothing personal.
#[derive(Debug, Clone, Serialize)]
pub struct Erased {
    /// Who asked.
    pub by: ErasedBy,
}

fn edge_event<D>(
    kind: &'static str,
    tenant_id: &str,
    at: &str,
    data: D,
    reference: Option<&str>,
) -> EdgeEvent<D> {
    EdgeEvent {
        id: edge_event_id(kind, tenant_id),
        kind,
        created_at: at.to_owned(),
        tenant_id: tenant_id.to_owned(),
        data,
        external_reference: reference.map(str::to_owned),
    }
}

impl EdgeEvent<Created> {
    /// `tenant.created`, with the consent receipts.
    pub fn created(
        tenant_id: &str,
        at: &str,
        consent: &[ConsentReceipt],
        affordability: Option<Affordability>,
        reference: Option<&str>,
    ) -> Self {
        let data = Created {
            consent: consent.to_vec(),
            affordability,
        };
        edge_event("tenant.created", tenant_id, at, data, reference)
    }
}

impl EdgeEvent<Erased> {
    /// `tenant.erased`.
    pub fn erased(tenant_id: &str, at: &str, by: ErasedBy, reference: Option<&str>) -> Self {
        edge_event("tenant.erased", tenant_id, at, Erased { by }, reference)
    }
}

impl<D: Serialize> EdgeEvent<D> {
    /// The event's JSON.
    pub fn body(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Its first delivery to `agency`.
    pub fn message(&self, agency: &str) -> RelayMessage {
        RelayMessage::first(agency, &self.id, self.kind, &self.tenant_id, &self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_the_agencys_reference() {
        let body = r#"{"id":"e1","type":"kyc.completed","data":{"x":1}}"#;
        let v: serde_json::Value =
            serde_json::from_str(&with_reference(body, Some("CRM-1"))).unwrap();
        assert_eq!(v["externalReference"], "CRM-1");
        assert_eq!(v["data"]["x"], 1);
        // Replaced, never doubled: the edge's is the agency's.
        let again = with_reference(&with_reference(body, Some("CRM-1")), Some("CRM-1"));
        assert_eq!(again.matches("externalReference").count(), 1);
        assert_eq!(with_reference(body, None), body);
        assert_eq!(with_reference("[1]", Some("CRM-1")), "[1]");
        assert_eq!(with_reference("not json", Some("CRM-1")), "not json");
    }

    #[test]
    fn the_edges_events_have_the_upstreams_envelope() {
        let e = EdgeEvent::erased(
            "t1",
            "2026-12-06T00:00:00Z",
            ErasedBy::Agency,
            Some("CRM-1"),
        );
        let v: serde_json::Value = serde_json::from_str(&e.body()).unwrap();
        assert_eq!(v["type"], "tenant.erased");
        assert_eq!(v["tenantId"], "t1");
        assert_eq!(v["createdAt"], "2026-12-06T00:00:00Z");
        assert_eq!(v["externalReference"], "CRM-1");
        assert_eq!(v["id"], edge_event_id("tenant.erased", "t1"));
        assert!(v["data"]["by"].is_string());
        let m = e.message("ag");
        assert_eq!(
            (m.agency.as_str(), m.attempt, m.by_reference),
            ("ag", 1, false)
        );
        let created = EdgeEvent::created("t1", "x", &[], None, None);
        let v: serde_json::Value = serde_json::from_str(&created.body()).unwrap();
        assert!(v.get("externalReference").is_none());
        assert_eq!(v["data"]["consent"], serde_json::json!([]));
    }
}

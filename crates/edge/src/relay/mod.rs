//! Relay of accepted upstream events to the agency's webhook URL through the
//! `RELAY` Queue. Each delivery is re-signed with the agency's webhook secret
//! (`Onboarding-Signature: t=…,v1=…`, core's [`signature::sign`]) and carries the
//! upstream event id unchanged. Retries are explicit: a failed delivery is re-sent to
//! the queue with `delaySeconds = base · 2^(attempt-1)` until `RELAY_MAX_ATTEMPTS`,
//! then recorded as a dead letter in the agency's [`crate::ledger::Ledger`], where
//! `GET /v1/agency/webhooks/undelivered` lists it.

use onboarding_core::model::webhook::Event;
use onboarding_core::signature;
use serde::{Deserialize, Serialize};
use worker::{
    Env, Headers, MessageBatch, MessageBuilder, MessageExt, Method, Request, RequestInit,
};

use crate::config::{self, Settings};
use crate::error::AppResult;
use crate::http::{self, Ctx};
use crate::ledger::{self, DeadLetter};

/// A queued delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelayMessage {
    /// Agency name.
    pub agency: String,
    /// Upstream event id (stable across attempts).
    pub event_id: String,
    /// Event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Tenant.
    pub tenant_id: String,
    /// The event JSON exactly as delivered to the agency.
    pub body: String,
    /// 1 for the first attempt.
    pub attempt: u32,
}

/// The agency's `Ledger` scope.
pub fn agency_scope(agency: &str) -> String {
    format!("agency:{agency}")
}

/// Queues the first delivery of an accepted event.
///
/// # Errors
/// 500 when the queue refuses (the upstream will retry the webhook).
pub async fn enqueue(ctx: &Ctx, agency: &str, event: &Event, body: &str) -> AppResult<()> {
    let msg = RelayMessage {
        agency: agency.to_owned(),
        event_id: event.id.clone(),
        kind: event.event_type().as_str().to_owned(),
        tenant_id: event.tenant_id.clone(),
        body: body.to_owned(),
        attempt: 1,
    };
    ctx.env.queue("RELAY")?.send(msg).await?;
    Ok(())
}

/// Back-off before attempt `next` (2, 3, …): `base · 2^(next-2)` seconds, capped at an
/// hour.
pub fn backoff_seconds(base: u32, next: u32) -> u32 {
    let exp = next.saturating_sub(2).min(16);
    base.max(1).saturating_mul(1 << exp).min(3600)
}

async fn deliver(env: &Env, msg: &RelayMessage) -> Result<(), String> {
    let agencies = config::agencies(env).map_err(|_| "agencies not configured".to_owned())?;
    let agency = agencies
        .by_name(&msg.agency)
        .ok_or_else(|| "agency no longer configured".to_owned())?;
    let now = (http::now_ms() / 1000) as i64;
    let sig = signature::sign(agency.webhook_secret.as_bytes(), now, msg.body.as_bytes());
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|_| "headers".to_owned());
    set("Content-Type", "application/json")?;
    set("Onboarding-Signature", &sig)?;
    set("Onboarding-Event-Id", &msg.event_id)?;
    set("Onboarding-Attempt", &msg.attempt.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(msg.body.clone().into()));
    let req =
        Request::new_with_init(&agency.webhook_url, &init).map_err(|_| "bad url".to_owned())?;
    match worker::Fetch::Request(req).send().await {
        Ok(resp) if (200..300).contains(&resp.status_code()) => Ok(()),
        Ok(resp) => Err(format!("status {}", resp.status_code())),
        Err(_) => Err("unreachable".to_owned()),
    }
}

async fn retry_or_dead_letter(
    env: &Env,
    settings: &Settings,
    msg: &RelayMessage,
    error: String,
) -> AppResult<()> {
    if msg.attempt >= settings.relay_max_attempts {
        let dead = DeadLetter {
            event_id: msg.event_id.clone(),
            kind: msg.kind.clone(),
            tenant_id: msg.tenant_id.clone(),
            attempts: msg.attempt,
            last_error: error,
            failed_at: http::iso(http::now_ms()),
        };
        let _: serde_json::Value =
            ledger::call(env, &agency_scope(&msg.agency), "/dead", Some(&dead)).await?;
        worker::console_warn!(
            "{}",
            serde_json::json!({"relay": "dead_letter", "eventId": msg.event_id, "attempts": msg.attempt})
        );
        return Ok(());
    }
    let mut next = msg.clone();
    next.attempt += 1;
    let delay = backoff_seconds(settings.relay_base_delay_seconds, next.attempt);
    worker::console_warn!(
        "{}",
        serde_json::json!({"relay": "retry", "eventId": msg.event_id, "attempt": msg.attempt, "error": error, "nextInSeconds": delay})
    );
    env.queue("RELAY")?
        .send(MessageBuilder::new(next).delay_seconds(delay).build())
        .await?;
    Ok(())
}

/// The queue consumer.
///
/// # Errors
/// Only when the batch cannot be read; single failures are retried per message.
pub async fn consume(batch: MessageBatch<RelayMessage>, env: Env) -> worker::Result<()> {
    let settings = match Settings::from_env(&env) {
        Ok(s) => s,
        Err(e) => {
            worker::console_error!("relay: {:?}", e.log_detail());
            batch.retry_all();
            return Ok(());
        }
    };
    for message in batch.iter() {
        let message = match message {
            Ok(m) => m,
            Err(_) => continue,
        };
        let msg = message.body().clone();
        let outcome = match deliver(&env, &msg).await {
            Ok(()) => {
                worker::console_log!(
                    "{}",
                    serde_json::json!({"relay": "delivered", "eventId": msg.event_id, "attempt": msg.attempt})
                );
                Ok(())
            }
            Err(e) => retry_or_dead_letter(&env, &settings, &msg, e).await,
        };
        match outcome {
            Ok(()) => message.ack(),
            Err(e) => {
                let _ = e.log_detail();
                message.retry();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::backoff_seconds;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_seconds(2, 2), 2);
        assert_eq!(backoff_seconds(2, 3), 4);
        assert_eq!(backoff_seconds(2, 4), 8);
        assert_eq!(backoff_seconds(2, 40), 3600);
    }
}

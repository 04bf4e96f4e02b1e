//! Webhooks: `PUT /v1/webhooks`, the outbox every event is written to (in the same
//! transaction as the state change it reports), and its delivery by the Durable Object
//! alarm — signed with `Skor-Signature`, retried with exponential back-off until a
//! 2xx, same event id every time, one tenant's events strictly in creation order.

use futures_util::future::{Either, select};
use onboarding_core::model::screening::WebhookConfig;
use onboarding_core::model::webhook::{Event, EventData};
use onboarding_core::signature;
use serde::{Deserialize, Serialize};
use worker::{Delay, Env, Fetch, Headers, Method, Request, RequestInit, Response};

use crate::http::{self, AppError, AppResult, json, json_body, now_ms, var_u64};
use crate::store::{Db, int, text};

/// `PUT /v1/webhooks` → 200 with the stored config.
pub async fn put_config(db: &Db, req: &mut Request) -> AppResult<Response> {
    let body: WebhookConfig = json_body(req).await?;
    let url = body.url.trim().to_owned();
    if !is_http_url(&url) {
        return Err(AppError::field(
            "url",
            "invalid_url",
            "Must be an absolute http(s) URL.",
        ));
    }
    let events = serde_json::to_string(&body.events)?;
    db.exec(
        "INSERT INTO webhook_config (id, url, events) VALUES (1, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events",
        vec![text(&url), text(events)],
    )?;
    json(
        200,
        &WebhookConfig {
            url,
            events: body.events,
        },
    )
}

/// `GET /v1/webhooks` → the config, or 404 when none is set.
pub fn get_config(db: &Db) -> AppResult<Response> {
    let cfg = config(db)?.ok_or(AppError::NotFound("webhook configuration"))?;
    json(200, &cfg)
}

/// The delivery log for one tenant (`GET /v1/webhooks/deliveries?tenantId=…`): what
/// an integrator's dashboard would show. Bodies are not repeated.
pub fn deliveries(db: &Db, tenant_id: &str) -> AppResult<Response> {
    let rows: Vec<DeliveryRow> = db.rows(
        "SELECT id, type, state, attempts, last_status FROM outbox \
         WHERE tenant_id = ? ORDER BY seq",
        vec![text(tenant_id)],
    )?;
    json(200, &serde_json::json!({ "deliveries": rows }))
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all(serialize = "camelCase"))]
struct DeliveryRow {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    state: String,
    attempts: i64,
    last_status: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct ConfigRow {
    url: String,
    events: String,
}

/// The configured webhook, if any.
pub fn config(db: &Db) -> AppResult<Option<WebhookConfig>> {
    let row: Option<ConfigRow> = db.row(
        "SELECT url, events FROM webhook_config WHERE id = 1",
        vec![],
    )?;
    Ok(row.map(|r| WebhookConfig {
        url: r.url,
        events: serde_json::from_str(&r.events).unwrap_or_default(),
    }))
}

/// Only absolute http(s) URLs with a host.
pub fn is_http_url(s: &str) -> bool {
    worker::Url::parse(s)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .unwrap_or(false)
}

/// Writes an event to the outbox (call inside the transaction that makes the change it
/// reports). Events of types the configured webhook does not subscribe to are not
/// kept; with no webhook configured yet they wait for one.
pub fn enqueue(db: &Db, tenant_id: &str, data: EventData, now: i64) -> AppResult<()> {
    let kind = data.event_type();
    if let Some(cfg) = config(db)?
        && !cfg.events.is_empty()
        && !cfg.events.contains(&kind)
    {
        return Ok(());
    }
    // A per-tenant sequence, as an upstream that numbers its events would send: the
    // edge orders events of the same millisecond by it.
    #[derive(Deserialize)]
    struct Count {
        n: i64,
    }
    let sequence = db
        .row::<Count>(
            "SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ?",
            vec![text(tenant_id)],
        )?
        .map_or(0, |c| c.n)
        + 1;
    let event = Event {
        id: http::new_id("evt")?,
        created_at: http::rfc3339(now),
        tenant_id: tenant_id.to_owned(),
        sequence: Some(sequence as u64),
        data,
    };
    let body = serde_json::to_string(&event)?;
    db.exec(
        "INSERT INTO outbox (id, tenant_id, type, body, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
        vec![
            text(&event.id),
            text(tenant_id),
            text(kind.as_str()),
            text(body),
            int(now),
        ],
    )
}

/// When the next pending delivery is due (only while a URL is configured).
pub fn next_due(db: &Db) -> AppResult<Option<i64>> {
    if config(db)?.is_none() {
        return Ok(None);
    }
    #[derive(Deserialize)]
    struct At {
        at: Option<i64>,
    }
    let row: Option<At> = db.row(
        "SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state = 'pending'",
        vec![],
    )?;
    Ok(row.and_then(|r| r.at))
}

#[derive(Debug, Deserialize)]
struct Pending {
    seq: i64,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    body: String,
    attempts: i64,
}

/// Retry policy, from vars.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Delay before the first retry.
    pub base_ms: u64,
    /// Largest delay between retries.
    pub max_ms: u64,
    /// Deliveries per event before giving up.
    pub max_attempts: u64,
    /// Time allowed for one delivery.
    pub timeout_ms: u64,
}

impl RetryPolicy {
    /// The policy configured in `env`.
    pub fn from_env(env: &Env) -> Self {
        RetryPolicy {
            base_ms: var_u64(env, "WEBHOOK_RETRY_BASE_MS", 1000).max(1),
            max_ms: var_u64(env, "WEBHOOK_RETRY_MAX_MS", 60_000),
            max_attempts: var_u64(env, "WEBHOOK_MAX_ATTEMPTS", 12).max(1),
            timeout_ms: var_u64(env, "WEBHOOK_TIMEOUT_MS", 10_000).max(100),
        }
    }

    /// Delay after the `attempts`-th failed delivery: base · 2^(attempts−1), capped.
    pub fn backoff_ms(&self, attempts: u64) -> u64 {
        let exp = attempts.saturating_sub(1).min(30) as u32;
        self.base_ms.saturating_mul(1u64 << exp).min(self.max_ms)
    }
}

/// Delivers every due event, oldest first, at most `budget` deliveries. Per tenant
/// only the oldest pending event is eligible, so a failing delivery holds back that
/// tenant's later events (order is preserved) but not other tenants'.
///
/// # Errors
///
/// Storage errors (delivery failures are recorded, not returned).
pub async fn deliver_due(db: &Db, env: &Env, budget: usize) -> AppResult<usize> {
    let Some(cfg) = config(db)? else {
        return Ok(0);
    };
    let secret = http::secret(env, "SKOR_WEBHOOK_SECRET")?;
    let policy = RetryPolicy::from_env(env);
    let mut delivered = 0;
    for _ in 0..budget {
        let now = now_ms();
        let head: Option<Pending> = db.row(
            "SELECT o.seq, o.id, o.type, o.body, o.attempts FROM outbox o \
             WHERE o.state = 'pending' AND o.next_attempt_at <= ? \
               AND o.seq = (SELECT MIN(p.seq) FROM outbox p \
                            WHERE p.tenant_id = o.tenant_id AND p.state = 'pending') \
             ORDER BY o.next_attempt_at, o.seq LIMIT 1",
            vec![int(now)],
        )?;
        let Some(ev) = head else { break };
        let status = send(&cfg.url, &secret, &ev, policy.timeout_ms).await;
        let attempts = ev.attempts + 1;
        let done = now_ms();
        match status {
            Some(s) if (200..300).contains(&s) => {
                db.exec(
                    "UPDATE outbox SET state = 'delivered', attempts = ?, last_status = ?, \
                     delivered_at = ? WHERE seq = ?",
                    vec![int(attempts), int(i64::from(s)), int(done), int(ev.seq)],
                )?;
                delivered += 1;
            }
            _ => {
                let last = status.map_or(0, i64::from);
                if attempts as u64 >= policy.max_attempts {
                    worker::console_warn!(
                        "webhook {} ({}) given up after {attempts} attempts",
                        ev.id,
                        ev.kind
                    );
                    db.exec(
                        "UPDATE outbox SET state = 'failed', attempts = ?, last_status = ? \
                         WHERE seq = ?",
                        vec![int(attempts), int(last), int(ev.seq)],
                    )?;
                } else {
                    let next = done + policy.backoff_ms(attempts as u64) as i64;
                    db.exec(
                        "UPDATE outbox SET attempts = ?, last_status = ?, next_attempt_at = ? \
                         WHERE seq = ?",
                        vec![int(attempts), int(last), int(next), int(ev.seq)],
                    )?;
                }
            }
        }
    }
    Ok(delivered)
}

/// One delivery: the HTTP status, or `None` for a network error or timeout.
async fn send(url: &str, secret: &str, ev: &Pending, timeout_ms: u64) -> Option<u16> {
    let t = now_ms() / 1000;
    let headers = Headers::new();
    let sig = signature::sign(secret.as_bytes(), t, ev.body.as_bytes());
    let set = headers
        .set("content-type", "application/json")
        .and_then(|_| headers.set("skor-signature", &sig))
        .and_then(|_| headers.set("skor-event-id", &ev.id))
        .and_then(|_| headers.set("skor-event-type", &ev.kind))
        .and_then(|_| headers.set("user-agent", "skor-sandbox-webhooks/1"));
    if set.is_err() {
        return None;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(ev.body.clone().into()));
    let req = Request::new_with_init(url, &init).ok()?;
    let fetch = Fetch::Request(req);
    let send = Box::pin(fetch.send());
    let timeout = Box::pin(Delay::from(std::time::Duration::from_millis(timeout_ms)));
    match select(send, timeout).await {
        Either::Left((Ok(resp), _)) => Some(resp.status_code()),
        Either::Left((Err(e), _)) => {
            worker::console_warn!("webhook {} delivery failed: {e}", ev.id);
            None
        }
        Either::Right(_) => {
            worker::console_warn!("webhook {} delivery timed out", ev.id);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            base_ms: 1000,
            max_ms: 60_000,
            max_attempts: 12,
            timeout_ms: 10_000,
        };
        let d: Vec<u64> = (1..=8).map(|a| p.backoff_ms(a)).collect();
        assert_eq!(d, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
        assert_eq!(p.backoff_ms(200), 60_000);
    }

    #[test]
    fn only_http_urls() {
        assert!(is_http_url("http://127.0.0.1:8787/webhooks/skor"));
        assert!(is_http_url("https://example.com/h"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("/relative"));
        assert!(!is_http_url("ftp://x/y"));
    }
}

//! The `RELAY` Queue's consumer: delivers accepted events to the agency's webhook URL.
//! Each delivery is re-signed with the agency's webhook secret
//! (`Onboarding-Signature: t=…,v1=…`, core's [`signature::sign_all`]) and carries the
//! upstream event id unchanged. Retries are explicit: a failed delivery is re-sent to
//! the queue with `delaySeconds = base · 2^(attempt-1)` until `RELAY_MAX_ATTEMPTS`,
//! then recorded as a dead letter in the agency's store
//! ([`AgencyScope::DeadLetters`]), where `GET /v1/agency/webhooks/undelivered` lists it.
//!
//! An endpoint that keeps failing is left alone as a whole: the agency's [`breaker`]
//! opens after a few consecutive failures, and while it is open the agency's events
//! are put back with their back-off without being sent (one probe now and then; an
//! agency's replay is always sent), so a dead endpoint costs no sockets and no waits on
//! timeouts, and its failures are one log line per agency and minute. A delivery that
//! runs past its timeout is aborted (its socket released).
//!
//! Messages are tried one by one; what a batch leaves behind is written together once
//! it has been tried: the put-backs in one queue call, the dead letters with one erasure
//! check and one store write per agency, the deliveries in one log line. A dead
//! endpoint's backlog cycling through the queue costs about a tenth of the calls it
//! would one message at a time.
//!
//! A delivery attempt fails — and is retried, then dead-lettered — when the agency's
//! endpoint does not answer within `RELAY_TIMEOUT_MS`, answers anything but a 2xx, or
//! answers a redirect (3xx: redirects are never followed, so an event cannot be
//! steered to another host). A queued message that cannot be decoded is recorded as a
//! dead letter too (never silently skipped) and acknowledged. An event larger than
//! [`super::queue::MAX_INLINE_BODY`] travels by reference: the message names it and the consumer
//! reads the body from the tenant's state, where every accepted event is kept.
//!
//! Beside `Onboarding-Signature`, each delivery carries the Standard Webhooks headers
//! (`webhook-id` = the event id, `webhook-timestamp`, `webhook-signature: v1,<base64>`),
//! so an agency verifies with that scheme's maintained libraries.
//!
//! While an agency's webhook secret is being rotated both headers carry one signature
//! per secret in force (newest first), so a receiver holding either verifies. When the
//! consumer itself keeps failing on a message (the platform's own `max_retries`), the
//! platform moves it to the dead-letter queue (`onboarding-relay-dead`), whose
//! consumer — this same function — records it in the agency's dead-letter list.

use std::cell::RefCell;
use std::collections::BTreeMap;

use futures_util::future::{Either, select};
use onboarding_core::model::api::DeadLetter;
use onboarding_core::signature;
use worker::{
    BatchMessageBuilder, Delay, Env, Headers, MessageBatch, MessageBuilder, MessageExt, Method,
    RawMessage, Request, RequestInit, RequestRedirect,
};

use super::breaker::{Admit, Breakers, Policy, Report};
use super::queue::RelayMessage;
use crate::config::Settings;
use crate::error::AppResult;
use crate::http;
use crate::objects::store::{AgencyScope, DeadAdd, ListErased, Scope, Store};
use crate::objects::tenant::{MarkDelivered, ReadEventBody, TenantHandle};
use crate::registry::Registry;

/// Back-off before attempt `next` (2, 3, …): `base · 2^(next-2)` seconds, capped at an
/// hour.
pub fn backoff_seconds(base: u32, next: u32) -> u32 {
    let exp = next.saturating_sub(2).min(16);
    base.max(1).saturating_mul(1 << exp).min(3600)
}

/// What is known of a queued body that is not a [`RelayMessage`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Undecodable {
    /// The `agency` field, if it is a string.
    pub agency: Option<String>,
    /// The `eventId` field, if it is a string.
    pub event_id: Option<String>,
    /// The `tenantId` field, if it is a string.
    pub tenant_id: Option<String>,
}

/// Decodes a queued body (its JSON text).
///
/// # Errors
/// [`Undecodable`] with whatever identifying fields could be read.
pub fn decode(json: &str) -> Result<RelayMessage, Undecodable> {
    if let Ok(m) = serde_json::from_str::<RelayMessage>(json) {
        return Ok(m);
    }
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let field = |k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty() && s.len() <= 128)
            .map(str::to_owned)
    };
    Err(Undecodable {
        agency: field("agency"),
        event_id: field("eventId"),
        tenant_id: field("tenantId"),
    })
}

/// The outcome of one delivery attempt from the agency endpoint's status.
///
/// # Errors
/// `redirect <s>` for a 3xx (never followed), `status <s>` for anything else not 2xx.
pub fn judge(status: u16) -> Result<(), String> {
    match status {
        200..=299 => Ok(()),
        300..=399 => Err(format!("redirect {status}")),
        s => Err(format!("status {s}")),
    }
}

/// The body to deliver: inline, or read from the tenant's state by event id.
async fn body_of(env: &Env, msg: &RelayMessage) -> Result<String, String> {
    if !msg.by_reference {
        return Ok(msg.body.clone());
    }
    let handle = TenantHandle::new(env, &msg.tenant_id)
        .map_err(|_| "tenant state unavailable".to_owned())?
        .in_background();
    let asked = ReadEventBody {
        event_id: msg.event_id.clone(),
    };
    match handle.ask(asked).await {
        Ok(Some(body)) if !body.is_empty() => Ok(body),
        _ => Err("event body unavailable".to_owned()),
    }
}

async fn deliver(env: &Env, settings: &Settings, msg: &RelayMessage) -> Result<(), String> {
    let body = body_of(env, msg).await?;
    let agency = Registry::new(env, settings.agency_cache_seconds)
        .by_id(&msg.agency)
        .await
        .map_err(|_| "agency registry unreadable".to_owned())?
        .ok_or_else(|| "agency not in the registry".to_owned())?;
    let url = agency
        .webhook_url
        .as_deref()
        .ok_or_else(|| "agency has no webhook URL".to_owned())?;
    post_signed(
        &agency,
        url,
        &msg.event_id,
        msg.attempt,
        &body,
        settings.relay_timeout_ms,
    )
    .await
    .and_then(judge)
}

/// Posts `body` to `url` signed with each of the agency's webhook secrets, both ways
/// (`Onboarding-Signature`, and the Standard Webhooks `webhook-*` headers), never
/// following a redirect, given up after `timeout_ms` (its socket released then). The
/// relay's delivery and the console's test delivery.
///
/// # Errors
/// `unreachable`, `timeout`, `bad url`, `agency has no webhook secret`.
pub async fn post_signed(
    agency: &crate::registry::Agency,
    url: &str,
    event_id: &str,
    attempt: u32,
    body: &str,
    timeout_ms: u32,
) -> Result<u16, String> {
    if agency.webhook_secrets.is_empty() {
        return Err("agency has no webhook secret".to_owned());
    }
    let now = (http::now_ms() / 1000) as i64;
    let secrets: Vec<&[u8]> = agency
        .webhook_secrets
        .iter()
        .map(String::as_bytes)
        .collect();
    let sig = signature::sign_all(&secrets, now, body.as_bytes());
    // The same event signed the Standard Webhooks way (`webhook-*` headers), so an agency
    // can verify with that scheme's maintained libraries.
    let keys: Vec<Vec<u8>> = agency
        .webhook_secrets
        .iter()
        .map(|s| signature::standard_key(s))
        .collect();
    let keys: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    let standard = signature::standard_signature(&keys, event_id, now, body.as_bytes());
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|_| "headers".to_owned());
    set("Content-Type", "application/json")?;
    set("Onboarding-Signature", &sig)?;
    set("Onboarding-Event-Id", event_id)?;
    set("Onboarding-Attempt", &attempt.to_string())?;
    set("webhook-id", event_id)?;
    set("webhook-timestamp", &now.to_string())?;
    set("webhook-signature", &standard)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(body.into()));
    let req = Request::new_with_init(url, &init).map_err(|_| "bad url".to_owned())?;
    let request = worker::Fetch::Request(req);
    let controller = worker::AbortController::default();
    let signal = controller.signal();
    let fetch = request.send_with_signal(&signal);
    let timeout = Delay::from(std::time::Duration::from_millis(u64::from(timeout_ms)));
    match select(Box::pin(fetch), Box::pin(timeout)).await {
        Either::Left((Ok(resp), _)) => Ok(resp.status_code()),
        Either::Left((Err(_), _)) => Err("unreachable".to_owned()),
        Either::Right(_) => {
            // Not left running: its socket goes now, not when the endpoint gives up.
            controller.abort();
            Err("timeout".to_owned())
        }
    }
}

thread_local! {
    /// This isolate's breakers, one per agency in trouble.
    static BREAKERS: RefCell<Breakers> = RefCell::default();
}

fn policy(settings: &Settings) -> Policy {
    Policy::new(
        settings.relay_breaker_threshold,
        u64::from(settings.relay_breaker_max_open_seconds) * 1000,
    )
}

/// One warning per agency and interval while its endpoint fails (not one per event).
fn warn_failing(agency: &str, report: Option<Report>) {
    if let Some(r) = report {
        worker::console_warn!(
            "{}",
            serde_json::json!({"relay": "failing", "agency": agency, "failures": r.failures, "breaker": if r.open { "open" } else { "closed" }, "lastError": r.error, "perSeconds": super::breaker::LOG_INTERVAL_MS / 1000})
        );
    }
}

/// What becomes of a message once it has been tried.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Delivered: acknowledged (one log line for the batch's).
    Delivered,
    /// Dropped because its tenant was erased: acknowledged.
    Dropped,
    /// Back on the queue for its next attempt, after this many seconds.
    Again(RelayMessage, u32),
    /// Out of attempts (the last error): a dead letter of its agency.
    Dead(String),
}

/// How often and how far apart an event is tried (`RELAY_MAX_ATTEMPTS`,
/// `RELAY_BASE_DELAY_SECONDS`).
#[derive(Debug, Clone, Copy)]
pub struct Retries {
    /// Attempts before an event becomes a dead letter.
    pub max_attempts: u32,
    /// The first back-off, doubling after.
    pub base_delay_seconds: u32,
}

impl Retries {
    /// The deployment's.
    pub fn of(settings: &Settings) -> Self {
        Retries {
            max_attempts: settings.relay_max_attempts,
            base_delay_seconds: settings.relay_base_delay_seconds,
        }
    }

    /// A message that was not delivered (`error` says why): back on the queue after its
    /// back-off, and not before `at_least_ms` (an open breaker's remaining time), or, after
    /// its last attempt, a dead letter.
    pub fn after_failure(&self, msg: &RelayMessage, error: String, at_least_ms: u64) -> Next {
        if msg.attempt >= self.max_attempts {
            return Next::Dead(error);
        }
        let mut next = msg.clone();
        next.attempt += 1;
        next.replay = false;
        next.last_error = Some(error);
        let delay = backoff_seconds(self.base_delay_seconds, next.attempt)
            .max(at_least_ms.div_ceil(1000).min(3600) as u32);
        Next::Again(next, delay)
    }
}

/// `msg` as a dead letter.
fn letter(msg: &RelayMessage, error: String, now_ms: u64) -> DeadLetter {
    DeadLetter {
        event_id: msg.event_id.clone(),
        kind: msg.kind.clone(),
        tenant_id: msg.tenant_id.clone(),
        attempts: msg.attempt,
        last_error: error,
        failed_at: http::iso(now_ms),
    }
}

/// Delivers `msg` unless its agency's breaker holds it or its tenant was erased (then
/// acknowledged, not delivered); either way, what to do next.
async fn attempt(env: &Env, settings: &Settings, msg: &RelayMessage) -> Next {
    let now = http::now_ms();
    let admit = if msg.replay {
        Admit::Probe
    } else {
        BREAKERS.with(|b| b.borrow_mut().admit(&msg.agency, now))
    };
    if let Admit::Open(ms) = admit {
        warn_failing(
            &msg.agency,
            BREAKERS.with(|b| b.borrow_mut().held(&msg.agency, now)),
        );
        // Its own last error, else what the endpoint did to the others.
        let error = msg.last_error.clone().unwrap_or_else(|| {
            BREAKERS
                .with(|b| b.borrow().last_error(&msg.agency).map(str::to_owned))
                .unwrap_or_else(|| "breaker open".into())
        });
        return Retries::of(settings).after_failure(msg, error, ms);
    }
    // Asked only of a message about to be sent: one held by an open breaker costs no
    // object call (its dead letter asks, with its batch's, see `record_dead`), so a
    // dead endpoint's backlog cycling through the queue stays cheap.
    if msg.attempt > 1
        && erasable(&msg.kind, &msg.tenant_id)
        && !erased(env, &msg.agency, vec![msg.tenant_id.clone()])
            .await
            .is_empty()
    {
        worker::console_log!(
            "{}",
            serde_json::json!({"relay": "dropped", "reason": "tenant erased", "eventId": msg.event_id, "attempt": msg.attempt})
        );
        // A probe that is not sent gives its turn to the next delivery.
        if admit == Admit::Probe && !msg.replay {
            BREAKERS.with(|b| b.borrow_mut().not_sent(&msg.agency));
        }
        return Next::Dropped;
    }
    let outcome = deliver(env, settings, msg).await;
    let report = BREAKERS.with(|b| {
        b.borrow_mut().record(
            policy(settings),
            &msg.agency,
            http::now_ms(),
            outcome.as_ref().map(|_| ()).map_err(String::as_str),
        )
    });
    match outcome {
        Ok(()) => {
            // Delivered: the tenant's state keeps the parsed result, not the raw body
            // (a failure here only leaves the body until erasure).
            let delivered = MarkDelivered {
                event_id: msg.event_id.clone(),
            };
            if let Ok(handle) = TenantHandle::new(env, &msg.tenant_id)
                && let Err(e) = handle.in_background().ask(delivered).await
            {
                let _ = e.log_detail();
            }
            Next::Delivered
        }
        Err(e) => {
            warn_failing(&msg.agency, report);
            Retries::of(settings).after_failure(msg, e, 0)
        }
    }
}

/// Records a message that cannot be decoded as a dead letter (in its agency's list
/// when the agency can be read, else in the `relay:undecodable` scope).
async fn dead_letter_undecodable(env: &Env, u: Undecodable) -> AppResult<()> {
    let event_id = match u.event_id {
        Some(id) => id,
        None => format!("undecodable:{}", http::random_hex(8)?),
    };
    let dead = DeadLetter {
        event_id: event_id.clone(),
        kind: "unknown".into(),
        tenant_id: u.tenant_id.unwrap_or_default(),
        attempts: 0,
        last_error: "undecodable message".into(),
        failed_at: http::iso(http::now_ms()),
    };
    let scope = match u.agency {
        Some(a) => Scope::Agency(a, AgencyScope::DeadLetters),
        None => Scope::Undecodable,
    };
    Store::of(env, &scope)?
        .in_background()
        .ask(DeadAdd {
            letters: vec![dead],
        })
        .await?;
    worker::console_error!(
        "{}",
        serde_json::json!({"relay": "dead_letter", "eventId": event_id, "error": "undecodable message"})
    );
    Ok(())
}

/// A batch's messages that go back on the queue or among the dead letters, written
/// once the batch has been tried: the put-backs in one queue call (per 192 KB), the dead
/// letters with one erasure check and one write per agency. A dead endpoint's backlog
/// cycles through the queue at a tenth of the calls it would cost one by one.
#[derive(Default)]
struct Afterwards {
    /// Event ids delivered, with their attempt (logged in one line).
    delivered: Vec<(String, u32)>,
    again: Vec<(RawMessage, RelayMessage, u32)>,
    dead: BTreeMap<String, Vec<(RawMessage, DeadLetter)>>,
}

/// The most put-backs' JSON sent in one queue call (the platform takes 256 KB a call).
const PUT_BACK_BYTES: usize = 192 * 1024;

/// What a put-back weighs beside its body, at most (ids, attempt, last error): its size
/// is estimated, not serialized twice.
const ENVELOPE_BYTES: usize = 1024;

impl Afterwards {
    /// Acknowledges `message` when it is done, or keeps it for [`Self::write`].
    fn take(&mut self, message: RawMessage, msg: &RelayMessage, next: Next) {
        match next {
            Next::Delivered => {
                message.ack();
                self.delivered.push((msg.event_id.clone(), msg.attempt));
            }
            Next::Dropped => message.ack(),
            Next::Again(again, delay) => self.again.push((message, again, delay)),
            Next::Dead(error) => {
                let dead = letter(msg, error, http::now_ms());
                self.dead
                    .entry(msg.agency.clone())
                    .or_default()
                    .push((message, dead));
            }
        }
    }

    /// Writes what was kept; each message is acknowledged once its write succeeded,
    /// else retried (nothing accepted is lost).
    async fn write(self, env: &Env) {
        if !self.delivered.is_empty() {
            // One line per batch, not per event: under load a line per event cost the
            // log pipeline about 2 ms of CPU each under wrangler dev (see `LOG_REQUESTS`).
            let (ids, attempts): (Vec<_>, Vec<_>) = self.delivered.into_iter().unzip();
            worker::console_log!(
                "{}",
                serde_json::json!({"relay": "delivered", "eventIds": ids, "attempts": attempts})
            );
        }
        let mut chunk: Vec<(RawMessage, RelayMessage, u32)> = Vec::new();
        let mut bytes = 0;
        for item in self.again {
            let size = item.1.body.len() + ENVELOPE_BYTES;
            if !chunk.is_empty() && bytes + size > PUT_BACK_BYTES {
                put_back(env, std::mem::take(&mut chunk)).await;
                bytes = 0;
            }
            bytes += size;
            chunk.push(item);
        }
        if !chunk.is_empty() {
            put_back(env, chunk).await;
        }
        for (agency, letters) in self.dead {
            let (messages, letters): (Vec<_>, Vec<_>) = letters.into_iter().unzip();
            let recorded = record_dead(env, &agency, letters).await;
            settle_all(&messages, &recorded);
        }
    }
}

/// Puts messages back on the queue for their next attempts, in one call.
async fn put_back(env: &Env, chunk: Vec<(RawMessage, RelayMessage, u32)>) {
    let mut messages = Vec::with_capacity(chunk.len());
    let mut batch = BatchMessageBuilder::new();
    for (message, next, delay) in chunk {
        messages.push(message);
        batch = batch.message(MessageBuilder::new(next).delay_seconds(delay).build());
    }
    let sent: AppResult<()> =
        async { Ok(env.queue("RELAY")?.send_batch(batch.build()).await?) }.await;
    settle_all(&messages, &sent);
}

/// Whether an erasure can come before this event: it is of a tenant, and not that
/// tenant's `tenant.erased` (always delivered).
fn erasable(kind: &str, tenant_id: &str) -> bool {
    kind != "tenant.erased" && !tenant_id.is_empty()
}

/// Of `tenant_ids` (all of `agency`), those that were erased: after a tenant's
/// `tenant.erased`, nothing more is delivered for it and nothing of it goes among the
/// dead letters (an event queued or retried before the erasure is dropped, with a log
/// line naming only the event). Asked of the agency's list store, which keeps each
/// erasure's audit row (written before `tenant.erased` is queued): not of the tenant's
/// object, which a retried delivery would otherwise wake on every attempt. Unreadable:
/// none (delivered at least once).
///
/// A first attempt is not asked about by [`attempt`]: it was queued when the event was
/// accepted, and `tenant.erased` is queued after it (the erasure's last step), so only a
/// retry or a dead letter can come after an erasure — and a healthy endpoint costs no
/// extra call.
async fn erased(env: &Env, agency: &str, tenant_ids: Vec<String>) -> Vec<String> {
    if tenant_ids.is_empty() {
        return Vec::new();
    }
    let asked = ListErased { tenant_ids };
    match Store::of(env, &Scope::Agency(agency.to_owned(), AgencyScope::List)) {
        Ok(store) => store.in_background().ask(asked).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// `letters` split into those of the `gone` (erased) tenants, dropped, and the rest, kept
/// (a `tenant.erased` is always kept).
fn split_erased(letters: Vec<DeadLetter>, gone: &[String]) -> (Vec<DeadLetter>, Vec<DeadLetter>) {
    letters
        .into_iter()
        .partition(|d| erasable(&d.kind, &d.tenant_id) && gone.contains(&d.tenant_id))
}

/// Records `letters` in `agency`'s dead-letter list, but for those of erased tenants;
/// one log line for the batch (the event ids are what the agency replays by), at info
/// level: the agency's failing endpoint is already the warning.
async fn record_dead(env: &Env, agency: &str, letters: Vec<DeadLetter>) -> AppResult<()> {
    let asked = letters
        .iter()
        .filter(|d| erasable(&d.kind, &d.tenant_id))
        .map(|d| d.tenant_id.clone())
        .collect();
    let gone = erased(env, agency, asked).await;
    let (dropped, letters) = split_erased(letters, &gone);
    if !dropped.is_empty() {
        worker::console_log!(
            "{}",
            serde_json::json!({"relay": "dropped", "reason": "tenant erased", "eventIds": dropped.iter().map(|d| d.event_id.as_str()).collect::<Vec<_>>()})
        );
    }
    if letters.is_empty() {
        return Ok(());
    }
    let event_ids: Vec<String> = letters.iter().map(|d| d.event_id.clone()).collect();
    let scope = Scope::Agency(agency.to_owned(), AgencyScope::DeadLetters);
    Store::of(env, &scope)?
        .in_background()
        .ask(DeadAdd { letters })
        .await?;
    worker::console_log!(
        "{}",
        serde_json::json!({"relay": "dead_letter", "agency": agency, "eventIds": event_ids})
    );
    Ok(())
}

/// The dead-letter queue of the relay (`wrangler.toml`): the consumer below failed on
/// these messages more often than the platform retries.
pub const DEAD_LETTER_QUEUE: &str = "onboarding-relay-dead";

/// The queue consumer, of the relay queue and of its dead-letter queue.
///
/// # Errors
/// Only when the batch cannot be read; single failures are retried per message.
pub async fn consume(batch: MessageBatch<RelayMessage>, env: Env) -> worker::Result<()> {
    if batch.queue() == DEAD_LETTER_QUEUE {
        return consume_dead(batch, env).await;
    }
    let settings = match Settings::from_env(&env) {
        Ok(s) => s,
        Err(e) => {
            worker::console_error!("relay: {:?}", e.log_detail());
            batch.retry_all();
            return Ok(());
        }
    };
    let mut afterwards = Afterwards::default();
    for message in batch.raw_iter() {
        match decode(&text_of(&message)) {
            Ok(msg) => {
                let next = attempt(&env, &settings, &msg).await;
                afterwards.take(message, &msg, next);
            }
            // Never a silent skip: a dead letter, then ack (retrying cannot help).
            Err(u) => settle(&message, dead_letter_undecodable(&env, u).await),
        }
    }
    afterwards.write(&env).await;
    Ok(())
}

/// A queued message's body as JSON text (empty when it cannot be written as JSON).
fn text_of(message: &worker::RawMessage) -> String {
    js_sys::JSON::stringify(&message.body())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// Acknowledges a handled message; one whose handling failed is retried (its error
/// logged): nothing accepted is dropped.
fn settle(message: &RawMessage, outcome: AppResult<()>) {
    settle_all(std::slice::from_ref(message), &outcome);
}

/// [`settle`] for messages handled together (the error logged once).
fn settle_all(messages: &[RawMessage], outcome: &AppResult<()>) {
    match outcome {
        Ok(()) => messages.iter().for_each(MessageExt::ack),
        Err(e) => {
            let _ = e.log_detail();
            messages.iter().for_each(MessageExt::retry);
        }
    }
}

/// Each message of the dead-letter queue becomes a dead letter of its agency (retried
/// while the store cannot be written: nothing accepted is lost).
async fn consume_dead(batch: MessageBatch<RelayMessage>, env: Env) -> worker::Result<()> {
    let mut afterwards = Afterwards::default();
    for message in batch.raw_iter() {
        match decode(&text_of(&message)) {
            Ok(msg) => {
                let dead = Next::Dead("relay consumer failed repeatedly".into());
                afterwards.take(message, &msg, dead);
            }
            Err(u) => settle(&message, dead_letter_undecodable(&env, u).await),
        }
    }
    afterwards.write(&env).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{
        Next, RelayMessage, Retries, Undecodable, backoff_seconds, decode, judge, split_erased,
    };
    use onboarding_core::model::api::DeadLetter;

    #[test]
    fn an_erased_tenants_dead_letters_are_dropped_but_its_tenant_erased() {
        let letter = |kind: &str, tenant: &str| DeadLetter {
            event_id: format!("{kind}.{tenant}"),
            kind: kind.into(),
            tenant_id: tenant.into(),
            attempts: 4,
            last_error: "unreachable".into(),
            failed_at: String::new(),
        };
        let letters = vec![
            letter("tenant.created", "t1"),
            letter("tenant.erased", "t1"),
            letter("tenant.created", "t2"),
        ];
        let (dropped, kept) = split_erased(letters, &["t1".to_owned()]);
        let ids = |v: &[DeadLetter]| v.iter().map(|d| d.event_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&dropped), ["tenant.created.t1"]);
        assert_eq!(ids(&kept), ["tenant.erased.t1", "tenant.created.t2"]);
    }

    #[test]
    fn a_failed_attempt_goes_back_with_its_back_off_until_the_last_makes_a_dead_letter() {
        let retries = Retries {
            max_attempts: 4,
            base_delay_seconds: 2,
        };
        let mut msg = RelayMessage::first("A", "e1", "tenant.created", "t1", "{}");
        msg.replay = true;
        let Next::Again(next, delay) = retries.after_failure(&msg, "status 500".into(), 0) else {
            panic!("attempt 1 of 4 goes back");
        };
        assert_eq!((next.attempt, delay, next.replay), (2, 2, false));
        assert_eq!(next.last_error.as_deref(), Some("status 500"));
        // An open breaker's remaining time holds it longer than its back-off.
        let Next::Again(_, held) = retries.after_failure(&next, "breaker open".into(), 9_001)
        else {
            panic!("attempt 2 of 4 goes back");
        };
        assert_eq!(held, 10);
        let mut last = next.clone();
        last.attempt = 4;
        assert_eq!(
            retries.after_failure(&last, "unreachable".into(), 0),
            Next::Dead("unreachable".into())
        );
    }

    #[test]
    fn undecodable_messages_keep_what_identifies_them() {
        let ok = r#"{"agency":"A","eventId":"e1","type":"kyc.completed","tenantId":"t","body":"{}","attempt":1}"#;
        assert!(!decode(ok).unwrap().by_reference);
        let m: RelayMessage = decode(ok).unwrap();
        assert_eq!((m.agency.as_str(), m.attempt), ("A", 1));
        assert_eq!(
            decode(r#"{"agency":"A","eventId":"e2","attempt":"one"}"#).unwrap_err(),
            Undecodable {
                agency: Some("A".into()),
                event_id: Some("e2".into()),
                tenant_id: None,
            }
        );
        assert_eq!(decode("").unwrap_err(), Undecodable::default());
        assert_eq!(decode("[1]").unwrap_err(), Undecodable::default());
    }

    #[test]
    fn only_2xx_is_delivered_and_redirects_are_failures() {
        assert!(judge(200).is_ok() && judge(204).is_ok());
        assert_eq!(judge(302).unwrap_err(), "redirect 302");
        assert_eq!(judge(307).unwrap_err(), "redirect 307");
        assert_eq!(judge(500).unwrap_err(), "status 500");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_seconds(2, 2), 2);
        assert_eq!(backoff_seconds(2, 3), 4);
        assert_eq!(backoff_seconds(2, 4), 8);
        assert_eq!(backoff_seconds(2, 40), 3600);
    }
}

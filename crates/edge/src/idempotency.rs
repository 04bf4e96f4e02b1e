//! `Idempotency-Key`: the first request with a key runs, every later one with the same
//! key and the same request gets the first one's answer (concurrent ones wait for it),
//! and the same key with a different request is `422 idempotency_key_reused`. Records
//! live in a [`crate::scope_store::ScopeStore`] per scope (the session for tenant creation, the
//! tenant for documents).
//!
//! "The same request" is decided twice where the content is streamed: first by a
//! fingerprint of what is known before reading (route, kind, type, length), then — on a
//! replay — by the digest of the content itself (a document's SHA-256 as streamed),
//! which the first request stored when it finished ([`Lease::finish`]).
//!
//! Each holder of a key has a random owner id and a lease as long as the longest
//! request the key guards; only the owner finishes or aborts its record, so a request
//! whose lease ran out can never delete or overwrite the record of the one that took
//! over.

use onboarding_core::model::problem::ProblemCode;
use std::time::Duration;

use sha2::{Digest, Sha256};
use worker::{Delay, Response};

use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::scope_store::{IdemBegin, IdemFinish, IdemState, RateCheck, Store};

/// How long a duplicate waits for the first request to finish.
const WAIT_MS: u64 = 30_000;
const POLL_MS: u64 = 150;

/// Lease of a JSON request: several upstream timeouts.
pub const JSON_LEASE_MS: u64 = 2 * 60_000;

/// Lease of a tenant creation: its one upstream call's timeout plus 15 s for the rest.
/// Shorter than [`JSON_LEASE_MS`] so a retry after a crash (whose dead holder never
/// releases the key) goes ahead within one wait instead of answering 409 for two
/// minutes. Taking over from a holder that is in fact still running is harmless here:
/// both send the upstream the same `Idempotency-Key` and so bind the same tenant, and
/// only the owner's answer is stored.
pub fn tenant_lease_ms(settings: &crate::config::Settings) -> u64 {
    u64::from(settings.upstream_timeout_ms) + 15_000
}

/// Lease of a document upload: a 15 MiB file at a slow mobile 100 kbit/s takes about
/// 21 minutes; 30 minutes covers it.
pub const UPLOAD_LEASE_MS: u64 = 30 * 60_000;

/// Fingerprint of a request: a hash of the parts that define it.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// A key held by this request.
pub struct Lease<'a> {
    ctx: &'a Ctx,
    scope: String,
    key: String,
    owner: String,
}

/// When a finished run's answer is recorded for replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// Before the reply: a retry finds it at once.
    Now,
    /// After the reply (off the critical path): until it is written, a retry waits for
    /// the lease or, past it, runs again — safe only where the run is itself
    /// idempotent upstream (tenant creation sends the upstream a key derived from ours).
    AfterReply,
}
/// What [`begin`] found.
pub enum Begun<'a> {
    /// No key: just run.
    NoKey,
    /// This request holds the key: run, then [`Lease::conclude`] (or [`Lease::abort`]).
    Run(Lease<'a>),
    /// A request with this key and fingerprint finished before.
    Replay {
        /// Its status.
        status: u16,
        /// Its JSON body.
        body: serde_json::Value,
        /// Digest of its content, when the route stored one.
        content: Option<String>,
    },
}

/// The store that keeps `scope`'s keys (and any limit charged with them, see
/// [`begin`]).
pub fn store(scope: &str) -> String {
    format!("idem:{scope}")
}

/// Takes `key` in `scope` for a request with `fingerprint`, waiting up to 30 s for a
/// concurrent holder to finish. `charge` is spent in the same call, all or none, when
/// the key is taken for a run from nothing. The counters live in [`store`]`(scope)`,
/// and a request without a key spends them there too (before [`Begun::NoKey`]), so
/// dropping or alternating the header gives no second allowance.
///
/// # Errors
/// 422 `idempotency_key_reused` for a different request under the same key, 409
/// `idempotency_in_progress` if the holder is still running after the wait, 429 when
/// `charge` is over a limit (the key is not taken), 500 when the ledger fails.
pub async fn begin<'a>(
    ctx: &'a Ctx,
    scope: &str,
    key: Option<String>,
    fingerprint: String,
    lease_ms: u64,
    charge: Vec<RateCheck>,
) -> AppResult<Begun<'a>> {
    let scope = store(scope);
    let Some(key) = key else {
        if !charge.is_empty() {
            crate::rate_limit::spend_in(ctx, &scope, charge).await?;
        }
        return Ok(Begun::NoKey);
    };
    let owner = http::random_hex(12)?;
    let started = http::now_ms();
    loop {
        let ask = IdemBegin {
            key: key.clone(),
            fingerprint: fingerprint.clone(),
            now: http::now_ms(),
            owner: owner.clone(),
            lease_ms,
            charge: charge.clone(),
        };
        let state = Store::new(&ctx.env, &scope)?.idem_begin(ask).await?;
        match state {
            IdemState::New => {
                return Ok(Begun::Run(Lease {
                    ctx,
                    scope,
                    key,
                    owner,
                }));
            }
            IdemState::Done {
                status,
                body,
                content,
            } => {
                return Ok(Begun::Replay {
                    status,
                    body: serde_json::from_str(&body)?,
                    content,
                });
            }
            IdemState::Mismatch => {
                return Err(AppError::Problem(ProblemCode::IdempotencyKeyReused));
            }
            IdemState::Limited { retry_after } => {
                return Err(AppError::RateLimited(retry_after));
            }
            IdemState::Pending => {
                if http::now_ms().saturating_sub(started) > WAIT_MS {
                    return Err(AppError::Problem(ProblemCode::IdempotencyInProgress));
                }
                Delay::from(Duration::from_millis(POLL_MS)).await;
            }
        }
    }
}

impl Lease<'_> {
    /// Ends the run with its outcome, the one way both idempotent routes (tenant
    /// creation, uploads) settle a key: an answer is recorded for replay as `record`
    /// says (with `content`, the digest a replay must match) and sent as `status`; an
    /// error releases the key for a retry and is returned.
    ///
    /// # Errors
    /// The run's own error; 500 when the answer cannot be encoded or recorded.
    pub async fn conclude<T: serde::Serialize>(
        self,
        status: u16,
        outcome: AppResult<(T, Option<String>)>,
        record: Record,
        subject: Option<&str>,
    ) -> AppResult<Response> {
        let (answer, content) = match outcome {
            Ok(done) => done,
            Err(e) => {
                self.abort().await;
                return Err(e);
            }
        };
        let body = serde_json::to_value(&answer)?;
        let finish = IdemFinish {
            key: self.key,
            owner: self.owner,
            status,
            body: serde_json::to_string(&body)?,
            content,
            subject: subject.map(str::to_owned),
        };
        let store = Store::new(&self.ctx.env, &self.scope)?;
        match record {
            // `false`: our lease ran out and another request took the key over; its
            // record is left alone, and this answer is still the right one to send.
            Record::Now => {
                store.idem_finish(finish).await?;
            }
            Record::AfterReply => self.ctx.after_reply(async move {
                if let Err(e) = store.idem_finish(finish).await {
                    let _ = e.log_detail();
                }
            }),
        }
        http::json(status, &body)
    }

    /// Releases the key for a retry (only this request's own unfinished record).
    pub async fn abort(self) {
        let abort = IdemFinish {
            key: self.key,
            owner: self.owner,
            status: 0,
            body: String::new(),
            content: None,
            subject: None,
        };
        if let Ok(store) = Store::new(&self.ctx.env, &self.scope) {
            let _ = store.idem_abort(abort).await;
        }
    }
}

/// A replayed answer, marked `Idempotent-Replayed: true`.
///
/// # Errors
/// Only if the runtime cannot build a response.
pub fn replayed(status: u16, body: &serde_json::Value) -> AppResult<Response> {
    let resp = http::json(status, body)?;
    let _ = resp.headers().set("Idempotent-Replayed", "true");
    Ok(resp)
}

//! `Idempotency-Key`: the first request with a key runs, every later one with the same
//! key and the same request gets the first one's answer (concurrent ones wait for it),
//! and the same key with a different request is `422 idempotency_key_reused`. Records
//! live in the `ScopeStore` of the route's [`Scope`] (the session for tenant creation,
//! the tenant's uploads for documents).
//!
//! One sequence for every idempotent route: [`take`] takes the key and spends the
//! route's limits in one call of the store, side by side with whatever else the route
//! must know first (the agency's budget, whether the tenant exists); a refusal there
//! releases the key, and a refused key gives back the budget it reserved. A replay is
//! the route's to check ([`Taken::Replay`]); a run
//! ([`Taken::Run`], with or without a key: written once) ends in [`Run::conclude`],
//! which records the answer's bytes and sends the same bytes.
//!
//! "The same request" is decided twice where the content is streamed: first by a
//! fingerprint of what is known before reading (route, kind, type, length), then — on a
//! replay — by the digest of the content itself (a document's SHA-256 as streamed),
//! which the first request stored when it finished ([`Done::content`]).
//!
//! Each holder of a key has a random owner id and a lease as long as the longest
//! request the key guards; only the owner finishes or aborts its record, so a request
//! whose lease ran out can never delete or overwrite the record of the one that took
//! over.

use onboarding_core::model::problem::ProblemCode;
use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};
use worker::{Delay, Response};

use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::objects::store::{IdemAbort, IdemBegin, IdemFinish, IdemState, RateCheck, Scope, Store};

/// How long a duplicate waits for the first request to finish.
const WAIT_MS: u64 = 30_000;
const POLL_MS: u64 = 150;

/// Lease of a tenant creation: its one upstream call's timeout plus 15 s for the rest.
/// Short, so a retry after a crash (whose dead holder never releases the key) goes
/// ahead within one wait instead of answering 409 for minutes. Taking over from a
/// holder that is in fact still running is harmless here: both send the upstream the
/// same `Idempotency-Key` and so bind the same tenant, and only the owner's answer is
/// stored.
pub fn tenant_lease_ms(settings: &crate::config::Settings) -> u64 {
    u64::from(settings.upstream_timeout_ms) + 15_000
}

pub use crate::config::UPLOAD_LEASE_MS;

/// Fingerprint of a request: a hash of the parts that define it.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// What guards one idempotent request.
pub struct Guard {
    /// The store of the route's keys (and of the limits charged with them).
    pub scope: Scope,
    /// The client's `Idempotency-Key`, if any.
    pub key: Option<String>,
    /// What the request asks for ([`fingerprint`]).
    pub fingerprint: String,
    /// How long the request may hold the key.
    pub lease_ms: u64,
    /// Limits spent with taking the key (or, without a key, in the same store, so
    /// dropping or alternating the header gives no second allowance).
    pub charge: Vec<RateCheck>,
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

/// What [`take`] found.
pub enum Taken<'a, T> {
    /// A request with this key and fingerprint finished before: its answer again
    /// (whatever was asked beside it is dropped: a reservation given back).
    Replay(Replay),
    /// Run it, then [`Run::conclude`]; with what was asked beside.
    Run(Run<'a>, T),
}

/// A recorded answer.
pub struct Replay {
    /// Its status.
    pub status: u16,
    /// Its JSON body, the bytes sent the first time.
    pub body: String,
    /// Digest of its content, when the route stored one.
    pub content: Option<String>,
}

impl Replay {
    /// The answer again, marked `Idempotent-Replayed: true`.
    ///
    /// # Errors
    /// Only if the runtime cannot build a response.
    pub fn respond(self) -> AppResult<Response> {
        let resp = http::json_bytes(self.status, self.body.into_bytes())?;
        let _ = resp.headers().set("Idempotent-Replayed", "true");
        Ok(resp)
    }
}

/// A request that runs: with the key it holds, or without a key.
pub struct Run<'a> {
    ctx: &'a Ctx,
    lease: Option<Lease>,
}

/// A key held by this request.
struct Lease {
    store: Store,
    key: String,
    owner: String,
}

/// What a run produced.
pub struct Done<T> {
    /// The answer.
    pub answer: T,
    /// Digest of the request's content, for a replay to match.
    pub content: Option<String>,
    /// The tenant the answer concerns (erasure turns its replay into a `404`).
    pub subject: Option<String>,
}

/// Takes the guard's key (waiting up to 30 s for a concurrent holder to finish) and
/// spends its limits, side by side with `alongside` (the agency's budget, whether the
/// tenant exists: one round trip for all). A replay is answered whatever `alongside`
/// said; a run whose `alongside` failed releases the key and returns that error.
///
/// # Errors
/// 422 `idempotency_key_reused` for a different request under the same key, 409
/// `idempotency_in_progress` if the holder is still running after the wait, 429 when a
/// limit is spent (the key is not taken), 500 when the store fails; then `alongside`'s
/// error.
pub async fn take<'a, T>(
    ctx: &'a Ctx,
    guard: Guard,
    alongside: impl Future<Output = AppResult<T>>,
) -> AppResult<Taken<'a, T>> {
    let (taken, beside) = futures_util::future::join(take_key(ctx, guard), alongside).await;
    match (taken?, beside) {
        (Key::Replay(replay), _) => Ok(Taken::Replay(replay)),
        (Key::Run(run), Ok(t)) => Ok(Taken::Run(run, t)),
        (Key::Run(run), Err(e)) => {
            run.release().await;
            Err(e)
        }
    }
}

/// What taking the key alone found.
enum Key<'a> {
    Replay(Replay),
    Run(Run<'a>),
}

async fn take_key(ctx: &Ctx, guard: Guard) -> AppResult<Key<'_>> {
    let store = Store::of(&ctx.env, &guard.scope)?;
    let Some(key) = guard.key else {
        if !guard.charge.is_empty() {
            crate::rate_limit::spend_in(&store, guard.charge).await?;
        }
        return Ok(Key::Run(Run { ctx, lease: None }));
    };
    let owner = http::random_hex(12)?;
    let started = http::now_ms();
    loop {
        let begin = IdemBegin {
            key: key.clone(),
            fingerprint: guard.fingerprint.clone(),
            now: http::now_ms(),
            owner: owner.clone(),
            lease_ms: guard.lease_ms,
            charge: guard.charge.clone(),
        };
        match store.ask(begin).await? {
            IdemState::New => {
                let lease = Lease { store, key, owner };
                return Ok(Key::Run(Run {
                    ctx,
                    lease: Some(lease),
                }));
            }
            IdemState::Done {
                status,
                body,
                content,
            } => {
                return Ok(Key::Replay(Replay {
                    status,
                    body,
                    content,
                }));
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

impl Run<'_> {
    /// Ends the run with its outcome: an answer is sent as `status` and, under a key,
    /// recorded for replay as `record` says (the same bytes); an error releases the key
    /// for a retry and is returned.
    ///
    /// # Errors
    /// The run's own error; 500 when the answer cannot be encoded or recorded.
    pub async fn conclude<T: Serialize>(
        self,
        status: u16,
        outcome: AppResult<Done<T>>,
        record: Record,
    ) -> AppResult<Response> {
        let done = match outcome {
            Ok(done) => done,
            Err(e) => {
                self.release().await;
                return Err(e);
            }
        };
        let bytes = serde_json::to_vec(&done.answer)?;
        let Some(lease) = self.lease else {
            return http::json_bytes(status, bytes);
        };
        let finish = IdemFinish {
            key: lease.key,
            owner: lease.owner,
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            content: done.content,
            subject: done.subject,
        };
        // `false`: our lease ran out and another request took the key over; its record
        // is left alone, and this answer is still the right one to send.
        match record {
            Record::Now => {
                lease.store.ask(finish).await?;
            }
            Record::AfterReply => {
                let store = lease.store;
                self.ctx.after_reply(async move {
                    if let Err(e) = store.ask(finish).await {
                        let _ = e.log_detail();
                    }
                });
            }
        }
        http::json_bytes(status, bytes)
    }

    /// Releases the key for a retry (only this request's own unfinished record).
    async fn release(self) {
        if let Some(lease) = self.lease {
            let abort = IdemAbort {
                key: lease.key,
                owner: lease.owner,
            };
            let _ = lease.store.ask(abort).await;
        }
    }
}

//! `Idempotency-Key`: the first request with a key runs, every later one with the same
//! key and the same request gets the first one's answer (concurrent ones wait for it),
//! and the same key with a different request is a 409. Records live in a
//! [`crate::ledger::Ledger`] per scope (the session for tenant creation, the tenant for
//! documents).

use std::future::Future;
use std::time::Duration;

use sha2::{Digest, Sha256};
use worker::{Delay, Response};

use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::ledger::{self, IdemBegin, IdemFinish, IdemState};

/// How long a duplicate waits for the first request to finish.
const WAIT_MS: u64 = 30_000;
const POLL_MS: u64 = 150;

/// Fingerprint of a request: a hash of the parts that define it.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// Runs `op` once per `key` in `scope`. Without a key it just runs.
///
/// # Errors
/// `op`'s error (the key is then released for a retry), 409 `idempotency_key_reused`
/// for a different request under the same key, 409 `idempotency_in_progress` if the
/// first request is still running after the wait.
pub async fn run<F, Fut>(
    ctx: &Ctx,
    scope: &str,
    key: Option<String>,
    fingerprint: String,
    op: F,
) -> AppResult<Response>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = AppResult<(u16, serde_json::Value)>>,
{
    let Some(key) = key else {
        let (status, body) = op().await?;
        return http::json(status, &body);
    };
    let scope = format!("idem:{scope}");
    let begin = |now| IdemBegin {
        key: key.clone(),
        fingerprint: fingerprint.clone(),
        now,
    };
    let started = http::now_ms();
    loop {
        let state: IdemState = ledger::call(
            &ctx.env,
            &scope,
            "/idem/begin",
            Some(&begin(http::now_ms())),
        )
        .await?;
        match state {
            IdemState::New => break,
            IdemState::Done { status, body } => {
                let value: serde_json::Value = serde_json::from_str(&body)?;
                let resp = http::json(status, &value)?;
                let _ = resp.headers().set("Idempotent-Replayed", "true");
                return Ok(resp);
            }
            IdemState::Mismatch => return Err(AppError::Conflict("idempotency_key_reused")),
            IdemState::Pending => {
                if http::now_ms().saturating_sub(started) > WAIT_MS {
                    return Err(AppError::Conflict("idempotency_in_progress"));
                }
                Delay::from(Duration::from_millis(POLL_MS)).await;
            }
        }
    }
    match op().await {
        Ok((status, body)) => {
            let finish = IdemFinish {
                key: key.clone(),
                status,
                body: serde_json::to_string(&body)?,
            };
            let _: serde_json::Value =
                ledger::call(&ctx.env, &scope, "/idem/finish", Some(&finish)).await?;
            http::json(status, &body)
        }
        Err(e) => {
            let _: AppResult<serde_json::Value> =
                ledger::call(&ctx.env, &scope, "/idem/abort", Some(&begin(0))).await;
            Err(e)
        }
    }
}

//! Fixed-window rate limits kept in the `ScopeStore` of a [`Scope`]. Over the limit →
//! 429 with `Retry-After`.
//!
//! Per client IP is only a coarse ceiling (carriers and offices put many applicants
//! behind one address); the fine limits are per session (tenants) and per tenant
//! (hosted-page starts per step, uploads by count and by bytes; identity inquiries
//! are bounded by core's `identity_decision`).

use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::objects::store::{Rate, RateCheck, Scope, Store};

/// Counts one hit against `scope`.
///
/// # Errors
/// 429 when over `limit` in the current window.
pub async fn hit(ctx: &Ctx, scope: &Scope, limit: u32, window_seconds: u64) -> AppResult<()> {
    let check = Counter::hits(u64::from(limit), window_seconds).check(ctx, "", 1, false);
    spend(ctx, scope, vec![check]).await
}

/// One of a scope's counters: a limit per window.
#[derive(Clone, Copy)]
pub struct Counter {
    limit: u64,
    window_seconds: u64,
}

impl Counter {
    /// At most `limit` per window (hits, or the sum of costs).
    pub fn hits(limit: u64, window_seconds: u64) -> Self {
        Counter {
            limit,
            window_seconds,
        }
    }

    /// A check of `cost` against this counter, named `name` in its scope (`force`:
    /// count it even when it goes over, because it was spent already).
    pub fn check(self, ctx: &Ctx, name: &str, cost: u64, force: bool) -> RateCheck {
        RateCheck {
            limit: self.limit,
            window_seconds: self.window_seconds,
            now: ctx.now_secs(),
            cost,
            force,
            counter: name.to_owned(),
        }
    }
}

/// Spends the `checks` in `scope`, all or none, in one call of its store.
///
/// # Errors
/// 429 with `Retry-After` when a check does not fit in what is left of its window.
pub async fn spend(ctx: &Ctx, scope: &Scope, checks: Vec<RateCheck>) -> AppResult<()> {
    spend_in(&Store::of(&ctx.env, scope)?, checks).await
}

/// [`spend`] in a store already at hand.
///
/// # Errors
/// As [`spend`].
pub async fn spend_in(store: &Store, checks: Vec<RateCheck>) -> AppResult<()> {
    let verdict = store.ask(Rate { checks }).await?;
    if verdict.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited(verdict.retry_after))
    }
}

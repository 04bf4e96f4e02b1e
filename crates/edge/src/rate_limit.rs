//! Fixed-window rate limits kept in a [`crate::scope_store::ScopeStore`] per scope. Over the
//! limit → 429 with `Retry-After`.
//!
//! Per client IP is only a coarse ceiling (carriers and offices put many applicants
//! behind one address); the fine limits are per session (tenants) and per tenant
//! (hosted-page starts per step, uploads by count and by bytes; identity inquiries
//! are bounded by core's `identity_decision`).

use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::scope_store::{self, RateCheck, RateVerdict};

/// Counts one hit against `scope`.
///
/// # Errors
/// 429 when over `limit` in the current window.
pub async fn hit(ctx: &Ctx, scope: &str, limit: u32, window_seconds: u64) -> AppResult<()> {
    spend(ctx, scope, u64::from(limit), window_seconds, 1, false).await
}

/// Spends `cost` of a budget of `limit` per window in `scope` (`force`: count it even
/// when it goes over, because it was spent already).
///
/// # Errors
/// 429 when the cost does not fit in what is left of the window.
pub async fn spend(
    ctx: &Ctx,
    scope: &str,
    limit: u64,
    window_seconds: u64,
    cost: u64,
    force: bool,
) -> AppResult<()> {
    let verdict: RateVerdict = scope_store::call(
        &ctx.env,
        &format!("rate:{scope}"),
        "/rate",
        Some(&RateCheck {
            limit,
            window_seconds,
            now: ctx.now_secs(),
            cost,
            force,
        }),
    )
    .await?;
    if verdict.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited(verdict.retry_after))
    }
}

//! Fixed-window rate limits kept in a [`crate::ledger::Ledger`] per scope (sessions per
//! client IP, tenants per session). Over the limit → 429 with `Retry-After`.

use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::ledger::{self, RateCheck, RateVerdict};

/// Counts one hit against `scope`.
///
/// # Errors
/// 429 when over `limit` in the current window.
pub async fn hit(ctx: &Ctx, scope: &str, limit: u32, window_seconds: u64) -> AppResult<()> {
    let verdict: RateVerdict = ledger::call(
        &ctx.env,
        &format!("rate:{scope}"),
        "/rate",
        Some(&RateCheck {
            limit,
            window_seconds,
            now: ctx.now_secs(),
        }),
    )
    .await?;
    if verdict.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited(verdict.retry_after))
    }
}

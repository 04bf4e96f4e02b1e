//! Per-agency daily budgets for what the agency pays for upstream: tenant creations
//! (a credit-bureau check each), identity inquiries, hosted-page starts and uploads
//! (each a forensic analysis). The publishable key is public, so nothing else bounds an
//! agency's bill: a script rotating sessions and addresses stops here. Over a budget:
//! `429 agency_budget_exceeded` with `Retry-After` (the next UTC day); one warning log
//! line when a budget crosses 80 %. Counted in the agency's own store
//! ([`AgencyScope::Budget`]), in fixed windows of a day.

use crate::config::Budgets;
use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::objects::store::{AgencyScope, Rate, RateCheck, Scope, Store};
use crate::registry::Agency;

/// What a budget pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    /// A tenant creation.
    Tenants,
    /// An identity inquiry.
    Inquiries,
    /// A hosted-page start.
    HostedStarts,
    /// An upload.
    Uploads,
}

impl Spend {
    fn name(self) -> &'static str {
        match self {
            Spend::Tenants => "tenants",
            Spend::Inquiries => "inquiries",
            Spend::HostedStarts => "hostedStarts",
            Spend::Uploads => "uploads",
        }
    }

    fn pick(self, b: &Budgets) -> Option<u64> {
        match self {
            Spend::Tenants => b.tenants,
            Spend::Inquiries => b.inquiries,
            Spend::HostedStarts => b.hosted_starts,
            Spend::Uploads => b.uploads,
        }
    }
}

const DAY: u64 = 86_400;

/// The agency's budget for `what`: its own, else the edge's default.
pub fn limit(ctx: &Ctx, agency: &Agency, what: Spend) -> u64 {
    what.pick(&agency.budgets)
        .or(what.pick(&ctx.settings.agency_daily))
        .unwrap_or(u64::MAX)
}

/// Spends one `what` of the agency's day.
///
/// # Errors
/// 429 `agency_budget_exceeded` when the day's budget is spent, 500 store.
pub async fn charge(ctx: &Ctx, agency: &Agency, what: Spend) -> AppResult<()> {
    let limit = limit(ctx, agency, what);
    let check = RateCheck {
        limit,
        window_seconds: DAY,
        now: ctx.now_secs(),
        cost: 1,
        force: false,
        counter: what.name().to_owned(),
    };
    let scope = Scope::Agency(agency.id.clone(), AgencyScope::Budget);
    let verdict = Store::of(&ctx.env, &scope)?
        .ask(Rate {
            checks: vec![check],
        })
        .await?;
    if !verdict.allowed {
        return Err(AppError::OverBudget(verdict.retry_after));
    }
    // One line when the count crosses 80 % of the budget.
    let warn_at = limit.saturating_mul(4).div_ceil(5);
    if verdict.counts.first() == Some(&warn_at) {
        worker::console_warn!(
            "{}",
            serde_json::json!({"agency": agency.id, "budget": what.name(), "used": warn_at, "limit": limit, "warning": "80% of the daily budget"})
        );
    }
    Ok(())
}

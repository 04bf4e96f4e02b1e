//! Per-agency daily budgets for what the agency pays for upstream: tenant creations
//! (a credit-bureau check each), identity inquiries, hosted-page starts and uploads
//! (each a forensic analysis). The publishable key is public, so nothing else bounds an
//! agency's bill: a script rotating sessions and addresses stops here. Over a budget:
//! `429 agency_budget_exceeded` with `Retry-After` (the next UTC day); one warning log
//! line when a budget crosses 80 %. Counted in the agency's own store
//! ([`AgencyScope::Budget`]), in fixed windows of a day.
//!
//! Only granted work is paid for: a request reserves its unit beside its other checks
//! (no extra round trip on the critical path) and gives it back after the reply unless
//! the upstream work was done ([`Reservation`]). A replay of an `Idempotency-Key`, a
//! refused request (another limit, a reused key, a request in progress) and a run that
//! failed spend nothing, so one visitor cannot spend an agency's day with refusals.

use crate::config::Budgets;
use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::objects::store::{AgencyScope, Rate, RateCheck, Refund, Scope, Store};
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

/// One `what` of the agency's day, reserved for a request that may do the paid work.
/// Only granted work is paid for: unless [`Reservation::keep`] is called once the
/// upstream work is done, the reservation is given back after the reply (a replay, a
/// refusal, a run that failed: all free).
pub struct Reservation<'a> {
    ctx: &'a Ctx,
    agency: String,
    what: Spend,
    kept: bool,
}

/// Reserves one `what` of the agency's day.
///
/// # Errors
/// 429 `agency_budget_exceeded` when the day's budget is spent, 500 store.
pub async fn reserve<'a>(ctx: &'a Ctx, agency: &Agency, what: Spend) -> AppResult<Reservation<'a>> {
    let limit = limit(ctx, agency, what);
    let check = RateCheck {
        limit,
        window_seconds: DAY,
        now: ctx.now_secs(),
        cost: 1,
        force: false,
        counter: what.name().to_owned(),
    };
    let verdict = store(ctx, &agency.id)?
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
    Ok(Reservation {
        ctx,
        agency: agency.id.clone(),
        what,
        kept: false,
    })
}

fn store(ctx: &Ctx, agency_id: &str) -> AppResult<Store> {
    Store::of(
        &ctx.env,
        &Scope::Agency(agency_id.to_owned(), AgencyScope::Budget),
    )
}

impl Reservation<'_> {
    /// The paid work was done: the reservation is spent.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        let refund = Refund {
            counter: self.what.name().to_owned(),
            window_seconds: DAY,
            // The request's own time: the window the unit was reserved in.
            now: self.ctx.now_secs(),
            cost: 1,
        };
        let store = store(self.ctx, &self.agency);
        self.ctx.after_reply(async move {
            let given_back = match store {
                Ok(store) => store.ask(refund).await,
                Err(e) => Err(e),
            };
            if let Err(e) = given_back {
                let _ = e.log_detail();
            }
        });
    }
}

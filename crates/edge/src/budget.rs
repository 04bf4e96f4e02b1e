//! Per-agency daily budgets for what the agency pays for upstream: tenant creations
//! (a credit-bureau check each), identity inquiries, hosted-page starts and uploads
//! (each a forensic analysis). The publishable key is public, so nothing else bounds an
//! agency's bill: a script rotating sessions and addresses stops here. Over a budget:
//! `429 agency_budget_exceeded` with `Retry-After` (the next UTC day); one warning log
//! line when a budget crosses 80 %. Counted in the agency's own store
//! ([`AgencyScope::Budget`]), in fixed windows of a day.
//!
//! Only granted work is paid for: a request is admitted before its work and charged
//! after the reply only if the upstream work was done ([`Reservation`]). A replay of an
//! `Idempotency-Key`, a refused request (another limit, a reused key, a request in
//! progress) and a run that failed spend nothing, so one visitor cannot spend an
//! agency's day with refusals.
//!
//! **No per-agency hot spot.** Far from the end of a budget, a request is admitted from
//! what the isolate knows — the agency's count as its store last said, plus what this
//! isolate admitted since — without asking the store, and the store is charged after
//! the reply (its answer refreshes the isolate's view). Within the last
//! [`margin`] units (at least 5, or 1 % of the budget) and in an isolate that knows
//! nothing yet, every admission is a reservation at the store, exact, as before. So a
//! budget can be overspent only by what other isolates admitted on views older than
//! their last charge, beyond the margin: at most the creations in flight at once
//! across isolates when the budget runs out, less the margin — none at all while fewer
//! than the margin are in flight (`tests/http/registry.test.mjs` drives one to its end
//! from two sessions at once).

use std::cell::RefCell;
use std::collections::HashMap;

use crate::config::Budgets;
use crate::error::{AppError, AppResult};
use crate::http::Ctx;
use crate::objects::store::{AgencyScope, Rate, RateCheck, Refund, Scope, Store};
use crate::registry::Agency;

/// What a budget pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// The end of a budget where every admission asks the store: 5 units, or 1 % of the
/// budget when that is more.
pub fn margin(limit: u64) -> u64 {
    (limit / 100).max(5)
}

/// What this isolate knows of one agency's budget on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct View {
    /// The store's count, as it last answered.
    known: u64,
    /// Admitted here from the view, not yet charged.
    pending: u64,
}

type Key = (String, Spend, u64);

thread_local! {
    static VIEWS: RefCell<HashMap<Key, View>> = RefCell::default();
}

/// At most this many views are kept (the oldest days go first).
const MAX_VIEWS: usize = 4096;

/// Admits one unit from the view when it is far from the end; false when the store
/// must decide.
fn admit_from_view(key: &Key, limit: u64) -> bool {
    VIEWS.with(|v| {
        let mut v = v.borrow_mut();
        match v.get_mut(key) {
            Some(view)
                if view
                    .known
                    .saturating_add(view.pending)
                    .saturating_add(1)
                    .saturating_add(margin(limit))
                    <= limit =>
            {
                view.pending += 1;
                true
            }
            _ => false,
        }
    })
}

/// The store's count after a charge or a reservation: the view's `known` (never lower
/// than a later answer that came back first); `settled` of this isolate's pending
/// units are now in it.
fn learn(key: &Key, count: u64, settled: u64) {
    VIEWS.with(|v| {
        let mut v = v.borrow_mut();
        if v.len() >= MAX_VIEWS && !v.contains_key(key) {
            let today = key.2;
            v.retain(|k, _| k.2 >= today);
            if v.len() >= MAX_VIEWS {
                v.clear();
            }
        }
        let view = v.entry(key.clone()).or_default();
        view.known = view.known.max(count);
        view.pending = view.pending.saturating_sub(settled);
    });
}

/// A unit admitted from the view and never charged (the work was not done).
fn release(key: &Key) {
    VIEWS.with(|v| {
        if let Some(view) = v.borrow_mut().get_mut(key) {
            view.pending = view.pending.saturating_sub(1);
        }
    });
}

/// One `what` of the agency's day, admitted for a request that may do the paid work.
/// Only granted work is paid for: unless [`Reservation::keep`] is called once the
/// upstream work is done, nothing is spent (a unit reserved at the store is given back
/// after the reply; one admitted from the view is never charged).
pub struct Reservation<'a> {
    ctx: &'a Ctx,
    key: Key,
    limit: u64,
    /// Admitted from the isolate's view (charged after the reply if kept), or
    /// reserved at the store (given back after the reply unless kept).
    from_view: bool,
    kept: bool,
}

/// Admits one `what` of the agency's day: from the isolate's view far from the end of
/// the budget, else by a reservation at the agency's store.
///
/// # Errors
/// 429 `agency_budget_exceeded` when the day's budget is spent, 500 store.
pub async fn reserve<'a>(ctx: &'a Ctx, agency: &Agency, what: Spend) -> AppResult<Reservation<'a>> {
    let limit = limit(ctx, agency, what);
    let key = (agency.id.clone(), what, ctx.now_secs() / DAY);
    let from_view = limit == u64::MAX || admit_from_view(&key, limit);
    if !from_view {
        // What this isolate admitted from its view and has not charged yet is not in
        // the store's count: the store's limit leaves room for it. (A refusal here
        // leaves no reservation behind: nothing to give back.)
        let pending = VIEWS.with(|v| v.borrow().get(&key).map_or(0, |view| view.pending));
        let count = charge(
            ctx,
            &agency.id,
            what,
            limit,
            Some(limit.saturating_sub(pending)),
        )
        .await?;
        learn(&key, count, 0);
    }
    Ok(Reservation {
        ctx,
        key,
        limit,
        from_view,
        kept: false,
    })
}

/// Charges one unit at the agency's store: if its count stays within `room` (the
/// budget, less what this isolate admitted and has not charged yet), or, with `None`,
/// whatever the count (the work is done: counted even if other isolates used the rest
/// of the day meanwhile). The count after it.
///
/// # Errors
/// 429 `agency_budget_exceeded` over `room`, 500 store.
fn charge(
    ctx: &Ctx,
    agency_id: &str,
    what: Spend,
    limit: u64,
    room: Option<u64>,
) -> impl std::future::Future<Output = AppResult<u64>> + 'static {
    let check = RateCheck {
        limit: room.unwrap_or(limit),
        window_seconds: DAY,
        now: ctx.now_secs(),
        cost: 1,
        force: room.is_none(),
        counter: what.name().to_owned(),
    };
    let store = store(ctx, agency_id);
    let agency = agency_id.to_owned();
    async move {
        let verdict = store?
            .ask(Rate {
                checks: vec![check],
            })
            .await?;
        if !verdict.allowed {
            return Err(AppError::OverBudget(verdict.retry_after));
        }
        let count = verdict.counts.first().copied().unwrap_or(limit);
        warn_at_80(&agency, what, count, limit);
        Ok(count)
    }
}

/// One line when the count crosses 80 % of the budget.
fn warn_at_80(agency_id: &str, what: Spend, count: u64, limit: u64) {
    let warn_at = limit.saturating_mul(4).div_ceil(5);
    if count == warn_at {
        worker::console_warn!(
            "{}",
            serde_json::json!({"agency": agency_id, "budget": what.name(), "used": warn_at, "limit": limit, "warning": "80% of the daily budget"})
        );
    }
}

fn store(ctx: &Ctx, agency_id: &str) -> AppResult<Store> {
    Store::of(
        &ctx.env,
        &Scope::Agency(agency_id.to_owned(), AgencyScope::Budget),
    )
}

impl Reservation<'_> {
    /// The paid work was done: the unit is spent.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.limit == u64::MAX && self.from_view {
            return;
        }
        let (agency, what, limit) = (self.key.0.clone(), self.key.1, self.limit);
        match (self.from_view, self.kept) {
            // Admitted from the view and done: charged now, after the reply.
            (true, true) => {
                let key = self.key.clone();
                let charged = charge(self.ctx, &agency, what, limit, None);
                self.ctx.after_reply(async move {
                    match charged.await {
                        Ok(count) => learn(&key, count, 1),
                        Err(e) => {
                            release(&key);
                            let _ = e.log_detail();
                        }
                    }
                });
            }
            // Admitted from the view, not done: nothing was charged.
            (true, false) => release(&self.key),
            // Reserved at the store and done: already spent.
            (false, true) => {}
            // Reserved at the store, not done: given back.
            (false, false) => {
                let refund = Refund {
                    counter: what.name().to_owned(),
                    window_seconds: DAY,
                    // The request's own time: the window the unit was reserved in.
                    now: self.ctx.now_secs(),
                    cost: 1,
                };
                let store = store(self.ctx, &agency);
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_is_five_units_or_one_percent() {
        assert_eq!(margin(3), 5);
        assert_eq!(margin(500), 5);
        assert_eq!(margin(1_000), 10);
        assert_eq!(margin(100_000), 1_000);
    }

    #[test]
    fn the_view_admits_only_far_from_the_end_and_counts_its_own() {
        let key: Key = ("ag_view".into(), Spend::Tenants, 1);
        assert!(
            !admit_from_view(&key, 100),
            "nothing known: the store decides"
        );
        learn(&key, 80, 0);
        // 100 - margin 5 = 95: room for 15 more from the view (81..=95).
        let admitted = (0..30).filter(|_| admit_from_view(&key, 100)).count();
        assert_eq!(admitted, 15);
        // Charges coming back raise what is known and settle the pending ones.
        learn(&key, 90, 10);
        assert!(
            !admit_from_view(&key, 100),
            "90 known + 5 pending: within the margin"
        );
        release(&key);
        release(&key);
        assert!(admit_from_view(&key, 100), "two released: one more fits");
        // A later answer never lowers what is known.
        learn(&key, 50, 0);
        assert_eq!(VIEWS.with(|v| v.borrow()[&key].known), 90);
    }
}

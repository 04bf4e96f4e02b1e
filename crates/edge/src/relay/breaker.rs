//! A circuit breaker per agency endpoint, kept by the isolate: an endpoint that keeps
//! failing is left alone as a whole — one probe now and then — instead of each of its
//! events trying it on its own schedule. Sans-IO: the consumer asks [`Breakers::admit`]
//! before a delivery and tells [`Breakers::record`] how it went; time is given.
//!
//! While an agency's breaker is open its events are not sent: each is put back with
//! the usual back-off (counted as an attempt, so an endpoint down for long still ends
//! in the dead letters, where the agency replays them), which costs no socket and no
//! wait on a timeout. Failures are logged as one line per agency and
//! [`LOG_INTERVAL_MS`], with how many there were, not one per event.
//!
//! Kept per isolate rather than in an object: a delivery must not wait on another
//! round trip, and each isolate that consumes the queue learns on its own within the
//! policy's threshold of failures, which bounds what a dead endpoint costs either way.
//! An agency's replay of a dead letter is always sent (it says the endpoint is back),
//! as the probe.

use std::collections::HashMap;

/// One aggregated log line per agency and interval (ms).
pub const LOG_INTERVAL_MS: u64 = 60_000;

/// When a breaker opens and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Consecutive failures that open it.
    pub threshold: u32,
    /// Its first open period (ms); doubled at each failed probe.
    pub first_open_ms: u64,
    /// Its longest open period (ms).
    pub max_open_ms: u64,
}

impl Policy {
    /// `threshold` failures; open 5 s at first, doubling up to `max_open_ms`.
    pub fn new(threshold: u32, max_open_ms: u64) -> Self {
        Policy {
            threshold: threshold.max(1),
            first_open_ms: 5_000.min(max_open_ms),
            max_open_ms,
        }
    }
}

/// Whether to send now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Send it.
    Send,
    /// Send it: it is the probe of an open breaker.
    Probe,
    /// Do not send: open for this many more ms.
    Open(u64),
}

/// What to log after a failure, if anything: the agency's failures since the last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Failures counted since the last report (this one included).
    pub failures: u64,
    /// Whether the breaker is open now.
    pub open: bool,
    /// The last error.
    pub error: String,
}

#[derive(Debug, Clone, Default)]
struct Breaker {
    /// Consecutive failures while closed.
    failing: u32,
    /// Open until (ms); 0 when closed.
    open_until: u64,
    /// The current open period (ms), doubled at each failed probe.
    open_ms: u64,
    /// A probe is out.
    probing: bool,
    /// When the last report was logged (ms) and failures since.
    reported_at: u64,
    unreported: u64,
    /// What the endpoint did last time it was tried.
    last_error: String,
}

/// Every agency's breaker in this isolate.
#[derive(Debug, Default)]
pub struct Breakers {
    by_agency: HashMap<String, Breaker>,
}

/// Breakers of more agencies than this are forgotten (closed ones first).
const MAX_AGENCIES: usize = 1024;

impl Breakers {
    /// May a delivery to `agency` go at `now`?
    pub fn admit(&mut self, agency: &str, now: u64) -> Admit {
        let Some(b) = self.by_agency.get_mut(agency) else {
            return Admit::Send;
        };
        if b.open_until == 0 {
            return Admit::Send;
        }
        if now < b.open_until || b.probing {
            return Admit::Open(b.open_until.saturating_sub(now).max(1_000));
        }
        b.probing = true;
        Admit::Probe
    }

    /// The probe admitted for `agency` was not sent after all (its tenant had been
    /// erased): the next delivery may probe instead. Without this the breaker would
    /// wait for an outcome that never comes and hold the agency's events for good.
    pub fn not_sent(&mut self, agency: &str) {
        if let Some(b) = self.by_agency.get_mut(agency) {
            b.probing = false;
        }
    }

    /// How the delivery to `agency` went; a line to log after a failure, at most one
    /// per agency and [`LOG_INTERVAL_MS`].
    pub fn record(
        &mut self,
        policy: Policy,
        agency: &str,
        now: u64,
        outcome: Result<(), &str>,
    ) -> Option<Report> {
        if outcome.is_ok() {
            // Closed again: forget it (the map only holds agencies in trouble).
            self.by_agency.remove(agency);
            return None;
        }
        if self.by_agency.len() >= MAX_AGENCIES && !self.by_agency.contains_key(agency) {
            self.by_agency.retain(|_, b| b.open_until != 0);
            if self.by_agency.len() >= MAX_AGENCIES {
                self.by_agency.clear();
            }
        }
        let b = self.by_agency.entry(agency.to_owned()).or_default();
        outcome
            .err()
            .unwrap_or_default()
            .clone_into(&mut b.last_error);
        if b.probing {
            // A failed probe: open again, for longer.
            b.probing = false;
            b.open_ms = (b.open_ms * 2).clamp(policy.first_open_ms, policy.max_open_ms);
            b.open_until = now + b.open_ms;
        } else if b.open_until == 0 {
            b.failing += 1;
            if b.failing >= policy.threshold {
                b.open_ms = policy.first_open_ms;
                b.open_until = now + b.open_ms;
            }
        }
        // (Else a send admitted before the breaker opened: counted for the log only.)
        self.failed(agency, now, outcome.err().unwrap_or_default())
    }

    /// What `agency`'s endpoint did the last time it was tried, while it is failing (an
    /// event held by the breaker is dead-lettered with it, not with "not tried").
    pub fn last_error(&self, agency: &str) -> Option<&str> {
        self.by_agency
            .get(agency)
            .map(|b| b.last_error.as_str())
            .filter(|e| !e.is_empty())
    }

    /// Counts a delivery not sent (breaker open) as a failure for the log.
    pub fn held(&mut self, agency: &str, now: u64) -> Option<Report> {
        self.failed(agency, now, "breaker open")
    }

    fn failed(&mut self, agency: &str, now: u64, error: &str) -> Option<Report> {
        let b = self.by_agency.get_mut(agency)?;
        b.unreported += 1;
        if b.reported_at != 0 && now.saturating_sub(b.reported_at) < LOG_INTERVAL_MS {
            return None;
        }
        b.reported_at = now;
        let failures = std::mem::take(&mut b.unreported);
        Some(Report {
            failures,
            open: b.open_until != 0,
            error: error.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Policy = Policy {
        threshold: 5,
        first_open_ms: 5_000,
        max_open_ms: 300_000,
    };
    const THRESHOLD: u32 = P.threshold;

    #[test]
    fn a_probe_not_sent_lets_the_next_delivery_probe() {
        let mut b = Breakers::default();
        for _ in 0..THRESHOLD {
            b.admit("a", 0);
            b.record(P, "a", 0, Err("unreachable"));
        }
        assert_eq!(b.admit("a", 5_000), Admit::Probe);
        assert!(matches!(b.admit("a", 5_000), Admit::Open(_)));
        // Its tenant was erased: nothing sent, nothing learnt about the endpoint.
        b.not_sent("a");
        assert_eq!(b.admit("a", 5_001), Admit::Probe, "not held for good");
        b.record(P, "a", 5_100, Ok(()));
        assert_eq!(b.admit("a", 5_200), Admit::Send);
    }

    #[test]
    fn opens_after_the_threshold_and_probes_once_per_period() {
        let mut b = Breakers::default();
        for i in 0..THRESHOLD {
            assert_eq!(b.admit("a", 0), Admit::Send, "failure {i}");
            b.record(P, "a", 0, Err("unreachable"));
        }
        assert_eq!(b.admit("a", 1_000), Admit::Open(4_000));
        assert_eq!(b.last_error("a"), Some("unreachable"));
        assert_eq!(b.last_error("other"), None);
        assert_eq!(b.admit("other", 1_000), Admit::Send, "per agency");
        // The period over: one probe, the rest still held while it is out.
        assert_eq!(b.admit("a", 5_000), Admit::Probe);
        assert!(matches!(b.admit("a", 5_000), Admit::Open(_)));
        // A failed probe doubles the period.
        b.record(P, "a", 5_100, Err("unreachable"));
        assert_eq!(b.admit("a", 5_200), Admit::Open(9_900));
        assert_eq!(b.admit("a", 15_100), Admit::Probe);
        // A good probe closes it.
        b.record(P, "a", 15_200, Ok(()));
        assert_eq!(b.admit("a", 15_300), Admit::Send);
        for _ in 0..THRESHOLD - 1 {
            b.record(P, "a", 16_000, Err("status 500"));
        }
        assert_eq!(b.admit("a", 16_000), Admit::Send, "the count starts again");
    }

    #[test]
    fn the_open_period_is_capped() {
        let mut b = Breakers::default();
        let mut now = 0;
        for _ in 0..THRESHOLD {
            b.record(P, "a", now, Err("timeout"));
        }
        for _ in 0..20 {
            now += P.max_open_ms;
            assert_eq!(b.admit("a", now), Admit::Probe);
            b.record(P, "a", now, Err("timeout"));
        }
        assert_eq!(b.admit("a", now), Admit::Open(P.max_open_ms));
        assert_eq!(
            Policy::new(5, 2_000).first_open_ms,
            2_000,
            "a short maximum (dev) caps the first period too"
        );
    }

    #[test]
    fn one_log_line_per_agency_and_interval() {
        let mut b = Breakers::default();
        let first = b.record(P, "a", 1, Err("unreachable")).unwrap();
        assert_eq!((first.failures, first.open), (1, false));
        let mut quiet = 0;
        for t in 2..1_000 {
            if b.record(P, "a", t, Err("unreachable")).is_none() && b.held("a", t).is_none() {
                quiet += 1;
            }
        }
        assert_eq!(quiet, 998, "no line within the interval");
        let next = b.held("a", 1 + LOG_INTERVAL_MS).unwrap();
        assert_eq!(next.failures, 998 * 2 + 1);
        assert!(next.open);
        assert!(
            b.record(P, "b", 2, Err("x")).is_some(),
            "another agency has its own line"
        );
    }
}

//! `Idempotency-Key` rules (DESIGN "Rules under abuse and faults", *Idempotency*), pure:
//! what a request finds under its key, and who may finish or abort a record. The edge's
//! `ScopeStore` Durable Object stores the records and applies these rules in one
//! synchronous step.

/// A record already stored under a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held<'a> {
    /// Fingerprint of the request that took the key.
    pub fingerprint: &'a str,
    /// It finished (its answer can be replayed).
    pub done: bool,
    /// Unix ms when it took the key.
    pub started_ms: u64,
    /// How long it may hold the key unfinished.
    pub lease_ms: u64,
}

/// What a request with a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    /// Nobody holds the key (or the holder's lease ran out): take it and run.
    Run,
    /// Same request, finished: replay its answer (after checking the content, where
    /// the route streams one).
    Replay,
    /// Same request, still running within its lease: wait for it.
    Wait,
    /// A different request under the same key: `422 idempotency_key_reused`.
    Mismatch,
}

/// Decides what a request with `fingerprint` does at `now_ms`, given what the key holds.
pub fn take(held: Option<Held<'_>>, fingerprint: &str, now_ms: u64) -> Take {
    match held {
        None => Take::Run,
        Some(h) if h.fingerprint != fingerprint => Take::Mismatch,
        Some(h) if h.done => Take::Replay,
        Some(h) if now_ms.saturating_sub(h.started_ms) < h.lease_ms => Take::Wait,
        Some(_) => Take::Run,
    }
}

/// Whether `caller` may finish or abort a record: only its owner, and only while it is
/// unfinished. A request whose lease ran out (another took over) changes nothing.
pub fn may_settle(record_owner: &str, done: bool, caller: &str) -> bool {
    !done && !caller.is_empty() && record_owner == caller
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn held(fp: &str, done: bool, started_ms: u64) -> Option<Held<'_>> {
        Some(Held {
            fingerprint: fp,
            done,
            started_ms,
            lease_ms: 1000,
        })
    }

    #[test]
    fn the_same_request_replays_another_is_refused() {
        assert_eq!(take(None, "a", 0), Take::Run);
        assert_eq!(take(held("a", true, 0), "a", 10_000), Take::Replay);
        assert_eq!(take(held("a", true, 0), "b", 10_000), Take::Mismatch);
        assert_eq!(take(held("a", false, 0), "b", 1), Take::Mismatch);
    }

    #[test]
    fn a_running_request_holds_its_key_for_its_whole_lease() {
        assert_eq!(take(held("a", false, 100), "a", 100), Take::Wait);
        assert_eq!(take(held("a", false, 100), "a", 1099), Take::Wait);
        assert_eq!(take(held("a", false, 100), "a", 1100), Take::Run);
    }

    #[test]
    fn only_the_owner_settles_and_only_once() {
        assert!(may_settle("o1", false, "o1"));
        assert!(
            !may_settle("o2", false, "o1"),
            "a taken-over key is not the old owner's"
        );
        assert!(!may_settle("o1", true, "o1"), "a finished record stays");
        assert!(!may_settle("", false, ""));
    }
}

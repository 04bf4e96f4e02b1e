//! Order of upstream events (DESIGN "Rules under abuse and faults", *Order*).
//!
//! Webhooks arrive late, twice and out of order. A step's result is replaced only by an
//! event created later: [`StepClock`] remembers, per step, the stamp (`createdAt`, then
//! the upstream's `sequence` when it sends one) of the event that set it, and
//! [`StepClock::admit`] says whether a new event is [`Verdict::Newer`] (apply it) or
//! [`Verdict::Older`] (record it for the agency and relay it, but never roll the step
//! back). Duplicates are a separate concern (the event id, in the tenant's state).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::webhook::{Event, EventData};
use crate::validate::Date;

/// When an event was created, as far as the upstream says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stamp {
    /// `createdAt` in unix milliseconds (`None`: absent or not RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<i64>,
    /// The upstream's sequence number, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
}

impl Stamp {
    /// The stamp of an event.
    pub fn of(event: &Event) -> Self {
        Stamp {
            at_ms: parse_rfc3339_ms(&event.created_at),
            sequence: event.sequence,
        }
    }

    /// Whether `self` was created after `earlier`: a later `createdAt`, or the same
    /// one and a higher sequence. An event without a readable time is never later than
    /// one with a time.
    pub fn is_later_than(&self, earlier: &Stamp) -> bool {
        match (self.at_ms, earlier.at_ms) {
            (Some(a), Some(b)) if a != b => a > b,
            (None, Some(_)) => false,
            (Some(_), None) => true,
            // Same time (or neither has one): only a sequence can order them.
            _ => match (self.sequence, earlier.sequence) {
                (Some(a), Some(b)) => a > b,
                _ => false,
            },
        }
    }
}

/// The step an event's result belongs to: `kyc`, `clave`, `bank` (financial),
/// `forensic`, or `document:<id>` (each document has its own result).
pub fn step_of(data: &EventData) -> String {
    match data {
        EventData::DocumentAnalysis(d) => format!("document:{}", d.document_id),
        EventData::Clave(_) => "clave".into(),
        EventData::Kyc(_) => "kyc".into(),
        EventData::Forensic(_) => "forensic".into(),
        EventData::Financial(_) => "bank".into(),
    }
}

/// Whether to apply an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Created after the result the step has (or the step has none): apply it.
    Newer,
    /// Created before (or at the same time as) the step's result: keep the result.
    Older,
}

/// The stamp of the event behind each step's current result.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StepClock(pub BTreeMap<String, Stamp>);

impl StepClock {
    /// Judges `event` against its step's current result, and records its stamp when it
    /// is [`Verdict::Newer`].
    pub fn admit(&mut self, event: &Event) -> Verdict {
        let stamp = Stamp::of(event);
        let step = step_of(&event.data);
        match self.0.get(&step) {
            Some(current) if !stamp.is_later_than(current) => Verdict::Older,
            _ => {
                self.0.insert(step, stamp);
                Verdict::Newer
            }
        }
    }
}

/// Parses an RFC 3339 date-time (`2026-12-01T10:00:00Z`, `…T10:00:00.123+01:00`) into
/// unix milliseconds. Fractions beyond milliseconds are truncated; `None` for anything
/// else.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let date = Date::parse(s.get(..10)?).ok()?;
    let two = |i: usize| -> Option<i64> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit()).then(|| i64::from((x - b'0') * 10 + (y - b'0')))
    };
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, m, sec) = (two(11)?, two(14)?, two(17)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                ms = ms * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..3 {
            ms *= 10;
        }
    }
    let offset_min = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (two(i + 1)?, two(i + 4)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 60 + om;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    let secs = date.to_unix_days() * 86_400 + h * 3600 + m * 60 + sec - offset_min * 60;
    Some(secs * 1000 + ms)
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    use crate::model::webhook::{KycOutcome, KycResult};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn kyc(id: &str, at: &str, status: KycOutcome, sequence: Option<u64>) -> Event {
        Event {
            id: id.into(),
            created_at: at.into(),
            tenant_id: "t".into(),
            sequence,
            data: EventData::Kyc(KycResult { status }),
        }
    }

    #[test]
    fn parses_rfc3339() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(parse_rfc3339_ms("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339_ms("1969-12-31T23:00:00-01:00"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2026-12-01T10:00:00.123456Z"),
            Some(1_796_119_200_123)
        );
        for bad in [
            "",
            "2026-12-01",
            "2026-12-01T10:00:00",
            "2026-13-01T10:00:00Z",
            "2026-12-01T25:00:00Z",
            "2026-12-01T10:00:00.Z",
            "2026-12-01T10:00:00Zx",
            "2026-12-01T10:00:00+0100",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_older_event_never_rolls_a_step_back() {
        let mut c = StepClock::default();
        let now = kyc("e1", "2026-12-01T10:02:00Z", KycOutcome::Verified, None);
        let late = kyc("e2", "2026-12-01T10:00:00Z", KycOutcome::Rejected, None);
        assert_eq!(c.admit(&now), Verdict::Newer);
        assert_eq!(c.admit(&late), Verdict::Older);
        let later = kyc(
            "e3",
            "2026-12-01T10:05:00.001+00:00",
            KycOutcome::Rejected,
            None,
        );
        assert_eq!(c.admit(&later), Verdict::Newer);
        // The same instant is not later, unless the sequence says so.
        assert_eq!(
            c.admit(&kyc(
                "e4",
                "2026-12-01T10:05:00.001Z",
                KycOutcome::Verified,
                None
            )),
            Verdict::Older
        );
    }

    #[test]
    fn sequence_breaks_ties_and_missing_times_are_oldest() {
        let mut c = StepClock::default();
        assert_eq!(
            c.admit(&kyc(
                "a",
                "2026-12-01T10:00:00Z",
                KycOutcome::Verified,
                Some(1)
            )),
            Verdict::Newer
        );
        assert_eq!(
            c.admit(&kyc(
                "b",
                "2026-12-01T10:00:00Z",
                KycOutcome::Rejected,
                Some(2)
            )),
            Verdict::Newer
        );
        assert_eq!(
            c.admit(&kyc(
                "c",
                "2026-12-01T10:00:00Z",
                KycOutcome::Verified,
                Some(1)
            )),
            Verdict::Older
        );
        assert_eq!(
            c.admit(&kyc("d", "garbage", KycOutcome::Verified, Some(9))),
            Verdict::Older
        );
        let mut fresh = StepClock::default();
        assert_eq!(
            fresh.admit(&kyc("e", "", KycOutcome::Verified, None)),
            Verdict::Newer
        );
        assert_eq!(
            fresh.admit(&kyc(
                "f",
                "2026-12-01T10:00:00Z",
                KycOutcome::Rejected,
                None
            )),
            Verdict::Newer
        );
    }

    #[test]
    fn steps_are_independent() {
        assert_eq!(
            step_of(&kyc("a", "", KycOutcome::Verified, None).data),
            "kyc"
        );
        let mut c = StepClock::default();
        c.admit(&kyc(
            "a",
            "2026-12-01T10:00:00Z",
            KycOutcome::Verified,
            None,
        ));
        let doc = Event {
            id: "d".into(),
            created_at: "2026-11-01T10:00:00Z".into(),
            tenant_id: "t".into(),
            sequence: None,
            data: EventData::DocumentAnalysis(crate::model::webhook::DocumentAnalysis {
                document_id: "doc1".into(),
                kind: None,
                status: crate::model::webhook::DocumentOutcome::Accepted,
                reason: None,
            }),
        };
        assert_eq!(c.admit(&doc), Verdict::Newer);
    }
}

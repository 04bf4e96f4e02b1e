//! An applicant's data over time: the agency's list (its query, its cursor), retention
//! (when an onboarding is erased without anyone asking) and erasure receipts. Pure: the
//! edge's objects store and act; the rules are here.

use serde::{Deserialize, Serialize};

use crate::event_order::parse_rfc3339_ms;
use crate::model::identity::Decision;
use crate::validate::{Code, ValidationError};

/// Where an onboarding stands, as the agency's list filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Progress {
    /// Some mandatory step is not done yet.
    InProgress,
    /// Every mandatory step is done.
    Complete,
}

impl Progress {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::InProgress => "inProgress",
            Progress::Complete => "complete",
        }
    }

    /// From a status's `complete` flag.
    pub fn of(complete: bool) -> Self {
        if complete {
            Progress::Complete
        } else {
            Progress::InProgress
        }
    }
}

/// Most rows in one page of the agency's list.
pub const MAX_PAGE: u32 = 100;
/// Rows in a page when `limit` is not given.
pub const DEFAULT_PAGE: u32 = 25;

/// Where the next page starts: strictly older than this row (newest first, ties
/// broken by tenant id). On the wire an opaque string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cursor {
    /// The last row's creation time, unix ms.
    pub created_ms: i64,
    /// The last row's tenant id.
    pub tenant_id: String,
}

impl Cursor {
    /// The opaque wire form.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.created_ms, self.tenant_id)
    }

    /// Reads the wire form back (`None` when it is not one this edge wrote).
    pub fn decode(s: &str) -> Option<Self> {
        let (ms, id) = s.split_once('.')?;
        if ms.is_empty() || ms.len() > 15 || !ms.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let ok_id = !id.is_empty()
            && id.len() <= 128
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
        let created_ms = ms.parse().ok()?;
        ok_id.then(|| Cursor {
            created_ms,
            tenant_id: id.to_owned(),
        })
    }
}

/// `GET /v1/agency/tenants`'s query, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Only onboardings in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<Progress>,
    /// Only tenants with this identity decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Created at or after (unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_from_ms: Option<i64>,
    /// Created before (unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_before_ms: Option<i64>,
    /// Rows in the page.
    pub limit: u32,
    /// Continue after this row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Cursor>,
}

impl ListQuery {
    /// Validates the query's pairs: `state` (`inProgress`, `complete`), `decision`
    /// (`Allow`, `Challenge`, `Deny`, `Review`), `createdFrom` / `createdBefore`
    /// (RFC 3339), `limit` (1 to [`MAX_PAGE`]), `cursor` (a `nextCursor`). An unknown
    /// parameter is an error too: a misspelt filter must not list everything.
    ///
    /// # Errors
    /// Every bad parameter, each named by its own field.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut q = ListQuery {
            state: None,
            decision: None,
            created_from_ms: None,
            created_before_ms: None,
            limit: DEFAULT_PAGE,
            after: None,
        };
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (k, v) in pairs {
            if !seen.insert(k.to_owned()) {
                errors.push(
                    ValidationError::new(k, Code::InvalidChoice).with_param("repeated", "true"),
                );
                continue;
            }
            let choice = |allowed: &str| {
                ValidationError::new(k, Code::InvalidChoice).with_param("allowed", allowed)
            };
            match k {
                "state" => match v {
                    "inProgress" => q.state = Some(Progress::InProgress),
                    "complete" => q.state = Some(Progress::Complete),
                    _ => errors.push(choice("inProgress, complete")),
                },
                "decision" => match [
                    Decision::Allow,
                    Decision::Challenge,
                    Decision::Deny,
                    Decision::Review,
                ]
                .into_iter()
                .find(|d| d.as_str() == v)
                {
                    Some(d) => q.decision = Some(d),
                    None => errors.push(choice("Allow, Challenge, Deny, Review")),
                },
                "createdFrom" | "createdBefore" => match parse_rfc3339_ms(v) {
                    Some(ms) if k == "createdFrom" => q.created_from_ms = Some(ms),
                    Some(ms) => q.created_before_ms = Some(ms),
                    None => errors.push(
                        ValidationError::new(k, Code::InvalidDate).with_param("format", "RFC 3339"),
                    ),
                },
                "limit" => match v.parse::<u32>() {
                    Ok(n) if (1..=MAX_PAGE).contains(&n) && v.len() <= 3 => q.limit = n,
                    _ => errors.push(
                        ValidationError::new(k, Code::OutOfRange)
                            .with_param("min", "1")
                            .with_param("max", MAX_PAGE.to_string()),
                    ),
                },
                "cursor" => match Cursor::decode(v) {
                    Some(c) => q.after = Some(c),
                    None => errors.push(
                        ValidationError::new(k, Code::InvalidFormat).with_param("format", "cursor"),
                    ),
                },
                _ => errors.push(ValidationError::new(k, Code::InvalidChoice).with_param(
                    "allowed",
                    "state, decision, createdFrom, createdBefore, limit, cursor",
                )),
            }
        }
        if errors.is_empty() {
            Ok(q)
        } else {
            Err(errors)
        }
    }
}

/// How long an agency keeps an onboarding after its last change, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// An onboarding that never completed.
    #[serde(default = "abandoned_default")]
    pub abandoned_seconds: u64,
    /// A completed one.
    #[serde(default = "completed_default")]
    pub completed_seconds: u64,
}

fn abandoned_default() -> u64 {
    ABANDONED_SECONDS
}

fn completed_default() -> u64 {
    COMPLETED_SECONDS
}

/// Default for an onboarding that never completed: 30 days.
pub const ABANDONED_SECONDS: u64 = 30 * 24 * 3600;
/// Default for a completed one: 180 days.
pub const COMPLETED_SECONDS: u64 = 180 * 24 * 3600;
/// Longest period an agency may set: 10 years.
pub const MAX_RETENTION_SECONDS: u64 = 10 * 366 * 24 * 3600;

impl Default for Retention {
    fn default() -> Self {
        Retention {
            abandoned_seconds: ABANDONED_SECONDS,
            completed_seconds: COMPLETED_SECONDS,
        }
    }
}

impl Retention {
    /// When an onboarding whose last change was at `last_change_ms` is erased (unix ms).
    pub fn erase_at(&self, last_change_ms: u64, complete: bool) -> u64 {
        let period = if complete {
            self.completed_seconds
        } else {
            self.abandoned_seconds
        };
        last_change_ms.saturating_add(period.min(MAX_RETENTION_SECONDS) * 1000)
    }
}

/// Who asked for an erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ErasedBy {
    /// The agency, through `DELETE /v1/agency/tenants/{id}`.
    Agency,
    /// The agency's retention period ran out.
    Retention,
}

/// Where an erasure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ErasureState {
    /// The edge holds nothing of the applicant any more; some step elsewhere (the
    /// upstream, the relay of `tenant.erased`) is still being retried.
    Pending,
    /// Done everywhere.
    Erased,
}

/// What is left of an erased tenant: nothing personal (`200`/`202` of
/// `DELETE /v1/agency/tenants/{id}`, and the audit row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErasureReceipt {
    /// The tenant.
    pub tenant_id: String,
    /// The agency's id.
    pub agency: String,
    /// Who asked.
    pub by: ErasedBy,
    /// RFC 3339: when it was asked.
    pub requested_at: String,
    /// RFC 3339: when the last step finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// Where it stands.
    pub state: ErasureState,
}

/// The erasure steps outside the tenant's own storage, each idempotent, in order. The
/// tenant's storage is emptied first, before any of them: from then on every route
/// answers 404 whatever happens to the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ErasureStep {
    /// `DELETE /v1/tenants/{id}` upstream (a 404 there counts as done).
    Upstream,
    /// The tenant's own scope stores (upload counters and replays), its inquiries' id
    /// bindings, and the creating request's replay (answered `404` from now on).
    Scopes,
    /// Off the person's record (the record goes when no tenant is left).
    Person,
    /// The agency's dead letters for the tenant.
    DeadLetters,
    /// Off the agency's list; the audit row written in its place.
    List,
    /// `tenant.erased` queued for the agency.
    Relay,
    /// Out of the console's directory (its day's store rebuilt without the tenant).
    Directory,
}

impl ErasureStep {
    /// Every step, in order.
    pub const ALL: [ErasureStep; 7] = [
        ErasureStep::Upstream,
        ErasureStep::Scopes,
        ErasureStep::Person,
        ErasureStep::DeadLetters,
        ErasureStep::Directory,
        ErasureStep::List,
        ErasureStep::Relay,
    ];
}

/// Backoff before retrying a failed erasure step: 5 s doubling, capped at an hour.
pub fn erasure_retry_ms(failures: u32) -> u64 {
    (5_000u64 << failures.min(10)).min(3_600_000)
}

/// The relayed event id of an edge event about a tenant (`tenant.created`,
/// `tenant.erased`): stable across retries, within the event-id alphabet.
pub fn edge_event_id(kind: &str, tenant_id: &str) -> String {
    format!("{kind}.{tenant_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> Result<ListQuery, Vec<ValidationError>> {
        ListQuery::parse(q.iter().copied())
    }

    #[test]
    fn list_query() {
        let q = parse(&[]).unwrap();
        assert_eq!(q.limit, DEFAULT_PAGE);
        assert!(q.state.is_none() && q.after.is_none());
        let q = parse(&[
            ("state", "complete"),
            ("decision", "Deny"),
            ("createdFrom", "2026-12-01T00:00:00Z"),
            ("limit", "100"),
            ("cursor", "1764547200000.t_abc-1"),
        ])
        .unwrap();
        assert_eq!(q.state, Some(Progress::Complete));
        assert_eq!(q.decision, Some(Decision::Deny));
        assert_eq!(q.created_from_ms, Some(1_796_083_200_000));
        assert_eq!(q.limit, 100);
        assert_eq!(q.after.unwrap().tenant_id, "t_abc-1");
    }

    #[test]
    fn list_query_refuses_each_bad_parameter() {
        let e = parse(&[
            ("state", "done"),
            ("decision", "allow"),
            ("createdBefore", "yesterday"),
            ("limit", "0"),
            ("cursor", "abc"),
            ("stat", "complete"),
        ])
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "state",
                "decision",
                "createdBefore",
                "limit",
                "cursor",
                "stat"
            ]
        );
        assert!(parse(&[("limit", "101")]).is_err());
        assert!(parse(&[("limit", "0010")]).is_err());
        assert!(parse(&[("state", "complete"), ("state", "inProgress")]).is_err());
        assert!(parse(&[("cursor", "1.a'b")]).is_err());
    }

    #[test]
    fn cursor_round_trips() {
        let c = Cursor {
            created_ms: 1_764_547_200_123,
            tenant_id: "t_9".into(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode(".t"), None);
        assert_eq!(Cursor::decode("12."), None);
    }

    #[test]
    fn retention_counts_from_the_last_change() {
        let r = Retention::default();
        assert_eq!(r.erase_at(1_000, false), 1_000 + ABANDONED_SECONDS * 1000);
        assert_eq!(r.erase_at(1_000, true), 1_000 + COMPLETED_SECONDS * 1000);
        let short = Retention {
            abandoned_seconds: 5,
            completed_seconds: u64::MAX,
        };
        assert_eq!(short.erase_at(0, false), 5_000);
        assert_eq!(short.erase_at(0, true), MAX_RETENTION_SECONDS * 1000);
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(erasure_retry_ms(0), 5_000);
        assert_eq!(erasure_retry_ms(1), 10_000);
        assert_eq!(erasure_retry_ms(30), 3_600_000);
    }
}

//! The agency registry (D1 `REGISTRY`, schema in `crates/edge/migrations`): who may
//! open sessions and from where, who may call the agency API, where events go and
//! with which secrets. The operator changes it with `npm run agency -- …`; the edge
//! only reads it, through a per-isolate cache of at most `AGENCY_CACHE_SECONDS`
//! (default 30, capped at 60), so a change reaches every isolate within that time
//! without a redeploy. Unknown keys and origins are cached too, so a script trying
//! keys costs the registry one query per key and window, and the cache is bounded.

pub mod audit;
pub mod manage;
pub mod sealed;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

use crate::config;
use crate::error::{AppError, AppResult};

/// One letting agency, as the edge uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Stable id (`ag_…`): tenants, scopes and dead letters are keyed by it.
    pub id: String,
    /// Display name (free to change).
    pub name: String,
    /// Exact origins allowed to open sessions.
    pub allowed_origins: Vec<String>,
    /// Identity-decision API `channel`.
    pub channel: String,
    /// Identity-decision API `strategy`.
    pub strategy: String,
    /// Where relayed events are delivered (none: they become dead letters).
    pub webhook_url: Option<String>,
    /// False once disabled: sessions, tokens and agency-API calls are refused.
    pub active: bool,
    /// The webhook secrets in force, newest first (two during a rotation: the relay
    /// signs with each).
    pub webhook_secrets: Vec<String>,
    /// The agency's own daily budgets (unset ones take the edge's defaults).
    pub budgets: crate::config::Budgets,
    /// How long its applicants' onboardings are kept (unset: core's defaults).
    pub retention: onboarding_core::lifecycle::Retention,
    /// Its affordability threshold in percent (unset: core's default, 40).
    pub max_rent_share: Option<u8>,
}

impl Agency {
    /// Whether `origin` is exactly one of the allowed origins.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }
}

/// A key's registry entry: whose it is and until when it works.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct KeyRef {
    agency_id: String,
    /// Unix seconds; none while the key is current.
    expires_at: Option<f64>,
}

impl KeyRef {
    fn in_force(&self, now_secs: u64) -> bool {
        self.expires_at.is_none_or(|e| e > now_secs as f64)
    }
}

#[derive(Deserialize)]
struct AgencyRow {
    id: String,
    name: String,
    channel: String,
    strategy: String,
    webhook_url: Option<String>,
    status: String,
    /// JSON array of origins.
    origins: String,
    /// JSON array of sealed webhook secrets in force, newest first.
    webhooks: String,
    /// JSON object of daily budgets (`crate::config::Budgets`), if the agency has any.
    #[serde(default)]
    budgets: Option<String>,
    /// JSON object of retention periods in seconds (`abandonedSeconds`,
    /// `completedSeconds`), if the agency set any.
    #[serde(default)]
    retention: Option<String>,
    /// The affordability threshold in percent, if the agency set one.
    #[serde(default)]
    max_rent_share: Option<f64>,
}

#[derive(Clone)]
enum Cached {
    Key(Option<KeyRef>),
    Agency(Option<Rc<Agency>>),
    Origin(bool),
    Staff(Rc<Vec<Membership>>),
}

/// A staff member's role at an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Decides, erases and manages the agency's console.
    Admin,
    /// Reads and decides.
    Agent,
}

/// An agency a signed-in person is on the staff of.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Membership {
    /// The agency.
    pub agency_id: String,
    /// Its display name.
    pub agency_name: String,
    /// The person's role there.
    pub role: Role,
}

const STAFF_OF: &str = "SELECT s.agency_id, a.name AS agency_name, s.role FROM agency_staff s \
     JOIN agencies a ON a.id = s.agency_id WHERE s.email = ?1 AND a.status = 'active' ORDER BY a.name, a.id";

/// Entries above this are pruned (expired ones first, then all): random keys from a
/// script cannot grow an isolate's memory.
const CACHE_MAX: usize = 2048;

/// Most key look-ups an isolate sends to the registry per second (what the cache does
/// not answer). Keys in use are cached, so this is only met by a script presenting
/// made-up `pk_`/`sk_` keys: past it, an unknown key is refused without a read (a new
/// real key may be refused too for that second, and works on a retry), so such a
/// script costs the registry at most this many reads per second and isolate.
const KEY_READS_PER_SECOND: u32 = 50;

/// A fixed one-second window of reads.
#[derive(Debug, Default, Clone, Copy)]
struct ReadBudget {
    second: u64,
    used: u32,
}

impl ReadBudget {
    /// Takes one read at `now_ms` if the second has room.
    fn admit(&mut self, now_ms: u64) -> bool {
        let second = now_ms / 1000;
        if second != self.second {
            *self = ReadBudget { second, used: 0 };
        }
        if self.used >= KEY_READS_PER_SECOND {
            return false;
        }
        self.used += 1;
        true
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<String, (u64, Cached)>> = RefCell::new(HashMap::new());
    /// Unknown keys, apart: a flood of made-up keys prunes only these, never the
    /// agencies and keys in use.
    static UNKNOWN: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
    static KEY_READS: std::cell::Cell<ReadBudget> = const { std::cell::Cell::new(ReadBudget { second: 0, used: 0 }) };
}

const AGENCY_BY_ID: &str = "SELECT a.id, a.name, a.channel, a.strategy, a.webhook_url, a.status, a.budgets, a.retention, a.max_rent_share, \
     (SELECT json_group_array(origin) FROM agency_origins o WHERE o.agency_id = a.id) AS origins, \
     (SELECT json_group_array(sealed) FROM (SELECT sealed FROM agency_keys k \
        WHERE k.agency_id = a.id AND k.kind = 'webhook' AND (k.expires_at IS NULL OR k.expires_at > ?2) \
        ORDER BY k.created_at DESC, k.id DESC)) AS webhooks \
     FROM agencies a WHERE a.id = ?1";
const KEY_BY_LOOKUP: &str =
    "SELECT agency_id, expires_at FROM agency_keys WHERE kind = ?1 AND lookup = ?2";
const PUBLISHABLE_OF: &str = "SELECT lookup FROM agency_keys WHERE agency_id = ?1 AND kind = 'publishable' \
     AND (expires_at IS NULL OR expires_at > ?2) ORDER BY expires_at IS NULL DESC, created_at DESC LIMIT 1";

const ORIGIN_ACTIVE: &str = "SELECT 1 AS ok FROM agency_origins o JOIN agencies a ON a.id = o.agency_id \
     WHERE o.origin = ?1 AND a.status = 'active' LIMIT 1";

/// The registry as one request or queue batch sees it.
pub struct Registry<'a> {
    env: &'a Env,
    ttl_ms: u64,
    now_ms: u64,
}

fn unreadable(e: worker::Error) -> AppError {
    worker::console_error!(
        "{}",
        serde_json::json!({"registry": "query failed", "error": e.to_string()})
    );
    AppError::Config("the agency registry (D1 REGISTRY) is not readable: migrations applied?")
}

impl<'a> Registry<'a> {
    /// The registry of `env`, cached for `cache_seconds` (at most 60).
    pub fn new(env: &'a Env, cache_seconds: u64) -> Self {
        Registry {
            env,
            ttl_ms: cache_seconds.min(60) * 1000,
            now_ms: crate::runtime::now_ms(),
        }
    }

    fn db(&self) -> AppResult<D1Database> {
        self.env
            .d1("REGISTRY")
            .map_err(|_| AppError::Config("the REGISTRY D1 binding is missing"))
    }

    /// The rows of a read query, each deserialised as `T`.
    async fn rows<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        args: &[JsValue],
    ) -> AppResult<Vec<T>> {
        self.db()?
            .prepare(sql)
            .bind(args)
            .map_err(unreadable)?
            .all()
            .await
            .map_err(unreadable)?
            .results()
            .map_err(unreadable)
    }

    fn cached(&self, key: &str) -> Option<Cached> {
        CACHE.with(|c| {
            c.borrow()
                .get(key)
                .filter(|(at, _)| self.now_ms.saturating_sub(*at) < self.ttl_ms)
                .map(|(_, v)| v.clone())
        })
    }

    fn remember(&self, key: String, value: Cached) {
        if self.ttl_ms == 0 {
            return;
        }
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() >= CACHE_MAX {
                let (now, ttl) = (self.now_ms, self.ttl_ms);
                c.retain(|_, (at, _)| now.saturating_sub(*at) < ttl);
                if c.len() >= CACHE_MAX {
                    c.clear();
                }
            }
            c.insert(key, (self.now_ms, value));
        });
    }

    async fn key(&self, kind: &'static str, lookup: &str) -> AppResult<Option<KeyRef>> {
        let cache_key = format!("{kind}:{lookup}");
        if let Some(Cached::Key(k)) = self.cached(&cache_key) {
            return Ok(k);
        }
        let (now, ttl) = (self.now_ms, self.ttl_ms);
        let known_unknown = UNKNOWN.with(|u| {
            u.borrow()
                .get(&cache_key)
                .is_some_and(|at| now.saturating_sub(*at) < ttl)
        });
        let admitted = KEY_READS.with(|b| {
            let mut budget = b.get();
            let ok = budget.admit(now);
            b.set(budget);
            ok
        });
        if known_unknown || !admitted {
            return Ok(None);
        }
        let found: Option<KeyRef> = self
            .db()?
            .prepare(KEY_BY_LOOKUP)
            .bind(&[JsValue::from_str(kind), JsValue::from_str(lookup)])
            .map_err(unreadable)?
            .first(None)
            .await
            .map_err(unreadable)?;
        match &found {
            Some(_) => self.remember(cache_key, Cached::Key(found.clone())),
            None if ttl > 0 => UNKNOWN.with(|u| {
                let mut u = u.borrow_mut();
                if u.len() >= CACHE_MAX {
                    u.clear();
                }
                u.insert(cache_key, now);
            }),
            None => {}
        }
        Ok(found)
    }

    /// The agency with this stable id (active or not).
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be read or a stored webhook
    /// secret cannot be opened with `AGENCY_SECRETS_KEY`.
    pub async fn by_id(&self, id: &str) -> AppResult<Option<Rc<Agency>>> {
        let cache_key = format!("id:{id}");
        if let Some(Cached::Agency(a)) = self.cached(&cache_key) {
            return Ok(a);
        }
        let row: Option<AgencyRow> = self.first_for_agency(AGENCY_BY_ID, id).await?;
        let agency = match row {
            Some(row) => Some(Rc::new(self.agency_of(row)?)),
            None => None,
        };
        self.remember(cache_key, Cached::Agency(agency.clone()));
        Ok(agency)
    }

    fn agency_of(&self, row: AgencyRow) -> AppResult<Agency> {
        let bad = || AppError::Config("the agency registry holds a malformed row");
        let sealed: Vec<String> = serde_json::from_str(&row.webhooks).map_err(|_| bad())?;
        let keys = seal_keys(self.env)?;
        let webhook_secrets = sealed
            .iter()
            .map(|s| sealed::open(s, &row.id, &keys))
            .collect::<Option<Vec<_>>>()
            .ok_or(AppError::Config(
                "an agency webhook secret does not open with AGENCY_SECRETS_KEY (or _PREVIOUS)",
            ))?;
        Ok(Agency {
            allowed_origins: serde_json::from_str(&row.origins).map_err(|_| bad())?,
            active: row.status == "active",
            id: row.id,
            name: row.name,
            channel: row.channel,
            strategy: row.strategy,
            webhook_url: row.webhook_url.filter(|u| !u.is_empty()),
            webhook_secrets,
            budgets: match row.budgets.filter(|b| !b.is_empty()) {
                Some(b) => serde_json::from_str(&b).map_err(|_| bad())?,
                None => crate::config::Budgets::default(),
            },
            retention: match row.retention.filter(|r| !r.is_empty()) {
                Some(r) => serde_json::from_str(&r).map_err(|_| bad())?,
                None => onboarding_core::lifecycle::Retention::default(),
            },
            max_rent_share: row
                .max_rent_share
                .and_then(|s| u8::try_from(s as i64).ok())
                .filter(|s| onboarding_core::affordability::MAX_RENT_SHARE_RANGE.contains(s)),
        })
    }

    /// The active agencies `email` (lowercased) is on the staff of, by name. Cached like
    /// the rest: a member removed loses the console within `AGENCY_CACHE_SECONDS`.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be read.
    pub async fn staff_of(&self, email: &str) -> AppResult<Rc<Vec<Membership>>> {
        let cache_key = format!("staff:{email}");
        if let Some(Cached::Staff(m)) = self.cached(&cache_key) {
            return Ok(m);
        }
        let rows = Rc::new(
            self.rows::<Membership>(STAFF_OF, &[JsValue::from_str(email)])
                .await?,
        );
        self.remember(cache_key, Cached::Staff(rows.clone()));
        Ok(rows)
    }

    /// The agency's publishable key in force (the current one; during a rotation, the
    /// new one). Read on every call: only the agency's server asks, for a client token.
    ///
    /// # Errors
    /// [`AppError::Config`] when the registry cannot be read.
    pub async fn publishable_key_of(&self, agency_id: &str) -> AppResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            lookup: String,
        }
        let row: Option<Row> = self.first_for_agency(PUBLISHABLE_OF, agency_id).await?;
        Ok(row.map(|r| r.lookup))
    }

    /// The first row of a query about one agency (`?1` its id, `?2` now in unix seconds).
    async fn first_for_agency<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        agency_id: &str,
    ) -> AppResult<Option<T>> {
        self.db()?
            .prepare(query)
            .bind(&[
                JsValue::from_str(agency_id),
                JsValue::from_f64((self.now_ms / 1000) as f64),
            ])
            .map_err(unreadable)?
            .first(None)
            .await
            .map_err(unreadable)
    }

    /// The active agency of a publishable key that is in force (for a new session).
    ///
    /// # Errors
    /// As [`Registry::by_id`].
    pub async fn for_new_session(&self, publishable_key: &str) -> AppResult<Option<Rc<Agency>>> {
        match self.key("publishable", publishable_key).await? {
            Some(k) if k.in_force(self.now_ms / 1000) => self.active(&k.agency_id).await,
            _ => Ok(None),
        }
    }

    /// The active agency a session token's publishable key belongs to. A key rotated
    /// away still resolves (the token proves it was in force when issued, and expires
    /// by itself), so `revoke-old` never logs an applicant out mid-journey.
    ///
    /// # Errors
    /// As [`Registry::by_id`].
    pub async fn for_token(&self, publishable_key: &str) -> AppResult<Option<Rc<Agency>>> {
        match self.key("publishable", publishable_key).await? {
            Some(k) => self.active(&k.agency_id).await,
            None => Ok(None),
        }
    }

    /// The active agency whose secret key in force this is.
    ///
    /// # Errors
    /// As [`Registry::by_id`].
    pub async fn for_secret_key(&self, secret_key: &str) -> AppResult<Option<Rc<Agency>>> {
        let hash = hex::encode(Sha256::digest(secret_key.as_bytes()));
        match self.key("secret", &hash).await? {
            Some(k) if k.in_force(self.now_ms / 1000) => self.active(&k.agency_id).await,
            _ => Ok(None),
        }
    }

    async fn active(&self, id: &str) -> AppResult<Option<Rc<Agency>>> {
        Ok(self.by_id(id).await?.filter(|a| a.active))
    }

    /// Whether some active agency allows `origin` (CORS). Unreadable counts as no.
    pub async fn origin_allowed(&self, origin: &str) -> bool {
        let cache_key = format!("origin:{origin}");
        if let Some(Cached::Origin(ok)) = self.cached(&cache_key) {
            return ok;
        }
        let Ok(db) = self.db() else { return false };
        let Ok(stmt) = db.prepare(ORIGIN_ACTIVE).bind(&[JsValue::from_str(origin)]) else {
            return false;
        };
        match stmt.first::<serde_json::Value>(None).await {
            Ok(found) => {
                let ok = found.is_some();
                self.remember(cache_key, Cached::Origin(ok));
                ok
            }
            Err(e) => {
                let _ = unreadable(e);
                false
            }
        }
    }
}

fn seal_keys(env: &Env) -> AppResult<Vec<sealed::SealKey>> {
    let current = config::secret(env, "AGENCY_SECRETS_KEY")?;
    let mut keys = vec![sealed::SealKey::from_hex(&current).ok_or(AppError::Config(
        "AGENCY_SECRETS_KEY must be 64 hex characters (32 bytes)",
    ))?];
    if let Some(previous) = config::optional_secret(env, "AGENCY_SECRETS_KEY_PREVIOUS") {
        keys.extend(sealed::SealKey::from_hex(&previous));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::{KEY_READS_PER_SECOND, KeyRef, ReadBudget};

    #[test]
    fn made_up_keys_cost_at_most_the_read_budget_per_second() {
        let mut b = ReadBudget::default();
        let admitted = (0..200).filter(|_| b.admit(5_000)).count();
        assert_eq!(admitted, KEY_READS_PER_SECOND as usize);
        assert!(!b.admit(5_999), "the same second");
        assert!(b.admit(6_000), "the next second has room again");
    }

    #[test]
    fn a_key_is_in_force_until_its_expiry() {
        let current = KeyRef {
            agency_id: "ag_1".into(),
            expires_at: None,
        };
        let rotated = KeyRef {
            expires_at: Some(1_000.0),
            ..current.clone()
        };
        assert!(current.in_force(u64::MAX));
        assert!(rotated.in_force(999));
        assert!(
            !rotated.in_force(1_000),
            "revoke-old sets expires_at to now"
        );
    }
}

//! Configuration: vars from `wrangler.toml`, secrets from `.dev.vars` / `wrangler secret
//! put`, and the agencies from the `AGENCIES` secret. A missing or malformed entry is a
//! configuration error ([`AppError::Config`]), never a panic.
//!
//! Both are parsed once per isolate, not once per request: [`Settings::from_env`]
//! keeps the first successful parse (vars cannot change under a running isolate; a
//! deploy or a `wrangler dev` reload starts new ones) and [`agencies`] keeps the parse
//! of the last raw `AGENCIES` string it saw, keyed on that string.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use worker::Env;

use crate::error::AppError;

/// One letting agency, as configured in the `AGENCIES` secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agency {
    /// Display name; also the agency's stable id inside the edge.
    pub name: String,
    /// `pk_…`, embedded in the agency's web page.
    pub publishable_key: String,
    /// Exact origins allowed to open sessions with the publishable key.
    pub allowed_origins: Vec<String>,
    /// Identity-decision API `channel`.
    pub channel: String,
    /// Identity-decision API `strategy`.
    pub strategy: String,
    /// Lowercase hex SHA-256 of the agency's `sk_…` secret key.
    pub secret_key_sha256: String,
    /// Where relayed events are delivered.
    pub webhook_url: String,
    /// HMAC secret for `Onboarding-Signature`.
    pub webhook_secret: String,
}

impl Agency {
    /// Whether `origin` is exactly one of the allowed origins.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }

    /// Whether `secret_key` hashes to this agency's stored hash (constant time).
    pub fn secret_key_matches(&self, secret_key: &str) -> bool {
        let presented = Sha256::digest(secret_key.as_bytes());
        match hex::decode(&self.secret_key_sha256) {
            Ok(stored) if stored.len() == presented.len() => {
                bool::from(stored.as_slice().ct_eq(presented.as_slice()))
            }
            _ => false,
        }
    }
}

/// The agencies of this deployment.
#[derive(Debug, Clone, Default)]
pub struct Agencies(pub Vec<Agency>);

impl Agencies {
    /// Parses the `AGENCIES` JSON list.
    ///
    /// # Errors
    /// [`AppError::Config`] when it is not a JSON list of agencies.
    pub fn parse(json: &str) -> Result<Self, AppError> {
        serde_json::from_str(json)
            .map(Agencies)
            .map_err(|_| AppError::Config("AGENCIES is not a valid agency list"))
    }

    /// The agency with this publishable key.
    pub fn by_publishable_key(&self, key: &str) -> Option<&Agency> {
        self.0.iter().find(|a| a.publishable_key == key)
    }

    /// The agency with this name.
    pub fn by_name(&self, name: &str) -> Option<&Agency> {
        self.0.iter().find(|a| a.name == name)
    }

    /// The agency whose secret key this is (every agency is checked, in constant time
    /// each, so timing does not reveal which one matched).
    pub fn by_secret_key(&self, secret_key: &str) -> Option<&Agency> {
        let mut found = None;
        for a in &self.0 {
            if a.secret_key_matches(secret_key) && found.is_none() {
                found = Some(a);
            }
        }
        found
    }
}

/// Non-secret settings (`[vars]`), with production defaults when a var is absent.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Tenant-screening API base URL (no trailing slash).
    pub skor_base_url: String,
    /// Identity-decision API base URL (no trailing slash).
    pub identity_base_url: String,
    /// Service binding to send upstream requests through (dev), if any.
    pub upstream_binding: Option<String>,
    /// Origins a hosted page (KYC, bank, Cl@ve) from the screening API may be on
    /// (`HOSTED_PAGE_ORIGINS`, comma-separated; default the origin of
    /// `SKOR_BASE_URL`).
    pub hosted_page_origins: Vec<String>,
    /// Hosted pages must be https (`HOSTED_PAGES_REQUIRE_HTTPS`; default true, dev
    /// sets false).
    pub hosted_pages_require_https: bool,
    /// Upstream request timeout.
    pub upstream_timeout_ms: u32,
    /// Upstream timeout of a streamed document upload (it lasts as long as the
    /// applicant's upload; as long as the idempotency lease that guards it).
    pub upload_timeout_ms: u32,
    /// Largest accepted document.
    pub max_document_bytes: u64,
    /// Session token lifetime.
    pub session_ttl_seconds: u64,
    /// `POST /v1/sessions` per client IP per window.
    pub sessions_per_ip: u32,
    /// Window of the above.
    pub sessions_window_seconds: u64,
    /// Hosted-page starts (KYC, bank, Cl@ve) per tenant and page per window.
    pub hosted_starts_per_tenant: u32,
    /// Window of the above.
    pub hosted_starts_window_seconds: u64,
    /// Document uploads per tenant per window.
    pub uploads_per_tenant: u32,
    /// Bytes of documents per tenant per window.
    pub upload_bytes_per_tenant: u64,
    /// Window of the two above.
    pub uploads_window_seconds: u64,
    /// `POST /v1/tenants` per session per window.
    pub tenants_per_session: u32,
    /// Window of the above.
    pub tenants_window_seconds: u64,
    /// Relay attempts before the dead-letter record.
    pub relay_max_attempts: u32,
    /// First relay back-off; doubles per attempt.
    pub relay_base_delay_seconds: u32,
    /// How long one delivery to an agency endpoint may take before it counts as failed.
    pub relay_timeout_ms: u32,
    /// Write one JSON log line per request (`LOG_REQUESTS`, default true; errors are
    /// always logged). `make bench` turns it off on the edge, as it quiets wrangler.
    pub log_requests: bool,
}

thread_local! {
    /// This isolate's settings, parsed once.
    static SETTINGS: RefCell<Option<Settings>> = const { RefCell::new(None) };
    /// The last raw `AGENCIES` value parsed in this isolate, with its parse.
    static AGENCIES: RefCell<Option<(String, Rc<Agencies>)>> = const { RefCell::new(None) };
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
}

fn num<T: std::str::FromStr>(env: &Env, name: &'static str, default: T) -> Result<T, AppError> {
    match var(env, name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| AppError::Config("a numeric var is not a number")),
    }
}

impl Settings {
    /// The vars, read and parsed once per isolate (a failed parse is not kept, so a
    /// configuration error is reported on every request).
    ///
    /// # Errors
    /// [`AppError::Config`] when a base URL is missing or a number does not parse.
    pub fn from_env(env: &Env) -> Result<Self, AppError> {
        if let Some(s) = SETTINGS.with(|c| c.borrow().clone()) {
            return Ok(s);
        }
        let parsed = Self::parse_env(env)?;
        SETTINGS.with(|c| *c.borrow_mut() = Some(parsed.clone()));
        Ok(parsed)
    }

    /// Whether to write the per-request log line (true unless `LOG_REQUESTS` is
    /// `"false"`, and true when the settings do not parse).
    pub fn log_requests(env: &Env) -> bool {
        match Self::from_env(env) {
            Ok(s) => s.log_requests,
            Err(_) => true,
        }
    }

    fn parse_env(env: &Env) -> Result<Self, AppError> {
        let base = |name: &'static str| {
            var(env, name)
                .map(|v| v.trim_end_matches('/').to_owned())
                .ok_or(AppError::Config("an upstream base URL var is missing"))
        };
        let skor_base_url = base("SKOR_BASE_URL")?;
        let hosted_page_origins = match var(env, "HOSTED_PAGE_ORIGINS") {
            Some(list) => list
                .split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            None => onboarding_core::hosted_url::origin(&skor_base_url)
                .into_iter()
                .collect(),
        };
        Ok(Settings {
            hosted_page_origins,
            hosted_pages_require_https: var(env, "HOSTED_PAGES_REQUIRE_HTTPS")
                .is_none_or(|v| v.trim() != "false"),
            skor_base_url,
            identity_base_url: base("IDENTITY_BASE_URL")?,
            upstream_binding: var(env, "UPSTREAM_BINDING"),
            upstream_timeout_ms: num(env, "UPSTREAM_TIMEOUT_MS", 15_000)?,
            upload_timeout_ms: num(
                env,
                "UPSTREAM_UPLOAD_TIMEOUT_MS",
                crate::idempotency::UPLOAD_LEASE_MS as u32,
            )?,
            max_document_bytes: num(
                env,
                "MAX_DOCUMENT_BYTES",
                onboarding_core::document::DEFAULT_MAX_BYTES,
            )?,
            session_ttl_seconds: num(env, "SESSION_TTL_SECONDS", 3600)?,
            // Per IP is a coarse ceiling only: a carrier NAT or an office puts many
            // applicants behind one address. The fine limits are per tenant.
            sessions_per_ip: num(env, "RATE_SESSIONS_PER_IP", 1000)?,
            sessions_window_seconds: num(env, "RATE_SESSIONS_WINDOW_SECONDS", 600)?,
            tenants_per_session: num(env, "RATE_TENANTS_PER_SESSION", 5)?,
            hosted_starts_per_tenant: num(env, "RATE_HOSTED_STARTS_PER_TENANT", 10)?,
            hosted_starts_window_seconds: num(env, "RATE_HOSTED_STARTS_WINDOW_SECONDS", 3600)?,
            uploads_per_tenant: num(env, "RATE_UPLOADS_PER_TENANT", 50)?,
            upload_bytes_per_tenant: num(env, "RATE_UPLOAD_BYTES_PER_TENANT", 300 * 1024 * 1024)?,
            uploads_window_seconds: num(env, "RATE_UPLOADS_WINDOW_SECONDS", 86_400)?,
            tenants_window_seconds: num(env, "RATE_TENANTS_WINDOW_SECONDS", 3600)?,
            // Production defaults (vars unset): 10 attempts from 30 s, doubling, capped at
            // an hour per wait — an agency endpoint may be down for about three hours
            // before an event becomes a dead letter. wrangler.toml sets short dev values.
            relay_max_attempts: num(env, "RELAY_MAX_ATTEMPTS", 10)?.max(1),
            relay_base_delay_seconds: num(env, "RELAY_BASE_DELAY_SECONDS", 30)?,
            relay_timeout_ms: num(env, "RELAY_TIMEOUT_MS", 10_000)?,
            log_requests: var(env, "LOG_REQUESTS").is_none_or(|v| v.trim() != "false"),
        })
    }
}

/// Reads a required secret.
///
/// # Errors
/// [`AppError::Config`] naming nothing secret when it is absent or empty.
pub fn secret(env: &Env, name: &'static str) -> Result<String, AppError> {
    env.secret(name)
        .ok()
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty())
        .ok_or(AppError::Config(name))
}

/// Reads an optional secret (empty counts as absent).
pub fn optional_secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .ok()
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty())
}

/// The agencies from the `AGENCIES` secret (parsed once per isolate and value).
///
/// # Errors
/// [`AppError::Config`] when the secret is missing or malformed.
pub fn agencies(env: &Env) -> Result<Rc<Agencies>, AppError> {
    cached_agencies(&secret(env, "AGENCIES")?)
}

/// The parse of `raw`, reused while `raw` is the value seen last.
fn cached_agencies(raw: &str) -> Result<Rc<Agencies>, AppError> {
    if let Some(hit) = AGENCIES.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(seen, _)| seen == raw)
            .map(|(_, parsed)| parsed.clone())
    }) {
        return Ok(hit);
    }
    let parsed = Rc::new(Agencies::parse(raw)?);
    AGENCIES.with(|c| *c.borrow_mut() = Some((raw.to_owned(), parsed.clone())));
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Agencies {
        let hash = hex::encode(Sha256::digest(b"sk_test_abc"));
        Agencies::parse(&format!(
            r#"[{{"name":"A","publishableKey":"pk_a","allowedOrigins":["http://a.test"],"channel":"WEB","strategy":"S","secretKeySha256":"{hash}","webhookUrl":"http://x","webhookSecret":"w"}}]"#
        ))
        .unwrap()
    }

    #[test]
    fn finds_agencies_by_keys() {
        let a = demo();
        assert!(a.by_publishable_key("pk_a").is_some());
        assert!(a.by_publishable_key("pk_b").is_none());
        assert!(a.by_secret_key("sk_test_abc").is_some());
        assert!(a.by_secret_key("sk_test_abd").is_none());
        assert!(a.by_secret_key("pk_a").is_none());
        assert!(a.0[0].allows_origin("http://a.test"));
        assert!(!a.0[0].allows_origin("http://a.test.evil"));
    }

    #[test]
    fn agencies_are_parsed_once_per_value() {
        let json = |name: &str| {
            format!(
                r#"[{{"name":"{name}","publishableKey":"pk_a","allowedOrigins":[],"channel":"WEB","strategy":"S","secretKeySha256":"","webhookUrl":"http://x","webhookSecret":"w"}}]"#
            )
        };
        let first = cached_agencies(&json("A")).unwrap();
        let again = cached_agencies(&json("A")).unwrap();
        assert!(Rc::ptr_eq(&first, &again), "same value: the same parse");
        let changed = cached_agencies(&json("B")).unwrap();
        assert_eq!(changed.0[0].name, "B", "a new value is parsed again");
        assert!(cached_agencies("{").is_err());
        assert_eq!(cached_agencies(&json("B")).unwrap().0[0].name, "B");
    }

    #[test]
    fn malformed_agencies_are_a_config_error() {
        assert!(matches!(Agencies::parse("{"), Err(AppError::Config(_))));
        assert!(matches!(Agencies::parse("[{}]"), Err(AppError::Config(_))));
    }
}

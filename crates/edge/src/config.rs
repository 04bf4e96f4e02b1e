//! Configuration: vars from `wrangler.toml`, secrets from `.dev.vars` / `wrangler secret
//! put`. A missing or malformed entry is a configuration error ([`AppError::Config`],
//! a 503 problem on every route), never a panic. Agencies are not configuration: they
//! live in the registry ([`crate::registry`]).
//!
//! Vars are parsed once per isolate ([`Settings::from_env`] keeps the first successful
//! parse: vars cannot change under a running isolate; a deploy or a `wrangler dev`
//! reload starts new ones). The parse refuses dev wiring — the sandbox binding, http
//! hosted pages, a loopback or http upstream — unless `DEV_WIRING = "allow"`, which
//! only `[env.dev]` sets: a production deploy that carries any of it answers 503 and
//! logs why, and never calls the sandbox as if it were the upstream.

use std::cell::RefCell;

use worker::Env;

use crate::error::AppError;

/// Lease of a document upload's idempotency key, and the default upload timeout: a
/// 15 MiB file at a slow mobile 100 kbit/s takes about 21 minutes; 30 minutes covers it.
pub const UPLOAD_LEASE_MS: u64 = 30 * 60_000;

/// Daily budgets of what an agency pays for upstream (`crate::budget`); `None` takes
/// the edge's default ([`Settings::agency_daily`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Budgets {
    /// Tenant creations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<u64>,
    /// Identity inquiries sent upstream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inquiries: Option<u64>,
    /// Hosted-page starts (KYC, bank, Cl@ve).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_starts: Option<u64>,
    /// Document uploads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploads: Option<u64>,
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
    /// Document listings per tenant per hour (`RATE_DOCUMENT_LISTS_PER_TENANT`,
    /// default 60): each is an upstream call.
    pub document_lists_per_tenant: u32,
    /// Step-up answer submissions per tenant per hour (`RATE_ANSWERS_PER_TENANT`,
    /// default 10): retries after upstream errors included.
    pub answers_per_tenant: u32,
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
    /// Consecutive failures that open an agency's relay breaker.
    pub relay_breaker_threshold: u32,
    /// The longest an agency's breaker stays open between probes.
    pub relay_breaker_max_open_seconds: u32,
    /// `DEV_WIRING = "allow"` ([env.dev] only): the sandbox binding, http hosted pages
    /// and loopback upstreams are accepted, and `/sandbox/*` is forwarded.
    pub dev_wiring: bool,
    /// Default daily budgets per agency (`AGENCY_DAILY_TENANTS`, `…_INQUIRIES`,
    /// `…_HOSTED_STARTS`, `…_UPLOADS`; an agency's own, in the registry, win).
    pub agency_daily: Budgets,
    /// Absolute lifetime of a tenant's tokens from its first one
    /// (`TENANT_TOKEN_MAX_SECONDS`, default 24 h): renewals stop there.
    pub tenant_token_max_seconds: u64,
    /// Most open status connections per tenant (`STATUS_CONNECTIONS_PER_TENANT`,
    /// default 8: a few tabs and devices of one applicant).
    pub status_connections_per_tenant: usize,
    /// How long an isolate keeps what it read from the agency registry
    /// (`AGENCY_CACHE_SECONDS`, default 30, at most 60).
    pub agency_cache_seconds: u64,
    /// Write one JSON log line per request (`LOG_REQUESTS`, default true; errors are
    /// always logged). `make bench` turns it off on the edge, as it quiets wrangler.
    pub log_requests: bool,
    /// The console's sign-in: Cloudflare Access (`ACCESS_TEAM_DOMAIN` and
    /// `ACCESS_AUD`); without both the console answers `503`.
    pub access: Option<AccessSettings>,
}

/// The Cloudflare Access application the console sits behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSettings {
    /// The team's issuer (`https://<team>.cloudflareaccess.com`), from
    /// `ACCESS_TEAM_DOMAIN`.
    pub issuer: String,
    /// The application's AUD tag (`ACCESS_AUD`).
    pub audience: String,
}

thread_local! {
    /// This isolate's settings, parsed once.
    static SETTINGS: RefCell<Option<Settings>> = const { RefCell::new(None) };
}

/// Whether `DEV_WIRING = "allow"` (dev only; see [`Settings::dev_wiring`]), for code
/// without the settings at hand (the objects).
pub fn dev_wiring(env: &Env) -> bool {
    var(env, "DEV_WIRING").is_some_and(|v| v.trim() == "allow")
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
        if let Some(why) = parsed.dev_wiring_outside_dev(env.service("SANDBOX").is_ok()) {
            worker::console_error!(
                "{}",
                serde_json::json!({"configuration": "dev wiring outside dev: every route answers 503", "why": why})
            );
            return Err(AppError::Config(why));
        }
        SETTINGS.with(|c| *c.borrow_mut() = Some(parsed.clone()));
        Ok(parsed)
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
            upload_timeout_ms: num(env, "UPSTREAM_UPLOAD_TIMEOUT_MS", UPLOAD_LEASE_MS as u32)?,
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
            document_lists_per_tenant: num(env, "RATE_DOCUMENT_LISTS_PER_TENANT", 60)?,
            answers_per_tenant: num(env, "RATE_ANSWERS_PER_TENANT", 10)?,
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
            relay_breaker_threshold: num(env, "RELAY_BREAKER_THRESHOLD", 5)?,
            relay_breaker_max_open_seconds: num(env, "RELAY_BREAKER_MAX_OPEN_SECONDS", 300)?,
            log_requests: var(env, "LOG_REQUESTS").is_none_or(|v| v.trim() != "false"),
            dev_wiring: dev_wiring(env),
            agency_cache_seconds: num(env, "AGENCY_CACHE_SECONDS", 30u64)?.min(60),
            tenant_token_max_seconds: num(env, "TENANT_TOKEN_MAX_SECONDS", 86_400u64)?,
            agency_daily: Budgets {
                tenants: Some(num(env, "AGENCY_DAILY_TENANTS", 2_000u64)?),
                inquiries: Some(num(env, "AGENCY_DAILY_INQUIRIES", 2_000u64)?),
                hosted_starts: Some(num(env, "AGENCY_DAILY_HOSTED_STARTS", 6_000u64)?),
                uploads: Some(num(env, "AGENCY_DAILY_UPLOADS", 20_000u64)?),
            },
            status_connections_per_tenant: num(env, "STATUS_CONNECTIONS_PER_TENANT", 8usize)?
                .max(1),
            access: match (var(env, "ACCESS_TEAM_DOMAIN"), var(env, "ACCESS_AUD")) {
                (Some(team), Some(aud)) => {
                    onboarding_core::access::issuer(&team).map(|issuer| AccessSettings {
                        issuer,
                        audience: aud.trim().to_owned(),
                    })
                }
                _ => None,
            },
        })
    }

    /// Why this configuration must not serve, when it carries dev wiring without
    /// `DEV_WIRING = "allow"`: a sandbox service binding (`sandbox_bound`), an
    /// `UPSTREAM_BINDING`, hosted pages allowed over http, or an upstream base URL or
    /// hosted-page origin that is not https or points at this machine.
    pub fn dev_wiring_outside_dev(&self, sandbox_bound: bool) -> Option<&'static str> {
        if self.dev_wiring {
            return None;
        }
        if sandbox_bound {
            return Some("a SANDBOX service binding outside dev");
        }
        if self.upstream_binding.is_some() {
            return Some("UPSTREAM_BINDING set outside dev");
        }
        if !self.hosted_pages_require_https {
            return Some("HOSTED_PAGES_REQUIRE_HTTPS=false outside dev");
        }
        let urls = [&self.skor_base_url, &self.identity_base_url]
            .into_iter()
            .chain(&self.hosted_page_origins)
            .chain(self.access.as_ref().map(|a| &a.issuer));
        for url in urls {
            if !is_public_https(url) {
                return Some(
                    "an upstream base URL or hosted-page origin is http or loopback outside dev",
                );
            }
        }
        None
    }
}

/// Whether `url` is https on a host that is not this machine (`localhost`, a
/// `127.0.0.0/8` or `0.0.0.0` address, `[::1]`).
fn is_public_https(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    }
    .to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    !(host.is_empty()
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "[::1]"
        || host == "[::]")
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

#[cfg(test)]
mod tests {
    use super::is_public_https;

    #[test]
    fn only_public_https_urls_pass_outside_dev() {
        for ok in [
            "https://api.screening.example",
            "https://api.screening.example:8443/v1",
            "https://identity.example/path?x=1",
        ] {
            assert!(is_public_https(ok), "{ok}");
        }
        for bad in [
            "http://api.screening.example",
            "http://127.0.0.1:8787/sandbox",
            "https://127.0.0.1:8787/sandbox",
            "https://127.5.6.7",
            "https://localhost:8787",
            "https://LOCALHOST.",
            "https://sandbox.localhost",
            "https://[::1]:8787",
            "https://0.0.0.0",
            "https://user@localhost/",
            "https://",
            "ftp://x.example",
        ] {
            assert!(!is_public_https(bad), "{bad}");
        }
    }
}

//! Who is signed in: the Cloudflare Access JWT of a console request, verified.
//!
//! The rules are core's ([`onboarding_core::access`]); the RS256 signature is the
//! platform's WebCrypto (`crypto.subtle.verify`, RSASSA-PKCS1-v1_5 with SHA-256) over
//! the team's published keys. Why not a Rust JWT crate: each brings a second RSA
//! implementation (big-integer arithmetic, +60–90 KB gzip in this bundle) for what
//! the runtime already does natively and in constant time; the claim checks left are
//! five comparisons, written once in core and unit-tested there.
//!
//! The team's keys (JWKS) are cached per isolate as imported `CryptoKey`s, refetched
//! after an hour, and at once for a key id the cache does not hold (Access rotates its
//! keys and publishes the next one ahead) — at most once per [`REFETCH_MIN_MS`], so a
//! stream of made-up key ids costs one fetch per ten seconds.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Object, Reflect, Uint8Array};
use onboarding_core::access::{self, Claims, Expected, Header, Refusal};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use worker::{Fetch, Request};

use crate::config::AccessSettings;
use crate::error::{AppError, AppResult};
use crate::http::Ctx;

/// How long fetched keys are trusted before the JWKS is read again.
const KEYS_TTL_MS: u64 = 3_600_000;
/// The least time between two fetches for an unknown key id.
pub const REFETCH_MIN_MS: u64 = 10_000;

#[derive(Default)]
struct Keys {
    fetched_ms: u64,
    by_kid: HashMap<String, web_sys::CryptoKey>,
}

thread_local! {
    static KEYS: RefCell<Keys> = RefCell::new(Keys::default());
}

/// One key of a JWKS (only what RS256 needs).
#[derive(Deserialize)]
struct Jwk {
    kid: String,
    kty: String,
    n: String,
    e: String,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

/// The token of a request: the `Cf-Access-Jwt-Assertion` header, else the
/// `CF_Authorization` cookie.
pub fn token(req: &Request) -> Option<String> {
    let h = |n: &str| req.headers().get(n).ok().flatten();
    h(access::HEADER)
        .filter(|t| !t.is_empty())
        .or_else(|| access::cookie(&h("Cookie")?, access::COOKIE).map(str::to_owned))
        .filter(|t| !t.is_empty())
}

/// A verified sign-in.
pub struct Signed {
    /// The email, lowercased.
    pub email: String,
    /// This sign-in apart from others of the same person (`Claims::session`).
    pub session: String,
}

/// The person the request's Access token was issued to.
///
/// # Errors
/// The refusal (each is answered without reaching a page); a configuration error when
/// the team's keys cannot be read.
pub async fn verify(
    req: &Request,
    ctx: &Ctx,
    cfg: &AccessSettings,
) -> Result<Signed, Result<Refusal, AppError>> {
    let jwt = token(req).ok_or(Ok(Refusal::Missing))?;
    let parts = access::split(&jwt).map_err(Ok)?;
    let header: Header =
        serde_json::from_slice(&parts.header).map_err(|_| Ok(Refusal::Malformed))?;
    let claims: Claims =
        serde_json::from_slice(&parts.claims).map_err(|_| Ok(Refusal::Malformed))?;
    let kid = header.rs256_kid().map_err(Ok)?;
    // The claims first: an expired or foreign token costs no signature check.
    let email = claims
        .email_for(
            Expected {
                audience: &cfg.audience,
                issuer: &cfg.issuer,
            },
            ctx.now_secs() as i64,
        )
        .map_err(Ok)?;
    let key = key(ctx, cfg, kid)
        .await
        .map_err(Err)?
        .ok_or(Ok(Refusal::UnknownKey))?;
    if verify_rs256(&key, parts.signed.as_bytes(), &parts.signature)
        .await
        .map_err(Err)?
    {
        Ok(Signed {
            email,
            session: claims.session(),
        })
    } else {
        Err(Ok(Refusal::Signature))
    }
}

/// The imported key `kid` of the team, fetching the JWKS when the cache is old or
/// does not know the id (rate-limited).
async fn key(ctx: &Ctx, cfg: &AccessSettings, kid: &str) -> AppResult<Option<web_sys::CryptoKey>> {
    let now = ctx.now_ms;
    let (hit, fetched) = KEYS.with(|k| {
        let k = k.borrow();
        (k.by_kid.get(kid).cloned(), k.fetched_ms)
    });
    let fresh = fetched != 0 && now.saturating_sub(fetched) < KEYS_TTL_MS;
    if fresh && hit.is_some() {
        return Ok(hit);
    }
    if fetched != 0 && now.saturating_sub(fetched) < REFETCH_MIN_MS {
        return Ok(hit);
    }
    let jwks = fetch_jwks(ctx, cfg).await?;
    let mut by_kid = HashMap::new();
    for jwk in jwks.keys.into_iter().filter(|k| k.kty == "RSA") {
        if let Ok(key) = import(&jwk).await {
            by_kid.insert(jwk.kid, key);
        }
    }
    let found = by_kid.get(kid).cloned();
    KEYS.with(|k| {
        *k.borrow_mut() = Keys {
            fetched_ms: now,
            by_kid,
        }
    });
    Ok(found)
}

async fn fetch_jwks(ctx: &Ctx, cfg: &AccessSettings) -> AppResult<Jwks> {
    let unreadable = |why: String| {
        worker::console_error!(
            "{}",
            serde_json::json!({"console": "the Access team's keys are not readable", "why": why})
        );
        AppError::UpstreamUnavailable("Access JWKS".into())
    };
    let url = access::certs_url(&cfg.issuer);
    let req = Request::new(&url, worker::Method::Get).map_err(|e| unreadable(e.to_string()))?;
    // Dev: the sandbox plays Access behind the same binding as the upstreams.
    let resp = match (&ctx.settings.upstream_binding, ctx.settings.dev_wiring) {
        (Some(binding), true) => ctx.env.service(binding)?.fetch_request(req).await,
        _ => Fetch::Request(req).send().await,
    };
    let mut resp = resp.map_err(|e| unreadable(e.to_string()))?;
    if resp.status_code() != 200 {
        return Err(unreadable(format!("{url} answered {}", resp.status_code())));
    }
    resp.json::<Jwks>()
        .await
        .map_err(|e| unreadable(e.to_string()))
}

fn subtle() -> AppResult<web_sys::SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| AppError::Internal("no crypto".into()))?;
    Ok(crypto.unchecked_into::<web_sys::Crypto>().subtle())
}

fn algorithm() -> Object {
    let algo = Object::new();
    let _ = Reflect::set(&algo, &"name".into(), &"RSASSA-PKCS1-v1_5".into());
    let _ = Reflect::set(&algo, &"hash".into(), &"SHA-256".into());
    algo
}

async fn import(jwk: &Jwk) -> AppResult<web_sys::CryptoKey> {
    let key = Object::new();
    for (k, v) in [
        ("kty", "RSA"),
        ("n", &jwk.n),
        ("e", &jwk.e),
        ("alg", "RS256"),
    ] {
        let _ = Reflect::set(&key, &k.into(), &v.into());
    }
    let usages = Array::of1(&"verify".into());
    let promise = subtle()?
        .import_key_with_object("jwk", &key, &algorithm(), false, &usages)
        .map_err(js_error)?;
    Ok(JsFuture::from(promise)
        .await
        .map_err(js_error)?
        .unchecked_into())
}

async fn verify_rs256(key: &web_sys::CryptoKey, data: &[u8], signature: &[u8]) -> AppResult<bool> {
    let sig = Uint8Array::from(signature);
    let data = Uint8Array::from(data);
    let promise = subtle()?
        .verify_with_object_and_js_u8_array_and_js_u8_array(&algorithm(), key, &sig, &data)
        .map_err(js_error)?;
    Ok(JsFuture::from(promise)
        .await
        .map_err(js_error)?
        .as_bool()
        .unwrap_or(false))
}

fn js_error(e: JsValue) -> AppError {
    AppError::Internal(format!("WebCrypto: {e:?}"))
}

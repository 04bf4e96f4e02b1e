//! The signing keys, made and used by the platform's WebCrypto (`crypto.subtle`,
//! RSASSA-PKCS1-v1_5, 2048 bits, SHA-256) and kept in the object's SQLite as the
//! exported private JWK: no RSA code of our own, no key in the repository, the same
//! key after a `wrangler dev` restart. The newest row is the current key, the one
//! before it the previous key; older ones are deleted on rotation.

use js_sys::{Array, JSON, Object, Reflect, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, CryptoKeyPair, SubtleCrypto};

use super::jwt::{Jwk, Jwks, RsaPublic};
use crate::http::{AppError, AppResult};
use crate::store::{Db, int, text};

/// The WebCrypto algorithm name.
const ALGORITHM: &str = "RSASSA-PKCS1-v1_5";

/// Keys the JWKS publishes: current and previous.
const PUBLISHED: i64 = 2;

/// A stored key.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredKey {
    /// Key id (see [`RsaPublic::kid`]).
    pub kid: String,
    /// The private JWK as WebCrypto exported it (JSON).
    private_jwk: String,
}

fn js_error(context: &'static str) -> impl Fn(JsValue) -> AppError {
    move |e| AppError::Internal(format!("webcrypto {context}: {e:?}"))
}

fn set(obj: &Object, key: &str, value: &JsValue) -> AppResult<()> {
    Reflect::set(obj, &JsValue::from_str(key), value).map_err(js_error("algorithm"))?;
    Ok(())
}

/// `globalThis.crypto.subtle`.
fn subtle() -> AppResult<SubtleCrypto> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .map_err(js_error("crypto"))?;
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).map_err(js_error("subtle"))?;
    if subtle.is_undefined() || subtle.is_null() {
        return Err(AppError::Internal("crypto.subtle is not available".into()));
    }
    Ok(subtle.unchecked_into())
}

/// `{name, hash}` (plus the generation parameters when `generate`).
fn algorithm(generate: bool) -> AppResult<Object> {
    let alg = Object::new();
    set(&alg, "name", &JsValue::from_str(ALGORITHM))?;
    set(&alg, "hash", &JsValue::from_str("SHA-256"))?;
    if generate {
        set(&alg, "modulusLength", &JsValue::from_f64(2048.0))?;
        let exponent = Uint8Array::from(&[1u8, 0, 1][..]);
        set(&alg, "publicExponent", &exponent)?;
    }
    Ok(alg)
}

/// A new key pair: `(kid, private JWK JSON)`.
async fn generate() -> AppResult<(String, String)> {
    let subtle = subtle()?;
    let usages = Array::of2(&JsValue::from_str("sign"), &JsValue::from_str("verify"));
    let pair = subtle
        .generate_key_with_object(&algorithm(true)?, true, &usages)
        .map_err(js_error("generateKey"))?;
    let pair: CryptoKeyPair = JsFuture::from(pair)
        .await
        .map_err(js_error("generateKey"))?
        .unchecked_into();
    let jwk = subtle
        .export_key("jwk", &pair.get_private_key())
        .map_err(js_error("exportKey"))?;
    let jwk = JsFuture::from(jwk).await.map_err(js_error("exportKey"))?;
    let json: String = JSON::stringify(&jwk).map_err(js_error("stringify"))?.into();
    let kid = RsaPublic::from_jwk(&json)?
        .kid()
        .ok_or_else(|| AppError::Internal("webcrypto exported a JWK without n".into()))?;
    Ok((kid, json))
}

fn newest(db: &Db, limit: i64) -> AppResult<Vec<StoredKey>> {
    db.rows(
        "SELECT kid, private_jwk FROM access_keys ORDER BY seq DESC LIMIT ?",
        vec![int(limit)],
    )
}

/// The current key, made on first use. Two first uses at once both generate; the
/// insert keeps only the first and both sign with it.
///
/// # Errors
///
/// WebCrypto or SQL errors.
pub async fn current(db: &Db, now_ms: i64) -> AppResult<StoredKey> {
    if let Some(key) = newest(db, 1)?.pop() {
        return Ok(key);
    }
    let (kid, jwk) = generate().await?;
    db.exec(
        "INSERT INTO access_keys (kid, private_jwk, created_at) \
         SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM access_keys)",
        vec![text(kid), text(jwk), int(now_ms)],
    )?;
    newest(db, 1)?
        .pop()
        .ok_or_else(|| AppError::Internal("access key was not stored".into()))
}

/// A new current key; the old current one becomes the previous, older ones go.
/// Returns the new kid.
///
/// # Errors
///
/// WebCrypto or SQL errors.
pub async fn rotate(db: &Db, now_ms: i64) -> AppResult<String> {
    let (kid, jwk) = generate().await?;
    let k = kid.clone();
    db.transaction(move |db| {
        db.exec(
            "INSERT INTO access_keys (kid, private_jwk, created_at) VALUES (?, ?, ?)",
            vec![text(k), text(jwk), int(now_ms)],
        )?;
        db.exec(
            "DELETE FROM access_keys WHERE seq NOT IN \
             (SELECT seq FROM access_keys ORDER BY seq DESC LIMIT ?)",
            vec![int(PUBLISHED)],
        )
    })?;
    Ok(kid)
}

/// The JWKS: current key (made on first use) and previous.
///
/// # Errors
///
/// WebCrypto, SQL or stored-JWK errors.
pub async fn published(db: &Db, now_ms: i64) -> AppResult<Jwks> {
    current(db, now_ms).await?;
    let keys = newest(db, PUBLISHED)?
        .into_iter()
        .map(|k| Ok(Jwk::new(k.kid, RsaPublic::from_jwk(&k.private_jwk)?)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Jwks { keys })
}

/// RSASSA-PKCS1-v1_5 / SHA-256 signature of `data` with `key`.
///
/// # Errors
///
/// WebCrypto errors (a stored JWK it will not import).
pub async fn sign(key: &StoredKey, data: &[u8]) -> AppResult<Vec<u8>> {
    let subtle = subtle()?;
    let jwk: Object = JSON::parse(&key.private_jwk)
        .map_err(js_error("stored key"))?
        .unchecked_into();
    let imported = subtle
        .import_key_with_object(
            "jwk",
            &jwk,
            &algorithm(false)?,
            false,
            &Array::of1(&JsValue::from_str("sign")),
        )
        .map_err(js_error("importKey"))?;
    let imported: CryptoKey = JsFuture::from(imported)
        .await
        .map_err(js_error("importKey"))?
        .unchecked_into();
    let signature = subtle
        .sign_with_str_and_u8_array(ALGORITHM, &imported, data)
        .map_err(js_error("sign"))?;
    let signature = JsFuture::from(signature).await.map_err(js_error("sign"))?;
    Ok(Uint8Array::new(&signature).to_vec())
}

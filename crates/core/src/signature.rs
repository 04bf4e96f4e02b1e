//! Webhook signatures: header `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`.
//!
//! Used for upstream webhooks (`Skor-Signature`) and for the agency relay
//! (`Onboarding-Signature`). Several `v1=` entries and several secrets are accepted so
//! that secrets can be rotated without downtime.
//!
//! The relay also signs the [Standard Webhooks](https://www.standardwebhooks.com/)
//! way ([`standard_signature`]), so an agency verifies with that scheme's maintained
//! libraries (`standardwebhooks` on npm, PyPI, Packagist, …) instead of code of its own.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The tolerance DESIGN.md sets for upstream webhooks, in seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Longest header [`verify`] looks at.
pub const MAX_HEADER_LEN: usize = 4096;
/// Most `v1=` values a header may carry (one per secret in force during a rotation,
/// with room to spare); more is malformed, so a header cannot make the edge compare
/// dozens of values over a large body.
pub const MAX_SIGNATURES: usize = 4;

/// Why a signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No header, or an empty one.
    #[error("signature header missing")]
    Missing,
    /// Not `t=<unix>,v1=<hex>[,v1=<hex>…]`.
    #[error("signature header malformed")]
    Malformed,
    /// Signed more than the tolerance ago (a replay or a stuck queue).
    #[error("signature timestamp too old")]
    TooOld,
    /// Signed more than the tolerance in the future (clock skew or forgery).
    #[error("signature timestamp in the future")]
    InFuture,
    /// No `v1` matches any secret.
    #[error("signature mismatch")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(timestamp.as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// The full header value for `body` signed at `timestamp` (unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let tag = mac(secret, &t, body).finalize().into_bytes();
    format!("t={t},v1={}", hex::encode(tag))
}

/// The header value signed with each of `secrets` (one `v1=` each, in order): during a
/// rotation the receiver may hold either the old secret or the new one.
pub fn sign_all(secrets: &[&[u8]], timestamp: i64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let mut header = format!("t={t}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&hex::encode(mac(secret, &t, body).finalize().into_bytes()));
    }
    header
}

/// The HMAC key a Standard Webhooks library derives from a secret: the base64 after
/// the `whsec_` prefix, decoded (the agencies' secrets are `whsec_` + 48 hex
/// characters, which is valid base64); a secret that does not decode is used as it is.
pub fn standard_key(secret: &str) -> Vec<u8> {
    use base64::Engine as _;
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| secret.as_bytes().to_vec())
}

/// The `webhook-signature` header of the Standard Webhooks scheme: `v1,<base64 of
/// HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, one per key (space-separated, in
/// order), so during a rotation a receiver holding either secret verifies. `keys` are
/// [`standard_key`]s.
pub fn standard_signature(keys: &[&[u8]], id: &str, timestamp: i64, body: &[u8]) -> String {
    use base64::Engine as _;
    let signed = format!("{id}.{timestamp}.");
    keys.iter()
        .map(|key| {
            let mut m = HmacSha256::new_from_slice(key)
                .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
            m.update(signed.as_bytes());
            m.update(body);
            let tag = m.finalize().into_bytes();
            format!(
                "v1,{}",
                base64::engine::general_purpose::STANDARD.encode(tag)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Verifies a header against `body` at unix time `now`, trying every `v1` entry with
/// every secret. Returns the header's timestamp.
///
/// Entries are comma-separated `key=value` pairs, spaces around them ignored; exactly
/// one `t`; unknown keys (`v0`, …) are ignored; `v1` values that are not 64 hex digits
/// never match. The signature is checked (in constant time) before the timestamp, so a
/// forged header reports [`SignatureError::Mismatch`] whatever its `t`.
///
/// # Errors
///
/// [`SignatureError::Missing`], [`SignatureError::Malformed`],
/// [`SignatureError::Mismatch`], then [`SignatureError::TooOld`] /
/// [`SignatureError::InFuture`] when `|now - t| > tolerance_secs`.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[&[u8]],
    now: i64,
    tolerance_secs: i64,
) -> Result<i64, SignatureError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(SignatureError::Missing);
    }
    if header.len() > MAX_HEADER_LEN {
        return Err(SignatureError::Malformed);
    }
    let mut timestamp: Option<(&str, i64)> = None;
    let mut signatures: Vec<[u8; 32]> = Vec::new();
    let mut saw_v1 = false;
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key.trim() {
            "t" => {
                let value = value.trim();
                if timestamp.is_some()
                    || value.is_empty()
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(SignatureError::Malformed);
                }
                let t = value
                    .parse::<i64>()
                    .map_err(|_| SignatureError::Malformed)?;
                timestamp = Some((value, t));
            }
            "v1" => {
                saw_v1 = true;
                if signatures.len() == MAX_SIGNATURES {
                    return Err(SignatureError::Malformed);
                }
                let mut sig = [0u8; 32];
                if hex::decode_to_slice(value.trim(), &mut sig).is_ok() {
                    signatures.push(sig);
                }
            }
            _ => {}
        }
    }
    let (t_text, t) = timestamp.ok_or(SignatureError::Malformed)?;
    if !saw_v1 {
        return Err(SignatureError::Malformed);
    }
    let mut matched = false;
    for secret in secrets {
        // One MAC over the body per secret, compared (in constant time) with each value;
        // keep going so the timing does not say which one matched.
        let expected = mac(secret, t_text, body).finalize().into_bytes();
        for sig in &signatures {
            matched |= constant_time_eq(&expected, sig);
        }
    }
    if !matched {
        return Err(SignatureError::Mismatch);
    }
    let age = now.saturating_sub(t);
    if age > tolerance_secs {
        return Err(SignatureError::TooOld);
    }
    if age < -tolerance_secs {
        return Err(SignatureError::InFuture);
    }
    Ok(t)
}

/// Equal bytes, compared without an early exit.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const OLD: &[u8] = b"whsec_old";
    const NEW: &[u8] = b"whsec_new";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"kyc.completed"}"#;
    const T: i64 = 1_700_000_000;

    #[test]
    fn at_most_a_handful_of_values_are_looked_at() {
        let good = sign(NEW, T, BODY);
        let v1 = good.split_once(",v1=").unwrap().1;
        let four = format!(
            "t={T},v1={},v1={},v1={},v1={v1}",
            "0".repeat(64),
            "1".repeat(64),
            "2".repeat(64)
        );
        assert_eq!(verify(&four, BODY, &[NEW], T, 300), Ok(T));
        let five = format!("{four},v1={v1}");
        assert_eq!(
            verify(&five, BODY, &[NEW], T, 300),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn sign_format_and_known_vector() {
        let h = sign(b"secret", 1, b"body");
        assert!(h.starts_with("t=1,v1="));
        assert_eq!(h.len(), "t=1,v1=".len() + 64);
        // HMAC-SHA256(key="secret", "1.body"), computed independently (Python hmac).
        assert_eq!(
            h,
            "t=1,v1=842b24d9575dee4b6ec460b7e3af7d683501d84fe6279102340787c79d2e2bab"
        );
    }

    #[test]
    fn verifies_and_returns_timestamp() {
        let h = sign(NEW, T, BODY);
        assert_eq!(verify(&h, BODY, &[NEW], T, 300), Ok(T));
        assert_eq!(verify(&format!(" {h} "), BODY, &[NEW], T, 300), Ok(T));
    }

    #[test]
    fn rotation_several_secrets_and_signatures() {
        let old = sign(OLD, T, BODY);
        let new = sign(NEW, T, BODY);
        // Receiver knows both secrets; sender still on the old one.
        assert_eq!(verify(&old, BODY, &[NEW, OLD], T, 300), Ok(T));
        // Sender signs with both; receiver knows only the new one.
        let both = format!("{old},v1={}", new.split_once(",v1=").unwrap().1);
        assert_eq!(verify(&both, BODY, &[NEW], T, 300), Ok(T));
        assert_eq!(verify(&both, BODY, &[OLD], T, 300), Ok(T));
        assert_eq!(
            verify(&both, BODY, &[b"other"], T, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&old, BODY, &[], T, 300),
            Err(SignatureError::Mismatch)
        );
        // Unknown schemes and bad v1 values are skipped, not fatal.
        let noisy = format!("v0=abc,{old},v1=zz");
        assert_eq!(verify(&noisy, BODY, &[OLD], T, 300), Ok(T));
    }

    #[test]
    fn tolerance() {
        let h = sign(NEW, T, BODY);
        assert_eq!(verify(&h, BODY, &[NEW], T + 300, 300), Ok(T));
        assert_eq!(verify(&h, BODY, &[NEW], T - 300, 300), Ok(T));
        assert_eq!(
            verify(&h, BODY, &[NEW], T + 301, 300),
            Err(SignatureError::TooOld)
        );
        assert_eq!(
            verify(&h, BODY, &[NEW], T - 301, 300),
            Err(SignatureError::InFuture)
        );
        assert_eq!(
            verify(&h, BODY, &[NEW], i64::MAX, 300),
            Err(SignatureError::TooOld)
        );
        assert_eq!(
            verify(&h, BODY, &[NEW], i64::MIN, 300),
            Err(SignatureError::InFuture)
        );
    }

    #[test]
    fn tampering() {
        let h = sign(NEW, T, BODY);
        assert_eq!(
            verify(&h, b"{\"id\":\"evt_2\"}", &[NEW], T, 300),
            Err(SignatureError::Mismatch)
        );
        // Changing t invalidates the MAC even within tolerance.
        let moved = h.replacen(&format!("t={T}"), &format!("t={}", T + 1), 1);
        assert_eq!(
            verify(&moved, BODY, &[NEW], T, 300),
            Err(SignatureError::Mismatch)
        );
        // A forged old header reports the mismatch, not the age.
        assert_eq!(
            verify(&moved, BODY, &[NEW], T + 10_000, 300),
            Err(SignatureError::Mismatch)
        );
        let mut flipped = h.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            verify(std::str::from_utf8(&flipped).unwrap(), BODY, &[NEW], T, 300),
            Err(SignatureError::Mismatch)
        );
        // Upper-case hex is the same signature.
        let upper = format!(
            "t={T},v1={}",
            h.split_once(",v1=").unwrap().1.to_uppercase()
        );
        assert_eq!(verify(&upper, BODY, &[NEW], T, 300), Ok(T));
    }

    #[test]
    fn missing_and_malformed() {
        assert_eq!(
            verify("", BODY, &[NEW], T, 300),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify("   ", BODY, &[NEW], T, 300),
            Err(SignatureError::Missing)
        );
        let v1 = sign(NEW, T, BODY).split_once(',').unwrap().1.to_owned();
        for bad in [
            "garbage".to_owned(),
            v1.clone(),
            format!("t={T}"),
            format!("t=,{v1}"),
            format!("t=-5,{v1}"),
            format!("t=abc,{v1}"),
            format!("t={T},t={T},{v1}"),
            format!("t=99999999999999999999,{v1}"),
            format!("t={T},{v1},junk"),
            "x".repeat(MAX_HEADER_LEN + 1),
        ] {
            assert_eq!(
                verify(&bad, BODY, &[NEW], T, 300),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn signed_with_two_secrets_verifies_with_either() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign_all(&[b"new", b"old"], 1_700_000_000, body);
        assert_eq!(header.matches("v1=").count(), 2);
        assert!(header.starts_with(&sign(b"new", 1_700_000_000, body)));
        for secret in [&b"new"[..], &b"old"[..]] {
            assert_eq!(
                verify(&header, body, &[secret], 1_700_000_000, 300),
                Ok(1_700_000_000)
            );
        }
        assert_eq!(
            verify(&header, body, &[b"other"], 1_700_000_000, 300),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn standard_webhooks_signatures_match_the_schemes_published_example() {
        // The example of the Standard Webhooks specification (and of its libraries'
        // test suites): secret, id, timestamp, payload and the signature they give.
        let key = standard_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            standard_signature(&[&key], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let other = standard_key("whsec_c2Vjb25k");
        let both = standard_signature(
            &[&key, &other],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            body,
        );
        assert_eq!(both.split(' ').count(), 2);
        assert!(both.starts_with("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,"));
        assert_eq!(standard_key("not base64!"), b"not base64!".to_vec());
    }
}

//! The Access token, pure: base64url, the header and claims Cloudflare Access writes,
//! the signing input, the JWKS entry a stored private JWK publishes and its `kid`.
//! Signing itself is WebCrypto's (see [`super::keys`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The one algorithm: RSASSA-PKCS1-v1_5 with SHA-256.
pub const ALG: &str = "RS256";

/// How long a signed-in session lasts (Access's default, 24 h).
pub const SESSION_SECONDS: i64 = 86_400;

/// Base64url without padding (RFC 7515 §2).
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The inverse of [`b64url`]; `None` for anything that is not unpadded base64url.
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}

/// The JOSE header, in Access's field order.
#[derive(Debug, Serialize)]
struct Header<'a> {
    alg: &'static str,
    kid: &'a str,
    typ: &'static str,
}

/// `aud` as a token carries it: Access writes an array; a test token may ask for a
/// bare string to check that a verifier takes both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "…"`.
    One(String),
    /// `"aud": ["…", …]`.
    Many(Vec<String>),
}

/// The claims of an Access application token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claims {
    /// The application's audience tag(s).
    pub aud: Audience,
    /// The signed-in address, lower-cased.
    pub email: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    pub iat: i64,
    /// Not before.
    pub nbf: i64,
    /// The team domain.
    pub iss: String,
    /// Always `app` (an application token, not an organisation one).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Random per sign-in.
    pub identity_nonce: String,
    /// Stable per email: [`subject`].
    pub sub: String,
    /// Where the sign-in came from (always Spain here).
    pub country: &'static str,
}

impl Claims {
    /// The token a completed sign-in gets: one audience, valid from `now` for
    /// [`SESSION_SECONDS`].
    pub fn session(email: &str, aud: &str, iss: &str, now: i64, nonce: String) -> Self {
        let email = email.trim().to_lowercase();
        Claims {
            aud: Audience::Many(vec![aud.to_owned()]),
            sub: subject(&email),
            email,
            exp: now + SESSION_SECONDS,
            iat: now,
            nbf: now,
            iss: iss.to_owned(),
            kind: "app",
            identity_nonce: nonce,
            country: "ES",
        }
    }

    /// A test hook's token: the session defaults, with whatever `req` overrides.
    pub fn for_test(req: TestToken, aud: &str, iss: &str, now: i64, nonce: String) -> Self {
        let mut c = Claims::session(&req.email, aud, iss, now, nonce);
        if let Some(a) = req.aud {
            c.aud = a;
        }
        if let Some(i) = req.iss {
            c.iss = i;
        }
        c.iat = req.iat.unwrap_or(now);
        c.exp = now + req.exp_in.unwrap_or(SESSION_SECONDS);
        c.nbf = now + req.nbf_in.unwrap_or(0);
        c
    }
}

/// Body of `POST /cdn-cgi/access/_test/token`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestToken {
    /// Whose token.
    pub email: String,
    /// Replaces `[ACCESS_AUD]`.
    #[serde(default)]
    pub aud: Option<Audience>,
    /// Replaces `ACCESS_ISSUER`.
    #[serde(default)]
    pub iss: Option<String>,
    /// `exp - now` in seconds (negative for an expired token); default a day.
    #[serde(default)]
    pub exp_in: Option<i64>,
    /// `nbf - now` in seconds (positive for a token not valid yet); default 0.
    #[serde(default)]
    pub nbf_in: Option<i64>,
    /// `iat`, absolute seconds since the epoch; default now.
    #[serde(default)]
    pub iat: Option<i64>,
}

/// The stable `sub` of an email: hex SHA-256 of its lower-cased form.
pub fn subject(email: &str) -> String {
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

/// `base64url(header) "." base64url(claims)`: the bytes the key signs.
///
/// # Errors
///
/// Serialisation errors (none in practice).
pub fn signing_input(kid: &str, claims: &Claims) -> Result<String, serde_json::Error> {
    let header = serde_json::to_vec(&Header {
        alg: ALG,
        kid,
        typ: "JWT",
    })?;
    let claims = serde_json::to_vec(claims)?;
    Ok(format!("{}.{}", b64url(&header), b64url(&claims)))
}

/// The compact token: the signing input, a dot, the base64url signature.
pub fn assemble(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", b64url(signature))
}

/// The public half of an RSA JWK (what is read back from a stored private JWK).
#[derive(Debug, Clone, Deserialize)]
pub struct RsaPublic {
    /// Modulus, base64url.
    pub n: String,
    /// Public exponent, base64url.
    pub e: String,
}

impl RsaPublic {
    /// Reads `n` and `e` from a JWK's JSON (a private JWK carries them too).
    ///
    /// # Errors
    ///
    /// When the JSON is not an object with string `n` and `e`.
    pub fn from_jwk(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The key id: the first 16 hex digits of SHA-256 of the modulus bytes. `None`
    /// when `n` is not base64url.
    pub fn kid(&self) -> Option<String> {
        let n = b64url_decode(&self.n)?;
        let mut h = hex::encode(Sha256::digest(n));
        h.truncate(16);
        Some(h)
    }
}

/// One entry of the JWKS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwk {
    /// Key id, as the token header names it.
    pub kid: String,
    /// `RSA`.
    pub kty: &'static str,
    /// `RS256`.
    pub alg: &'static str,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: &'static str,
    /// Modulus, base64url.
    pub n: String,
    /// Public exponent, base64url.
    pub e: String,
}

impl Jwk {
    /// The published entry of a key.
    pub fn new(kid: String, public: RsaPublic) -> Self {
        Jwk {
            kid,
            kty: "RSA",
            alg: ALG,
            use_: "sig",
            n: public.n,
            e: public.e,
        }
    }
}

/// `GET /cdn-cgi/access/certs`: the current key first, then the previous one.
#[derive(Debug, Clone, Serialize)]
pub struct Jwks {
    /// Newest first.
    pub keys: Vec<Jwk>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn part(token: &str, i: usize) -> Value {
        let p = token.split('.').nth(i).unwrap();
        serde_json::from_slice(&b64url_decode(p).unwrap()).unwrap()
    }

    #[test]
    fn base64url_has_no_padding_and_url_alphabet() {
        assert_eq!(b64url(b""), "");
        assert_eq!(b64url(b"f"), "Zg");
        assert_eq!(b64url(b"fo"), "Zm8");
        assert_eq!(b64url(b"foo"), "Zm9v");
        assert_eq!(b64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(b64url_decode("-_-_").unwrap(), vec![0xfb, 0xff, 0xbf]);
        assert_eq!(b64url_decode("Zg").unwrap(), b"f");
        assert!(b64url_decode("Zg==").is_none());
        assert!(b64url_decode("+/+/").is_none());
        assert_eq!(b64url(&[1, 0, 1]), "AQAB");
    }

    #[test]
    fn session_token_has_accesss_shape() {
        let c = Claims::session(
            " Ana@Example.COM ",
            "dev-console-aud",
            "http://127.0.0.1:8787",
            1_000,
            "n0nce".into(),
        );
        let input = signing_input("abcdef0123456789", &c).unwrap();
        let token = assemble(&input, &[1, 2, 3]);
        assert_eq!(token.matches('.').count(), 2);
        assert!(!token.contains('='));
        assert_eq!(
            part(&token, 0),
            json!({"alg": "RS256", "kid": "abcdef0123456789", "typ": "JWT"})
        );
        // Field order as Access writes it.
        assert!(
            String::from_utf8(b64url_decode(input.split('.').next().unwrap()).unwrap())
                .unwrap()
                .starts_with("{\"alg\":\"RS256\",\"kid\"")
        );
        assert_eq!(
            part(&token, 1),
            json!({
                "aud": ["dev-console-aud"],
                "email": "ana@example.com",
                "exp": 1_000 + 86_400,
                "iat": 1_000,
                "nbf": 1_000,
                "iss": "http://127.0.0.1:8787",
                "type": "app",
                "identity_nonce": "n0nce",
                "sub": subject("ana@example.com"),
                "country": "ES",
            })
        );
        assert_eq!(token.rsplit('.').next().unwrap(), "AQID");
    }

    #[test]
    fn subject_is_stable_per_email() {
        assert_eq!(subject("Ana@Example.com"), subject("ana@example.com"));
        assert_ne!(subject("ana@example.com"), subject("bea@example.com"));
        assert_eq!(subject("a@b.co").len(), 64);
    }

    #[test]
    fn test_tokens_override_what_they_name() {
        let req: TestToken = serde_json::from_value(json!({
            "email": "X@Example.com", "aud": "other", "expIn": -60, "nbfIn": 30
        }))
        .unwrap();
        let c = Claims::for_test(req, "aud", "iss", 5_000, "n".into());
        assert_eq!(c.aud, Audience::One("other".into()));
        assert_eq!(c.iss, "iss");
        assert_eq!((c.iat, c.exp, c.nbf), (5_000, 4_940, 5_030));
        assert_eq!(c.email, "x@example.com");

        let req: TestToken = serde_json::from_value(json!({
            "email": "x@example.com", "aud": ["a", "b"], "iss": "https://other", "iat": 7
        }))
        .unwrap();
        let c = Claims::for_test(req, "aud", "iss", 5_000, "n".into());
        assert_eq!(c.aud, Audience::Many(vec!["a".into(), "b".into()]));
        assert_eq!(c.iss, "https://other");
        assert_eq!((c.iat, c.exp, c.nbf), (7, 5_000 + 86_400, 5_000));
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["aud"], json!(["a", "b"]));

        let defaults: TestToken =
            serde_json::from_value(json!({"email": "x@example.com"})).unwrap();
        assert_eq!(
            Claims::for_test(defaults, "aud", "iss", 9, "n".into()),
            Claims::session("x@example.com", "aud", "iss", 9, "n".into())
        );
        assert!(serde_json::from_value::<TestToken>(json!({"aud": "a"})).is_err());
    }

    #[test]
    fn jwks_entries_come_from_a_private_jwk() {
        let private = r#"{"kty":"RSA","alg":"RS256","n":"sXch","e":"AQAB","d":"secret","p":"x","q":"y","key_ops":["sign"],"ext":true}"#;
        let public = RsaPublic::from_jwk(private).unwrap();
        let kid = public.kid().unwrap();
        assert_eq!(kid.len(), 16);
        assert_eq!(
            kid,
            hex::encode(Sha256::digest(b64url_decode("sXch").unwrap()))[..16]
        );
        let jwks = Jwks {
            keys: vec![Jwk::new(kid.clone(), public)],
        };
        let v = serde_json::to_value(&jwks).unwrap();
        assert_eq!(
            v,
            json!({"keys": [{"kid": kid, "kty": "RSA", "alg": "RS256", "use": "sig", "n": "sXch", "e": "AQAB"}]})
        );
        assert!(!v.to_string().contains("secret"));
        assert!(RsaPublic::from_jwk("{\"n\":\"a\"}").is_err());
        assert!(
            RsaPublic {
                n: "a+b".into(),
                e: "AQAB".into()
            }
            .kid()
            .is_none()
        );
    }
}

//! Cloudflare Access tokens: which signed-in person a console request comes from.
//!
//! Cloudflare Access signs in the agency's staff (one-time PIN by email, or the
//! agency's identity provider) and hands every request it lets through a JWT, in the
//! `Cf-Access-Jwt-Assertion` header and the `CF_Authorization` cookie. The edge
//! accepts one only if it is RS256, signed by a key of the team's JWKS (the signature
//! is the platform's WebCrypto, in the edge), for the console's application (`aud`),
//! from the team (`iss`), and current (`exp`, `nbf`, with a minute of leeway for
//! clocks). This module holds those rules; it parses nothing with a JSON library of
//! its own: the edge deserialises [`Header`] and [`Claims`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

/// The cookie Access sets on the application's host.
pub const COOKIE: &str = "CF_Authorization";
/// The header Access adds to every request it forwards.
pub const HEADER: &str = "Cf-Access-Jwt-Assertion";
/// Seconds a token may be past its `exp`, or before its `nbf`, for clocks apart.
pub const LEEWAY_SECS: i64 = 60;
/// Longest token accepted (Access tokens are ~1 KB).
pub const MAX_LEN: usize = 8192;

/// Why a token is refused. None of them reaches a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No token at all.
    Missing,
    /// Not three base64url parts of JSON.
    Malformed,
    /// Not RS256.
    Algorithm,
    /// Signed by a key the team's JWKS does not hold.
    UnknownKey,
    /// The signature does not verify.
    Signature,
    /// For another application.
    Audience,
    /// From another team.
    Issuer,
    /// Past its expiry.
    Expired,
    /// Before its `nbf`.
    NotYetValid,
    /// No email (a service token, not a person).
    NoEmail,
}

impl Refusal {
    /// The reason as logged (never the token).
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Missing => "missing",
            Refusal::Malformed => "malformed",
            Refusal::Algorithm => "algorithm",
            Refusal::UnknownKey => "unknown_key",
            Refusal::Signature => "signature",
            Refusal::Audience => "audience",
            Refusal::Issuer => "issuer",
            Refusal::Expired => "expired",
            Refusal::NotYetValid => "not_yet_valid",
            Refusal::NoEmail => "no_email",
        }
    }

    /// Whether signing in again helps (no token, or an old one): the console sends the
    /// person to sign in rather than showing a refusal.
    pub fn signs_in_again(self) -> bool {
        matches!(self, Refusal::Missing | Refusal::Expired)
    }
}

/// A token cut into its parts, base64url-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts<'a> {
    /// The header's JSON.
    pub header: Vec<u8>,
    /// The claims' JSON.
    pub claims: Vec<u8>,
    /// What the signature covers: `header.payload` as sent.
    pub signed: &'a str,
    /// The signature.
    pub signature: Vec<u8>,
}

/// Cuts `jwt` into its three parts.
///
/// # Errors
/// [`Refusal::Malformed`] for anything but three non-empty base64url parts, or a token
/// longer than [`MAX_LEN`].
pub fn split(jwt: &str) -> Result<Parts<'_>, Refusal> {
    if jwt.is_empty() || jwt.len() > MAX_LEN {
        return Err(Refusal::Malformed);
    }
    let mut it = jwt.split('.');
    let (Some(h), Some(c), Some(s), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(Refusal::Malformed);
    };
    let decode = |p: &str| {
        URL_SAFE_NO_PAD
            .decode(p)
            .ok()
            .filter(|b| !b.is_empty())
            .ok_or(Refusal::Malformed)
    };
    Ok(Parts {
        header: decode(h)?,
        claims: decode(c)?,
        signed: &jwt[..h.len() + 1 + c.len()],
        signature: decode(s)?,
    })
}

/// A token's header.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Header {
    /// The algorithm: only `RS256` is accepted.
    pub alg: String,
    /// The signing key's id in the team's JWKS.
    #[serde(default)]
    pub kid: String,
}

impl Header {
    /// The key id, for an RS256 token.
    ///
    /// # Errors
    /// [`Refusal::Algorithm`] for any other algorithm (`none`, `HS256` with the public
    /// key as a secret, …); [`Refusal::UnknownKey`] without a key id.
    pub fn rs256_kid(&self) -> Result<&str, Refusal> {
        if self.alg != "RS256" {
            return Err(Refusal::Algorithm);
        }
        if self.kid.is_empty() {
            return Err(Refusal::UnknownKey);
        }
        Ok(&self.kid)
    }
}

/// `aud`: one audience or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// One.
    One(String),
    /// Several (Access sends an array).
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, aud: &str) -> bool {
        match self {
            Audience::One(a) => a == aud,
            Audience::Many(all) => all.iter().any(|a| a == aud),
        }
    }
}

/// The claims the console reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Claims {
    /// The Access application(s) the token is for.
    pub aud: Audience,
    /// The signed-in person's email (absent for service tokens).
    #[serde(default)]
    pub email: String,
    /// Expiry, unix seconds.
    pub exp: i64,
    /// Not before, unix seconds.
    #[serde(default)]
    pub nbf: Option<i64>,
    /// The team that issued it.
    pub iss: String,
    /// Issued at, unix seconds.
    #[serde(default)]
    pub iat: Option<i64>,
}

/// What a token must be for.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The Access application's AUD tag.
    pub audience: &'a str,
    /// The team's issuer ([`issuer`]).
    pub issuer: &'a str,
}

impl Claims {
    /// What names this sign-in apart from the next one of the same person (its issue
    /// and expiry times): the console's CSRF tokens are bound to it.
    pub fn session(&self) -> String {
        format!("{}.{}", self.iat.unwrap_or(0), self.exp)
    }

    /// The signed-in email, lowercased, when the claims are for `expected` and current
    /// at `now` (unix seconds, with [`LEEWAY_SECS`]).
    ///
    /// # Errors
    /// The first rule the claims break.
    pub fn email_for(&self, expected: Expected<'_>, now: i64) -> Result<String, Refusal> {
        if !self.aud.contains(expected.audience) {
            return Err(Refusal::Audience);
        }
        if self.iss.trim_end_matches('/') != expected.issuer {
            return Err(Refusal::Issuer);
        }
        if now > self.exp.saturating_add(LEEWAY_SECS) {
            return Err(Refusal::Expired);
        }
        if self
            .nbf
            .is_some_and(|nbf| now < nbf.saturating_sub(LEEWAY_SECS))
        {
            return Err(Refusal::NotYetValid);
        }
        let email = self.email.trim().to_ascii_lowercase();
        if email.is_empty() || !email.contains('@') {
            return Err(Refusal::NoEmail);
        }
        Ok(email)
    }
}

/// The issuer of a team: `https://<team>.cloudflareaccess.com` from the team domain as
/// configured (`<team>.cloudflareaccess.com`), or the value as it is when it names a
/// scheme (dev: the sandbox playing Access). `None` for an empty value.
pub fn issuer(team_domain: &str) -> Option<String> {
    let t = team_domain.trim().trim_end_matches('/');
    if t.is_empty() {
        return None;
    }
    Some(if t.starts_with("https://") || t.starts_with("http://") {
        t.to_owned()
    } else {
        format!("https://{t}")
    })
}

/// Where the team publishes its signing keys (JWKS).
pub fn certs_url(issuer: &str) -> String {
    format!("{issuer}/cdn-cgi/access/certs")
}

/// A cookie's value from a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| v.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUD: &str = "aud-1";
    const ISS: &str = "https://team.cloudflareaccess.com";
    const NOW: i64 = 1_800_000_000;

    fn claims() -> Claims {
        Claims {
            aud: Audience::Many(vec!["other".into(), AUD.into()]),
            email: " Ana@Agency.ES ".into(),
            exp: NOW + 3600,
            nbf: Some(NOW - 10),
            iss: format!("{ISS}/"),
            iat: Some(NOW - 10),
        }
    }

    fn expected() -> Expected<'static> {
        Expected {
            audience: AUD,
            issuer: ISS,
        }
    }

    #[test]
    fn a_current_token_for_the_application_names_its_person() {
        assert_eq!(
            claims().email_for(expected(), NOW),
            Ok("ana@agency.es".into())
        );
        let mut one = claims();
        one.aud = Audience::One(AUD.into());
        assert!(one.email_for(expected(), NOW).is_ok());
    }

    #[test]
    fn each_rule_refuses() {
        let refused = |f: fn(&mut Claims), now: i64| {
            let mut c = claims();
            f(&mut c);
            c.email_for(expected(), now).unwrap_err()
        };
        assert_eq!(
            refused(|c| c.aud = Audience::One("x".into()), NOW),
            Refusal::Audience
        );
        assert_eq!(
            refused(|c| c.aud = Audience::Many(vec![]), NOW),
            Refusal::Audience
        );
        assert_eq!(
            refused(|c| c.iss = "https://evil.cloudflareaccess.com".into(), NOW),
            Refusal::Issuer
        );
        assert_eq!(
            refused(|_| {}, NOW + 3600 + LEEWAY_SECS + 1),
            Refusal::Expired
        );
        assert!(
            claims()
                .email_for(expected(), NOW + 3600 + LEEWAY_SECS)
                .is_ok()
        );
        assert_eq!(
            refused(|c| c.nbf = Some(NOW + 120), NOW),
            Refusal::NotYetValid
        );
        assert_eq!(refused(|c| c.email = String::new(), NOW), Refusal::NoEmail);
    }

    #[test]
    fn only_rs256_with_a_key_id() {
        let h = |alg: &str, kid: &str| Header {
            alg: alg.into(),
            kid: kid.into(),
        };
        assert_eq!(h("RS256", "k1").rs256_kid(), Ok("k1"));
        assert_eq!(h("none", "k1").rs256_kid(), Err(Refusal::Algorithm));
        assert_eq!(h("HS256", "k1").rs256_kid(), Err(Refusal::Algorithm));
        assert_eq!(h("RS256", "").rs256_kid(), Err(Refusal::UnknownKey));
    }

    #[test]
    fn split_takes_three_base64url_parts() {
        let p = split("eyJhIjoxfQ.eyJiIjoyfQ.c2ln").unwrap();
        assert_eq!(p.header, br#"{"a":1}"#);
        assert_eq!(p.claims, br#"{"b":2}"#);
        assert_eq!(p.signed, "eyJhIjoxfQ.eyJiIjoyfQ");
        assert_eq!(p.signature, b"sig");
        for bad in [
            "",
            "a.b",
            "a.b.c.d",
            "eyJhIjoxfQ..c2ln",
            "eyJ=.eyJiIjoyfQ.c2ln",
            "e+J.a.b",
        ] {
            assert_eq!(split(bad), Err(Refusal::Malformed), "{bad}");
        }
        assert_eq!(split(&"a".repeat(MAX_LEN + 1)), Err(Refusal::Malformed));
    }

    #[test]
    fn issuer_and_cookie() {
        assert_eq!(issuer("team.cloudflareaccess.com").as_deref(), Some(ISS));
        assert_eq!(
            issuer("http://127.0.0.1:8787/").as_deref(),
            Some("http://127.0.0.1:8787")
        );
        assert_eq!(issuer(" "), None);
        assert_eq!(certs_url(ISS), format!("{ISS}/cdn-cgi/access/certs"));
        assert_eq!(
            cookie("a=1; CF_Authorization=tok; b=2", COOKIE),
            Some("tok")
        );
        assert_eq!(cookie("CF_Authorization_x=1", COOKIE), None);
    }
}

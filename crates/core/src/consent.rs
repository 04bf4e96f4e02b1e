//! The consent texts the applicant accepts, versioned: the widget shows exactly these
//! sentences and sends [`VERSION`]; the edge refuses a version it does not know and
//! records a [`ConsentReceipt`] per text — the version, the SHA-256 of the sentence in
//! the language shown, when and from which network — so the agency can show what the
//! applicant consented to (GDPR art. 7(1); the credit-bureau check in particular).
//!
//! Changing a sentence is a new version: add it to [`KNOWN`] while pages that still
//! show the old one may send it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::i18n::Locale;

pub(crate) mod version;

pub use version::{KNOWN, VERSION, is_known};

/// What the applicant consents to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ConsentKind {
    /// The agency's terms and privacy notice.
    Terms,
    /// The check of credit and solvency records.
    CreditCheck,
}

impl ConsentKind {
    /// Both, in the order the widget shows them.
    pub const ALL: [ConsentKind; 2] = [ConsentKind::Terms, ConsentKind::CreditCheck];
}

/// The sentence the applicant ticks, in `locale`.
pub fn text(kind: ConsentKind, locale: Locale) -> &'static str {
    text_in(kind, crate::i18n::Catalog::builtin(locale))
}

/// The sentence the applicant ticks, in `catalog`'s language.
pub fn text_in(kind: ConsentKind, catalog: &crate::i18n::Catalog) -> &str {
    catalog.get(match kind {
        ConsentKind::Terms => crate::i18n::Text::ConsentTerms,
        ConsentKind::CreditCheck => crate::i18n::Text::ConsentCreditCheck,
    })
}

/// Lowercase hex SHA-256 of [`text`] (its UTF-8 bytes).
pub fn text_sha256(kind: ConsentKind, locale: Locale) -> String {
    hex::encode(Sha256::digest(text(kind, locale).as_bytes()))
}

/// What the edge records when the applicant consents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConsentReceipt {
    /// What was consented to.
    pub kind: ConsentKind,
    /// The texts' version the widget showed.
    pub version: String,
    /// SHA-256 of the sentence shown.
    pub text_sha256: String,
    /// The language it was shown in (`es`, `en`).
    pub locale: String,
    /// RFC 3339.
    pub accepted_at: String,
    /// The applicant's network, not their address: `/24` of IPv4, `/48` of IPv6.
    pub ip_prefix: String,
}

/// The receipts for both texts of `version`, shown in `locale`, accepted at `at` from
/// `ip`.
pub fn receipts(version: &str, locale: Locale, at: &str, ip: &str) -> Vec<ConsentReceipt> {
    ConsentKind::ALL
        .iter()
        .map(|&kind| ConsentReceipt {
            kind,
            version: version.to_owned(),
            text_sha256: text_sha256(kind, locale),
            locale: locale.as_str().to_owned(),
            accepted_at: at.to_owned(),
            ip_prefix: ip_prefix(ip),
        })
        .collect()
}

/// `198.18.3.7` → `198.18.3.0/24`; `2001:db8:1:2::9` → `2001:db8:1::/48`; anything
/// else → empty.
pub fn ip_prefix(ip: &str) -> String {
    match ip.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn receipts_name_the_text_shown_and_only_the_network() {
        let r = receipts(VERSION, Locale::En, "2026-12-05T10:00:00Z", "198.18.3.7");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].kind, ConsentKind::Terms);
        assert_eq!(
            r[1].text_sha256,
            hex::encode(Sha256::digest(
                "I authorise a check of credit and solvency records".as_bytes()
            ))
        );
        assert_eq!(r[0].ip_prefix, "198.18.3.0/24");
        assert_ne!(
            text_sha256(ConsentKind::Terms, Locale::Es),
            text_sha256(ConsentKind::Terms, Locale::En)
        );
        assert_eq!(ip_prefix("2001:db8:1:2::9"), "2001:db8:1::/48");
        assert_eq!(ip_prefix("nonsense"), "");
        assert!(is_known(VERSION));
        assert!(!is_known("1999-01-01"));
    }
}

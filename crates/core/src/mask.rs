//! Masking personal data for logs: enough to correlate, not enough to identify.

fn stars(n: usize) -> String {
    "*".repeat(n)
}

/// `lucia@example.com` → `l***@example.com` (first character of the local part kept,
/// always three stars; the domain kept). Without an `@`: `***`.
pub fn mask_email(email: &str) -> String {
    match email.trim().rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// `+34612345678` → `+34******678`: the `+` and two leading digits and the last three
/// digits kept, the rest starred. Fewer than 6 characters: all starred.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let lead = if chars.first() == Some(&'+') { 3 } else { 2 };
    if chars.len() < lead + 4 {
        return stars(chars.len());
    }
    let mut out: String = chars[..lead].iter().collect();
    out.push_str(&stars(chars.len() - lead - 3));
    out.extend(&chars[chars.len() - 3..]);
    out
}

/// `12345678Z` → `*****678Z`: the last four characters kept (at most half of the value),
/// the rest starred.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let keep = 4.min(chars.len() / 2);
    let mut out = stars(chars.len() - keep);
    out.extend(&chars[chars.len() - keep..]);
    out
}

/// The group an address's requests are counted in: an IPv4 address as it is, an IPv6
/// address by its /64 (one subscriber's whole prefix: a client rotating addresses inside
/// it is still one client). Anything else as it is (it is only a counter's name).
pub fn address_bucket(ip: &str) -> String {
    match ip.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.trim().to_owned(),
    }
}

/// The name an address's counter is kept under: a keyed HMAC-SHA256 of its
/// [`address_bucket`] (32 hex characters), so no store name or log holds an address.
pub fn address_key(secret: &[u8], ip: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut m = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(b"address-bucket\0");
    m.update(address_bucket(ip).as_bytes());
    hex::encode(&m.finalize().into_bytes()[..16])
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn emails() {
        assert_eq!(mask_email("lucia@example.com"), "l***@example.com");
        assert_eq!(mask_email("l@example.com"), "l***@example.com");
        assert_eq!(mask_email("ñandú+x@correo.es"), "ñ***@correo.es");
        assert_eq!(mask_email("@example.com"), "***@example.com");
        assert_eq!(mask_email("no-at-sign"), "***");
    }

    #[test]
    fn phones() {
        assert_eq!(mask_phone("+34612345678"), "+34******678");
        assert_eq!(mask_phone("612345678"), "61****678");
        assert_eq!(mask_phone("+3461"), "*****");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn ids() {
        assert_eq!(mask_id("12345678Z"), "*****678Z");
        assert_eq!(mask_id("X1234567L"), "*****567L");
        assert_eq!(mask_id("ABC"), "**C");
        assert_eq!(mask_id(""), "");
    }

    #[test]
    fn ipv6_counts_per_64_ipv4_per_address() {
        assert_eq!(
            address_bucket("2001:db8:1:2:aaaa::1"),
            address_bucket("2001:0db8:0001:0002:ffff:eeee:dddd:cccc")
        );
        assert_eq!(address_bucket("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_ne!(
            address_bucket("2001:db8:1:2::1"),
            address_bucket("2001:db8:1:3::1")
        );
        assert_eq!(address_bucket("198.18.0.7"), "198.18.0.7");
        assert_ne!(address_bucket("198.18.0.7"), address_bucket("198.18.0.8"));
        assert_eq!(address_bucket(" x "), "x");
    }

    #[test]
    fn address_keys_name_the_bucket_without_the_address() {
        let k = address_key(b"secret", "203.0.113.7");
        assert_eq!(k.len(), 32);
        assert!(!k.contains("203"));
        assert_eq!(k, address_key(b"secret", " 203.0.113.7 "));
        assert_ne!(
            k,
            address_key(b"secret", "203.0.113.8"),
            "IPv4: per address"
        );
        assert_ne!(k, address_key(b"other", "203.0.113.7"));
        assert_eq!(
            address_key(b"secret", "2001:db8:1:2::1"),
            address_key(b"secret", "2001:db8:1:2:ffff::9"),
            "IPv6: per /64"
        );
    }
}

//! Device session ids: 32 lowercase hex characters from 16 random bytes that the
//! platform supplies (`crypto.getRandomValues` through getrandom in the widget).

/// The session id for 16 random bytes.
pub fn session_id(bytes: [u8; 16]) -> String {
    hex::encode(bytes)
}

/// Whether `s` is exactly what [`session_id`] makes: 32 lowercase hex digits.
///
/// The API itself accepts any 1–32 ASCII letters or digits
/// ([`crate::validate::validate_device_session_id`]) so that integrators with their own
/// device-data collector can pass its ids.
pub fn is_valid_session_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn formats_bytes() {
        assert_eq!(session_id([0; 16]), "00000000000000000000000000000000");
        let id = session_id([
            0xc1, 0x2d, 0xa9, 0x10, 0xe8, 0x73, 0x4a, 0xea, 0x85, 0x6c, 0xd0, 0xfe, 0xfb, 0x2b,
            0xe8, 0x0d,
        ]);
        assert_eq!(id, "c12da910e8734aea856cd0fefb2be80d");
        assert!(is_valid_session_id(&id));
        assert!(is_valid_session_id(&session_id([0xff; 16])));
    }

    #[test]
    fn rejects_others() {
        for bad in [
            "",
            "C12DA910E8734AEA856CD0FEFB2BE80D",
            "c12da910e8734aea856cd0fefb2be80",
            "c12da910e8734aea856cd0fefb2be80d0",
            "g12da910e8734aea856cd0fefb2be80d",
            "c12da910-e873-4aea-856c-d0fefb2b",
        ] {
            assert!(!is_valid_session_id(bad), "{bad}");
        }
    }
}

//! The resume state in `sessionStorage` (never `localStorage`, never personal data).

use crate::api::{from_json, to_json};
use crate::resume::Saved;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The saved state under `key`, if any and readable.
pub fn load(key: &str) -> Option<Saved> {
    from_json(&storage()?.get_item(key).ok()??)
}

/// Saves `saved` under `key` (silently does nothing when storage is unavailable).
pub fn save(key: &str, saved: &Saved) {
    if let (Some(s), Ok(json)) = (storage(), to_json(saved)) {
        let _ = s.set_item(key, &json);
    }
}

/// Forgets `key`.
pub fn clear(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

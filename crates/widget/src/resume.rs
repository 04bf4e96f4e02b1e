//! Resume after a reload: the tenant id, its token, the device session id and the step
//! live in `sessionStorage` (never `localStorage`, never personal data).

use serde::{Deserialize, Serialize};

use crate::api::{from_json, to_json};

/// What survives a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// Tenant id.
    pub tenant_id: String,
    /// Tenant-bound session token.
    pub token: String,
    /// The step to return to.
    pub step: String,
    /// The onboarding's device session id.
    pub device_session_id: String,
}

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

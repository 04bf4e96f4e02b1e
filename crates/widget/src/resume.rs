//! Resume after a reload: the tenant id, its token, the device session id and the step
//! (the web layer keeps them in `sessionStorage`: never `localStorage`, never personal
//! data).

use serde::{Deserialize, Serialize};

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

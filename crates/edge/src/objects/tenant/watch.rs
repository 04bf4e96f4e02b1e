//! The typed request of a status connection: an upgrade the worker sends to the
//! tenant's object ([`crate::objects::call::upgrade`]), answered with `101` and the
//! socket the object holds, or a refusal.

use serde::{Deserialize, Serialize};

/// How a status connection is asked for (the typed request of the upgrade).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    /// Replay the entries after this sequence number; `None`: the current status.
    pub after: Option<i64>,
    /// What entitles it.
    pub grant: Grant,
    /// Most open connections for this tenant.
    pub cap: usize,
}

/// What entitles a connection, and so until when it lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Grant {
    /// The worker verified a token expiring at these unix seconds (SSE).
    Until(u64),
    /// The nonce of a single-use ticket recorded by [`super::protocol::TenantCall::Ticket`]
    /// (the widget's WebSocket, which reaches the object directly; the worker checked
    /// the ticket's MAC): it carries its token's expiry.
    Ticket(String),
}

/// How long a ticket may wait for its connection.
pub const TICKET_SECONDS: u32 = 30;

/// Close code of a connection whose token expired (the client refreshes, reconnects).
pub const CLOSE_EXPIRED: u16 = 4001;
/// Close code of the oldest connection when a new one goes over the cap.
pub const CLOSE_REPLACED: u16 = 4002;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watch_round_trips() {
        let w = Watch {
            after: Some(42),
            grant: Grant::Ticket("0123456789abcdef0123456789abcdef".into()),
            cap: 1,
        };
        let back: Watch = serde_json::from_str(&serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(back, w);
    }
}

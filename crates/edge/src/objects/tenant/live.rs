//! Status pushed, not polled. The tenant's object holds the open status connections
//! itself, accepted through the WebSocket Hibernation API: while nothing changes, an
//! idle connection costs no object request and no CPU (the object may be evicted from
//! memory and is woken by the next change or message). Each committed status change is
//! sent to every connection as it is written ([`TenantState::push`]); a connection
//! opened with `after` first gets the entries after that sequence number (replay after
//! a reconnect), without it the current status.
//!
//! A connection carries the expiry of the token that opened it; it is closed with code
//! [`CLOSE_EXPIRED`] then (the object's alarm), so a stream never outlives its
//! credentials, and the client reconnects with a refreshed token. At most `cap`
//! connections are open per tenant (the worker passes `STATUS_CONNECTIONS_PER_TENANT`):
//! a new one over the cap replaces the oldest (closed with [`CLOSE_REPLACED`]). A page
//! that reloads leaves its old stream behind until something is written to it, so
//! refusing new connections would lock the applicant out of their own status; the
//! newest connection is the one a person is looking at.
//!
//! The worker asks for a connection with a typed [`Watch`] (an upgrade, not a call:
//! it is a connection), and reads it as a [`super::feed::Feed`].

use serde::{Deserialize, Serialize};
use worker::{Response, WebSocket, WebSocketPair};

use super::object::TenantState;
use super::protocol::LogEntry;
use super::watch::{CLOSE_EXPIRED, CLOSE_REPLACED, Grant, TICKET_SECONDS, Watch};

/// What the object keeps on each connection (survives hibernation).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Watcher {
    /// Unix seconds: the opening token's expiry.
    expires_at: u64,
    /// Unix ms: when it was opened (the oldest is replaced first).
    #[serde(default)]
    opened_at: u64,
}

/// Most unused tickets a tenant holds (the oldest go first).
const TICKETS_KEPT: i64 = 16;

fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

fn frame(entry: &LogEntry) -> String {
    serde_json::to_string(entry).unwrap_or_default()
}

impl TenantState {
    /// Accepts a status connection (a WebSocket upgrade from the worker): 404 without
    /// a tenant, 401 past the token's expiry or for an unknown, used or stale ticket;
    /// at the cap the oldest open connection is closed first.
    pub(super) async fn watch(&self, watch: Watch) -> worker::Result<Response> {
        if self.record()?.is_none() {
            return Response::error("no tenant", 404);
        }
        let expires_at = match &watch.grant {
            Grant::Until(at) => *at,
            Grant::Ticket(t) => match self.redeem_ticket(t)? {
                Some(at) => at,
                None => return Response::error("no such ticket", 401),
            },
        };
        if expires_at <= now_secs() {
            return Response::error("token expired", 401);
        }
        self.make_room(watch.cap.max(1) - 1);
        let pair = WebSocketPair::new()?;
        // A client's keep-alive `ping` is answered by the runtime without waking the
        // object (no request, no duration).
        if let Ok(ping) = worker::worker_sys::WebSocketRequestResponsePair::new("ping", "pong") {
            self.state.set_websocket_auto_response(&ping);
        }
        self.state.accept_web_socket(&pair.server);
        pair.server.serialize_attachment(Watcher {
            expires_at,
            opened_at: js_sys::Date::now() as u64,
        })?;
        match watch.after {
            None => pair.server.send_with_str(frame(&self.current()?))?,
            Some(mut after) => loop {
                let entries = self.log_after(after)?;
                let Some(last) = entries.last() else { break };
                after = last.seq;
                for e in &entries {
                    pair.server.send_with_str(frame(e))?;
                }
            },
        }
        self.arm(expires_at.saturating_mul(1000)).await?;
        Response::from_websocket(pair.client)
    }

    /// Records a ticket's nonce for one connection within [`TICKET_SECONDS`], living
    /// until `expires_at` (the asking token's expiry, unix seconds). Stale tickets go
    /// first. (The worker made the ticket: the nonce and its MAC for this tenant.)
    pub(super) fn issue_ticket(&self, nonce: &str, expires_at: u64) -> worker::Result<()> {
        let now = now_secs();
        self.sql.exec(
            "DELETE FROM tickets WHERE until <= ?",
            vec![(now as i64).into()],
        )?;
        self.sql.exec(
            "DELETE FROM tickets WHERE ticket NOT IN (SELECT ticket FROM tickets ORDER BY until DESC LIMIT ?)",
            vec![(TICKETS_KEPT - 1).into()],
        )?;
        self.sql.exec(
            "INSERT OR IGNORE INTO tickets (ticket, expires_at, until) VALUES (?, ?, ?)",
            vec![
                nonce.into(),
                (expires_at as i64).into(),
                ((now + u64::from(TICKET_SECONDS)) as i64).into(),
            ],
        )?;
        Ok(())
    }

    /// Ends every unused ticket (the applicant's access was revoked).
    pub(super) fn drop_tickets(&self) -> worker::Result<()> {
        self.sql.exec("DELETE FROM tickets", None)?;
        Ok(())
    }

    /// Uses up `ticket`: its token's expiry, or `None` when it is unknown, used or
    /// stale.
    fn redeem_ticket(&self, ticket: &str) -> worker::Result<Option<u64>> {
        let at: Option<i64> = crate::sql::value(
            &self.sql,
            "SELECT expires_at AS v FROM tickets WHERE ticket = ? AND until > ?",
            vec![ticket.into(), (now_secs() as i64).into()],
        )?;
        self.sql
            .exec("DELETE FROM tickets WHERE ticket = ?", vec![ticket.into()])?;
        Ok(at.map(|a| a.max(0) as u64))
    }

    /// Closes the oldest connections until at most `keep` are open.
    fn make_room(&self, keep: usize) {
        let mut open: Vec<(u64, WebSocket)> = self
            .state
            .get_websockets()
            .into_iter()
            .map(|ws| {
                let opened = ws
                    .deserialize_attachment::<Watcher>()
                    .ok()
                    .flatten()
                    .map_or(0, |w| w.opened_at);
                (opened, ws)
            })
            .collect();
        if open.len() <= keep {
            return;
        }
        open.sort_by_key(|(opened, _)| *opened);
        let excess = open.len() - keep;
        for (_, ws) in open.into_iter().take(excess) {
            let _ = ws.close(Some(CLOSE_REPLACED), Some("replaced by a newer connection"));
        }
    }

    /// Sends `entry` to every open connection; one whose token has expired is closed
    /// instead.
    pub(super) fn push(&self, entry: &LogEntry) {
        let sockets = self.state.get_websockets();
        if sockets.is_empty() {
            return;
        }
        let text = frame(entry);
        let now = now_secs();
        for ws in sockets {
            if live(&ws, now) {
                let _ = ws.send_with_str(&text);
            } else {
                let _ = ws.close(Some(CLOSE_EXPIRED), Some("token expired"));
            }
        }
    }

    /// Closes every status connection (the applicant's access was revoked; a client
    /// that reconnects is refused its ticket).
    pub(super) fn close_all(&self) {
        for ws in self.state.get_websockets() {
            let _ = ws.close(Some(CLOSE_EXPIRED), Some("access revoked"));
        }
    }

    /// Closes the connections whose token has expired; returns the earliest expiry
    /// (unix ms) of those still open.
    pub(super) fn close_expired(&self) -> Option<u64> {
        let now = now_secs();
        let mut next: Option<u64> = None;
        for ws in self.state.get_websockets() {
            match ws.deserialize_attachment::<Watcher>() {
                Ok(Some(w)) if w.expires_at > now => {
                    let at = w.expires_at.saturating_mul(1000);
                    next = Some(next.map_or(at, |n| n.min(at)));
                }
                _ => {
                    let _ = ws.close(Some(CLOSE_EXPIRED), Some("token expired"));
                }
            }
        }
        next
    }
}

fn live(ws: &WebSocket, now: u64) -> bool {
    matches!(ws.deserialize_attachment::<Watcher>(), Ok(Some(w)) if w.expires_at > now)
}

//! Tenants: creation (validated by core, created upstream, state object created, token
//! bound to the tenant), status, live status (a ticket for the WebSocket, SSE in
//! [`events`]), and the hosted-page starts (Cl@ve, KYC, bank).

pub mod api;
pub mod events;
pub mod service;

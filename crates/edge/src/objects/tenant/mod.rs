//! `TenantState`: the Durable Object (SQLite) that is the single place a tenant's
//! onboarding state lives — the status object (folded by core's
//! [`Status::apply`](onboarding_core::model::status::Status::apply)), the log of status
//! changes that the live connections replay by sequence number, the upstream events
//! already applied (a `UNIQUE` event id, so duplicates — concurrent ones too, since the
//! object runs one request at a time and SQL calls are synchronous — apply once), and
//! the agency-only results (identity insights, forensic findings, financial score).
//!
//! [`protocol`] is what it is asked, [`handle`] the worker's side, [`object`] the class
//! and its dispatch; then one module per concern: [`storage`] (tables, status and log,
//! the alarm), [`apply`] (creation, local changes, upstream events, token
//! generations), [`identity`], [`projection`] (the agency's view and list row),
//! [`relay_sweep`], [`settle`] (a creation's relay and list row, after its reply),
//! [`live`] (status connections, asked for with a [`watch::Watch`]; [`feed`] is the
//! worker's end) and [`erasure`] (with retention).

pub mod apply;
pub mod erasure;
pub mod feed;
pub mod handle;
pub mod identity;
pub mod live;
pub mod object;
pub mod projection;
pub mod protocol;
pub mod relay_sweep;
pub mod settle;
pub mod storage;
pub mod watch;

pub use handle::TenantHandle;
pub use protocol::*;
pub use watch::*;

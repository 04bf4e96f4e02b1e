//! The edge's Durable Objects, and the one way the worker talks to them.
//!
//! * [`call`]: a call is a value of the object's protocol enum with a typed reply
//!   ([`call::Call`]); the worker's [`call::ask`] sends it and reads `C::Reply`, the
//!   object answers it with [`call::respond`]`::<C>`, so both sides agree at compile time.
//! * [`store`]: `ScopeStore`, a small SQLite object per [`store::Scope`] (a session, a
//!   tenant's uploads, an agency's list, a person, …): counters, idempotency keys,
//!   bindings, person records, dead letters, the agency's list.
//! * [`tenant`]: `TenantState`, the one place a tenant's onboarding state lives and
//!   changes: its status, log, results, identity decision, live connections, relay
//!   sweep and erasure.
//!
//! Each object's folder reads the same way: `protocol` (the calls and their replies),
//! `handle` (the worker's side), `object` (the class and its dispatch), then one
//! module per concern, each an `impl` block of the class.

pub mod call;
pub mod store;
pub mod tenant;

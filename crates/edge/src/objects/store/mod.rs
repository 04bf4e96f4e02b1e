//! `ScopeStore`: a small SQLite Durable Object per [`Scope`] holding what that scope
//! needs counted or remembered. A Durable Object runs one request at a time between
//! awaits and every SQL call here is synchronous, so each call is atomic: concurrent
//! duplicates of one `Idempotency-Key` see exactly one `new`.
//!
//! One class, one module per concern, each owning its table:
//! [`counters`] (fixed-window rate counters and budgets), [`keys`] (idempotency
//! records), [`bindings`] (small id mappings: an inquiry's tenant), [`person`] (a
//! person's identity record), [`dead_letters`] (the relay's), [`agency_list`] (the
//! agency's list of tenants and its erasure audit rows).
//!
//! Why one class and not one per concern: a tenant creation takes its key and spends
//! the session's tenant limit in one atomic call of one object (counters and keys of
//! the same scope), and the class's name and data are what production already holds
//! (a split would mean a migration of every store). A scope uses only the tables its
//! calls touch; the others stay empty and cost nothing.

pub mod agency_list;
pub mod bindings;
pub mod counters;
pub mod dead_letters;
pub mod directory;
pub mod handle;
pub mod keys;
pub mod object;
pub mod person;
pub mod protocol;
pub mod scope;

pub use handle::Store;
pub use protocol::*;
pub use scope::{AgencyScope, Scope, TenantScope, directory_day};

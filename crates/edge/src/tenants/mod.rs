//! Tenants: creation (validated by core, created upstream, state object created, token
//! bound to the tenant), status, and the hosted-page starts (Cl@ve, KYC, bank).

pub mod api;
pub mod service;

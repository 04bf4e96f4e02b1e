//! # onboarding-core
//!
//! Every rule of tenant onboarding, written once and shared by the edge worker, the
//! upstream sandbox and the browser widget:
//!
//! * [`model`] — wire types (serde, camelCase) for the public API, the identity-decision
//!   API, the tenant-screening API, webhooks, the status object and problem+json.
//! * [`validate`] — normalisation and validation of a tenant request, returning every
//!   error at once as data (`{field, code, params}`), plus per-field helpers; its
//!   [`validate::fields`] table holds each field's rule, limits, normalisation and
//!   label once, and the schema constraints a generator publishes.
//! * [`i18n`] — Spanish, English and Catalan messages for validation errors, field names
//!   and the consent sentences (one template table per language).
//! * [`document`] — magic-byte sniffing and size limits for uploads.
//! * [`token`] — HMAC-signed session tokens.
//! * [`signature`] — `t=…,v1=…` webhook signatures with tolerance and key rotation.
//! * [`event_order`] — late, duplicate and out-of-order webhooks never roll a step back.
//! * [`idempotency`] — what a request finds under its `Idempotency-Key`, who settles it.
//! * [`identity_decision`] — one identity decision per tenant: inquiries, step-up
//!   answers and the agency's update as a pure state machine.
//! * [`device`] — device session ids from caller-supplied random bytes.
//! * [`mask`] — masking of personal data for logs.
//! * [`hosted_url`] — which upstream hosted-page URLs may reach the browser.
//! * [`html`] — escaping text into HTML.
//! * [`access`] — which Cloudflare Access tokens the agency console accepts.
//! * [`affordability`] — the rent against the declared income, per the agency's threshold.
//! * `console` (feature `console`) — the agency console's stages and its texts in es/en/ca.
//!
//! The crate is pure: no I/O, no clock, no randomness. The current date, the current
//! unix time and random bytes are always parameters.
//!
//! ```
//! use onboarding_core::i18n::{self, Locale};
//! use onboarding_core::model::{GovernmentId, TenantRequest};
//! use onboarding_core::validate::{Date, normalize_and_validate_tenant_request};
//!
//! let mut req = TenantRequest::default();
//! req.applicant.government_id.push(GovernmentId {
//!     kind: "dni".into(),
//!     value: "12345678-a".into(),
//!     country_code: "es".into(),
//!     ..GovernmentId::default()
//! });
//! let today = Date::from_unix_seconds(1_718_000_000);
//! // Normalised in place (`12345678A`, `ES`) and validated, in one walk.
//! let errors = normalize_and_validate_tenant_request(&mut req, today).unwrap_err();
//! assert_eq!(req.applicant.government_id[0].value, "12345678A");
//! let dni = errors
//!     .iter()
//!     .find(|e| e.field == "applicant.governmentId[0].value")
//!     .unwrap();
//! assert_eq!(dni.code.as_str(), "invalid_checksum");
//! assert_eq!(
//!     i18n::message(Locale::negotiate("es-ES,es;q=0.9"), dni),
//!     "La letra del DNI no es correcta."
//! );
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod access;
pub mod affordability;
#[cfg(feature = "console")]
pub mod agency_settings;
pub mod client_session;
pub mod consent;
#[cfg(feature = "console")]
pub mod console;
mod de;
pub mod device;
pub mod document;
pub mod event_order;
pub mod hosted_url;
pub mod html;
pub mod i18n;
pub mod idempotency;
pub mod identity_decision;
pub mod lifecycle;
pub mod mask;
pub mod media_type;
pub mod model;
pub mod paths;
pub mod person;
pub mod signature;
pub mod token;
pub mod validate;

pub use validate::{Code, Date, ValidationError};

// `wasm-pack test --headless --chrome --firefox crates/core` runs the unit tests in the
// browsers (`make test`); those that need a native-only dev-dependency stay native.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

//! Relay of accepted events to the agency's webhook URL through the `RELAY` Queue:
//! [`queue`] puts an event's first delivery on it (from the worker, or from the tenant's
//! object when it sweeps up what was not queued); [`consumer`] delivers, retries and
//! dead-letters, with a [`breaker`] per agency endpoint.

pub mod breaker;
pub mod consumer;
pub mod queue;

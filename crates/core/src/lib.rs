//! Placeholder; the core helper fills this in.
#![deny(missing_docs)]

//! Which versions of the consent texts there are. A leaf: the field table's rule for
//! `consent.version` reads [`KNOWN`] here, without depending on the texts themselves
//! (in the message catalogs).

/// The version of the consent texts (`consent::text`).
pub const VERSION: &str = "2026-12-05";

/// Versions the edge accepts (the current one first).
pub const KNOWN: &[&str] = &[VERSION];

/// Whether the edge accepts `version`.
pub fn is_known(version: &str) -> bool {
    KNOWN.contains(&version)
}

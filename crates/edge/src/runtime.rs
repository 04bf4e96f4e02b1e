//! What the platform gives every module: the clock and randomness (core takes both
//! as parameters; here they are read).

use crate::error::{AppError, AppResult};

/// Current unix time in milliseconds.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// RFC 3339 of a unix-millisecond instant.
pub fn iso(ms: u64) -> String {
    String::from(js_sys::Date::new(&(ms as f64).into()).to_iso_string())
}

/// `N` random bytes from the platform CSPRNG.
///
/// # Errors
/// 500 if the CSPRNG fails.
pub fn random_bytes<const N: usize>() -> AppResult<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| AppError::Internal("csprng".into()))?;
    Ok(buf)
}

/// `n` random bytes as lowercase hex.
///
/// # Errors
/// 500 if the platform CSPRNG fails.
pub fn random_hex(n: usize) -> AppResult<String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|_| AppError::Internal("csprng".into()))?;
    Ok(hex::encode(buf))
}

//! Reading rows from a Durable Object's SQLite: one way for both objects, so a reader
//! is a query and the type of its row, not a cursor walk each time.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use worker::{SqlStorage, SqlStorageValue};

/// Every row of `query`, as `T` (columns by name).
///
/// # Errors
/// When the query fails or a row does not fit `T`.
pub fn rows<T: DeserializeOwned>(
    sql: &SqlStorage,
    query: &str,
    params: impl Into<Option<Vec<SqlStorageValue>>>,
) -> worker::Result<Vec<T>> {
    sql.exec(query, params)?.to_array()
}

/// The first row of `query`, if any.
///
/// # Errors
/// As [`rows`].
pub fn row<T: DeserializeOwned>(
    sql: &SqlStorage,
    query: &str,
    params: impl Into<Option<Vec<SqlStorageValue>>>,
) -> worker::Result<Option<T>> {
    Ok(rows(sql, query, params)?.into_iter().next())
}

/// A one-column row: the query names its column `v`.
#[derive(Deserialize)]
struct V<T> {
    v: T,
}

/// The column `v` of the first row of `query`, if any.
///
/// # Errors
/// As [`rows`].
pub fn value<T: DeserializeOwned>(
    sql: &SqlStorage,
    query: &str,
    params: impl Into<Option<Vec<SqlStorageValue>>>,
) -> worker::Result<Option<T>> {
    Ok(row::<V<T>>(sql, query, params)?.map(|r| r.v))
}

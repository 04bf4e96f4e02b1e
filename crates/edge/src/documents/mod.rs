//! Document uploads: `POST /v1/tenants/{id}/documents` (raw body or multipart) and the
//! list. The body is never buffered whole: [`source`] yields the file's bytes as they
//! arrive (unwrapping a multipart body on the fly), [`pipeline`] sniffs the first bytes
//! with core, counts and hashes every chunk and re-wraps them in the upstream's
//! multipart envelope as a new `ReadableStream`.

pub mod api;
pub mod multipart;
pub mod pipeline;
pub mod source;

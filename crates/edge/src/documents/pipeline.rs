//! The upstream body: the upstream multipart envelope around the file's bytes, two
//! ways.
//!
//! * A raw body of declared length ([`native_body`]): the runtime pipes it into a
//!   `FixedLengthStream`; no byte passes through wasm.
//! * Anything else ([`upstream_body`]): a `ReadableStream` that pulls from the
//!   [`FileSource`] on demand. Every chunk is counted against the size limit (core's
//!   [`SizeGuard`]) and fed to an incremental SHA-256; the first failure errors the
//!   stream, which aborts the upstream request, and is kept in [`Progress`] so the
//!   handler can answer with the right status.

use onboarding_core::model::problem::ProblemCode;
use std::cell::RefCell;
use std::rc::Rc;

use futures_util::stream;
use onboarding_core::document::{ContentType, DocumentKind, SizeGuard};
use onboarding_core::model::screening::Document;
use wasm_bindgen::JsValue;
use worker::crypto::{DigestStream, DigestStreamAlgorithm};

use super::source::FileSource;
use crate::error::AppError;

/// Shared between the stream and the handler.
pub struct Progress {
    /// Bytes counted so far against the limit.
    pub guard: SizeGuard,
    /// SHA-256 of the bytes so far: the runtime's native `crypto.DigestStream`, fed
    /// the same chunks that go upstream (no hashing in wasm).
    pub hasher: Hasher,
    /// Why the stream stopped early.
    pub error: Option<AppError>,
    /// Whether the whole file went through.
    pub finished: bool,
}

/// Incremental SHA-256 on the runtime's `crypto.DigestStream`. Writes are queued
/// in order by the stream's writer without an await per chunk; [`Hasher::finish`]
/// closes it and awaits the digest.
pub struct Hasher {
    stream: DigestStream,
    writer: web_sys::WritableStreamDefaultWriter,
}

impl Hasher {
    fn new() -> Result<Self, AppError> {
        let stream = DigestStream::new(DigestStreamAlgorithm::Sha256);
        let writer = stream
            .raw()
            .get_writer()
            .map_err(|_| AppError::Internal("digest stream".into()))?;
        Ok(Hasher { stream, writer })
    }

    /// Queues `chunk` and returns the write's promise. Body chunks are handed upstream
    /// only once their write resolved (the digest has consumed them, so the same buffer
    /// can go on without a copy, and unawaited writes cannot pile up in memory).
    fn update(&self, chunk: &js_sys::Uint8Array) -> js_sys::Promise {
        self.writer.write_with_chunk(chunk)
    }

    /// Lowercase hex SHA-256 of everything written.
    ///
    /// # Errors
    /// 500 when the runtime's digest fails.
    pub fn finish(&self) -> impl std::future::Future<Output = Result<String, AppError>> + use<> {
        let writer = self.writer.clone();
        let digest = self.stream.raw().digest();
        async move {
            let fail = |_| AppError::Internal("digest stream".into());
            wasm_bindgen_futures::JsFuture::from(writer.close())
                .await
                .map_err(fail)?;
            let buffer = wasm_bindgen_futures::JsFuture::from(digest)
                .await
                .map_err(fail)?;
            Ok(hex::encode(js_sys::Uint8Array::new(&buffer).to_vec()))
        }
    }
}

/// File bytes are handed upstream in chunks of at least this size (the body's own
/// chunks are often a few KiB; each emitted chunk costs a stream pull and a digest
/// write).
const MIN_CHUNK: usize = 256 * 1024;

enum Phase {
    Prefix,
    Head,
    Body,
    Suffix,
    Done,
}

struct State {
    phase: Phase,
    source: FileSource,
    head: Vec<u8>,
    prefix: Vec<u8>,
    suffix: Vec<u8>,
    progress: Rc<RefCell<Progress>>,
}

/// The multipart boundary used upstream.
fn upstream_boundary() -> String {
    format!(
        "----onboarding-edge-{}",
        crate::http::random_hex(12).unwrap_or_else(|_| "0".into())
    )
}

/// The upstream multipart envelope around the file: its boundary, the bytes before the
/// file (the `kind` field, the file part's headers) and after it.
fn envelope(kind: DocumentKind, content_type: ContentType) -> (String, Vec<u8>, Vec<u8>) {
    let boundary = upstream_boundary();
    let prefix = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"document.{ext}\"\r\nContent-Type: {mime}\r\n\r\n",
        kind = kind.as_str(),
        ext = content_type.extension(),
        mime = content_type.mime(),
    )
    .into_bytes();
    let suffix = format!("\r\n--{boundary}--\r\n").into_bytes();
    (boundary, prefix, suffix)
}

/// Builds the upstream body. Returns the JS stream, its content type and the shared
/// progress.
///
/// # Errors
/// 500 when the runtime's digest stream cannot be set up.
pub fn upstream_body(
    source: FileSource,
    head: Vec<u8>,
    kind: DocumentKind,
    content_type: ContentType,
    max: u64,
) -> Result<(JsValue, String, Rc<RefCell<Progress>>), AppError> {
    let (boundary, prefix, suffix) = envelope(kind, content_type);
    let progress = Rc::new(RefCell::new(Progress {
        guard: SizeGuard::new(max),
        hasher: Hasher::new()?,
        error: None,
        finished: false,
    }));
    let state = State {
        phase: Phase::Prefix,
        source,
        head,
        prefix,
        suffix,
        progress: progress.clone(),
    };
    let s = stream::unfold(state, |mut st| async move {
        loop {
            match st.phase {
                Phase::Prefix => {
                    st.phase = Phase::Head;
                    let out = std::mem::take(&mut st.prefix);
                    return Some((Ok(chunk(&out).into()), st));
                }
                Phase::Head => {
                    st.phase = Phase::Body;
                    let head = std::mem::take(&mut st.head);
                    if head.is_empty() {
                        continue;
                    }
                    return Some((account(&st.progress, &head), st));
                }
                Phase::Body => {
                    // Gather the source's chunks up to MIN_CHUNK (checking the limit
                    // as they arrive), then hand them on as one. They stay JS values:
                    // counted by length, joined on the JS side, never copied into wasm.
                    let mut parts: Vec<js_sys::Uint8Array> = Vec::new();
                    let mut gathered = 0usize;
                    let mut ended = false;
                    while gathered < MIN_CHUNK {
                        match st.source.next_js().await {
                            Ok(Some(piece)) => {
                                let len = piece.length() as usize;
                                let counted = st.progress.borrow_mut().count(len);
                                if let Err(e) = counted {
                                    st.phase = Phase::Done;
                                    return Some((Err(e), st));
                                }
                                if len > 0 {
                                    gathered += len;
                                    parts.push(piece);
                                }
                            }
                            Ok(None) => {
                                ended = true;
                                break;
                            }
                            Err(e) => {
                                st.progress.borrow_mut().error = Some(e);
                                st.phase = Phase::Done;
                                return Some((Err(JsValue::from_str("upload aborted")), st));
                            }
                        }
                    }
                    if ended {
                        st.progress.borrow_mut().finished = true;
                        st.phase = Phase::Suffix;
                    }
                    if gathered > 0 {
                        let out = join(parts, gathered);
                        let written = st.progress.borrow().hasher.update(&out);
                        if wasm_bindgen_futures::JsFuture::from(written).await.is_err() {
                            st.progress.borrow_mut().error =
                                Some(AppError::Internal("digest stream".into()));
                            st.phase = Phase::Done;
                            return Some((Err(JsValue::from_str("upload aborted")), st));
                        }
                        return Some((Ok(out.into()), st));
                    }
                }
                Phase::Suffix => {
                    st.phase = Phase::Done;
                    let out = std::mem::take(&mut st.suffix);
                    return Some((Ok(chunk(&out).into()), st));
                }
                Phase::Done => return None,
            }
        }
    });
    let readable = wasm_streams::ReadableStream::from_stream(s).into_raw();
    Ok((
        readable.into(),
        format!("multipart/form-data; boundary={boundary}"),
        progress,
    ))
}

fn chunk(bytes: &[u8]) -> js_sys::Uint8Array {
    js_sys::Uint8Array::from(bytes)
}

/// One `Uint8Array` of `total` bytes from `parts`, copied on the JS side (a single
/// part is handed on as it is).
fn join(mut parts: Vec<js_sys::Uint8Array>, total: usize) -> js_sys::Uint8Array {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    let out = js_sys::Uint8Array::new_with_length(total as u32);
    let mut at = 0u32;
    for part in &parts {
        out.set(part, at);
        at += part.length();
    }
    out
}

impl Progress {
    /// Counts `len` file bytes against the limit.
    fn count(&mut self, len: usize) -> Result<(), JsValue> {
        if self.guard.add(len).is_err() {
            self.error = Some(AppError::Problem(ProblemCode::FileTooLarge));
            return Err(JsValue::from_str("file too large"));
        }
        Ok(())
    }
}

/// Counts and hashes a piece of file and turns it into a stream chunk.
fn account(progress: &Rc<RefCell<Progress>>, bytes: &[u8]) -> Result<JsValue, JsValue> {
    let mut p = progress.borrow_mut();
    p.count(bytes.len())?;
    let out = chunk(bytes);
    // The head is small (SNIFF_LEN) and handed on as its own copy; the writer keeps
    // its write in order before the body's, whose awaits cover it.
    let _ = p.hasher.update(&out);
    Ok(chunk(bytes).into())
}

/// SHA-256 (lowercase hex) of a file — `head`, then the rest of `source` — counted
/// against `max`; nothing goes upstream. An idempotent replay uses it to check that a
/// retry carries the same file as the request it replays.
///
/// # Errors
/// 413 over `max`, 400 when the body breaks off, 500 when the runtime's digest fails.
pub async fn digest(mut source: FileSource, head: Vec<u8>, max: u64) -> Result<String, AppError> {
    let hasher = Hasher::new()?;
    let mut guard = SizeGuard::new(max);
    let mut piece = Some(head);
    loop {
        let bytes = match piece.take() {
            Some(b) => b,
            None => match source.next().await? {
                Some(b) => b,
                None => break,
            },
        };
        if bytes.is_empty() {
            continue;
        }
        guard
            .add(bytes.len())
            .map_err(|_| AppError::Problem(ProblemCode::FileTooLarge))?;
        wasm_bindgen_futures::JsFuture::from(hasher.update(&chunk(&bytes)))
            .await
            .map_err(|_| AppError::Internal("digest stream".into()))?;
    }
    hasher.finish().await
}

/// The upstream body of a raw upload whose length was declared (`len`, within the
/// limit, `head` included), moved by the runtime: the envelope and `head` are written
/// into a `FixedLengthStream` of the exact total (so the upstream request has a
/// `Content-Length`, and a body that ends early or runs long is an error, never a
/// different file), and the rest of the body is piped into it natively: no chunk
/// passes through wasm or a JS callback, and the upstream's reads pace the client.
/// The file's SHA-256 is then the upstream's, of the bytes it received
/// ([`reported_digest`], else [`stored_digest`]): hashing on the way costs a `tee`
/// (which buffers whole files behind the slower branch) or a wasm call per chunk
/// (0.42× direct); the native pipe alone runs at the pass-through's speed.
///
/// Returns the body, its content type and the pump (a future to poll alongside the
/// upstream request: [`alongside`]).
///
/// # Errors
/// 500 when the runtime's streams cannot be set up.
pub fn native_body(
    rest: Option<web_sys::ReadableStream>,
    head: Vec<u8>,
    len: u64,
    kind: DocumentKind,
    content_type: ContentType,
) -> Result<
    (
        JsValue,
        String,
        impl std::future::Future<Output = Result<(), AppError>> + use<>,
    ),
    AppError,
> {
    use wasm_bindgen_futures::JsFuture;
    let internal = |_| AppError::Internal("upload streams".into());
    let (boundary, prefix, suffix) = envelope(kind, content_type);
    let total = prefix.len() as u64 + len + suffix.len() as u64;
    let fixed = worker::worker_sys::FixedLengthStream::new_big_int(js_sys::BigInt::from(total))
        .map_err(internal)?;
    let readable = fixed.readable();
    let writable = fixed.writable();
    let pump = async move {
        let broke = |_| AppError::Problem(ProblemCode::MalformedBody);
        let sink = writable.get_writer().map_err(internal)?;
        // Writes resolve as the upstream reads them: queue both, then wait.
        let first = sink.write_with_chunk(&chunk(&prefix));
        let second = sink.write_with_chunk(&chunk(&head));
        JsFuture::from(first).await.map_err(internal)?;
        JsFuture::from(second).await.map_err(internal)?;
        sink.release_lock();
        if let Some(rest) = rest {
            let options = web_sys::StreamPipeOptions::new();
            options.set_prevent_close(true);
            JsFuture::from(rest.pipe_to_with_options(&writable, &options))
                .await
                .map_err(broke)?;
        }
        let sink = writable.get_writer().map_err(internal)?;
        let last = sink.write_with_chunk(&chunk(&suffix));
        let closed = sink.close();
        JsFuture::from(last).await.map_err(internal)?;
        // A body that ran short or long of its declared length fails here.
        JsFuture::from(closed).await.map_err(broke)?;
        Ok(())
    };
    Ok((
        readable.into(),
        format!("multipart/form-data; boundary={boundary}"),
        pump,
    ))
}

/// The SHA-256 of a file moved by [`native_body`], as the upstream reports it in its
/// reply (64 lowercase hex digits); `None` when the reply carries none (then
/// [`stored_digest`] reads it back).
///
/// # Errors
/// 502 when the upstream counted other than the `len` bytes that were sent.
pub fn reported_digest(doc: &Document, len: u64) -> Result<Option<String>, AppError> {
    if doc.size_bytes != 0 && doc.size_bytes != len {
        return Err(AppError::UpstreamFailed(format!(
            "screening: stored {} of {len} bytes",
            doc.size_bytes
        )));
    }
    let hex = doc.sha256.len() == 64
        && doc
            .sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    Ok(hex.then(|| doc.sha256.clone()))
}

/// The SHA-256 of a stored document read back from the upstream (`content`, its
/// `…/content` reply), piped natively into the runtime's `DigestStream`: for an
/// upstream whose upload reply carries no digest.
///
/// # Errors
/// 502 when the content cannot be read, 500 when the digest fails.
pub async fn stored_digest(content: worker::Response) -> Result<String, AppError> {
    use wasm_bindgen_futures::JsFuture;
    let internal = |_| AppError::Internal("digest stream".into());
    let unreadable = |_| AppError::UpstreamFailed("screening: document content unreadable".into());
    let content: web_sys::Response = content.into();
    let digest = DigestStream::new(DigestStreamAlgorithm::Sha256);
    match content.body() {
        Some(body) => {
            JsFuture::from(body.pipe_to(digest.raw()))
                .await
                .map_err(unreadable)?;
        }
        None => {
            JsFuture::from(digest.raw().close())
                .await
                .map_err(internal)?;
        }
    }
    let buffer = JsFuture::from(digest.raw().digest())
        .await
        .map_err(internal)?;
    Ok(hex::encode(js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// Runs the upstream request and the pump feeding its body together; the request's
/// answer. When the body broke off, the pump's error (400) wins over the failed
/// request's.
///
/// # Errors
/// The pump's error, else the upstream's.
pub async fn alongside<T>(
    upload: impl std::future::Future<Output = Result<T, AppError>>,
    pump: impl std::future::Future<Output = Result<(), AppError>>,
) -> Result<T, AppError> {
    use futures_util::FutureExt;
    use futures_util::future::{Either, select};
    let (upload, pump) = (std::pin::pin!(upload), std::pin::pin!(pump));
    match select(upload, pump).await {
        Either::Left((answer, pump)) => match answer {
            Ok(answer) => pump.await.map(|()| answer),
            Err(e) => match pump.now_or_never() {
                Some(Err(broke)) => Err(broke),
                _ => Err(e),
            },
        },
        Either::Right((pumped, upload)) => {
            pumped?;
            upload.await
        }
    }
}

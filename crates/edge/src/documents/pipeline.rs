//! The upstream body: the upstream multipart envelope around the file's bytes, built
//! as a `ReadableStream` that pulls from the [`FileSource`] on demand. Every chunk is
//! counted against the size limit (core's [`SizeGuard`]) and fed to an incremental
//! SHA-256; the first failure errors the stream, which aborts the upstream request, and
//! is kept in [`Progress`] so the handler can answer with the right status.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::stream;
use onboarding_core::document::{ContentType, DocumentKind, SizeGuard};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsValue;

use super::source::FileSource;
use crate::error::AppError;

/// Shared between the stream and the handler.
pub struct Progress {
    /// Bytes counted so far against the limit.
    pub guard: SizeGuard,
    /// Hash of the bytes so far.
    pub hasher: Sha256,
    /// Why the stream stopped early.
    pub error: Option<AppError>,
    /// Whether the whole file went through.
    pub finished: bool,
}

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

/// Builds the upstream body. Returns the JS stream, its content type and the shared
/// progress.
pub fn upstream_body(
    source: FileSource,
    head: Vec<u8>,
    kind: DocumentKind,
    content_type: ContentType,
    max: u64,
) -> (JsValue, String, Rc<RefCell<Progress>>) {
    let boundary = upstream_boundary();
    let prefix = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"document.{ext}\"\r\nContent-Type: {mime}\r\n\r\n",
        kind = kind.as_str(),
        ext = content_type.extension(),
        mime = content_type.mime(),
    )
    .into_bytes();
    let suffix = format!("\r\n--{boundary}--\r\n").into_bytes();
    let progress = Rc::new(RefCell::new(Progress {
        guard: SizeGuard::new(max),
        hasher: Sha256::new(),
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
                    return Some((Ok(chunk(&out)), st));
                }
                Phase::Head => {
                    st.phase = Phase::Body;
                    let head = std::mem::take(&mut st.head);
                    if head.is_empty() {
                        continue;
                    }
                    if let Err(e) = account(&st.progress, &head) {
                        st.phase = Phase::Done;
                        return Some((Err(e), st));
                    }
                    return Some((Ok(chunk(&head)), st));
                }
                Phase::Body => match st.source.next().await {
                    Ok(Some(bytes)) => {
                        if let Err(e) = account(&st.progress, &bytes) {
                            st.phase = Phase::Done;
                            return Some((Err(e), st));
                        }
                        return Some((Ok(chunk(&bytes)), st));
                    }
                    Ok(None) => {
                        st.progress.borrow_mut().finished = true;
                        st.phase = Phase::Suffix;
                    }
                    Err(e) => {
                        st.progress.borrow_mut().error = Some(e);
                        st.phase = Phase::Done;
                        return Some((Err(JsValue::from_str("upload aborted")), st));
                    }
                },
                Phase::Suffix => {
                    st.phase = Phase::Done;
                    let out = std::mem::take(&mut st.suffix);
                    return Some((Ok(chunk(&out)), st));
                }
                Phase::Done => return None,
            }
        }
    });
    let readable = wasm_streams::ReadableStream::from_stream(s).into_raw();
    (
        readable.into(),
        format!("multipart/form-data; boundary={boundary}"),
        progress,
    )
}

fn chunk(bytes: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(bytes).into()
}

fn account(progress: &Rc<RefCell<Progress>>, bytes: &[u8]) -> Result<(), JsValue> {
    let mut p = progress.borrow_mut();
    if p.guard.add(bytes.len()).is_err() {
        p.error = Some(AppError::TooLarge);
        return Err(JsValue::from_str("file too large"));
    }
    p.hasher.update(bytes);
    Ok(())
}

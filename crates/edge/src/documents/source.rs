//! The uploaded file's bytes as they arrive, from a raw body or from the file part of
//! a multipart body.

use futures_util::StreamExt;
use onboarding_core::model::problem::ProblemCode;
use wasm_bindgen::JsCast;
use worker::ByteStream;

use super::multipart::{self, MAX_PREAMBLE, PartHeaders};
use crate::error::{AppError, AppResult};

/// Where the bytes come from.
enum Input {
    /// A multipart body, read into wasm (its delimiter must be searched for).
    Bytes(ByteStream),
    /// A raw body as the runtime's own chunks (`Uint8Array`s that stay JS values),
    /// read through a reader of our own so that the rest of the body can be handed back
    /// to the runtime as its own stream ([`FileSource::into_rest`]). `None`: no body.
    Js(Option<Raw>),
}

/// A raw body and the reader that holds its lock.
struct Raw {
    stream: web_sys::ReadableStream,
    reader: web_sys::ReadableStreamDefaultReader,
}

impl Raw {
    /// The next chunk, `None` at the end.
    async fn read(&self) -> Option<Result<js_sys::Uint8Array, ()>> {
        let Ok(result) = wasm_bindgen_futures::JsFuture::from(self.reader.read()).await else {
            return Some(Err(()));
        };
        let field = |name: &str| js_sys::Reflect::get(&result, &name.into()).ok();
        if field("done").and_then(|d| d.as_bool()).unwrap_or(true) {
            return None;
        }
        match field("value").map(|v| v.dyn_into::<js_sys::Uint8Array>()) {
            Some(Ok(chunk)) => Some(Ok(chunk)),
            _ => Some(Err(())),
        }
    }
}

/// A pull source of file bytes.
pub struct FileSource {
    input: Input,
    /// Bytes read but not yet handed out (multipart: held back for the delimiter; raw:
    /// the part of a chunk [`FileSource::head`] did not use).
    pending: Vec<u8>,
    /// Multipart delimiter (`\r\n--boundary`); `None` for a raw body.
    delimiter: Option<Vec<u8>>,
    done: bool,
}

/// What the multipart preamble said.
#[derive(Debug, Default)]
pub struct Preamble {
    /// A `kind` field before the file part.
    pub kind: Option<String>,
    /// The file part's declared content type.
    pub content_type: Option<String>,
}

impl FileSource {
    /// A raw body (`None`: no body, an empty file).
    pub fn raw(body: Option<web_sys::ReadableStream>) -> Self {
        let raw = body.and_then(|stream| {
            let reader = web_sys::ReadableStreamDefaultReader::new(&stream).ok()?;
            Some(Raw { stream, reader })
        });
        let input = Input::Js(raw);
        FileSource {
            input,
            pending: Vec::new(),
            delimiter: None,
            done: false,
        }
    }

    /// A multipart body: reads the fields up to the file part's content.
    ///
    /// # Errors
    /// 400 `malformed_multipart` when there is no file part within the preamble limit.
    pub async fn multipart(stream: ByteStream, boundary: &str) -> AppResult<(Self, Preamble)> {
        let bad = || AppError::Problem(ProblemCode::MalformedMultipart);
        let mut src = FileSource {
            input: Input::Bytes(stream),
            pending: Vec::new(),
            delimiter: None,
            done: false,
        };
        let dash = format!("--{boundary}").into_bytes();
        let delimiter = format!("\r\n--{boundary}").into_bytes();
        let mut pre = Preamble::default();
        // Skip to the first boundary line.
        let mut pos = loop {
            if let Some(p) = multipart::find(&src.pending, &dash) {
                break p + dash.len();
            }
            src.fill(MAX_PREAMBLE)
                .await?
                .then_some(())
                .ok_or_else(bad)?;
        };
        loop {
            // After a boundary: "\r\n" then headers, or "--" (end).
            while src.pending.len() < pos + 2 {
                src.fill(MAX_PREAMBLE)
                    .await?
                    .then_some(())
                    .ok_or_else(bad)?;
            }
            if &src.pending[pos..pos + 2] != b"\r\n" {
                return Err(bad());
            }
            pos += 2;
            let headers_end = loop {
                if let Some(p) = multipart::find(&src.pending[pos..], b"\r\n\r\n") {
                    break pos + p;
                }
                src.fill(MAX_PREAMBLE)
                    .await?
                    .then_some(())
                    .ok_or_else(bad)?;
            };
            let headers: PartHeaders =
                multipart::parse_part_headers(&src.pending[pos..headers_end]).ok_or_else(bad)?;
            let body_start = headers_end + 4;
            if headers.is_file || headers.name == "file" {
                src.pending.drain(..body_start);
                src.delimiter = Some(delimiter);
                pre.content_type = headers.content_type;
                return Ok((src, pre));
            }
            let value_end = loop {
                if let Some(p) = multipart::find(&src.pending[body_start..], &delimiter) {
                    break body_start + p;
                }
                src.fill(MAX_PREAMBLE)
                    .await?
                    .then_some(())
                    .ok_or_else(bad)?;
            };
            if headers.name == "kind" {
                let v =
                    std::str::from_utf8(&src.pending[body_start..value_end]).map_err(|_| bad())?;
                pre.kind = Some(v.to_owned());
            }
            pos = value_end + delimiter.len();
        }
    }

    /// Reads one more chunk into `pending`; false at the end of the body.
    async fn fill(&mut self, limit: usize) -> AppResult<bool> {
        match self.next_bytes().await {
            Some(Ok(chunk)) => {
                if self.pending.len() + chunk.len() > limit {
                    return Err(AppError::Problem(ProblemCode::MalformedMultipart));
                }
                self.pending.extend_from_slice(&chunk);
                Ok(true)
            }
            Some(Err(_)) => Err(AppError::Problem(ProblemCode::MalformedBody)),
            None => Ok(false),
        }
    }

    /// The next piece of the file, `None` at its end.
    ///
    /// # Errors
    /// 400 when the body breaks off or a multipart body has no closing delimiter.
    pub async fn next(&mut self) -> AppResult<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let Some(delimiter) = self.delimiter.clone() else {
            if !self.pending.is_empty() {
                return Ok(Some(std::mem::take(&mut self.pending)));
            }
            return match self.next_bytes().await {
                Some(Ok(chunk)) => Ok(Some(chunk)),
                Some(Err(_)) => Err(AppError::Problem(ProblemCode::MalformedBody)),
                None => {
                    self.done = true;
                    Ok(None)
                }
            };
        };
        loop {
            let (emit, ended) = multipart::split_file_chunk(&self.pending, &delimiter);
            if ended {
                self.done = true;
                let out: Vec<u8> = self.pending[..emit].to_vec();
                self.pending.clear();
                return Ok((!out.is_empty()).then_some(out));
            }
            if emit > 0 {
                let out: Vec<u8> = self.pending.drain(..emit).collect();
                return Ok(Some(out));
            }
            match self.next_bytes().await {
                Some(Ok(chunk)) => self.pending.extend_from_slice(&chunk),
                Some(Err(_)) => return Err(AppError::Problem(ProblemCode::MalformedBody)),
                None => return Err(AppError::Problem(ProblemCode::MalformedMultipart)),
            }
        }
    }

    /// The next chunk of the body itself, as bytes in wasm.
    async fn next_bytes(&mut self) -> Option<Result<Vec<u8>, ()>> {
        match &mut self.input {
            Input::Bytes(stream) => stream.next().await.map(|r| r.map_err(|_| ())),
            Input::Js(None) => None,
            Input::Js(Some(raw)) => raw.read().await.map(|r| r.map(|chunk| chunk.to_vec())),
        }
    }

    /// The next piece of the file as a JS `Uint8Array`, `None` at its end. A raw
    /// body's chunks are handed on as the runtime gave them (never copied into wasm);
    /// a multipart body's pieces are copied out of wasm once.
    ///
    /// # Errors
    /// As [`FileSource::next`].
    pub async fn next_js(&mut self) -> AppResult<Option<js_sys::Uint8Array>> {
        if self.done {
            return Ok(None);
        }
        if self.delimiter.is_some() || !self.pending.is_empty() {
            return Ok(self
                .next()
                .await?
                .map(|bytes| js_sys::Uint8Array::from(bytes.as_slice())));
        }
        let Input::Js(Some(raw)) = &self.input else {
            return Ok(self
                .next()
                .await?
                .map(|bytes| js_sys::Uint8Array::from(bytes.as_slice())));
        };
        match raw.read().await {
            Some(Ok(chunk)) => Ok(Some(chunk)),
            Some(Err(_)) => Err(AppError::Problem(ProblemCode::MalformedBody)),
            None => {
                self.done = true;
                Ok(None)
            }
        }
    }

    /// A raw body with nothing read but whole chunks (after [`FileSource::head`]): the
    /// rest of it as the runtime's own stream, its lock released, so that the runtime
    /// moves the bytes without them passing through wasm. `Err(self)` for a multipart
    /// body or when bytes are held back; `Ok(None)` when there is no body.
    ///
    /// # Errors
    /// Gives the source back when it cannot be handed on as a stream.
    pub fn into_rest(self) -> Result<Option<web_sys::ReadableStream>, Self> {
        let FileSource {
            input,
            pending,
            delimiter,
            done,
        } = self;
        match input {
            Input::Js(raw) if pending.is_empty() && delimiter.is_none() && !done => {
                Ok(raw.map(|raw| {
                    raw.reader.release_lock();
                    raw.stream
                }))
            }
            input => Err(FileSource {
                input,
                pending,
                delimiter,
                done,
            }),
        }
    }

    /// Reads until at least `n` bytes of file are available (or the file ends) and
    /// returns them; they are handed out again by [`FileSource::next`].
    ///
    /// # Errors
    /// As [`FileSource::next`].
    pub async fn head(&mut self, n: usize) -> AppResult<Vec<u8>> {
        let mut head = Vec::new();
        while head.len() < n {
            match self.next().await? {
                Some(chunk) => head.extend_from_slice(&chunk),
                None => break,
            }
        }
        Ok(head)
    }
}

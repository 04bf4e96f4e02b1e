//! Document routes.

use onboarding_core::document::{self, ContentType, DocumentKind, SNIFF_LEN};
use onboarding_core::media_type::MediaType;
use onboarding_core::model::api::{
    DocumentList, DocumentSummary, DocumentUploaded, StoredDocument,
};
use onboarding_core::model::problem::ProblemCode;
use onboarding_core::validate;
use worker::{Request, Response};

use super::multipart;
use super::pipeline;
use super::source::FileSource;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::idempotency::{self, Done, Guard, Record, Taken};
use crate::objects::store::{RateCheck, Scope, Store, TenantScope};
use crate::objects::tenant::{LocalChange, TenantHandle};
use crate::rate_limit;
use crate::upstream::screening::Screening;

fn document_error(e: document::DocumentError) -> AppError {
    match e.http_status() {
        413 => AppError::Problem(ProblemCode::FileTooLarge),
        415 => AppError::Problem(ProblemCode::UnsupportedMediaType),
        _ => AppError::Validation(vec![e.to_validation_error("file")]),
    }
}

fn query_kind(req: &Request) -> Option<String> {
    let url = req.url().ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v.into_owned())
}

/// `POST /v1/tenants/{id}/documents`.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant, 400 malformed body, 413 too large, 415 not a
/// PDF/JPEG/PNG, 422 bad kind, empty file or `idempotency_key_reused` (another file
/// under a used key), 409 `idempotency_in_progress`, 429 over the tenant's upload
/// budget (count or bytes per window), 502/503/504 upstream.
pub async fn upload(
    mut req: Request,
    ctx: &Ctx,
    agency: &crate::registry::Agency,
    tenant_id: &str,
) -> AppResult<Response> {
    let key = http::idempotency_key(&req)?;
    let handle = TenantHandle::new(&ctx.env, tenant_id)?;
    let max = ctx.settings.max_document_bytes;
    let declared_len = http::header(&req, "Content-Length").and_then(|v| v.parse::<u64>().ok());
    let content_type = http::header(&req, "Content-Type").unwrap_or_default();
    let kind_q = query_kind(&req);
    // What is known before reading: kind, media type and, for a raw body, its length.
    // A multipart body's boundary (and so its length) differs on every retry; the
    // file's SHA-256, checked on a replay, covers the content either way.
    let mime = MediaType::parse(&content_type)
        .map(|m| m.essence().to_owned())
        .unwrap_or_default();
    let raw_len = if multipart::boundary(&content_type).is_some() {
        0
    } else {
        declared_len.unwrap_or(0)
    };
    let fingerprint = idempotency::fingerprint(&[
        b"document",
        kind_q.as_deref().unwrap_or("").as_bytes(),
        mime.as_bytes(),
        &raw_len.to_be_bytes(),
    ]);
    // The key and the upload budgets (429) are one call of the tenant's upload store,
    // asked at the same time as whether the tenant exists (404) and the agency's daily
    // budget. The upload budgets are spent when the key is taken for a run; a replay
    // is free.
    let scope = Scope::Tenant(tenant_id.to_owned(), TenantScope::Uploads);
    let guard = Guard {
        scope: scope.clone(),
        key,
        fingerprint,
        lease_ms: idempotency::UPLOAD_LEASE_MS,
        charge: upload_checks(ctx, declared_len.unwrap_or(0), false),
    };
    let exists = async { handle.status().await.map(|_| ()) };
    let budget = crate::budget::reserve(ctx, agency, crate::budget::Spend::Uploads);
    let beside = async {
        let (exists, reserved) = futures_util::future::join(exists, budget).await;
        exists.and(reserved)
    };
    let taken = idempotency::take(ctx, guard, beside).await?;
    let opened = open(&mut req, &content_type, kind_q, declared_len, max).await;
    match taken {
        Taken::Replay(replay) => {
            // Same key, kind, type and length: replay only if it is the same file too.
            let opened = opened?;
            if let Some(first) = &replay.content {
                let sha256 = pipeline::digest(opened.source, opened.head, max).await?;
                if &sha256 != first {
                    return Err(AppError::Problem(ProblemCode::IdempotencyKeyReused));
                }
            }
            replay.respond()
        }
        Taken::Run(run, reserved) => {
            let stored = async {
                let (uploaded, sha256) = store(ctx, &handle, tenant_id, opened?, max).await?;
                // Stored upstream: the agency's budget pays for it.
                reserved.keep();
                if declared_len.is_none() {
                    spend_undeclared(ctx, &scope, uploaded.size_bytes).await;
                }
                Ok(Done {
                    answer: uploaded,
                    content: Some(sha256),
                    // The scope is the tenant's own: erasure empties it whole.
                    subject: None,
                })
            }
            .await;
            run.conclude(201, stored, Record::Now).await
        }
    }
}

/// One upload and `bytes` against the tenant's upload budgets, checked together
/// (`force`: the bytes were spent already; only they are counted).
fn upload_checks(ctx: &Ctx, bytes: u64, force: bool) -> Vec<RateCheck> {
    let s = &ctx.settings;
    let uploads =
        rate_limit::Counter::hits(u64::from(s.uploads_per_tenant), s.uploads_window_seconds);
    let budget = rate_limit::Counter::hits(s.upload_bytes_per_tenant, s.uploads_window_seconds);
    let mut checks = vec![budget.check(ctx, "bytes", bytes, force)];
    if !force {
        checks.push(uploads.check(ctx, "count", 1, false));
    }
    checks
}

/// After an upload without `Content-Length`: its size counts against the byte budget
/// (the next upload over it is refused). Already stored: a failure to count it does
/// not fail the upload.
async fn spend_undeclared(ctx: &Ctx, scope: &Scope, size: u64) {
    if let Ok(store) = Store::of(&ctx.env, scope) {
        let _ = rate_limit::spend_in(&store, upload_checks(ctx, size, true)).await;
    }
}

/// A request body opened as a file: its first bytes sniffed and checked.
struct Opened {
    source: FileSource,
    head: Vec<u8>,
    kind: DocumentKind,
    sniffed: ContentType,
    /// A raw body's declared length (already checked against the limit).
    raw_len: Option<u64>,
}

/// Opens the body (raw or multipart), checks the kind, the magic bytes and the declared
/// type against them.
///
/// # Errors
/// 400 malformed, 413 too large, 415 not a PDF/JPEG/PNG, 422 bad kind or empty file.
async fn open(
    req: &mut Request,
    content_type: &str,
    kind_q: Option<String>,
    declared_len: Option<u64>,
    max: u64,
) -> AppResult<Opened> {
    let (mut source, kind, declared, raw_len) = match multipart::boundary(content_type) {
        Some(boundary) => {
            let stream = req
                .stream()
                .map_err(|_| AppError::Problem(ProblemCode::MalformedBody))?;
            // A multipart body is at most the file plus a small envelope.
            if declared_len.is_some_and(|l| l > max + multipart::MAX_PREAMBLE as u64) {
                return Err(AppError::Problem(ProblemCode::FileTooLarge));
            }
            let (src, pre) = FileSource::multipart(stream, &boundary).await?;
            (src, kind_q.or(pre.kind), pre.content_type, None)
        }
        None => {
            if !document::is_acceptable_declared(content_type) {
                return Err(AppError::Problem(ProblemCode::UnsupportedMediaType));
            }
            (
                FileSource::raw(req.inner().body()),
                kind_q,
                Some(content_type.to_owned()),
                declared_len,
            )
        }
    };
    let kind = validate::validate_document_kind(kind.as_deref().unwrap_or(""))
        .map_err(|e| AppError::Validation(vec![e]))?;
    let head = source.head(SNIFF_LEN).await?;
    let sniffed = document::check_document(&head, raw_len, max).map_err(document_error)?;
    document::check_declared(declared.as_deref(), sniffed).map_err(document_error)?;
    Ok(Opened {
        source,
        head,
        kind,
        sniffed,
        raw_len,
    })
}

/// Streams the file upstream (hashing and counting it on the way) and records it in
/// the tenant's state. Returns the reply and the SHA-256 as streamed.
///
/// # Errors
/// 413 over the limit, 502/503/504 upstream, 500 state.
async fn store(
    ctx: &Ctx,
    handle: &TenantHandle,
    tenant_id: &str,
    opened: Opened,
    max: u64,
) -> AppResult<(DocumentUploaded, String)> {
    let Opened {
        source,
        head,
        kind,
        sniffed,
        raw_len,
    } = opened;
    let screening = Screening::new(ctx)?;
    // A raw body of declared length: the runtime moves its bytes (no chunk through
    // wasm). Anything else (multipart, no `Content-Length`): the pipeline in wasm.
    let source = match raw_len.filter(|&len| len > head.len() as u64) {
        Some(len) => match source.into_rest() {
            Ok(rest) => {
                let (body, upstream_ct, pump) =
                    pipeline::native_body(rest, head, len, kind, sniffed)?;
                let upload = screening.upload_document(tenant_id, body, upstream_ct);
                let doc = pipeline::alongside(upload, pump).await?;
                let sha256 = match pipeline::reported_digest(&doc, len)? {
                    Some(sha256) => sha256,
                    None => {
                        let content = screening.document_content(tenant_id, &doc.id).await?;
                        pipeline::stored_digest(content).await?
                    }
                };
                return record(handle, doc, kind, sniffed, len, sha256).await;
            }
            Err(source) => source,
        },
        None => source,
    };
    let (body, upstream_ct, progress) = pipeline::upstream_body(source, head, kind, sniffed, max)?;
    let result = screening
        .upload_document(tenant_id, body, upstream_ct)
        .await;
    let (error, finished, size) = {
        let mut p = progress.borrow_mut();
        (p.error.take(), p.finished, p.guard.finish())
    };
    if let Some(e) = error {
        return Err(e);
    }
    let doc = result?;
    if !finished {
        return Err(AppError::UpstreamFailed(
            "screening: upload not consumed".into(),
        ));
    }
    // Every chunk was written to the digest before the stream ended.
    let digest = progress.borrow().hasher.finish();
    let sha256 = digest.await?;
    let size = size.map_err(document_error)?;
    record(handle, doc, kind, sniffed, size, sha256).await
}

/// Records an uploaded document in the tenant's state; the reply and its SHA-256.
///
/// # Errors
/// 500 state.
async fn record(
    handle: &TenantHandle,
    doc: onboarding_core::model::screening::Document,
    kind: DocumentKind,
    sniffed: ContentType,
    size: u64,
    sha256: String,
) -> AppResult<(DocumentUploaded, String)> {
    let uploaded = DocumentUploaded {
        document_id: doc.id.clone(),
        kind,
        size_bytes: size,
        sha256: sha256.clone(),
        status: if doc.status.is_empty() {
            "processing".into()
        } else {
            doc.status.clone()
        },
    };
    handle
        .local(LocalChange::DocumentUploaded(StoredDocument {
            document_id: doc.id,
            kind,
            content_type: sniffed.mime().to_owned(),
            size_bytes: size,
            sha256: sha256.clone(),
        }))
        .await?;
    Ok((uploaded, sha256))
}

/// `GET /v1/tenants/{id}/documents`: metadata only, never content.
///
/// # Errors
/// 401/403 auth, 404 unknown tenant (found by the access check), 502/503/504 upstream.
pub async fn list(ctx: &Ctx, tenant_id: &str) -> AppResult<Response> {
    // Each listing is an upstream call: bounded per tenant.
    let scope = Scope::Tenant(tenant_id.to_owned(), TenantScope::DocumentLists);
    rate_limit::hit(ctx, &scope, ctx.settings.document_lists_per_tenant, 3600).await?;
    let docs = Screening::new(ctx)?.list_documents(tenant_id).await?;
    let documents: Vec<DocumentSummary> = docs
        .into_iter()
        .map(|d| DocumentSummary {
            document_id: d.id,
            kind: d.kind,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            status: d.status,
            source: d.source,
            created_at: d.created_at,
        })
        .collect();
    http::json(200, &DocumentList { documents })
}

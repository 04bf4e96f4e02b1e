//! Documents: multipart upload (sniffed, hashed, size-checked, stored in 1 MiB
//! chunks), list, and download of the content. Each stored document is "analysed" by
//! the alarm a moment later (see [`crate::analysis`]).

use onboarding_core::document::{self, ContentType, DocumentKind};
use onboarding_core::model::screening::Document;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use worker::{Headers, Request, Response, SqlStorageValue};

use crate::analysis;
use crate::http::{self, AppError, AppResult, json, now_ms};
use crate::multipart::{self, MultipartError};
use crate::store::{CHUNK_BYTES, Db, int, opt_text, text};
use crate::tenants;

/// Room for the multipart framing and the `kind` field around the file.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// A stored document row.
#[derive(Debug, Clone, Deserialize)]
pub struct DocumentRow {
    /// Document id.
    pub id: String,
    /// Tenant id.
    pub tenant_id: String,
    /// Wire name of the kind.
    pub kind: String,
    /// MIME type.
    pub content_type: String,
    /// Size.
    pub size_bytes: i64,
    /// Hex SHA-256.
    pub sha256: String,
    /// `processing`, `accepted`, `rejected`.
    pub status: String,
    /// `upload` or `clave`.
    pub source: String,
    /// RFC 3339.
    pub created_at: String,
}

impl DocumentRow {
    /// The wire shape.
    pub fn to_document(&self) -> Document {
        Document {
            id: self.id.clone(),
            tenant_id: self.tenant_id.clone(),
            kind: self.kind.parse().unwrap_or(DocumentKind::Other),
            content_type: self.content_type.clone(),
            size_bytes: self.size_bytes.max(0) as u64,
            sha256: self.sha256.clone(),
            status: self.status.clone(),
            source: self.source.clone(),
            created_at: self.created_at.clone(),
        }
    }
}

/// A document ready to be written.
pub struct NewDocument<'a> {
    /// Tenant id.
    pub tenant_id: &'a str,
    /// Kind.
    pub kind: DocumentKind,
    /// Sniffed type.
    pub content_type: ContentType,
    /// Declared file name, if any.
    pub file_name: Option<String>,
    /// `upload` or `clave`.
    pub source: &'static str,
    /// The bytes.
    pub bytes: &'a [u8],
}

/// Writes a document, its chunks and its analysis job (call inside a transaction).
/// Returns the stored row.
pub fn insert(db: &Db, doc: NewDocument<'_>, now: i64, delay_ms: i64) -> AppResult<DocumentRow> {
    let id = http::new_id("doc")?;
    let sha = hex::encode(Sha256::digest(doc.bytes));
    let created_at = http::rfc3339(now);
    db.exec(
        "INSERT INTO documents (id, tenant_id, kind, content_type, size_bytes, sha256, status, \
         source, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?, 'processing', ?, ?, ?)",
        vec![
            text(&id),
            text(doc.tenant_id),
            text(doc.kind.as_str()),
            text(doc.content_type.mime()),
            int(doc.bytes.len() as i64),
            text(&sha),
            text(doc.source),
            opt_text(doc.file_name),
            text(&created_at),
        ],
    )?;
    for (i, chunk) in doc.bytes.chunks(CHUNK_BYTES).enumerate() {
        db.exec(
            "INSERT INTO document_chunks (document_id, idx, bytes) VALUES (?, ?, ?)",
            vec![
                text(&id),
                int(i as i64),
                SqlStorageValue::Blob(chunk.to_vec()),
            ],
        )?;
    }
    analysis::schedule_job(
        db,
        analysis::JOB_DOCUMENT,
        doc.tenant_id,
        Some(&id),
        now + delay_ms,
    )?;
    load(db, doc.tenant_id, &id)
}

/// Loads one of a tenant's documents.
///
/// # Errors
///
/// [`AppError::NotFound`] when the tenant has no such document.
pub fn load(db: &Db, tenant_id: &str, id: &str) -> AppResult<DocumentRow> {
    db.row(
        "SELECT * FROM documents WHERE tenant_id = ? AND id = ?",
        vec![text(tenant_id), text(id)],
    )?
    .ok_or(AppError::NotFound("document"))
}

/// Every document of a tenant, oldest first.
pub fn list_rows(db: &Db, tenant_id: &str) -> AppResult<Vec<DocumentRow>> {
    db.rows(
        "SELECT * FROM documents WHERE tenant_id = ? ORDER BY seq",
        vec![text(tenant_id)],
    )
}

/// `GET /v1/tenants/{id}/documents` → `{"documents":[…]}`.
pub fn list(db: &Db, tenant_id: &str) -> AppResult<Response> {
    tenants::load(db, tenant_id)?;
    let docs: Vec<Document> = list_rows(db, tenant_id)?
        .iter()
        .map(DocumentRow::to_document)
        .collect();
    json(200, &serde_json::json!({ "documents": docs }))
}

/// `POST /v1/tenants/{id}/documents` (multipart: `kind`, `file`) → 201 with the
/// document. Nothing is written unless every check passes.
pub async fn upload(
    db: &Db,
    req: &mut Request,
    tenant_id: &str,
    max_bytes: u64,
    delay_ms: i64,
) -> AppResult<Response> {
    let no_digest = tenants::load(db, tenant_id)?.outcomes().no_digest;
    let ct = req.headers().get("content-type")?.unwrap_or_default();
    let boundary = multipart::boundary(&ct).map_err(|_| {
        AppError::UnsupportedMediaType(
            "Upload documents as multipart/form-data (fields kind, file).",
        )
    })?;
    let declared_len = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared_len.is_some_and(|n| n > max_bytes + MULTIPART_OVERHEAD) {
        return Err(AppError::PayloadTooLarge(max_bytes));
    }
    let body = req.bytes().await?;
    if body.len() as u64 > max_bytes + MULTIPART_OVERHEAD {
        return Err(AppError::PayloadTooLarge(max_bytes));
    }
    let parts = multipart::parse(&body, &boundary).map_err(|e| match e {
        MultipartError::NotMultipart | MultipartError::Malformed => AppError::BadRequest(
            "malformed_multipart",
            "The multipart body could not be read.",
        ),
    })?;

    let kind_part = parts.iter().find(|p| p.name == "kind");
    let file_part = parts.iter().find(|p| p.name == "file");
    let mut errors = Vec::new();
    let kind = match kind_part {
        None => {
            errors.push(field_msg("kind", "required", "This field is required."));
            None
        }
        Some(p) => {
            let raw = String::from_utf8_lossy(&body[p.data.clone()])
                .trim()
                .to_owned();
            match raw.parse::<DocumentKind>() {
                Ok(k) => Some(k),
                Err(_) => {
                    errors.push(field_msg(
                        "kind",
                        "invalid_value",
                        "One of payslip, bank_statement, tax_return, identity_document, \
                         employment_contract, other.",
                    ));
                    None
                }
            }
        }
    };
    let Some(file) = file_part else {
        errors.push(field_msg("file", "required", "This field is required."));
        return Err(AppError::Validation(errors));
    };
    let bytes = &body[file.data.clone()];
    if bytes.is_empty() {
        errors.push(field_msg("file", "file_empty", "The file is empty."));
        return Err(AppError::Validation(errors));
    }
    if bytes.len() as u64 > max_bytes {
        return Err(AppError::PayloadTooLarge(max_bytes));
    }
    let Some(content_type) = document::sniff(bytes) else {
        return Err(AppError::UnsupportedMediaType(
            "Only PDF, JPEG and PNG files are accepted.",
        ));
    };
    let Some(kind) = kind else {
        return Err(AppError::Validation(errors));
    };

    let now = now_ms();
    let tenant_id = tenant_id.to_owned();
    let file_name = file
        .filename
        .as_deref()
        .map(|f| f.chars().take(200).collect::<String>());
    let range = file.data.clone();
    let row = db.transaction(move |db| {
        insert(
            db,
            NewDocument {
                tenant_id: &tenant_id,
                kind,
                content_type,
                file_name,
                source: "upload",
                bytes: &body[range],
            },
            now,
            delay_ms,
        )
    })?;
    let mut doc = row.to_document();
    if no_digest {
        doc.sha256.clear();
    }
    json(201, &doc)
}

/// `GET /v1/tenants/{id}/documents/{docId}/content` → the bytes.
pub fn content(db: &Db, tenant_id: &str, doc_id: &str) -> AppResult<Response> {
    tenants::load(db, tenant_id)?;
    let doc = load(db, tenant_id, doc_id)?;
    let rows = db.raw(
        "SELECT bytes FROM document_chunks WHERE document_id = ? ORDER BY idx",
        vec![text(doc_id)],
    )?;
    let mut bytes = Vec::with_capacity(doc.size_bytes.max(0) as usize);
    for row in rows {
        if let Some(SqlStorageValue::Blob(b)) = row.into_iter().next() {
            bytes.extend_from_slice(&b);
        }
    }
    if bytes.len() as i64 != doc.size_bytes {
        return Err(AppError::Internal(format!(
            "document {} has {} of {} bytes",
            doc.id,
            bytes.len(),
            doc.size_bytes
        )));
    }
    let ext = ContentType::from_mime(&doc.content_type).map_or("bin", |c| c.extension());
    let headers = Headers::new();
    headers.set("content-type", &doc.content_type)?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"{}.{ext}\"", doc.id),
    )?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("x-content-sha256", &doc.sha256)?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

fn field_msg(
    field: &str,
    code: &str,
    message: &str,
) -> onboarding_core::model::problem::FieldMessage {
    onboarding_core::model::problem::FieldMessage {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

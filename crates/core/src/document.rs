//! Uploaded documents: kinds, content types decided by magic bytes, and size limits.
//!
//! Only PDF, JPEG and PNG are accepted, and only when the file *starts* with their
//! signature. HTML, SVG, executables (MZ, ELF), ZIP containers (Office documents) and
//! polyglots whose first bytes are anything else are refused, whatever the declared
//! `Content-Type` or file name says.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::validate::code::{Code, ValidationError};

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A payslip.
    Payslip,
    /// A bank statement.
    BankStatement,
    /// A tax return.
    TaxReturn,
    /// An identity document (scan of a DNI, NIE card, passport).
    IdentityDocument,
    /// An employment contract.
    EmploymentContract,
    /// Anything else.
    Other,
}

impl DocumentKind {
    /// Every kind.
    pub const ALL: [DocumentKind; 6] = [
        Self::Payslip,
        Self::BankStatement,
        Self::TaxReturn,
        Self::IdentityDocument,
        Self::EmploymentContract,
        Self::Other,
    ];

    /// The wire name (`bank_statement`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Payslip => "payslip",
            Self::BankStatement => "bank_statement",
            Self::TaxReturn => "tax_return",
            Self::IdentityDocument => "identity_document",
            Self::EmploymentContract => "employment_contract",
            Self::Other => "other",
        }
    }
}

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DocumentKind {
    type Err = crate::model::UnknownValue;

    /// Parses the exact wire name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(crate::model::UnknownValue)
    }
}

/// Accepted content types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ContentType {
    /// `application/pdf`.
    #[serde(rename = "application/pdf")]
    Pdf,
    /// `image/jpeg`.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// `image/png`.
    #[serde(rename = "image/png")]
    Png,
}

impl ContentType {
    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// A file name extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// The content type a declared `Content-Type` header names, ignoring parameters and
    /// case (`image/jpg` and `image/pjpeg` count as JPEG). `None` for anything else.
    pub fn from_mime(mime: &str) -> Option<ContentType> {
        let essence = mime.split(';').next().unwrap_or("").trim();
        let is = |m: &str| essence.eq_ignore_ascii_case(m);
        if is("application/pdf") || is("application/x-pdf") {
            Some(Self::Pdf)
        } else if is("image/jpeg") || is("image/jpg") || is("image/pjpeg") {
            Some(Self::Jpeg)
        } else if is("image/png") || is("image/x-png") {
            Some(Self::Png)
        } else {
            None
        }
    }
}

impl std::fmt::Display for ContentType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.mime())
    }
}

/// Bytes of a file's head that [`sniff`] needs (the PNG signature).
pub const SNIFF_LEN: usize = 8;

/// Default upload limit: 15 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 15 * 1024 * 1024;

const PDF_MAGIC: &[u8] = b"%PDF-";
const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The content type from a file's first bytes: `%PDF-`, `FF D8 FF` or the 8-byte PNG
/// signature, at offset 0. Anything else (including a signature further in) is `None`.
pub fn sniff(head: &[u8]) -> Option<ContentType> {
    if head.starts_with(PDF_MAGIC) {
        Some(ContentType::Pdf)
    } else if head.starts_with(JPEG_MAGIC) {
        Some(ContentType::Jpeg)
    } else if head.starts_with(PNG_MAGIC) {
        Some(ContentType::Png)
    } else {
        None
    }
}

/// Why a document is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// No bytes.
    #[error("the file is empty")]
    Empty,
    /// Over the limit.
    #[error("the file is larger than {max} bytes")]
    TooLarge {
        /// The limit in bytes.
        max: u64,
    },
    /// Not a PDF, JPEG or PNG, or not what was declared.
    #[error("only PDF, JPEG and PNG files are accepted")]
    Unsupported,
}

impl DocumentError {
    /// The stable code: `file_empty`, `file_too_large`, `unsupported_media_type`.
    pub fn code(self) -> Code {
        match self {
            Self::Empty => Code::FileEmpty,
            Self::TooLarge { .. } => Code::FileTooLarge,
            Self::Unsupported => Code::UnsupportedMediaType,
        }
    }

    /// The HTTP status to answer with: 422, 413 or 415.
    pub fn http_status(self) -> u16 {
        match self {
            Self::Empty => 422,
            Self::TooLarge { .. } => 413,
            Self::Unsupported => 415,
        }
    }

    /// As a validation error on `field` (`file`), with `max` for a size error.
    pub fn to_validation_error(self, field: &str) -> ValidationError {
        let e = ValidationError::new(field, self.code());
        match self {
            Self::TooLarge { max } => e.with_param("max", max.to_string()),
            _ => e,
        }
    }
}

/// Checks a document from its first bytes (at least [`SNIFF_LEN`] when the file is
/// that long) and its total length when known (`Content-Length`).
///
/// # Errors
///
/// [`DocumentError::Empty`] for no bytes, [`DocumentError::TooLarge`] when
/// `total_len` exceeds `max`, [`DocumentError::Unsupported`] when the head is not a
/// PDF, JPEG or PNG signature.
pub fn check_document(
    head: &[u8],
    total_len: Option<u64>,
    max: u64,
) -> Result<ContentType, DocumentError> {
    if total_len == Some(0) || head.is_empty() {
        return Err(DocumentError::Empty);
    }
    let len = total_len.unwrap_or(head.len() as u64);
    if len > max {
        return Err(DocumentError::TooLarge { max });
    }
    sniff(head).ok_or(DocumentError::Unsupported)
}

/// Whether a file refused by [`check_document`] is a photo the browser should scale
/// down and offer again instead: a JPEG or PNG over the size limit (a PDF over it is
/// refused; it cannot be made smaller without changing what it says).
pub fn is_scalable_photo(head: &[u8], verdict: &Result<ContentType, DocumentError>) -> bool {
    matches!(verdict, Err(DocumentError::TooLarge { .. }))
        && matches!(sniff(head), Some(ContentType::Jpeg | ContentType::Png))
}

/// Whether a declared `Content-Type` could be accepted at all, before any byte is
/// read: empty, `application/octet-stream` (the bytes decide) or one of the accepted
/// types. [`check_declared`] later checks it against the sniffed bytes.
pub fn is_acceptable_declared(declared: &str) -> bool {
    let essence = declared.split(';').next().unwrap_or("").trim();
    essence.is_empty()
        || essence.eq_ignore_ascii_case("application/octet-stream")
        || ContentType::from_mime(declared).is_some()
}

/// Checks that a declared `Content-Type` agrees with the sniffed one. No declaration
/// and `application/octet-stream` are accepted (the bytes decide); a specific type must
/// name the sniffed one (`image/png` on a PDF is refused).
///
/// # Errors
///
/// [`DocumentError::Unsupported`] when the declared type is a different or an
/// unaccepted specific type.
pub fn check_declared(declared: Option<&str>, sniffed: ContentType) -> Result<(), DocumentError> {
    let Some(declared) = declared.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(());
    };
    let essence = declared.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/octet-stream") {
        return Ok(());
    }
    match ContentType::from_mime(declared) {
        Some(ct) if ct == sniffed => Ok(()),
        _ => Err(DocumentError::Unsupported),
    }
}

/// Counts bytes as they stream through and stops at the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeGuard {
    /// Limit in bytes.
    pub max: u64,
    /// Bytes seen so far.
    pub seen: u64,
}

impl SizeGuard {
    /// A guard with nothing seen.
    pub fn new(max: u64) -> Self {
        SizeGuard { max, seen: 0 }
    }

    /// Records `n` more bytes.
    ///
    /// # Errors
    ///
    /// [`DocumentError::TooLarge`] once the total exceeds the limit.
    pub fn add(&mut self, n: usize) -> Result<(), DocumentError> {
        self.seen = self.seen.saturating_add(n as u64);
        if self.seen > self.max {
            Err(DocumentError::TooLarge { max: self.max })
        } else {
            Ok(())
        }
    }

    /// The total at the end of the stream.
    ///
    /// # Errors
    ///
    /// [`DocumentError::Empty`] when no byte was seen.
    pub fn finish(&self) -> Result<u64, DocumentError> {
        if self.seen == 0 {
            Err(DocumentError::Empty)
        } else {
            Ok(self.seen)
        }
    }
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

    #[test]
    fn sniffs_the_three_types() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3"), Some(ContentType::Pdf));
        assert_eq!(sniff(b"%PDF-"), Some(ContentType::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F']),
            Some(ContentType::Jpeg)
        );
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Some(ContentType::Jpeg));
        assert_eq!(sniff(PNG), Some(ContentType::Png));
    }

    #[test]
    fn only_oversized_photos_are_scalable() {
        let jpeg: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F'];
        let max = 1000;
        let over = |head| check_document(head, Some(max + 1), max);
        assert!(is_scalable_photo(jpeg, &over(jpeg)));
        assert!(is_scalable_photo(PNG, &over(PNG)));
        assert!(!is_scalable_photo(b"%PDF-1.7\n", &over(b"%PDF-1.7\n")));
        assert!(!is_scalable_photo(
            jpeg,
            &check_document(jpeg, Some(max), max)
        ));
        assert!(!is_scalable_photo(b"GIF89a", &over(b"GIF89a")));
    }

    #[test]
    fn refuses_everything_else() {
        let cases: &[&[u8]] = &[
            b"",
            b"<!DOCTYPE html><html>",
            b"<html><body>%PDF-",
            b"<?xml version=\"1.0\"?><svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\">",
            b"MZ\x90\x00\x03\x00\x00\x00",
            b"\x7FELF\x02\x01\x01\x00",
            b"PK\x03\x04\x14\x00\x06\x00",
            b"GIF89a\x01\x00",
            b"RIFF\x00\x00\x00\x00WEBP",
            b" %PDF-1.7",
            b"\xEF\xBB\xBF%PDF-1.7",
            b"\n%PDF-1.4",
            b"%PDF",
            b"%pdf-1.4",
            &[0xFF, 0xD8],
            &[0xFF, 0xD8, 0xFE],
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A],
            &[0x89, b'P', b'N', b'G', 0x0A, 0x0A, 0x1A, 0x0A],
            b"#!/bin/sh\n",
            b"{\"a\":1}",
        ];
        for c in cases {
            assert_eq!(sniff(c), None, "{c:?}");
        }
    }

    #[test]
    fn polyglot_with_magic_later_is_refused() {
        let mut zip_then_pdf = b"PK\x03\x04".to_vec();
        zip_then_pdf.extend_from_slice(b"%PDF-1.7");
        assert_eq!(
            check_document(&zip_then_pdf, None, DEFAULT_MAX_BYTES),
            Err(DocumentError::Unsupported)
        );
        let mut html_then_png = b"<script>".to_vec();
        html_then_png.extend_from_slice(PNG);
        assert_eq!(sniff(&html_then_png), None);
    }

    #[test]
    fn check_document_errors_are_distinct() {
        assert_eq!(check_document(b"", None, 10), Err(DocumentError::Empty));
        assert_eq!(
            check_document(b"%PDF-", Some(0), 10),
            Err(DocumentError::Empty)
        );
        assert_eq!(
            check_document(b"%PDF-", Some(11), 10),
            Err(DocumentError::TooLarge { max: 10 })
        );
        assert_eq!(check_document(b"%PDF-", Some(10), 10), Ok(ContentType::Pdf));
        assert_eq!(
            check_document(b"%PDF-1.7 long", None, 10),
            Err(DocumentError::TooLarge { max: 10 })
        );
        assert_eq!(
            check_document(b"<html>", Some(6), 10),
            Err(DocumentError::Unsupported)
        );
        assert_eq!(DocumentError::Empty.code().as_str(), "file_empty");
        assert_eq!(
            DocumentError::TooLarge { max: 1 }.code().as_str(),
            "file_too_large"
        );
        assert_eq!(
            DocumentError::Unsupported.code().as_str(),
            "unsupported_media_type"
        );
        assert_eq!(DocumentError::TooLarge { max: 1 }.http_status(), 413);
        assert_eq!(DocumentError::Unsupported.http_status(), 415);
        let e = DocumentError::TooLarge {
            max: DEFAULT_MAX_BYTES,
        }
        .to_validation_error("file");
        assert_eq!(e.param("max"), Some("15728640"));
    }

    #[test]
    fn declared_type_must_match() {
        assert_eq!(check_declared(None, ContentType::Pdf), Ok(()));
        assert_eq!(
            check_declared(Some("application/octet-stream"), ContentType::Png),
            Ok(())
        );
        assert_eq!(
            check_declared(Some("application/pdf"), ContentType::Pdf),
            Ok(())
        );
        assert_eq!(
            check_declared(Some("Image/JPG; charset=binary"), ContentType::Jpeg),
            Ok(())
        );
        assert_eq!(
            check_declared(Some("image/png"), ContentType::Pdf),
            Err(DocumentError::Unsupported)
        );
        assert_eq!(
            check_declared(Some("text/html"), ContentType::Pdf),
            Err(DocumentError::Unsupported)
        );
        assert_eq!(
            check_declared(Some("image/svg+xml"), ContentType::Png),
            Err(DocumentError::Unsupported)
        );
    }

    #[test]
    fn size_guard_streams() {
        let mut g = SizeGuard::new(10);
        assert_eq!(g.finish(), Err(DocumentError::Empty));
        assert_eq!(g.add(4), Ok(()));
        assert_eq!(g.add(6), Ok(()));
        assert_eq!(g.finish(), Ok(10));
        assert_eq!(g.add(1), Err(DocumentError::TooLarge { max: 10 }));
        let mut g = SizeGuard::new(u64::MAX);
        assert_eq!(g.add(usize::MAX), Ok(()));
    }

    #[test]
    fn acceptable_declarations_before_sniffing() {
        for ok in [
            "",
            "application/pdf",
            "image/PNG; charset=binary",
            "application/octet-stream",
            "image/jpg",
        ] {
            assert!(is_acceptable_declared(ok), "{ok}");
        }
        for bad in [
            "text/html",
            "image/svg+xml",
            "application/zip",
            "application/x-msdownload",
        ] {
            assert!(!is_acceptable_declared(bad), "{bad}");
        }
    }

    #[test]
    fn kinds_parse_and_serialize() {
        for k in DocumentKind::ALL {
            assert_eq!(k.as_str().parse::<DocumentKind>(), Ok(k));
        }
        assert!("Payslip".parse::<DocumentKind>().is_err());
        assert!("passport".parse::<DocumentKind>().is_err());
        assert_eq!(
            serde_json::to_string(&DocumentKind::BankStatement).unwrap(),
            "\"bank_statement\""
        );
        assert_eq!(
            serde_json::to_string(&ContentType::Png).unwrap(),
            "\"image/png\""
        );
        assert_eq!(ContentType::Jpeg.mime(), "image/jpeg");
    }
}

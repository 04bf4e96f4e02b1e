//! A small `multipart/form-data` reader (RFC 7578) over a buffered body. Parts are
//! returned as ranges into the body, so a 15 MiB file is not copied.

use std::ops::Range;

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename`, for file parts.
    pub filename: Option<String>,
    /// Its own `Content-Type`, if given.
    pub content_type: Option<String>,
    /// Where its bytes are in the body.
    pub data: Range<usize>,
}

/// Why a body is not readable multipart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultipartError {
    /// The `Content-Type` is not `multipart/form-data` with a boundary.
    NotMultipart,
    /// The body does not follow the multipart syntax.
    Malformed,
}

/// The boundary of a `multipart/form-data; boundary=…` content type.
///
/// # Errors
///
/// [`MultipartError::NotMultipart`] for another media type or a missing boundary.
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let mut params = content_type.split(';');
    let media = params.next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return Err(MultipartError::NotMultipart);
    }
    for p in params {
        if let Some((k, v)) = p.split_once('=')
            && k.trim().eq_ignore_ascii_case("boundary")
        {
            let v = v.trim().trim_matches('"');
            if !v.is_empty() && v.len() <= 200 {
                return Ok(v.to_owned());
            }
        }
    }
    Err(MultipartError::NotMultipart)
}

/// Splits `body` into its parts.
///
/// # Errors
///
/// [`MultipartError::Malformed`] when the delimiters or part headers are broken.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, MultipartError> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    // The first delimiter may be preceded by a preamble.
    let mut pos = find(body, delim, 0).ok_or(MultipartError::Malformed)? + delim.len();
    let between = format!("\r\n--{boundary}");
    let between = between.as_bytes();
    let mut parts = Vec::new();
    loop {
        // After a delimiter: "--" ends the body, else CRLF starts a part.
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding (spaces/tabs) is allowed before the CRLF.
        while matches!(body.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err(MultipartError::Malformed);
        }
        pos += 2;
        let headers_end = find(body, b"\r\n\r\n", pos).ok_or(MultipartError::Malformed)?;
        let headers =
            std::str::from_utf8(&body[pos..headers_end]).map_err(|_| MultipartError::Malformed)?;
        let data_start = headers_end + 4;
        let data_end = find(body, between, data_start).ok_or(MultipartError::Malformed)?;
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: data_start..data_end,
        };
        for line in headers.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else {
                return Err(MultipartError::Malformed);
            };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                for p in v.split(';').skip(1) {
                    if let Some((pk, pv)) = p.split_once('=') {
                        let pv = pv.trim().trim_matches('"').to_owned();
                        match pk.trim().to_ascii_lowercase().as_str() {
                            "name" => part.name = pv,
                            "filename" => part.filename = Some(pv),
                            _ => {}
                        }
                    }
                }
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(v.trim().to_owned());
            }
        }
        if part.name.is_empty() {
            return Err(MultipartError::Malformed);
        }
        parts.push(part);
        pos = data_end + between.len();
    }
}

/// Position of `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let rel = hay[i..=hay.len() - needle.len()]
            .iter()
            .position(|&b| b == first)?;
        i += rel;
        if &hay[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Vec<u8> {
        let mut b = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npayslip\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n\xc3\xb3mina.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".to_vec();
        b.extend_from_slice(b"%PDF-1.4\r\n--X not a delimiter\r\n");
        b.extend_from_slice(b"\r\n--XyZ--\r\n");
        b
    }

    #[test]
    fn reads_fields_and_files() {
        let b = body();
        let parts = parse(&b, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "kind");
        assert_eq!(&b[parts[0].data.clone()], b"payslip");
        assert_eq!(parts[1].filename.as_deref(), Some("nómina.pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(
            &b[parts[1].data.clone()],
            b"%PDF-1.4\r\n--X not a delimiter\r\n"
        );
    }

    #[test]
    fn boundary_from_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"abc\"").unwrap(),
            "abc"
        );
        assert_eq!(
            boundary("Multipart/Form-Data;charset=x;boundary=----W").unwrap(),
            "----W"
        );
        assert_eq!(
            boundary("application/json"),
            Err(MultipartError::NotMultipart)
        );
        assert_eq!(
            boundary("multipart/form-data"),
            Err(MultipartError::NotMultipart)
        );
    }

    #[test]
    fn broken_bodies_are_errors() {
        assert_eq!(parse(b"nothing", "X"), Err(MultipartError::Malformed));
        assert_eq!(
            parse(
                b"--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
                "X"
            ),
            Err(MultipartError::Malformed)
        );
        assert_eq!(parse(b"--X--", "X").unwrap(), vec![]);
    }
}

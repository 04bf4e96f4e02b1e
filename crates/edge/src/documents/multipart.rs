//! A streaming `multipart/form-data` reader: small fields before the file are read
//! into memory (bounded), the file part is handed out chunk by chunk with the closing
//! delimiter held back.

use onboarding_core::media_type::MediaType;

/// Largest amount of multipart header and small-field data read before the file part.
pub const MAX_PREAMBLE: usize = 64 * 1024;

/// The boundary from a `multipart/form-data; boundary=…` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let media = MediaType::parse(content_type)?;
    if !media.is("multipart/form-data") {
        return None;
    }
    let b = media.param("boundary")?;
    (!b.is_empty() && b.len() <= 70).then(|| b.to_owned())
}

/// Headers of one part.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PartHeaders {
    /// `name` of `Content-Disposition`.
    pub name: String,
    /// Whether a `filename` was given.
    pub is_file: bool,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
}

/// Parses a part's header block (without the blank line).
pub fn parse_part_headers(block: &[u8]) -> Option<PartHeaders> {
    let text = std::str::from_utf8(block).ok()?;
    let mut h = PartHeaders::default();
    for line in text.split("\r\n") {
        let (k, v) = line.split_once(':')?;
        let k = k.trim();
        if k.eq_ignore_ascii_case("content-disposition") {
            for p in v.split(';').skip(1) {
                let Some((pk, pv)) = p.trim().split_once('=') else {
                    continue;
                };
                let pv = pv.trim().trim_matches('"');
                match pk.trim().to_ascii_lowercase().as_str() {
                    "name" => h.name = pv.to_owned(),
                    "filename" => h.is_file = true,
                    _ => {}
                }
            }
        } else if k.eq_ignore_ascii_case("content-type") {
            h.content_type = Some(v.trim().to_owned());
        }
    }
    Some(h)
}

/// Position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Splits the body of the file part: given the bytes held back so far plus a new chunk,
/// returns what can be emitted now, what must be held back, and whether the delimiter
/// (`\r\n--boundary`) was found (then nothing is held back and the part ended).
pub fn split_file_chunk(buf: &[u8], delimiter: &[u8]) -> (usize, bool) {
    if let Some(pos) = find(buf, delimiter) {
        return (pos, true);
    }
    let keep = delimiter.len().saturating_sub(1).min(buf.len());
    (buf.len() - keep, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----abc").as_deref(),
            Some("----abc")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=x; boundary=\"q\"").as_deref(),
            Some("q")
        );
        assert_eq!(boundary("application/json"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn part_headers() {
        let h = parse_part_headers(
            b"Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf",
        )
        .unwrap();
        assert_eq!(h.name, "file");
        assert!(h.is_file);
        assert_eq!(h.content_type.as_deref(), Some("application/pdf"));
    }

    #[test]
    fn holds_back_a_possible_delimiter() {
        let d = b"\r\n--xyz";
        assert_eq!(split_file_chunk(b"hello world", d), (5, false));
        assert_eq!(split_file_chunk(b"hello\r\n--xyz--", d), (5, true));
        assert_eq!(split_file_chunk(b"ab", d), (0, false));
    }
}

//! The edge's streaming multipart pieces (`onboarding_edge::documents::multipart`),
//! natively. Arbitrary bytes become a boundary, a file part's body and a way of cutting
//! it into chunks as the network would. Holding back a possible delimiter with
//! `split_file_chunk`, chunk after chunk, must emit exactly the bytes before the first
//! `\r\n--boundary` (what a whole-buffer search finds), whatever the cuts; the header
//! and boundary parsers must never panic on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onboarding_edge::documents::multipart::{boundary, find, parse_part_headers, split_file_chunk};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let _ = parse_part_headers(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = boundary(text);
    }
    // Layout: [boundary length 1..=70][boundary][cut seed][body…]
    let blen = 1 + usize::from(data[0]) % 70;
    let Some(b) = data.get(1..1 + blen) else { return };
    let Some(&seed) = data.get(1 + blen) else { return };
    let body = &data[2 + blen..];
    let mut delimiter = b"\r\n--".to_vec();
    delimiter.extend_from_slice(b);

    let expected = match find(body, &delimiter) {
        Some(p) => &body[..p],
        None => body, // the stream ended without its delimiter: all of it was emitted
    };
    let (mut pending, mut out, mut ended) = (Vec::new(), Vec::new(), false);
    let mut rest = body;
    let mut cut = usize::from(seed);
    while !rest.is_empty() && !ended {
        cut = (cut * 31 + 7) % 97;
        let n = (1 + cut).min(rest.len());
        pending.extend_from_slice(&rest[..n]);
        rest = &rest[n..];
        let (emit, done) = split_file_chunk(&pending, &delimiter);
        out.extend_from_slice(&pending[..emit]);
        if done {
            ended = true;
        } else {
            pending.drain(..emit);
            assert!(pending.len() < delimiter.len(), "holds back less than a delimiter");
        }
    }
    if !ended {
        out.extend_from_slice(&pending);
    }
    assert_eq!(out, expected, "chunked emission differs from a whole-buffer search");
});

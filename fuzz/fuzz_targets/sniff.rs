//! Arbitrary bytes → sniff / check_document / SizeGuard. Must never panic, and only the
//! first SNIFF_LEN bytes may decide the type.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onboarding_core::document::{
    DEFAULT_MAX_BYTES, DocumentError, SNIFF_LEN, SizeGuard, check_document, sniff,
};

fuzz_target!(|data: &[u8]| {
    let head = &data[..data.len().min(SNIFF_LEN)];
    let sniffed = sniff(data);
    assert_eq!(sniff(head), sniffed, "only the head decides");

    let max = (data.first().copied().unwrap_or(0) as u64) * 4;
    for limit in [DEFAULT_MAX_BYTES, max] {
        match check_document(head, Some(data.len() as u64), limit) {
            Ok(ct) => {
                assert_eq!(Some(ct), sniffed);
                assert!(data.len() as u64 <= limit);
            }
            Err(DocumentError::Empty) => assert!(data.is_empty()),
            Err(DocumentError::TooLarge { max }) => {
                assert_eq!(max, limit);
                assert!(data.len() as u64 > limit);
            }
            Err(DocumentError::Unsupported) => assert!(sniffed.is_none()),
        }

        // Streaming in uneven chunks agrees with the one-shot length check.
        let mut guard = SizeGuard::new(limit);
        let mut over = false;
        for chunk in data.chunks(7) {
            if guard.add(chunk.len()).is_err() {
                over = true;
                break;
            }
        }
        assert_eq!(over, data.len() as u64 > limit);
        if !over {
            assert_eq!(guard.finish().is_err(), data.is_empty());
        }
    }
});

//! Arbitrary bytes → JSON → TenantRequest → normalize → validate → localise.
//! Must never panic; normalisation must be idempotent and errors must be rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onboarding_core::i18n::{self, Locale};
use onboarding_core::model::TenantRequest;
use onboarding_core::model::identity::{DecisionUpdate, InquiryResponse};
use onboarding_core::model::webhook::Event;
use onboarding_core::validate::{Date, normalize_tenant_request, validate_tenant_request};

fuzz_target!(|data: &[u8]| {
    if let Ok(mut req) = serde_json::from_slice::<TenantRequest>(data) {
        normalize_tenant_request(&mut req);
        let mut again = req.clone();
        normalize_tenant_request(&mut again);
        assert_eq!(again, req, "normalisation is idempotent");
        // A fixed "today" keeps runs reproducible: 2024-10-06.
        let today = Date::from_unix_days(20_002);
        if let Err(errors) = validate_tenant_request(&req, today) {
            assert!(!errors.is_empty());
            for locale in [Locale::Es, Locale::En] {
                for m in i18n::localize(locale, &errors) {
                    assert!(!m.message.is_empty());
                }
            }
        }
        // What the edge forwards must serialize.
        serde_json::to_vec(&req).expect("a parsed request serializes");
    }
    // Upstream bodies parsed by the edge.
    let _ = serde_json::from_slice::<Event>(data);
    let _ = serde_json::from_slice::<InquiryResponse>(data);
    let _ = serde_json::from_slice::<DecisionUpdate>(data);
});

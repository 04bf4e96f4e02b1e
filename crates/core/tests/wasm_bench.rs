//! Validation throughput in a real browser, for `make bench` (scripts/bench.sh runs
//! `wasm-pack test --release --headless --chrome crates/core -- --test wasm_bench`
//! and reads the printed rate). It asserts correctness, never speed: timing
//! assertions on shared machines only produce flaky failures.
#![cfg(target_arch = "wasm32")]

use onboarding_core::model::TenantRequest;
use onboarding_core::validate::{Date, normalize_tenant_request, validate_tenant_request};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn full_applicant_validation_rate() {
    let base: TenantRequest =
        serde_json::from_str(include_str!("fixtures/tenant_request.json")).unwrap();
    let today = Date::parse("2026-11-23").unwrap();
    let iterations = 20_000;
    let start = js_sys::Date::now();
    for _ in 0..iterations {
        let mut req = std::hint::black_box(&base).clone();
        normalize_tenant_request(&mut req);
        assert_eq!(validate_tenant_request(&req, today), Ok(()));
    }
    let secs = (js_sys::Date::now() - start) / 1000.0;
    console_log!("bench: {:.0} validations/s", f64::from(iterations) / secs);
}

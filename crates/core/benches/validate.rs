//! Throughput of the core rules on a full applicant (DESIGN.md budget: ≥ 200,000
//! validations per second, native). Run: `cargo bench -p onboarding-core --bench validate`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use onboarding_core::model::{
    Address, Applicant, Consent, Employer, Employment, GovernmentId, Income, Name, Product,
    TenantRequest,
};
use onboarding_core::validate::{
    Date, normalize_and_validate_tenant_request, normalize_tenant_request, validate_tenant_request,
};

fn applicant(first: &str, id: &str) -> Applicant {
    Applicant {
        name: Name {
            first: format!(" {first} "),
            last: "García".into(),
            second_last: Some("López".into()),
            ..Name::default()
        },
        email: " Lucia@Example.com".into(),
        phone_number: "612 34 56 78".into(),
        date_of_birth: "1990-05-17".into(),
        addresses: vec![Address {
            line1: "Calle Mayor 1".into(),
            line2: Some("3º B".into()),
            city: "Madrid".into(),
            region: Some("M".into()),
            country_code: "es".into(),
            postal_code: "28013".into(),
            ..Address::default()
        }],
        government_id: vec![GovernmentId {
            kind: "DNI".into(),
            value: id.into(),
            country_code: "ES".into(),
            ..GovernmentId::default()
        }],
        employment: vec![Employment {
            employer: Employer {
                name: "Acme SL".into(),
                address: None,
            },
            employee_title: Some("Ingeniera".into()),
            start_date: Some("2019-08-24".into()),
            current_employee: Some("true".into()),
            contract_type: Some("PERMANENT".into()),
            ..Employment::default()
        }],
        income: Some(Income {
            period: "MONTHLY".into(),
            amount: "2500.00".into(),
            currency: "EUR".into(),
        }),
    }
}

fn request() -> TenantRequest {
    TenantRequest {
        applicant: applicant("Lucía", "12345678-Z"),
        co_applicant: None,
        product: Some(Product {
            product_type: Some("rental".into()),
            product_id: Some("ref-123".into()),
            requested_amount: Some("950".into()),
            ..Product::default()
        }),
        device_session_id: Some("c12da910e8734aea856cd0fefb2be80d".into()),
        external_reference: None,
        consent: Some(Consent {
            terms_accepted: true,
            credit_check_accepted: true,
            version: Some(onboarding_core::consent::VERSION.to_owned()),
        }),
    }
}

fn bench(c: &mut Criterion) {
    let today = Date::parse("2025-03-01").unwrap();
    let base = request();
    {
        let mut check = base.clone();
        normalize_tenant_request(&mut check);
        assert_eq!(validate_tenant_request(&check, today), Ok(()));
    }
    let mut normalized = base.clone();
    normalize_tenant_request(&mut normalized);
    let mut with_co = base.clone();
    // A valid co-applicant (an NIE, so the bench measures the accepting path).
    let mut co = applicant("Ana", "X1234567L");
    co.government_id[0].kind = "NIE".into();
    with_co.co_applicant = Some(co);
    {
        let mut check = with_co.clone();
        normalize_tenant_request(&mut check);
        assert_eq!(validate_tenant_request(&check, today), Ok(()));
    }

    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("normalize+validate full applicant", |b| {
        b.iter_batched_ref(
            || base.clone(),
            |req| {
                normalize_tenant_request(req);
                black_box(validate_tenant_request(black_box(req), today))
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("normalize_and_validate full applicant", |b| {
        b.iter_batched_ref(
            || base.clone(),
            |req| black_box(normalize_and_validate_tenant_request(black_box(req), today)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("clone+normalize+validate full applicant", |b| {
        b.iter(|| {
            let mut req = black_box(&base).clone();
            normalize_tenant_request(&mut req);
            black_box(validate_tenant_request(&req, today))
        })
    });
    group.bench_function("validate normalized applicant", |b| {
        b.iter(|| black_box(validate_tenant_request(black_box(&normalized), today)))
    });
    group.bench_function("normalize+validate applicant and co-applicant", |b| {
        b.iter_batched_ref(
            || with_co.clone(),
            |req| {
                normalize_tenant_request(req);
                black_box(validate_tenant_request(black_box(req), today))
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The journey without a browser: every step transition, Back, resume after a reload
//! at each step, token expiry mid-flow, upload retry, the step-up questions, a locale
//! switch keeping data and errors, and no panic on any sequence of events.

use std::sync::atomic::{AtomicU32, Ordering};

use onboarding_core::Date;
use onboarding_core::model::identity::Decision;
use onboarding_core::model::status::{DocumentItem, Status, StepState};

use super::*;
use crate::api::from_json;

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn counter_id() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut s = String::from("0000000000000000000000000000");
    s.push_str(&crate::html::num(1000 + n % 9000));
    s
}

const PDF: &[u8] = b"%PDF-1.4";
const TODAY: Date = Date {
    year: 2026,
    month: 12,
    day: 1,
};

fn journey() -> Journey {
    let opts = Options {
        publishable_key: "pk_test_demo".into(),
        terms_url: Some("https://agency.example/terms?a=1&b=\"2\"".into()),
        return_url: "https://agency.example/apply".into(),
        ..Options::default()
    };
    Journey::new(
        opts,
        Rc::new(Catalog::builtin(Locale::Es)),
        TODAY,
        counter_id,
    )
}

fn act(j: &mut Journey, a: Action) -> Fx {
    let fx = j.update(Event::Act(a));
    answer_catalogs(j, fx)
}

/// `fx`, with the catalogs it asks for handed over as the loader would (every language
/// is compiled in natively), and what that did.
fn answer_catalogs(j: &mut Journey, mut fx: Fx) -> Fx {
    let asked: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Catalog(l, chosen) => Some((*l, *chosen)),
            _ => None,
        })
        .collect();
    for (l, chosen) in asked {
        fx.extend(j.update(Event::Catalog(l, Rc::new(Catalog::builtin(l)), chosen)));
    }
    fx
}

fn input(j: &mut Journey, name: &str, value: &str) -> Fx {
    j.update(Event::Input {
        name: name.into(),
        value: value.into(),
        checkbox: value == "true" || value == "false",
        change: true,
    })
}

fn calls(fx: &Fx) -> Vec<&Call> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Call(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn call(fx: &Fx, reply: Reply) -> &Call {
    calls(fx)
        .into_iter()
        .find(|c| c.reply == reply)
        .unwrap_or_else(|| panic!("no {reply:?} call in {fx:?}"))
}

/// A call's JSON body.
fn json_body(b: &Body) -> Option<&str> {
    match b {
        Body::Json(j) => Some(j),
        _ => None,
    }
}

/// The upload call of file row `id` (uploads take the same call path as every call).
fn upload_call(fx: &Fx, id: u32) -> &Call {
    call(fx, Reply::Uploaded(id))
}

fn emitted<'a>(fx: &'a Fx, name: &str) -> Option<&'a Vec<(&'static str, String)>> {
    fx.iter().find_map(|e| match e {
        Effect::Emit(n, fields) if *n == name => Some(fields),
        _ => None,
    })
}

fn saved_step(fx: &Fx) -> Option<&str> {
    fx.iter().find_map(|e| match e {
        Effect::Save(s) => Some(s.step.as_str()),
        _ => None,
    })
}

fn status(f: impl FnOnce(&mut Status)) -> Status {
    let mut s = Status::new("t-1", "2026-12-01T10:00:00Z");
    f(&mut s);
    s
}

fn applicant() -> [(&'static str, &'static str); 14] {
    [
        ("applicant.name.first", "Lucía"),
        ("applicant.name.last", "García"),
        ("applicant.name.secondLast", "López"),
        ("applicant.dateOfBirth", "1990-05-17"),
        ("applicant.governmentId[0].value", "12345678Z"),
        ("applicant.email", "lucia@example.com"),
        ("applicant.phoneNumber", "612 34 56 78"),
        ("applicant.addresses[0].line1", "Calle Mayor 1"),
        ("applicant.addresses[0].postalCode", "28013"),
        ("applicant.addresses[0].city", "Madrid"),
        ("applicant.employment[0].employer.name", "Acme SL"),
        ("applicant.employment[0].employeeTitle", "Ingeniera"),
        ("applicant.employment[0].startDate", "2019-08-24"),
        ("applicant.income.amount", "2500"),
    ]
}

fn created() -> Result<api::Created, ApiError> {
    // The edge's reply as it writes it (core's TenantCreated, with the initial status).
    Ok(from_json(concat!(
        r#"{"tenantId":"t-1","sessionToken":"tok-1","status":{"tenantId":"t-1","complete":false,"#,
        r#""updatedAt":"2026-12-01T10:00:00Z","steps":{"details":"done","clave":"not_started","#,
        r#""kyc":"not_started","bank":"not_started","identity":"not_started","#,
        r#""forensic":"waiting_for_documents","documents":{"state":"not_started","items":[]}}}}"#
    ))
    .unwrap())
}

fn at_details() -> Journey {
    let mut j = journey();
    j.update(Event::Mounted(None));
    input(&mut j, "consent.termsAccepted", "true");
    input(&mut j, "consent.creditCheckAccepted", "true");
    act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "details");
    j
}

fn at_documents() -> Journey {
    let mut j = at_details();
    for (k, v) in applicant() {
        input(&mut j, k, v);
    }
    let fx = act(&mut j, Action::Next);
    assert!(j.busy, "{:?}", j.errors);
    let c = call(&fx, Reply::Created);
    assert_eq!(
        (c.method, c.path.as_str(), &c.auth),
        ("POST", "/v1/tenants", &Auth::Session)
    );
    assert_eq!(c.key.as_deref(), Some(j.tenant_key.as_str()));
    let fx = j.update(Event::Created(created()));
    assert_eq!(j.step_name(), "documents");
    assert!(fx.contains(&Effect::StartEvents("t-1".into(), "tok-1".into())));
    assert!(fx.contains(&Effect::After(TOKEN_REFRESH_MS, Timer::Renew)));
    assert_eq!(saved_step(&fx), Some("documents"));
    j
}

fn upload_pdf(j: &mut Journey, id: u32) -> String {
    let fx = j.update(Event::Files(vec![NewFile {
        id,
        name: "nómina <octubre>.pdf".into(),
        size: 2048.0,
    }]));
    assert!(fx.contains(&Effect::Sniff(id)));
    j.update(Event::FileHead {
        id,
        head: PDF.to_vec(),
        name: "nómina <octubre>.pdf".into(),
        size: 2048.0,
        scaled: false,
    });
    assert_eq!(
        j.files.iter().find(|r| r.id == id).unwrap().state,
        FileState::Ready
    );
    let fx = act(j, Action::UploadAll);
    let u = upload_call(&fx, id);
    assert_eq!(u.path, "/v1/tenants/t-1/documents?kind=payslip");
    assert_eq!(
        (&u.auth, &u.body),
        (
            &Auth::Tenant("tok-1".into()),
            &Body::File(id, "application/pdf")
        )
    );
    let key = u.key.clone().unwrap();
    j.update(Event::Progress(id, 40));
    assert_eq!(j.files[0].state, FileState::Uploading(40));
    j.update(Event::Uploaded(id, Ok("doc-1".into())));
    key
}

fn at_identity() -> Journey {
    let mut j = at_documents();
    upload_pdf(&mut j, 1);
    let fx = act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "identity");
    // KYC not verified yet: no inquiry.
    assert!(calls(&fx).is_empty(), "{fx:?}");
    j
}

fn kyc_verified(j: &mut Journey) -> Fx {
    j.update(Event::Status(status(|s| s.steps.kyc = StepState::Verified)))
}

fn challenge() -> Result<PublicInquiry, ApiError> {
    Ok(from_json(
        r#"{"inquiryId":"inq-1","decision":"Challenge","questionnaire":{"questionnaireId":"qq",
        "questions":[{"questionId":"1","questionText":"¿Dónde <vives>?","choiceType":{"type":"single"},
          "choices":[{"choiceId":"1","choiceText":"Madrid"},{"choiceId":"2","choiceText":"Lugo"}]},
         {"questionId":"2","questionText":"¿Año?","choiceType":{"type":"single"},
          "choices":[{"choiceId":"3","choiceText":"1990"}]}]}}"#,
    )
    .unwrap())
}

fn at_bank() -> Journey {
    let mut j = at_identity();
    let fx = kyc_verified(&mut j);
    let c = call(&fx, Reply::Inquiry);
    assert_eq!(c.path, "/v1/tenants/t-1/identity-inquiries");
    assert!(json_body(&c.body).unwrap().contains(&j.device_session_id));
    j.update(Event::Inquiry(Ok(from_json(
        r#"{"inquiryId":"inq-1","decision":"Allow"}"#,
    )
    .unwrap())));
    assert_eq!(j.inquiry, Inquiry::Decided(Decision::Allow));
    act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "bank");
    j
}

fn problem(json: &str) -> ApiError {
    ApiError::Status(422, Some(Box::new(from_json(json).unwrap())))
}

#[test]
fn someone_elses_file_asks_the_applicant_to_contact_the_agency() {
    let mut j = at_details();
    for (k, v) in applicant() {
        input(&mut j, k, v);
    }
    act(&mut j, Action::Next);
    let refusal = ApiError::Status(
        409,
        Some(Box::new(
            from_json(
                r#"{"type":"about:blank","title":"x","status":409,"code":"tenant_unavailable"}"#,
            )
            .unwrap(),
        )),
    );
    let fx = j.update(Event::Created(Err(refusal)));
    assert_eq!(j.notice, Some((Msg::ContactAgency, true)));
    assert_eq!(j.step_name(), "details", "no tenant, no next step");
    assert!(j.tenant.is_none());
    let error = emitted(&fx, "onboarding:error").unwrap();
    assert_eq!(error[0], ("code", "tenant_unavailable".to_owned()));
}

#[test]
fn mount_checks_the_key_and_says_ready() {
    let mut j = journey();
    let fx = j.update(Event::Mounted(None));
    assert_eq!(fx[0], Effect::Render(View::Shell));
    assert_eq!(call(&fx, Reply::Session).path, "/v1/sessions");
    let ready = emitted(&fx, "onboarding:ready").unwrap();
    assert_eq!(ready[0], ("step", "consent".to_owned()));
    // No answer: retried with back-off, never shown as refused.
    let fx = j.update(Event::Session(Err(ApiError::Network)));
    assert_eq!(fx, vec![Effect::After(1000, Timer::CheckSession)]);
    let fx = j.update(Event::Session(Err(ApiError::Status(503, None))));
    assert_eq!(fx, vec![Effect::After(2000, Timer::CheckSession)]);
    let fx = j.update(Event::Timer(Timer::CheckSession));
    call(&fx, Reply::Session);
    assert!(!j.refused);
    // Refused: the message, one event, one warning.
    let fx = j.update(Event::Session(Err(ApiError::Status(403, None))));
    assert!(j.refused);
    assert!(fx.contains(&Effect::Warn("pk_test_demo".into())));
    assert_eq!(
        emitted(&fx, "onboarding:error").unwrap()[0].1,
        "forbidden_origin"
    );
    assert!(j.step_html().contains("no disponible"));
    assert!(!j.step_html().contains("<input"));
    // Nothing moves a refused journey, but the language still switches.
    act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "consent");
    act(&mut j, Action::Lang(Locale::En));
    assert!(j.step_html().contains("not available"));
}

#[test]
fn consent_needs_both_boxes() {
    let mut j = journey();
    j.update(Event::Mounted(None));
    input(&mut j, "consent.termsAccepted", "true");
    let fx = act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "consent");
    assert_eq!(
        fx,
        vec![Effect::Render(View::Errors(Some(
            "consent.creditCheckAccepted".into()
        )))]
    );
    assert!(j.errors.contains_key("consent.creditCheckAccepted"));
    assert!(j.summary_text().unwrap().contains("crédito") || !j.summary_text().unwrap().is_empty());
    // Ticking it clears its message at once (it was touched).
    let fx = input(&mut j, "consent.creditCheckAccepted", "true");
    assert_eq!(
        fx,
        vec![Effect::Render(View::Field(
            "consent.creditCheckAccepted".into()
        ))]
    );
    assert!(j.errors.is_empty());
    let fx = act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "details");
    assert_eq!(j.device_session_id.len(), 32);
    assert!(fx.contains(&Effect::DeviceSession(j.device_session_id.clone())));
    assert_eq!(emitted(&fx, "onboarding:step").unwrap()[1].1, "2");
    // No tenant yet: nothing to save.
    assert_eq!(saved_step(&fx), None);
}

#[test]
fn details_errors_come_from_core_and_from_the_edge() {
    let mut j = at_details();
    // Blur with a wrong DNI letter: core's message on that input.
    input(&mut j, "applicant.governmentId[0].value", "12345678A");
    let fx = j.update(Event::Blur("applicant.governmentId[0].value".into()));
    assert_eq!(
        fx,
        vec![Effect::Render(View::Field(
            "applicant.governmentId[0].value".into()
        ))]
    );
    let e = j.errors.get("applicant.governmentId[0].value").unwrap();
    assert!(
        j.error_text(e).contains("letra del DNI"),
        "{}",
        j.error_text(e)
    );
    // Submitting empty: every missing field, focus on the first, nothing sent.
    let fx = act(&mut j, Action::Next);
    assert!(calls(&fx).is_empty());
    assert_eq!(
        fx,
        vec![Effect::Render(View::Errors(Some(
            "applicant.name.first".into()
        )))]
    );
    // Fixed: sent once; a 422 from the edge lands on the same input.
    for (k, v) in applicant() {
        input(&mut j, k, v);
    }
    let fx = act(&mut j, Action::Next);
    call(&fx, Reply::Created);
    // Busy: a second press sends nothing.
    assert!(calls(&act(&mut j, Action::Next)).is_empty());
    let fx = j.update(Event::Created(Err(problem(
        r#"{"type":"about:blank","title":"Validation failed","status":422,"code":"validation_failed",
        "errors":[{"field":"applicant.email","code":"invalid_email","message":"Correo no válido"}]}"#,
    ))));
    assert!(!j.busy);
    assert_eq!(j.step_name(), "details");
    assert!(fx.contains(&Effect::Render(View::Errors(Some(
        "applicant.email".into()
    )))));
    assert_eq!(
        j.errors.get("applicant.email"),
        Some(&FieldError::Edge("Correo no válido".into()))
    );
    // Network failure: a notice, the data kept, the same key on the next try.
    let key = j.tenant_key.clone();
    let fx = act(&mut j, Action::Next);
    assert_eq!(call(&fx, Reply::Created).key.as_deref(), Some(key.as_str()));
    let fx = j.update(Event::Created(Err(ApiError::Network)));
    assert_eq!(j.notice, Some((Msg::NetworkError, true)));
    assert_eq!(
        emitted(&fx, "onboarding:error").unwrap()[0].1,
        "network_error"
    );
    assert_eq!(
        j.values.get("applicant.name.first").map(String::as_str),
        Some("Lucía")
    );
}

#[test]
fn a_co_applicant_adds_its_inputs() {
    let mut j = at_details();
    let before = j.step_fields().len();
    let fx = input(&mut j, "coApplicant", "true");
    assert!(fx.contains(&Effect::Render(View::Step(false))));
    assert!(fx.contains(&Effect::Focus("co-toggle")));
    assert_eq!(j.step_fields().len(), before * 2);
    assert!(j.step_html().contains("coApplicant.name.first"));
    // Its inputs are validated too.
    for (k, v) in applicant() {
        input(&mut j, k, v);
    }
    let fx = act(&mut j, Action::Next);
    assert!(calls(&fx).is_empty());
    assert!(j.errors.contains_key("coApplicant.name.first"));
}

#[test]
fn the_whole_journey_step_by_step() {
    let mut j = at_bank();
    // Bank: open the hosted page, then continue.
    let fx = act(&mut j, Action::Open(Hosted::Bank));
    // The popup first (inside the click), then the call that brings its URL.
    assert_eq!(fx[0], Effect::OpenPopup(Hosted::Bank));
    let c = call(&fx, Reply::Hosted(Hosted::Bank));
    assert_eq!(c.path, "/v1/tenants/t-1/bank-connections");
    assert_eq!(c.auth, Auth::Tenant("tok-1".into()));
    assert_eq!(
        c.body,
        Body::Json(r#"{"returnUrl":"https://agency.example/apply"}"#.into())
    );
    assert!(j.busy);
    let fx = j.update(Event::HostedUrl(
        Hosted::Bank,
        Ok(Some("https://bank.example/x".into())),
    ));
    assert!(fx.contains(&Effect::Navigate("https://bank.example/x".into())));
    assert!(!j.busy && j.opened.contains_key("bank-connections"));
    let fx = j.update(Event::PopupClosed);
    call(&fx, Reply::Status);
    j.update(Event::Status(status(|s| {
        s.steps.kyc = StepState::Verified;
        s.steps.bank = StepState::Done;
    })));
    assert!(j.live_html().contains("class=\"ok\""));
    let fx = act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "summary");
    assert_eq!(saved_step(&fx), Some("summary"));
    assert!(j.live_html().contains("status-list"));
    // Complete: the last step, the stream stopped, the resume state gone, the event.
    let fx = j.update(Event::Status(status(|s| s.complete = true)));
    assert_eq!(j.step_name(), "done");
    assert!(fx.contains(&Effect::StopEvents) && fx.contains(&Effect::ClearSaved));
    assert_eq!(
        emitted(&fx, "onboarding:complete").unwrap()[0],
        ("tenantId", "t-1".to_owned())
    );
    assert!(j.live_html().contains("t-1"));
    assert!(
        !j.step_html().contains("class=\"count\""),
        "the end is not counted"
    );
}

#[test]
fn arriving_at_the_summary_complete_finishes_at_once() {
    let mut j = at_bank();
    j.update(Event::Status(status(|s| s.complete = true)));
    assert_eq!(j.step_name(), "bank");
    let fx = act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "done");
    emitted(&fx, "onboarding:complete").unwrap();
}

#[test]
fn back_keeps_what_was_entered() {
    let mut j = at_details();
    input(&mut j, "applicant.name.first", "Lucía");
    act(&mut j, Action::Back);
    assert_eq!(j.step_name(), "consent");
    assert!(j.step_html().contains("checked"));
    act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "details");
    assert!(j.step_html().contains("value=\"Lucía\""));

    // No Back from the documents (the details are with the edge) nor from consent.
    let mut j = at_documents();
    assert!(!j.live_html().contains("data-action=\"back\""));
    act(&mut j, Action::Back);
    assert_eq!(j.step_name(), "documents");

    // Identity → documents → identity, keeping the files and the decision.
    let mut j = at_bank();
    act(&mut j, Action::Back);
    assert_eq!(j.step_name(), "identity");
    assert!(j.live_html().contains("identity-next"));
    act(&mut j, Action::Back);
    assert_eq!(j.step_name(), "documents");
    assert_eq!(j.files.len(), 1);
    let fx = act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "identity");
    assert!(calls(&fx).is_empty(), "no second inquiry: {fx:?}");
    act(&mut j, Action::Next);
    act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "summary");
    act(&mut j, Action::Back);
    assert_eq!(j.step_name(), "bank");
}

#[test]
fn resume_after_a_reload_at_each_step() {
    for (i, def) in STEPS.iter().enumerate() {
        let mut j = journey();
        let saved = Saved {
            tenant_id: "t-9".into(),
            token: "tok-9".into(),
            step: def.name.into(),
            device_session_id: "d".repeat(32),
        };
        let fx = j.update(Event::Mounted(Some(saved)));
        assert_eq!(j.step, i, "{}", def.name);
        assert_eq!(j.tenant(), Some(("t-9", "tok-9")));
        assert_eq!(j.notice, Some((Msg::Resumed, false)));
        assert!(fx.contains(&Effect::StartEvents("t-9".into(), "tok-9".into())));
        assert_eq!(call(&fx, Reply::Status).path, "/v1/tenants/t-9/status");
        assert_eq!(call(&fx, Reply::Renewed).path, "/v1/tenants/t-9/session");
        assert!(calls(&fx).iter().all(|c| c.reply != Reply::Session));
        assert_eq!(emitted(&fx, "onboarding:ready").unwrap()[0].1, def.name);
        // The status arrives: the step carries on from there.
        let fx = kyc_verified(&mut j);
        if def.name == "identity" {
            // The open inquiry is asked for again (the edge answers with it).
            call(&fx, Reply::Inquiry);
            j.update(Event::Inquiry(challenge()));
            assert!(j.live_html().contains("data-question=\"1\""));
        } else {
            assert!(
                calls(&fx).iter().all(|c| c.reply != Reply::Inquiry),
                "{}",
                def.name
            );
        }
        assert!(!j.step_html().is_empty());
    }
    // A reload after the decision: the 409 shows the decision there is.
    let mut j = journey();
    j.update(Event::Mounted(Some(Saved {
        tenant_id: "t-9".into(),
        token: "tok-9".into(),
        step: "identity".into(),
        device_session_id: "d".repeat(32),
    })));
    kyc_verified(&mut j);
    let fx = j.update(Event::Inquiry(Err(ApiError::Status(409, None))));
    assert_eq!(j.inquiry, Inquiry::Decided(Decision::Review));
    call(&fx, Reply::Status);
    j.update(Event::Status(status(|s| {
        s.steps.kyc = StepState::Verified;
        s.steps.identity = StepState::Allow;
    })));
    assert_eq!(j.inquiry, Inquiry::Decided(Decision::Allow));
    // An unknown step in storage is a fresh start.
    let mut j = journey();
    let fx = j.update(Event::Mounted(Some(Saved {
        tenant_id: "t".into(),
        token: "x".into(),
        step: "nope".into(),
        device_session_id: String::new(),
    })));
    assert_eq!((j.step, j.tenant()), (0, None));
    call(&fx, Reply::Session);
}

fn assert_restarted(j: &Journey, fx: &Fx) {
    assert_eq!(j.step_name(), "consent");
    assert_eq!(j.tenant(), None);
    assert_eq!(j.notice, Some((Msg::SessionExpired, true)));
    assert!(fx.contains(&Effect::StopEvents) && fx.contains(&Effect::ClearSaved));
    assert_eq!(
        emitted(fx, "onboarding:error").unwrap()[0].1,
        "session_expired"
    );
    assert!(j.device_session_id.is_empty() && j.files.is_empty() && !j.busy);
}

#[test]
fn token_expiry_mid_flow_starts_again_keeping_the_typed_data() {
    // During an upload.
    let mut j = at_documents();
    let old_key = j.tenant_key.clone();
    j.update(Event::Files(vec![NewFile {
        id: 5,
        name: "a.pdf".into(),
        size: 10.0,
    }]));
    j.update(Event::FileHead {
        id: 5,
        head: PDF.to_vec(),
        name: "a.pdf".into(),
        size: 10.0,
        scaled: false,
    });
    act(&mut j, Action::UploadAll);
    let fx = j.update(Event::Uploaded(5, Err(ApiError::Status(401, None))));
    assert_restarted(&j, &fx);
    assert!(fx.contains(&Effect::ForgetFile(5)));
    assert_ne!(j.tenant_key, old_key, "a new onboarding gets a new key");
    assert_eq!(
        j.values.get("applicant.email").map(String::as_str),
        Some("lucia@example.com")
    );
    // Late news of the old tenant changes nothing.
    j.update(Event::Status(status(|s| s.complete = true)));
    j.update(Event::Created(created()));
    assert_eq!(j.step_name(), "consent");

    // The live stream refused during identity.
    let mut j = at_identity();
    let fx = j.update(Event::StreamExpired);
    assert_restarted(&j, &fx);

    // A renewal refused; a renewal that worked keeps the new token.
    let mut j = at_identity();
    let fx = j.update(Event::Timer(Timer::Renew));
    assert_eq!(call(&fx, Reply::Renewed).auth, Auth::Tenant("tok-1".into()));
    let fx = j.update(Event::Renewed(
        "tok-1".into(),
        Ok(from_json(r#"{"sessionToken":"tok-2","expiresAt":"2026-12-01T11:00:00Z"}"#).unwrap()),
    ));
    assert_eq!(j.tenant(), Some(("t-1", "tok-2")));
    assert!(fx.contains(&Effect::After(TOKEN_REFRESH_MS, Timer::Renew)));
    assert_eq!(saved_step(&fx), Some("identity"));
    // An answer for an older token is ignored.
    j.update(Event::Renewed(
        "tok-1".into(),
        Ok(from_json(r#"{"sessionToken":"old","expiresAt":"x"}"#).unwrap()),
    ));
    assert_eq!(j.tenant(), Some(("t-1", "tok-2")));
    let fx = j.update(Event::Renewed("tok-2".into(), Err(ApiError::Network)));
    assert_eq!(fx, vec![Effect::After(60_000, Timer::Renew)]);
    let fx = j.update(Event::Renewed(
        "tok-2".into(),
        Err(ApiError::Status(401, None)),
    ));
    assert_restarted(&j, &fx);

    // A status read refused, and a hosted page refused.
    let mut j = at_identity();
    let fx = j.update(Event::StatusFailed(ApiError::Status(401, None)));
    assert_restarted(&j, &fx);
    let mut j = at_identity();
    act(&mut j, Action::Open(Hosted::Kyc));
    let fx = j.update(Event::HostedUrl(
        Hosted::Kyc,
        Err(ApiError::Status(401, None)),
    ));
    assert_restarted(&j, &fx);
}

#[test]
fn uploads_retry_with_the_same_key_and_can_be_cancelled() {
    let mut j = at_documents();
    // Continue without a document: a notice, focus on the chooser.
    let fx = act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "documents");
    assert!(fx.contains(&Effect::Focus("pick")));
    assert_eq!(j.notice, Some((Msg::NeedDocument, true)));
    let key = {
        j.update(Event::Files(vec![NewFile {
            id: 3,
            name: "a.pdf".into(),
            size: 10.0,
        }]));
        j.update(Event::FileHead {
            id: 3,
            head: PDF.to_vec(),
            name: "a.pdf".into(),
            size: 10.0,
            scaled: false,
        });
        assert_eq!(j.notice, None);
        let fx = act(&mut j, Action::UploadAll);
        upload_call(&fx, 3).key.clone().unwrap()
    };
    // Progress beyond 100 is clamped; progress after the end is ignored.
    j.update(Event::Progress(3, 250));
    assert_eq!(j.files[0].state, FileState::Uploading(100));
    // Network failure, retry: the same key.
    j.update(Event::Uploaded(3, Err(ApiError::Network)));
    assert!(matches!(&j.files[0].state, FileState::Failed(m) if m.contains("conectar")));
    assert!(j.live_html().contains("id=\"retry-3\""));
    let fx = act(&mut j, Action::Retry(3));
    assert_eq!(upload_call(&fx, 3).key.as_ref(), Some(&key));
    // Cancel: the XHR is aborted; when it says so, the row is cancelled; retry again.
    assert_eq!(
        act(&mut j, Action::Cancel(3)),
        vec![Effect::CancelUpload(3)]
    );
    j.update(Event::UploadCancelled(3));
    assert_eq!(j.files[0].state, FileState::Cancelled);
    j.update(Event::Progress(3, 50));
    assert_eq!(j.files[0].state, FileState::Cancelled);
    let fx = act(&mut j, Action::Retry(3));
    assert_eq!(upload_call(&fx, 3).key.as_ref(), Some(&key));
    // The edge refuses it: its message on the row.
    j.update(Event::Uploaded(
        3,
        Err(ApiError::Status(
            415,
            Some(Box::new(
                from_json(r#"{"type":"about:blank","title":"Unsupported","status":415,"code":"unsupported_media_type"}"#)
                    .unwrap(),
            )),
        )),
    ));
    assert_eq!(j.files[0].state, FileState::Failed("Unsupported".into()));
    // Removed.
    let fx = act(&mut j, Action::Remove(3));
    assert!(fx.contains(&Effect::ForgetFile(3)));
    assert!(j.files.is_empty());
    // A file core refuses, and an oversized photo that is scaled first.
    j.update(Event::Files(vec![
        NewFile {
            id: 7,
            name: "x.gif".into(),
            size: 10.0,
        },
        NewFile {
            id: 8,
            name: "big.png".into(),
            size: 20e6,
        },
    ]));
    j.update(Event::FileHead {
        id: 7,
        head: b"GIF89a..".to_vec(),
        name: "x.gif".into(),
        size: 10.0,
        scaled: false,
    });
    assert!(matches!(j.files[0].state, FileState::Invalid(_)));
    let png = b"\x89PNG\r\n\x1a\n".to_vec();
    let fx = j.update(Event::FileHead {
        id: 8,
        head: png,
        name: "big.png".into(),
        size: 20e6,
        scaled: false,
    });
    assert_eq!(fx, vec![Effect::Shrink(8)]);
    j.update(Event::FileHead {
        id: 8,
        head: b"\xff\xd8\xff\xe0....".to_vec(),
        name: "big.jpg".into(),
        size: 3e6,
        scaled: true,
    });
    assert_eq!(j.files[1].state, FileState::Ready);
    assert_eq!(j.files[1].name, "big.jpg");
    assert!(j.live_html().contains("2,8 MB"));
    act(&mut j, Action::Lang(Locale::En));
    assert!(j.live_html().contains("2.8 MB"));
    // The file's kind follows its select.
    input(&mut j, "kind-8", "identity_document");
    assert_eq!(
        j.files[1].kind,
        onboarding_core::document::DocumentKind::IdentityDocument
    );
}

#[test]
fn cl_ave_or_a_known_document_is_enough_to_continue() {
    let mut j = at_documents();
    j.update(Event::Status(status(|s| {
        s.steps.documents.items.push(DocumentItem {
            document_id: "d-0".into(),
            kind: onboarding_core::document::DocumentKind::Payslip,
            state: StepState::Processing,
        })
    })));
    assert!(j.live_html().contains("fname"));
    act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "identity");
    let mut j = at_documents();
    act(&mut j, Action::Open(Hosted::Clave));
    j.update(Event::HostedUrl(
        Hosted::Clave,
        Ok(Some("/sandbox/clave".into())),
    ));
    act(&mut j, Action::Next);
    assert_eq!(j.step_name(), "identity");
    // A hosted page that sends no URL: the popup is closed, a notice.
    let mut j = at_documents();
    act(&mut j, Action::Open(Hosted::Clave));
    let fx = j.update(Event::HostedUrl(Hosted::Clave, Ok(None)));
    assert!(fx.contains(&Effect::ClosePopup));
    assert_eq!(j.notice, Some((Msg::GenericError, true)));
    assert!(!j.busy);
}

#[test]
fn challenge_answers() {
    let mut j = at_identity();
    kyc_verified(&mut j);
    assert_eq!(j.inquiry, Inquiry::Running);
    let fx = j.update(Event::Inquiry(challenge()));
    assert!(fx.contains(&Effect::Focus("dyn-focus")));
    let html = j.live_html();
    assert!(html.contains("&lt;vives&gt;"), "escaped: {html}");
    assert!(html.contains("data-question=\"2\""));
    // Unanswered: core's messages on the questions, nothing sent.
    let fx = act(&mut j, Action::Next);
    assert!(calls(&fx).is_empty());
    assert!(fx.contains(&Effect::Render(View::Errors(None))));
    assert!(j.errors.contains_key("answers[0]"));
    assert!(j.live_html().contains("aria-invalid"));
    let summary = j.summary_text().unwrap();
    assert!(!summary.contains(".."), "one full stop: {summary}");
    // Answered.
    input(&mut j, "q-0", "2");
    input(&mut j, "q-1", "3");
    assert!(j.live_html().contains("checked"));
    let fx = act(&mut j, Action::Next);
    let c = call(&fx, Reply::Answered);
    assert_eq!(c.path, "/v1/tenants/t-1/identity-inquiries/inq-1/answers");
    assert_eq!(
        json_body(&c.body),
        Some(
            r#"{"answers":[{"questionId":"1","choiceId":"2"},{"questionId":"2","choiceId":"3"}]}"#
        )
    );
    // The edge's 422 lands on the question.
    let fx = j.update(Event::Answered(Err(problem(
        r#"{"type":"about:blank","title":"x","status":422,"code":"validation_failed",
        "errors":[{"field":"answers[1].choiceId","code":"invalid","message":"Elige otra"}]}"#,
    ))));
    assert!(fx.contains(&Effect::Render(View::Errors(None))));
    assert!(j.live_html().contains("Elige otra"));
    let fx = act(&mut j, Action::Next);
    call(&fx, Reply::Answered);
    j.update(Event::Answered(Ok(AnswersResponse {
        decision: Decision::Deny,
    })));
    assert_eq!(j.inquiry, Inquiry::Decided(Decision::Deny));
    assert!(j.live_html().contains("identity-next"));
    // The agency's later update shows through the status.
    j.update(Event::Status(status(|s| {
        s.steps.kyc = StepState::Verified;
        s.steps.identity = StepState::Allow;
    })));
    assert_eq!(j.inquiry, Inquiry::Decided(Decision::Allow));

    // Answered already (another tab): the decision there is.
    let mut j = at_identity();
    kyc_verified(&mut j);
    j.update(Event::Inquiry(challenge()));
    input(&mut j, "q-0", "1");
    input(&mut j, "q-1", "3");
    act(&mut j, Action::Next);
    let fx = j.update(Event::Answered(Err(ApiError::Status(409, None))));
    assert!(matches!(j.inquiry, Inquiry::Decided(_)));
    call(&fx, Reply::Status);

    // Another tab is asking: asked again after a pause, and the same inquiry comes.
    let mut j = at_identity();
    kyc_verified(&mut j);
    let busy: ApiError = ApiError::Status(
        409,
        Some(Box::new(
            from_json(r#"{"type":"about:blank","title":"x","status":409,"code":"identity_inquiry_in_progress"}"#).unwrap(),
        )),
    );
    let fx = j.update(Event::Inquiry(Err(busy)));
    assert_eq!(fx, vec![Effect::After(1500, Timer::Retry)]);
    let fx = j.update(Event::Timer(Timer::Retry));
    call(&fx, Reply::Inquiry);
    // The identity service is down: a notice; the next status asks again.
    let fx = j.update(Event::Inquiry(Err(ApiError::Status(502, None))));
    assert_eq!(j.inquiry, Inquiry::NotRun);
    assert_eq!(emitted(&fx, "onboarding:error").unwrap()[0].1, "http_error");
    call(&kyc_verified(&mut j), Reply::Inquiry);
}

#[test]
fn locale_switch_keeps_data_and_errors() {
    let mut j = at_details();
    input(&mut j, "applicant.name.first", "Lucía");
    input(&mut j, "applicant.email", "nope");
    j.update(Event::Blur("applicant.email".into()));
    let es = j.error_text(j.errors.get("applicant.email").unwrap());
    let fx = j.update(Event::Locale(Locale::En));
    assert_eq!(fx, vec![Effect::Catalog(Locale::En, false)]);
    // Nothing changes until the catalog is there.
    assert!(j.step_html().contains("Tus datos"));
    let fx = j.update(Event::Catalog(
        Locale::En,
        Rc::new(Catalog::builtin(Locale::En)),
        false,
    ));
    assert_eq!(fx, vec![Effect::Render(View::Shell)]);
    let en = j.error_text(j.errors.get("applicant.email").unwrap());
    assert_ne!(es, en);
    assert!(en.is_ascii() && !en.is_empty(), "{en}");
    assert!(j.step_html().contains("Your details"));
    assert!(j.step_html().contains("value=\"Lucía\""));
    assert!(j.shell_html().contains("lang=\"en\""));
    let fx = act(&mut j, Action::Lang(Locale::Es));
    assert!(fx.contains(&Effect::Focus("lang-es")));
    assert!(j.step_html().contains("Tus datos"));
    // While a call is in flight the language still switches.
    for (k, v) in applicant() {
        input(&mut j, k, v);
    }
    act(&mut j, Action::Next);
    assert!(j.busy);
    act(&mut j, Action::Lang(Locale::En));
    assert_eq!(j.locale(), Locale::En);
    assert!(j.live_html().contains("One moment"));
}

#[test]
fn exit_tells_the_page_on_any_step() {
    let mut j = at_identity();
    let fx = act(&mut j, Action::Exit);
    assert_eq!(
        emitted(&fx, "onboarding:exit").unwrap()[0],
        ("step", "identity".to_owned())
    );
}

#[test]
fn html_escapes_what_comes_from_outside() {
    let mut j = at_documents();
    j.update(Event::Files(vec![NewFile {
        id: 1,
        name: "\"><img src=x onerror=alert(1)>".into(),
        size: 1.0,
    }]));
    let html = j.live_html();
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&quot;&gt;&lt;img"));
    let mut j = journey();
    j.update(Event::Mounted(None));
    assert!(j.step_html().contains("terms?a=1&amp;b=&quot;2&quot;"));
}

#[test]
fn consent_links_are_http_only() {
    for bad in [
        "javascript:alert(1)",
        "data:text/html,x",
        "//agency.example/t",
        "terms.html",
    ] {
        let mut j = journey();
        j.opts.terms_url = Some(bad.into());
        j.opts.credit_check_url = Some(bad.into());
        j.update(Event::Mounted(None));
        let html = j.step_html();
        assert!(!html.contains(bad), "{bad}: {html}");
    }
    let mut j = journey();
    j.opts.credit_check_url = Some("http://agency.example/credit".into());
    j.update(Event::Mounted(None));
    assert!(
        j.step_html()
            .contains("href=\"http://agency.example/credit\"")
    );
}

/// A small deterministic generator for the event soup below.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

#[test]
fn no_sequence_of_events_panics() {
    let mut rng = Lcg(7);
    let errors = || {
        [
            ApiError::Network,
            ApiError::Status(401, None),
            ApiError::Status(403, None),
            ApiError::Status(409, None),
            ApiError::Status(422, None),
            ApiError::Status(500, None),
        ]
    };
    for round in 0..300 {
        let mut j = match round % 4 {
            0 => journey(),
            1 => at_details(),
            2 => at_documents(),
            _ => at_identity(),
        };
        for _ in 0..60 {
            let e = errors()[rng.next(6)].clone();
            let id = rng.next(4) as u32;
            let ev = match rng.next(22) {
                0 => Event::Act(Action::Next),
                1 => Event::Act(Action::Back),
                2 => Event::Act(Action::Retry(id)),
                3 => Event::Act(Action::Remove(id)),
                4 => Event::Act(Action::Open(Hosted::Kyc)),
                5 => Event::Act(Action::UploadAll),
                6 => Event::Files(vec![NewFile {
                    id,
                    name: String::new(),
                    size: -1.0,
                }]),
                7 => Event::FileHead {
                    id,
                    head: vec![0xff; rng.next(9)],
                    name: "é".into(),
                    size: f64::NAN,
                    scaled: rng.next(2) == 0,
                },
                8 => Event::Progress(id, u32::MAX),
                9 => Event::Uploaded(
                    id,
                    if rng.next(2) == 0 {
                        Ok("d".into())
                    } else {
                        Err(e)
                    },
                ),
                10 => Event::UploadCancelled(id),
                11 => Event::Created(if rng.next(2) == 0 { created() } else { Err(e) }),
                12 => Event::Inquiry(if rng.next(2) == 0 {
                    challenge()
                } else {
                    Err(e)
                }),
                13 => Event::Answered(if rng.next(2) == 0 {
                    Ok(AnswersResponse {
                        decision: Decision::Allow,
                    })
                } else {
                    Err(e)
                }),
                14 => Event::Status(status(|s| {
                    s.steps.kyc = StepState::Verified;
                    s.complete = rng.next(5) == 0;
                })),
                15 => Event::Timer([Timer::Renew, Timer::Retry, Timer::CheckSession][rng.next(3)]),
                16 => Event::Renewed("tok-1".into(), Err(e)),
                17 => Event::Input {
                    name: ["q-9", "kind-x", "zzz", "applicant.email", "coApplicant"][rng.next(5)]
                        .into(),
                    value: "\u{0}<".into(),
                    checkbox: false,
                    change: true,
                },
                18 => Event::Blur("applicant.dateOfBirth".into()),
                19 => Event::HostedUrl(
                    Hosted::Bank,
                    if rng.next(2) == 0 { Ok(None) } else { Err(e) },
                ),
                20 => Event::Locale(Locale::En),
                _ => Event::Session(Err(e)),
            };
            j.update(ev);
            assert!(j.step < STEPS.len());
            let _ = (
                j.shell_html(),
                j.steps_html(),
                j.step_html(),
                j.live_html(),
                j.notice_html(),
            );
        }
    }
}

/// The line between the pure journey and the browser: outside `web/` (and the
/// `#[wasm_bindgen]` surface in `lib.rs`), no module names `web_sys`, `wasm_bindgen`
/// or the web layer; `js_sys` only in `json.rs` (the JavaScript engine's number
/// parsing and printing, so the wasm carries no float formatter: no DOM, and native
/// builds use Rust's).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn nothing_outside_web_touches_the_browser() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "web") {
                    walk(&p, out);
                }
            } else if p.extension().is_some_and(|x| x == "rs")
                && !p.ends_with("src/lib.rs")
                && !p.ends_with("journey/tests.rs")
            {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "{files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for banned in ["web_sys", "wasm_bindgen", "js_sys", "crate::web"] {
            if banned == "js_sys" && f.ends_with("src/json.rs") {
                continue;
            }
            assert!(!text.contains(banned), "{} uses {banned}", f.display());
        }
    }
}

/// Catalan on a step and in core's messages, and the language buttons.
#[test]
fn catalan_journey() {
    let mut j = at_details();
    act(&mut j, Action::Lang(Locale::Ca));
    assert_eq!(j.locale(), Locale::Ca);
    assert!(
        j.step_html().contains("Les teves dades"),
        "{}",
        j.step_html()
    );
    assert!(j.shell_html().contains("lang=\"ca\""));
    assert!(j.shell_html().contains("Català"));
    input(&mut j, "applicant.email", "nope");
    j.update(Event::Blur("applicant.email".into()));
    let ca = j.error_text(j.errors.get("applicant.email").unwrap());
    assert_eq!(
        ca,
        "El correu electrònic no és vàlid; ha de ser com nom@exemple.com."
    );
    assert_eq!(Action::parse("lang", "ca"), Some(Action::Lang(Locale::Ca)));
    // English, then Spanish, chosen quickly: English's catalog arriving last is not
    // taken (the last choice wins), Spanish's is.
    j.update(Event::Act(Action::Lang(Locale::En)));
    j.update(Event::Act(Action::Lang(Locale::Es)));
    j.update(Event::Catalog(
        Locale::Es,
        Rc::new(Catalog::builtin(Locale::Es)),
        true,
    ));
    let late = j.update(Event::Catalog(
        Locale::En,
        Rc::new(Catalog::builtin(Locale::En)),
        true,
    ));
    assert_eq!(late, vec![]);
    assert_eq!(j.locale(), Locale::Es);
    assert_eq!(Action::parse("lang", "fr"), None);
}

/// What the page prefilled is in the form, editable, checked by core on arrival; the
/// widget never sends an agency reference (only the agency's server sets one).
#[test]
fn prefill_and_no_reference_from_the_browser() {
    let opts = Options {
        publishable_key: "pk_test_demo".into(),
        prefill: vec![
            ("applicant.name.first", "Lucía".into()),
            ("applicant.email", "lucia@example".into()),
        ],
        ..Options::default()
    };
    let mut j = Journey::new(
        opts,
        Rc::new(Catalog::builtin(Locale::Es)),
        TODAY,
        counter_id,
    );
    j.update(Event::Mounted(None));
    input(&mut j, "consent.termsAccepted", "true");
    input(&mut j, "consent.creditCheckAccepted", "true");
    act(&mut j, Action::Next);
    assert!(j.step_html().contains("value=\"Lucía\""));
    let shown = j.error_text(
        j.errors
            .get("applicant.email")
            .expect("prefilled email checked"),
    );
    assert_eq!(
        shown,
        "El correo electrónico no es válido; debe ser como nombre@ejemplo.com."
    );
    assert!(!j.errors.contains_key("applicant.name.first"));
    // Editable: the applicant's own value replaces it.
    for (k, v) in applicant() {
        input(&mut j, k, v);
    }
    let fx = act(&mut j, Action::Next);
    let body = json_body(&call(&fx, Reply::Created).body)
        .unwrap()
        .to_owned();
    assert!(!body.contains("externalReference"), "{body}");
    assert!(!body.contains("\"lucia@example\""), "{body}");
}

/// A refused client token says to reload, without naming any key.
#[test]
fn a_refused_client_token() {
    let opts = Options {
        client_token: Some("ct_tag.kid.sealed".into()),
        ..Options::default()
    };
    let mut refused = Journey::new(
        opts,
        Rc::new(Catalog::builtin(Locale::Es)),
        TODAY,
        counter_id,
    );
    refused.update(Event::Mounted(None));
    let fx = refused.update(Event::Session(Err(ApiError::Status(401, None))));
    assert!(refused.refused);
    assert!(fx.contains(&Effect::Warn(String::new())));
    assert_eq!(
        emitted(&fx, "onboarding:error").unwrap()[0].1,
        "client_token_invalid"
    );
    assert!(refused.step_html().contains("Vuelve a cargar la página"));
}

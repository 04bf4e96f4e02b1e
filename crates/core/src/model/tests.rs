// In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use serde_json::{Value, json};

use super::identity::*;
use super::screening::*;
use super::status::*;
use super::webhook::*;
use super::*;
use crate::document::DocumentKind;

const SEED_REQUEST: &str = include_str!("../../tests/fixtures/seed_inquiry_request.json");
const SEED_RESPONSE: &str = include_str!("../../tests/fixtures/seed_inquiry_response.json");
const SEED_UPDATE: &str = include_str!("../../tests/fixtures/seed_decision_update.json");
const SEED_REPLY: &str = include_str!("../../tests/fixtures/seed_decision_update_reply.json");

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(src: &str) -> (T, Value) {
    let parsed: T = serde_json::from_str(src).unwrap();
    let back = serde_json::to_value(&parsed).unwrap();
    (parsed, back)
}

#[test]
fn seed_inquiry_request_round_trips_field_for_field() {
    let (req, back): (InquiryRequest, _) = round_trip(SEED_REQUEST);
    assert_eq!(back, serde_json::from_str::<Value>(SEED_REQUEST).unwrap());
    assert_eq!(
        req.applicant.government_id[0].kind,
        "GOVT_ID_TYPE_UNSPECIFIED"
    );
    assert_eq!(
        req.applicant.employment[0].current_employee.as_deref(),
        Some("true")
    );
    assert_eq!(req.co_applicant.unwrap().email, "jsmith@yahoo.com");
}

#[test]
fn seed_inquiry_response_round_trips_field_for_field() {
    let (resp, back): (InquiryResponse, _) = round_trip(SEED_RESPONSE);
    assert_eq!(back, serde_json::from_str::<Value>(SEED_RESPONSE).unwrap());
    assert_eq!(resp.decision, Decision::Challenge);
    let q = resp.questionnaire().unwrap();
    assert_eq!(q.questionnaire_id, "2");
    assert_eq!(q.questions[0].choice_type.kind, "SINGLE_CHOICE");
    assert_eq!(
        q.questions[0].choices[0].choice_text,
        "BANK OF AMERICA CORP"
    );
    let tp = resp.third_party_calls.as_ref().unwrap();
    let risk = tp
        .applicant
        .as_ref()
        .unwrap()
        .at_data_response
        .as_ref()
        .unwrap()
        .risk
        .as_ref()
        .unwrap();
    assert_eq!(risk.ip.as_ref().unwrap().proxy_type.as_deref(), Some("VPN"));
    assert_eq!(
        resp.insights.as_ref().unwrap().applicant.as_ref().unwrap()["SSNTrust"],
        "Y"
    );
}

#[test]
fn public_inquiry_leaks_nothing_private() {
    let resp: InquiryResponse = serde_json::from_str(SEED_RESPONSE).unwrap();
    let public = serde_json::to_value(resp.public()).unwrap();
    let keys: Vec<&str> = public
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["decision", "inquiryId", "questionnaire"]);
    let text = public.to_string();
    for secret in [
        "insights",
        "scoreCards",
        "thirdPartyCalls",
        "tags",
        "Verizon",
        "identityTrust",
    ] {
        assert!(!text.contains(secret), "{secret}");
    }
    let mut allow = resp.clone();
    allow.decision = Decision::Allow;
    assert_eq!(allow.public().questionnaire, None);
}

#[test]
fn minimal_inquiry_response_parses() {
    let r: InquiryResponse = serde_json::from_str(r#"{"decision":"Deny"}"#).unwrap();
    assert_eq!(r.decision, Decision::Deny);
    assert!(r.questionnaire().is_none());
    assert!(serde_json::from_str::<InquiryResponse>(r#"{"decision":"deny"}"#).is_err());
    assert!(
        serde_json::from_str::<InquiryResponse>(
            r#"{"decision":"Allow","errorResponses":{"a":{"b":[1,-2,3.5,true,"x"]}}}"#
        )
        .is_ok()
    );
}

#[test]
fn decision_update_accepts_string_or_bool() {
    let u: DecisionUpdate = serde_json::from_str(SEED_UPDATE).unwrap();
    assert_eq!(u.verified_fraud, Some(false));
    assert_eq!(u.decision, Decision::Allow);
    assert_eq!(u.tags, ["tag1", "tag2"]);
    let mut expected: Value = serde_json::from_str(SEED_UPDATE).unwrap();
    expected["verifiedFraud"] = json!(false);
    assert_eq!(serde_json::to_value(&u).unwrap(), expected);
    let b: DecisionUpdate =
        serde_json::from_str(r#"{"decision":"Review","verifiedFraud":true}"#).unwrap();
    assert_eq!(b.verified_fraud, Some(true));
    assert!(
        serde_json::from_str::<DecisionUpdate>(r#"{"decision":"Review","verifiedFraud":"maybe"}"#)
            .is_err()
    );
    let (reply, back): (DecisionUpdateReply, _) = round_trip(SEED_REPLY);
    assert_eq!(back, serde_json::from_str::<Value>(SEED_REPLY).unwrap());
    assert_eq!(reply.error.unwrap().cause, "Invalid inquiryId");
}

#[test]
fn answers_wire_shape() {
    let a: AnswersRequest =
        serde_json::from_str(r#"{"answers":[{"questionId":"1","choiceId":"1"}]}"#).unwrap();
    assert_eq!(a.answers[0].choice_id, "1");
    assert_eq!(
        serde_json::to_string(&AnswersResponse {
            decision: Decision::Allow
        })
        .unwrap(),
        r#"{"decision":"Allow"}"#
    );
}

#[test]
fn tenant_request_serializes_camel_case() {
    let req = TenantRequest {
        device_session_id: Some("abc".into()),
        ..TenantRequest::default()
    };
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(v["deviceSessionId"], "abc");
    assert!(v.get("coApplicant").is_none());
    assert_eq!(v["applicant"]["phoneNumber"], "");
    let g = GovernmentId {
        kind: "NIE".into(),
        ..GovernmentId::default()
    };
    assert_eq!(serde_json::to_value(&g).unwrap()["type"], "NIE");
    assert_eq!(g.id_type(), Some(GovernmentIdType::Nie));
}

#[test]
fn create_tenant_from_request() {
    let req: TenantRequest = serde_json::from_value(json!({
        "applicant": {"name": {"first": "Lucía", "last": "García", "secondLast": "López"},
          "email": "lucia@example.com", "phoneNumber": "+34612345678", "dateOfBirth": "1990-05-17",
          "addresses": [{"line1": "Calle Mayor 1", "line2": "3º B", "city": "Madrid", "countryCode": "ES", "postalCode": "28013"}],
          "governmentId": [{"type": "DNI", "value": "12345678Z", "countryCode": "ES"}],
          "employment": [{"employer": {"name": "Acme SL"}, "currentEmployee": "true", "contractType": "PERMANENT"}],
          "income": {"period": "MONTHLY", "amount": "2500", "currency": "EUR"}},
        "deviceSessionId": "c12da910e8734aea856cd0fefb2be80d"
    }))
    .unwrap();
    let t = CreateTenant::from_request(&req, Some("idem-1"));
    assert_eq!(t.identification_number, "12345678Z");
    assert_eq!(t.identification_type, "DNI");
    assert_eq!(t.postcode, "28013");
    assert_eq!(t.address, "Calle Mayor 1, 3º B, Madrid");
    assert_eq!(t.employment.as_ref().unwrap().current, Some(true));
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(v["firstName"], "Lucía");
    assert_eq!(v["externalReference"], "idem-1");
    let tenant = Tenant {
        id: "ten_1".into(),
        details: t.clone(),
        credit_check: Some(CreditCheck {
            defaulter: false,
            risk: "low".into(),
        }),
        created_at: "2024-06-15T10:00:00Z".into(),
    };
    let v = serde_json::to_value(&tenant).unwrap();
    assert_eq!(v["id"], "ten_1");
    assert_eq!(v["firstName"], "Lucía");
    assert_eq!(v["creditCheck"]["risk"], "low");
    let back: Tenant = serde_json::from_value(v).unwrap();
    assert_eq!(back, tenant);
}

#[test]
fn screening_bodies() {
    let d: Document = serde_json::from_value(json!({
        "id": "doc_1", "tenantId": "ten_1", "kind": "payslip", "contentType": "application/pdf",
        "sizeBytes": 1234, "sha256": "ab", "status": "processing", "source": "upload",
        "createdAt": "2024-06-15T10:00:00Z"
    }))
    .unwrap();
    assert_eq!(d.kind, DocumentKind::Payslip);
    let w = WebhookConfig {
        url: "https://edge/webhooks/skor".into(),
        events: EventType::ALL.to_vec(),
    };
    assert_eq!(
        serde_json::to_value(&w).unwrap()["events"][4],
        "financial.analysis.completed"
    );
    let f: ForensicAnalysis = serde_json::from_value(
        json!({"status": "completed", "fraudIndicators": ["x"], "risk": "high"}),
    )
    .unwrap();
    assert_eq!(f.fraud_indicators, ["x"]);
    let h: HostedSession =
        serde_json::from_value(json!({"id": "kyc_1", "url": "https://x"})).unwrap();
    assert_eq!(h.url, "https://x");
    let s: FinancialScore = serde_json::from_value(json!({"score": 720, "band": "B"})).unwrap();
    assert_eq!(s.score, 720);
}

fn event(id: &str, data: Value) -> Event {
    let mut v = data;
    v["id"] = json!(id);
    v["tenantId"] = json!("ten_1");
    v["createdAt"] = json!("2024-06-15T10:00:00Z");
    serde_json::from_value(v).unwrap()
}

#[test]
fn webhook_envelopes() {
    let src = r#"{"id":"evt_1","data":{"documentId":"doc_1","status":"accepted"},"createdAt":"2024-06-15T10:00:00Z","tenantId":"ten_1","type":"document.analysis.completed"}"#;
    let e: Event = serde_json::from_str(src).unwrap();
    assert_eq!(e.event_type(), EventType::DocumentAnalysisCompleted);
    let EventData::DocumentAnalysis(d) = &e.data else {
        panic!("{e:?}")
    };
    assert_eq!(d.status, DocumentOutcome::Accepted);
    let back = serde_json::to_value(&e).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(src).unwrap());
    assert_eq!(back["type"], "document.analysis.completed");

    for t in EventType::ALL {
        assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        assert_eq!(t.as_str().parse::<EventType>(), Ok(t));
    }
    let unknown = r#"{"id":"e","tenantId":"t","type":"tenant.deleted","data":{}}"#;
    assert!(serde_json::from_str::<Event>(unknown).is_err());
    let mismatched = r#"{"id":"e","tenantId":"t","type":"kyc.completed","data":{"documentId":"d","status":"accepted"}}"#;
    assert!(serde_json::from_str::<Event>(mismatched).is_err());
    let f = event(
        "e",
        json!({"type": "forensic.analysis.completed", "data": {"status": "completed", "fraudIndicators": ["forged_payslip"], "risk": "high"}}),
    );
    let EventData::Forensic(r) = f.data else {
        panic!()
    };
    assert_eq!(r.fraud_indicators, ["forged_payslip"]);
}

fn doc(id: &str, status: &str) -> Event {
    event(
        &format!("evt_{id}"),
        json!({"type": "document.analysis.completed", "data": {"documentId": id, "kind": "payslip", "status": status}}),
    )
}
fn kyc(status: &str) -> Event {
    event(
        "evt_kyc",
        json!({"type": "kyc.completed", "data": {"status": status}}),
    )
}
fn forensic() -> Event {
    event(
        "evt_f",
        json!({"type": "forensic.analysis.completed", "data": {"status": "completed", "risk": "low"}}),
    )
}

#[test]
fn status_initial_shape() {
    let s = Status::new("ten_1", "t0");
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(
        v,
        json!({"tenantId": "ten_1", "steps": {"details": "done",
            "documents": {"state": "not_started", "items": []},
            "clave": "not_started", "kyc": "not_started", "bank": "not_started",
            "identity": "not_started", "forensic": "waiting_for_documents"},
            "complete": false, "updatedAt": "t0"})
    );
}

#[test]
fn status_happy_path() {
    let mut s = Status::new("ten_1", "t0");
    s.document_uploaded("doc_1", DocumentKind::Payslip, "t1");
    assert_eq!(s.steps.documents.state, StepState::Processing);
    assert_eq!(s.steps.forensic, StepState::WaitingForKyc);
    s.started(Startable::Kyc, "t2");
    assert_eq!(s.steps.kyc, StepState::Pending);
    s.apply(&doc("doc_1", "accepted"), "t3");
    s.apply(&kyc("verified"), "t4");
    assert_eq!(s.steps.forensic, StepState::Processing);
    s.identity_decided(Decision::Allow, "t5");
    assert!(!s.complete);
    s.apply(&forensic(), "t6");
    assert!(s.complete && s.is_complete());
    assert_eq!(s.updated_at, "t6");
    assert_eq!(s.steps.documents.state, StepState::Done);
}

#[test]
fn status_out_of_order() {
    // Forensic result before the KYC result, analysis before the upload is recorded,
    // KYC result before the "started" mark.
    let mut s = Status::new("ten_1", "t0");
    s.apply(&forensic(), "t1");
    s.apply(&doc("doc_1", "accepted"), "t2");
    s.document_uploaded("doc_1", DocumentKind::BankStatement, "t3");
    s.apply(&kyc("verified"), "t4");
    s.started(Startable::Kyc, "t5");
    s.identity_decided(Decision::Allow, "t6");
    assert_eq!(s.steps.forensic, StepState::Done);
    assert_eq!(s.steps.kyc, StepState::Verified);
    assert_eq!(s.steps.documents.items.len(), 1);
    assert_eq!(s.steps.documents.items[0].state, StepState::Accepted);
    assert_eq!(s.steps.documents.items[0].kind, DocumentKind::BankStatement);
    assert!(s.complete);

    // Same events in the natural order end in the same steps.
    let mut n = Status::new("ten_1", "t0");
    n.document_uploaded("doc_1", DocumentKind::BankStatement, "t1");
    n.started(Startable::Kyc, "t2");
    n.apply(&kyc("verified"), "t3");
    n.apply(&doc("doc_1", "accepted"), "t4");
    n.apply(&forensic(), "t5");
    n.identity_decided(Decision::Allow, "t6");
    assert_eq!(n.steps, s.steps);
}

#[test]
fn status_duplicates_failures_and_retries() {
    let mut s = Status::new("ten_1", "t0");
    let e = doc("doc_1", "rejected");
    s.apply(&e, "t1");
    s.apply(&e, "t2");
    assert_eq!(s.steps.documents.items.len(), 1);
    assert_eq!(s.steps.documents.state, StepState::Failed);
    assert_eq!(s.steps.forensic, StepState::WaitingForDocuments);
    s.apply(&kyc("rejected"), "t3");
    s.started(Startable::Kyc, "t4");
    assert_eq!(s.steps.kyc, StepState::Pending, "a retry after a rejection");
    s.apply(&doc("doc_2", "accepted"), "t5");
    assert_eq!(s.steps.documents.state, StepState::Done);
    assert_eq!(s.steps.forensic, StepState::WaitingForKyc);
    let clave = event(
        "evt_c",
        json!({"type": "clave.completed", "data": {"status": "completed", "documentIds": ["doc_3", "doc_2"]}}),
    );
    s.apply(&clave, "t6");
    assert_eq!(s.steps.clave, StepState::Done);
    assert_eq!(s.steps.documents.items.len(), 3);
    assert_eq!(s.steps.documents.state, StepState::Processing);
    let fin = event(
        "evt_b",
        json!({"type": "financial.analysis.completed", "data": {"status": "completed", "score": 700, "band": "B"}}),
    );
    s.apply(&fin, "t7");
    assert_eq!(s.steps.bank, StepState::Done);
    s.started(Startable::Bank, "t8");
    assert_eq!(s.steps.bank, StepState::Done, "a result is not downgraded");
    s.identity_decided(Decision::Challenge, "t9");
    assert_eq!(s.steps.identity, StepState::Challenge);
    s.identity_decided(Decision::Deny, "t10");
    assert_eq!(s.steps.identity, StepState::Deny);
    assert!(!s.complete);
}

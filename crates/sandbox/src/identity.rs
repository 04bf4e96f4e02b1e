//! The identity-decision API (seed `004`, `k1_integration_api`):
//! `POST /identity/v1/inquiries`, `PUT /identity/v1/inquiries/{id}/decision` and the
//! step-up `POST /identity/v1/inquiries/{id}/answers`.
//!
//! The decision comes from the applicant email's `+tag` (see [`crate::outcomes`]).
//! Responses carry every field of the seed — insights, score cards, third-party
//! calls, tags — so that the edge's stripping of agency-only data can be tested.

use onboarding_core::i18n::Locale;
use onboarding_core::model::identity::{
    AnswersRequest, AnswersResponse, Decision, DecisionUpdate, DecisionUpdateReply, InquiryRequest,
    InquiryResponse,
};
use serde::Deserialize;
use serde_json::{Value, json};
use worker::{Request, Response};

use crate::http::{self, AppError, AppResult, json as respond, json_body, now_ms};
use crate::outcomes::Outcomes;
use crate::store::{Db, text};

/// The right answer of each step-up question: `(questionId, choiceId)`.
pub const RIGHT_ANSWERS: [(&str, &str); 3] = [("1", "2"), ("2", "3"), ("3", "1")];

/// `POST /identity/v1/inquiries` → 200 with the full inquiry response. Repeating an
/// `inquiryId` returns the stored response (idempotent).
pub async fn create(db: &Db, req: &mut Request) -> AppResult<Response> {
    let locale = Locale::negotiate(&req.headers().get("accept-language")?.unwrap_or_default());
    let mut inquiry: InquiryRequest = json_body(req).await?;
    if inquiry.applicant.email.trim().is_empty() {
        return Err(AppError::field(
            "applicant.email",
            "required",
            "This field is required.",
        ));
    }
    if inquiry.inquiry_id.trim().is_empty() {
        inquiry.inquiry_id = http::uuid()?;
    }
    if inquiry.inquiry_id.len() > 64 {
        return Err(AppError::field(
            "inquiryId",
            "too_long",
            "At most 64 characters.",
        ));
    }
    #[derive(Deserialize)]
    struct Stored {
        response: String,
    }
    if let Some(s) = db.row::<Stored>(
        "SELECT response FROM inquiries WHERE id = ?",
        vec![text(&inquiry.inquiry_id)],
    )? {
        let v: Value = serde_json::from_str(&s.response)?;
        return respond(200, &v);
    }
    let outcomes = Outcomes::from_email(&inquiry.applicant.email);
    if outcomes.same_inquiry
        && let Some(s) = db.row::<Stored>(
            "SELECT response FROM inquiries WHERE json_extract(request, '$.applicant.email') = ? \
             ORDER BY created_at LIMIT 1",
            vec![text(&inquiry.applicant.email)],
        )?
    {
        let v: Value = serde_json::from_str(&s.response)?;
        return respond(200, &v);
    }
    if outcomes.identity_down {
        return Err(AppError::Internal(
            "identity service down (test value +identitydown)".into(),
        ));
    }
    let decision = outcomes.decision();
    let authentication_id = http::uuid()?;
    let response = response_body(&inquiry, decision, &authentication_id, locale);
    // The response must read back as the seed's shape.
    let _: InquiryResponse = serde_json::from_value(response.clone())?;
    db.exec(
        "INSERT INTO inquiries (id, authentication_id, decision, request, response, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        vec![
            text(&inquiry.inquiry_id),
            text(&authentication_id),
            text(decision.as_str()),
            text(serde_json::to_string(&inquiry)?),
            text(serde_json::to_string(&response)?),
            text(http::rfc3339(now_ms())),
        ],
    )?;
    respond(200, &response)
}

#[derive(Debug, Deserialize)]
struct InquiryRow {
    id: String,
    decision: String,
    answered: i64,
    updates: String,
}

fn load(db: &Db, id: &str) -> AppResult<InquiryRow> {
    db.row(
        "SELECT id, decision, answered, updates FROM inquiries WHERE id = ?",
        vec![text(id)],
    )?
    .ok_or(AppError::NotFound("inquiry"))
}

/// `PUT /identity/v1/inquiries/{id}/decision` → the seed's
/// `{inquiryId, correlationId, message}`.
pub async fn update_decision(db: &Db, req: &mut Request, id: &str) -> AppResult<Response> {
    let row = load(db, id)?;
    let update: DecisionUpdate = json_body(req).await?;
    if !update.inquiry_id.is_empty() && update.inquiry_id != row.id {
        return Err(AppError::field(
            "inquiryId",
            "mismatch",
            "Does not match the inquiry in the path.",
        ));
    }
    let mut updates: Vec<Value> = serde_json::from_str(&row.updates).unwrap_or_default();
    updates.push(serde_json::to_value(&update)?);
    db.exec(
        "UPDATE inquiries SET decision = ?, updates = ? WHERE id = ?",
        vec![
            text(update.decision.as_str()),
            text(serde_json::to_string(&updates)?),
            text(&row.id),
        ],
    )?;
    respond(
        200,
        &DecisionUpdateReply {
            inquiry_id: row.id,
            correlation_id: http::uuid()?,
            message: "successfully updated".into(),
            error: None,
        },
    )
}

/// `POST /identity/v1/inquiries/{id}/answers` → `{decision}`: `Allow` when every
/// question is answered right, else `Deny`. Only for a `Challenge`, only once.
pub async fn answers(db: &Db, req: &mut Request, id: &str) -> AppResult<Response> {
    // Body first: no await between reading the inquiry and recording the answer.
    let body: AnswersRequest = json_body(req).await?;
    let row = load(db, id)?;
    if row.decision != Decision::Challenge.as_str() || row.answered != 0 {
        return Err(AppError::Conflict(
            "not_challenged",
            "This inquiry has no open step-up questionnaire.".into(),
        ));
    }
    if body.answers.is_empty() {
        return Err(AppError::field(
            "answers",
            "required",
            "Answer every question.",
        ));
    }
    let decision = grade(&body);
    db.exec(
        "UPDATE inquiries SET decision = ?, answered = 1 WHERE id = ?",
        vec![text(decision.as_str()), text(&row.id)],
    )?;
    respond(200, &AnswersResponse { decision })
}

/// `Allow` when every question has exactly its right answer.
pub fn grade(body: &AnswersRequest) -> Decision {
    let right = RIGHT_ANSWERS.iter().all(|(q, c)| {
        let given: Vec<&str> = body
            .answers
            .iter()
            .filter(|a| a.question_id == *q)
            .map(|a| a.choice_id.as_str())
            .collect();
        given == [*c]
    });
    if right && body.answers.len() == RIGHT_ANSWERS.len() {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// The questionnaire of a `Challenge` (seed `strategy.actions[].data`).
fn questionnaire(locale: Locale) -> Value {
    let q = |id: &str, text: &str, choices: &[&str]| {
        json!({
            "questionId": id,
            "questionText": text,
            "choiceType": {"type": "SINGLE_CHOICE"},
            "choices": choices.iter().enumerate().map(|(i, c)| json!({
                "choiceId": (i + 1).to_string(), "choiceText": c
            })).collect::<Vec<_>>()
        })
    };
    let questions = match locale {
        Locale::Es => vec![
            q(
                "1",
                "Según su historial de crédito, tiene un préstamo personal. ¿Qué entidad se lo concedió?",
                &[
                    "BANCO SANTANDER",
                    "CAIXABANK",
                    "BBVA",
                    "Ninguna de las anteriores",
                ],
            ),
            q(
                "2",
                "¿En qué provincia ha tenido una dirección anterior?",
                &["Sevilla", "Valencia", "Madrid", "Ninguna de las anteriores"],
            ),
            q(
                "3",
                "¿En qué año empezó a trabajar en su empleo actual?",
                &["2019", "2016", "2021", "Ninguno de los anteriores"],
            ),
        ],
        Locale::Ca => vec![
            q(
                "1",
                "Segons el seu historial de crèdit, té un préstec personal. Quina entitat l'hi va concedir?",
                &[
                    "BANCO SANTANDER",
                    "CAIXABANK",
                    "BBVA",
                    "Cap de les anteriors",
                ],
            ),
            q(
                "2",
                "En quina província ha tingut una adreça anterior?",
                &["Sevilla", "Valencia", "Madrid", "Cap de les anteriors"],
            ),
            q(
                "3",
                "En quin any va començar a treballar a la feina actual?",
                &["2019", "2016", "2021", "Cap dels anteriors"],
            ),
        ],
        Locale::En => vec![
            q(
                "1",
                "Your credit file indicates you may have a personal loan. Who is the credit provider for this account?",
                &["BANCO SANTANDER", "CAIXABANK", "BBVA", "None of the above"],
            ),
            q(
                "2",
                "In which province have you had a previous address?",
                &["Sevilla", "Valencia", "Madrid", "None of the above"],
            ),
            q(
                "3",
                "In which year did you start at your current job?",
                &["2019", "2016", "2021", "None of the above"],
            ),
        ],
    };
    json!({"questionnaireId": "2", "questions": questions})
}

/// Insights for one person, coloured by the decision.
fn insights(decision: Decision) -> Value {
    let (trust, risk, assessment) = match decision {
        Decision::Allow => ("Y", "N", "Allow"),
        Decision::Challenge => ("Y", "N", "Challenge"),
        Decision::Review => ("N", "N", "Review"),
        Decision::Deny => ("N", "Y", "Deny"),
    };
    let pairs: [(&str, &str); 43] = [
        ("identityTrust", trust),
        ("identityVerification", trust),
        (
            "identityVerificationReason",
            if trust == "Y" {
                "identityFullMatch"
            } else {
                "identityNoMatch"
            },
        ),
        ("identityResolution", trust),
        ("identityResolutionReason", "identityMediumCorroboration"),
        ("identityRisk", risk),
        (
            "identityRiskReason",
            if risk == "Y" {
                "identityRiskHigh"
            } else {
                "identityRiskLow"
            },
        ),
        ("phoneTrust", trust),
        ("phoneVerification", "Y"),
        ("phoneVerificationReason", "phoneFullMatch"),
        ("phoneAffiliation", "Y"),
        ("phoneAffiliationReason", "phoneMediumCorroboration"),
        ("phoneInsights", "N"),
        ("phoneInsightsReason", ""),
        ("phoneRisk", risk),
        ("emailTrust", trust),
        ("emailVerification", "Y"),
        ("emailVerificationReason", "emailFullMatch"),
        ("emailAffiliation", "Y"),
        ("emailAffiliationReason", "accountNameFullMatch"),
        ("emailInsights", "N"),
        ("emailInsightsReason", ""),
        ("emailRisk", risk),
        ("SSNTrust", trust),
        ("SSNVerification", "Y"),
        ("SSNVerificationReason", "SSN Found"),
        ("SSNAffiliation", "Y"),
        ("SSNAffiliationReason", "SSN Affiliated"),
        ("SSNRisk", risk),
        ("addressTrust", trust),
        ("addressVerification", "Y"),
        ("addressVerificationReason", "Verified"),
        ("addressAffiliation", "Y"),
        ("addressAffiliationReason", "addressNameFullMatch"),
        ("addressRisk", risk),
        ("addressInsights", "Y"),
        ("addressInsightsReason", "NoInsightsReturned"),
        ("dobTrust", trust),
        ("dobVerification", "Y"),
        ("dobVerificationReason", "DOB Verified"),
        ("dobInsights", "Y"),
        ("deceased", "N"),
        ("riskAssessment", assessment),
    ];
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect(),
    )
}

/// Third-party data for one person.
fn third_party(email: &str, name: &str, postcode: &str, phone: &str, decision: Decision) -> Value {
    let score = match decision {
        Decision::Allow => "0.08",
        Decision::Challenge => "0.41",
        Decision::Review => "0.55",
        Decision::Deny => "0.93",
    };
    json!({
        "atDataResponse": {
            "risk": {
                "score": score, "queryId": "sbx-q-0001", "tumblingRisk": score,
                "ip": {"routingType": "ISP", "organization": "Sandbox Telecom SA",
                       "latitude": "40.4168", "proxyType": "", "hostingFacility": "false",
                       "longitude": "-3.7038"},
                "domain": {"domainRiskScore": if decision == Decision::Deny { "80" } else { "0" }},
                "postal": {"deliverability": "deliverable", "addressType": "street",
                           "lastNameMatch": "match", "firstNameMatch": "match",
                           "deliverabilitySubstatus": "", "zipMatch": "match",
                           "cityMatch": "match", "streetMatch": "match",
                           "ipPostalDistance": "less than 5 miles"},
                "phone": {"lineType": "mobile", "carrier": "Sandbox Movil", "status": "active",
                          "prepaid": "false",
                          "owner": {"firstNameMatch": "match", "lastNameMatch": "match",
                                    "streetMatch": "match", "cityMatch": "match",
                                    "zipMatch": "match", "type": "individual"}}
            },
            "eam": {"longevity": "3", "velocity": "2", "dateFirstSeen": "2019-03-01", "popularity": "4"},
            "dam": {"longevity": "3", "velocity": "2", "dateFirstSeen": "2010-01-01", "popularity": "10"},
            "emailValidation": {"domainType": "generic", "statusCode": "valid",
                                "address": email, "status": "valid", "roleAccount": "false"}
        },
        "employeeData": {
            "employeeNames": [name],
            "phoneNumbers": [phone],
            "emailAddresses": [email],
            "employeeAddresses": [{"addressType": "HOME", "addressLine1": "", "addressLine2": "",
                                   "addressLine3": "", "cityName": "", "stateCode": "",
                                   "postalCode": postcode}],
            "dateOfBirths": []
        }
    })
}

/// The full seed-shaped response.
fn response_body(inq: &InquiryRequest, decision: Decision, auth_id: &str, locale: Locale) -> Value {
    let a = &inq.applicant;
    let name = format!("{} {}", a.name.first, a.name.last)
        .trim()
        .to_owned();
    let postcode = a.addresses.first().map_or("", |ad| ad.postal_code.as_str());
    let strategy_name = if inq.strategy.is_empty() {
        "TenantOnboardingStandard"
    } else {
        inq.strategy.as_str()
    };
    let actions = if decision == Decision::Challenge {
        json!([{"method": "KBA", "status": "challenge", "data": questionnaire(locale)}])
    } else {
        json!([])
    };
    let mut insights_v = json!({"applicant": insights(decision)});
    let mut third =
        json!({"applicant": third_party(&a.email, &name, postcode, &a.phone_number, decision)});
    if let Some(co) = &inq.co_applicant {
        let co_decision = Outcomes::from_email(&co.email).decision();
        insights_v["coApplicant"] = insights(co_decision);
        let co_name = format!("{} {}", co.name.first, co.name.last)
            .trim()
            .to_owned();
        let co_pc = co
            .addresses
            .first()
            .map_or("", |ad| ad.postal_code.as_str());
        third["coApplicant"] =
            third_party(&co.email, &co_name, co_pc, &co.phone_number, co_decision);
    }
    let tag = format!("sandbox:{}", decision.as_str().to_ascii_lowercase());
    json!({
        "inquiryId": inq.inquiry_id,
        "authenticationId": auth_id,
        "deviceSessionId": inq.device_session_id,
        "decision": decision.as_str(),
        "userSegment": "Default",
        "tags": ["sandbox", tag],
        "scoreCards": [{
            "name": strategy_name,
            "description": "Sandbox identity strategy",
            "segmentCount": "4", "policyCount": "12", "weight": "10",
            "activeSegmentCount": "4", "activePolicyCount": "12"
        }],
        "deviceId": format!("sbx-device-{}", &auth_id[..8]),
        "entityId": "sandboxEntity",
        "insights": insights_v,
        "strategy": {
            "strategyName": strategy_name,
            "description": "Sandbox strategy: outcome from the email +tag",
            "status": "active",
            "actions": actions
        },
        "thirdPartyCalls": third,
        "errorResponses": {}
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use onboarding_core::model::identity::Answer;

    fn inquiry(email: &str) -> InquiryRequest {
        let mut i = InquiryRequest {
            inquiry_id: "inq-1".into(),
            ..Default::default()
        };
        i.applicant.email = email.into();
        i
    }

    #[test]
    fn challenge_response_reads_as_the_seed_shape() {
        let inq = inquiry("a+challenge@x.es");
        let v = response_body(
            &inq,
            Decision::Challenge,
            "74da67ab-1c80-431c-8249-91344c5fa778",
            Locale::Es,
        );
        let r: InquiryResponse = serde_json::from_value(v).unwrap();
        assert_eq!(r.decision, Decision::Challenge);
        let q = r.questionnaire().unwrap();
        assert_eq!(q.questions.len(), 3);
        assert!(r.insights.is_some() && r.third_party_calls.is_some());
        assert!(!r.score_cards.is_empty() && !r.tags.is_empty());
        for (qid, cid) in RIGHT_ANSWERS {
            let question = q.questions.iter().find(|x| x.question_id == qid).unwrap();
            assert!(question.choices.iter().any(|c| c.choice_id == cid));
        }
    }

    #[test]
    fn allow_has_no_questionnaire() {
        let v = response_body(
            &inquiry("a@x.es"),
            Decision::Allow,
            "74da67ab-1c80",
            Locale::En,
        );
        let r: InquiryResponse = serde_json::from_value(v).unwrap();
        assert!(r.questionnaire().is_none());
    }

    #[test]
    fn grading() {
        let answers = |pairs: &[(&str, &str)]| AnswersRequest {
            answers: pairs
                .iter()
                .map(|(q, c)| Answer {
                    question_id: (*q).into(),
                    choice_id: (*c).into(),
                })
                .collect(),
        };
        assert_eq!(grade(&answers(&RIGHT_ANSWERS)), Decision::Allow);
        assert_eq!(
            grade(&answers(&[("1", "2"), ("2", "3"), ("3", "2")])),
            Decision::Deny
        );
        assert_eq!(grade(&answers(&[("1", "2"), ("2", "3")])), Decision::Deny);
        assert_eq!(
            grade(&answers(&[("1", "2"), ("2", "3"), ("3", "1"), ("3", "1")])),
            Decision::Deny
        );
    }
}

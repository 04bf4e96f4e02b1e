//! `POST /webhooks/skor`: upstream events, signed with `Skor-Signature` (core's
//! [`signature`], 300 s tolerance, current and previous secret). Unsigned, stale or
//! tampered deliveries are refused with a 4xx before anything is read into state; a
//! verified event is applied once by the tenant's state object (deduplicated by event
//! id) and queued for relay to the agency, then acknowledged.

use onboarding_core::model::api::WebhookReceived;
use onboarding_core::model::problem::ProblemCode;
use onboarding_core::model::webhook::Event;
use onboarding_core::signature::{self, DEFAULT_TOLERANCE_SECS, SignatureError};
use worker::{Request, Response};

use crate::config;
use crate::error::{AppError, AppResult};
use crate::http::{self, Ctx};
use crate::objects::tenant::{MarkRelayed, TenantHandle};
use crate::relay::queue::{self, RelayMessage};

/// Largest webhook body accepted.
const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

/// The body of a delivery whose `Skor-Signature` is valid for it.
///
/// # Errors
/// 400 `malformed_signature` (missing or unparsable header), 403 `invalid_signature`
/// (stale, or signed with another secret), 413 over the size limit.
pub async fn verified_body(mut req: Request, ctx: &Ctx) -> AppResult<Vec<u8>> {
    let header = http::header(&req, "Skor-Signature").unwrap_or_default();
    let body = http::read_body(&mut req, MAX_WEBHOOK_BYTES).await?;
    let current = config::secret(&ctx.env, "SKOR_WEBHOOK_SECRET")?;
    let previous = config::optional_secret(&ctx.env, "SKOR_WEBHOOK_SECRET_PREVIOUS");
    let mut secrets: Vec<&[u8]> = vec![current.as_bytes()];
    if let Some(p) = &previous {
        secrets.push(p.as_bytes());
    }
    signature::verify(
        &header,
        &body,
        &secrets,
        ctx.now_secs() as i64,
        DEFAULT_TOLERANCE_SECS,
    )
    .map_err(|e| match e {
        SignatureError::Missing | SignatureError::Malformed => {
            AppError::Problem(ProblemCode::MalformedSignature)
        }
        _ => AppError::Problem(ProblemCode::InvalidSignature),
    })?;
    Ok(body)
}

/// `POST /webhooks/skor` with a body [`verified_body`] accepted.
///
/// # Errors
/// 400 malformed, 500 when state cannot be written (the upstream retries). A verified
/// event for a tenant this edge does not know is acknowledged with 202 and not applied.
pub async fn skor(body: Vec<u8>, ctx: &Ctx) -> AppResult<Response> {
    let event: Event = http::parse_json(&body)?;
    // Ids travel on (relay headers, queue messages, log lines): a printable, short
    // alphabet only, refused here rather than failing every relay attempt later.
    let id_ok = |id: &str, extra: &[u8]| {
        !id.is_empty()
            && id.len() <= 128
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || extra.contains(&b))
    };
    if !id_ok(&event.id, b".:") || !id_ok(&event.tenant_id, b"") {
        return Err(AppError::Problem(ProblemCode::InvalidBody));
    }
    let text =
        String::from_utf8(body).map_err(|_| AppError::Problem(ProblemCode::MalformedJson))?;
    let handle = TenantHandle::new(&ctx.env, &event.tenant_id)?;
    let Some(applied) = handle.webhook(text.clone()).await? else {
        // Signed but for a tenant this edge never created (another integration on the
        // same upstream account, or a tenant created before this edge's state): a 2xx so
        // the upstream does not retry for minutes, nothing applied, nothing relayed. The
        // log line names the event, never the applicant.
        worker::console_warn!(
            "{}",
            serde_json::json!({
                "requestId": ctx.request_id,
                "webhook": "unknown_tenant",
                "eventId": event.id,
                "type": event.event_type().as_str(),
            })
        );
        return http::json(
            202,
            &WebhookReceived {
                received: true,
                applied: false,
            },
        );
    };
    if applied.needs_relay {
        let body = queue::with_reference(&text, applied.external_reference.as_deref());
        let kind = event.event_type();
        let message = RelayMessage::first(
            &applied.agency,
            &event.id,
            kind.as_str(),
            &event.tenant_id,
            &body,
        );
        queue::send(&ctx.env, message).await?;
        handle
            .ask(MarkRelayed {
                event_id: event.id.clone(),
            })
            .await?;
    }
    http::json(
        200,
        &WebhookReceived {
            received: true,
            applied: applied.applied,
        },
    )
}

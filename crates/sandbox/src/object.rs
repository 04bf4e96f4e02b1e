//! The one Durable Object that holds the sandbox's state (SQLite), routes every API
//! call, and runs the alarm that performs analyses and delivers webhooks.
//!
//! A single global instance (`idFromName("skor")`) is enough for a sandbox: every
//! write is serialised through it, so there are no cross-object consistency questions.

use futures_util::StreamExt;
use onboarding_core::document::DEFAULT_MAX_BYTES;
use worker::{DurableObject, Env, Method, Request, Response, ScheduledTime, State, durable_object};

use crate::access;
use crate::analysis;
use crate::documents;
use crate::hosted::{self, Kind};
use crate::http::{Api, AppError, AppResult, authorize, var_u64};
use crate::identity;
use crate::store::Db;
use crate::tenants;
use crate::webhooks;

/// Deliveries per alarm run before yielding (the alarm re-arms itself at once).
const DELIVERY_BUDGET: usize = 50;

/// Most bytes of an unread request body [`drain`] reads.
const DRAIN_LIMIT: usize = 32 << 20;

/// Reads and discards what a handler left unread (an upload refused with 401, 404 or
/// 415 before its body was looked at), so the client sees the error response instead
/// of a reset connection. Bounded by [`DRAIN_LIMIT`].
async fn drain(req: &mut Request) {
    let inner = req.inner();
    if inner.body_used() || inner.body().is_none() {
        return;
    }
    let Ok(mut stream) = req.stream() else { return };
    let mut seen = 0usize;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len();
        if seen > DRAIN_LIMIT {
            break;
        }
    }
}

/// Splits an optional leading `/sandbox` off a path: `(prefix, rest)`.
pub fn split_prefix(path: &str) -> (&'static str, &str) {
    match path.strip_prefix("/sandbox") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => ("/sandbox", rest),
        _ => ("", path),
    }
}

/// The sandbox's state.
#[durable_object(alarm)]
pub struct SandboxState {
    state: State,
    env: Env,
    db: Result<Db, String>,
}

impl DurableObject for SandboxState {
    fn new(state: State, env: Env) -> Self {
        let db = Db::open(&state.storage()).map_err(|e| format!("{e:?}"));
        Self { state, env, db }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let mutating = req.method() != Method::Get;
        let result = match &self.db {
            Ok(db) => self.route(db, &mut req).await,
            Err(e) => Err(AppError::Internal(format!("database: {e}"))),
        };
        drain(&mut req).await;
        if mutating
            && let Ok(db) = &self.db
            && let Err(e) = self.arm_alarm(db, false).await
        {
            worker::console_error!("alarm scheduling failed: {e:?}");
        }
        match result {
            Ok(resp) => Ok(resp),
            Err(e) => e.into_response(),
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let Ok(db) = &self.db else {
            return Response::ok("no database");
        };
        let delay = self.analysis_delay();
        if let Err(e) = analysis::run_due(db, delay) {
            worker::console_error!("jobs failed: {e:?}");
        }
        if let Err(e) = webhooks::deliver_due(db, &self.env, DELIVERY_BUDGET).await {
            worker::console_error!("webhook delivery failed: {e:?}");
        }
        if let Err(e) = self.arm_alarm(db, true).await {
            worker::console_error!("alarm scheduling failed: {e:?}");
        }
        Response::ok("ok")
    }
}

impl SandboxState {
    fn analysis_delay(&self) -> i64 {
        var_u64(&self.env, "ANALYSIS_DELAY_MS", 300) as i64
    }

    /// Sets the alarm for the next due job or delivery (earlier than any alarm
    /// already set; from the alarm handler itself, unconditionally).
    async fn arm_alarm(&self, db: &Db, from_alarm: bool) -> AppResult<()> {
        let next = match (analysis::next_due(db)?, webhooks::next_due(db)?) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(at) = next else { return Ok(()) };
        let storage = self.state.storage();
        if !from_alarm
            && let Some(current) = storage.get_alarm().await?
            && current <= at
        {
            return Ok(());
        }
        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        storage.set_alarm(ScheduledTime::new(when)).await?;
        Ok(())
    }

    async fn route(&self, db: &Db, req: &mut Request) -> AppResult<Response> {
        let url = req.url()?;
        let (prefix, path) = split_prefix(url.path());
        let base = format!("{}{prefix}", url.origin().ascii_serialization());
        let segs: Vec<String> = path
            .trim_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect();
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let method = req.method();
        let env = &self.env;
        let delay = self.analysis_delay();

        match segs.as_slice() {
            ["cdn-cgi", "access", rest @ ..] => access::route(db, env, req, prefix, rest).await,
            ["hosted", "assets", "hosted.css"] => match method {
                Method::Get | Method::Head => hosted::stylesheet(),
                _ => Err(AppError::MethodNotAllowed),
            },
            ["hosted", kind, id] => {
                let kind = Kind::from_segment(kind).ok_or(AppError::NotFound("page"))?;
                match method {
                    Method::Get | Method::Head => hosted::page(db, req, kind, id),
                    Method::Post => hosted::submit(db, req, kind, id, delay).await,
                    _ => Err(AppError::MethodNotAllowed),
                }
            }
            ["v1", rest @ ..] => {
                authorize(req, env, Api::Screening)?;
                let max = var_u64(env, "MAX_DOCUMENT_BYTES", DEFAULT_MAX_BYTES);
                match (method, rest) {
                    (Method::Put, ["webhooks"]) => webhooks::put_config(db, req).await,
                    (Method::Get, ["webhooks"]) => webhooks::get_config(db),
                    (Method::Get, ["webhooks", "deliveries"]) => {
                        let tenant = url
                            .query_pairs()
                            .find(|(k, _)| k == "tenantId")
                            .map(|(_, v)| v.into_owned())
                            .unwrap_or_default();
                        webhooks::deliveries(db, &tenant)
                    }
                    (Method::Post, ["tenants"]) => tenants::create(db, req).await,
                    (Method::Get, ["tenants"]) => {
                        let email = url
                            .query_pairs()
                            .find(|(k, _)| k == "email")
                            .map(|(_, v)| v.into_owned())
                            .unwrap_or_default();
                        tenants::by_email(db, &email)
                    }
                    (Method::Get, ["tenants", id]) => tenants::get(db, id),
                    (Method::Delete, ["tenants", id]) => tenants::erase(db, id).await,
                    (Method::Post, ["tenants", id, "documents"]) => {
                        documents::upload(db, req, id, max, delay).await
                    }
                    (Method::Get, ["tenants", id, "documents"]) => documents::list(db, id),
                    (Method::Get, ["tenants", id, "documents", doc, "content"]) => {
                        documents::content(db, id, doc)
                    }
                    (Method::Post, ["tenants", id, "clave"]) => {
                        hosted::start(db, req, id, Kind::Clave, &base).await
                    }
                    (Method::Post, ["tenants", id, "kyc"]) => {
                        hosted::start(db, req, id, Kind::Kyc, &base).await
                    }
                    (Method::Post, ["tenants", id, "bank-connections"]) => {
                        hosted::start(db, req, id, Kind::Bank, &base).await
                    }
                    (Method::Post, ["tenants", id, "forensic-analysis"]) => {
                        analysis::trigger_forensic(db, id, delay)
                    }
                    (Method::Get, ["tenants", id, "forensic-analysis"]) => {
                        analysis::get_forensic(db, id)
                    }
                    (Method::Get, ["tenants", id, "financial-score"]) => {
                        analysis::get_financial(db, id)
                    }
                    (_, ["webhooks"] | ["tenants"] | ["tenants", _, ..]) => {
                        Err(AppError::MethodNotAllowed)
                    }
                    _ => Err(AppError::NotFound("route")),
                }
            }
            ["identity", "v1", rest @ ..] => {
                authorize(req, env, Api::Identity)?;
                match (method, rest) {
                    (Method::Post, ["inquiries"]) => identity::create(db, req).await,
                    (Method::Put, ["inquiries", id, "decision"]) => {
                        identity::update_decision(db, req, id).await
                    }
                    (Method::Post, ["inquiries", id, "answers"]) => {
                        identity::answers(db, req, id).await
                    }
                    (_, ["inquiries", ..]) => Err(AppError::MethodNotAllowed),
                    _ => Err(AppError::NotFound("route")),
                }
            }
            _ => Err(AppError::NotFound("route")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_optional() {
        assert_eq!(
            split_prefix("/sandbox/v1/tenants"),
            ("/sandbox", "/v1/tenants")
        );
        assert_eq!(split_prefix("/sandbox"), ("/sandbox", ""));
        assert_eq!(split_prefix("/v1/tenants"), ("", "/v1/tenants"));
        assert_eq!(split_prefix("/sandboxes/x"), ("", "/sandboxes/x"));
    }
}

//! The identity-decision API (`Authorization: Bearer`): inquiries, step-up answers and
//! decision updates.

use onboarding_core::model::identity::{
    AnswersRequest, AnswersResponse, DecisionUpdate, DecisionUpdateReply, InquiryRequest,
    InquiryResponse,
};
use worker::Method;

use super::{Upstream, json_body};
use crate::config::secret;
use crate::error::AppResult;
use crate::http::Ctx;

/// Client of the identity-decision API.
pub struct Identity<'a>(Upstream<'a>);

impl<'a> Identity<'a> {
    /// A client from configuration.
    ///
    /// # Errors
    /// Configuration error when `IDENTITY_API_KEY` is missing.
    pub fn new(ctx: &'a Ctx) -> AppResult<Self> {
        Ok(Identity(Upstream {
            env: &ctx.env,
            settings: &ctx.settings,
            request_id: &ctx.request_id,
            base: &ctx.settings.identity_base_url,
            auth: (
                "Authorization",
                format!("Bearer {}", secret(&ctx.env, "IDENTITY_API_KEY")?),
            ),
            name: "identity",
        }))
    }

    /// `POST /identity/v1/inquiries`.
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn inquire(&self, req: &InquiryRequest) -> AppResult<InquiryResponse> {
        self.0
            .json(Method::Post, "/identity/v1/inquiries", json_body(req)?)
            .await
    }

    /// `POST /identity/v1/inquiries/{id}/answers`.
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn answer(
        &self,
        inquiry_id: &str,
        req: &AnswersRequest,
    ) -> AppResult<AnswersResponse> {
        self.0
            .json(
                Method::Post,
                &format!("/identity/v1/inquiries/{inquiry_id}/answers"),
                json_body(req)?,
            )
            .await
    }

    /// `PUT /identity/v1/inquiries/{id}/decision`.
    ///
    /// # Errors
    /// Upstream failures.
    pub async fn update_decision(
        &self,
        inquiry_id: &str,
        req: &DecisionUpdate,
    ) -> AppResult<DecisionUpdateReply> {
        self.0
            .json(
                Method::Put,
                &format!("/identity/v1/inquiries/{inquiry_id}/decision"),
                json_body(req)?,
            )
            .await
    }
}

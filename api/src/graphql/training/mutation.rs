//! Changing training through the API: arguments → `training::changes` →
//! GraphQL types.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::{Offering, TrainingMaterial};
use crate::domain::{SharePermission, TranslationStatus};
use crate::error::ApiResult;
use crate::graphql::{RequestState, parse_id};
use crate::training::changes::{self, TranslatedTexts};
pub use crate::training::{CreateTrainingMaterialInput, OfferingInput, UpdateTrainingMaterialInput};

#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// Publishes a training material provided by the caller's organisation.
    async fn create_training_material(
        &self,
        ctx: &Context<'_>,
        input: CreateTrainingMaterialInput,
    ) -> ApiResult<TrainingMaterial> {
        let state = RequestState::of(ctx)?;
        Ok(TrainingMaterial(changes::create(&state.ctx(), input).await?))
    }

    /// Changes a training material (the provider's members, EDIT grantees, admins).
    async fn update_training_material(
        &self,
        ctx: &Context<'_>,
        input: UpdateTrainingMaterialInput,
    ) -> ApiResult<TrainingMaterial> {
        let state = RequestState::of(ctx)?;
        Ok(TrainingMaterial(changes::update(&state.ctx(), input).await?))
    }

    /// Attaches a document the caller may read to a training material they may change.
    async fn attach_document_to_training_material(
        &self,
        ctx: &Context<'_>,
        training_material_id: ID,
        document_id: ID,
    ) -> ApiResult<TrainingMaterial> {
        let state = RequestState::of(ctx)?;
        let material = parse_id("trainingMaterialId", &training_material_id)?;
        let document = parse_id("documentId", &document_id)?;
        Ok(TrainingMaterial(
            changes::attach_document(&state.ctx(), material, document).await?,
        ))
    }

    /// Lets another organisation VIEW or EDIT a training material (the provider's members and admins).
    async fn share_training_material(
        &self,
        ctx: &Context<'_>,
        training_material_id: ID,
        organisation_id: ID,
        permission: SharePermission,
        expires_at: Option<DateTime<Utc>>,
    ) -> ApiResult<TrainingMaterial> {
        let state = RequestState::of(ctx)?;
        let material = parse_id("trainingMaterialId", &training_material_id)?;
        let organisation = parse_id("organisationId", &organisation_id)?;
        let shared = changes::share(&state.ctx(), material, organisation, permission, expires_at).await?;
        Ok(TrainingMaterial(shared))
    }

    /// Withdraws a grant. True if there was one.
    async fn unshare_training_material(
        &self,
        ctx: &Context<'_>,
        training_material_id: ID,
        organisation_id: ID,
    ) -> ApiResult<bool> {
        let state = RequestState::of(ctx)?;
        let material = parse_id("trainingMaterialId", &training_material_id)?;
        let organisation = parse_id("organisationId", &organisation_id)?;
        changes::unshare(&state.ctx(), material, organisation).await
    }

    /// Stores a translation of the texts (translators of that locale and admins).
    #[expect(clippy::too_many_arguments, reason = "one argument per translatable text")]
    async fn translate_training_material(
        &self,
        ctx: &Context<'_>,
        id: ID,
        locale: String,
        title: String,
        summary: String,
        #[graphql(default)] prerequisites: String,
        #[graphql(default)] learning_outcomes: Vec<String>,
        #[graphql(default_with = "TranslationStatus::Draft")] status: TranslationStatus,
    ) -> ApiResult<TrainingMaterial> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let texts = TranslatedTexts {
            title,
            summary,
            prerequisites,
            learning_outcomes,
        };
        Ok(TrainingMaterial(
            changes::translate(&state.ctx(), id, &locale, texts, status).await?,
        ))
    }

    /// Schedules a dated run of a training material, with its programme.
    async fn schedule_offering(
        &self,
        ctx: &Context<'_>,
        training_material_id: ID,
        input: OfferingInput,
    ) -> ApiResult<Offering> {
        let state = RequestState::of(ctx)?;
        let material = parse_id("trainingMaterialId", &training_material_id)?;
        let (offering, original_locale) = changes::schedule_offering(&state.ctx(), material, input).await?;
        Ok(Offering::new(offering, original_locale))
    }

    /// Replaces an offering's details and programme. CONFLICT when `expectedVersion` is stale.
    async fn update_offering(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: OfferingInput,
    ) -> ApiResult<Offering> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let (offering, original_locale) =
            changes::update_offering(&state.ctx(), id, expected_version, input).await?;
        Ok(Offering::new(offering, original_locale))
    }

    /// Cancels an offering; it stays listed as CANCELLED.
    async fn cancel_offering(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Offering> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let (offering, original_locale) = changes::cancel_offering(&state.ctx(), id).await?;
        Ok(Offering::new(offering, original_locale))
    }
}

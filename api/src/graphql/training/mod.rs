//! Training materials and their offerings: courses, modules, webinars,
//! guides and curricula shared across the network, with dated runs, prices
//! and programmes, exported as schema.org JSON-LD.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sammen_entities::{offering, offering_translation, training_material, training_translation};

use super::RequestState;
use super::document::Document;
use super::organisation::Organisation;
use crate::domain::{Audience, DeliveryMode, TrainingKind, TranslationStatus, Visibility};
use crate::error::ApiResult;
use crate::training::jsonld;
pub use crate::training::{Texts, resolve, string_list};
use crate::translation::Translatable;

mod mutation;
mod offerings;
mod query;

pub use mutation::{
    CreateTrainingMaterialInput, OfferingInput, TrainingMutation, UpdateTrainingMaterialInput,
};
pub use offerings::{Offering, ProgrammeItem};
pub use query::{TrainingConnection, TrainingFilter, TrainingQuery, find_readable};

/// A course, module, webinar, guide or curriculum.
pub struct TrainingMaterial(pub training_material::Model);

impl TrainingMaterial {
    async fn translation_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<training_translation::Model>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .training_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    async fn texts(&self, ctx: &Context<'_>) -> ApiResult<Texts> {
        let state = RequestState::of(ctx)?;
        let rows = crate::graphql::loaders::shown_translations(
            &state.loaders.training_translations,
            &state.chain,
            self.0.id,
            &self.0.original_locale,
        )
        .await?;
        Ok(resolve(&state.chain, &self.0, &rows))
    }

    async fn offering_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<offering::Model>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .offerings
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    fn parsed_kind(&self) -> TrainingKind {
        self.0.kind
    }
}

/// A training material's texts in one locale other than its original.
#[derive(SimpleObject)]
pub struct TrainingTranslation {
    pub locale: String,
    pub title: String,
    pub summary: String,
    pub prerequisites: String,
    pub learning_outcomes: Vec<String>,
    pub status: TranslationStatus,
    /// True when the original texts changed after this translation was made.
    pub outdated: bool,
    pub updated_at: DateTime<Utc>,
}

#[Object]
impl TrainingMaterial {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn kind(&self) -> TrainingKind {
        self.parsed_kind()
    }

    async fn kind_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(RequestState::of(ctx)?.t(&self.parsed_kind().label_id()))
    }

    /// The organisation that offers it, if the caller may see it.
    async fn provider(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .visible_organisation(self.0.provider_organisation_id)
            .await?
            .map(Organisation))
    }

    /// The title in the best locale of the request's chain.
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.texts(ctx).await?.title)
    }

    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.texts(ctx).await?.summary)
    }

    /// What participants should bring or know.
    async fn prerequisites(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.texts(ctx).await?.prerequisites)
    }

    /// What participants can do afterwards, one sentence each.
    async fn learning_outcomes(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(self.texts(ctx).await?.learning_outcomes)
    }

    /// The locale of every text of the material (title, summary,
    /// prerequisites, learning outcomes): a translation is shown only when
    /// it has all of them.
    async fn resolved_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.texts(ctx).await?.locale)
    }

    async fn original_locale(&self) -> &str {
        &self.0.original_locale
    }

    /// Every locale all the texts exist in, the original first.
    async fn available_locales(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(self.0.available_locales(&self.translation_rows(ctx).await?))
    }

    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn translations(&self, ctx: &Context<'_>) -> ApiResult<Vec<TrainingTranslation>> {
        let current = self.0.digest();
        Ok(self
            .translation_rows(ctx)
            .await?
            .into_iter()
            .map(|t| TrainingTranslation {
                outdated: t.source_digest != current,
                status: t.status,
                learning_outcomes: string_list(&t.learning_outcomes),
                locale: t.locale,
                title: t.title,
                summary: t.summary,
                prerequisites: t.prerequisites,
                updated_at: t.updated_at,
            })
            .collect())
    }

    async fn target_audiences(&self) -> ApiResult<Vec<Audience>> {
        crate::training::audiences(&self.0)
    }

    /// European Qualifications Framework level, 1–8.
    async fn eqf_level(&self) -> Option<i32> {
        self.0.eqf_level
    }

    async fn ects_credits(&self) -> Option<f64> {
        self.0.ects_credits
    }

    /// How long it takes, as the provider puts it.
    async fn duration(&self) -> Option<&str> {
        self.0.duration.as_deref()
    }

    async fn delivery_mode(&self) -> DeliveryMode {
        self.0.delivery_mode
    }

    /// The delivery mode in the reader's language.
    async fn delivery_mode_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let mode = self.0.delivery_mode;
        Ok(RequestState::of(ctx)?.t(&mode.label_id()))
    }

    /// `targetAudiences` in the reader's language, in the same order.
    async fn target_audience_labels(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let state = RequestState::of(ctx)?;
        Ok(crate::training::audiences(&self.0)?
            .into_iter()
            .map(|a| state.t(&a.label_id()))
            .collect())
    }

    /// Languages it is taught in (BCP 47).
    async fn languages(&self) -> Vec<String> {
        string_list(&self.0.languages)
    }

    async fn license(&self) -> Option<&str> {
        self.0.license.as_deref()
    }

    async fn topics(&self) -> Vec<String> {
        string_list(&self.0.topics)
    }

    async fn instructors(&self) -> Vec<String> {
        string_list(&self.0.instructors)
    }

    async fn visibility(&self) -> Visibility {
        self.0.visibility
    }

    /// Dated runs, soonest first.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn offerings(&self, ctx: &Context<'_>) -> ApiResult<Vec<Offering>> {
        let original = &self.0.original_locale;
        Ok(self
            .offering_rows(ctx)
            .await?
            .into_iter()
            .map(|o| Offering::new(o, original.clone()))
            .collect())
    }

    /// Attached documents the caller may read.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<Document>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .training_documents
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(Document).collect())
    }

    /// A schema.org `Course` with its `CourseInstance`s, in the reader's
    /// language, to paste into a web page as
    /// `<script type="application/ld+json">`. Also at `GET /training/{id}.jsonld`.
    async fn json_ld(&self, ctx: &Context<'_>) -> ApiResult<async_graphql::Json<serde_json::Value>> {
        let state = RequestState::of(ctx)?;
        let texts = self.texts(ctx).await?;
        let offerings = self.offering_rows(ctx).await?;
        let venues: Vec<offering_translation::Model> = state
            .loaders
            .offering_translations
            .load_many(offerings.iter().map(|o| o.id))
            .await?
            .into_values()
            .flatten()
            .collect();
        let offerings = jsonld::with_venues(&offerings, &venues, &texts.locale);
        let provider = state
            .loaders
            .visible_organisation(self.0.provider_organisation_id)
            .await?;
        Ok(async_graphql::Json(jsonld::course(
            &self.0,
            &texts,
            &offerings,
            provider.as_ref(),
            &jsonld::Labels::new(&state.localizer, &state.chain, &texts.locale),
        )?))
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

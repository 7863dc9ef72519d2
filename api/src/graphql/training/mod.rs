//! Training materials and their offerings: courses, modules, webinars,
//! guides and curricula shared across the network, with dated runs, prices
//! and programmes, exported as schema.org JSON-LD.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use sammen_entities::{
    offering, offering_translation, programme_item, training_material, training_translation,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use super::document::Document;
use super::money::Money;
use super::organisation::Organisation;
use super::pagination::{self, ConnectionTotals, Page};
use super::scalars::Date;
use super::{RequestState, filters, parse_id};
use crate::auth::policy;
use crate::domain::{
    Audience, CountryCode, DeliveryMode, LocaleTag, OfferingStatus, TrainingKind, TranslationStatus,
    Visibility, name_text,
};
use crate::error::{ApiError, ApiResult};
use crate::l10n::content;
use crate::training::jsonld;
pub use crate::training::{Texts, complete, digest, resolve, string_list};

mod mutation;

pub use mutation::{
    CreateTrainingMaterialInput, OfferingInput, TrainingMutation, UpdateTrainingMaterialInput,
};

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
        Ok(resolve(&state.chain, &self.0, &self.translation_rows(ctx).await?))
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
        TrainingKind::from_db(&self.0.kind).unwrap_or(TrainingKind::Course)
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
            .organisation
            .load_one(self.0.provider_organisation_id)
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
        let mut out = vec![self.0.original_locale.clone()];
        out.extend(
            self.translation_rows(ctx)
                .await?
                .into_iter()
                .filter(|t| complete(&self.0, t))
                .map(|t| t.locale),
        );
        Ok(out)
    }

    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn translations(&self, ctx: &Context<'_>) -> ApiResult<Vec<TrainingTranslation>> {
        let current = digest(&self.0);
        Ok(self
            .translation_rows(ctx)
            .await?
            .into_iter()
            .map(|t| TrainingTranslation {
                outdated: t.source_digest != current,
                status: TranslationStatus::from_db(&t.status).unwrap_or(TranslationStatus::Draft),
                learning_outcomes: string_list(&t.learning_outcomes),
                locale: t.locale,
                title: t.title,
                summary: t.summary,
                prerequisites: t.prerequisites,
                updated_at: t.updated_at,
            })
            .collect())
    }

    async fn target_audiences(&self) -> Vec<Audience> {
        string_list(&self.0.target_audiences)
            .iter()
            .filter_map(|a| Audience::from_db(a))
            .collect()
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
        DeliveryMode::from_db(&self.0.delivery_mode).unwrap_or(DeliveryMode::InPerson)
    }

    /// The delivery mode in the reader's language.
    async fn delivery_mode_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let mode = DeliveryMode::from_db(&self.0.delivery_mode).unwrap_or(DeliveryMode::InPerson);
        Ok(RequestState::of(ctx)?.t(&mode.label_id()))
    }

    /// `targetAudiences` in the reader's language, in the same order.
    async fn target_audience_labels(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let state = RequestState::of(ctx)?;
        Ok(string_list(&self.0.target_audiences)
            .iter()
            .filter_map(|a| Audience::from_db(a))
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
        Visibility::from_db(&self.0.visibility).unwrap_or(Visibility::Private)
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
            .organisation
            .load_one(self.0.provider_organisation_id)
            .await?;
        Ok(async_graphql::Json(jsonld::course(
            &self.0,
            &texts,
            &offerings,
            provider.as_ref(),
            &jsonld::Labels::new(&state.localizer, &state.chain, &texts.locale),
        )))
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

/// One dated run of a training material.
pub struct Offering(pub offering::Model, String);

impl Offering {
    /// An offering whose texts were written in `original_locale` (its material's).
    pub fn new(row: offering::Model, original_locale: String) -> Self {
        Self(row, original_locale)
    }

    /// The programme in order.
    async fn programme_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<programme_item::Model>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .programme
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    /// The translation of the venue and programme for the request's chain,
    /// if a complete one wins.
    async fn translated(&self, ctx: &Context<'_>) -> ApiResult<Option<offering_translation::Model>> {
        let state = RequestState::of(ctx)?;
        let rows = state
            .loaders
            .offering_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let titles: Vec<String> = self
            .programme_rows(ctx)
            .await?
            .into_iter()
            .map(|r| r.title)
            .collect();
        let venue = self.0.venue.as_deref().unwrap_or_default();
        // Titles are matched to items by position, so a translation made for
        // another programme (reordered, changed) is not shown: it is OUTDATED.
        let digest = crate::translation::offering_digest(venue, &titles);
        let locale = content::resolve_locale(
            &state.chain,
            &self.1,
            rows.iter()
                .filter(|r| {
                    r.source_digest == digest
                        && content::complete(&[(venue, &r.venue)])
                        && content::complete_by_position(&titles, &string_list(&r.programme_titles))
                })
                .map(|r| r.locale.as_str()),
        )
        .to_owned();
        Ok(rows.into_iter().find(|r| r.locale == locale))
    }

    fn money(&self, amount: Option<i64>) -> Option<Money> {
        match (amount, &self.0.price_currency) {
            (Some(amount_minor), Some(currency)) => Some(Money {
                amount_minor,
                currency: currency.clone(),
            }),
            _ => None,
        }
    }

    /// The price on a day: the early-bird price up to its deadline.
    pub fn price_on(&self, day: NaiveDate) -> Option<i64> {
        match (self.0.early_bird_minor, self.0.early_bird_deadline) {
            (Some(early), Some(deadline)) if day <= deadline => Some(early),
            _ => self.0.price_minor,
        }
    }
}

#[Object]
impl Offering {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }

    /// The dates as the reader writes them, e.g. nb-NO `12.12.2016–13.12.2016`.
    async fn dates_formatted(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = RequestState::of(ctx)?;
        if self.0.starts_on == self.0.ends_on {
            return Ok(state.localizer.date(&state.chain, self.0.starts_on));
        }
        let args = crate::l10n::args([
            ("start", self.0.starts_on.to_string()),
            ("end", self.0.ends_on.to_string()),
        ]);
        Ok(state
            .localizer
            .message(&state.chain, "training-dates", Some(&args)))
    }

    /// The locale `venue` and the programme's titles are in.
    async fn resolved_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self
            .translated(ctx)
            .await?
            .map_or_else(|| self.1.clone(), |t| t.locale))
    }

    /// The venue in the best locale of the request's chain.
    async fn venue(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let translated = self
            .translated(ctx)
            .await?
            .map(|t| t.venue)
            .filter(|v| !v.is_empty());
        Ok(translated.or_else(|| self.0.venue.clone()))
    }

    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// ISO 3166-1 alpha-2.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }

    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }

    /// The language it is taught in (BCP 47).
    async fn language(&self) -> &str {
        &self.0.language
    }

    async fn price(&self) -> Option<Money> {
        self.money(self.0.price_minor)
    }

    async fn early_bird_price(&self) -> Option<Money> {
        self.money(self.0.early_bird_minor)
    }

    /// The last day the early-bird price applies.
    async fn early_bird_deadline(&self) -> Option<Date> {
        self.0.early_bird_deadline.map(Date)
    }

    /// The price that applies on a day (today if none is given).
    async fn current_price(&self, on: Option<Date>) -> Option<Money> {
        let day = on.map_or_else(|| Utc::now().date_naive(), |d| d.0);
        self.money(self.price_on(day))
    }

    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }

    async fn registration_url(&self) -> Option<&str> {
        self.0.registration_url.as_deref()
    }

    async fn status(&self) -> OfferingStatus {
        OfferingStatus::from_db(&self.0.status).unwrap_or(OfferingStatus::Scheduled)
    }

    /// The timed programme, in order.
    async fn programme(&self, ctx: &Context<'_>) -> ApiResult<Vec<ProgrammeItem>> {
        let rows = self.programme_rows(ctx).await?;
        // Titles come translated in programme order (a complete translation
        // has one for every titled item).
        let titles = self
            .translated(ctx)
            .await?
            .map(|t| string_list(&t.programme_titles))
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                if let Some(title) = titles.get(i).filter(|t| !t.is_empty()) {
                    item.title = title.clone();
                }
                ProgrammeItem(item)
            })
            .collect())
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One timed item of an offering's programme.
pub struct ProgrammeItem(pub programme_item::Model);

#[Object]
impl ProgrammeItem {
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    /// Date and time as the reader writes them (UTC).
    async fn starts_at_formatted(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = RequestState::of(ctx)?;
        Ok(crate::l10n::format::date_time(
            state.chain.primary(),
            self.0.starts_at,
        ))
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn speaker(&self) -> Option<&str> {
        self.0.speaker.as_deref()
    }
}

/// Narrows `trainingMaterials`. Every given field must match.
#[derive(InputObject, Default)]
pub struct TrainingFilter {
    pub audience: Option<Audience>,
    pub eqf_level: Option<i32>,
    pub min_eqf_level: Option<i32>,
    pub max_eqf_level: Option<i32>,
    pub delivery_mode: Option<DeliveryMode>,
    /// A language it is taught in (BCP 47); `en` matches `en-US` too.
    pub language: Option<String>,
    /// Has an offering in this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    pub topic: Option<String>,
    pub provider: Option<ID>,
    /// Has a scheduled offering starting today or later.
    pub upcoming: Option<bool>,
    /// Words in the title or summary, in any stored language.
    pub query: Option<String>,
}

pub type TrainingConnection = Connection<String, TrainingMaterial, ConnectionTotals>;

#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// Training materials the caller may read, newest first.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn training_materials(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<TrainingFilter>,
    ) -> ApiResult<TrainingConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let condition = training_condition(state, &filter.unwrap_or_default())?;
        let list = pagination::newest_first(training_material::Column::Id, "training");
        let count = ctx.look_ahead().field("totalCount").exists();
        pagination::keyset_page::<training_material::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            count,
            |m| (m.id, String::new()),
            TrainingMaterial,
        )
        .await
    }

    /// One training material; NOT_FOUND when it does not exist or the caller may not read it.
    async fn training_material(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<TrainingMaterial>> {
        let state = RequestState::of(ctx)?;
        Ok(Some(TrainingMaterial(
            find_readable(state, parse_id("id", &id)?).await?,
        )))
    }
}

fn eqf(field: &str, level: i32) -> ApiResult<i32> {
    if (1..=8).contains(&level) {
        Ok(level)
    } else {
        Err(ApiError::invalid(field, "training-eqf-invalid"))
    }
}

fn json_contains(
    backend: sea_orm::DbBackend,
    column: training_material::Column,
    needle: &str,
) -> sea_orm::sea_query::SimpleExpr {
    filters::contains_text(
        backend,
        Expr::col((training_material::Entity, column)).cast_as("TEXT"),
        needle,
    )
}

fn training_condition(state: &RequestState, filter: &TrainingFilter) -> ApiResult<Condition> {
    let backend = state.db.get_database_backend();
    let mut condition = Condition::all().add(policy::training_read(&state.caller));
    if let Some(audience) = filter.audience {
        condition = condition.add(json_contains(
            backend,
            training_material::Column::TargetAudiences,
            &format!("\"{}\"", audience.as_str()),
        ));
    }
    if let Some(level) = filter.eqf_level {
        condition = condition.add(training_material::Column::EqfLevel.eq(eqf("filter.eqfLevel", level)?));
    }
    if let Some(level) = filter.min_eqf_level {
        condition = condition.add(training_material::Column::EqfLevel.gte(eqf("filter.minEqfLevel", level)?));
    }
    if let Some(level) = filter.max_eqf_level {
        condition = condition.add(training_material::Column::EqfLevel.lte(eqf("filter.maxEqfLevel", level)?));
    }
    if let Some(mode) = filter.delivery_mode {
        condition = condition.add(training_material::Column::DeliveryMode.eq(mode.as_str()));
    }
    if let Some(language) = &filter.language {
        let tag = LocaleTag::parse("filter.language", language)?.to_tag();
        condition = condition.add(json_contains(
            backend,
            training_material::Column::Languages,
            &format!("\"{tag}"),
        ));
    }
    if let Some(topic) = &filter.topic {
        let topic = name_text("filter.topic", topic, 80)?;
        let quoted = serde_json::to_string(&topic).map_err(ApiError::internal)?;
        condition = condition.add(json_contains(backend, training_material::Column::Topics, &quoted));
    }
    if let Some(provider) = &filter.provider {
        let provider = parse_id("filter.provider", provider)?;
        condition = condition.add(training_material::Column::ProviderOrganisationId.eq(provider));
    }
    let mut offerings = Condition::all();
    let mut need_offering = false;
    if let Some(country) = &filter.country {
        let country = CountryCode::parse("filter.country", country)?;
        offerings = offerings.add(offering::Column::Country.eq(country.alpha2()));
        need_offering = true;
    }
    if filter.upcoming == Some(true) {
        offerings = offerings
            .add(offering::Column::StartsOn.gte(Utc::now().date_naive()))
            .add(offering::Column::Status.eq(OfferingStatus::Scheduled.as_str()));
        need_offering = true;
    }
    if need_offering {
        condition = condition.add(
            training_material::Column::Id.in_subquery(
                Query::select()
                    .column(offering::Column::TrainingMaterialId)
                    .from(offering::Entity)
                    .cond_where(offerings)
                    .to_owned(),
            ),
        );
    }
    if let Some(query) = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if query.chars().count() > 200 {
            return Err(ApiError::invalid("filter.query", "input-too-long").arg("max", 200u64));
        }
        for word in query.split_whitespace().take(8) {
            let translated = Query::select()
                .column(training_translation::Column::TrainingMaterialId)
                .from(training_translation::Entity)
                .cond_where(
                    Condition::any()
                        .add(filters::contains_text(
                            backend,
                            Expr::col((training_translation::Entity, training_translation::Column::Title)),
                            word,
                        ))
                        .add(filters::contains_text(
                            backend,
                            Expr::col((
                                training_translation::Entity,
                                training_translation::Column::Summary,
                            )),
                            word,
                        )),
                )
                .to_owned();
            condition = condition.add(
                Condition::any()
                    .add(filters::contains_text(
                        backend,
                        Expr::col((training_material::Entity, training_material::Column::Title)),
                        word,
                    ))
                    .add(filters::contains_text(
                        backend,
                        Expr::col((training_material::Entity, training_material::Column::Summary)),
                        word,
                    ))
                    .add(training_material::Column::Id.in_subquery(translated)),
            );
        }
    }
    Ok(condition)
}

/// Loads a training material the caller may read, or NOT_FOUND.
pub async fn find_readable(state: &RequestState, id: Uuid) -> ApiResult<training_material::Model> {
    crate::training::changes::find_readable(&state.caller, id, &state.db).await
}

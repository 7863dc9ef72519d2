//! Changing training materials and scheduling offerings.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use chrono::{DateTime, NaiveDate, Utc};
use sammen_entities::{
    offering, programme_item, training_document, training_material, training_share, training_translation,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Offering, TrainingMaterial, digest, find_readable};
use crate::auth::policy;
use crate::domain::{
    Audience, CountryCode, DeliveryMode, LocaleTag, OfferingStatus, SharePermission, SpdxId, TrainingKind,
    TranslationStatus, Visibility, WebAddress, long_text, name_text, text_list,
};
use crate::error::{ApiError, ApiResult};
use crate::events::{Change, NewEvent, changed_fields};
use crate::graphql::money::MoneyInput;
use crate::graphql::scalars::Date;
use crate::graphql::{RequestState, parse_id};

const TITLE_MAX: usize = 300;

const TRAINING: crate::db::Versioned<training_material::Column> = crate::db::Versioned {
    id: training_material::Column::Id,
    version: training_material::Column::Version,
    updated_at: training_material::Column::UpdatedAt,
};

const OFFERING: crate::db::Versioned<offering::Column> = crate::db::Versioned {
    id: offering::Column::Id,
    version: offering::Column::Version,
    updated_at: offering::Column::UpdatedAt,
};
const TEXT_MAX: usize = 10_000;

/// A new training material.
#[derive(InputObject)]
pub struct CreateTrainingMaterialInput {
    /// The providing organisation; the caller's own by default (admins may choose).
    pub provider_organisation_id: Option<ID>,
    pub kind: TrainingKind,
    pub title: String,
    #[graphql(default)]
    pub summary: String,
    #[graphql(default)]
    pub prerequisites: String,
    /// What participants can do afterwards, one sentence each.
    #[graphql(default)]
    pub learning_outcomes: Vec<String>,
    /// The locale of the texts (default en-US).
    pub original_locale: Option<String>,
    #[graphql(default)]
    pub target_audiences: Vec<Audience>,
    /// European Qualifications Framework level, 1–8.
    pub eqf_level: Option<i32>,
    /// Not negative.
    pub ects_credits: Option<f64>,
    /// How long it takes, e.g. "1 year full-time or 2 years part-time".
    pub duration: Option<String>,
    #[graphql(default_with = "DeliveryMode::InPerson")]
    pub delivery_mode: DeliveryMode,
    /// BCP 47 tags.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// SPDX license id.
    pub license: Option<String>,
    #[graphql(default)]
    pub topics: Vec<String>,
    #[graphql(default)]
    pub instructors: Vec<String>,
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
}

/// Changes to a training material. Omitted fields stay; `null` clears optional ones.
#[derive(InputObject)]
pub struct UpdateTrainingMaterialInput {
    pub id: ID,
    /// The `version` the change was based on; CONFLICT if it changed since.
    pub expected_version: i32,
    pub kind: Option<TrainingKind>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub prerequisites: Option<String>,
    pub learning_outcomes: Option<Vec<String>>,
    pub target_audiences: Option<Vec<Audience>>,
    pub eqf_level: MaybeUndefined<i32>,
    pub ects_credits: MaybeUndefined<f64>,
    pub duration: MaybeUndefined<String>,
    pub delivery_mode: Option<DeliveryMode>,
    pub languages: Option<Vec<String>>,
    pub license: MaybeUndefined<String>,
    pub topics: Option<Vec<String>>,
    pub instructors: Option<Vec<String>>,
    pub visibility: Option<Visibility>,
}

/// One timed item of a programme.
#[derive(InputObject, Clone)]
pub struct ProgrammeItemInput {
    /// When it starts (RFC 3339, e.g. `2016-12-12T10:30:00+01:00`); within the offering's dates.
    pub starts_at: DateTime<Utc>,
    pub title: String,
    pub speaker: Option<String>,
}

/// An offering: when, where, in what language and at what price.
#[derive(InputObject)]
pub struct OfferingInput {
    pub starts_on: Date,
    /// Not before `startsOn`; defaults to it.
    pub ends_on: Option<Date>,
    pub venue: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub online_url: Option<String>,
    /// BCP 47.
    pub language: String,
    pub price: Option<MoneyInput>,
    /// In the same currency as `price`.
    pub early_bird_price: Option<MoneyInput>,
    /// The last day of the early-bird price; not after `startsOn`.
    pub early_bird_deadline: Option<Date>,
    pub capacity: Option<i32>,
    pub registration_url: Option<String>,
    #[graphql(default)]
    pub programme: Vec<ProgrammeItemInput>,
}

fn eqf(level: i32) -> ApiResult<i32> {
    if (1..=8).contains(&level) {
        Ok(level)
    } else {
        Err(ApiError::invalid("eqfLevel", "training-eqf-invalid"))
    }
}

fn ects(value: f64) -> ApiResult<f64> {
    if value.is_finite() && (0.0..=1000.0).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid("ectsCredits", "training-ects-invalid"))
    }
}

fn languages(raw: &[String]) -> ApiResult<Value> {
    if raw.len() > 10 {
        return Err(ApiError::invalid("languages", "input-too-many").arg("max", 10u64));
    }
    let mut out: Vec<String> = Vec::new();
    for tag in raw {
        let tag = LocaleTag::parse("languages", tag)?.to_tag();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(Value::from(out))
}

fn outcomes(raw: &[String]) -> ApiResult<Value> {
    Ok(Value::from(text_list("learningOutcomes", raw, 30, 500)?))
}

fn audiences(raw: &[Audience]) -> Value {
    let mut out: Vec<&str> = Vec::new();
    for audience in raw {
        if !out.contains(&audience.as_str()) {
            out.push(audience.as_str());
        }
    }
    Value::from(out)
}

/// The checked fields of an offering.
struct ParsedOffering {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    venue: Option<String>,
    city: Option<String>,
    country: Option<String>,
    online_url: Option<String>,
    language: String,
    price: Option<(i64, String)>,
    early_bird: Option<(i64, NaiveDate)>,
    capacity: Option<i32>,
    registration_url: Option<String>,
    programme: Vec<(DateTime<Utc>, String, Option<String>)>,
}

fn parse_offering(input: &OfferingInput) -> ApiResult<ParsedOffering> {
    let starts_on = input.starts_on.0;
    let ends_on = input.ends_on.map_or(starts_on, |d| d.0);
    if ends_on < starts_on {
        return Err(ApiError::invalid("endsOn", "offering-ends-before-start"));
    }
    let text =
        |field: &str, raw: &Option<String>| raw.as_deref().map(|v| name_text(field, v, 200)).transpose();
    let url = |field: &str, raw: &Option<String>| {
        raw.as_deref()
            .map(|v| WebAddress::parse(field, v).map(|u| u.as_str().to_owned()))
            .transpose()
    };
    let price = input
        .price
        .as_ref()
        .map(|p| {
            p.parse("price")
                .map(|(amount, currency)| (amount, currency.code().to_owned()))
        })
        .transpose()?;
    let early_bird = match (&input.early_bird_price, input.early_bird_deadline) {
        (None, None) => None,
        (Some(early), Some(deadline)) => {
            let (amount, currency) = early.parse("earlyBirdPrice")?;
            match &price {
                Some((_, price_currency)) if price_currency == currency.code() => {}
                _ => {
                    return Err(ApiError::invalid(
                        "earlyBirdPrice.currency",
                        "offering-early-bird-currency",
                    ));
                }
            }
            if deadline.0 > starts_on {
                return Err(ApiError::invalid(
                    "earlyBirdDeadline",
                    "offering-early-bird-after-start",
                ));
            }
            Some((amount, deadline.0))
        }
        (Some(_), None) => return Err(ApiError::invalid("earlyBirdDeadline", "input-required")),
        (None, Some(_)) => return Err(ApiError::invalid("earlyBirdPrice", "input-required")),
    };
    if input.capacity.is_some_and(|c| c < 1) {
        return Err(ApiError::invalid("capacity", "input-out-of-range")
            .arg("min", 1u64)
            .arg("max", 100_000u64));
    }
    if input.programme.len() > 100 {
        return Err(ApiError::invalid("programme", "input-too-many").arg("max", 100u64));
    }
    let mut programme = Vec::with_capacity(input.programme.len());
    for (i, item) in input.programme.iter().enumerate() {
        let day = item.starts_at.date_naive();
        if day < starts_on || day > ends_on {
            return Err(ApiError::invalid(
                format!("programme[{i}].startsAt"),
                "offering-programme-outside-dates",
            ));
        }
        programme.push((
            item.starts_at,
            name_text(&format!("programme[{i}].title"), &item.title, 300)?,
            text(&format!("programme[{i}].speaker"), &item.speaker)?,
        ));
    }
    Ok(ParsedOffering {
        starts_on,
        ends_on,
        venue: text("venue", &input.venue)?,
        city: text("city", &input.city)?,
        country: input
            .country
            .as_deref()
            .map(|c| CountryCode::parse("country", c).map(|c| c.alpha2().to_owned()))
            .transpose()?,
        online_url: url("onlineUrl", &input.online_url)?,
        language: LocaleTag::parse("language", &input.language)?.to_tag(),
        price,
        early_bird,
        capacity: input.capacity,
        registration_url: url("registrationUrl", &input.registration_url)?,
        programme,
    })
}

async fn write_programme(
    txn: &DatabaseTransaction,
    offering_id: Uuid,
    parsed: &ParsedOffering,
) -> ApiResult<()> {
    programme_item::Entity::delete_many()
        .filter(programme_item::Column::OfferingId.eq(offering_id))
        .exec(txn)
        .await?;
    for (position, (starts_at, title, speaker)) in parsed.programme.iter().enumerate() {
        programme_item::ActiveModel {
            id: Set(Uuid::now_v7()),
            offering_id: Set(offering_id),
            position: Set(position as i32),
            starts_at: Set(*starts_at),
            title: Set(title.clone()),
            speaker: Set(speaker.clone()),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

fn offering_fields(model: &mut offering::ActiveModel, parsed: &ParsedOffering) {
    model.starts_on = Set(parsed.starts_on);
    model.ends_on = Set(parsed.ends_on);
    model.venue = Set(parsed.venue.clone());
    model.city = Set(parsed.city.clone());
    model.country = Set(parsed.country.clone());
    model.online_url = Set(parsed.online_url.clone());
    model.language = Set(parsed.language.clone());
    model.price_minor = Set(parsed.price.as_ref().map(|(amount, _)| *amount));
    model.price_currency = Set(parsed.price.as_ref().map(|(_, currency)| currency.clone()));
    model.early_bird_minor = Set(parsed.early_bird.map(|(amount, _)| amount));
    model.early_bird_deadline = Set(parsed.early_bird.map(|(_, deadline)| deadline));
    model.capacity = Set(parsed.capacity);
    model.registration_url = Set(parsed.registration_url.clone());
}

/// Loads a material the caller may change: NOT_FOUND or FORBIDDEN.
async fn find_writable(state: &RequestState, id: Uuid) -> ApiResult<training_material::Model> {
    let found = find_readable(state, id).await?;
    state.caller.writer()?;
    let writable = training_material::Entity::find_by_id(id)
        .filter(policy::training_write(&state.caller))
        .count(&state.db)
        .await?;
    if writable == 0 {
        return Err(ApiError::forbidden());
    }
    Ok(found)
}

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
        let person = state.caller.writer()?;
        let provider = match &input.provider_organisation_id {
            Some(id) => {
                let id = parse_id("input.providerOrganisationId", id)?;
                crate::graphql::organisation::find_visible(state, id, &state.db)
                    .await
                    .map_err(|e| e.with_field("providerOrganisationId"))?;
                if !state.caller.is_admin() && person.organisation_id != Some(id) {
                    return Err(ApiError::forbidden());
                }
                id
            }
            None => person.organisation_id.ok_or_else(ApiError::forbidden)?,
        };
        let original_locale = match &input.original_locale {
            Some(raw) => state.content_locale("originalLocale", raw)?,
            None => crate::l10n::default_locale().to_string(),
        };
        let now = Utc::now();
        let model = training_material::ActiveModel {
            id: Set(Uuid::now_v7()),
            provider_organisation_id: Set(provider),
            kind: Set(input.kind.as_str().to_owned()),
            title: Set(name_text("title", &input.title, TITLE_MAX)?),
            summary: Set(long_text("summary", &input.summary, TEXT_MAX)?),
            prerequisites: Set(long_text("prerequisites", &input.prerequisites, TEXT_MAX)?),
            learning_outcomes: Set(outcomes(&input.learning_outcomes)?),
            original_locale: Set(original_locale),
            target_audiences: Set(audiences(&input.target_audiences)),
            eqf_level: Set(input.eqf_level.map(eqf).transpose()?),
            ects_credits: Set(input.ects_credits.map(ects).transpose()?),
            duration: Set(input
                .duration
                .as_deref()
                .map(|d| name_text("duration", d, 200))
                .transpose()?),
            delivery_mode: Set(input.delivery_mode.as_str().to_owned()),
            languages: Set(languages(&input.languages)?),
            license: Set(input
                .license
                .as_deref()
                .map(|l| SpdxId::parse("license", l).map(|l| l.as_str().to_owned()))
                .transpose()?),
            topics: Set(Value::from(text_list("topics", &input.topics, 20, 80)?)),
            instructors: Set(Value::from(text_list(
                "instructors",
                &input.instructors,
                30,
                200,
            )?)),
            visibility: Set(input.visibility.as_str().to_owned()),
            created_by: Set(Some(person.id)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let mut change = Change::begin(&state.db).await?;
        let model = model.insert(change.db()).await?;
        change
            .record(
                NewEvent::new("training.created", "TrainingMaterial", model.id, Some(person)).payload(
                    json!({
                        "providerOrganisationId": model.provider_organisation_id,
                        "visibility": model.visibility,
                    }),
                ),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(TrainingMaterial(model))
    }

    /// Changes a training material (the provider's members, EDIT grantees, admins).
    async fn update_training_material(
        &self,
        ctx: &Context<'_>,
        input: UpdateTrainingMaterialInput,
    ) -> ApiResult<TrainingMaterial> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("input.id", &input.id)?;
        let current = find_writable(state, id).await?;
        // Checks below are made against `current`; a newer row is a conflict.
        if current.version != input.expected_version {
            return Err(ApiError::stale_version(input.expected_version, current.version));
        }
        let mut change = <training_material::ActiveModel as Default>::default();
        if let Some(kind) = input.kind {
            change.kind = Set(kind.as_str().to_owned());
        }
        if let Some(v) = &input.title {
            change.title = Set(name_text("title", v, TITLE_MAX)?);
        }
        if let Some(v) = &input.summary {
            change.summary = Set(long_text("summary", v, TEXT_MAX)?);
        }
        if let Some(v) = &input.prerequisites {
            change.prerequisites = Set(long_text("prerequisites", v, TEXT_MAX)?);
        }
        if let Some(v) = &input.learning_outcomes {
            change.learning_outcomes = Set(outcomes(v)?);
        }
        if let Some(v) = &input.target_audiences {
            change.target_audiences = Set(audiences(v));
        }
        match input.eqf_level {
            MaybeUndefined::Value(v) => change.eqf_level = Set(Some(eqf(v)?)),
            MaybeUndefined::Null => change.eqf_level = Set(None),
            MaybeUndefined::Undefined => {}
        }
        match input.ects_credits {
            MaybeUndefined::Value(v) => change.ects_credits = Set(Some(ects(v)?)),
            MaybeUndefined::Null => change.ects_credits = Set(None),
            MaybeUndefined::Undefined => {}
        }
        match &input.duration {
            MaybeUndefined::Value(v) => change.duration = Set(Some(name_text("duration", v, 200)?)),
            MaybeUndefined::Null => change.duration = Set(None),
            MaybeUndefined::Undefined => {}
        }
        if let Some(mode) = input.delivery_mode {
            change.delivery_mode = Set(mode.as_str().to_owned());
        }
        if let Some(v) = &input.languages {
            change.languages = Set(languages(v)?);
        }
        match &input.license {
            MaybeUndefined::Value(v) => {
                change.license = Set(Some(SpdxId::parse("license", v)?.as_str().to_owned()))
            }
            MaybeUndefined::Null => change.license = Set(None),
            MaybeUndefined::Undefined => {}
        }
        if let Some(v) = &input.topics {
            change.topics = Set(Value::from(text_list("topics", v, 20, 80)?));
        }
        if let Some(v) = &input.instructors {
            change.instructors = Set(Value::from(text_list("instructors", v, 30, 200)?));
        }
        if let Some(visibility) = input.visibility {
            if visibility.as_str() != current.visibility {
                policy::can_manage_training(&state.caller, &current)?;
            }
            change.visibility = Set(visibility.as_str().to_owned());
        }
        let fields = changed_fields(&change);
        let mut write = Change::begin(&state.db).await?;
        let row =
            crate::db::versioned_update(write.db(), TRAINING, id, input.expected_version, change).await?;
        write
            .record(
                NewEvent::new(
                    "training.updated",
                    "TrainingMaterial",
                    id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "fields": fields, "version": row.version, "visibility": row.visibility })),
            )
            .await?;
        write.commit(&state.events).await?;
        Ok(TrainingMaterial(row))
    }

    /// Attaches a document the caller may read to a training material they may change.
    async fn attach_document_to_training_material(
        &self,
        ctx: &Context<'_>,
        training_material_id: ID,
        document_id: ID,
    ) -> ApiResult<TrainingMaterial> {
        let state = RequestState::of(ctx)?;
        let material = find_writable(state, parse_id("trainingMaterialId", &training_material_id)?).await?;
        let document_id = parse_id("documentId", &document_id)?;
        crate::graphql::document::find_readable(state, document_id, &state.db)
            .await
            .map_err(|e| e.with_field("documentId"))?;
        let exists = training_document::Entity::find()
            .filter(training_document::Column::TrainingMaterialId.eq(material.id))
            .filter(training_document::Column::DocumentId.eq(document_id))
            .count(&state.db)
            .await?;
        if exists == 0 {
            let mut change = Change::begin(&state.db).await?;
            let inserted = training_document::ActiveModel {
                training_material_id: Set(material.id),
                document_id: Set(document_id),
                created_at: Set(Utc::now()),
            }
            .insert(change.db())
            .await;
            match inserted {
                Ok(_) => {
                    change
                        .record(
                            NewEvent::new(
                                "training.document_attached",
                                "TrainingMaterial",
                                material.id,
                                state.caller.person.as_ref(),
                            )
                            .payload(json!({ "documentId": document_id })),
                        )
                        .await?;
                    change.commit(&state.events).await?;
                }
                // Attached twice at once: the other request already did it.
                Err(error) if crate::db::violates(&error, crate::db::TRAINING_DOCUMENT) => {
                    change.rollback().await?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(TrainingMaterial(material))
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
        let material = find_readable(state, parse_id("trainingMaterialId", &training_material_id)?).await?;
        policy::can_manage_training(&state.caller, &material)?;
        let organisation = parse_id("organisationId", &organisation_id)?;
        crate::graphql::organisation::find_visible(state, organisation, &state.db)
            .await
            .map_err(|e| e.with_field("organisationId"))?;
        if organisation == material.provider_organisation_id {
            return Err(ApiError::invalid("organisationId", "document-share-owner"));
        }
        if material.visibility == Visibility::Private.as_str() {
            return Err(ApiError::invalid("trainingMaterialId", "document-share-private"));
        }
        if expires_at.is_some_and(|t| t <= Utc::now()) {
            return Err(ApiError::invalid("expiresAt", "input-time-in-past"));
        }
        let person = state.caller.writer()?;
        let mut change = Change::begin(&state.db).await?;
        training_share::Entity::delete_many()
            .filter(training_share::Column::TrainingMaterialId.eq(material.id))
            .filter(training_share::Column::OrganisationId.eq(organisation))
            .exec(change.db())
            .await?;
        training_share::ActiveModel {
            training_material_id: Set(material.id),
            organisation_id: Set(organisation),
            permission: Set(permission.as_str().to_owned()),
            expires_at: Set(expires_at),
            granted_by: Set(Some(person.id)),
            created_at: Set(Utc::now()),
        }
        .insert(change.db())
        .await?;
        change
            .record(
                NewEvent::new("training.shared", "TrainingMaterial", material.id, Some(person)).payload(
                    json!({
                        "organisationId": organisation,
                        "permission": permission.as_str(),
                        "expiresAt": expires_at,
                    }),
                ),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(TrainingMaterial(material))
    }

    /// Withdraws a grant. True if there was one.
    async fn unshare_training_material(
        &self,
        ctx: &Context<'_>,
        training_material_id: ID,
        organisation_id: ID,
    ) -> ApiResult<bool> {
        let state = RequestState::of(ctx)?;
        let material = find_readable(state, parse_id("trainingMaterialId", &training_material_id)?).await?;
        policy::can_manage_training(&state.caller, &material)?;
        let organisation = parse_id("organisationId", &organisation_id)?;
        let mut change = Change::begin(&state.db).await?;
        let deleted = training_share::Entity::delete_many()
            .filter(training_share::Column::TrainingMaterialId.eq(material.id))
            .filter(training_share::Column::OrganisationId.eq(organisation))
            .exec(change.db())
            .await?;
        if deleted.rows_affected == 0 {
            return Ok(false);
        }
        change
            .record(
                NewEvent::new(
                    "training.unshared",
                    "TrainingMaterial",
                    material.id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "organisationId": organisation })),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(true)
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
        let material = find_readable(state, parse_id("id", &id)?).await?;
        let locale = state.content_locale("locale", &locale)?;
        policy::can_translate(&state.caller, &locale)?;
        if locale == material.original_locale {
            return Err(ApiError::invalid("locale", "translation-original-locale"));
        }
        let person = state.caller.writer()?;
        let now = Utc::now();
        let row = training_translation::ActiveModel {
            training_material_id: Set(material.id),
            locale: Set(locale.clone()),
            title: Set(name_text("title", &title, TITLE_MAX)?),
            summary: Set(long_text("summary", &summary, TEXT_MAX)?),
            prerequisites: Set(long_text("prerequisites", &prerequisites, TEXT_MAX)?),
            learning_outcomes: Set(outcomes(&learning_outcomes)?),
            source_digest: Set(digest(&material)),
            status: Set(status.as_str().to_owned()),
            translator_id: Set(Some(person.id)),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let mut change = Change::begin(&state.db).await?;
        training_translation::Entity::delete_many()
            .filter(training_translation::Column::TrainingMaterialId.eq(material.id))
            .filter(training_translation::Column::Locale.eq(locale.clone()))
            .exec(change.db())
            .await?;
        row.insert(change.db()).await?;
        change
            .record(
                NewEvent::new("translation.saved", "TrainingMaterial", material.id, Some(person))
                    .payload(json!({ "locale": locale, "status": status.as_str() })),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(TrainingMaterial(material))
    }

    /// Schedules a dated run of a training material, with its programme.
    async fn schedule_offering(
        &self,
        ctx: &Context<'_>,
        training_material_id: ID,
        input: OfferingInput,
    ) -> ApiResult<Offering> {
        let state = RequestState::of(ctx)?;
        let material = find_writable(state, parse_id("trainingMaterialId", &training_material_id)?).await?;
        let parsed = parse_offering(&input)?;
        let original_locale = material.original_locale.clone();
        let now = Utc::now();
        let id = Uuid::now_v7();
        let mut model = offering::ActiveModel {
            id: Set(id),
            training_material_id: Set(material.id),
            status: Set(OfferingStatus::Scheduled.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        offering_fields(&mut model, &parsed);
        let mut change = Change::begin(&state.db).await?;
        let created = model.insert(change.db()).await?;
        write_programme(change.db(), id, &parsed).await?;
        change
            .record(
                NewEvent::new(
                    "training.offering_scheduled",
                    "TrainingMaterial",
                    material.id,
                    state.caller.person.as_ref(),
                )
                .payload(
                    json!({ "offeringId": id, "startsOn": created.starts_on, "endsOn": created.ends_on }),
                ),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(Offering::new(created, original_locale))
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
        let current = find_offering(state, "id", &id).await?;
        let material = find_writable(state, current.training_material_id).await?;
        let parsed = parse_offering(&input)?;
        let mut change = <offering::ActiveModel as Default>::default();
        offering_fields(&mut change, &parsed);
        let mut write = Change::begin(&state.db).await?;
        let updated =
            crate::db::versioned_update(write.db(), OFFERING, current.id, expected_version, change).await?;
        write_programme(write.db(), current.id, &parsed).await?;
        write
            .record(
                NewEvent::new(
                    "training.offering_updated",
                    "TrainingMaterial",
                    material.id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "offeringId": current.id, "version": updated.version })),
            )
            .await?;
        write.commit(&state.events).await?;
        Ok(Offering::new(updated, material.original_locale))
    }

    /// Cancels an offering; it stays listed as CANCELLED.
    async fn cancel_offering(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Offering> {
        let state = RequestState::of(ctx)?;
        let current = find_offering(state, "id", &id).await?;
        let material = find_writable(state, current.training_material_id).await?;
        if current.status == OfferingStatus::Cancelled.as_str() {
            return Ok(Offering::new(current, material.original_locale));
        }
        let change = offering::ActiveModel {
            status: Set(OfferingStatus::Cancelled.as_str().to_owned()),
            ..Default::default()
        };
        let mut write = Change::begin(&state.db).await?;
        let updated =
            crate::db::versioned_update(write.db(), OFFERING, current.id, current.version, change).await?;
        write
            .record(
                NewEvent::new(
                    "training.offering_cancelled",
                    "TrainingMaterial",
                    material.id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "offeringId": current.id })),
            )
            .await?;
        write.commit(&state.events).await?;
        Ok(Offering::new(updated, material.original_locale))
    }
}

async fn find_offering(state: &RequestState, field: &str, id: &ID) -> ApiResult<offering::Model> {
    let id = parse_id(field, id)?;
    let found = offering::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    find_readable(state, found.training_material_id).await?;
    Ok(found)
}

//! Changing training: publishing and changing materials, attaching
//! documents, sharing, translating, and scheduling, changing and cancelling
//! offerings, each checked against the policy, validated, and written in
//! one transaction with its event.

use async_graphql::MaybeUndefined;
use chrono::{DateTime, Utc};
use sammen_entities::{offering, training_document, training_material, training_share};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::auth::{Caller, policy};
use crate::context::Ctx;
use crate::domain::{
    OfferingStatus, SharePermission, SpdxId, TranslationStatus, Visibility, long_text, name_text, parse_id,
    text_list,
};
use crate::error::{ApiError, ApiResult};
use crate::events::{Change, NewEvent, changed_fields};
use crate::translation;

use super::inputs::*;

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

/// Loads a training material the caller may read, or NOT_FOUND.
pub async fn find_readable(
    caller: &Caller,
    id: Uuid,
    db: &impl sea_orm::ConnectionTrait,
) -> ApiResult<training_material::Model> {
    training_material::Entity::find_by_id(id)
        .filter(policy::training_read(caller))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Loads a material the caller may change: NOT_FOUND or FORBIDDEN.
async fn find_writable(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<training_material::Model> {
    let found = find_readable(ctx.caller, id, ctx.db).await?;
    ctx.caller.writer()?;
    let writable = training_material::Entity::find_by_id(id)
        .filter(policy::training_write(ctx.caller))
        .count(ctx.db)
        .await?;
    if writable == 0 {
        return Err(ApiError::forbidden());
    }
    Ok(found)
}

/// The texts of a training translation.
pub struct TranslatedTexts {
    pub title: String,
    pub summary: String,
    pub prerequisites: String,
    pub learning_outcomes: Vec<String>,
}

/// Publishes a training material provided by the caller's organisation.
pub async fn create(
    ctx: &Ctx<'_>,
    input: CreateTrainingMaterialInput,
) -> ApiResult<training_material::Model> {
    let person = ctx.caller.writer()?;
    let provider = match &input.provider_organisation_id {
        Some(id) => {
            let id = parse_id("input.providerOrganisationId", id.as_str())?;
            crate::organisations::find_visible(ctx.caller, id, ctx.db)
                .await
                .map_err(|e| e.with_field("providerOrganisationId"))?;
            if !ctx.caller.is_admin() && person.organisation_id != Some(id) {
                return Err(ApiError::forbidden());
            }
            id
        }
        None => person.organisation_id.ok_or_else(ApiError::forbidden)?,
    };
    let original_locale = match &input.original_locale {
        Some(raw) => ctx.content_locale("originalLocale", raw)?,
        None => crate::l10n::default_locale().to_string(),
    };
    let now = Utc::now();
    let model = training_material::ActiveModel {
        id: Set(Uuid::now_v7()),
        provider_organisation_id: Set(provider),
        kind: Set(input.kind),
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
        delivery_mode: Set(input.delivery_mode),
        languages: Set(languages(&input.languages)?),
        license: Set(input
            .license
            .as_deref()
            .map(|l| SpdxId::parse("license", l).map(|l| l.as_str().to_owned()))
            .transpose()?),
        topics: Set(sammen_entities::list::StringList::from(text_list(
            "topics",
            &input.topics,
            20,
            80,
        )?)),
        instructors: Set(sammen_entities::list::StringList::from(text_list(
            "instructors",
            &input.instructors,
            30,
            200,
        )?)),
        visibility: Set(input.visibility),
        created_by: Set(Some(person.id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let mut change = Change::begin(ctx.db).await?;
    let model = model.insert(change.db()).await?;
    change
        .record(
            NewEvent::new("training.created", "TrainingMaterial", model.id, Some(person)).payload(json!({
                "providerOrganisationId": model.provider_organisation_id,
                "visibility": model.visibility,
            })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(model)
}

/// Changes a training material (the provider's members, EDIT grantees, admins).
pub async fn update(
    ctx: &Ctx<'_>,
    input: UpdateTrainingMaterialInput,
) -> ApiResult<training_material::Model> {
    let id = parse_id("input.id", input.id.as_str())?;
    let current = find_writable(ctx, id).await?;
    // Checks below are made against `current`; a newer row is a conflict.
    if current.version != input.expected_version {
        return Err(ApiError::stale_version(input.expected_version, current.version));
    }
    let mut change = <training_material::ActiveModel as Default>::default();
    if let Some(kind) = input.kind {
        change.kind = Set(kind);
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
        change.delivery_mode = Set(mode);
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
        change.topics = Set(sammen_entities::list::StringList::from(text_list(
            "topics", v, 20, 80,
        )?));
    }
    if let Some(v) = &input.instructors {
        change.instructors = Set(sammen_entities::list::StringList::from(text_list(
            "instructors",
            v,
            30,
            200,
        )?));
    }
    if let Some(visibility) = input.visibility {
        if visibility != current.visibility {
            policy::can_manage_training(ctx.caller, &current)?;
        }
        change.visibility = Set(visibility);
    }
    let fields = changed_fields(&change);
    let mut write = Change::begin(ctx.db).await?;
    let row = crate::db::versioned_update(write.db(), TRAINING, id, input.expected_version, change).await?;
    write
        .record(
            NewEvent::new("training.updated", "TrainingMaterial", id, ctx.actor())
                .payload(json!({ "fields": fields, "version": row.version, "visibility": row.visibility })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok(row)
}

/// Attaches a document the caller may read to a training material they may change.
pub async fn attach_document(
    ctx: &Ctx<'_>,
    training_material_id: Uuid,
    document_id: Uuid,
) -> ApiResult<training_material::Model> {
    let material = find_writable(ctx, training_material_id).await?;
    crate::documents::find_readable(ctx.caller, document_id, ctx.db)
        .await
        .map_err(|e| e.with_field("documentId"))?;
    let exists = training_document::Entity::find()
        .filter(training_document::Column::TrainingMaterialId.eq(material.id))
        .filter(training_document::Column::DocumentId.eq(document_id))
        .count(ctx.db)
        .await?;
    if exists == 0 {
        let mut change = Change::begin(ctx.db).await?;
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
                            ctx.actor(),
                        )
                        .payload(json!({ "documentId": document_id })),
                    )
                    .await?;
                change.commit(ctx.events).await?;
            }
            // Attached twice at once: the other request already did it.
            Err(error) if crate::db::violates(&error, crate::db::TRAINING_DOCUMENT) => {
                change.rollback().await?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(material)
}

/// Lets another organisation VIEW or EDIT a training material (the provider's members and admins).
pub async fn share(
    ctx: &Ctx<'_>,
    training_material_id: Uuid,
    organisation: Uuid,
    permission: SharePermission,
    expires_at: Option<DateTime<Utc>>,
) -> ApiResult<training_material::Model> {
    let material = find_readable(ctx.caller, training_material_id, ctx.db).await?;
    policy::can_manage_training(ctx.caller, &material)?;
    crate::organisations::find_visible(ctx.caller, organisation, ctx.db)
        .await
        .map_err(|e| e.with_field("organisationId"))?;
    if organisation == material.provider_organisation_id {
        return Err(ApiError::invalid("organisationId", "document-share-owner"));
    }
    if material.visibility == Visibility::Private {
        return Err(ApiError::invalid("trainingMaterialId", "document-share-private"));
    }
    if expires_at.is_some_and(|t| t <= Utc::now()) {
        return Err(ApiError::invalid("expiresAt", "input-time-in-past"));
    }
    let person = ctx.caller.writer()?;
    let mut change = Change::begin(ctx.db).await?;
    training_share::Entity::delete_many()
        .filter(training_share::Column::TrainingMaterialId.eq(material.id))
        .filter(training_share::Column::OrganisationId.eq(organisation))
        .exec(change.db())
        .await?;
    training_share::ActiveModel {
        training_material_id: Set(material.id),
        organisation_id: Set(organisation),
        permission: Set(permission),
        expires_at: Set(expires_at),
        granted_by: Set(Some(person.id)),
        created_at: Set(Utc::now()),
    }
    .insert(change.db())
    .await?;
    change
        .record(
            NewEvent::new("training.shared", "TrainingMaterial", material.id, Some(person)).payload(json!({
                "organisationId": organisation,
                "permission": permission.as_str(),
                "expiresAt": expires_at,
            })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(material)
}

/// Withdraws a grant. True if there was one.
pub async fn unshare(ctx: &Ctx<'_>, training_material_id: Uuid, organisation: Uuid) -> ApiResult<bool> {
    let material = find_readable(ctx.caller, training_material_id, ctx.db).await?;
    policy::can_manage_training(ctx.caller, &material)?;
    let mut change = Change::begin(ctx.db).await?;
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
            NewEvent::new("training.unshared", "TrainingMaterial", material.id, ctx.actor())
                .payload(json!({ "organisationId": organisation })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(true)
}

/// Stores a translation of the texts (translators of that locale and admins).
pub async fn translate(
    ctx: &Ctx<'_>,
    id: Uuid,
    locale: &str,
    texts: TranslatedTexts,
    status: TranslationStatus,
) -> ApiResult<training_material::Model> {
    let TranslatedTexts {
        title,
        summary,
        prerequisites,
        learning_outcomes,
    } = texts;
    let material = find_readable(ctx.caller, id, ctx.db).await?;
    let locale = ctx.content_locale("locale", locale)?;
    translation::may_translate(ctx, &material, &locale)?;
    let texts = vec![
        ("title", name_text("title", &title, TITLE_MAX)?),
        ("summary", long_text("summary", &summary, TEXT_MAX)?),
        (
            "prerequisites",
            long_text("prerequisites", &prerequisites, TEXT_MAX)?,
        ),
        (
            "learningOutcomes",
            outcomes(&learning_outcomes)?.items().join("\n"),
        ),
    ];
    translation::save(ctx, &material, &locale, texts, status).await?;
    Ok(material)
}

/// Schedules a dated run of a training material, with its programme.
pub async fn schedule_offering(
    ctx: &Ctx<'_>,
    training_material_id: Uuid,
    input: OfferingInput,
) -> ApiResult<(offering::Model, String)> {
    let material = find_writable(ctx, training_material_id).await?;
    let parsed = parse_offering(&input)?;
    let original_locale = material.original_locale.clone();
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut model = offering::ActiveModel {
        id: Set(id),
        training_material_id: Set(material.id),
        status: Set(OfferingStatus::Scheduled),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    offering_fields(&mut model, &parsed);
    let mut change = Change::begin(ctx.db).await?;
    let created = model.insert(change.db()).await?;
    write_programme(change.db(), id, &parsed).await?;
    change
        .record(
            NewEvent::new(
                "training.offering_scheduled",
                "TrainingMaterial",
                material.id,
                ctx.actor(),
            )
            .payload(json!({ "offeringId": id, "startsOn": created.starts_on, "endsOn": created.ends_on })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok((created, original_locale))
}

/// Replaces an offering's details and programme. CONFLICT when `expectedVersion` is stale.
pub async fn update_offering(
    ctx: &Ctx<'_>,
    id: Uuid,
    expected_version: i32,
    input: OfferingInput,
) -> ApiResult<(offering::Model, String)> {
    let current = find_offering(ctx, id).await?;
    let material = find_writable(ctx, current.training_material_id).await?;
    let parsed = parse_offering(&input)?;
    let mut change = <offering::ActiveModel as Default>::default();
    offering_fields(&mut change, &parsed);
    let mut write = Change::begin(ctx.db).await?;
    let updated =
        crate::db::versioned_update(write.db(), OFFERING, current.id, expected_version, change).await?;
    write_programme(write.db(), current.id, &parsed).await?;
    write
        .record(
            NewEvent::new(
                "training.offering_updated",
                "TrainingMaterial",
                material.id,
                ctx.actor(),
            )
            .payload(json!({ "offeringId": current.id, "version": updated.version })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok((updated, material.original_locale))
}

/// Cancels an offering; it stays listed as CANCELLED.
pub async fn cancel_offering(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<(offering::Model, String)> {
    let current = find_offering(ctx, id).await?;
    let material = find_writable(ctx, current.training_material_id).await?;
    if current.status == OfferingStatus::Cancelled {
        return Ok((current, material.original_locale));
    }
    let change = offering::ActiveModel {
        status: Set(OfferingStatus::Cancelled),
        ..Default::default()
    };
    let mut write = Change::begin(ctx.db).await?;
    let updated =
        crate::db::versioned_update(write.db(), OFFERING, current.id, current.version, change).await?;
    write
        .record(
            NewEvent::new(
                "training.offering_cancelled",
                "TrainingMaterial",
                material.id,
                ctx.actor(),
            )
            .payload(json!({ "offeringId": current.id })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok((updated, material.original_locale))
}

async fn find_offering(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<offering::Model> {
    let found = offering::Entity::find_by_id(id)
        .one(ctx.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    find_readable(ctx.caller, found.training_material_id, ctx.db).await?;
    Ok(found)
}

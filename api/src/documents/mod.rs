//! Documents: creating them, changing their metadata, sharing them with
//! other organisations, translating them and adding versions (`versions`),
//! each checked against the policy, validated, and written in one
//! transaction with its event.

mod versions;

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::{DateTime, Utc};
use sammen_entities::{document, document_share, document_version};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

pub use versions::{NewVersion, file_stream, parse_filename};

use crate::auth::{Caller, policy};
use crate::context::Ctx;
use crate::domain::{
    Date, DocumentKind, LocaleTag, SharePermission, SpdxId, TranslationStatus, Visibility, long_text,
    name_text, parse_id, text_list,
};
use crate::error::{ApiError, ApiResult};
use crate::events::{Change, NewEvent, changed_fields};
use crate::organisations;
use crate::translation;

pub const TITLE_MAX: usize = 300;
pub const SUMMARY_MAX: usize = 10_000;

/// A new document. The file comes afterwards, as versions.
#[derive(InputObject)]
pub struct CreateDocumentInput {
    /// The owning organisation; the caller's own by default (admins may choose).
    pub owner_organisation_id: Option<ID>,
    pub kind: DocumentKind,
    pub title: String,
    #[graphql(default)]
    pub summary: String,
    /// The locale the title and summary are written in (default en-US).
    pub original_locale: Option<String>,
    /// The language of the file itself (BCP 47); defaults to `originalLocale`.
    pub content_language: Option<String>,
    /// An SPDX license id, e.g. `CC-BY-NC-SA-4.0`.
    pub license: Option<String>,
    #[graphql(default)]
    pub authors: Vec<String>,
    pub published_on: Option<Date>,
    #[graphql(default)]
    pub topics: Vec<String>,
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
}

/// Changes to a document's metadata. Omitted fields stay; `null` clears optional ones.
#[derive(InputObject)]
pub struct UpdateDocumentInput {
    pub id: ID,
    /// The `version` the change was based on; CONFLICT if the document changed since.
    pub expected_version: i32,
    pub kind: Option<DocumentKind>,
    /// The title in the original locale; translations become OUTDATED.
    pub title: Option<String>,
    pub summary: Option<String>,
    pub content_language: Option<String>,
    pub license: MaybeUndefined<String>,
    pub authors: Option<Vec<String>>,
    pub published_on: MaybeUndefined<Date>,
    pub topics: Option<Vec<String>>,
    /// Only the owner's members and admins may change who can see the document.
    pub visibility: Option<Visibility>,
}

/// Creates a document owned by the caller's organisation.
pub async fn create(ctx: &Ctx<'_>, input: CreateDocumentInput) -> ApiResult<document::Model> {
    let person = ctx.caller.writer()?;
    let owner = match &input.owner_organisation_id {
        Some(id) => {
            let id = parse_id("input.ownerOrganisationId", id)?;
            organisations::find_visible(ctx.caller, id, ctx.db)
                .await
                .map_err(|e| e.with_field("ownerOrganisationId"))?;
            if !ctx.caller.is_admin() && person.organisation_id != Some(id) {
                return Err(ApiError::forbidden());
            }
            id
        }
        None => person.organisation_id.ok_or_else(ApiError::forbidden)?,
    };
    let title = name_text("title", &input.title, TITLE_MAX)?;
    let summary = long_text("summary", &input.summary, SUMMARY_MAX)?;
    let original_locale = match &input.original_locale {
        Some(raw) => ctx.content_locale("originalLocale", raw)?,
        None => crate::l10n::default_locale().to_string(),
    };
    let content_language = match &input.content_language {
        Some(raw) => LocaleTag::parse("contentLanguage", raw)?.to_tag(),
        None => original_locale.clone(),
    };
    let license = input
        .license
        .as_deref()
        .map(|l| SpdxId::parse("license", l))
        .transpose()?;
    let authors = text_list("authors", &input.authors, 50, 200)?;
    let topics = text_list("topics", &input.topics, 20, 80)?;
    let now = Utc::now();
    let model = document::ActiveModel {
        id: Set(Uuid::now_v7()),
        owner_organisation_id: Set(owner),
        project_id: Set(None),
        kind: Set(input.kind),
        title: Set(title),
        summary: Set(summary),
        original_locale: Set(original_locale),
        content_language: Set(content_language),
        license: Set(license.map(|l| l.as_str().to_owned())),
        authors: Set(sammen_entities::list::StringList::from(authors)),
        published_on: Set(input.published_on.map(|d| d.0)),
        topics: Set(sammen_entities::list::StringList::from(topics)),
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
            NewEvent::new("document.created", "Document", model.id, Some(person)).payload(json!({
                "ownerOrganisationId": model.owner_organisation_id,
                "visibility": model.visibility,
            })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(model)
}

/// Changes a document's metadata (the owner's members, EDIT grantees, admins).
pub async fn update(ctx: &Ctx<'_>, input: UpdateDocumentInput) -> ApiResult<document::Model> {
    let id = parse_id("input.id", &input.id)?;
    let current = find_writable(ctx, id).await?;
    // Checks below are made against `current`; a newer row is a conflict.
    if current.version != input.expected_version {
        return Err(ApiError::stale_version(input.expected_version, current.version));
    }
    let mut change = <document::ActiveModel as Default>::default();
    if let Some(kind) = input.kind {
        change.kind = Set(kind);
    }
    if let Some(title) = &input.title {
        change.title = Set(name_text("title", title, TITLE_MAX)?);
    }
    if let Some(summary) = &input.summary {
        change.summary = Set(long_text("summary", summary, SUMMARY_MAX)?);
    }
    if let Some(language) = &input.content_language {
        change.content_language = Set(LocaleTag::parse("contentLanguage", language)?.to_tag());
    }
    match &input.license {
        MaybeUndefined::Value(l) => {
            change.license = Set(Some(SpdxId::parse("license", l)?.as_str().to_owned()))
        }
        MaybeUndefined::Null => change.license = Set(None),
        MaybeUndefined::Undefined => {}
    }
    if let Some(authors) = &input.authors {
        change.authors = Set(sammen_entities::list::StringList::from(text_list(
            "authors", authors, 50, 200,
        )?));
    }
    match &input.published_on {
        MaybeUndefined::Value(d) => change.published_on = Set(Some(d.0)),
        MaybeUndefined::Null => change.published_on = Set(None),
        MaybeUndefined::Undefined => {}
    }
    if let Some(topics) = &input.topics {
        change.topics = Set(sammen_entities::list::StringList::from(text_list(
            "topics", topics, 20, 80,
        )?));
    }
    if let Some(visibility) = input.visibility {
        if visibility != current.visibility {
            policy::can_manage_document(ctx.caller, &current)?;
        }
        change.visibility = Set(visibility);
    }
    let columns = crate::db::Versioned {
        id: document::Column::Id,
        version: document::Column::Version,
        updated_at: document::Column::UpdatedAt,
    };
    let fields = changed_fields(&change);
    let mut write = Change::begin(ctx.db).await?;
    let row = crate::db::versioned_update(write.db(), columns, id, input.expected_version, change).await?;
    write
        .record(
            NewEvent::new("document.updated", "Document", id, ctx.actor())
                .payload(json!({ "fields": fields, "version": row.version, "visibility": row.visibility })),
        )
        .await?;
    write.commit(ctx.events).await?;
    Ok(row)
}

/// Lets another organisation VIEW or EDIT a document until `expiresAt`
/// (or for good). Sharing again replaces the grant. The owner's members
/// and admins only; the document must be PARTNERS or NETWORK.
pub async fn share(
    ctx: &Ctx<'_>,
    document_id: Uuid,
    organisation: Uuid,
    permission: SharePermission,
    expires_at: Option<DateTime<Utc>>,
) -> ApiResult<document_share::Model> {
    let document = find_readable(ctx.caller, document_id, ctx.db).await?;
    policy::can_manage_document(ctx.caller, &document)?;
    organisations::find_visible(ctx.caller, organisation, ctx.db)
        .await
        .map_err(|e| e.with_field("organisationId"))?;
    if organisation == document.owner_organisation_id {
        return Err(ApiError::invalid("organisationId", "document-share-owner"));
    }
    if document.visibility == Visibility::Private {
        return Err(ApiError::invalid("documentId", "document-share-private"));
    }
    if expires_at.is_some_and(|t| t <= Utc::now()) {
        return Err(ApiError::invalid("expiresAt", "input-time-in-past"));
    }
    let person = ctx.caller.writer()?;
    let mut change = Change::begin(ctx.db).await?;
    document_share::Entity::delete_many()
        .filter(document_share::Column::DocumentId.eq(document.id))
        .filter(document_share::Column::OrganisationId.eq(organisation))
        .exec(change.db())
        .await?;
    let share = document_share::ActiveModel {
        document_id: Set(document.id),
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
            NewEvent::new("document.shared", "Document", document.id, Some(person)).payload(json!({
                "organisationId": organisation,
                "permission": share.permission,
                "expiresAt": share.expires_at,
            })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(share)
}

/// Withdraws a grant. True if there was one.
pub async fn unshare(ctx: &Ctx<'_>, document_id: Uuid, organisation: Uuid) -> ApiResult<bool> {
    let document = find_readable(ctx.caller, document_id, ctx.db).await?;
    policy::can_manage_document(ctx.caller, &document)?;
    let mut change = Change::begin(ctx.db).await?;
    let deleted = document_share::Entity::delete_many()
        .filter(document_share::Column::DocumentId.eq(document.id))
        .filter(document_share::Column::OrganisationId.eq(organisation))
        .exec(change.db())
        .await?;
    if deleted.rows_affected == 0 {
        return Ok(false);
    }
    change
        .record(
            NewEvent::new("document.unshared", "Document", document.id, ctx.actor())
                .payload(json!({ "organisationId": organisation })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(true)
}

/// Stores a translation of the title and summary (translators of that locale and admins).
pub async fn translate(
    ctx: &Ctx<'_>,
    id: Uuid,
    locale: &str,
    title: &str,
    summary: &str,
    status: TranslationStatus,
) -> ApiResult<document::Model> {
    let document = find_readable(ctx.caller, id, ctx.db).await?;
    let locale = ctx.content_locale("locale", locale)?;
    translation::may_translate(ctx, &document, &locale)?;
    let texts = vec![
        ("title", name_text("title", title, TITLE_MAX)?),
        ("summary", long_text("summary", summary, SUMMARY_MAX)?),
    ];
    translation::save(ctx, &document, &locale, texts, status).await?;
    Ok(document)
}

/// Adds a version from an uploaded file. The media type is sniffed from
/// the bytes; the row is written only once the file is stored.
pub async fn upload_version(
    ctx: &Ctx<'_>,
    document_id: Uuid,
    file: async_graphql::UploadValue,
    change_note: Option<&str>,
) -> ApiResult<document_version::Model> {
    let stream = versions::file_stream(file.content);
    store_version(
        ctx,
        document_id,
        file.filename,
        file.content_type,
        stream,
        change_note,
    )
    .await
}

/// Adds a version from bytes in hand, with the file name and media type
/// their sender gave: an upload, or the files of the demo data. Checked and
/// stored as an upload is.
pub async fn store_version<S>(
    ctx: &Ctx<'_>,
    document_id: Uuid,
    filename: String,
    declared_type: Option<String>,
    source: S,
    change_note: Option<&str>,
) -> ApiResult<document_version::Model>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Unpin,
{
    let document = find_writable(ctx, document_id).await?;
    let change_note = change_note
        .map(|n| long_text("changeNote", n, 2000))
        .transpose()?;
    versions::add_version(
        ctx,
        &document,
        NewVersion {
            filename,
            declared_type,
            source_url: None,
            change_note,
        },
        source,
    )
    .await
}

/// Adds a version by fetching a file over https (size and time limits, at
/// most 3 redirects, private addresses refused).
pub async fn import_version(
    ctx: &Ctx<'_>,
    document_id: Uuid,
    url: &str,
    change_note: Option<&str>,
) -> ApiResult<document_version::Model> {
    let document = find_writable(ctx, document_id).await?;
    let change_note = change_note
        .map(|n| long_text("changeNote", n, 2000))
        .transpose()?;
    if url.len() > 2048 {
        return Err(ApiError::invalid("url", "input-too-long").arg("max", 2048u64));
    }
    let fetched = ctx.fetcher.get(url).await.map_err(versions::fetch_error)?;
    let limit = ctx.settings.max_upload_bytes;
    if fetched.content_length.is_some_and(|n| n > limit) {
        return Err(versions::too_large(limit));
    }
    let filename = versions::filename_from_url(&fetched.url);
    let source_url = fetched.url.to_string();
    let declared_type = fetched.content_type.clone();
    versions::add_version(
        ctx,
        &document,
        NewVersion {
            filename,
            declared_type,
            source_url: Some(source_url),
            change_note,
        },
        fetched.into_stream(),
    )
    .await
}

/// Loads a document the caller may read, or NOT_FOUND.
pub async fn find_readable(
    caller: &Caller,
    id: Uuid,
    db: &impl ConnectionTrait,
) -> ApiResult<document::Model> {
    document::Entity::find_by_id(id)
        .filter(policy::document_read(caller))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Loads a document the caller may change: NOT_FOUND if they may not read
/// it, FORBIDDEN if they may read but not change it.
pub async fn find_writable(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<document::Model> {
    let found = find_readable(ctx.caller, id, ctx.db).await?;
    ctx.caller.writer()?;
    let writable = document::Entity::find_by_id(id)
        .filter(policy::document_write(ctx.caller))
        .count(ctx.db)
        .await?;
    if writable == 0 {
        return Err(ApiError::forbidden());
    }
    Ok(found)
}

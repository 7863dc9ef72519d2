//! Documents: metadata with translatable title and summary, immutable file
//! versions (uploaded or imported from a URL), and sharing with partners.

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject, Upload};
use chrono::{DateTime, Utc};
use sammen_entities::{document, document_share, document_translation, document_version};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend};
use uuid::Uuid;

use super::organisation::Organisation;
use super::pagination::{self, ConnectionTotals, Listing, Page, Sort};
use super::scalars::Date;
use super::{RequestState, filters, parse_id};
use crate::auth::policy;
use crate::documents::{self, CreateDocumentInput, UpdateDocumentInput};
use crate::domain::{DocumentKind, LocaleTag, SharePermission, TranslationStatus, Visibility, name_text};
use crate::error::{ApiError, ApiResult};
use crate::l10n::content;

/// A document an organisation shares: a survey report, ethics guidelines, an agreement…
pub struct Document(pub document::Model);

/// A document's title and summary in one locale other than its original.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct DocumentTranslation {
    pub locale: String,
    pub title: String,
    pub summary: String,
    pub status: TranslationStatus,
    pub updated_at: DateTime<Utc>,
    #[graphql(skip)]
    source_digest: String,
    #[graphql(skip)]
    current_digest: String,
}

#[ComplexObject]
impl DocumentTranslation {
    /// True when the original title or summary changed after this translation was made.
    async fn outdated(&self) -> bool {
        self.source_digest != self.current_digest
    }
}

impl Document {
    fn digest(&self) -> String {
        content::source_digest(&[&self.0.title, &self.0.summary])
    }

    async fn translation_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<document_translation::Model>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .document_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    fn to_translation(&self, row: document_translation::Model) -> DocumentTranslation {
        DocumentTranslation {
            locale: row.locale,
            title: row.title,
            summary: row.summary,
            status: TranslationStatus::from_db(&row.status).unwrap_or(TranslationStatus::Draft),
            updated_at: row.updated_at,
            source_digest: row.source_digest,
            current_digest: self.digest(),
        }
    }

    /// (locale, title, summary) along the request's chain.
    async fn resolved(&self, ctx: &Context<'_>) -> ApiResult<(String, String, String)> {
        let state = RequestState::of(ctx)?;
        let rows = self.translation_rows(ctx).await?;
        let locale = content::resolve_locale(
            &state.chain,
            &self.0.original_locale,
            rows.iter()
                .filter(|r| content::complete(&[(&self.0.title, &r.title), (&self.0.summary, &r.summary)]))
                .map(|r| r.locale.as_str()),
        );
        Ok(match rows.iter().find(|r| r.locale == locale) {
            Some(row) => (
                locale.to_owned(),
                content::or_original(&row.title, &self.0.title),
                content::or_original(&row.summary, &self.0.summary),
            ),
            None => (locale.to_owned(), self.0.title.clone(), self.0.summary.clone()),
        })
    }

    async fn version_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<document_version::Model>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .document_versions
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    fn parsed_kind(&self) -> DocumentKind {
        DocumentKind::from_db(&self.0.kind).unwrap_or(DocumentKind::Other)
    }

    fn parsed_visibility(&self) -> Visibility {
        Visibility::from_db(&self.0.visibility).unwrap_or(Visibility::Private)
    }
}

#[Object]
impl Document {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn kind(&self) -> DocumentKind {
        self.parsed_kind()
    }

    /// The kind in the reader's language.
    async fn kind_label(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(RequestState::of(ctx)?.t(&self.parsed_kind().label_id()))
    }

    /// The title in the best locale of the request's chain.
    async fn title(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.1)
    }

    /// The summary in the best locale of the request's chain.
    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.2)
    }

    /// The locale `title` and `summary` are in.
    async fn resolved_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.resolved(ctx).await?.0)
    }

    /// The locale the title and summary were written in.
    async fn original_locale(&self) -> &str {
        &self.0.original_locale
    }

    /// Every locale the title and summary exist in, the original first.
    async fn available_locales(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let mut out = vec![self.0.original_locale.clone()];
        out.extend(
            self.translation_rows(ctx)
                .await?
                .into_iter()
                .filter(|r| content::complete(&[(&self.0.title, &r.title), (&self.0.summary, &r.summary)]))
                .map(|r| r.locale),
        );
        Ok(out)
    }

    /// Translations of the title and summary (the original is not among them).
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn translations(&self, ctx: &Context<'_>) -> ApiResult<Vec<DocumentTranslation>> {
        let rows = self.translation_rows(ctx).await?;
        Ok(rows.into_iter().map(|r| self.to_translation(r)).collect())
    }

    /// The translation into one locale, if there is one.
    async fn translation(&self, ctx: &Context<'_>, locale: String) -> ApiResult<Option<DocumentTranslation>> {
        let tag = LocaleTag::parse("locale", &locale)?.to_tag();
        let rows = self.translation_rows(ctx).await?;
        Ok(rows
            .into_iter()
            .find(|r| r.locale == tag)
            .map(|r| self.to_translation(r)))
    }

    /// The language the file itself is written in (BCP 47).
    async fn content_language(&self) -> &str {
        &self.0.content_language
    }

    /// SPDX license id, e.g. `CC-BY-NC-SA-4.0`.
    async fn license(&self) -> Option<&str> {
        self.0.license.as_deref()
    }

    async fn authors(&self) -> Vec<String> {
        string_list(&self.0.authors)
    }

    async fn published_on(&self) -> Option<Date> {
        self.0.published_on.map(Date)
    }

    async fn topics(&self) -> Vec<String> {
        string_list(&self.0.topics)
    }

    async fn visibility(&self) -> Visibility {
        self.parsed_visibility()
    }

    /// The organisation that owns the document, if the caller may see it.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .organisation
            .load_one(self.0.owner_organisation_id)
            .await?
            .map(Organisation))
    }

    /// Every version, newest first. Versions never change once written.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn versions(&self, ctx: &Context<'_>) -> ApiResult<Vec<DocumentVersion>> {
        Ok(self
            .version_rows(ctx)
            .await?
            .into_iter()
            .map(DocumentVersion)
            .collect())
    }

    /// The newest version, if any file has been added.
    async fn current_version(&self, ctx: &Context<'_>) -> ApiResult<Option<DocumentVersion>> {
        Ok(self
            .version_rows(ctx)
            .await?
            .into_iter()
            .next()
            .map(DocumentVersion))
    }

    /// Grants to other organisations; shown to the owner's members and admins only.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn shares(&self, ctx: &Context<'_>) -> ApiResult<Vec<DocumentShare>> {
        let state = RequestState::of(ctx)?;
        if !can_see_shares(state, &self.0) {
            return Ok(Vec::new());
        }
        let rows = state
            .loaders
            .document_shares
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(DocumentShare).collect())
    }

    /// Whether the caller may change the metadata and add versions.
    async fn viewer_can_edit(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let state = RequestState::of(ctx)?;
        if state.caller.writer().is_err() {
            return Ok(false);
        }
        if can_see_shares(state, &self.0) {
            return Ok(true);
        }
        let Some(own) = state.caller.organisation_id() else {
            return Ok(false);
        };
        if self.parsed_visibility() == Visibility::Private {
            return Ok(false);
        }
        let shares = state
            .loaders
            .document_shares
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let now = Utc::now();
        Ok(shares.iter().any(|s| {
            s.organisation_id == own
                && s.permission == SharePermission::Edit.as_str()
                && s.expires_at.is_none_or(|t| t > now)
        }))
    }

    /// Increases with every change of the metadata; send it back as `expectedVersion`.
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

fn can_see_shares(state: &RequestState, document: &document::Model) -> bool {
    state.caller.is_admin() || state.caller.organisation_id() == Some(document.owner_organisation_id)
}

/// One immutable version of a document's file.
pub struct DocumentVersion(pub document_version::Model);

#[Object]
impl DocumentVersion {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// 1 for the first file, then 2, 3…
    async fn number(&self) -> i32 {
        self.0.number
    }

    async fn filename(&self) -> &str {
        &self.0.filename
    }

    /// Sniffed from the file's bytes, not taken from the uploader.
    async fn media_type(&self) -> &str {
        &self.0.media_type
    }

    /// Size in bytes.
    async fn size(&self) -> i64 {
        self.0.size
    }

    /// SHA-256 of the bytes, hex; also the download's ETag.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Where to download the file (send the same `Authorization` header).
    async fn download_url(&self) -> String {
        format!("/files/{}", self.0.id)
    }

    /// The address the file was imported from.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }

    async fn change_note(&self) -> Option<&str> {
        self.0.change_note.as_deref()
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A grant that lets another organisation see (or edit) a document.
pub struct DocumentShare(pub document_share::Model);

#[Object]
impl DocumentShare {
    /// The organisation holding the grant, if the caller may see it.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .organisation
            .load_one(self.0.organisation_id)
            .await?
            .map(Organisation))
    }

    async fn permission(&self) -> SharePermission {
        SharePermission::from_db(&self.0.permission).unwrap_or(SharePermission::View)
    }

    /// After this time the grant no longer counts.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    async fn expired(&self) -> bool {
        self.0.expires_at.is_some_and(|t| t <= Utc::now())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Narrows `documents`. Every given field must match.
#[derive(InputObject, Default)]
pub struct DocumentFilter {
    pub kind: Option<DocumentKind>,
    /// The language of the file (BCP 47), e.g. `nb-NO` or `en`.
    pub language: Option<String>,
    /// One of the document's topics (case-insensitive).
    pub topic: Option<String>,
    pub owner_organisation: Option<ID>,
    /// Only documents shared with the caller's organisation by a live grant.
    pub shared_with_me: Option<bool>,
    pub visibility: Option<Visibility>,
    /// Words to find in the title or summary, in any stored language.
    pub query: Option<String>,
}

/// Orders of `documents`.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DocumentOrderBy {
    /// Most recently added first.
    #[default]
    Newest,
    /// By original title, A to Z.
    Title,
}

pub type DocumentConnection = Connection<String, Document, ConnectionTotals>;

#[derive(Default)]
pub struct DocumentQuery;

#[Object]
impl DocumentQuery {
    /// Documents the caller may read, filtered inside the query, with a true `totalCount`.
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn documents(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<DocumentFilter>,
        #[graphql(default)] order_by: DocumentOrderBy,
    ) -> ApiResult<DocumentConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let condition = document_condition(state, &filter, state.db.get_database_backend())?;
        let list = Listing {
            id: document::Column::Id,
            sort: match order_by {
                DocumentOrderBy::Title => Sort::TextAsc(document::Column::Title),
                DocumentOrderBy::Newest => Sort::NewestFirst,
            },
            order: format!("{order_by:?}"),
        };
        let count = ctx.look_ahead().field("totalCount").exists();
        pagination::keyset_page::<document::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            count,
            |d| (d.id, d.title.clone()),
            Document,
        )
        .await
    }

    /// One document; NOT_FOUND when it does not exist or the caller may not read it.
    async fn document(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Document>> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Some(Document(find_readable(state, id, &state.db).await?)))
    }
}

fn document_condition(
    state: &RequestState,
    filter: &DocumentFilter,
    backend: DbBackend,
) -> ApiResult<Condition> {
    let mut condition = Condition::all().add(policy::document_read(&state.caller));
    if let Some(kind) = filter.kind {
        condition = condition.add(document::Column::Kind.eq(kind.as_str()));
    }
    if let Some(visibility) = filter.visibility {
        condition = condition.add(document::Column::Visibility.eq(visibility.as_str()));
    }
    if let Some(language) = &filter.language {
        let tag = LocaleTag::parse("filter.language", language)?;
        // `en` matches `en`, `en-US`, `en-GB`…; `nb-NO` matches exactly.
        let lang = tag.to_tag();
        condition = condition.add(
            Condition::any()
                .add(document::Column::ContentLanguage.eq(lang.clone()))
                .add(document::Column::ContentLanguage.like(format!("{lang}-%"))),
        );
    }
    if let Some(topic) = &filter.topic {
        let topic = name_text("filter.topic", topic, 80)?;
        let quoted = serde_json::to_string(&topic).map_err(ApiError::internal)?;
        condition = condition.add(filters::contains_text(
            backend,
            Expr::col((document::Entity, document::Column::Topics)).cast_as("TEXT"),
            &quoted,
        ));
    }
    if let Some(owner) = &filter.owner_organisation {
        condition = condition
            .add(document::Column::OwnerOrganisationId.eq(parse_id("filter.ownerOrganisation", owner)?));
    }
    if filter.shared_with_me == Some(true) {
        let Some(own) = state.caller.organisation_id() else {
            return Ok(Condition::all().add(document::Column::Id.is_null()));
        };
        let mut granted = Query::select();
        granted
            .column(document_share::Column::DocumentId)
            .from(document_share::Entity)
            .and_where(document_share::Column::OrganisationId.eq(own))
            .cond_where(
                Condition::any()
                    .add(document_share::Column::ExpiresAt.is_null())
                    .add(document_share::Column::ExpiresAt.gt(Utc::now())),
            );
        condition = condition.add(document::Column::Id.in_subquery(granted));
    }
    if let Some(query) = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if query.chars().count() > 200 {
            return Err(ApiError::invalid("filter.query", "input-too-long").arg("max", 200u64));
        }
        for word in query.split_whitespace().take(8) {
            let mut translated = Query::select();
            translated
                .column(document_translation::Column::DocumentId)
                .from(document_translation::Entity)
                .cond_where(
                    Condition::any()
                        .add(filters::contains_text(
                            backend,
                            Expr::col((document_translation::Entity, document_translation::Column::Title)),
                            word,
                        ))
                        .add(filters::contains_text(
                            backend,
                            Expr::col((
                                document_translation::Entity,
                                document_translation::Column::Summary,
                            )),
                            word,
                        )),
                );
            condition = condition.add(
                Condition::any()
                    .add(filters::contains_text(
                        backend,
                        Expr::col((document::Entity, document::Column::Title)),
                        word,
                    ))
                    .add(filters::contains_text(
                        backend,
                        Expr::col((document::Entity, document::Column::Summary)),
                        word,
                    ))
                    .add(document::Column::Id.in_subquery(translated)),
            );
        }
    }
    Ok(condition)
}

/// Loads a document the caller may read, or NOT_FOUND.
pub async fn find_readable(
    state: &RequestState,
    id: Uuid,
    db: &impl ConnectionTrait,
) -> ApiResult<document::Model> {
    documents::find_readable(&state.caller, id, db).await
}

fn string_list(json: &serde_json::Value) -> Vec<String> {
    json.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Default)]
pub struct DocumentMutation;

#[Object]
impl DocumentMutation {
    /// Creates a document owned by the caller's organisation.
    async fn create_document(&self, ctx: &Context<'_>, input: CreateDocumentInput) -> ApiResult<Document> {
        let state = RequestState::of(ctx)?;
        Ok(Document(documents::create(&state.ctx(), input).await?))
    }

    /// Changes a document's metadata (the owner's members, EDIT grantees, admins).
    async fn update_document(&self, ctx: &Context<'_>, input: UpdateDocumentInput) -> ApiResult<Document> {
        let state = RequestState::of(ctx)?;
        Ok(Document(documents::update(&state.ctx(), input).await?))
    }

    /// Lets another organisation VIEW or EDIT a document until `expiresAt`
    /// (or for good). Sharing again replaces the grant. The owner's members
    /// and admins only; the document must be PARTNERS or NETWORK.
    async fn share_document(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        organisation_id: ID,
        permission: SharePermission,
        expires_at: Option<DateTime<Utc>>,
    ) -> ApiResult<DocumentShare> {
        let state = RequestState::of(ctx)?;
        let document = parse_id("documentId", &document_id)?;
        let organisation = parse_id("organisationId", &organisation_id)?;
        let share = documents::share(&state.ctx(), document, organisation, permission, expires_at).await?;
        Ok(DocumentShare(share))
    }

    /// Withdraws a grant. True if there was one.
    async fn unshare_document(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        organisation_id: ID,
    ) -> ApiResult<bool> {
        let state = RequestState::of(ctx)?;
        let document = parse_id("documentId", &document_id)?;
        let organisation = parse_id("organisationId", &organisation_id)?;
        documents::unshare(&state.ctx(), document, organisation).await
    }

    /// Stores a translation of the title and summary (translators of that locale and admins).
    async fn translate_document(
        &self,
        ctx: &Context<'_>,
        id: ID,
        locale: String,
        title: String,
        summary: String,
        #[graphql(default_with = "TranslationStatus::Draft")] status: TranslationStatus,
    ) -> ApiResult<Document> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let document = documents::translate(&state.ctx(), id, &locale, &title, &summary, status).await?;
        Ok(Document(document))
    }

    /// Adds a version from an uploaded file (GraphQL multipart request). The
    /// media type is sniffed from the bytes; the row is written only once the
    /// file is stored.
    #[graphql(complexity = "crate::graphql::cost::UPLOAD + child_complexity")]
    async fn upload_document_version(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        file: Upload,
        change_note: Option<String>,
    ) -> ApiResult<DocumentVersion> {
        let state = RequestState::of(ctx)?;
        let document = parse_id("documentId", &document_id)?;
        let upload = file
            .value(ctx)
            .map_err(|_| ApiError::invalid("file", "document-file-missing"))?;
        let version =
            documents::upload_version(&state.ctx(), document, upload, change_note.as_deref()).await?;
        Ok(DocumentVersion(version))
    }

    /// Adds a version by fetching a file over https (size and time limits, at
    /// most 3 redirects, private addresses refused).
    #[graphql(complexity = "crate::graphql::cost::OUTBOUND_FETCH + child_complexity")]
    async fn import_document_version(
        &self,
        ctx: &Context<'_>,
        document_id: ID,
        url: String,
        change_note: Option<String>,
    ) -> ApiResult<DocumentVersion> {
        let state = RequestState::of(ctx)?;
        let document = parse_id("documentId", &document_id)?;
        let version = documents::import_version(&state.ctx(), document, &url, change_note.as_deref()).await?;
        Ok(DocumentVersion(version))
    }
}

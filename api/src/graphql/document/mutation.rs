//! Changing documents through the API: metadata, translations, shares and
//! new file versions.

use async_graphql::{Context, ID, Object, Upload};
use chrono::{DateTime, Utc};

use super::{Document, DocumentShare, DocumentVersion};
use crate::documents::{self, CreateDocumentInput, UpdateDocumentInput};
use crate::domain::{SharePermission, TranslationStatus};
use crate::error::{ApiError, ApiResult};
use crate::graphql::{RequestState, parse_id};

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

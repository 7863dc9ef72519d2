//! A document's files and grants: its immutable versions and its shares with
//! other organisations.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use sammen_entities::{document_share, document_version};

use crate::domain::SharePermission;
use crate::error::ApiResult;
use crate::graphql::RequestState;
use crate::graphql::organisation::Organisation;

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
            .visible_organisation(self.0.organisation_id)
            .await?
            .map(Organisation))
    }

    async fn permission(&self) -> SharePermission {
        self.0.permission
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

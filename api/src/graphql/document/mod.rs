//! Documents: metadata with translatable title and summary, immutable file
//! versions (uploaded or imported from a URL), and sharing with partners.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sammen_entities::{document, document_translation, document_version};

use super::RequestState;
use super::organisation::Organisation;
use super::scalars::Date;
use crate::auth::policy;
use crate::domain::string_list;
use crate::domain::{DocumentKind, LocaleTag, SharePermission, TranslationStatus, Visibility};
use crate::error::ApiResult;
use crate::translation::{self, Translatable};

mod mutation;
mod query;
mod version;

pub use mutation::DocumentMutation;
pub use query::{DocumentConnection, DocumentFilter, DocumentOrderBy, DocumentQuery, find_readable};
pub use version::{DocumentShare, DocumentVersion};

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
            status: row.status,
            updated_at: row.updated_at,
            source_digest: row.source_digest,
            current_digest: self.0.digest(),
        }
    }

    /// (locale, title, summary) along the request's chain.
    async fn resolved(&self, ctx: &Context<'_>) -> ApiResult<(String, String, String)> {
        let state = RequestState::of(ctx)?;
        let rows = crate::graphql::loaders::deciding_translations(
            &state.loaders.decided_documents,
            &state.loaders.document_translations,
            &state.chain,
            self.0.id,
            &self.0.original_locale,
        )
        .await?;
        let texts = translation::resolve(&state.chain, &self.0, &rows);
        Ok((texts.locale.clone(), texts.text("title"), texts.text("summary")))
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
        self.0.kind
    }

    fn parsed_visibility(&self) -> Visibility {
        self.0.visibility
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
        Ok(self.0.available_locales(&self.translation_rows(ctx).await?))
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
            .visible_organisation(self.0.owner_organisation_id)
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
        if !policy::can_see_document_shares(&state.caller, &self.0) {
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
        if policy::can_see_document_shares(&state.caller, &self.0) {
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
                && s.permission == SharePermission::Edit
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

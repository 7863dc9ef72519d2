//! Finding documents: the `documents` filter and order, its SQL condition and
//! the `documents`/`document` queries.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use sammen_entities::{document, document_share, document_translation, organisation};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult, IdenStatic,
    Iterable, JoinType, QuerySelect, RelationTrait, Select, SelectTwo,
};
use uuid::Uuid;

use super::Document;
use crate::auth::policy;
use crate::documents;
use crate::domain::{DocumentKind, LocaleTag, Visibility, name_text};
use crate::error::{ApiError, ApiResult};
use crate::graphql::pagination::{self, ConnectionTotals, Listing, Page, Sort};
use crate::graphql::{RequestState, filters, parse_id};

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
        let node = crate::graphql::prefetch::connection_nodes(&ctx.look_ahead());
        let selects = |names: &[&str]| {
            state.loaders.keeping()
                && node
                    .as_ref()
                    .is_some_and(|node| names.iter().any(|name| node.field(name).exists()))
        };
        // The owners asked for, and the translations into the reader's
        // first locale, are read with the page, in its statement.
        let owners = selects(&["owner"]).then(|| pagination::AlsoOrganisation {
            relation: document::Relation::Owner.def(),
            visible: policy::organisation_read(&state.caller),
        });
        let joined = owners.is_some();
        let locale = state
            .chain
            .content()
            .next()
            .filter(|_| selects(&["title", "summary", "resolvedLocale"]))
            .map(ToString::to_string);
        let (select, total_count) =
            pagination::keyset_select::<document::Entity>(&state.db, &list, condition, &page, count).await?;
        let rows = page_with(&state.db, select, &page, owners, locale.clone()).await?;
        let mut documents = Vec::with_capacity(rows.len());
        let mut owners = Vec::new();
        let mut translations = Vec::with_capacity(rows.len());
        for (document, owner, translation) in rows {
            owners.extend(owner);
            translations.push(translation);
            documents.push(document);
        }
        state.loaders.decided_documents.keep(
            &state.chain,
            locale.as_deref(),
            documents
                .iter()
                .zip(translations)
                .map(|(d, t)| (d.id, d.original_locale.as_str(), t)),
        );
        let connection = pagination::keyset_connection(
            documents,
            &list,
            &page,
            total_count,
            |d| (d.id, d.title.clone()),
            Document,
        );
        if let Some(node) = node {
            let page: Vec<_> = connection.edges.iter().map(|edge| &edge.node.0).collect();
            crate::graphql::prefetch::documents(state, &page, &node, joined.then_some(owners)).await?;
        }
        Ok(connection)
    }

    /// One document; NOT_FOUND when it does not exist or the caller may not read it.
    async fn document(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Document>> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(Some(Document(find_readable(state, id, &state.db).await?)))
    }
}

/// A page's documents, with their owners (those the caller may see) and
/// their translations into `locale` joined in the same statement when asked.
async fn page_with(
    db: &DatabaseConnection,
    select: Select<document::Entity>,
    page: &Page,
    owners: Option<pagination::AlsoOrganisation>,
    locale: Option<String>,
) -> ApiResult<
    Vec<(
        document::Model,
        Option<organisation::Model>,
        Option<document_translation::Model>,
    )>,
> {
    let translations = |locale: String| {
        document::Relation::Translation.def().on_condition(move |_, _| {
            Condition::all().add(document_translation::Column::Locale.eq(locale.clone()))
        })
    };
    // The columns of the translation are named `C_…`, as sea-orm names
    // those of a third entity (it selects into two at most).
    let with_translations = |select: SelectTwo<document::Entity, organisation::Entity>, locale: String| {
        let mut select = select.join(JoinType::LeftJoin, translations(locale));
        for column in document_translation::Column::iter() {
            select = select.expr_as(
                column.select_as(column.into_expr()),
                format!("C_{}", column.as_str()),
            );
        }
        select
    };
    match (owners, locale) {
        (None, None) => {
            pagination::read_page(db, select, page, |row| {
                Ok((document::Model::from_query_result(row, "")?, None, None))
            })
            .await
        }
        (Some(owners), None) => {
            let select = select
                .select_also(organisation::Entity)
                .join(JoinType::LeftJoin, owners.join());
            pagination::read_page(db, select, page, |row| {
                Ok((
                    document::Model::from_query_result(row, "A_")?,
                    pagination::joined(row, "B_", "id", None)?,
                    None,
                ))
            })
            .await
        }
        (None, Some(locale)) => {
            let select = select
                .select_also(document_translation::Entity)
                .join(JoinType::LeftJoin, translations(locale));
            pagination::read_page(db, select, page, |row| {
                Ok((
                    document::Model::from_query_result(row, "A_")?,
                    None,
                    pagination::joined(row, "B_", "document_id", None)?,
                ))
            })
            .await
        }
        (Some(owners), Some(locale)) => {
            let select = with_translations(
                select
                    .select_also(organisation::Entity)
                    .join(JoinType::LeftJoin, owners.join()),
                locale,
            );
            pagination::read_page(db, select, page, |row| {
                Ok((
                    document::Model::from_query_result(row, "A_")?,
                    pagination::joined(row, "B_", "id", None)?,
                    pagination::joined(row, "C_", "document_id", None)?,
                ))
            })
            .await
        }
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

//! The translators' API: how complete each locale is, what stored content
//! waits for translation, and storing translations of any translatable item.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::pagination::{ConnectionTotals, Cursor, Page};
use super::{RequestState, parse_id};
use crate::auth::policy;
use crate::domain::TranslationStatus;
use crate::error::ApiResult;
use crate::translation::{self, ContentType, Existing, Item, TranslationState};

/// How complete one locale is.
#[derive(SimpleObject)]
pub struct LocaleCoverage {
    /// BCP 47 tag, e.g. `nb-NO`.
    pub locale: String,
    /// Whether the user interface (its Fluent messages) exists in this
    /// locale; a content-only locale such as da-DK has stored content but
    /// shows interface texts in the reader's next best locale.
    pub user_interface: bool,
    /// The Fluent messages of the user interface and errors (none
    /// translated for a content-only locale).
    pub messages: MessageCoverage,
    /// Stored content the caller may read (organisations, documents,
    /// projects, deliverables, training materials) not written in this locale.
    pub content: ContentCoverage,
}

#[derive(SimpleObject)]
pub struct MessageCoverage {
    /// Messages in the reference locale (en-US).
    pub total: u64,
    pub translated: u64,
    pub missing: u64,
}

#[derive(SimpleObject, Default)]
pub struct ContentCoverage {
    pub total: u64,
    /// With a translation that matches the current source.
    pub translated: u64,
    /// With a translation made from an older source.
    pub outdated: u64,
    pub missing: u64,
}

/// One translatable text.
#[derive(SimpleObject, Clone)]
pub struct TextField {
    /// e.g. `title`, `summary`, `description`, `learningOutcomes` (a sentence a line).
    pub name: String,
    pub text: String,
}

/// Stored content that needs a translation into a locale, with the source
/// and the current translation side by side.
#[derive(SimpleObject)]
pub struct TranslationTask {
    #[graphql(name = "type")]
    pub content_type: ContentType,
    pub id: ID,
    pub original_locale: String,
    pub locale: String,
    pub state: TranslationState,
    pub source: Vec<TextField>,
    /// The current translation's texts, if there is one.
    pub current: Vec<TextField>,
    pub current_status: Option<TranslationStatus>,
    pub current_updated_at: Option<DateTime<Utc>>,
}

impl TranslationTask {
    fn new(item: &Item, locale: &str, existing: Option<&Existing>) -> Self {
        let fields = |pairs: &[(&'static str, String)]| {
            pairs
                .iter()
                .map(|(name, text)| TextField {
                    name: (*name).to_owned(),
                    text: text.clone(),
                })
                .collect()
        };
        Self {
            content_type: item.content_type,
            id: ID(item.id.to_string()),
            original_locale: item.original_locale.clone(),
            locale: locale.to_owned(),
            state: translation::state_of(item, existing),
            source: fields(&item.source),
            current: existing.map(|e| fields(&e.fields)).unwrap_or_default(),
            current_status: existing.map(|e| e.status),
            current_updated_at: existing.map(|e| e.updated_at),
        }
    }
}

/// Narrows `translationQueue`.
#[derive(InputObject, Default)]
pub struct TranslationQueueFilter {
    #[graphql(name = "type")]
    pub content_type: Option<ContentType>,
}

/// A translated text.
#[derive(InputObject)]
pub struct TextFieldInput {
    pub name: String,
    pub text: String,
}

#[derive(Default)]
pub struct TranslationQuery;

#[Object]
impl TranslationQuery {
    /// How complete every content locale is (`--content-locales` and the
    /// interface's locales, en-US first): Fluent messages, and the stored
    /// content the caller may read.
    #[graphql(complexity = "crate::graphql::cost::WHOLE_TABLE + child_complexity")]
    async fn locale_coverage(&self, ctx: &Context<'_>) -> ApiResult<Vec<LocaleCoverage>> {
        let state = RequestState::of(ctx)?;
        // It reads every translatable row the caller may see: not for anonymous callers.
        state.caller.person()?;
        let mut items = Vec::new();
        for content_type in ContentType::ALL {
            items.extend(translation::items(&state.db, &state.caller, content_type, None).await?);
        }
        let mut out = Vec::new();
        let summaries = state.localizer.coverage();
        let reference_total = summaries.first().map_or(0, |s| s.total) as u64;
        for langid in state.settings.content_locales(&state.localizer) {
            let locale = langid.to_string();
            let summary = summaries.iter().find(|s| s.locale == locale);
            let mut content = ContentCoverage::default();
            for content_type in ContentType::ALL {
                let existing = translation::translations(&state.db, content_type, &locale, None).await?;
                for item in items
                    .iter()
                    .filter(|i| i.content_type == content_type && i.original_locale != locale)
                {
                    content.total += 1;
                    match translation::state_of(item, existing.get(&item.id)) {
                        TranslationState::Missing => content.missing += 1,
                        TranslationState::Outdated => content.outdated += 1,
                        TranslationState::Current => content.translated += 1,
                    }
                }
            }
            let messages = match summary {
                Some(summary) => MessageCoverage {
                    total: summary.total as u64,
                    translated: summary.translated as u64,
                    missing: summary.missing as u64,
                },
                None => MessageCoverage {
                    total: reference_total,
                    translated: 0,
                    missing: reference_total,
                },
            };
            out.push(LocaleCoverage {
                user_interface: summary.is_some() && state.localizer.has_locale(&langid),
                locale,
                messages,
                content,
            });
        }
        Ok(out)
    }

    /// Stored content whose translation into `locale` is MISSING or OUTDATED,
    /// oldest first (translators of that locale and admins).
    #[graphql(complexity = "crate::graphql::cost::whole_table_page(first, child_complexity)")]
    async fn translation_queue(
        &self,
        ctx: &Context<'_>,
        locale: String,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<TranslationQueueFilter>,
    ) -> ApiResult<Connection<String, TranslationTask, ConnectionTotals>> {
        let state = RequestState::of(ctx)?;
        let locale = state.content_locale("locale", &locale)?;
        policy::translator_of(&state.caller, &locale)?;
        let page = Page::parse(first, after.as_deref())?;
        let after = page.after_in("queue")?.cloned();
        let types: Vec<ContentType> = match filter.and_then(|f| f.content_type) {
            Some(t) => vec![t],
            None => ContentType::ALL.to_vec(),
        };
        let mut tasks = Vec::new();
        for content_type in types {
            let existing = translation::translations(&state.db, content_type, &locale, None).await?;
            for item in translation::items(&state.db, &state.caller, content_type, None).await? {
                if item.original_locale == locale {
                    continue;
                }
                let task = TranslationTask::new(&item, &locale, existing.get(&item.id));
                if task.state != TranslationState::Current {
                    tasks.push((format!("{:?}", item.content_type), item.id, task));
                }
            }
        }
        let total_count = tasks.len() as u64;
        // Tasks are in (type, id) order; resume after the cursor's place in
        // it, even if that item has been translated since.
        let rank = |k: &str| {
            ContentType::ALL
                .iter()
                .position(|t| format!("{t:?}") == k)
                .unwrap_or(usize::MAX)
        };
        let start = match &after {
            Some(cursor) => tasks
                .iter()
                .position(|(k, id, _)| (rank(k), *id) > (rank(&cursor.k), cursor.id))
                .unwrap_or(tasks.len()),
            None => 0,
        };
        let has_next = tasks.len() > start + page.first;
        let mut connection =
            Connection::with_additional_fields(after.is_some(), has_next, ConnectionTotals { total_count });
        connection.edges.extend(
            tasks
                .into_iter()
                .skip(start)
                .take(page.first)
                .map(|(k, id, task)| {
                    let cursor = Cursor {
                        o: "queue".into(),
                        k,
                        id,
                    };
                    Edge::new(cursor.encode(), task)
                }),
        );
        Ok(connection)
    }
}

#[derive(Default)]
pub struct TranslationMutation;

#[Object]
impl TranslationMutation {
    /// Stores a translation of any translatable item: the fields given
    /// replace those of the previous translation, the rest stay. Translators
    /// of the locale and admins only; marks the translation DRAFT or REVIEWED.
    async fn translate_content(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "type")] content_type: ContentType,
        id: ID,
        locale: String,
        fields: Vec<TextFieldInput>,
        #[graphql(desc = "DRAFT unless given.")] status: Option<TranslationStatus>,
    ) -> ApiResult<TranslationTask> {
        let status = status.unwrap_or(TranslationStatus::Draft);
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        let raw: Vec<(String, String)> = fields.into_iter().map(|f| (f.name, f.text)).collect();
        let (locale, item) =
            translation::save_content(&state.ctx(), content_type, id, &locale, &raw, status).await?;
        let existing = translation::translations(&state.db, content_type, &locale, Some(id))
            .await?
            .remove(&id);
        Ok(TranslationTask::new(&item, &locale, existing.as_ref()))
    }
}

//! Storing a translation of any translatable item, with its event: the one
//! way translations are written, by `translateContent` and by each type's
//! own translate mutation.

use chrono::Utc;
use uuid::Uuid;

use super::{ContentType, Item, NewTranslation, Texts, Translatable, by_type, parse_fields};
use crate::auth::policy;
use crate::context::Ctx;
use crate::domain::TranslationStatus;
use crate::error::{ApiError, ApiResult};
use crate::events::{Change, NewEvent};

/// Whether the caller may translate `item` into `locale` (a content locale,
/// already parsed): translators of that locale and admins, and never into
/// the item's own language.
pub fn may_translate<T: Translatable>(ctx: &Ctx<'_>, item: &T, locale: &str) -> ApiResult<()> {
    policy::can_translate(ctx.caller, locale)?;
    if locale == item.original_locale() {
        return Err(ApiError::invalid("locale", "translation-original-locale"));
    }
    Ok(())
}

/// Stores a translation of `item` into `locale` (a parsed content locale;
/// `may_translate` is checked here too): the fields given replace those of the previous
/// translation, the others stay (or are empty, which reads as the original).
pub async fn save<T: Translatable>(
    ctx: &Ctx<'_>,
    item: &T,
    locale: &str,
    fields: Texts,
    status: TranslationStatus,
) -> ApiResult<()> {
    may_translate(ctx, item, locale)?;
    let translator = ctx.caller.writer()?;
    let previous = T::translations(ctx.db, locale, Some(item.id()))
        .await?
        .first()
        .map(|t| T::existing(t).fields)
        .unwrap_or_default();
    let texts = T::TYPE
        .fields()
        .iter()
        .map(|(name, _)| {
            let given = fields.iter().chain(&previous).find(|(f, _)| f == name);
            (*name, given.map(|(_, t)| t.clone()).unwrap_or_default())
        })
        .collect();
    let mut change = Change::begin(ctx.db).await?;
    T::store(
        change.db(),
        NewTranslation {
            id: item.id(),
            locale: locale.to_owned(),
            texts,
            source_digest: item.digest(),
            status,
            translator: translator.id,
            now: Utc::now(),
        },
    )
    .await?;
    change
        .record(
            NewEvent::new(
                "translation.saved",
                T::TYPE.subject_type(),
                item.id(),
                Some(translator),
            )
            .payload(serde_json::json!({ "locale": locale, "status": status.as_str() })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(())
}

/// `translateContent`: a translation of item `id` of any type into
/// `locale` (as given), its fields by name. NOT_FOUND unless the caller may
/// read the item. Returns the content locale `locale` names and the item.
pub async fn save_content(
    ctx: &Ctx<'_>,
    content_type: ContentType,
    id: Uuid,
    locale: &str,
    fields: &[(String, String)],
    status: TranslationStatus,
) -> ApiResult<(String, Item)> {
    let locale = ctx.content_locale("locale", locale)?;
    async fn typed<T: Translatable>(
        ctx: &Ctx<'_>,
        id: Uuid,
        locale: &str,
        fields: &[(String, String)],
        status: TranslationStatus,
    ) -> ApiResult<Item> {
        let item = T::readable(ctx.db, ctx.caller, Some(id))
            .await?
            .pop()
            .ok_or_else(ApiError::not_found)?;
        may_translate(ctx, &item, locale)?;
        if fields.is_empty() {
            return Err(ApiError::invalid("fields", "input-required"));
        }
        let fields = parse_fields(T::TYPE, fields)?;
        save(ctx, &item, locale, fields, status).await?;
        Ok(Item::of(&item))
    }
    let item = by_type!(content_type, T => typed::<T>(ctx, id, &locale, fields, status).await)?;
    Ok((locale, item))
}

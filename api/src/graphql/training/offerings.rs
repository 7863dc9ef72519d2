//! The dated runs of a training material: offerings and the items of their
//! programmes.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use sammen_entities::{offering, offering_translation, programme_item};

use crate::domain::OfferingStatus;
use crate::error::ApiResult;
use crate::graphql::RequestState;
use crate::graphql::money::Money;
use crate::graphql::scalars::Date;
use crate::training::string_list;
use crate::translation::{OfferingTexts, Translatable};

/// One dated run of a training material.
pub struct Offering(pub offering::Model, String);

impl Offering {
    /// An offering whose texts were written in `original_locale` (its material's).
    pub fn new(row: offering::Model, original_locale: String) -> Self {
        Self(row, original_locale)
    }

    /// The programme in order.
    async fn programme_rows(&self, ctx: &Context<'_>) -> ApiResult<Vec<programme_item::Model>> {
        let state = RequestState::of(ctx)?;
        Ok(state
            .loaders
            .programme
            .load_one(self.0.id)
            .await?
            .unwrap_or_default())
    }

    /// The translation of the venue and programme for the request's chain,
    /// if a complete one wins.
    async fn translated(&self, ctx: &Context<'_>) -> ApiResult<Option<offering_translation::Model>> {
        let state = RequestState::of(ctx)?;
        if crate::l10n::content::original_first(&state.chain, &self.1) {
            return Ok(None);
        }
        let rows = state
            .loaders
            .offering_translations
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        let texts = OfferingTexts {
            offering: self.0.clone(),
            titles: self
                .programme_rows(ctx)
                .await?
                .into_iter()
                .map(|r| r.title)
                .collect(),
            original_locale: self.1.clone(),
        };
        let picked = texts.pick(&state.chain, &rows);
        Ok(picked.cloned())
    }

    fn money(&self, amount: Option<i64>) -> Option<Money> {
        match (amount, &self.0.price_currency) {
            (Some(amount_minor), Some(currency)) => Some(Money {
                amount_minor,
                currency: currency.clone(),
            }),
            _ => None,
        }
    }

    /// The price on a day: the early-bird price up to its deadline.
    pub fn price_on(&self, day: NaiveDate) -> Option<i64> {
        match (self.0.early_bird_minor, self.0.early_bird_deadline) {
            (Some(early), Some(deadline)) if day <= deadline => Some(early),
            _ => self.0.price_minor,
        }
    }
}

#[Object]
impl Offering {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }

    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }

    /// The dates as the reader writes them, e.g. nb-NO `12.12.2016–13.12.2016`.
    async fn dates_formatted(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = RequestState::of(ctx)?;
        if self.0.starts_on == self.0.ends_on {
            return Ok(state.localizer.date(&state.chain, self.0.starts_on));
        }
        let args = crate::l10n::args([
            ("start", self.0.starts_on.to_string()),
            ("end", self.0.ends_on.to_string()),
        ]);
        Ok(state
            .localizer
            .message(&state.chain, "training-dates", Some(&args)))
    }

    /// The locale `venue` and the programme's titles are in.
    async fn resolved_locale(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self
            .translated(ctx)
            .await?
            .map_or_else(|| self.1.clone(), |t| t.locale))
    }

    /// The venue in the best locale of the request's chain.
    async fn venue(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        let translated = self
            .translated(ctx)
            .await?
            .map(|t| t.venue)
            .filter(|v| !v.is_empty());
        Ok(translated.or_else(|| self.0.venue.clone()))
    }

    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }

    /// ISO 3166-1 alpha-2.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }

    async fn online_url(&self) -> Option<&str> {
        self.0.online_url.as_deref()
    }

    /// The language it is taught in (BCP 47).
    async fn language(&self) -> &str {
        &self.0.language
    }

    async fn price(&self) -> Option<Money> {
        self.money(self.0.price_minor)
    }

    async fn early_bird_price(&self) -> Option<Money> {
        self.money(self.0.early_bird_minor)
    }

    /// The last day the early-bird price applies.
    async fn early_bird_deadline(&self) -> Option<Date> {
        self.0.early_bird_deadline.map(Date)
    }

    /// The price that applies on a day (today if none is given).
    async fn current_price(&self, on: Option<Date>) -> Option<Money> {
        let day = on.map_or_else(|| Utc::now().date_naive(), |d| d.0);
        self.money(self.price_on(day))
    }

    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }

    async fn registration_url(&self) -> Option<&str> {
        self.0.registration_url.as_deref()
    }

    async fn status(&self) -> OfferingStatus {
        self.0.status
    }

    /// The timed programme, in order.
    async fn programme(&self, ctx: &Context<'_>) -> ApiResult<Vec<ProgrammeItem>> {
        let rows = self.programme_rows(ctx).await?;
        // Titles come translated in programme order (a complete translation
        // has one for every titled item).
        let titles = self
            .translated(ctx)
            .await?
            .map(|t| string_list(&t.programme_titles))
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                if let Some(title) = titles.get(i).filter(|t| !t.is_empty()) {
                    item.title = title.clone();
                }
                ProgrammeItem(item)
            })
            .collect())
    }

    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// One timed item of an offering's programme.
pub struct ProgrammeItem(pub programme_item::Model);

#[Object]
impl ProgrammeItem {
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    /// Date and time as the reader writes them (UTC).
    async fn starts_at_formatted(&self, ctx: &Context<'_>) -> ApiResult<String> {
        let state = RequestState::of(ctx)?;
        Ok(crate::l10n::format::date_time(
            state.chain.primary(),
            self.0.starts_at,
        ))
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn speaker(&self) -> Option<&str> {
        self.0.speaker.as_deref()
    }
}

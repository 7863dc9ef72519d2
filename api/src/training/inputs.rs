//! The inputs of training changes and their parsing into checked values.

use async_graphql::{ID, InputObject, MaybeUndefined};
use chrono::{DateTime, NaiveDate, Utc};
use sammen_entities::{offering, programme_item};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::domain::{
    Audience, CountryCode, Date, DeliveryMode, LocaleTag, MoneyInput, TrainingKind, Visibility, WebAddress,
    name_text, text_list,
};
use crate::error::{ApiError, ApiResult};
use sammen_entities::list::StringList;

pub(super) const TITLE_MAX: usize = 300;
pub(super) const TEXT_MAX: usize = 10_000;

/// A new training material.
#[derive(InputObject)]
pub struct CreateTrainingMaterialInput {
    /// The providing organisation; the caller's own by default (admins may choose).
    pub provider_organisation_id: Option<ID>,
    pub kind: TrainingKind,
    pub title: String,
    #[graphql(default)]
    pub summary: String,
    #[graphql(default)]
    pub prerequisites: String,
    /// What participants can do afterwards, one sentence each.
    #[graphql(default)]
    pub learning_outcomes: Vec<String>,
    /// The locale of the texts (default en-US).
    pub original_locale: Option<String>,
    #[graphql(default)]
    pub target_audiences: Vec<Audience>,
    /// European Qualifications Framework level, 1–8.
    pub eqf_level: Option<i32>,
    /// Not negative.
    pub ects_credits: Option<f64>,
    /// How long it takes, e.g. "1 year full-time or 2 years part-time".
    pub duration: Option<String>,
    #[graphql(default_with = "DeliveryMode::InPerson")]
    pub delivery_mode: DeliveryMode,
    /// BCP 47 tags.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// SPDX license id.
    pub license: Option<String>,
    #[graphql(default)]
    pub topics: Vec<String>,
    #[graphql(default)]
    pub instructors: Vec<String>,
    #[graphql(default_with = "Visibility::Private")]
    pub visibility: Visibility,
}

/// Changes to a training material. Omitted fields stay; `null` clears optional ones.
#[derive(InputObject)]
pub struct UpdateTrainingMaterialInput {
    pub id: ID,
    /// The `version` the change was based on; CONFLICT if it changed since.
    pub expected_version: i32,
    pub kind: Option<TrainingKind>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub prerequisites: Option<String>,
    pub learning_outcomes: Option<Vec<String>>,
    pub target_audiences: Option<Vec<Audience>>,
    pub eqf_level: MaybeUndefined<i32>,
    pub ects_credits: MaybeUndefined<f64>,
    pub duration: MaybeUndefined<String>,
    pub delivery_mode: Option<DeliveryMode>,
    pub languages: Option<Vec<String>>,
    pub license: MaybeUndefined<String>,
    pub topics: Option<Vec<String>>,
    pub instructors: Option<Vec<String>>,
    pub visibility: Option<Visibility>,
}

/// One timed item of a programme.
#[derive(InputObject, Clone)]
pub struct ProgrammeItemInput {
    /// When it starts (RFC 3339, e.g. `2016-12-12T10:30:00+01:00`); within the offering's dates.
    pub starts_at: DateTime<Utc>,
    pub title: String,
    pub speaker: Option<String>,
}

/// An offering: when, where, in what language and at what price.
#[derive(InputObject)]
pub struct OfferingInput {
    pub starts_on: Date,
    /// Not before `startsOn`; defaults to it.
    pub ends_on: Option<Date>,
    pub venue: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub online_url: Option<String>,
    /// BCP 47.
    pub language: String,
    pub price: Option<MoneyInput>,
    /// In the same currency as `price`.
    pub early_bird_price: Option<MoneyInput>,
    /// The last day of the early-bird price; not after `startsOn`.
    pub early_bird_deadline: Option<Date>,
    pub capacity: Option<i32>,
    pub registration_url: Option<String>,
    #[graphql(default)]
    pub programme: Vec<ProgrammeItemInput>,
}

pub(super) fn eqf(level: i32) -> ApiResult<i32> {
    if (1..=8).contains(&level) {
        Ok(level)
    } else {
        Err(ApiError::invalid("eqfLevel", "training-eqf-invalid"))
    }
}

pub(super) fn ects(value: f64) -> ApiResult<f64> {
    if value.is_finite() && (0.0..=1000.0).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid("ectsCredits", "training-ects-invalid"))
    }
}

pub(super) fn languages(raw: &[String]) -> ApiResult<StringList> {
    if raw.len() > 10 {
        return Err(ApiError::invalid("languages", "input-too-many").arg("max", 10u64));
    }
    let mut out: Vec<String> = Vec::new();
    for tag in raw {
        let tag = LocaleTag::parse("languages", tag)?.to_tag();
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(StringList(out))
}

pub(super) fn outcomes(raw: &[String]) -> ApiResult<StringList> {
    Ok(StringList(text_list("learningOutcomes", raw, 30, 500)?))
}

pub(super) fn audiences(raw: &[Audience]) -> StringList {
    let mut out: Vec<String> = Vec::new();
    for audience in raw {
        if !out.iter().any(|a| a == audience.as_str()) {
            out.push(audience.as_str().to_owned());
        }
    }
    StringList(out)
}

/// The checked fields of an offering.
pub(super) struct ParsedOffering {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    venue: Option<String>,
    city: Option<String>,
    country: Option<String>,
    online_url: Option<String>,
    language: String,
    price: Option<(i64, String)>,
    early_bird: Option<(i64, NaiveDate)>,
    capacity: Option<i32>,
    registration_url: Option<String>,
    programme: Vec<(DateTime<Utc>, String, Option<String>)>,
}

pub(super) fn parse_offering(input: &OfferingInput) -> ApiResult<ParsedOffering> {
    let starts_on = input.starts_on.0;
    let ends_on = input.ends_on.map_or(starts_on, |d| d.0);
    if ends_on < starts_on {
        return Err(ApiError::invalid("endsOn", "offering-ends-before-start"));
    }
    let text =
        |field: &str, raw: &Option<String>| raw.as_deref().map(|v| name_text(field, v, 200)).transpose();
    let url = |field: &str, raw: &Option<String>| {
        raw.as_deref()
            .map(|v| WebAddress::parse(field, v).map(|u| u.as_str().to_owned()))
            .transpose()
    };
    let price = input
        .price
        .as_ref()
        .map(|p| {
            p.parse("price")
                .map(|(amount, currency)| (amount, currency.code().to_owned()))
        })
        .transpose()?;
    let early_bird = match (&input.early_bird_price, input.early_bird_deadline) {
        (None, None) => None,
        (Some(early), Some(deadline)) => {
            let (amount, currency) = early.parse("earlyBirdPrice")?;
            match &price {
                Some((_, price_currency)) if price_currency == currency.code() => {}
                _ => {
                    return Err(ApiError::invalid(
                        "earlyBirdPrice.currency",
                        "offering-early-bird-currency",
                    ));
                }
            }
            if deadline.0 > starts_on {
                return Err(ApiError::invalid(
                    "earlyBirdDeadline",
                    "offering-early-bird-after-start",
                ));
            }
            Some((amount, deadline.0))
        }
        (Some(_), None) => return Err(ApiError::invalid("earlyBirdDeadline", "input-required")),
        (None, Some(_)) => return Err(ApiError::invalid("earlyBirdPrice", "input-required")),
    };
    if input.capacity.is_some_and(|c| c < 1) {
        return Err(ApiError::invalid("capacity", "input-out-of-range")
            .arg("min", 1u64)
            .arg("max", 100_000u64));
    }
    if input.programme.len() > 100 {
        return Err(ApiError::invalid("programme", "input-too-many").arg("max", 100u64));
    }
    let mut programme = Vec::with_capacity(input.programme.len());
    for (i, item) in input.programme.iter().enumerate() {
        let day = item.starts_at.date_naive();
        if day < starts_on || day > ends_on {
            return Err(ApiError::invalid(
                format!("programme[{i}].startsAt"),
                "offering-programme-outside-dates",
            ));
        }
        programme.push((
            item.starts_at,
            name_text(&format!("programme[{i}].title"), &item.title, 300)?,
            text(&format!("programme[{i}].speaker"), &item.speaker)?,
        ));
    }
    Ok(ParsedOffering {
        starts_on,
        ends_on,
        venue: text("venue", &input.venue)?,
        city: text("city", &input.city)?,
        country: input
            .country
            .as_deref()
            .map(|c| CountryCode::parse("country", c).map(|c| c.alpha2().to_owned()))
            .transpose()?,
        online_url: url("onlineUrl", &input.online_url)?,
        language: LocaleTag::parse("language", &input.language)?.to_tag(),
        price,
        early_bird,
        capacity: input.capacity,
        registration_url: url("registrationUrl", &input.registration_url)?,
        programme,
    })
}

pub(super) async fn write_programme(
    txn: &DatabaseTransaction,
    offering_id: Uuid,
    parsed: &ParsedOffering,
) -> ApiResult<()> {
    programme_item::Entity::delete_many()
        .filter(programme_item::Column::OfferingId.eq(offering_id))
        .exec(txn)
        .await?;
    for (position, (starts_at, title, speaker)) in parsed.programme.iter().enumerate() {
        programme_item::ActiveModel {
            id: Set(Uuid::now_v7()),
            offering_id: Set(offering_id),
            position: Set(position as i32),
            starts_at: Set(*starts_at),
            title: Set(title.clone()),
            speaker: Set(speaker.clone()),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

pub(super) fn offering_fields(model: &mut offering::ActiveModel, parsed: &ParsedOffering) {
    model.starts_on = Set(parsed.starts_on);
    model.ends_on = Set(parsed.ends_on);
    model.venue = Set(parsed.venue.clone());
    model.city = Set(parsed.city.clone());
    model.country = Set(parsed.country.clone());
    model.online_url = Set(parsed.online_url.clone());
    model.language = Set(parsed.language.clone());
    model.price_minor = Set(parsed.price.as_ref().map(|(amount, _)| *amount));
    model.price_currency = Set(parsed.price.as_ref().map(|(_, currency)| currency.clone()));
    model.early_bird_minor = Set(parsed.early_bird.map(|(amount, _)| amount));
    model.early_bird_deadline = Set(parsed.early_bird.map(|(_, deadline)| deadline));
    model.capacity = Set(parsed.capacity);
    model.registration_url = Set(parsed.registration_url.clone());
}

//! schema.org `Course` JSON-LD for partners' web pages, and the plain HTTP
//! route `GET /training/{id}.jsonld` that serves it under the same access
//! rules as the API.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sammen_entities::{
    offering, offering_translation, organisation, training_material, training_translation,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Texts, resolve, string_list};
use crate::app::AppState;
use crate::auth::policy;
use crate::domain::{Audience, DeliveryMode, OfferingStatus};
use crate::error::ApiError;
use crate::graphql::http::{caller_for, error_response, locale_chain};
use crate::l10n::format::minor_unit_digits;

/// A decimal string of an amount in minor units: 170000 NOK is `1700.00`.
fn decimal(amount_minor: i64, currency: &str) -> String {
    let digits = minor_unit_digits(currency);
    if digits <= 0 {
        return amount_minor.to_string();
    }
    let scale = 10_i64.pow(digits as u32);
    let sign = if amount_minor < 0 { "-" } else { "" };
    let abs = amount_minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale as u64,
        abs % scale as u64,
        width = digits as usize
    )
}

/// The offerings with their venues translated into `locale` where a
/// translation has one, so the whole document speaks one language.
pub fn with_venues(
    offerings: &[offering::Model],
    translations: &[offering_translation::Model],
    locale: &str,
) -> Vec<offering::Model> {
    offerings
        .iter()
        .map(|o| {
            let mut o = o.clone();
            if let Some(t) = translations
                .iter()
                .find(|t| t.offering_id == o.id && t.locale == locale && !t.venue.trim().is_empty())
            {
                o.venue = Some(t.venue.clone());
            }
            o
        })
        .collect()
}

/// The schema.org `Course` for a material, its offerings and its provider.
pub fn course(
    material: &training_material::Model,
    texts: &Texts,
    offerings: &[offering::Model],
    provider: Option<&organisation::Model>,
) -> Value {
    let mode = DeliveryMode::from_db(&material.delivery_mode).unwrap_or(DeliveryMode::InPerson);
    let instances: Vec<Value> = offerings
        .iter()
        .filter(|o| o.status == OfferingStatus::Scheduled.as_str())
        .map(|o| {
            let mut instance = json!({
                "@type": "CourseInstance",
                "courseMode": mode.course_mode(),
                "startDate": o.starts_on.to_string(),
                "endDate": o.ends_on.to_string(),
                "inLanguage": o.language,
            });
            if o.city.is_some() || o.venue.is_some() {
                instance["location"] = json!({
                    "@type": "Place",
                    "name": o.venue.clone().or_else(|| o.city.clone()),
                    "address": {
                        "@type": "PostalAddress",
                        "addressLocality": o.city,
                        "addressCountry": o.country,
                    },
                });
            }
            if let Some(url) = &o.online_url {
                instance["url"] = json!(url);
            }
            if let Some(capacity) = o.capacity {
                instance["maximumAttendeeCapacity"] = json!(capacity);
            }
            if let (Some(price), Some(currency)) = (o.price_minor, &o.price_currency) {
                let mut offers = vec![json!({
                    "@type": "Offer",
                    "category": "Regular",
                    "price": decimal(price, currency),
                    "priceCurrency": currency,
                    "url": o.registration_url,
                    "validThrough": o.starts_on.to_string(),
                })];
                if let (Some(early), Some(deadline)) = (o.early_bird_minor, o.early_bird_deadline) {
                    offers.push(json!({
                        "@type": "Offer",
                        "category": "Early bird",
                        "price": decimal(early, currency),
                        "priceCurrency": currency,
                        "url": o.registration_url,
                        "validThrough": deadline.to_string(),
                    }));
                }
                instance["offers"] = Value::Array(offers);
            }
            instance
        })
        .collect();
    let audiences: Vec<Value> = string_list(&material.target_audiences)
        .iter()
        .filter_map(|a| Audience::from_db(a))
        .map(|a| json!({ "@type": "Audience", "audienceType": audience_type(a) }))
        .collect();
    let mut course = json!({
        "@context": "https://schema.org",
        "@type": "Course",
        "name": texts.title,
        "description": texts.summary,
        "inLanguage": string_list(&material.languages),
        "teaches": texts.learning_outcomes,
        "audience": audiences,
        "hasCourseInstance": instances,
    });
    if let Some(level) = material.eqf_level {
        course["educationalLevel"] = json!(format!("EQF level {level}"));
    }
    if let Some(ects) = material.ects_credits {
        course["numberOfCredits"] = json!({ "@type": "StructuredValue", "value": ects, "unitText": "ECTS" });
    }
    if !texts.prerequisites.is_empty() {
        course["coursePrerequisites"] = json!(texts.prerequisites);
    }
    if let Some(license) = &material.license {
        course["license"] = json!(format!("https://spdx.org/licenses/{license}.html"));
    }
    if let Some(provider) = provider {
        course["provider"] =
            json!({ "@type": "Organization", "name": provider.name, "url": provider.website });
    }
    course
}

fn audience_type(audience: Audience) -> &'static str {
    match audience {
        Audience::PeerWorkers => "Peer support workers",
        Audience::ProspectivePeerWorkers => "Prospective peer support workers",
        Audience::Employers => "Employers",
        Audience::ColleaguesAndManagers => "Colleagues and managers",
        Audience::ServiceUsers => "Service users",
        Audience::Relatives => "Relatives",
        Audience::Educators => "Educators",
    }
}

/// `GET /training/{id}.jsonld`.
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let chain = locale_chain(&state, &headers);
    let not_found = || error_response(&state, &chain, StatusCode::NOT_FOUND, ApiError::not_found());
    let caller = match caller_for(&state, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error_response(&state, &chain, StatusCode::UNAUTHORIZED, error),
    };
    let Some(id) = file
        .strip_suffix(".jsonld")
        .and_then(|id| Uuid::parse_str(id).ok())
    else {
        return not_found();
    };
    let loaded = async {
        let Some(material) = training_material::Entity::find_by_id(id)
            .filter(policy::training_read(&caller))
            .one(&state.db)
            .await?
        else {
            return Ok(None);
        };
        let translations = training_translation::Entity::find()
            .filter(training_translation::Column::TrainingMaterialId.eq(id))
            .all(&state.db)
            .await?;
        let offerings = offering::Entity::find()
            .filter(offering::Column::TrainingMaterialId.eq(id))
            .order_by_asc(offering::Column::StartsOn)
            .all(&state.db)
            .await?;
        let venues = offering_translation::Entity::find()
            .filter(offering_translation::Column::OfferingId.is_in(offerings.iter().map(|o| o.id)))
            .all(&state.db)
            .await?;
        let provider = organisation::Entity::find_by_id(material.provider_organisation_id)
            .filter(policy::organisation_read(&caller))
            .one(&state.db)
            .await?;
        Ok::<_, sea_orm::DbErr>(Some((material, translations, offerings, venues, provider)))
    }
    .await;
    match loaded {
        Ok(Some((material, translations, offerings, venues, provider))) => {
            let texts = resolve(&chain, &material, &translations);
            let offerings = with_venues(&offerings, &venues, &texts.locale);
            let body = course(&material, &texts, &offerings, provider.as_ref());
            let language =
                HeaderValue::from_str(&texts.locale).unwrap_or_else(|_| HeaderValue::from_static("en-US"));
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/ld+json"),
                    ),
                    (header::CONTENT_LANGUAGE, language),
                    (
                        header::VARY,
                        HeaderValue::from_static("Accept-Language, Authorization"),
                    ),
                ],
                body.to_string(),
            )
                .into_response()
        }
        Ok(None) => not_found(),
        Err(error) => error_response(
            &state,
            &chain,
            StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::internal(error),
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prices_are_decimal_strings_in_major_units() {
        assert_eq!(super::decimal(170_000, "NOK"), "1700.00");
        assert_eq!(super::decimal(5, "EUR"), "0.05");
        assert_eq!(super::decimal(1700, "JPY"), "1700");
    }
}

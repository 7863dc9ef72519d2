//! `GET /training/{id}.jsonld`: a training material's schema.org JSON-LD
//! for partners' web pages, under the same access rules as the API.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sammen_entities::{
    offering, offering_translation, organisation, training_material, training_translation,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{caller_for, error_response, locale_chain};
use crate::app::AppState;
use crate::auth::policy;
use crate::error::ApiError;
use crate::training::jsonld::{Labels, course, with_venues};
use crate::training::resolve;

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
            let localizer = state.locales.current();
            let labels = Labels::new(&localizer, &chain, &texts.locale);
            let body = match course(&material, &texts, &offerings, provider.as_ref(), &labels) {
                Ok(body) => body,
                Err(error) => {
                    return error_response(&state, &chain, StatusCode::INTERNAL_SERVER_ERROR, error);
                }
            };
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

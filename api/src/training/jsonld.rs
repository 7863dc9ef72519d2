//! schema.org `Course` JSON-LD for partners' web pages (served by the
//! `jsonLd` field and by `GET /training/{id}.jsonld`).

use sammen_entities::{offering, offering_translation, organisation, training_material};
use serde_json::{Value, json};

use super::Texts;
use crate::domain::OfferingStatus;
use crate::l10n::format::minor_unit_digits;
use crate::l10n::negotiate::parse_tag;
use crate::l10n::{LocaleChain, Localizer};
use fluent_bundle::FluentArgs;

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

/// The texts of the interface a JSON-LD document needs (audiences, offer
/// categories, the EQF level), in the document's language where the
/// interface has it. A label in another language says which, as a JSON-LD
/// value object, so every string's language is known.
pub struct Labels<'a> {
    localizer: &'a Localizer,
    chain: LocaleChain,
    document_locale: String,
}

impl<'a> Labels<'a> {
    /// Labels for a document whose texts are in `document_locale`.
    pub fn new(localizer: &'a Localizer, chain: &LocaleChain, document_locale: &str) -> Self {
        let chain = match parse_tag(document_locale) {
            Some(locale) => chain.preferring(&locale, localizer.available()),
            None => chain.clone(),
        };
        Self {
            localizer,
            chain,
            document_locale: document_locale.to_owned(),
        }
    }

    fn get(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Value {
        let (text, locale) = self.localizer.message_with_locale(&self.chain, id, args);
        let locale = locale.to_string();
        if locale == self.document_locale {
            json!(text)
        } else {
            json!({ "@value": text, "@language": locale })
        }
    }
}

/// Sets `key` when there is a value; absent values are left out rather
/// than written as `null`.
fn put(object: &mut Value, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        object[key] = value.into();
    }
}

/// The schema.org `Course` for a material, its offerings and its provider,
/// with every text in `texts.locale` (the Course's `inLanguage`; each
/// `CourseInstance`'s `inLanguage` is the language that run is taught in).
pub fn course(
    material: &training_material::Model,
    texts: &Texts,
    offerings: &[offering::Model],
    provider: Option<&organisation::Model>,
    labels: &Labels<'_>,
) -> crate::error::ApiResult<Value> {
    let mode = material.delivery_mode;
    let instances: Vec<Value> = offerings
        .iter()
        .filter(|o| o.status == OfferingStatus::Scheduled)
        .map(|o| {
            let mut instance = json!({
                "@type": "CourseInstance",
                "courseMode": mode.course_mode(),
                "startDate": o.starts_on.to_string(),
                "endDate": o.ends_on.to_string(),
                "inLanguage": o.language,
            });
            if o.city.is_some() || o.venue.is_some() {
                let mut address = json!({ "@type": "PostalAddress" });
                put(&mut address, "addressLocality", o.city.clone());
                put(&mut address, "addressCountry", o.country.clone());
                let mut place = json!({ "@type": "Place", "address": address });
                put(&mut place, "name", o.venue.clone().or_else(|| o.city.clone()));
                instance["location"] = place;
            }
            put(&mut instance, "url", o.online_url.clone());
            put(&mut instance, "maximumAttendeeCapacity", o.capacity);
            if let (Some(price), Some(currency)) = (o.price_minor, &o.price_currency) {
                let offer = |category: Value, amount: i64, valid_through: String| {
                    let mut offer = json!({
                        "@type": "Offer",
                        "category": category,
                        "price": decimal(amount, currency),
                        "priceCurrency": currency,
                        "validThrough": valid_through,
                    });
                    put(&mut offer, "url", o.registration_url.clone());
                    offer
                };
                let mut offers = vec![offer(
                    labels.get("training-offer-regular", None),
                    price,
                    o.starts_on.to_string(),
                )];
                if let (Some(early), Some(deadline)) = (o.early_bird_minor, o.early_bird_deadline) {
                    offers.push(offer(
                        labels.get("training-offer-early-bird", None),
                        early,
                        deadline.to_string(),
                    ));
                }
                instance["offers"] = Value::Array(offers);
            }
            instance
        })
        .collect();
    let audiences: Vec<Value> = super::audiences(material)?
        .into_iter()
        .map(|a| json!({ "@type": "Audience", "audienceType": labels.get(&a.label_id(), None) }))
        .collect();
    let mut course = json!({
        "@context": "https://schema.org",
        "@type": "Course",
        "name": texts.title,
        "inLanguage": texts.locale,
        "hasCourseInstance": instances,
    });
    if !texts.summary.trim().is_empty() {
        course["description"] = json!(texts.summary);
    }
    if !texts.learning_outcomes.is_empty() {
        course["teaches"] = json!(texts.learning_outcomes);
    }
    if !audiences.is_empty() {
        course["audience"] = Value::Array(audiences);
    }
    if let Some(level) = material.eqf_level {
        let args = crate::l10n::args([("level", level.to_string())]);
        course["educationalLevel"] = labels.get("training-eqf-level", Some(&args));
    }
    if let Some(ects) = material.ects_credits {
        course["numberOfCredits"] = json!({ "@type": "StructuredValue", "value": ects, "unitText": "ECTS" });
    }
    if !texts.prerequisites.trim().is_empty() {
        course["coursePrerequisites"] = json!(texts.prerequisites);
    }
    if let Some(license) = &material.license {
        course["license"] = json!(format!("https://spdx.org/licenses/{license}.html"));
    }
    if let Some(provider) = provider {
        let mut organization = json!({ "@type": "Organization", "name": provider.name });
        put(&mut organization, "url", provider.website.clone());
        course["provider"] = organization;
    }
    Ok(course)
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

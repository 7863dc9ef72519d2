//! What a domain operation needs of the request it runs for: the database
//! (the request's counting handle), the caller, the locale chain, the
//! settings and locales, and the dispatcher its events go to. The GraphQL
//! layer builds one per operation (`RequestState::ctx`); the command line
//! and tests may build their own.

use sea_orm::DatabaseConnection;

use crate::auth::Caller;
use crate::config::Settings;
use crate::error::{ApiError, ApiResult};
use crate::events::Dispatcher;
use crate::l10n::{LocaleChain, Localizer};

/// One operation's view of the service.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a DatabaseConnection,
    pub caller: &'a Caller,
    pub chain: &'a LocaleChain,
    pub settings: &'a Settings,
    pub localizer: &'a Localizer,
    pub events: &'a Dispatcher,
    pub storage: &'a crate::storage::Storage,
    pub fetcher: &'a crate::net::Fetcher,
}

impl Ctx<'_> {
    /// Parses a locale for stored content: a well-formed tag (aliases
    /// applied) that is one of the content locales (`--content-locales` and
    /// the interface's locales); a bare language (`da`) means its content
    /// locale (da-DK).
    pub fn content_locale(&self, field: &str, raw: &str) -> ApiResult<String> {
        let tag = crate::domain::LocaleTag::parse(field, raw)?;
        let wanted = tag.langid();
        let bare = wanted.region.is_none() && wanted.script.is_none() && wanted.variants().len() == 0;
        closest(&self.settings.content_locales(self.localizer), wanted, bare)
            .ok_or_else(|| ApiError::invalid(field, "input-locale-unsupported").arg("value", raw.to_owned()))
    }

    /// Parses a locale for what the service itself writes (an interface
    /// locale): one the interface has, or one of the same language
    /// (`en-GB` means en-US); the caller's own when none is given.
    pub fn interface_locale(&self, field: &str, raw: Option<&str>) -> ApiResult<String> {
        let Some(raw) = raw else {
            return Ok(self.chain.primary().to_string());
        };
        let tag = crate::domain::LocaleTag::parse(field, raw)?;
        closest(self.localizer.available(), tag.langid(), true).ok_or_else(|| {
            ApiError::invalid(field, "webhook-locale-unsupported").arg("value", raw.to_owned())
        })
    }

    /// Formats message `id` (a label) in the caller's language.
    pub fn t(&self, id: &str) -> String {
        self.localizer.message(self.chain, id, None)
    }

    /// The signed-in person making the change, if any.
    pub fn actor(&self) -> Option<&sammen_entities::person::Model> {
        self.caller.person.as_ref()
    }
}

/// `wanted` among `locales`, else (if `same_language`) the first of its
/// language.
fn closest(
    locales: &[unic_langid::LanguageIdentifier],
    wanted: &unic_langid::LanguageIdentifier,
    same_language: bool,
) -> Option<String> {
    locales
        .iter()
        .find(|l| *l == wanted)
        .or_else(|| {
            same_language
                .then(|| locales.iter().find(|l| l.language == wanted.language))
                .flatten()
        })
        .map(ToString::to_string)
}

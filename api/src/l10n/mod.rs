//! Localisation: Fluent bundles per locale, locale negotiation, the ICU4X
//! bridge for numbers, money and dates, and `sammen locales check`.
//!
//! Locales are data: `locales/<tag>/*.ftl` is read at start-up from a folder
//! (`--locales-dir`) or, by default, from the copy compiled into the binary, so
//! a translator adds a locale by adding a folder.

pub mod check;
pub mod content;
pub mod format;
pub mod negotiate;
mod watch;

use std::collections::HashMap;
use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use include_dir::{Dir, include_dir};
use unic_langid::LanguageIdentifier;

pub use negotiate::LocaleChain;
pub use watch::{Locales, watch};

/// The locale files compiled into the binary.
pub static EMBEDDED_LOCALES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../locales");

/// The reference locale: every message exists here first, and every chain ends here.
pub fn default_locale() -> LanguageIdentifier {
    unic_langid::langid!("en-US")
}

/// One `.ftl` file as read from disk or from the embedded copy.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the locales root, e.g. `nb-NO/errors.ftl`.
    pub path: String,
    pub text: String,
}

/// Every locale folder with its files, before parsing.
#[derive(Clone, Debug, Default)]
pub struct LocaleSources {
    pub locales: Vec<(String, Vec<SourceFile>)>,
}

impl LocaleSources {
    /// Reads `root/<tag>/*.ftl`, folders and files in name order.
    pub fn from_dir(root: &Path) -> std::io::Result<Self> {
        let mut locales = Vec::new();
        let mut dirs: Vec<_> = std::fs::read_dir(root)?
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .collect();
        dirs.sort_by_key(|e| e.file_name());
        for dir in dirs {
            let tag = dir.file_name().to_string_lossy().into_owned();
            let mut files: Vec<_> = std::fs::read_dir(dir.path())?
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "ftl"))
                .collect();
            files.sort_by_key(|e| e.file_name());
            let mut sources = Vec::new();
            for file in files {
                sources.push(SourceFile {
                    path: format!("{tag}/{}", file.file_name().to_string_lossy()),
                    text: std::fs::read_to_string(file.path())?,
                });
            }
            locales.push((tag, sources));
        }
        Ok(Self { locales })
    }

    /// The copy compiled into the binary.
    pub fn embedded() -> Self {
        let mut locales = Vec::new();
        let mut dirs: Vec<_> = EMBEDDED_LOCALES.dirs().collect();
        dirs.sort_by_key(|d| d.path());
        for dir in dirs {
            let tag = dir.path().to_string_lossy().into_owned();
            let mut files: Vec<_> = dir
                .files()
                .filter(|f| f.path().extension().is_some_and(|x| x == "ftl"))
                .collect();
            files.sort_by_key(|f| f.path());
            let sources = files
                .into_iter()
                .map(|f| SourceFile {
                    path: f.path().to_string_lossy().into_owned(),
                    text: f.contents_utf8().unwrap_or_default().to_owned(),
                })
                .collect();
            locales.push((tag, sources));
        }
        Self { locales }
    }
}

/// Formats messages for a locale chain. Cheap to share: wrap in an `Arc`.
pub struct Localizer {
    bundles: HashMap<LanguageIdentifier, FluentBundle<FluentResource>>,
    /// Available locales, the default first.
    available: Vec<LanguageIdentifier>,
    /// Message coverage per locale, from `locales check`.
    coverage: Vec<check::LocaleSummary>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localizer")
            .field("available", &self.available)
            .finish()
    }
}

impl Localizer {
    /// Builds bundles from sources. A file with syntax errors contributes the
    /// entries that did parse; the errors are logged (and reported in full by
    /// `sammen locales check`). A folder whose name is not a language tag is
    /// skipped.
    pub fn from_sources(sources: &LocaleSources) -> Self {
        let mut bundles = HashMap::new();
        for (tag, files) in &sources.locales {
            let Ok(langid) = tag.parse::<LanguageIdentifier>() else {
                tracing::warn!(folder = %tag, "locale folder is not a language tag; skipped");
                continue;
            };
            let mut bundle = FluentBundle::new_concurrent(vec![langid.clone()]);
            // Isolation marks (U+2068/U+2069) would end up in JSON error messages
            // and logs, where they only confuse; our placeables are never bidi text.
            bundle.set_use_isolating(false);
            bundle.set_formatter(Some(format::fluent_formatter));
            // `NUMBER` is not registered unless asked for.
            if let Err(error) = bundle.add_builtins() {
                tracing::error!(%error, "could not register Fluent's built-in functions");
            }
            format::add_functions(&mut bundle, &langid);
            for file in files {
                let resource = match FluentResource::try_new(file.text.clone()) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        tracing::error!(file = %file.path, errors = ?errors, "syntax errors in locale file");
                        r
                    }
                };
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(file = %file.path, errors = ?errors, "duplicate entries in locale file");
                }
            }
            bundles.insert(langid, bundle);
        }
        let default = default_locale();
        let mut available: Vec<_> = bundles.keys().cloned().collect();
        available.sort_by_key(|l| (l != &default, l.to_string()));
        let report = check::check(sources);
        Self {
            bundles,
            available,
            coverage: report.locales,
        }
    }

    /// The compiled-in locales.
    pub fn embedded() -> Self {
        Self::from_sources(&LocaleSources::embedded())
    }

    /// Locales present, the default (en-US) first.
    pub fn available(&self) -> &[LanguageIdentifier] {
        &self.available
    }

    /// Message coverage of every locale present, en-US first.
    pub fn coverage(&self) -> &[check::LocaleSummary] {
        &self.coverage
    }

    /// Whether a locale has a bundle.
    pub fn has_locale(&self, locale: &LanguageIdentifier) -> bool {
        self.bundles.contains_key(locale)
    }

    /// Formats message `id` for the first locale of the chain that has it,
    /// falling back to en-US (logged), and to the id itself if even that lacks it.
    pub fn message(&self, chain: &LocaleChain, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.message_with_locale(chain, id, args).0
    }

    /// Like [`Localizer::message`], also saying which locale was used.
    pub fn message_with_locale(
        &self,
        chain: &LocaleChain,
        id: &str,
        args: Option<&FluentArgs<'_>>,
    ) -> (String, LanguageIdentifier) {
        let default = default_locale();
        let wanted = chain.primary();
        for locale in chain.iter().chain(std::iter::once(&default)) {
            let Some(bundle) = self.bundles.get(locale) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            if locale != wanted {
                tracing::warn!(message = id, locale = %wanted, fallback = %locale, "message missing; fell back");
            }
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(message = id, locale = %locale, errors = ?errors, "errors formatting message");
            }
            return (text.into_owned(), locale.clone());
        }
        tracing::error!(message = id, "message missing in every locale");
        (id.to_owned(), default)
    }

    /// Formats an amount in minor units (øre, cents) of an ISO 4217 currency.
    pub fn money(&self, chain: &LocaleChain, amount_minor: i64, currency: &str) -> String {
        format::money(chain.primary(), amount_minor, currency)
    }

    /// Formats a calendar date.
    pub fn date(&self, chain: &LocaleChain, date: chrono::NaiveDate) -> String {
        format::date(chain.primary(), date)
    }
}

/// Builds Fluent arguments from name/value pairs.
pub fn args<'a, I, V>(pairs: I) -> FluentArgs<'a>
where
    I: IntoIterator<Item = (&'a str, V)>,
    V: Into<FluentValue<'a>>,
{
    let mut out = FluentArgs::new();
    for (k, v) in pairs {
        out.set(k, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unic_langid::langid;

    fn localizer() -> Localizer {
        let file = |locale: &str, text: &str| {
            (
                locale.to_owned(),
                vec![SourceFile {
                    path: format!("{locale}/t.ftl"),
                    text: text.to_owned(),
                }],
            )
        };
        let text = "price = { NUMBER($amount, style: \"currency\", currency: \"NOK\") }\n\
                    when = { DATETIME($date) }\n\
                    count = { $n } items\n";
        Localizer::from_sources(&LocaleSources {
            locales: vec![file("en-US", text), file("nb-NO", text)],
        })
    }

    fn format(locale: &str, id: &str, args: &FluentArgs<'_>) -> String {
        let chain = LocaleChain::negotiate(
            &[locale.parse().expect("tag")],
            &[langid!("en-US"), langid!("nb-NO")],
        );
        localizer().message(&chain, id, Some(args))
    }

    #[test]
    fn numbers_money_and_dates_in_messages_go_through_icu4x() {
        let amount = args([("amount", FluentValue::from(1700.0))]);
        assert_eq!(format("nb-NO", "price", &amount), "1\u{a0}700,00\u{a0}kr");
        assert_eq!(format("en-US", "price", &amount), "NOK\u{a0}1,700.00");
        let date = args([("date", "2024-05-17")]);
        assert_eq!(format("nb-NO", "when", &date), "17.05.2024");
        assert_eq!(format("en-US", "when", &date), "5/17/2024");
        let count = args([("n", FluentValue::from(12345.0))]);
        assert_eq!(format("nb-NO", "count", &count), "12\u{a0}345 items");
        assert_eq!(format("en-US", "count", &count), "12,345 items");
    }

    #[test]
    fn a_message_missing_in_a_locale_falls_back_to_english() {
        let loc = Localizer::from_sources(&LocaleSources {
            locales: vec![
                (
                    "en-US".into(),
                    vec![SourceFile {
                        path: "en-US/a.ftl".into(),
                        text: "only-en = English only\n".into(),
                    }],
                ),
                (
                    "nb-NO".into(),
                    vec![SourceFile {
                        path: "nb-NO/a.ftl".into(),
                        text: "x = y\n".into(),
                    }],
                ),
            ],
        });
        let chain = LocaleChain::negotiate(&[langid!("nb-NO")], loc.available());
        assert_eq!(
            loc.message_with_locale(&chain, "only-en", None),
            ("English only".into(), langid!("en-US"))
        );
    }
}

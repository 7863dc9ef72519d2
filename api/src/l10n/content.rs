//! Translatable stored content: choosing the best translation along a
//! request's locale chain, and the digest that tells when a translation was
//! made from an older source text (OUTDATED).

use sha2::{Digest, Sha256};

use super::LocaleChain;

/// Whether a reader with `chain` gets the original whatever translations
/// exist (its first content locale is the original's), so that none need
/// be loaded: [`pick`] answers `None` for any rows.
pub fn original_first(chain: &LocaleChain, original: &str) -> bool {
    chain.content().next().is_some_and(|first| *first == original)
}

/// The locale whose translation alone decides what a reader with `chain`
/// is shown of an item written in `original`, so that a list can read that
/// one translation with its page: the chain's first content locale, when
/// the original is not first and either comes second or the chain has no
/// other ([`pick`] then answers that translation if complete, else the
/// original). `None` when the original comes first (nothing to read) or
/// more translations may be needed.
pub fn deciding_locale(chain: &LocaleChain, original: &str) -> Option<String> {
    let mut content = chain.content().map(ToString::to_string);
    let first = content.next()?;
    if first == original {
        return None;
    }
    match content.next() {
        None => Some(first),
        Some(second) if second == original => Some(first),
        Some(_) => None,
    }
}

/// The translation a reader gets, the one place that decides it: the first
/// locale of the content chain that is the original (`None`: show the
/// original) or has a complete translation (`Some(row)`); the original when
/// nothing in the chain matches.
pub fn pick<'a, T>(
    chain: &LocaleChain,
    original: &str,
    rows: &'a [T],
    locale: impl Fn(&T) -> &str,
    complete: impl Fn(&T) -> bool,
) -> Option<&'a T> {
    for wanted in chain.content() {
        let wanted = wanted.to_string();
        if wanted == original {
            return None;
        }
        if let Some(row) = rows.iter().find(|r| locale(r) == wanted && complete(r)) {
            return Some(row);
        }
    }
    None
}

/// Whether a translation is complete: every (source, translation) pair
/// whose source has text has text in the translation too. Only complete
/// translations are shown to readers, so that a page is in one language
/// and its `resolvedLocale` is true of every text on it; an incomplete one
/// stays MISSING in the translators' queue.
pub fn complete(pairs: &[(&str, &str)]) -> bool {
    pairs
        .iter()
        .all(|(source, translated)| source.trim().is_empty() || !translated.trim().is_empty())
}

/// Whether a translated list has a non-empty item wherever the source has
/// one, position by position (a programme's titles).
pub fn complete_by_position(source: &[String], translated: &[String]) -> bool {
    source
        .iter()
        .enumerate()
        .all(|(i, text)| text.trim().is_empty() || translated.get(i).is_some_and(|t| !t.trim().is_empty()))
}

/// A translated text, or the original where the translation left it empty.
pub fn or_original(translated: &str, original: &str) -> String {
    if translated.trim().is_empty() {
        original
    } else {
        translated
    }
    .to_owned()
}

/// SHA-256 (hex) over the source texts a translation was made from. Fields
/// are separated by a unit separator so that moving text between fields
/// changes the digest.
pub fn source_digest(fields: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            hasher.update([0x1f]);
        }
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unic_langid::langid;

    fn chain(tags: &[&str]) -> LocaleChain {
        let requested: Vec<_> = tags.iter().filter_map(|t| t.parse().ok()).collect();
        LocaleChain::negotiate(&requested, &[langid!("en-US"), langid!("nb-NO")])
    }

    /// The locale a reader gets with translations in `translated`.
    fn shown<'a>(chain: &LocaleChain, original: &'a str, translated: &[&'a str]) -> &'a str {
        pick(chain, original, translated, |t| t, |_| true).map_or(original, |t| t)
    }

    #[test]
    fn the_first_locale_of_the_chain_with_text_wins() {
        assert_eq!(shown(&chain(&["nb-NO"]), "en-US", &["nb-NO"]), "nb-NO");
        assert_eq!(shown(&chain(&["nb-NO"]), "en-US", &[]), "en-US");
        assert_eq!(shown(&chain(&["en-US"]), "nb-NO", &["en-US"]), "en-US");
    }

    #[test]
    fn the_deciding_locale_alone_gives_what_every_translation_gives() {
        let locales = ["nb-NO", "en-US", "da-DK"];
        for reader in [
            &["nb-NO"][..],
            &["en-US"],
            &["da-DK", "nb-NO"],
            &["en-US", "nb-NO"],
        ] {
            let chain = chain(reader);
            for original in locales {
                let Some(deciding) = deciding_locale(&chain, original) else {
                    continue;
                };
                // Every set of complete translations but the original's.
                for mask in 0..8u8 {
                    let translated: Vec<&str> = locales
                        .iter()
                        .enumerate()
                        .filter(|(i, l)| mask & (1 << i) != 0 && **l != original)
                        .map(|(_, l)| *l)
                        .collect();
                    let alone: Vec<&str> = translated.iter().copied().filter(|l| *l == deciding).collect();
                    assert_eq!(
                        shown(&chain, original, &translated),
                        shown(&chain, original, &alone),
                        "{reader:?} reading {original} with {translated:?}"
                    );
                }
            }
        }
        assert_eq!(
            deciding_locale(&chain(&["nb-NO"]), "en-US").as_deref(),
            Some("nb-NO")
        );
        assert_eq!(deciding_locale(&chain(&["nb-NO"]), "nb-NO"), None);
    }

    #[test]
    fn the_original_is_shown_when_nothing_in_the_chain_matches() {
        assert_eq!(shown(&chain(&["en-US"]), "nb-NO", &[]), "nb-NO");
    }

    #[test]
    fn an_incomplete_translation_is_passed_over() {
        let rows = [("nb-NO", false)];
        let picked = pick(&chain(&["nb-NO"]), "en-US", &rows, |r| r.0, |r| r.1);
        assert!(picked.is_none());
    }

    #[test]
    fn a_translation_that_leaves_out_a_text_the_source_has_is_incomplete() {
        assert!(complete(&[("Title", "Tittel"), ("", "")]));
        assert!(!complete(&[("Title", "Tittel"), ("One\nTwo", " ")]));
        let source = ["A".to_owned(), String::new(), "C".to_owned()];
        assert!(complete_by_position(
            &source,
            &["a".into(), String::new(), "c".into()]
        ));
        assert!(!complete_by_position(&source, &["a".into()]));
    }

    #[test]
    fn digests_change_with_any_field() {
        assert_ne!(source_digest(&["a", "bc"]), source_digest(&["ab", "c"]));
        assert_eq!(source_digest(&["x"]), source_digest(&["x"]));
    }
}

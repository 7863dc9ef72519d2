//! Translatable stored content: choosing the best translation along a
//! request's locale chain, and the digest that tells when a translation was
//! made from an older source text (OUTDATED).

use sha2::{Digest, Sha256};

use super::LocaleChain;

/// Picks the locale to show: the first locale of the chain that is the
/// original or has a translation; the original when none matches.
pub fn resolve_locale<'a>(
    chain: &LocaleChain,
    original: &'a str,
    translated: impl IntoIterator<Item = &'a str> + Clone,
) -> &'a str {
    for wanted in chain.iter() {
        let wanted = wanted.to_string();
        if wanted == original {
            return original;
        }
        if let Some(found) = translated.clone().into_iter().find(|t| *t == wanted) {
            return found;
        }
    }
    original
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

    #[test]
    fn the_first_locale_of_the_chain_with_text_wins() {
        assert_eq!(resolve_locale(&chain(&["nb-NO"]), "en-US", ["nb-NO"]), "nb-NO");
        assert_eq!(resolve_locale(&chain(&["nb-NO"]), "en-US", []), "en-US");
        assert_eq!(resolve_locale(&chain(&["en-US"]), "nb-NO", ["en-US"]), "en-US");
    }

    #[test]
    fn the_original_is_shown_when_nothing_in_the_chain_matches() {
        assert_eq!(resolve_locale(&chain(&["en-US"]), "nb-NO", []), "nb-NO");
    }

    #[test]
    fn digests_change_with_any_field() {
        assert_ne!(source_digest(&["a", "bc"]), source_digest(&["ab", "c"]));
        assert_eq!(source_digest(&["x"]), source_digest(&["x"]));
    }
}

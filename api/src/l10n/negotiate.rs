//! The per-request locale chain: an explicit locale, else `Accept-Language`
//! by q-value, with Norwegian aliases, negotiated against the locales present
//! and always ending in en-US.

use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

use super::default_locale;

/// The locales to try, best first, for a request: one chain for the user
/// interface (negotiated against the Fluent bundles) and one for stored
/// content (negotiated against `--content-locales`, which may hold locales
/// the interface lacks, such as da-DK). Both are never empty and always
/// hold en-US.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocaleChain {
    ui: Vec<LanguageIdentifier>,
    content: Vec<LanguageIdentifier>,
}

impl LocaleChain {
    /// Negotiates `requested` (best first) against `available`, for the
    /// interface and for content alike.
    pub fn negotiate(requested: &[LanguageIdentifier], available: &[LanguageIdentifier]) -> Self {
        Self::negotiate_with_content(requested, available, available)
    }

    /// Negotiates `requested` against the interface's locales and,
    /// separately, against the content locales.
    pub fn negotiate_with_content(
        requested: &[LanguageIdentifier],
        interface: &[LanguageIdentifier],
        content: &[LanguageIdentifier],
    ) -> Self {
        Self {
            ui: negotiate_one(requested, interface),
            content: negotiate_one(requested, content),
        }
    }

    /// Builds the chain for a request from its `Accept-Language` header.
    pub fn from_accept_language(
        header: Option<&str>,
        interface: &[LanguageIdentifier],
        content: &[LanguageIdentifier],
    ) -> Self {
        let requested = header.map(parse_accept_language).unwrap_or_default();
        Self::negotiate_with_content(&requested, interface, content)
    }

    /// The locale of the interface texts (messages, labels, formatted
    /// numbers and dates) in this response.
    pub fn primary(&self) -> &LanguageIdentifier {
        &self.ui[0]
    }

    /// The interface locales, best first.
    pub fn iter(&self) -> impl Iterator<Item = &LanguageIdentifier> {
        self.ui.iter()
    }

    /// The locales to look for stored content in, best first.
    pub fn content(&self) -> impl Iterator<Item = &LanguageIdentifier> {
        self.content.iter()
    }

    /// The same chain with `locale` tried first (for the interface; the
    /// content chain is kept).
    pub fn preferring(&self, locale: &LanguageIdentifier, available: &[LanguageIdentifier]) -> Self {
        let mut requested = vec![locale.clone()];
        requested.extend(self.ui.iter().cloned());
        Self {
            ui: negotiate_one(&requested, available),
            content: self.content.clone(),
        }
    }
}

/// Negotiates `requested` against `available`.
///
/// Each requested tag is followed by its bare language, so `en-GB` finds
/// `en-US` before a lower-ranked `nb` does, and `da` finds `da-DK`. en-US
/// is always in the chain: last, unless the reader ranked English higher.
fn negotiate_one(
    requested: &[LanguageIdentifier],
    available: &[LanguageIdentifier],
) -> Vec<LanguageIdentifier> {
    let default = default_locale();
    let mut widened = Vec::with_capacity(requested.len() * 2);
    for tag in requested {
        widened.push(tag.clone());
        let bare = LanguageIdentifier::from_parts(tag.language, None, None, &[]);
        if &bare != tag {
            widened.push(bare);
        }
    }
    let mut chain: Vec<LanguageIdentifier> = Vec::new();
    for found in negotiate_languages(
        &widened,
        available,
        Some(&default),
        NegotiationStrategy::Filtering,
    ) {
        if !chain.contains(found) {
            chain.push(found.clone());
        }
    }
    if !chain.contains(&default) {
        chain.push(default);
    }
    chain
}

/// Parses a language tag the way users write them, applying the Norwegian
/// aliases: `no`, `nb`, `nn` (and `-NO` forms) mean Bokmål as spoken in Norway,
/// the only Norwegian locale we keep.
pub fn parse_tag(tag: &str) -> Option<LanguageIdentifier> {
    let langid: LanguageIdentifier = tag.trim().parse().ok()?;
    if langid.language.as_str() == "und" {
        return None;
    }
    let lang = langid.language.as_str();
    if matches!(lang, "no" | "nb" | "nn") {
        return Some(unic_langid::langid!("nb-NO"));
    }
    Some(langid)
}

/// Parses an `Accept-Language` header into tags sorted by q-value (stable for
/// equal weights). Malformed entries, `*` and `q=0` are dropped: a bad header
/// never fails a request, it just falls back to en-US.
pub fn parse_accept_language(header: &str) -> Vec<LanguageIdentifier> {
    let mut weighted: Vec<(u16, usize, LanguageIdentifier)> = Vec::new();
    for (index, part) in header.split(',').enumerate().take(32) {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        if tag.is_empty() || tag == "*" {
            continue;
        }
        let mut quality: u16 = 1000;
        for param in pieces {
            let param = param.trim();
            if let Some(q) = param.strip_prefix("q=").or_else(|| param.strip_prefix("Q=")) {
                quality = match q.trim().parse::<f32>() {
                    Ok(v) if (0.0..=1.0).contains(&v) => (v * 1000.0).round() as u16,
                    _ => 0,
                };
            }
        }
        if quality == 0 {
            continue;
        }
        if let Some(langid) = parse_tag(tag) {
            weighted.push((quality, index, langid));
        }
    }
    weighted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    weighted.into_iter().map(|(_, _, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unic_langid::langid;

    fn available() -> Vec<LanguageIdentifier> {
        vec![langid!("en-US"), langid!("nb-NO")]
    }

    fn chain(header: &str) -> Vec<String> {
        LocaleChain::from_accept_language(Some(header), &available(), &available())
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn q_values_order_the_chain() {
        assert_eq!(chain("en;q=0.5, nb;q=0.9"), ["nb-NO", "en-US"]);
        assert_eq!(chain("en-GB, nb;q=0.9"), ["en-US", "nb-NO"]);
        assert_eq!(chain("nb;q=0.9, en-GB"), ["en-US", "nb-NO"]);
        assert_eq!(chain("da, nb;q=0.5"), ["nb-NO", "en-US"]);
    }

    #[test]
    fn norwegian_aliases_map_to_bokmaal() {
        for tag in ["no", "no-NO", "nb", "nn", "nn-NO", "NB-no"] {
            assert_eq!(chain(tag), ["nb-NO", "en-US"], "{tag}");
        }
    }

    #[test]
    fn unknown_or_malformed_headers_fall_back_to_english() {
        for header in ["", "xx-YY", "!!!", "de;q=abc", "*", "fr;q=0.7, de"] {
            assert_eq!(chain(header), ["en-US"], "{header:?}");
        }
    }

    #[test]
    fn content_has_its_own_chain_beside_the_interface() {
        let content = [
            langid!("nb-NO"),
            langid!("en-US"),
            langid!("da-DK"),
            langid!("nl-NL"),
        ];
        let chain = LocaleChain::from_accept_language(Some("da, nb;q=0.5"), &available(), &content);
        let ui: Vec<_> = chain.iter().map(ToString::to_string).collect();
        let stored: Vec<_> = chain.content().map(ToString::to_string).collect();
        assert_eq!(ui, ["nb-NO", "en-US"]);
        assert_eq!(stored, ["da-DK", "nb-NO", "en-US"]);
    }

    #[test]
    fn zero_quality_excludes_a_language() {
        assert_eq!(chain("nb;q=0, en"), ["en-US"]);
    }
}

//! Validated strings: slugs, country codes, e-mail addresses, language tags,
//! web addresses, names and passwords.

use unic_langid::LanguageIdentifier;

use crate::error::{ApiError, ApiResult};
use crate::l10n::negotiate::parse_tag;

/// A URL-safe organisation handle: 2–64 of `a-z`, `0-9` and inner `-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let s = raw.trim();
        let ok = (2..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ApiError::invalid(field, "input-slug-invalid"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code that exists (not just two letters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountryCode(isocountry::CountryCode);

impl CountryCode {
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let upper = raw.trim().to_ascii_uppercase();
        if upper.len() != 2 {
            return Err(ApiError::invalid(field, "input-country-invalid").arg("value", raw));
        }
        isocountry::CountryCode::for_alpha2(&upper)
            .map(Self)
            .map_err(|_| ApiError::invalid(field, "input-country-invalid").arg("value", raw))
    }

    pub fn alpha2(&self) -> &'static str {
        self.0.alpha2()
    }
}

/// A lower-cased e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let s = raw.trim();
        if s.len() > 254 || !email_address::EmailAddress::is_valid(s) {
            return Err(ApiError::invalid(field, "input-email-invalid"));
        }
        Ok(Self(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A well-formed BCP 47 language tag, canonicalised (`nb` → `nb-NO`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocaleTag(LanguageIdentifier);

impl LocaleTag {
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        parse_tag(raw)
            .filter(|_| raw.len() <= 35)
            .map(Self)
            .ok_or_else(|| ApiError::invalid(field, "input-locale-invalid").arg("value", raw))
    }

    pub fn langid(&self) -> &LanguageIdentifier {
        &self.0
    }

    pub fn to_tag(&self) -> String {
        self.0.to_string()
    }
}

/// An absolute http(s) URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebAddress(url::Url);

impl WebAddress {
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let err = || ApiError::invalid(field, "input-url-invalid");
        if raw.len() > 2048 {
            return Err(err());
        }
        let url = url::Url::parse(raw.trim()).map_err(|_| err())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(err());
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A trimmed, non-empty single-line text of at most `max` characters.
pub fn name_text(field: &str, raw: &str, max: usize) -> ApiResult<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(ApiError::invalid(field, "input-required"));
    }
    if s.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, "input-control-characters"));
    }
    if s.chars().count() > max {
        return Err(ApiError::invalid(field, "input-too-long").arg("max", max as u64));
    }
    balanced_bidi(field, s)?;
    Ok(s.to_owned())
}

/// Whether `c` is a control character no text input may hold: every C0
/// and C1 control (NUL included) and DEL, except tab, line feed and
/// carriage return.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t' && c != '\r'
}

/// Refuses text whose bidirectional embeddings, overrides or isolates are
/// not closed (or closed without being opened): such text can reorder what
/// surrounds it wherever it is shown ("Trojan Source").
pub fn balanced_bidi(field: &str, s: &str) -> ApiResult<()> {
    let (mut embeddings, mut isolates) = (0_i32, 0_i32);
    for c in s.chars() {
        match c {
            '\u{202A}' | '\u{202B}' | '\u{202D}' | '\u{202E}' => embeddings += 1,
            '\u{202C}' => embeddings -= 1,
            '\u{2066}' | '\u{2067}' | '\u{2068}' => isolates += 1,
            '\u{2069}' => isolates -= 1,
            _ => continue,
        }
        if embeddings < 0 || isolates < 0 {
            break;
        }
    }
    if embeddings == 0 && isolates == 0 {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "input-bidi-unbalanced"))
    }
}

/// A trimmed, possibly multi-line text of at most `max` characters.
pub fn long_text(field: &str, raw: &str, max: usize) -> ApiResult<String> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err(ApiError::invalid(field, "input-too-long").arg("max", max as u64));
    }
    if s.chars().any(is_forbidden_control) {
        return Err(ApiError::invalid(field, "input-control-characters"));
    }
    balanced_bidi(field, s)?;
    Ok(s.to_owned())
}

/// A new password: 10 to 1024 characters.
pub fn new_password(field: &str, raw: &str) -> ApiResult<String> {
    let n = raw.chars().count();
    if n < 10 {
        return Err(ApiError::invalid(field, "input-password-too-short").arg("min", 10));
    }
    if n > 1024 {
        return Err(ApiError::invalid(field, "input-too-long").arg("max", 1024));
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_must_exist() {
        assert_eq!(CountryCode::parse("c", "no").map(|c| c.alpha2()).ok(), Some("NO"));
        for bad in ["XX", "N", "NOR", "", "1A"] {
            assert!(CountryCode::parse("c", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs_are_lowercase_and_dashed() {
        assert!(Slug::parse("s", "peer-support-za").is_ok());
        for bad in ["A", "-x", "x-", "a--b", "Æøå", "a b", "a/b"] {
            assert!(Slug::parse("s", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn norwegian_tags_canonicalise_to_bokmaal() {
        assert_eq!(
            LocaleTag::parse("l", "nb").map(|t| t.to_tag()).ok().as_deref(),
            Some("nb-NO")
        );
        assert!(LocaleTag::parse("l", "not a tag").is_err());
    }
}

/// A license given as an SPDX license id (`CC-BY-NC-SA-4.0`, `MIT`…),
/// stored in its canonical spelling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpdxId(&'static str);

impl SpdxId {
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let trimmed = raw.trim();
        spdx::license_id(trimmed)
            .or_else(|| {
                spdx::imprecise_license_id(trimmed)
                    .filter(|(_, matched)| *matched == trimmed.len())
                    .map(|(id, _)| id)
            })
            .map(|id| Self(id.name))
            .ok_or_else(|| ApiError::invalid(field, "input-license-invalid").arg("value", raw.to_owned()))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// A list of short, distinct, non-empty single-line texts.
pub fn text_list(field: &str, raw: &[String], max_items: usize, max_len: usize) -> ApiResult<Vec<String>> {
    if raw.len() > max_items {
        return Err(ApiError::invalid(field, "input-too-many").arg("max", max_items as u64));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for item in raw {
        let item = name_text(field, item, max_len)?;
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn unbalanced_bidi_controls_are_refused() {
        assert!(long_text("t", "abc \u{2067}שלום\u{2069} def", 100).is_ok());
        assert!(long_text("t", "abc \u{202E}evil", 100).is_err());
        assert!(name_text("t", "x\u{2069}\u{2066}y", 100).is_err());
        assert!(name_text("t", "\u{202B}a\u{202C}", 100).is_ok());
    }

    #[test]
    fn spdx_ids_are_checked_and_canonicalised() {
        assert_eq!(
            SpdxId::parse("l", "CC-BY-NC-SA-4.0").map(|s| s.as_str()).ok(),
            Some("CC-BY-NC-SA-4.0")
        );
        assert_eq!(SpdxId::parse("l", " MIT ").map(|s| s.as_str()).ok(), Some("MIT"));
        assert!(SpdxId::parse("l", "Do-What-I-Say-1.0").is_err());
    }
}

/// An active ISO 4217 currency code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurrencyCode(iso_currency::Currency);

impl CurrencyCode {
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        iso_currency::Currency::from_code(&raw.trim().to_ascii_uppercase())
            .map(Self)
            .ok_or_else(|| ApiError::invalid(field, "input-currency-invalid").arg("value", raw.to_owned()))
    }

    pub fn code(&self) -> &'static str {
        self.0.code()
    }
}

/// A non-negative amount in minor units (øre, cents) of a currency.
pub fn amount_minor(field: &str, amount: i64) -> ApiResult<i64> {
    if amount < 0 {
        return Err(ApiError::invalid(field, "input-amount-negative"));
    }
    Ok(amount)
}

//! The bridge from Fluent to ICU4X. fluent-rs formats no grouping, currency
//! or dates itself, so numbers placed in messages go through an ICU4X
//! `DecimalFormatter` (or `CurrencyFormatter` for `NUMBER($x, style: "currency")`),
//! and messages get a `DATETIME` function backed by ICU4X date formatting.

use fixed_decimal::FloatPrecision;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumberStyle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu::calendar::Gregorian;
use icu::datetime::FixedCalendarDateTimeFormatter;
use icu::datetime::fieldsets::{YMD, YMDT};
use icu::datetime::input::{Date, DateTime, Time};
use icu::datetime::options::YearStyle;
use icu::decimal::DecimalFormatter;
use icu::decimal::input::Decimal;
use icu::experimental::dimension::currency::CurrencyType;
use icu::experimental::dimension::currency::formatter::CurrencyFormatter;
use icu::locale::Locale;
use intl_memoizer::Memoizable;
use intl_memoizer::concurrent::IntlLangMemoizer;
use unic_langid::LanguageIdentifier;

fn icu_locale(langid: &LanguageIdentifier) -> Locale {
    Locale::try_from_str(&langid.to_string()).unwrap_or(icu::locale::locale!("en-US"))
}

/// Decimal places of an ISO 4217 currency's minor unit. Almost every currency
/// has two; these are the common exceptions.
pub fn minor_unit_digits(currency: &str) -> i16 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "UGX" | "XAF" | "XOF" | "PYG" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "IQD" | "LYD" => 3,
        _ => 2,
    }
}

/// Formats an amount given in minor units, e.g. `money(nb-NO, 170000, "NOK")`
/// is `1 700,00 kr` (with CLDR's no-break space as the group separator).
pub fn money(locale: &LanguageIdentifier, amount_minor: i64, currency: &str) -> String {
    let digits = minor_unit_digits(currency);
    let mut value = Decimal::from(amount_minor);
    value.absolute.multiply_pow10(-digits);
    value.absolute.pad_end(-digits);
    let Ok(code) = CurrencyType::try_from_str(&currency.to_ascii_lowercase()) else {
        return format!("{currency} {}", decimal(locale, &value));
    };
    let prefs = (&icu_locale(locale)).into();
    match CurrencyFormatter::try_new_symbol(prefs, code, Default::default()) {
        Ok(formatter) => formatter.format_fixed_decimal(&value).to_string(),
        Err(error) => {
            tracing::warn!(%currency, %error, "no currency data; formatting the plain number");
            format!("{currency} {}", decimal(locale, &value))
        }
    }
}

fn decimal(locale: &LanguageIdentifier, value: &Decimal) -> String {
    match DecimalFormatter::try_new((&icu_locale(locale)).into(), Default::default()) {
        Ok(f) => f.format(value).to_string(),
        Err(_) => value.to_string(),
    }
}

/// Formats a calendar date in the locale's short style with a full year:
/// nb-NO `17.05.2024`, en-US `5/17/2024`.
pub fn date(locale: &LanguageIdentifier, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let fallback = || date.format("%Y-%m-%d").to_string();
    let Ok(icu_date) = Date::try_new_gregorian(date.year(), date.month() as u8, date.day() as u8) else {
        return fallback();
    };
    let formatter = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
        (&icu_locale(locale)).into(),
        YMD::short().with_year_style(YearStyle::Full),
    );
    match formatter {
        Ok(f) => f.format(&icu_date).to_string(),
        Err(_) => fallback(),
    }
}

/// Formats a UTC instant as a short date and time (shown in UTC).
pub fn date_time(locale: &LanguageIdentifier, instant: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let fallback = || instant.format("%Y-%m-%d %H:%M UTC").to_string();
    let (Ok(d), Ok(t)) = (
        Date::try_new_gregorian(instant.year(), instant.month() as u8, instant.day() as u8),
        Time::try_new(instant.hour() as u8, instant.minute() as u8, 0, 0),
    ) else {
        return fallback();
    };
    let formatter = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
        (&icu_locale(locale)).into(),
        YMDT::short().with_year_style(YearStyle::Full),
    );
    match formatter {
        Ok(f) => f.format(&DateTime { date: d, time: t }).to_string(),
        Err(_) => fallback(),
    }
}

/// A memoised ICU4X decimal formatter for one bundle's locale.
struct IcuDecimal(DecimalFormatter);

impl Memoizable for IcuDecimal {
    type Args = ();
    type Error = ();

    fn construct(lang: LanguageIdentifier, _args: ()) -> Result<Self, ()> {
        DecimalFormatter::try_new((&icu_locale(&lang)).into(), Default::default())
            .map(IcuDecimal)
            .map_err(|_| ())
    }
}

/// The bundle formatter: every number placed in a message is formatted by
/// ICU4X for the bundle's locale, honouring Fluent's `NUMBER()` options
/// (fraction digits, grouping and the currency style).
pub fn fluent_formatter(value: &FluentValue<'_>, intls: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    let options = &number.options;
    let mut decimal = Decimal::try_from_f64(number.value, FloatPrecision::RoundTrip).ok()?;
    if let Some(max) = options.maximum_fraction_digits {
        decimal.round(-(max.min(20) as i16));
    }
    if let Some(min) = options.minimum_fraction_digits {
        decimal.absolute.pad_end(-(min.min(20) as i16));
    }
    if options.style == FluentNumberStyle::Currency
        && let Some(currency) = &options.currency
    {
        let code = CurrencyType::try_from_str(&currency.to_ascii_lowercase()).ok()?;
        return Some(currency_with(intls, code, &decimal));
    }
    intls
        .with_try_get::<IcuDecimal, _, _>((), |f| f.0.format(&decimal).to_string())
        .ok()
}

/// A memoised currency formatter, keyed by currency.
struct IcuCurrency(CurrencyFormatter<DecimalFormatter>);

impl Memoizable for IcuCurrency {
    type Args = CurrencyType;
    type Error = ();

    fn construct(lang: LanguageIdentifier, code: CurrencyType) -> Result<Self, ()> {
        CurrencyFormatter::try_new_symbol((&icu_locale(&lang)).into(), code, Default::default())
            .map(IcuCurrency)
            .map_err(|_| ())
    }
}

fn currency_with(intls: &IntlLangMemoizer, code: CurrencyType, value: &Decimal) -> String {
    intls
        .with_try_get::<IcuCurrency, _, _>(code, |f| f.0.format_fixed_decimal(value).to_string())
        .unwrap_or_else(|_| value.to_string())
}

/// Registers the functions our messages may call beyond Fluent's built-in
/// `NUMBER`: `DATETIME($value)` takes an ISO 8601 date (`2024-05-17`) or an
/// RFC 3339 instant and formats it for the bundle's locale.
pub fn add_functions(bundle: &mut FluentBundle<FluentResource>, locale: &LanguageIdentifier) {
    let locale = locale.clone();
    let added = bundle.add_function("DATETIME", move |positional, _named: &FluentArgs<'_>| {
        let Some(FluentValue::String(text)) = positional.first() else {
            return FluentValue::Error;
        };
        if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return FluentValue::from(date(&locale, d));
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            return FluentValue::from(date_time(&locale, t.with_timezone(&chrono::Utc)));
        }
        FluentValue::Error
    });
    if let Err(error) = added {
        tracing::error!(%error, "could not register DATETIME");
    }
}

/// Function names a message may call; `locales check` flags any other.
pub const KNOWN_FUNCTIONS: &[&str] = &["NUMBER", "DATETIME"];

#[cfg(test)]
mod tests {
    use super::*;
    use unic_langid::langid;

    #[test]
    fn norwegian_money_uses_space_groups_comma_decimals_and_kr() {
        assert_eq!(money(&langid!("nb-NO"), 170_000, "NOK"), "1\u{a0}700,00\u{a0}kr");
    }

    #[test]
    fn english_money_puts_the_iso_code_first() {
        assert_eq!(money(&langid!("en-US"), 170_000, "NOK"), "NOK\u{a0}1,700.00");
        assert_eq!(money(&langid!("en-US"), 123_456, "USD"), "$1,234.56");
    }

    #[test]
    fn zero_decimal_currencies_are_not_divided() {
        assert_eq!(money(&langid!("en-US"), 1700, "JPY"), "¥1,700");
    }

    #[test]
    fn dates_use_the_locale_short_style_with_full_year() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 5, 17).expect("valid date");
        assert_eq!(date(&langid!("nb-NO"), d), "17.05.2024");
        assert_eq!(date(&langid!("en-US"), d), "5/17/2024");
    }
}

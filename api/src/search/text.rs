//! Text analysis for search: one pipeline, so that SQLite and PostgreSQL
//! find the same things.
//!
//! A text is cut into tokens (runs of letters, digits and combining marks),
//! each token is folded (`sammen_entities::search::fold`: lower case, no
//! accents, `ø` → `o`, `æ` → `ae`), and then, per language, a folded token
//! is a stop word, a token with a digit (kept as it is), or a word reduced
//! to its Snowball stem. PostgreSQL gets the folded tokens and stems them
//! with its own configurations (`norwegian`, `english`, `danish`, `dutch`,
//! `simple`); SQLite's FTS5 gets the stems made here, with the same Snowball
//! algorithms (`rust-stemmers`) and PostgreSQL's own stop lists (`stop/`,
//! copied from PostgreSQL 15, PostgreSQL licence), compared with the folded
//! token as PostgreSQL compares the words it is given.

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use sammen_entities::search::fold;
use unicode_normalization::char::is_combining_mark;

/// Tokens longer than this (folded) are dropped: neither engine indexes them.
pub const MAX_TOKEN_CHARS: usize = 64;

/// What SQLite stores in place of a stop word, so phrase distances are
/// PostgreSQL's. A private-use character: no text's token ever folds to it.
pub const STOP_PLACEHOLDER: char = '\u{E000}';

/// The language a text is analysed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Norwegian,
    English,
    Danish,
    Dutch,
    /// No stop words and no stemming: other languages, and people's names.
    Simple,
}

impl Lang {
    pub const ALL: [Lang; 5] = [
        Self::Norwegian,
        Self::English,
        Self::Danish,
        Self::Dutch,
        Self::Simple,
    ];

    /// The language of a content locale, by its primary subtag
    /// (`nb`, `nn` and `no` are Norwegian).
    pub fn of_locale(tag: &str) -> Self {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "nb" | "nn" | "no" => Self::Norwegian,
            "en" => Self::English,
            "da" => Self::Danish,
            "nl" => Self::Dutch,
            _ => Self::Simple,
        }
    }

    /// PostgreSQL's text search configuration of the language.
    pub fn pg_config(self) -> &'static str {
        match self {
            Self::Norwegian => "norwegian",
            Self::English => "english",
            Self::Danish => "danish",
            Self::Dutch => "dutch",
            Self::Simple => "simple",
        }
    }

    fn stemmer(self) -> Option<&'static Stemmer> {
        static NORWEGIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Norwegian));
        static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
        static DANISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Danish));
        static DUTCH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Dutch));
        match self {
            Self::Norwegian => Some(&NORWEGIAN),
            Self::English => Some(&ENGLISH),
            Self::Danish => Some(&DANISH),
            Self::Dutch => Some(&DUTCH),
            Self::Simple => None,
        }
    }

    fn stop_words(self) -> Option<&'static HashSet<&'static str>> {
        fn list(text: &'static str) -> HashSet<&'static str> {
            text.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
        }
        static NORWEGIAN: LazyLock<HashSet<&str>> =
            LazyLock::new(|| list(include_str!("stop/norwegian.stop")));
        static ENGLISH: LazyLock<HashSet<&str>> = LazyLock::new(|| list(include_str!("stop/english.stop")));
        static DANISH: LazyLock<HashSet<&str>> = LazyLock::new(|| list(include_str!("stop/danish.stop")));
        static DUTCH: LazyLock<HashSet<&str>> = LazyLock::new(|| list(include_str!("stop/dutch.stop")));
        match self {
            Self::Norwegian => Some(&NORWEGIAN),
            Self::English => Some(&ENGLISH),
            Self::Danish => Some(&DANISH),
            Self::Dutch => Some(&DUTCH),
            Self::Simple => None,
        }
    }
}

/// One token of a text: where it stands (byte offsets into the text, for
/// highlights) and its folded form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub folded: String,
}

/// The tokens of `raw`, in order. A token is a run of letters, digits and
/// combining marks, folded; a run whose folding holds other characters
/// (`½` becomes `1⁄2`) is split again, the pieces sharing its span.
pub fn tokens(raw: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    let word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
    let push = |start: usize, end: usize, out: &mut Vec<Token>| {
        let folded = fold(&raw[start..end]);
        for piece in folded.split(|c: char| !c.is_alphanumeric()) {
            if !piece.is_empty() && piece.chars().count() <= MAX_TOKEN_CHARS {
                out.push(Token {
                    start,
                    end,
                    folded: piece.to_owned(),
                });
            }
        }
    };
    for (at, c) in raw.char_indices() {
        match (word(c), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                push(from, at, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        push(from, raw.len(), &mut out);
    }
    out
}

/// A folded token, analysed in a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Analyzed {
    /// A token with a digit in it, kept as it is.
    Digit(String),
    /// A stop word of the language: not indexed, but it keeps its place.
    Stop,
    /// A word's stem.
    Stem(String),
}

/// Analyses one folded token in `lang`.
pub fn analyze(lang: Lang, folded: &str) -> Analyzed {
    if folded.chars().any(|c| c.is_numeric()) {
        return Analyzed::Digit(folded.to_owned());
    }
    if lang.stop_words().is_some_and(|stop| stop.contains(folded)) {
        return Analyzed::Stop;
    }
    match lang.stemmer() {
        Some(stemmer) => Analyzed::Stem(stemmer.stem(folded).into_owned()),
        None => Analyzed::Stem(folded.to_owned()),
    }
}

/// What PostgreSQL indexes of `raw`: its folded tokens, space-separated,
/// for `to_tsvector(<config>, …)` to stem.
pub fn prepared(raw: &str) -> String {
    tokens(raw)
        .into_iter()
        .map(|t| t.folded)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What SQLite's FTS5 indexes of `raw` in `lang`: the stems, with
/// [`STOP_PLACEHOLDER`] for each stop word, space-separated.
pub fn stems(lang: Lang, raw: &str) -> String {
    tokens(raw)
        .into_iter()
        .map(|t| match analyze(lang, &t.folded) {
            Analyzed::Digit(s) | Analyzed::Stem(s) => s,
            Analyzed::Stop => STOP_PLACEHOLDER.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(lang: Lang, word: &str) -> String {
        match analyze(lang, &fold(word)) {
            Analyzed::Stem(s) | Analyzed::Digit(s) => s,
            Analyzed::Stop => String::from("(stop)"),
        }
    }

    #[test]
    fn tokens_are_folded_runs_with_their_places_in_the_text() {
        let text = "Søren Kærgaard: «Rapport fra erfaringskonsulent-undersøkelsen» (2024)";
        let got = tokens(text);
        let words: Vec<&str> = got.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(
            words,
            [
                "soren",
                "kaergaard",
                "rapport",
                "fra",
                "erfaringskonsulent",
                "undersokelsen",
                "2024"
            ]
        );
        assert_eq!(&text[got[0].start..got[0].end], "Søren");
        assert_eq!(&text[got[5].start..got[5].end], "undersøkelsen");
        assert!(tokens("").is_empty());
        assert!(tokens(" -- … ").is_empty());
        assert_eq!(tokens(&"a".repeat(65)), Vec::<Token>::new(), "too long");
    }

    #[test]
    fn a_fraction_is_split_into_its_digits() {
        let got = tokens("½ dag");
        let words: Vec<&str> = got.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(words, ["1", "2", "dag"]);
        assert_eq!(got[0].start, got[1].start);
    }

    #[test]
    fn the_issues_examples_meet_in_their_stems() {
        let no = Lang::Norwegian;
        assert_eq!(stem(no, "rapporter"), stem(no, "Rapport"));
        assert_eq!(stem(no, "erfaringskonsulent"), stem(no, "erfaringskonsulenter"));
        let en = Lang::English;
        assert_eq!(stem(en, "guidelines"), stem(en, "guideline"));
        assert_eq!(stem(en, "ethics"), stem(en, "ethic"));
        assert_eq!(stem(Lang::Simple, "Søren"), stem(Lang::Simple, "Soren"));
        assert_eq!(
            stem(Lang::Danish, "retningslinjerne"),
            stem(Lang::Danish, "retningslinjer")
        );
        assert_eq!(
            stem(Lang::Dutch, "ervaringsdeskundigen"),
            stem(Lang::Dutch, "ervaringsdeskundige")
        );
    }

    #[test]
    fn stop_words_and_digits_follow_the_language() {
        assert_eq!(analyze(Lang::Norwegian, "og"), Analyzed::Stop);
        assert_eq!(analyze(Lang::English, "the"), Analyzed::Stop);
        assert_eq!(analyze(Lang::Danish, "og"), Analyzed::Stop);
        assert_eq!(analyze(Lang::Dutch, "de"), Analyzed::Stop);
        assert_eq!(analyze(Lang::Simple, "og"), Analyzed::Stem("og".into()));
        assert_eq!(analyze(Lang::English, "eqf5"), Analyzed::Digit("eqf5".into()));
        assert_eq!(
            stems(Lang::English, "The ethics of care"),
            "\u{E000} ethic \u{E000} care"
        );
        assert_eq!(prepared("The Ethics of Care, 2nd"), "the ethics of care 2nd");
    }

    #[test]
    fn locales_choose_their_language() {
        for (tag, lang) in [
            ("nb-NO", Lang::Norwegian),
            ("nn", Lang::Norwegian),
            ("no", Lang::Norwegian),
            ("en-US", Lang::English),
            ("da-DK", Lang::Danish),
            ("nl_NL", Lang::Dutch),
            ("de-DE", Lang::Simple),
            ("", Lang::Simple),
        ] {
            assert_eq!(Lang::of_locale(tag), lang, "{tag}");
        }
        assert_eq!(Lang::Norwegian.pg_config(), "norwegian");
    }
}

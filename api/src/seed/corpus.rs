//! Text for `seed bench`'s documents, so that searching them costs what
//! searching a real network would: titles and summaries in Norwegian or
//! English with translations into the other and sometimes Danish or Dutch,
//! words drawn with Zipf-like frequencies from each language's vocabulary
//! and a long tail of rare terms, and a few words at known rates for the
//! benchmark's queries to find. Drawn from a seeded generator: the same
//! scale gives the same corpus.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How often the benchmark's query words occur, per document.
pub const RAPPORT: f64 = 0.10;
pub const ERFARINGSKONSULENT: f64 = 0.02;
pub const PEER_SUPPORT: f64 = 0.05;
pub const RARE: f64 = 0.001;
/// Documents with a Markdown file of about 2 KB.
pub const WITH_FILE: f64 = 0.05;

const NB: &[&str] = &[
    "arbeid",
    "opplæring",
    "veiledning",
    "helse",
    "tjenester",
    "kommune",
    "bruker",
    "medvirkning",
    "likeverd",
    "barrierer",
    "arbeidsvilkår",
    "kompetanse",
    "kurs",
    "nettverk",
    "erfaring",
    "samarbeid",
    "ansettelse",
    "lønn",
    "taushetsplikt",
    "etikk",
    "undersøkelse",
    "psykisk",
    "rus",
    "praksis",
    "ledelse",
    "evaluering",
    "kvalitet",
    "tilbud",
    "mestring",
    "fellesskap",
];
const EN: &[&str] = &[
    "work",
    "training",
    "supervision",
    "health",
    "services",
    "municipality",
    "user",
    "involvement",
    "equality",
    "barriers",
    "conditions",
    "competence",
    "course",
    "network",
    "experience",
    "cooperation",
    "employment",
    "salary",
    "confidentiality",
    "ethics",
    "survey",
    "mental",
    "addiction",
    "practice",
    "leadership",
    "evaluation",
    "quality",
    "recovery",
    "community",
    "hope",
];
const DA: &[&str] = &[
    "arbejde",
    "uddannelse",
    "vejledning",
    "sundhed",
    "kommune",
    "bruger",
    "inddragelse",
    "netværk",
    "erfaring",
    "samarbejde",
    "ansættelse",
    "etik",
    "undersøgelse",
    "praksis",
    "ledelse",
    "kvalitet",
];
const NL: &[&str] = &[
    "werk",
    "opleiding",
    "begeleiding",
    "gezondheid",
    "gemeente",
    "gebruiker",
    "participatie",
    "netwerk",
    "ervaring",
    "samenwerking",
    "werkgelegenheid",
    "ethiek",
    "onderzoek",
    "praktijk",
    "leiderschap",
    "kwaliteit",
];
/// Rare terms `tema1` … `tema5000`, drawn by rank.
const TAIL: u32 = 5000;

/// One benchmark document's texts: the original first, then its translations.
pub struct Texts {
    pub original_locale: &'static str,
    pub content_language: &'static str,
    /// (locale, title, summary), the original first.
    pub locales: Vec<(&'static str, String, String)>,
    /// A Markdown file in the original language, for some documents.
    pub markdown: Option<String>,
}

/// Which of the benchmark's query words a document carries.
#[derive(Clone, Copy)]
struct Marks {
    rapport: bool,
    erfaringskonsulent: bool,
    peer_support: bool,
    rare: bool,
}

pub struct Corpus {
    rng: StdRng,
}

impl Corpus {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// Document `i`'s texts: even ones are written in Norwegian, odd ones in
    /// English; each is translated into the other, and half of them also
    /// into Danish or Dutch.
    pub fn document(&mut self, i: usize) -> Texts {
        let marks = Marks {
            rapport: self.rng.random_bool(RAPPORT),
            erfaringskonsulent: self.rng.random_bool(ERFARINGSKONSULENT),
            peer_support: self.rng.random_bool(PEER_SUPPORT),
            rare: self.rng.random_bool(RARE),
        };
        let (original, other) = if i.is_multiple_of(2) {
            ("nb-NO", "en-US")
        } else {
            ("en-US", "nb-NO")
        };
        let mut locales = vec![original, other];
        match self.rng.random_range(0..4) {
            0 => locales.push("da-DK"),
            1 => locales.push("nl-NL"),
            _ => {}
        }
        let texts = locales
            .into_iter()
            .map(|locale| {
                let title = self.title(locale, marks);
                let summary = self.summary(locale, marks);
                (locale, title, summary)
            })
            .collect();
        let markdown = self
            .rng
            .random_bool(WITH_FILE)
            .then(|| self.markdown(original, marks));
        Texts {
            original_locale: original,
            content_language: if original == "nb-NO" { "nb" } else { "en" },
            locales: texts,
            markdown,
        }
    }

    fn title(&mut self, locale: &str, marks: Marks) -> String {
        let mut words = Vec::new();
        if marks.rapport {
            words.push(
                match locale {
                    "en-US" => "Report on",
                    "da-DK" => "Rapport om",
                    "nl-NL" => "Rapport over",
                    _ => "Rapport om",
                }
                .to_owned(),
            );
        }
        let n = self.rng.random_range(3..6);
        words.extend((0..n).map(|_| self.word(locale)));
        let mut title = words.join(" ");
        if let Some(first) = title.get(..1) {
            title = first.to_uppercase() + &title[1..];
        }
        title
    }

    fn summary(&mut self, locale: &str, marks: Marks) -> String {
        let n = self.rng.random_range(15..30);
        let mut words: Vec<String> = (0..n).map(|_| self.word(locale)).collect();
        let mut insert = |word: &str, rng: &mut StdRng| {
            let at = rng.random_range(0..=words.len());
            words.insert(at, word.to_owned());
        };
        if marks.erfaringskonsulent && locale == "nb-NO" {
            let forms = [
                "erfaringskonsulent",
                "erfaringskonsulenter",
                "erfaringskonsulentene",
                "erfaringskonsulentens",
            ];
            insert(forms[self.rng.random_range(0..forms.len())], &mut self.rng);
        }
        if marks.peer_support && locale == "en-US" {
            insert("peer support", &mut self.rng);
        }
        if marks.rare {
            insert("likepersonsarbeid", &mut self.rng);
        }
        words.join(" ") + "."
    }

    /// About 2 KB of Markdown: a heading and paragraphs of drawn words.
    fn markdown(&mut self, locale: &str, marks: Marks) -> String {
        let mut out = format!("# {}\n", self.title(locale, marks));
        while out.len() < 2048 {
            out.push('\n');
            out.push_str(&self.summary(locale, marks));
            out.push('\n');
        }
        out
    }

    /// A word of `locale`: nine in ten from its vocabulary, Zipf-like by
    /// rank, the rest from the long tail of rare terms.
    fn word(&mut self, locale: &str) -> String {
        let vocabulary = match locale {
            "en-US" => EN,
            "da-DK" => DA,
            "nl-NL" => NL,
            _ => NB,
        };
        if self.rng.random_bool(0.9) {
            vocabulary[self.zipf(vocabulary.len() as u32) as usize - 1].to_owned()
        } else {
            format!("tema{}", self.zipf(TAIL))
        }
    }

    /// A rank in 1..=n with probability roughly proportional to 1/rank.
    fn zipf(&mut self, n: u32) -> u32 {
        let u: f64 = self.rng.random();
        let rank = (u * f64::from(n + 1).ln()).exp().floor() as u32;
        rank.clamp(1, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_words_occur_at_their_rates() {
        let mut corpus = Corpus::new(7);
        let docs: Vec<Texts> = (0..10_000).map(|i| corpus.document(i)).collect();
        let share = |test: &dyn Fn(&Texts) -> bool| docs.iter().filter(|d| test(d)).count() as f64 / 1e4;
        let any = |d: &Texts, word: &str| {
            d.locales
                .iter()
                .any(|(_, t, s)| t.contains(word) || s.contains(word))
        };
        let rapport = share(&|d| any(d, "Rapport"));
        assert!((0.08..0.12).contains(&rapport), "rapport in {rapport}");
        let erfaring = share(&|d| any(d, "erfaringskonsulent"));
        assert!(
            (0.01..0.03).contains(&erfaring),
            "erfaringskonsulent in {erfaring}"
        );
        let files = share(&|d| d.markdown.is_some());
        assert!((0.04..0.06).contains(&files), "files in {files}");
        assert!(docs.iter().all(|d| (2..=3).contains(&d.locales.len())));
        let sizes: Vec<usize> = docs
            .iter()
            .filter_map(|d| d.markdown.as_ref().map(String::len))
            .collect();
        assert!(sizes.iter().all(|s| (2048..4096).contains(s)), "{sizes:?}");
        // The same seed, the same corpus.
        let again = Corpus::new(7).document(0);
        assert_eq!(again.locales[0].1, docs[0].locales[0].1);
    }
}

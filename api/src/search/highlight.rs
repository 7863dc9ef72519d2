//! Snippets with the matched words marked, made in Rust from the stored raw
//! text for both engines (the engines' own `snippet()` and `ts_headline`
//! could only show FTS5's stems, or re-parse whole files, and neither says
//! which field matched). Every piece of stored text is HTML-escaped; the
//! only markup in a snippet is our own `<mark>`.

use super::query::{LangQuery, Term};
use super::text::{self, Analyzed, Lang};

/// Tokens around the marks in a long field's snippet.
const WINDOW_TOKENS: usize = 30;
/// Characters a long field's snippet keeps at most (before escaping).
const WINDOW_CHARS: usize = 200;

/// What marks a token: a stem of the query, or the start of a prefix.
pub struct Marker {
    lang: Lang,
    stems: Vec<String>,
    prefixes: Vec<String>,
}

impl Marker {
    /// The positive terms of `query` (exclusions never highlight).
    pub fn new(lang: Lang, query: &LangQuery) -> Self {
        let mut stems = Vec::new();
        let mut prefixes = Vec::new();
        for term in query.conj.iter().flat_map(|c| &c.pos) {
            match term {
                Term::Stem(s) => stems.push(s.clone()),
                Term::Phrase(words) => stems.extend(words.iter().flatten().cloned()),
                Term::Prefix(p) => prefixes.push(p.clone()),
            }
        }
        Self {
            lang,
            stems,
            prefixes,
        }
    }

    fn marks(&self, folded: &str) -> bool {
        if self.prefixes.iter().any(|p| folded.starts_with(p.as_str())) {
            return true;
        }
        // Snowball only changes endings: a token that does not begin as a
        // stem does is never stemmed, which keeps long texts cheap.
        let head: String = folded.chars().take(2).collect();
        if !self.stems.iter().any(|s| s.starts_with(&head)) {
            return false;
        }
        match text::analyze(self.lang, folded) {
            Analyzed::Stem(s) | Analyzed::Digit(s) => self.stems.contains(&s),
            Analyzed::Stop => false,
        }
    }

    /// The snippet of `raw` with its matching words in `<mark>`, or `None`
    /// if nothing in it matches. `whole`: titles and names, shown in full;
    /// other fields give the window with the most marks, `…` where cut.
    pub fn snippet(&self, raw: &str, whole: bool) -> Option<String> {
        let tokens = text::tokens(raw);
        let marked: Vec<bool> = tokens.iter().map(|t| self.marks(&t.folded)).collect();
        if !marked.contains(&true) {
            return None;
        }
        let (from, to) = if whole || tokens.len() <= WINDOW_TOKENS {
            (0, raw.len())
        } else {
            // The window of WINDOW_TOKENS tokens with the most marks,
            // starting a few tokens before its first mark.
            let mut count = marked[..WINDOW_TOKENS].iter().filter(|m| **m).count();
            let (mut best_count, mut best_start) = (count, 0);
            for start in 1..=tokens.len() - WINDOW_TOKENS {
                count =
                    count + usize::from(marked[start + WINDOW_TOKENS - 1]) - usize::from(marked[start - 1]);
                if count > best_count {
                    (best_count, best_start) = (count, start);
                }
            }
            let first_mark = (best_start..tokens.len())
                .find(|i| marked[*i])
                .unwrap_or(best_start);
            let start = first_mark.saturating_sub(5).max(best_start);
            let end = (start + WINDOW_TOKENS).min(tokens.len());
            let from = if start == 0 { 0 } else { tokens[start].start };
            let mut to = if end == tokens.len() {
                raw.len()
            } else {
                tokens[end - 1].end
            };
            // Keep it short in characters too, ending on a token.
            if raw[from..to].chars().count() > WINDOW_CHARS {
                to = tokens[start..end]
                    .iter()
                    .take_while(|t| raw[from..t.end].chars().count() <= WINDOW_CHARS)
                    .last()
                    .map_or(tokens[start].end, |t| t.end);
            }
            (from, to)
        };
        let mut out = String::new();
        if from > 0 {
            out.push('…');
        }
        let mut at = from;
        for (token, mark) in tokens.iter().zip(&marked) {
            if !*mark || token.start < from || token.end > to {
                continue;
            }
            escape_into(&raw[at..token.start], &mut out);
            out.push_str("<mark>");
            escape_into(&raw[token.start..token.end], &mut out);
            out.push_str("</mark>");
            at = token.end;
        }
        escape_into(&raw[at..to], &mut out);
        if to < raw.len() {
            out.push('…');
        }
        Some(out)
    }
}

/// Escapes text for HTML, attribute values included.
fn escape_into(raw: &str, out: &mut String) {
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::Query;

    fn marker(lang: Lang, typed: &str) -> Marker {
        let query = Query::parse("query", typed).expect("parses");
        Marker::new(lang, &query.for_lang(lang).expect("something to find"))
    }

    #[test]
    fn words_are_marked_by_their_stem_and_prefixes_by_their_start() {
        let m = marker(Lang::Norwegian, "rapporter erfar*");
        assert_eq!(
            m.snippet("Rapport fra erfaringskonsulentundersøkelsen", true)
                .as_deref(),
            Some("<mark>Rapport</mark> fra <mark>erfaringskonsulentundersøkelsen</mark>")
        );
        assert_eq!(m.snippet("Ingenting her", true), None);
    }

    #[test]
    fn content_is_escaped_and_only_our_mark_is_markup() {
        let m = marker(Lang::English, "ethics");
        assert_eq!(
            m.snippet("<script>alert('x')</script> Ethics & <mark>", true)
                .as_deref(),
            Some("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>Ethics</mark> &amp; &lt;mark&gt;")
        );
    }

    #[test]
    fn exclusions_are_not_marked_and_long_texts_give_a_window_around_the_marks() {
        let m = marker(Lang::English, "guidelines -draft");
        let filler = "word ".repeat(100);
        let text = format!("{filler}the draft guidelines for peer workers {filler}");
        let snippet = m.snippet(&text, false).expect("a snippet");
        assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
        assert!(snippet.contains("draft <mark>guidelines</mark> for"), "{snippet}");
        assert!(snippet.chars().count() < WINDOW_CHARS + 30, "{snippet}");
    }
}

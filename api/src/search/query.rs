//! The search box's syntax, as people know it from web search: words (all
//! must match), `"quoted phrases"`, `-exclude`, `OR`, and `prefix*`.
//! Nothing a user types is ever an error or reaches an engine's own query
//! language: it is parsed here into a [`Query`] in disjunctive normal form
//! (`websearch_to_tsquery`'s precedence: `a b OR c -d` is
//! `(a ∧ b) ∨ (c ∧ ¬d)`), analysed per language ([`Query::for_lang`]) and
//! rendered for each engine from that (`fts5_match` for SQLite).

use super::text::{self, Analyzed, Lang, STOP_PLACEHOLDER};
use crate::error::{ApiError, ApiResult};

/// Characters a query may have.
pub const MAX_QUERY_CHARS: usize = 200;
/// Atoms (words, phrases, prefixes) a query may have; the rest are ignored.
pub const MAX_ATOMS: usize = 16;
/// A prefix needs this many characters before its `*`.
pub const MIN_PREFIX_CHARS: usize = 2;

/// A parsed query: any one of its conjunctions matches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub conj: Vec<Conj>,
}

/// Atoms that must all hold; `true` marks an excluded one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conj {
    pub atoms: Vec<(bool, Atom)>,
}

/// One thing to look for, folded, not yet stemmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Atom {
    Word(String),
    Phrase(Vec<String>),
    Prefix(String),
}

/// One term after a language's analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// A stem (or a token with digits).
    Stem(String),
    /// Stems in order; `None` where a stop word stood.
    Phrase(Vec<Option<String>>),
    /// The folded beginning of a stored stem.
    Prefix(String),
}

/// A conjunction after a language's analysis: all of `pos`, none of `neg`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LangConj {
    pub pos: Vec<Term>,
    pub neg: Vec<Term>,
}

/// A query as one language reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LangQuery {
    pub conj: Vec<LangConj>,
}

enum Item {
    Atom(bool, Atom),
    Or,
}

impl Query {
    /// Parses what was typed in the search box. Too long a query is a field
    /// error on `field`; anything else is read somehow.
    pub fn parse(field: &str, raw: &str) -> ApiResult<Self> {
        let raw = raw.trim();
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::invalid(field, "input-too-long").arg("max", MAX_QUERY_CHARS as u64));
        }
        let items = scan(raw);
        // `OR` joins only between two atoms; elsewhere it is the word "or".
        let mut conj = vec![Conj::default()];
        let mut atoms = 0;
        for (at, item) in items.iter().enumerate() {
            let atom = match item {
                Item::Or => {
                    let between = at > 0
                        && matches!(items[at - 1], Item::Atom(..))
                        && matches!(items.get(at + 1), Some(Item::Atom(..)));
                    if between {
                        conj.push(Conj::default());
                        continue;
                    }
                    (false, Atom::Word("or".into()))
                }
                Item::Atom(negated, atom) => (*negated, atom.clone()),
            };
            if atoms == MAX_ATOMS {
                break;
            }
            atoms += 1;
            if let Some(last) = conj.last_mut() {
                last.atoms.push(atom);
            }
        }
        conj.retain(|c| c.atoms.iter().any(|(negated, _)| !negated));
        Ok(Self { conj })
    }

    /// Whether nothing is left to look for (the answer is then empty).
    pub fn is_empty(&self) -> bool {
        self.conj.is_empty()
    }

    /// The query as `lang` reads it: stop words out (at a phrase's ends;
    /// inside, they keep their place), words stemmed, prefixes kept.
    /// `None` if nothing is left to look for in that language.
    pub fn for_lang(&self, lang: Lang) -> Option<LangQuery> {
        let conj: Vec<LangConj> = self
            .conj
            .iter()
            .filter_map(|c| {
                let mut out = LangConj::default();
                for (negated, atom) in &c.atoms {
                    if let Some(term) = analyse(lang, atom) {
                        if *negated {
                            out.neg.push(term);
                        } else {
                            out.pos.push(term);
                        }
                    }
                }
                (!out.pos.is_empty()).then_some(out)
            })
            .collect();
        (!conj.is_empty()).then_some(LangQuery { conj })
    }
}

/// What a prefix is matched against the stored stems with: a whole word
/// typed with `*` (`guidelines*`) must still find its own stem
/// (`guidelin`), so the prefix is cut back to what the word and its stem
/// share, never below `MIN_PREFIX_CHARS`.
fn stored_prefix(lang: Lang, prefix: &str) -> String {
    let Analyzed::Stem(stem) = text::analyze(lang, prefix) else {
        return prefix.to_owned();
    };
    let shared: String = prefix
        .chars()
        .zip(stem.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect();
    if shared.chars().count() >= MIN_PREFIX_CHARS {
        shared
    } else {
        prefix.to_owned()
    }
}

fn analyse(lang: Lang, atom: &Atom) -> Option<Term> {
    let stem = |token: &str| match text::analyze(lang, token) {
        Analyzed::Stop => None,
        Analyzed::Digit(s) | Analyzed::Stem(s) => Some(s),
    };
    match atom {
        Atom::Word(word) => stem(word).map(Term::Stem),
        Atom::Prefix(prefix) => Some(Term::Prefix(stored_prefix(lang, prefix))),
        Atom::Phrase(words) => {
            let mut stems: Vec<Option<String>> = words.iter().map(|w| stem(w)).collect();
            while stems.first().is_some_and(Option::is_none) {
                stems.remove(0);
            }
            while stems.last().is_some_and(Option::is_none) {
                stems.pop();
            }
            match stems.len() {
                0 => None,
                1 => stems.pop().flatten().map(Term::Stem),
                _ => Some(Term::Phrase(stems)),
            }
        }
    }
}

/// Cuts the query into atoms and `OR`s.
fn scan(raw: &str) -> Vec<Item> {
    let chars: Vec<char> = raw.chars().collect();
    let mut items = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at].is_whitespace() {
            at += 1;
            continue;
        }
        let mut negated = false;
        while at < chars.len() && chars[at] == '-' {
            negated = true;
            at += 1;
        }
        if at < chars.len() && chars[at] == '"' {
            let start = at + 1;
            let mut end = start;
            while end < chars.len() && chars[end] != '"' {
                end += 1;
            }
            let phrase: String = chars[start..end].iter().collect();
            at = end + 1;
            if let Some(atom) = atom_of(&phrase, false) {
                items.push(Item::Atom(negated, atom));
            }
            continue;
        }
        let start = at;
        while at < chars.len() && !chars[at].is_whitespace() && chars[at] != '"' {
            at += 1;
        }
        let word: String = chars[start..at].iter().collect();
        if word == "OR" && !negated {
            items.push(Item::Or);
            continue;
        }
        if let Some(atom) = atom_of(&word, true) {
            items.push(Item::Atom(negated, atom));
        }
    }
    items
}

/// A word (or a phrase's text) as an atom: no tokens, nothing; one, a word
/// (or a prefix, if it ends in `*` and is long enough); several, a phrase.
fn atom_of(text: &str, may_be_prefix: bool) -> Option<Atom> {
    let stripped = text.trim_end_matches('*');
    let starred = may_be_prefix && stripped.len() < text.len();
    let mut tokens: Vec<String> = text::tokens(stripped).into_iter().map(|t| t.folded).collect();
    match tokens.len() {
        0 => None,
        1 => {
            let token = tokens.pop().unwrap_or_default();
            if starred && token.chars().count() >= MIN_PREFIX_CHARS {
                Some(Atom::Prefix(token))
            } else {
                Some(Atom::Word(token))
            }
        }
        _ => Some(Atom::Phrase(tokens)),
    }
}

/// One FTS5 string: `"…"` with `"` doubled (our tokens never hold one, but
/// the rule costs nothing).
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn fts5_term(term: &Term) -> String {
    match term {
        Term::Stem(stem) => quoted(stem),
        Term::Prefix(prefix) => format!("{}*", quoted(prefix)),
        Term::Phrase(stems) => {
            let placeholder = STOP_PLACEHOLDER.to_string();
            let words: Vec<&str> = stems
                .iter()
                .map(|s| s.as_deref().unwrap_or(&placeholder))
                .collect();
            quoted(&words.join(" "))
        }
    }
}

/// The FTS5 expression of a language's query: `(p1 AND p2) NOT (n1 OR n2)`
/// per conjunction, conjunctions joined with OR. Every token is quoted, so
/// no FTS5 operator can come from what was typed.
pub fn fts5_expr(query: &LangQuery) -> String {
    query
        .conj
        .iter()
        .map(|c| {
            let pos: Vec<String> = c.pos.iter().map(fts5_term).collect();
            let mut out = format!("({})", pos.join(" AND "));
            if !c.neg.is_empty() {
                let neg: Vec<String> = c.neg.iter().map(fts5_term).collect();
                out = format!("({out} NOT ({}))", neg.join(" OR "));
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The PostgreSQL tsquery of a language's query, read with the `simple`
/// configuration: the terms are already stems (ours equal PostgreSQL's,
/// which a test checks), so the engine only matches them. Every term is
/// quoted, so no tsquery operator can come from what was typed.
pub fn tsquery(query: &LangQuery) -> String {
    fn lexeme(s: &str) -> String {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    }
    fn term(t: &Term) -> String {
        match t {
            Term::Stem(s) => lexeme(s),
            Term::Prefix(p) => format!("{}:*", lexeme(p)),
            Term::Phrase(words) => {
                let mut out = String::new();
                let mut gap = 0;
                for word in words {
                    match word {
                        None => gap += 1,
                        Some(w) => {
                            if !out.is_empty() {
                                out.push_str(&format!(" <{}> ", gap + 1));
                            }
                            out.push_str(&lexeme(w));
                            gap = 0;
                        }
                    }
                }
                format!("({out})")
            }
        }
    }
    query
        .conj
        .iter()
        .map(|c| {
            let parts: Vec<String> = c
                .pos
                .iter()
                .map(term)
                .chain(c.neg.iter().map(|t| format!("!{}", term(t))))
                .collect();
            format!("({})", parts.join(" & "))
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The whole MATCH string for an FTS5 table with a column `lang_column`
/// holding each row's language (its `pg_config` name) and `text_columns`
/// holding the stems: per language, the rows of that language matching
/// that language's reading of the query. `None` if no language has
/// anything to look for.
pub fn fts5_match(query: &Query, langs: &[Lang], lang_column: &str, text_columns: &[&str]) -> Option<String> {
    let columns = text_columns.join(" ");
    let parts: Vec<String> = langs
        .iter()
        .filter_map(|lang| {
            let read = query.for_lang(*lang)?;
            Some(format!(
                "({{{lang_column}}}: {} AND {{{columns}}}: ({}))",
                quoted(lang.pg_config()),
                fts5_expr(&read)
            ))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tsquery_quotes_every_term_and_keeps_phrase_distances() {
        let q = Query::parse(
            "query",
            r#"rapporter "peer support" -utkast OR erfaringskonsulent* it's"#,
        )
        .expect("parses");
        let english = q.for_lang(Lang::English).expect("English");
        assert_eq!(
            tsquery(&english),
            "('rapport' & ('peer' <1> 'support') & !'utkast') | ('erfaringskonsul':*)"
        );
        let phrase = Query::parse("query", r#""support of the workers""#).expect("parses");
        assert_eq!(
            tsquery(&phrase.for_lang(Lang::English).expect("English")),
            "(('support' <3> 'worker'))"
        );
    }

    fn parsed(raw: &str) -> Query {
        Query::parse("query", raw).expect("parses")
    }

    fn word(w: &str) -> (bool, Atom) {
        (false, Atom::Word(w.into()))
    }

    #[test]
    fn web_search_syntax_becomes_a_disjunction_of_conjunctions() {
        let q = parsed(r#"rapport "peer support" -utkast OR erfar* "#);
        assert_eq!(q.conj.len(), 2);
        assert_eq!(
            q.conj[0].atoms,
            vec![
                word("rapport"),
                (false, Atom::Phrase(vec!["peer".into(), "support".into()])),
                (true, Atom::Word("utkast".into())),
            ]
        );
        assert_eq!(q.conj[1].atoms, vec![(false, Atom::Prefix("erfar".into()))]);
    }

    #[test]
    fn nothing_typed_is_an_error_and_no_operator_survives() {
        for raw in [
            "\"",
            "((",
            "NEAR(a b)",
            "title:foo",
            "a AND b",
            "x OR",
            "OR x",
            "a OR OR b",
            "*",
            "-",
            "\"unterminated",
            "{lang}: \"norwegian\"",
            "'; DROP TABLE x; --",
            "a\u{E000}b",
        ] {
            let q = parsed(raw);
            for conj in &q.conj {
                for (_, atom) in &conj.atoms {
                    let words: Vec<&String> = match atom {
                        Atom::Word(w) | Atom::Prefix(w) => vec![w],
                        Atom::Phrase(ws) => ws.iter().collect(),
                    };
                    for w in words {
                        assert!(w.chars().all(char::is_alphanumeric), "{raw:?} gave {w:?}");
                    }
                }
            }
        }
        assert_eq!(parsed("x OR").conj[0].atoms, vec![word("x"), word("or")]);
        assert_eq!(
            parsed("a OR OR b").conj[0].atoms,
            vec![word("a"), word("or"), word("or"), word("b")],
            "a doubled OR joins nothing"
        );
        assert!(
            parsed("-alone").is_empty(),
            "only exclusions: nothing to look for"
        );
        assert!(parsed("   ").is_empty());
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(
            Query::parse("query", &long)
                .expect_err("too long")
                .field
                .as_deref(),
            Some("query")
        );
        let many: String = (0..40).map(|n| format!("w{n} ")).collect();
        assert_eq!(parsed(&many).conj[0].atoms.len(), MAX_ATOMS);
    }

    #[test]
    fn a_language_drops_its_stop_words_and_stems_the_rest() {
        let q = parsed(r#""the ethics of care" guidelines -the e*"#);
        let en = q.for_lang(Lang::English).expect("something to find");
        assert_eq!(
            en.conj[0].pos,
            vec![
                Term::Phrase(vec![Some("ethic".into()), None, Some("care".into())]),
                Term::Stem("guidelin".into()),
                Term::Stem("e".into()),
            ],
            "a one-letter prefix is a plain word"
        );
        assert!(en.conj[0].neg.is_empty());
        assert!(parsed("the of").for_lang(Lang::English).is_none());
        assert!(parsed("the of").for_lang(Lang::Simple).is_some());
    }

    #[tokio::test]
    async fn fts5_finds_what_the_query_says_in_each_language() {
        use sea_orm::{ConnectionTrait, Database, Statement};
        let db = Database::connect("sqlite::memory:").await.expect("sqlite");
        db.execute_unprepared("CREATE VIRTUAL TABLE t USING fts5(lang, title, body)")
            .await
            .expect("fts5");
        let rows = [
            (
                Lang::Norwegian,
                "Rapport fra erfaringskonsulentundersøkelsen",
                "Om erfaringskonsulenter i kommunene",
            ),
            (
                Lang::English,
                "Ethics guidelines",
                "The ethics of care for peer support workers",
            ),
            (Lang::English, "Draft report", "An early draft, not for sharing"),
            (
                Lang::Danish,
                "Retningslinjer for peer-medarbejdere",
                "Søren Kærgaard skrev dem",
            ),
        ];
        for (lang, title, body) in rows {
            db.execute_raw(Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                "INSERT INTO t (lang, title, body) VALUES (?, ?, ?)",
                [
                    lang.pg_config().into(),
                    text::stems(lang, title).into(),
                    text::stems(lang, body).into(),
                ],
            ))
            .await
            .expect("insert");
        }
        let langs = [
            Lang::Norwegian,
            Lang::English,
            Lang::Danish,
            Lang::Dutch,
            Lang::Simple,
        ];
        let hits = |raw: &'static str| {
            let db = &db;
            async move {
                let Some(matching) = fts5_match(&parsed(raw), &langs, "lang", &["title", "body"]) else {
                    return Vec::new();
                };
                let found = db
                    .query_all_raw(Statement::from_sql_and_values(
                        sea_orm::DbBackend::Sqlite,
                        "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
                        [matching.clone().into()],
                    ))
                    .await
                    .unwrap_or_else(|e| panic!("{raw:?} → {matching}: {e}"));
                found
                    .iter()
                    .map(|r| r.try_get::<i64>("", "rowid").expect("rowid"))
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(hits("rapporter").await, vec![1]);
        assert_eq!(hits("erfaringskonsulent").await, vec![1]);
        assert_eq!(hits("guidelines ethics").await, vec![2]);
        assert_eq!(hits("\"ethics of care\"").await, vec![2]);
        assert_eq!(hits("\"care of ethics\"").await, Vec::<i64>::new());
        assert_eq!(hits("draft OR retningslinjer").await, vec![3, 4]);
        assert_eq!(hits("report -draft").await, Vec::<i64>::new());
        assert_eq!(hits("erfaring*").await, vec![1]);
        assert_eq!(hits("Soren").await, vec![4]);
        assert_eq!(hits("peer-medarbejdere").await, vec![4]);
        // Whatever is typed, FTS5 never fails on it.
        for raw in [
            "\"",
            "NEAR(a b)",
            "title:x",
            "a AND b",
            "{lang}: x",
            "ó*",
            "(((",
            "x\"y\"z",
        ] {
            hits(raw).await;
        }
    }
}

//! `sammen locales check`: lints the Fluent tree against the en-US reference.
//!
//! Errors (exit 1): syntax errors, duplicate ids across a locale's files,
//! value/attribute mismatch with en-US, variable set mismatch with en-US,
//! dangling message or term references, unknown functions, invalid plural keys
//! and missing default variants. Warnings: missing and obsolete messages and
//! messages left unchanged from English. Every finding has `file:line:column`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use fluent_syntax::ast;
use fluent_syntax::parser::{self, ErrorKind};
use serde::Serialize;

use super::format::KNOWN_FUNCTIONS;
use super::{LocaleSources, SourceFile};

const REFERENCE: &str = "en-US";
const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong (or worth a look) in the tree.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable kind, e.g. `syntax`, `duplicate-id`, `variable-mismatch`.
    pub kind: &'static str,
    pub locale: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The message or term id concerned, where there is one.
    pub id: Option<String>,
    pub message: String,
}

/// Coverage of one locale against en-US.
#[derive(Clone, Debug, Serialize)]
pub struct LocaleSummary {
    pub locale: String,
    pub total: usize,
    pub translated: usize,
    pub missing: usize,
    pub obsolete: usize,
    pub unchanged: usize,
    pub coverage_percent: f64,
}

/// The result of a check.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub errors: usize,
    pub warnings: usize,
    pub locales: Vec<LocaleSummary>,
    pub findings: Vec<Finding>,
}

impl Report {
    /// Human-readable output, one finding a line, then a summary per locale.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let id = f.id.as_deref().map(|i| format!(" {i}:")).unwrap_or_default();
            out.push_str(&format!(
                "{}:{}:{}: {severity}[{}]{id} {}\n",
                f.file, f.line, f.column, f.kind, f.message
            ));
        }
        for l in &self.locales {
            out.push_str(&format!(
                "{}: {}/{} messages ({:.1} %), {} missing, {} obsolete, {} unchanged from English\n",
                l.locale, l.translated, l.total, l.coverage_percent, l.missing, l.obsolete, l.unchanged
            ));
        }
        out.push_str(&format!(
            "{} error(s), {} warning(s)\n",
            self.errors, self.warnings
        ));
        out
    }
}

/// What one message or term says, as far as the checks care.
#[derive(Debug, Default)]
struct EntryFacts {
    file: String,
    line: usize,
    column: usize,
    is_term: bool,
    /// A `#` comment is attached (translators' notes).
    has_comment: bool,
    has_value: bool,
    attributes: BTreeSet<String>,
    variables: BTreeSet<String>,
    message_refs: Vec<String>,
    term_refs: Vec<String>,
    functions: Vec<String>,
    /// Identifier keys of selects whose selector is a number-ish expression.
    plural_keys: Vec<String>,
    /// The value's text with placeables elided, for the unchanged check.
    flat_value: String,
}

struct LocaleEntries {
    entries: BTreeMap<String, EntryFacts>,
}

/// Checks a tree of locales; the en-US folder is the reference.
pub fn check(sources: &LocaleSources) -> Report {
    check_with(sources, false)
}

/// Like [`check`]; with `strict`, missing and obsolete messages are errors
/// (for the shipped locales; a new locale may be partial without it).
pub fn check_with(sources: &LocaleSources, strict: bool) -> Report {
    let mut findings = Vec::new();
    let mut parsed: Vec<(String, LocaleEntries)> = Vec::new();
    for (tag, files) in &sources.locales {
        if tag.parse::<unic_langid::LanguageIdentifier>().is_err() {
            findings.push(Finding {
                severity: Severity::Error,
                kind: "invalid-locale",
                locale: tag.clone(),
                file: tag.clone(),
                line: 0,
                column: 0,
                id: None,
                message: format!("folder name `{tag}` is not a BCP 47 language tag"),
            });
            continue;
        }
        let entries = parse_locale(tag, files, &mut findings);
        parsed.push((tag.clone(), entries));
    }

    let reference = parsed.iter().find(|(t, _)| t == REFERENCE).map(|(_, e)| e);
    if reference.is_none() {
        findings.push(Finding {
            severity: Severity::Error,
            kind: "missing-reference",
            locale: REFERENCE.into(),
            file: REFERENCE.into(),
            line: 0,
            column: 0,
            id: None,
            message: "the reference locale en-US is missing".into(),
        });
    }

    // Every reference message needs a note for translators: where it
    // appears and what its variables hold.
    if let Some(reference) = reference {
        for (id, e) in reference
            .entries
            .iter()
            .filter(|(_, e)| !e.is_term && !e.has_comment)
        {
            findings.push(Finding {
                severity: Severity::Warning,
                kind: "missing-comment",
                locale: REFERENCE.into(),
                file: e.file.clone(),
                line: e.line,
                column: e.column,
                id: Some(id.clone()),
                message: "has no comment for translators".into(),
            });
        }
    }

    let mut summaries = Vec::new();
    for (tag, locale) in &parsed {
        check_internal(tag, locale, &mut findings);
        if let Some(reference) = reference {
            if tag != REFERENCE {
                summaries.push(compare(tag, locale, reference, strict, &mut findings));
            } else {
                let total = reference.entries.values().filter(|e| !e.is_term).count();
                summaries.push(LocaleSummary {
                    locale: tag.clone(),
                    total,
                    translated: total,
                    missing: 0,
                    obsolete: 0,
                    unchanged: 0,
                    coverage_percent: 100.0,
                });
            }
        }
    }
    findings.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    Report {
        errors,
        warnings: findings.len() - errors,
        locales: summaries,
        findings,
    }
}

fn parse_locale(tag: &str, files: &[SourceFile], findings: &mut Vec<Finding>) -> LocaleEntries {
    let mut entries: BTreeMap<String, EntryFacts> = BTreeMap::new();
    for file in files {
        let resource = match parser::parse(file.text.as_str()) {
            Ok(r) => r,
            Err((r, errors)) => {
                for e in errors {
                    // Report where the unparsable entry begins, as compare-locales does.
                    let at = e.slice.as_ref().map_or(e.pos.start, |s| s.start);
                    let (line, column) = line_col(&file.text, at);
                    let kind = match e.kind {
                        ErrorKind::MissingDefaultVariant => "missing-default-variant",
                        ErrorKind::MultipleDefaultVariants => "multiple-default-variants",
                        _ => "syntax",
                    };
                    findings.push(Finding {
                        severity: Severity::Error,
                        kind,
                        locale: tag.into(),
                        file: file.path.clone(),
                        line,
                        column,
                        id: None,
                        message: e.kind.to_string(),
                    });
                }
                r
            }
        };
        let positions = entry_positions(&file.text);
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        for entry in &resource.body {
            let (id, facts) = match entry {
                ast::Entry::Message(m) => (
                    m.id.name.to_string(),
                    EntryFacts {
                        has_comment: m.comment.is_some(),
                        ..message_facts(m)
                    },
                ),
                ast::Entry::Term(t) => (format!("-{}", t.id.name), term_facts(t)),
                _ => continue,
            };
            // The n-th definition of an id is at its n-th position.
            let nth = occurrences.entry(id.clone()).or_insert(0);
            let (line, column) = positions
                .get(id.as_str())
                .and_then(|all| all.get(*nth))
                .copied()
                .unwrap_or((0, 0));
            *nth += 1;
            let facts = EntryFacts {
                file: file.path.clone(),
                line,
                column,
                ..facts
            };
            if let Some(first) = entries.get(&id) {
                findings.push(Finding {
                    severity: Severity::Error,
                    kind: "duplicate-id",
                    locale: tag.into(),
                    file: file.path.clone(),
                    line,
                    column,
                    id: Some(id.clone()),
                    message: format!(
                        "defined again; first defined at {}:{}:{}",
                        first.file, first.line, first.column
                    ),
                });
                continue;
            }
            entries.insert(id, facts);
        }
    }
    LocaleEntries { entries }
}

/// Checks that need only the locale itself.
fn check_internal(tag: &str, locale: &LocaleEntries, findings: &mut Vec<Finding>) {
    let categories = plural_categories(tag);
    for (id, e) in &locale.entries {
        let mut push = |kind: &'static str, message: String| {
            findings.push(Finding {
                severity: Severity::Error,
                kind,
                locale: tag.into(),
                file: e.file.clone(),
                line: e.line,
                column: e.column,
                id: Some(id.clone()),
                message,
            })
        };
        for r in &e.message_refs {
            let target = r.split('.').next().unwrap_or(r);
            if !locale.entries.contains_key(target) {
                push(
                    "dangling-reference",
                    format!("refers to message `{r}`, which this locale does not define"),
                );
            }
        }
        for r in &e.term_refs {
            if !locale.entries.contains_key(r) {
                push(
                    "dangling-reference",
                    format!("refers to term `{r}`, which this locale does not define"),
                );
            }
        }
        for f in &e.functions {
            if !KNOWN_FUNCTIONS.contains(&f.as_str()) {
                push("unknown-function", format!("calls unknown function `{f}`"));
            }
        }
        for key in &e.plural_keys {
            if PLURAL_CATEGORIES.contains(&key.as_str()) && !categories.contains(key) {
                push(
                    "invalid-plural-key",
                    format!(
                        "plural category `{key}` does not exist in {tag} (it has: {})",
                        categories.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
        }
    }
}

/// Checks a locale against the reference and summarises its coverage.
fn compare(
    tag: &str,
    locale: &LocaleEntries,
    reference: &LocaleEntries,
    strict: bool,
    findings: &mut Vec<Finding>,
) -> LocaleSummary {
    let incomplete = if strict {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut missing = 0;
    let mut obsolete = 0;
    let mut unchanged = 0;
    let mut translated = 0;
    let total = reference.entries.values().filter(|e| !e.is_term).count();
    for (id, r) in &reference.entries {
        if r.is_term {
            continue;
        }
        let Some(e) = locale.entries.get(id) else {
            missing += 1;
            // Where the translator finds what to translate: the en-US message.
            findings.push(Finding {
                severity: incomplete,
                kind: "missing-message",
                locale: tag.into(),
                file: r.file.clone(),
                line: r.line,
                column: r.column,
                id: Some(id.clone()),
                message: format!("missing in {tag}"),
            });
            continue;
        };
        translated += 1;
        let mut push = |severity, kind: &'static str, message: String| {
            findings.push(Finding {
                severity,
                kind,
                locale: tag.into(),
                file: e.file.clone(),
                line: e.line,
                column: e.column,
                id: Some(id.clone()),
                message,
            })
        };
        if r.has_value != e.has_value {
            let what = if r.has_value {
                "has no value but en-US has one"
            } else {
                "has a value but en-US has none"
            };
            push(Severity::Error, "value-mismatch", what.into());
        }
        if r.attributes != e.attributes {
            push(
                Severity::Error,
                "attribute-mismatch",
                format!(
                    "attributes {} differ from en-US's {}",
                    set(&e.attributes, "."),
                    set(&r.attributes, ".")
                ),
            );
        }
        if r.variables != e.variables {
            push(
                Severity::Error,
                "variable-mismatch",
                format!(
                    "variables {} differ from en-US's {}",
                    set(&e.variables, "$"),
                    set(&r.variables, "$")
                ),
            );
        }
        if e.has_value
            && e.flat_value == r.flat_value
            && e.flat_value.chars().filter(|c| c.is_alphabetic()).count() > 3
        {
            unchanged += 1;
            push(
                Severity::Warning,
                "unchanged",
                "is identical to the English text".into(),
            );
        }
    }
    for (id, e) in &locale.entries {
        if !e.is_term && !reference.entries.contains_key(id) {
            obsolete += 1;
            findings.push(Finding {
                severity: incomplete,
                kind: "obsolete-message",
                locale: tag.into(),
                file: e.file.clone(),
                line: e.line,
                column: e.column,
                id: Some(id.clone()),
                message: "not in en-US any more; remove it".into(),
            });
        }
    }
    let coverage_percent = if total == 0 {
        100.0
    } else {
        (translated as f64) * 100.0 / (total as f64)
    };
    LocaleSummary {
        locale: tag.into(),
        total,
        translated,
        missing,
        obsolete,
        unchanged,
        coverage_percent: (coverage_percent * 10.0).round() / 10.0,
    }
}

fn set(items: &BTreeSet<String>, prefix: &str) -> String {
    if items.is_empty() {
        return "{}".into();
    }
    let inner: Vec<_> = items.iter().map(|i| format!("{prefix}{i}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn plural_categories(tag: &str) -> BTreeSet<String> {
    use icu::plurals::{PluralCategory, PluralRules};
    let Ok(locale) = icu::locale::Locale::try_from_str(tag) else {
        return PLURAL_CATEGORIES.iter().map(|s| s.to_string()).collect();
    };
    let Ok(rules) = PluralRules::try_new_cardinal((&locale).into()) else {
        return PLURAL_CATEGORIES.iter().map(|s| s.to_string()).collect();
    };
    rules
        .categories()
        .map(|c| {
            match c {
                PluralCategory::Zero => "zero",
                PluralCategory::One => "one",
                PluralCategory::Two => "two",
                PluralCategory::Few => "few",
                PluralCategory::Many => "many",
                PluralCategory::Other => "other",
            }
            .to_string()
        })
        .collect()
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where each entry starts: a line that begins with an identifier (or `-`
/// and one, for terms) followed by `=`.
fn entry_positions(text: &str) -> HashMap<&str, Vec<(usize, usize)>> {
    let mut out: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let Some(first) = line.chars().next() else {
            continue;
        };
        if !(first.is_ascii_alphabetic() || first == '-') {
            continue;
        }
        if let Some((id, _)) = line.split_once('=') {
            let id = id.trim_end();
            if !id.is_empty()
                && id
                    .chars()
                    .skip(1)
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                out.entry(id).or_default().push((n + 1, 1));
            }
        }
    }
    out
}

fn message_facts(m: &ast::Message<&str>) -> EntryFacts {
    let mut facts = EntryFacts {
        has_value: m.value.is_some(),
        attributes: m.attributes.iter().map(|a| a.id.name.to_string()).collect(),
        ..Default::default()
    };
    if let Some(p) = &m.value {
        facts.flat_value = flatten(p);
        walk_pattern(p, &mut facts);
    }
    for a in &m.attributes {
        walk_pattern(&a.value, &mut facts);
    }
    facts
}

fn term_facts(t: &ast::Term<&str>) -> EntryFacts {
    let mut facts = EntryFacts {
        is_term: true,
        has_value: true,
        attributes: t.attributes.iter().map(|a| a.id.name.to_string()).collect(),
        flat_value: flatten(&t.value),
        ..Default::default()
    };
    walk_pattern(&t.value, &mut facts);
    for a in &t.attributes {
        walk_pattern(&a.value, &mut facts);
    }
    // A term's variables are its parameters, not the caller's arguments.
    facts.variables.clear();
    facts
}

fn flatten(p: &ast::Pattern<&str>) -> String {
    p.elements
        .iter()
        .map(|e| match e {
            ast::PatternElement::TextElement { value } => value.to_string(),
            ast::PatternElement::Placeable { .. } => "{}".to_string(),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn walk_pattern(p: &ast::Pattern<&str>, facts: &mut EntryFacts) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            walk_expression(expression, facts);
        }
    }
}

fn walk_expression(e: &ast::Expression<&str>, facts: &mut EntryFacts) {
    match e {
        ast::Expression::Inline(i) => walk_inline(i, facts),
        ast::Expression::Select { selector, variants } => {
            walk_inline(selector, facts);
            let numeric = matches!(selector, ast::InlineExpression::VariableReference { .. })
                || matches!(selector, ast::InlineExpression::FunctionReference { id, .. } if id.name == "NUMBER");
            for v in variants {
                if numeric && let ast::VariantKey::Identifier { name } = &v.key {
                    facts.plural_keys.push(name.to_string());
                }
                walk_pattern(&v.value, facts);
            }
        }
    }
}

fn walk_inline(i: &ast::InlineExpression<&str>, facts: &mut EntryFacts) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            facts.variables.insert(id.name.to_string());
        }
        ast::InlineExpression::MessageReference { id, attribute } => {
            let name = match attribute {
                Some(a) => format!("{}.{}", id.name, a.name),
                None => id.name.to_string(),
            };
            facts.message_refs.push(name);
        }
        ast::InlineExpression::TermReference { id, arguments, .. } => {
            facts.term_refs.push(format!("-{}", id.name));
            if let Some(args) = arguments {
                walk_arguments(args, facts);
            }
        }
        ast::InlineExpression::FunctionReference { id, arguments } => {
            facts.functions.push(id.name.to_string());
            walk_arguments(arguments, facts);
        }
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, facts),
        ast::InlineExpression::StringLiteral { .. } | ast::InlineExpression::NumberLiteral { .. } => {}
    }
}

fn walk_arguments(args: &ast::CallArguments<&str>, facts: &mut EntryFacts) {
    for p in &args.positional {
        walk_inline(p, facts);
    }
    for n in &args.named {
        walk_inline(&n.value, facts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str, &str)]) -> LocaleSources {
        let mut map: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
        for (locale, name, text) in files {
            map.entry(locale.to_string()).or_default().push(SourceFile {
                path: format!("{locale}/{name}"),
                text: text.to_string(),
            });
        }
        LocaleSources {
            locales: map.into_iter().collect(),
        }
    }

    fn kinds(report: &Report) -> Vec<(&'static str, Option<String>)> {
        report.findings.iter().map(|f| (f.kind, f.id.clone())).collect()
    }

    #[test]
    fn a_clean_tree_has_no_findings() {
        let r = check(&tree(&[
            (
                "en-US",
                "a.ftl",
                "-brand = Sammen\n# Greets $name.\nhello = Hello { $name } from { -brand }\n",
            ),
            (
                "nb-NO",
                "a.ftl",
                "-brand = Sammen\nhello = Hei { $name } fra { -brand }\n",
            ),
        ]));
        assert_eq!(r.errors, 0, "{}", r.to_text());
        assert_eq!(r.warnings, 0, "{}", r.to_text());
        assert_eq!(r.locales[1].coverage_percent, 100.0);
    }

    #[test]
    fn variable_mismatch_is_an_error_with_a_position() {
        let r = check(&tree(&[
            ("en-US", "a.ftl", "# c\nhello = Hello { $name }\n"),
            ("nb-NO", "a.ftl", "\n\nhello = Hei { $navn }\n"),
        ]));
        assert_eq!(r.errors, 1, "{}", r.to_text());
        let f = &r.findings[0];
        assert_eq!(
            (f.kind, f.file.as_str(), f.line, f.column),
            ("variable-mismatch", "nb-NO/a.ftl", 3, 1)
        );
    }

    #[test]
    fn missing_obsolete_and_unchanged_are_warnings() {
        let r = check(&tree(&[
            ("en-US", "a.ftl", "one = First thing\ntwo = Second thing\n"),
            ("nb-NO", "a.ftl", "one = First thing\nthree = Tredje\n"),
        ]));
        assert_eq!(r.errors, 0, "{}", r.to_text());
        let k = kinds(&r);
        assert!(k.contains(&("missing-message", Some("two".into()))), "{k:?}");
        assert!(k.contains(&("obsolete-message", Some("three".into()))), "{k:?}");
        assert!(k.contains(&("unchanged", Some("one".into()))), "{k:?}");
        assert!(k.contains(&("missing-comment", Some("two".into()))), "{k:?}");
        assert_eq!(r.locales[1].coverage_percent, 50.0);
    }

    #[test]
    fn syntax_duplicates_dangling_functions_plurals_and_attributes_are_errors() {
        let r = check(&tree(&[
            (
                "en-US",
                "a.ftl",
                "a = A\n    .title = T\nb = { $n ->\n    [one] One\n   *[other] Many\n}\nc = C { $n }\n",
            ),
            (
                "nb-NO",
                "a.ftl",
                "a = A2\nb = { $n ->\n    [one] En\n    [few] Få\n   *[other] Mange\n}\nc = { -missing } { SHOUT($n) }\n",
            ),
            ("nb-NO", "b.ftl", "c = again\nbroken = {\n"),
        ]));
        let k: Vec<_> = kinds(&r).into_iter().map(|(k, _)| k).collect();
        for expected in [
            "attribute-mismatch",
            "invalid-plural-key",
            "dangling-reference",
            "unknown-function",
            "duplicate-id",
            "syntax",
        ] {
            assert!(k.contains(&expected), "{expected} not in {k:?}\n{}", r.to_text());
        }
    }

    #[test]
    fn missing_default_variant_is_reported_as_such() {
        let r = check(&tree(&[(
            "en-US",
            "a.ftl",
            "b = { $n ->\n    [one] One\n    [other] Many\n}\n",
        )]));
        assert!(
            kinds(&r).iter().any(|(k, _)| *k == "missing-default-variant"),
            "{}",
            r.to_text()
        );
    }

    #[test]
    fn the_shipped_locales_have_no_errors() {
        let r = check(&LocaleSources::embedded());
        assert_eq!(r.errors, 0, "{}", r.to_text());
    }
}

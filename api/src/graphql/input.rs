//! Checks on a request's input that hold for every field: no text input may
//! hold a control character (a NUL byte would reach PostgreSQL, which
//! refuses it, and no one types an escape into a title or a filter).
//! Variables and literals in the query are checked alike, before anything
//! runs.

use async_graphql::Value as ConstValue;
use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql_value::Value;

use crate::config::Limits;
use crate::domain::is_forbidden_control;
use crate::error::{ApiError, ApiResult};

/// BAD_USER_INPUT naming the first variable or argument whose text holds a
/// control character.
pub fn refuse_control_characters(request: &mut async_graphql::Request) -> ApiResult<()> {
    for (name, value) in request.variables.iter() {
        if const_has_control(value) {
            return Err(refused(name.as_str()));
        }
    }
    let Ok(document) = request.parsed_query() else {
        // The parse error is reported by execution.
        return Ok(());
    };
    match document_has_control(document) {
        Some(field) => Err(refused(&field)),
        None => Ok(()),
    }
}

fn refused(field: &str) -> ApiError {
    ApiError::invalid(field, "input-control-characters")
}

fn has_control(s: &str) -> bool {
    s.chars().any(is_forbidden_control)
}

fn const_has_control(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(s) => has_control(s),
        ConstValue::Enum(name) => has_control(name.as_str()),
        ConstValue::List(items) => items.iter().any(const_has_control),
        ConstValue::Object(map) => map
            .iter()
            .any(|(k, v)| has_control(k.as_str()) || const_has_control(v)),
        _ => false,
    }
}

fn value_has_control(value: &Value) -> bool {
    match value {
        Value::String(s) => has_control(s),
        Value::List(items) => items.iter().any(value_has_control),
        Value::Object(map) => map.values().any(value_has_control),
        _ => false,
    }
}

/// The argument (or variable default) holding a control character, if any.
fn document_has_control(document: &ExecutableDocument) -> Option<String> {
    let operations: Vec<_> = match &document.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    for op in operations {
        for variable in &op.node.variable_definitions {
            if variable
                .node
                .default_value
                .as_ref()
                .is_some_and(|v| const_has_control(&v.node))
            {
                return Some(variable.node.name.node.to_string());
            }
        }
        if let Some(field) = selection_has_control(&op.node.selection_set.node) {
            return Some(field);
        }
    }
    document
        .fragments
        .values()
        .find_map(|fragment| selection_has_control(&fragment.node.selection_set.node))
}

fn selection_has_control(set: &SelectionSet) -> Option<String> {
    for item in &set.items {
        let found = match &item.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .chain(field.node.directives.iter().flat_map(|d| d.node.arguments.iter()))
                .find(|(_, value)| value_has_control(&value.node))
                .map(|(name, _)| name.node.to_string())
                .or_else(|| selection_has_control(&field.node.selection_set.node)),
            Selection::InlineFragment(fragment) => selection_has_control(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Fields whose cost is their work, not 1 (see [`super::cost`]).
const EXPENSIVE: [(&str, usize); 6] = [
    ("localeCoverage", super::cost::WHOLE_TABLE),
    ("translationQueue", super::cost::WHOLE_TABLE),
    ("login", super::cost::PASSWORD_HASH),
    ("createUser", super::cost::PASSWORD_HASH),
    ("importDocumentVersion", super::cost::OUTBOUND_FETCH),
    ("uploadDocumentVersion", super::cost::UPLOAD),
];

/// Every check on a request before async-graphql validates and runs it:
/// control characters in its input, then what the limits refuse before
/// validation. The HTTP handler and the WebSocket guard both call this.
pub fn refuse_before_execution(
    request: &mut async_graphql::Request,
    settings: &crate::config::Settings,
) -> ApiResult<()> {
    refuse_control_characters(request)?;
    refuse_before_validation(request, &settings.limits, settings.introspection)
}

/// Refuses, before validation, an operation that is certainly too deep or
/// too costly (or asks for introspection where it is off). Every field
/// costs at least 1 plus its selection, and an expensive field at least
/// its work. Validating 25,000 aliases takes longer than
/// counting them, so a flood of aliases is turned away here in a few
/// milliseconds; the exact limit is applied by validation afterwards.
pub fn refuse_before_validation(
    request: &mut async_graphql::Request,
    limits: &Limits,
    introspection: bool,
) -> ApiResult<()> {
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return Ok(());
    };
    let operation = match &document.operations {
        DocumentOperations::Single(op) => Some(op),
        DocumentOperations::Multiple(ops) => match name.as_deref() {
            Some(name) => ops.iter().find(|(n, _)| n.as_str() == name).map(|(_, op)| op),
            None if ops.len() == 1 => ops.values().next(),
            None => None,
        },
    };
    let Some(operation) = operation else {
        return Ok(());
    };
    let mut counter = Counter {
        document,
        fragments: HashMap::new(),
    };
    let measured = counter.selection(&operation.node.selection_set.node, false, 0);
    if measured.introspects && !introspection {
        return Err(ApiError::new(
            crate::error::ErrorCode::GraphqlValidationFailed,
            "error-introspection-disabled",
        ));
    }
    // Depth counts data fields only: introspection is as deep as the type
    // system makes it (graphql-js's standard query is 13 levels), and is
    // bounded instead by how many of its lists nest.
    if measured.depth > limits.max_depth || measured.lists > MAX_INTROSPECTION_LISTS {
        return Err(
            ApiError::new(crate::error::ErrorCode::QueryTooDeep, "error-query-too-deep")
                .arg("detail", "Query is nested too deep."),
        );
    }
    // Every field costs at least 1; and the expanded document is bounded too,
    // counting what costs nothing (`__typename`, skipped fields, spreads), so
    // that validation never walks a fragment bomb.
    let max = limits.max_complexity;
    if measured.cost > max || measured.nodes > max.saturating_mul(4).max(1000) {
        return Err(ApiError::new(
            crate::error::ErrorCode::QueryTooComplex,
            "error-query-too-complex",
        )
        .arg("detail", "Query is too complex."));
    }
    Ok(())
}

/// Introspection's lists: nesting them multiplies the answer by the schema.
const INTROSPECTION_LISTS: [&str; 8] = [
    "types",
    "fields",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "args",
    "directives",
];

/// Lists nested in introspection: `types { fields { args } }` is the
/// standard query's deepest; one more level is allowed.
const MAX_INTROSPECTION_LISTS: usize = 4;

/// What a selection costs at least, how many nodes it expands to, how deep
/// its data fields nest, and how deep introspection lists nest in it.
#[derive(Clone, Copy, Default)]
struct Measure {
    cost: usize,
    nodes: usize,
    depth: usize,
    lists: usize,
    /// Whether `__schema` or `__type` is asked for.
    introspects: bool,
}

impl Measure {
    /// A sibling's measure: costs add up, depths do not.
    fn add(&mut self, other: Measure) {
        self.cost = self.cost.saturating_add(other.cost);
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.depth = self.depth.max(other.depth);
        self.lists = self.lists.max(other.lists);
        self.introspects |= other.introspects;
    }
}

/// Measures selections, each fragment once per context (so a spread costs a
/// lookup, however often it repeats); a fragment in a cycle is unbounded.
struct Counter<'d> {
    document: &'d ExecutableDocument,
    fragments: HashMap<(&'d str, bool), Option<Measure>>,
}

const UNBOUNDED: Measure = Measure {
    cost: usize::MAX,
    nodes: usize::MAX,
    depth: usize::MAX,
    lists: usize::MAX,
    introspects: false,
};

impl<'d> Counter<'d> {
    /// `inside`: within `__schema` or `__type`.
    fn selection(&mut self, set: &'d SelectionSet, inside: bool, guard: usize) -> Measure {
        if guard > 64 {
            return UNBOUNDED;
        }
        let mut total = Measure::default();
        for item in &set.items {
            total.nodes = total.nodes.saturating_add(1);
            match &item.node {
                Selection::Field(field) => {
                    if skipped(&field.node.directives) {
                        continue;
                    }
                    let name = field.node.name.node.as_str();
                    let meta = name.starts_with("__");
                    let enters = inside || name == "__schema" || name == "__type";
                    let mut child = self.selection(&field.node.selection_set.node, enters, guard + 1);
                    if !meta && !inside {
                        let work = EXPENSIVE.iter().find(|(n, _)| *n == name).map_or(1, |(_, c)| *c);
                        child.cost = child.cost.saturating_add(work);
                        child.depth = child.depth.saturating_add(1);
                    } else if !meta {
                        child.cost = child.cost.saturating_add(1);
                    }
                    if inside && INTROSPECTION_LISTS.contains(&name) {
                        child.lists = child.lists.saturating_add(1);
                    }
                    child.introspects |= enters && !inside;
                    total.add(child);
                }
                Selection::InlineFragment(fragment) => {
                    if !skipped(&fragment.node.directives) {
                        total.add(self.selection(&fragment.node.selection_set.node, inside, guard + 1));
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if !skipped(&spread.node.directives) {
                        let name = spread.node.fragment_name.node.as_str();
                        total.add(self.fragment(name, inside, guard + 1));
                    }
                }
            }
        }
        total
    }

    fn fragment(&mut self, name: &'d str, inside: bool, guard: usize) -> Measure {
        match self.fragments.get(&(name, inside)) {
            Some(Some(measured)) => return *measured,
            // Still being measured: a cycle.
            Some(None) => return UNBOUNDED,
            None => {}
        }
        let Some((key, fragment)) = self.document.fragments.get_key_value(name) else {
            return Measure::default();
        };
        self.fragments.insert((key.as_str(), inside), None);
        let measured = self.selection(&fragment.node.selection_set.node, inside, guard);
        self.fragments.insert((key.as_str(), inside), Some(measured));
        measured
    }
}

/// Tokens in a GraphQL text, counted up to `stop_at` without parsing it
/// (the parser is the slow part of refusing a huge query). Names, numbers,
/// strings and punctuators count; whitespace, commas and comments do not.
pub fn count_tokens(text: &str, stop_at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut tokens = 0;
    while i < bytes.len() && tokens <= stop_at {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 3;
                tokens += 1;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                tokens += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                i += 3;
                tokens += 1;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.' | b'+' | b'-'))
                {
                    i += 1;
                }
                tokens += 1;
            }
            _ => {
                // A punctuator, or something the parser will refuse.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                tokens += 1;
            }
        }
    }
    tokens
}

/// Whether `@skip(if: true)` or `@include(if: false)` leaves this out.
fn skipped(directives: &[async_graphql::Positioned<async_graphql::parser::types::Directive>]) -> bool {
    directives.iter().any(|d| {
        let literal = d.node.get_argument("if").and_then(|v| match &v.node {
            Value::Boolean(b) => Some(*b),
            _ => None,
        });
        matches!(
            (d.node.name.node.as_str(), literal),
            ("skip", Some(true)) | ("include", Some(false))
        )
    })
}

/// The type of the operation that `name` selects (the only one without a name).
pub fn operation_type(operations: &DocumentOperations, name: Option<&str>) -> Option<OperationType> {
    match operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, op)| op.node.ty),
            None if ops.len() == 1 => ops.values().next().map(|op| op.node.ty),
            None => None,
        },
    }
}

/// A request whose GraphQL text is longer than allowed, refused unparsed.
pub(crate) fn too_many_tokens(max: usize) -> crate::error::ApiError {
    crate::error::ApiError::new(crate::error::ErrorCode::QueryTooComplex, "error-query-too-long")
        .arg("max", max as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, variables: serde_json::Value) -> Result<(), String> {
        let mut request =
            async_graphql::Request::new(query).variables(async_graphql::Variables::from_json(variables));
        refuse_control_characters(&mut request).map_err(|e| e.field.unwrap_or_default())
    }

    #[test]
    fn floods_of_aliases_are_refused_by_counting_and_real_queries_pass() {
        let aliases: Vec<String> = (0..2500)
            .map(|i| format!("a{i}: localeCoverage {{ locale }}"))
            .collect();
        let mut flood = async_graphql::Request::new(format!("{{ {} }}", aliases.join(" ")));
        assert!(refuse_before_validation(&mut flood, &Limits::default(), true).is_err());
        let mut spread = async_graphql::Request::new(
            "query { ...F ...F ...F } fragment F on Query { localeCoverage { locale } }",
        );
        assert!(refuse_before_validation(&mut spread, &Limits::default(), true).is_err());
        let mut skipped = async_graphql::Request::new(
            "query { a: localeCoverage @skip(if: true) { locale } b: localeCoverage { locale } c: localeCoverage @include(if: false) { locale } }",
        );
        assert!(refuse_before_validation(&mut skipped, &Limits::default(), true).is_ok());
        let mut page = async_graphql::Request::new(
            "{ projects(first: 50) { totalCount edges { node { code title participants { role } } } } }",
        );
        assert!(refuse_before_validation(&mut page, &Limits::default(), true).is_ok());
        // A fragment bomb: each fragment spreads the next twice, 2^40 fields
        // in 2 KB; measured once per fragment, refused at once.
        let mut bomb = String::from("query { ...F0 }");
        for i in 0..40 {
            bomb.push_str(&format!(
                " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
                n = i + 1
            ));
        }
        bomb.push_str(" fragment F40 on Query { __typename }");
        let mut bomb = async_graphql::Request::new(bomb);
        assert!(refuse_before_validation(&mut bomb, &Limits::default(), true).is_err());
        let mut cycle = async_graphql::Request::new(
            "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        );
        assert!(refuse_before_validation(&mut cycle, &Limits::default(), true).is_err());
    }

    #[test]
    fn tokens_are_counted_as_graphql_reads_them() {
        assert_eq!(
            count_tokens("{ a: b(x: 1.5e3, s: \"a { b } c\") { ...F } } # { { {", 100),
            17
        );
        assert_eq!(
            count_tokens("\"\"\" block { with \\\"\"\" inside \"\"\" x", 100),
            2
        );
        assert_eq!(count_tokens(",,, \n\t", 100), 0);
        assert!(count_tokens(&"a ".repeat(10_000), 50) <= 51);
    }

    #[test]
    fn nul_and_escapes_are_refused_in_variables_and_literals() {
        assert_eq!(
            check("{ a }", serde_json::json!({ "slug": "a\u{0}b" })),
            Err("slug".into())
        );
        assert_eq!(
            check(
                r#"{ organisationBySlug(slug: "a\u0000b") { id } }"#,
                serde_json::json!({})
            ),
            Err("slug".into())
        );
        assert_eq!(
            check(
                r#"query { ...F } fragment F on Query { organisations(filter: { query: "x\u001b" }) { totalCount } }"#,
                serde_json::json!({})
            ),
            Err("filter".into())
        );
        assert_eq!(
            check(
                "{ a }",
                serde_json::json!({ "text": "line one\nline two\ttabbed\r\n" })
            ),
            Ok(())
        );
    }
}

//! Checks on a request's input that hold for every field: no text input may
//! hold a control character (a NUL byte would reach PostgreSQL, which
//! refuses it, and no one types an escape into a title or a filter).
//! Variables and literals in the query are checked alike, before anything
//! runs.

use async_graphql::Value as ConstValue;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql_value::Value;

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

/// Refuses, before validation, an operation whose cost is certainly over
/// `max`: every field costs at least 1 plus its selection, and an expensive
/// field at least its work. Validating 25,000 aliases takes longer than
/// counting them, so a flood of aliases is turned away here in a few
/// milliseconds; the exact limit is applied by validation afterwards.
pub fn refuse_certainly_too_complex(request: &mut async_graphql::Request, max: usize) -> ApiResult<()> {
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
    let mut cost = 0usize;
    count_cost(document, &operation.node.selection_set.node, 0, max, &mut cost);
    if cost > max {
        return Err(ApiError::new(
            crate::error::ErrorCode::QueryTooComplex,
            "error-query-too-complex",
        )
        .arg("detail", "Query is too complex."));
    }
    Ok(())
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

fn count_cost(document: &ExecutableDocument, set: &SelectionSet, depth: usize, max: usize, cost: &mut usize) {
    // Deeper than any valid query (and fragment cycles, which validation refuses).
    if depth > 64 {
        *cost = cost.saturating_add(max.saturating_add(1));
        return;
    }
    for item in &set.items {
        if *cost > max {
            return;
        }
        match &item.node {
            Selection::Field(field) => {
                if skipped(&field.node.directives) {
                    continue;
                }
                let name = field.node.name.node.as_str();
                if !name.starts_with("__") {
                    let work = EXPENSIVE.iter().find(|(n, _)| *n == name).map_or(1, |(_, c)| *c);
                    *cost = cost.saturating_add(work);
                }
                count_cost(document, &field.node.selection_set.node, depth + 1, max, cost);
            }
            Selection::InlineFragment(fragment) => {
                if !skipped(&fragment.node.directives) {
                    count_cost(document, &fragment.node.selection_set.node, depth + 1, max, cost);
                }
            }
            Selection::FragmentSpread(spread) => {
                if skipped(&spread.node.directives) {
                    continue;
                }
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    count_cost(document, &fragment.node.selection_set.node, depth + 1, max, cost);
                }
            }
        }
    }
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
        assert!(refuse_certainly_too_complex(&mut flood, 5000).is_err());
        let mut spread = async_graphql::Request::new(
            "query { ...F ...F ...F } fragment F on Query { localeCoverage { locale } }",
        );
        assert!(refuse_certainly_too_complex(&mut spread, 5000).is_err());
        let mut skipped = async_graphql::Request::new(
            "query { a: localeCoverage @skip(if: true) { locale } b: localeCoverage { locale } c: localeCoverage @include(if: false) { locale } }",
        );
        assert!(refuse_certainly_too_complex(&mut skipped, 5000).is_ok());
        let mut page = async_graphql::Request::new(
            "{ projects(first: 50) { totalCount edges { node { code title participants { role } } } } }",
        );
        assert!(refuse_certainly_too_complex(&mut page, 5000).is_ok());
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

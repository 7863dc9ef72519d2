//! SQL pieces shared by list filters.

use sea_orm::DbBackend;
use sea_orm::sea_query::{Expr, SimpleExpr};

/// `text` contains `word`, ignoring case, with `%`, `_` and `\` in the
/// word taken literally. Both sides go through the database's `lower()`, so
/// case is folded the same way for the text and the pattern (SQLite folds
/// ASCII only; PostgreSQL folds by its locale).
pub fn contains_text(backend: DbBackend, text: impl Into<SimpleExpr>, word: &str) -> SimpleExpr {
    let pattern = format!("%{}%", escape_like(word));
    // Custom expressions use the engine's own placeholder syntax.
    let template = match backend {
        DbBackend::Postgres => r"lower($1) LIKE lower($2) ESCAPE '\'",
        _ => r"lower(?) LIKE lower(?) ESCAPE '\'",
    };
    Expr::cust_with_exprs(template, [text.into(), Expr::val(pattern)])
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};

    use super::*;

    #[test]
    fn each_engine_gets_its_placeholders_and_wildcards_are_escaped() {
        let build = |backend| {
            Query::select()
                .expr(Expr::val(1))
                .and_where(contains_text(backend, Expr::col("name"), "50%_off"))
                .to_owned()
        };
        let (pg, pg_values) = build(DbBackend::Postgres).build(PostgresQueryBuilder);
        assert!(pg.ends_with(r#"lower("name") LIKE lower($2) ESCAPE '\'"#), "{pg}");
        assert_eq!(pg_values.0[1], r"%50\%\_off%".into());
        let (lite, _) = build(DbBackend::Sqlite).build(SqliteQueryBuilder);
        assert!(
            lite.ends_with(r#"lower("name") LIKE lower(?) ESCAPE '\'"#),
            "{lite}"
        );
    }
}

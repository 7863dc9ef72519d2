//! The counts beside a search's hits: the total and the items per type,
//! language, country, EQF level and licence, read from the same readable
//! matches (`ok`) as the hits, in one statement.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Query as Sql, SelectStatement, UnionType};
use sea_orm::{ConnectionTrait, QueryResult, Statement};

use super::{Filter, Search, alias};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::search::query::Query;

/// Counts for the whole result: items, and items per value of each facet.
#[derive(Clone, Debug, Default)]
pub struct Facets {
    pub total: u64,
    pub types: Vec<(String, u64)>,
    pub languages: Vec<(String, u64)>,
    pub countries: Vec<(String, u64)>,
    pub eqf_levels: Vec<(String, u64)>,
    pub licenses: Vec<(String, u64)>,
}

/// How many items match, in all, and per type, language, country, EQF
/// level and licence.
pub async fn facets(
    db: &impl ConnectionTrait,
    caller: &Caller,
    query: &Query,
    filter: &Filter,
) -> ApiResult<Facets> {
    let search = Search {
        caller,
        query,
        filter,
        backend: db.get_database_backend(),
    };
    let Some(statement) = search.facets_statement() else {
        return Ok(Facets::default());
    };
    let rows = db.query_all_raw(statement).await?;
    Ok(read_facets(rows.iter())?)
}

impl Search<'_> {
    /// The statement of `facets`; `None` when nothing can match.
    pub(super) fn facets_statement(&self) -> Option<Statement> {
        let with = self.with(false)?;
        let mut members = self.facet_rows(false).into_iter();
        let mut select = members.next()?;
        for member in members {
            select.union(UnionType::All, member);
        }
        Some(self.statement(with, select))
    }

    /// One select per facet (`facet`, `value`, `n`), the total first.
    /// `after_hits`: after the hit rows' columns, as NULLs, to follow them
    /// in a union (`hits_and_facets`).
    pub(super) fn facet_rows(&self, after_hits: bool) -> Vec<SelectStatement> {
        let count = || Expr::col(alias("item_id")).count_distinct();
        let facet = |name: &str, value: Option<Expr>| {
            let mut s = Sql::select();
            s.expr_as(Expr::val(name.to_owned()), alias("facet"));
            match value.clone() {
                Some(value) => s.expr_as(value.cast_as("TEXT"), alias("value")),
                None => s.expr_as(Expr::val(String::new()), alias("value")),
            };
            s.expr_as(count(), alias("n")).from(alias("ok"));
            if after_hits {
                for column in [
                    "item_type",
                    "item_id",
                    "doc_id",
                    "part",
                    "locale",
                    "is_original",
                    "s",
                ] {
                    s.expr_as(Expr::cust("NULL"), alias(column));
                }
            }
            if let Some(value) = value {
                s.and_where(value.clone().is_not_null()).add_group_by([value]);
            }
            s
        };
        vec![
            facet("total", None),
            facet("type", Some(Expr::col(alias("item_type")))),
            facet("language", Some(Expr::col(alias("locale"))))
                .and_where(Expr::col(alias("locale")).ne("und"))
                .to_owned(),
            facet("country", Some(Expr::col(alias("country")))),
            facet("eqfLevel", Some(Expr::col(alias("eqf_level")))),
            facet("license", Some(Expr::col(alias("license")))),
        ]
    }
}

/// The facets in `rows` (the rows of `facet_rows`).
pub(super) fn read_facets<'a>(rows: impl Iterator<Item = &'a QueryResult>) -> Result<Facets, sea_orm::DbErr> {
    let mut facets = Facets::default();
    let mut by: HashMap<String, Vec<(String, u64)>> = HashMap::new();
    for row in rows {
        let name: String = row.try_get("", "facet")?;
        let n = count_of(row)?;
        if name == "total" {
            facets.total = n;
        } else {
            by.entry(name).or_default().push((row.try_get("", "value")?, n));
        }
    }
    let mut take = |name: &str| {
        let mut counts = by.remove(name).unwrap_or_default();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    };
    facets.types = take("type");
    facets.languages = take("language");
    facets.countries = take("country");
    facets.eqf_levels = take("eqfLevel");
    facets.licenses = take("license");
    Ok(facets)
}

fn count_of(row: &QueryResult) -> Result<u64, sea_orm::DbErr> {
    let n: i64 = row.try_get("", "n")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

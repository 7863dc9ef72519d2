//! The search statements, with the access policy inside them. `m` holds the
//! index rows that match (FTS5 on SQLite, the GIN-indexed tsvector on
//! PostgreSQL); `ok` joins each to its item's table under the same
//! `auth::policy` condition the lists use, one `UNION ALL` branch per type,
//! and carries the facet attributes. The hits and the facets are both read
//! from `ok`, so neither can show what the caller may not read.
use chrono::{DateTime, Utc};
use sammen_entities::search_doc;
use sea_orm::sea_query::{
    Alias, Asterisk, CommonTableExpression, Cond, Expr, ExprTrait, Order, PostgresQueryBuilder, Query as Sql,
    SelectStatement, SqliteQueryBuilder, UnionType, WithClause,
};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryResult, Statement};
use uuid::Uuid;

use super::index::{COLUMNS, ItemType};
use super::query::{Query, fts5_match, tsquery};
use super::text::Lang;
use crate::auth::Caller;
use crate::error::ApiResult;

mod branch;
mod facets;
use facets::read_facets;
pub use facets::{Facets, facets};

/// What narrows a search; empty lists narrow nothing.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub types: Vec<ItemType>,
    /// Language tags; `en` also matches `en-US`.
    pub languages: Vec<String>,
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    pub organisation_id: Option<Uuid>,
    pub eqf_levels: Vec<i32>,
    /// Audience names, as stored.
    pub audiences: Vec<String>,
    /// SPDX ids.
    pub licenses: Vec<String>,
    /// Names from the document, training and organisation kinds.
    pub kinds: Vec<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

/// An index row of a hit that matched.
#[derive(Clone, Debug)]
pub struct Matched {
    pub doc_id: i64,
    /// META or FILE.
    pub part: String,
    pub locale: String,
    pub is_original: bool,
}

/// One item found, with the rows of it that matched.
#[derive(Clone, Debug)]
pub struct Hit {
    pub item_type: ItemType,
    pub item_id: Uuid,
    pub score: f64,
    pub matched: Vec<Matched>,
}

fn alias(name: &str) -> Alias {
    Alias::new(name)
}

/// `m.<column>`.
fn m(column: &str) -> Expr {
    Expr::col((alias("m"), alias(column)))
}

/// `ok.<column>`.
fn ok(column: &str) -> Expr {
    Expr::col((alias("ok"), alias(column)))
}

struct Search<'a> {
    caller: &'a Caller,
    query: &'a Query,
    filter: &'a Filter,
    backend: DbBackend,
}

impl Search<'_> {
    /// The matching index rows; `None` if no language has anything to look for.
    /// `scored`: with each row's relevance (BM25, `ts_rank_cd`), which the
    /// hits need and the facets do not (on SQLite it is a third of the
    /// statement's time for a common word).
    fn matches(&self, scored: bool) -> Option<SelectStatement> {
        let mut select = Sql::select();
        select
            .expr_as(Expr::col((alias("d"), search_doc::Column::Id)), alias("doc_id"))
            .column((alias("d"), search_doc::Column::ItemType))
            .column((alias("d"), search_doc::Column::ItemId))
            .column((alias("d"), search_doc::Column::Part))
            .column((alias("d"), search_doc::Column::Locale))
            .column((alias("d"), search_doc::Column::IsOriginal));
        if self.backend == DbBackend::Sqlite {
            let matching = fts5_match(self.query, &Lang::ALL, "lang", &COLUMNS)?;
            let score = if scored {
                "-bm25(search_fts, 0.0, 1.0, 0.4, 0.2, 0.1)"
            } else {
                "0.0"
            };
            select
                .expr_as(Expr::cust(score), alias("score"))
                .from(alias("search_fts"))
                .and_where(Expr::cust_with_values("search_fts MATCH ?", [matching]));
            // The matches drive the join (see `join_matches`).
            select
                .join_as(JoinType::CrossJoin, search_doc::Entity, alias("d"), Cond::all())
                .and_where(Expr::cust("d.id = search_fts.rowid"));
        } else {
            // Per language: the rows in that language's configuration that
            // match its reading of the query. The configuration names are
            // `Lang`'s, never user text; the tsqueries are bound.
            let read: Vec<(&str, String)> = Lang::ALL
                .iter()
                .filter_map(|lang| Some((lang.pg_config(), tsquery(&self.query.for_lang(*lang)?))))
                .collect();
            if read.is_empty() {
                return None;
            }
            let mut any = Cond::any();
            let mut rank = String::from("CASE d.config");
            let mut values = Vec::new();
            for (i, (config, tsq)) in read.iter().enumerate() {
                any = any.add(Expr::cust_with_values(
                    format!("d.config = '{config}' AND d.tsv @@ to_tsquery('simple', $1)"),
                    [tsq.clone()],
                ));
                rank.push_str(&format!(" WHEN '{config}' THEN to_tsquery('simple', ${})", i + 1));
                values.push(tsq.clone());
            }
            rank.push_str(" END");
            let score = if scored {
                Expr::cust_with_values(
                    format!("CAST(ts_rank_cd(d.tsv, {rank}) AS DOUBLE PRECISION)"),
                    values,
                )
            } else {
                Expr::cust("CAST(0 AS DOUBLE PRECISION)")
            };
            select
                .expr_as(score, alias("score"))
                .from_as(search_doc::Entity, alias("d"))
                .cond_where(any);
        }
        // The types are left to the branches (`readable`): a condition on
        // `item_type` here invites SQLite to drive the join from its index.
        if !self.filter.languages.is_empty() {
            let mut any = Cond::any();
            for tag in &self.filter.languages {
                any = any
                    .add(Expr::col((alias("d"), search_doc::Column::Locale)).eq(tag.as_str()))
                    .add(Expr::col((alias("d"), search_doc::Column::Locale)).like(format!("{tag}-%")));
            }
            select.cond_where(any);
        }
        Some(select)
    }

    /// Joins `entity`'s table by its key to the matches (`m.item_id`), which
    /// drive the join
    /// on both engines. SQLite: a `CROSS JOIN` (its planner never reorders
    /// one) with the key in the `WHERE`; left free, it started from an index
    /// of the other table and ran the full-text match once per row of it.
    /// PostgreSQL: `JOIN LATERAL (SELECT * FROM table WHERE id = m.item_id) AS table`,
    /// a key lookup per match; it cannot know how many rows `m` holds and,
    /// guessing a handful, scanned `m` once per organisation. Either way
    /// the statement's cost follows the matches, not the tables.
    fn join_matches<E: EntityTrait>(&self, s: &mut SelectStatement, entity: E) {
        let on = Expr::col((entity, alias("id"))).eq(m("item_id"));
        if self.backend == DbBackend::Sqlite {
            s.join(JoinType::CrossJoin, entity, Cond::all()).and_where(on);
        } else {
            // OFFSET 0 keeps PostgreSQL from pulling the subquery up into a
            // plain join, which it would then reorder.
            let row = Sql::select()
                .column(Asterisk)
                .from(entity)
                .and_where(on)
                .offset(0)
                .to_owned();
            s.join_lateral(
                JoinType::InnerJoin,
                row,
                alias(entity.table_name()),
                Expr::cust("TRUE"),
            );
        }
    }

    /// The types the filter leaves.
    fn types(&self) -> Vec<ItemType> {
        ItemType::ALL
            .into_iter()
            .filter(|t| self.filter.types.is_empty() || self.filter.types.contains(t))
            .collect()
    }

    /// The readable matches, as the union of one branch per type.
    fn readable(&self) -> Option<SelectStatement> {
        let mut branches = self.types().into_iter().filter_map(|t| self.branch(t));
        let mut first = branches.next()?;
        for branch in branches {
            first.union(UnionType::All, branch);
        }
        Some(first)
    }

    /// `WITH m AS (…), ok AS (…)`, or `None` when nothing can match.
    fn with(&self, scored: bool) -> Option<WithClause> {
        let matches = self.matches(scored)?;
        let readable = self.readable()?;
        let mut with = WithClause::new();
        with.cte(
            CommonTableExpression::new()
                .query(matches)
                .table_name(alias("m"))
                .materialized(true)
                .to_owned(),
        )
        .cte(
            CommonTableExpression::new()
                .query(readable)
                .table_name(alias("ok"))
                .materialized(true)
                .to_owned(),
        );
        Some(with)
    }

    fn statement(&self, with: WithClause, select: SelectStatement) -> Statement {
        let query = select.with(with);
        let (sql, values) = match self.backend {
            DbBackend::Postgres => query.build(PostgresQueryBuilder),
            _ => query.build(SqliteQueryBuilder),
        };
        tracing::trace!(%sql, "search statement");
        Statement::from_sql_and_values(self.backend, sql, values)
    }

    /// The statement of `hits`; `None` when nothing can match.
    /// The statement of `hits`; `None` when nothing can match.
    fn hits_statement(&self, after: Option<(f64, Uuid)>, limit: u64) -> Option<Statement> {
        let mut with = self.with(true)?;
        with.cte(page(after, limit));
        let mut select = hit_rows(false);
        select
            .order_by((alias("page"), alias("s")), Order::Desc)
            .order_by((alias("ok"), alias("item_id")), Order::Asc)
            .order_by((alias("ok"), alias("doc_id")), Order::Asc);
        Some(self.statement(with, select))
    }

    /// The statement of `hits_and_facets`: the rows of `hits` (facet
    /// `hit`, in no order) and those of `facets`, from one evaluation of
    /// the matches and the policy.
    fn hits_and_facets_statement(&self, after: Option<(f64, Uuid)>, limit: u64) -> Option<Statement> {
        let mut with = self.with(true)?;
        with.cte(page(after, limit));
        let mut select = hit_rows(true);
        for member in self.facet_rows(true) {
            select.union(UnionType::All, member);
        }
        Some(self.statement(with, select))
    }
}

/// `page AS (…)`: the best `limit` items after the cursor `after` (score, id).
fn page(after: Option<(f64, Uuid)>, limit: u64) -> CommonTableExpression {
    let best = Expr::col(alias("score")).max();
    let mut page = Sql::select();
    page.column(alias("item_id"))
        .expr_as(best.clone(), alias("s"))
        .from(alias("ok"))
        .group_by_col(alias("item_id"))
        .order_by(alias("s"), Order::Desc)
        .order_by(alias("item_id"), Order::Asc)
        .limit(limit);
    if let Some((score, id)) = after {
        page.cond_having(
            Cond::any().add(best.clone().lt(score)).add(
                Cond::all()
                    .add(best.eq(score))
                    .add(Expr::col(alias("item_id")).gt(id)),
            ),
        );
    }
    CommonTableExpression::new()
        .query(page)
        .table_name(alias("page"))
        .to_owned()
}

/// The matched rows of the page's items, with their item's best score.
/// `with_facet_columns`: led by the facet rows' columns (`facet` = `hit`),
/// to come first in a union with them (PostgreSQL types a union's columns
/// from its first member).
fn hit_rows(with_facet_columns: bool) -> SelectStatement {
    let mut select = Sql::select();
    select.distinct();
    if with_facet_columns {
        select
            .expr_as(Expr::val(HIT), alias("facet"))
            .expr_as(Expr::cust("CAST(NULL AS TEXT)"), alias("value"))
            .expr_as(Expr::cust("CAST(NULL AS BIGINT)"), alias("n"));
    }
    select
        .expr(ok("item_type"))
        .expr(ok("item_id"))
        .expr(ok("doc_id"))
        .expr(ok("part"))
        .expr(ok("locale"))
        .expr(ok("is_original"))
        .expr(Expr::col((alias("page"), alias("s"))))
        .from(alias("ok"))
        .inner_join(
            alias("page"),
            Expr::col((alias("page"), alias("item_id"))).equals((alias("ok"), alias("item_id"))),
        );
    select
}

/// The `facet` of the hit rows in `hits_and_facets`.
const HIT: &str = "hit";

/// The hits in `rows` (the rows of `hit_rows`), best first (ties by id),
/// each with its matched rows in index order.
fn read_hits<'a>(rows: impl Iterator<Item = &'a QueryResult>) -> Result<Vec<Hit>, sea_orm::DbErr> {
    let mut read = Vec::new();
    for row in rows {
        let stored: String = row.try_get("", "item_type")?;
        let Some(item_type) = ItemType::parse(&stored) else {
            continue;
        };
        let item_id: Uuid = row.try_get("", "item_id")?;
        let score: f64 = row.try_get("", "s")?;
        let matched = Matched {
            doc_id: row.try_get("", "doc_id")?,
            part: row.try_get("", "part")?,
            locale: row.try_get("", "locale")?,
            is_original: row.try_get("", "is_original")?,
        };
        read.push((score, item_type, item_id, matched));
    }
    read.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.2.cmp(&b.2))
            .then_with(|| a.3.doc_id.cmp(&b.3.doc_id))
    });
    let mut hits: Vec<Hit> = Vec::new();
    for (score, item_type, item_id, matched) in read {
        match hits.last_mut() {
            Some(hit) if hit.item_id == item_id => hit.matched.push(matched),
            _ => hits.push(Hit {
                item_type,
                item_id,
                score,
                matched: vec![matched],
            }),
        }
    }
    Ok(hits)
}

/// The statements a search's first page may send: hits, facets, and both
/// in one (none when nothing can match): for `EXPLAIN`, in the tests that hold the
/// plans to starting from the matches.
pub fn statements(backend: DbBackend, caller: &Caller, query: &Query, filter: &Filter) -> Vec<Statement> {
    let search = Search {
        caller,
        query,
        filter,
        backend,
    };
    [
        search.hits_statement(None, 20),
        search.facets_statement(),
        search.hits_and_facets_statement(None, 20),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// One page of hits, best first (ties by id): at most `limit` items after
/// the cursor `after` (score, id).
pub async fn hits(
    db: &impl ConnectionTrait,
    caller: &Caller,
    query: &Query,
    filter: &Filter,
    after: Option<(f64, Uuid)>,
    limit: u64,
) -> ApiResult<Vec<Hit>> {
    let search = Search {
        caller,
        query,
        filter,
        backend: db.get_database_backend(),
    };
    let Some(statement) = search.hits_statement(after, limit) else {
        return Ok(Vec::new());
    };
    let rows = db.query_all_raw(statement).await?;
    Ok(read_hits(rows.iter())?)
}

/// `hits` and `facets` in one statement, which finds the matches and
/// applies the policy once for both.
pub async fn hits_and_facets(
    db: &impl ConnectionTrait,
    caller: &Caller,
    query: &Query,
    filter: &Filter,
    after: Option<(f64, Uuid)>,
    limit: u64,
) -> ApiResult<(Vec<Hit>, Facets)> {
    let search = Search {
        caller,
        query,
        filter,
        backend: db.get_database_backend(),
    };
    let Some(statement) = search.hits_and_facets_statement(after, limit) else {
        return Ok((Vec::new(), Facets::default()));
    };
    let rows = db.query_all_raw(statement).await?;
    let mut hit_rows = Vec::new();
    let mut facet_rows = Vec::new();
    for row in &rows {
        let facet: String = row.try_get("", "facet")?;
        if facet == HIT {
            hit_rows.push(row);
        } else {
            facet_rows.push(row);
        }
    }
    Ok((
        read_hits(hit_rows.into_iter())?,
        read_facets(facet_rows.into_iter())?,
    ))
}

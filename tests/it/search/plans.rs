//! The search statements' SQLite plans start from the matches. Left to
//! choose, SQLite's planner drove the join from an index of `search_doc`
//! and ran the full-text match once per index row: 30 s per search on
//! `seed bench --scale 1000`, and no test with a handful of rows could
//! see it by timing. `EXPLAIN QUERY PLAN` shows the plan at any size, so
//! this test reads it on a fresh SQLite database of its own (the plan is
//! SQLite's; on PostgreSQL the matches drive the joins through `JOIN
//! LATERAL … OFFSET 0`, whose plan follows from its statistics and is
//! measured by the benchmark instead).

use sammen_api::auth::Caller;
use sammen_api::search::engine::{Filter, statements};
use sammen_api::search::index::ItemType;
use sammen_api::search::query::Query;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use uuid::Uuid;

/// The problems in one plan: a full scan of a table other than the
/// matches and their working sets, an automatic index (built on every
/// search), or a table joined to the matches by anything but its key.
fn problems(plan: &[String]) -> Vec<String> {
    const WORKING: [&str; 4] = ["SCAN m", "SCAN ok", "SCAN page", "SCAN search_fts VIRTUAL TABLE"];
    const DRIVEN: [&str; 6] = [
        "d ",
        "document ",
        "project ",
        "training_material ",
        "organisation ",
        "person ",
    ];
    plan.iter()
        .filter(|line| {
            let scan = line.starts_with("SCAN ") && !WORKING.iter().any(|w| line.starts_with(w));
            // The page of hits finds its rows in `ok` through one.
            let automatic = line.contains("AUTOMATIC") && !line.starts_with("SEARCH ok ");
            let by_other_key = line
                .strip_prefix("SEARCH ")
                .is_some_and(|rest| DRIVEN.iter().any(|t| rest.starts_with(t)))
                && !line.contains("LEFT-JOIN")
                && !line.contains("(id=?)")
                && !line.contains("(rowid=?)");
            scan || automatic || by_other_key
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn sqlite_plans_start_from_the_matches() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("plans.db").display());
    let db = Database::connect(&url).await.expect("sqlite");
    sammen_api::db::migrate(&db).await.expect("migrated");
    let callers = [
        ("anonymous", Caller::anonymous()),
        (
            "an organisation's system",
            Caller::system_of(&db, Uuid::now_v7()).await.expect("caller"),
        ),
    ];
    let filters = [
        Filter::default(),
        Filter {
            types: vec![ItemType::Document],
            languages: vec!["nb".into()],
            countries: vec!["NO".into()],
            ..Filter::default()
        },
        Filter {
            eqf_levels: vec![5, 6],
            ..Filter::default()
        },
    ];
    let mut checked = 0;
    for text in [
        "rapport",
        "rapport arbeid",
        "\"peer support\"",
        "erfaringskonsulent*",
        "rapport -arbeid OR etikk",
    ] {
        let query = Query::parse("query", text).expect("parsed");
        for (who, caller) in &callers {
            for filter in &filters {
                for statement in statements(DbBackend::Sqlite, caller, &query, filter) {
                    let explain = Statement::from_sql_and_values(
                        DbBackend::Sqlite,
                        format!("EXPLAIN QUERY PLAN {}", statement.sql),
                        statement.values.clone().map(|v| v.0).unwrap_or_default(),
                    );
                    let plan: Vec<String> = db
                        .query_all_raw(explain)
                        .await
                        .expect("explained")
                        .iter()
                        .map(|row| row.try_get::<String>("", "detail").expect("detail"))
                        .collect();
                    let problems = problems(&plan);
                    assert!(
                        problems.is_empty(),
                        "`{text}` as {who} with {filter:?}: {problems:?} in\n{}",
                        plan.join("\n")
                    );
                    checked += 1;
                }
            }
        }
    }
    // The three statements (hits, facets, both) for every query, caller
    // and filter.
    assert_eq!(checked, 5 * 2 * 3 * 3);
}
